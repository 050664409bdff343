//! 三单比对 in admission: who may send which customs message (the `party` rule), that a
//! message's public view is what its private part derives, and that a verdict follows
//! from the messages in the log. [`decide_order`] is the one way a verdict is made from
//! the private parts; [`check_verdict`] the one way it is re-checked from public views,
//! at ingest, in an audit and in a bundle alike.

use crate::admission::{AdmitError, LogView, Refusal};
use crate::registry::ActorRecord;
use suyuan_customs::amount::Amount;
use suyuan_customs::message::{parse, MessageType};
use suyuan_customs::normalize;
use suyuan_customs::rules::{dutiable_value, OrderSet, Policy, QuotaUse};
use suyuan_customs::verdict::{check, decide, Openings, Verdict};
use suyuan_customs::view::{derive, Derived, RecordView};
use suyuan_format::encoding::Digest;
use suyuan_format::event::body::{CustomsMessage, CustomsVerdict};
use suyuan_format::hash::content_hash;
use suyuan_format::roles::Role;

/// The roles that may send a message of this type: the platform or e-commerce
/// enterprise its order, the payment institution its payment, the carrier its waybill,
/// the declaring enterprise (trader or platform) its inventory, cancellation and return.
pub fn sender_roles(kind: MessageType) -> &'static [Role] {
    match kind {
        MessageType::Order => &[Role::Platform, Role::Trader],
        MessageType::Payment => &[Role::Payment],
        MessageType::Waybill => &[Role::Carrier],
        MessageType::Inventory | MessageType::Cancel | MessageType::Refund => {
            &[Role::Trader, Role::Platform]
        }
    }
}

/// The `party` rule: the signer holds a role that sends this message and is registered
/// under one of the customs codes the record names as its sender.
pub fn check_sender(signer: &ActorRecord, body: &CustomsMessage) -> Result<(), Refusal> {
    let kind = body.record.message_type();
    let codes = body.record.sender_codes();
    let role_fits = sender_roles(kind).iter().any(|r| signer.has_role(*r));
    let code_fits = codes.iter().any(|(_, code)| {
        let code = normalize::code(code);
        signer.customs_codes.contains(&code)
    });
    if role_fits && code_fits {
        return Ok(());
    }
    Err(Refusal::NotSender {
        actor: signer.id.clone(),
        message: kind.code(),
        named: codes
            .iter()
            .map(|(element, code)| format!("{element} {code}"))
            .collect::<Vec<_>>()
            .join(", "),
        registered: signer.customs_codes.join(", "),
    })
}

/// What a customs message's private part holds: the raw message, which record of it
/// the event is, and the salt of the view's commitments.
pub struct MessagePrivate {
    pub xml: String,
    pub record: usize,
    pub salt: [u8; 32],
}

impl MessagePrivate {
    /// The private part's fields, as sealed with its salt.
    pub fn fields(xml: &str, record: usize) -> serde_json::Value {
        serde_json::json!({"xml": xml, "record": record})
    }

    /// Reads a private part's canonical bytes.
    pub fn read(bytes: &[u8]) -> Result<MessagePrivate, String> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Part {
            fields: Fields,
            salt: String,
        }
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            xml: String,
            record: usize,
        }
        let part: Part = serde_json::from_slice(bytes).map_err(|e| {
            format!("a customs message's private part is {{\"fields\":{{\"xml\":…,\"record\":n}},\"salt\":…}}: {e}")
        })?;
        let salt = Digest::from_hex(&part.salt).ok_or("salt must be 64 hex characters")?;
        Ok(MessagePrivate {
            xml: part.fields.xml,
            record: part.fields.record,
            salt: salt.0,
        })
    }

    /// The record's view and openings, as its raw message gives them.
    pub fn derive(&self) -> Result<Derived, String> {
        let message = parse(self.xml.as_bytes()).map_err(|e| e.to_string())?;
        derive(&message, self.record, &self.salt)
            .ok_or_else(|| format!("the message has no record {}", self.record))
    }
}

/// The event's view is what its private part derives, and `xml_digest` is the BLAKE3 of
/// the raw message.
pub fn check_message_private(body: &CustomsMessage, bytes: &[u8]) -> Result<(), Refusal> {
    let part = MessagePrivate::read(bytes).map_err(Refusal::Private)?;
    if content_hash(part.xml.as_bytes()) != body.xml_digest.0 {
        return Err(Refusal::Private(
            "body.xml_digest is not the BLAKE3 of the private part's message".into(),
        ));
    }
    let derived = part.derive().map_err(Refusal::Private)?;
    if derived.view != body.record {
        return Err(Refusal::Private(
            "body.record is not the view the private part's message derives".into(),
        ));
    }
    Ok(())
}

/// The four messages the rules compare, each the latest received of its type; `None`
/// until all four are in.
pub fn order_set(records: &[RecordView]) -> Option<OrderSet<'_>> {
    let latest = |want: MessageType| records.iter().rev().find(|r| r.message_type() == want);
    let (
        Some(RecordView::Order(order)),
        Some(RecordView::Payment(payment)),
        Some(RecordView::Waybill(waybill)),
        Some(RecordView::Inventory(inventory)),
    ) = (
        latest(MessageType::Order),
        latest(MessageType::Payment),
        latest(MessageType::Waybill),
        latest(MessageType::Inventory),
    )
    else {
        return None;
    };
    Some(OrderSet {
        order,
        payment,
        waybill,
        inventory,
    })
}

/// The quota an order uses, given the buyer's purchases in its year before it.
pub fn quota_use(set: OrderSet<'_>, used_before: Amount) -> Result<QuotaUse, String> {
    let this_order = dutiable_value(set.order);
    Ok(QuotaUse {
        year: set.order.app.app_time.at().year(),
        used_before,
        this_order,
        used_after: used_before
            .checked_add(this_order)
            .ok_or("the buyer's purchases overflow")?,
    })
}

/// The policy a verdict names (`None`: the default).
pub fn policy_named(name: Option<&str>) -> Result<Policy, String> {
    let Some(name) = name else {
        return Ok(Policy::default());
    };
    let bp = name
        .strip_prefix("amount-tolerance-")
        .and_then(|s| s.strip_suffix("bp"))
        .and_then(|n| n.parse::<u32>().ok())
        .ok_or_else(|| format!("unknown policy {name:?}"))?;
    Ok(Policy {
        amount_tolerance_bp: Some(bp),
    })
}

/// Decides the verdict on an order from its messages' derived records (in log order),
/// with the buyer's purchases earlier in the year.
pub fn decide_order(
    derived: &[Derived],
    used_before: Amount,
    policy: &Policy,
) -> Result<Verdict, String> {
    let views: Vec<RecordView> = derived.iter().map(|d| d.view.clone()).collect();
    let set =
        order_set(&views).ok_or("the order's four messages (311, 411, 511, 621) are not all in")?;
    let openings_of = |want: MessageType| -> &[suyuan_customs::commit::Opening] {
        derived
            .iter()
            .rev()
            .find(|d| d.view.message_type() == want)
            .map(|d| d.openings.as_slice())
            .unwrap_or_default()
    };
    let openings = Openings {
        by_message: [
            ("CEB311", openings_of(MessageType::Order)),
            ("CEB411", openings_of(MessageType::Payment)),
            ("CEB511", openings_of(MessageType::Waybill)),
            ("CEB621", openings_of(MessageType::Inventory)),
        ],
    };
    decide(set, &openings, quota_use(set, used_before)?, policy)
}

/// A verdict entry follows from the order's messages in the view: the four are there,
/// its quota is this order's, and the rules with its proofs give exactly it.
pub fn check_verdict<V: LogView>(
    view: &V,
    body: &CustomsVerdict,
) -> Result<(), AdmitError<V::Error>> {
    let order_no = body.order_no.as_str();
    let records = view.customs_records(order_no).map_err(AdmitError::View)?;
    let Some(set) = order_set(&records) else {
        // What allows a verdict must be at hand, in a bundle too.
        return Err(Refusal::MissingReference {
            field: "body.order_no".into(),
            what: format!("the four messages (CEB311, CEB411, CEB511, CEB621) of order {order_no}"),
        }
        .into());
    };
    let claimed = &body.verdict;
    let not_following = |what: String| Refusal::VerdictDoesNotFollow {
        order: order_no.into(),
        what,
    };
    let quota = quota_use(set, claimed.quota.used_before).map_err(not_following)?;
    if quota != claimed.quota {
        return Err(not_following(format!(
            "its quota {:?} is not this order's: the messages give {quota:?}",
            claimed.quota
        ))
        .into());
    }
    let policy = policy_named(claimed.policy.as_deref()).map_err(not_following)?;
    check(claimed, set, quota, &policy).map_err(not_following)?;
    Ok(())
}
