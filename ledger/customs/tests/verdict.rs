//! The 三单 rules over the fixture sets in fixtures/customs (written by its
//! generate.py): each case's verdict and failing rules, the verdict re-checked from the
//! public views alone, tampering refused, and no personal value in a verdict.

use std::path::PathBuf;
use suyuan_customs::amount::Amount;
use suyuan_customs::commit::Comparison;
use suyuan_customs::message::parse;
use suyuan_customs::rules::{dutiable_value, OrderSet, Policy, QuotaUse};
use suyuan_customs::verdict::{check, decide, Openings, Outcome, Verdict};
use suyuan_customs::view::{derive, Derived, RecordView};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/customs")
}

struct Case {
    name: String,
    records: Vec<Derived>,
    expected: serde_json::Value,
    raw: String,
}

fn load(name: &str) -> Case {
    let dir = fixtures().join(name);
    let mut records = Vec::new();
    let mut raw = String::new();
    for (i, code) in ["311", "411", "511", "621"].iter().enumerate() {
        let bytes = std::fs::read(dir.join(format!("CEB{code}.xml"))).unwrap();
        raw.push_str(&String::from_utf8_lossy(&bytes));
        let message = parse(&bytes).unwrap_or_else(|e| panic!("{name}/CEB{code}: {e}"));
        let salt = [i as u8 + 1; 32];
        records.push(derive(&message, 0, &salt).expect("one record"));
    }
    let expected =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    Case {
        name: name.into(),
        records,
        expected,
        raw,
    }
}

fn set(records: &[Derived]) -> OrderSet<'_> {
    let [RecordView::Order(order), RecordView::Payment(payment), RecordView::Waybill(waybill), RecordView::Inventory(inventory)] = [
        &records[0].view,
        &records[1].view,
        &records[2].view,
        &records[3].view,
    ] else {
        panic!("the four messages in order")
    };
    OrderSet {
        order,
        payment,
        waybill,
        inventory,
    }
}

fn quota(case: &Case) -> QuotaUse {
    let before: Amount = case.expected["quota_used_before"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let this = dutiable_value(set(&case.records).order);
    QuotaUse {
        year: 2026,
        used_before: before,
        this_order: this,
        used_after: before.checked_add(this).unwrap(),
    }
}

fn decide_case(case: &Case, policy: &Policy) -> Verdict {
    let openings = Openings {
        by_message: [
            ("CEB311", &case.records[0].openings),
            ("CEB411", &case.records[1].openings),
            ("CEB511", &case.records[2].openings),
            ("CEB621", &case.records[3].openings),
        ],
    };
    decide(set(&case.records), &openings, quota(case), policy).unwrap()
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_case_gets_its_verdict_and_rechecks_from_public_views() {
    let names = cases();
    assert!(names.len() >= 12, "fixture cases: {names:?}");
    for name in names {
        let case = load(&name);
        let verdict = decide_case(&case, &Policy::default());
        let mut failing: Vec<&str> = verdict.findings.iter().map(|f| f.rule.as_str()).collect();
        failing.dedup();
        let expected: Vec<&str> = case.expected["failing_rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        assert_eq!(failing, expected, "{}: {:#?}", case.name, verdict.findings);
        let outcome = if expected.is_empty() {
            Outcome::Match
        } else {
            Outcome::Mismatch
        };
        assert_eq!(verdict.verdict, outcome, "{}", case.name);
        // Five comparisons of committed fields, each proven.
        assert_eq!(verdict.comparisons.len(), 5, "{}", case.name);
        check(
            &verdict,
            set(&case.records),
            quota(&case),
            &Policy::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        // Deterministic: deciding again gives the same bytes.
        let again = decide_case(&case, &Policy::default());
        assert_eq!(
            serde_json::to_string(&verdict).unwrap(),
            serde_json::to_string(&again).unwrap()
        );
    }
}

#[test]
fn a_verdict_holds_no_personal_value() {
    let case = load("buyer-not-payer");
    let json = serde_json::to_string(&decide_case(&case, &Policy::default())).unwrap();
    for value in [
        "王小明",
        "王大明",
        "33010619900307123",
        "330106196501011234",
        "13800138000",
        "文三路",
    ] {
        assert!(case.raw.contains(value), "{value} is in the messages");
        assert!(!json.contains(value), "{value} leaked into the verdict");
    }
    for view in &case.records {
        let json = serde_json::to_string(&view.view).unwrap();
        assert!(
            !json.contains("王") && !json.contains("3301061990"),
            "{json}"
        );
    }
}

#[test]
fn a_tampered_verdict_is_refused() {
    let case = load("buyer-not-payer");
    let policy = Policy::default();
    let honest = decide_case(&case, &policy);

    let mut flipped = honest.clone();
    flipped.verdict = Outcome::Match;
    flipped.findings.clear();
    assert!(check(&flipped, set(&case.records), quota(&case), &policy).is_err());

    // Claiming "equal" for the differing ID numbers with another comparison's proof.
    let mut forged = honest.clone();
    let equal_proof = forged
        .comparisons
        .iter()
        .find_map(|c| matches!(c.proof, Comparison::Equal(_)).then_some(c.proof))
        .expect("the consignee comparisons are equal");
    forged.comparisons[1].proof = equal_proof;
    forged
        .findings
        .retain(|f| !f.message.contains("buyerIdNumber"));
    let err = check(&forged, set(&case.records), quota(&case), &policy).unwrap_err();
    assert!(err.contains("buyerIdNumber"), "{err}");

    let mut dropped = honest.clone();
    dropped.comparisons.pop();
    assert!(check(&dropped, set(&case.records), quota(&case), &policy).is_err());

    // The verdict is about these messages: another case's views do not check it.
    let other = load("consistent");
    assert!(check(&honest, set(&other.records), quota(&other), &policy).is_err());
}

#[test]
fn the_tolerance_policy_is_off_by_default_and_named_when_on() {
    let case = load("one-fen-off");
    let strict = decide_case(&case, &Policy::default());
    assert_eq!(strict.verdict, Outcome::Mismatch);
    assert_eq!(strict.policy, None);
    let loose = Policy {
        amount_tolerance_bp: Some(500),
    };
    let tolerant = decide_case(&case, &loose);
    assert_eq!(tolerant.verdict, Outcome::Match);
    assert_eq!(tolerant.policy.as_deref(), Some("amount-tolerance-500bp"));
    // Checked under another policy than it was reached under, it fails.
    assert!(check(
        &tolerant,
        set(&case.records),
        quota(&case),
        &Policy::default()
    )
    .is_err());
    // A coupon left out of the payment is 2.8%: within 5%, but a real difference.
    let coupon = load("coupon-missing-from-payment");
    assert_eq!(
        decide_case(&coupon, &Policy::default()).verdict,
        Outcome::Mismatch
    );
}
