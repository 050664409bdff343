//! A 三单 verdict: the findings of [`crate::rules`] over one order's four messages, with
//! the proof of every comparison of committed fields, so that anyone re-checks it from
//! the public views alone ([`check`]) and whoever holds the openings re-derives it byte
//! for byte ([`decide`]): proofs use deterministic nonces ([`crate::commit`]).

use crate::commit::{compare, Commitment, Comparison, Context, Opening};
use crate::rules::{evaluate, Comparator, Finding, OrderSet, Policy, QuotaUse};
use serde::{Deserialize, Serialize};

/// `match` or `mismatch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Match,
    Mismatch,
}

/// One proven comparison of committed fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proven {
    /// `CEB311.buyerIdNumber`
    pub left: String,
    /// `CEB411.payerIdNumber`
    pub right: String,
    pub proof: Comparison,
}

/// The verdict on one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub order_no: String,
    pub ebp_code: String,
    pub verdict: Outcome,
    pub findings: Vec<Finding>,
    pub comparisons: Vec<Proven>,
    pub quota: QuotaUse,
    /// The looser policy the verdict was reached under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
}

/// The openings of the four messages' committed fields, by message code.
pub struct Openings<'a> {
    pub by_message: [(&'static str, &'a [Opening]); 4],
}

struct Proving<'a> {
    openings: &'a Openings<'a>,
    proven: Vec<Proven>,
}

impl Comparator for Proving<'_> {
    fn equal(
        &mut self,
        ctx: &Context,
        left: (&str, &str, Commitment),
        right: (&str, &str, Commitment),
    ) -> Result<bool, String> {
        let find = |(msg, slot, c): (&str, &str, Commitment)| {
            let opening = self
                .openings
                .by_message
                .iter()
                .find(|(m, _)| *m == msg)
                .and_then(|(_, os)| os.iter().find(|o| o.slot == slot))
                .ok_or_else(|| format!("no opening of {msg}.{slot}"))?;
            if !opening.opens(&c) {
                return Err(format!(
                    "the opening of {msg}.{slot} does not open its commitment"
                ));
            }
            Ok(opening)
        };
        let (a, b) = (find(left)?, find(right)?);
        let proof = compare(ctx, a, b).map_err(|e| e.to_string())?;
        self.proven.push(Proven {
            left: format!("{}.{}", left.0, left.1),
            right: format!("{}.{}", right.0, right.1),
            proof,
        });
        Ok(proof.claims_equal())
    }
}

struct Checking<'a> {
    claimed: &'a [Proven],
    next: usize,
}

impl Comparator for Checking<'_> {
    fn equal(
        &mut self,
        ctx: &Context,
        left: (&str, &str, Commitment),
        right: (&str, &str, Commitment),
    ) -> Result<bool, String> {
        let (l, r) = (
            format!("{}.{}", left.0, left.1),
            format!("{}.{}", right.0, right.1),
        );
        let proven = self
            .claimed
            .get(self.next)
            .filter(|p| p.left == l && p.right == r)
            .ok_or_else(|| format!("the verdict has no proof comparing {l} with {r}"))?;
        self.next += 1;
        proven
            .proof
            .verify(ctx, &left.2, &right.2)
            .map_err(|e| format!("{l} vs {r}: {e}"))
    }
}

fn assemble(
    set: OrderSet<'_>,
    quota: QuotaUse,
    policy: &Policy,
    findings: Vec<Finding>,
    comparisons: Vec<Proven>,
) -> Verdict {
    Verdict {
        order_no: set.order.order_no.clone(),
        ebp_code: set.order.ebp_code.clone(),
        verdict: if findings.is_empty() {
            Outcome::Match
        } else {
            Outcome::Mismatch
        },
        findings,
        comparisons,
        quota,
        policy: policy.name(),
    }
}

/// Decides an order's verdict, proving each comparison of committed fields from the
/// openings.
pub fn decide(
    set: OrderSet<'_>,
    openings: &Openings<'_>,
    quota: QuotaUse,
    policy: &Policy,
) -> Result<Verdict, String> {
    let mut proving = Proving {
        openings,
        proven: Vec::new(),
    };
    let findings = evaluate(set, &quota, policy, &mut proving)?;
    Ok(assemble(set, quota, policy, findings, proving.proven))
}

/// Re-checks a verdict from the public views: the same rules, every proof verified, and
/// the result must be the claimed verdict exactly.
pub fn check(
    claimed: &Verdict,
    set: OrderSet<'_>,
    quota: QuotaUse,
    policy: &Policy,
) -> Result<(), String> {
    let mut checking = Checking {
        claimed: &claimed.comparisons,
        next: 0,
    };
    let findings = evaluate(set, &quota, policy, &mut checking)?;
    if checking.next != claimed.comparisons.len() {
        return Err("the verdict carries proofs of comparisons the rules do not make".into());
    }
    let derived = assemble(set, quota, policy, findings, claimed.comparisons.clone());
    if derived != *claimed {
        return Err(format!(
            "the verdict does not follow from its messages: they give {:?} with findings {:?}",
            derived.verdict,
            derived
                .findings
                .iter()
                .map(|f| f.rule.as_str())
                .collect::<Vec<_>>()
        ));
    }
    Ok(())
}
