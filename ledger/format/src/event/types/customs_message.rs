//! `customs_message`: one record of a GACC cross-border e-commerce message (CEB311 order,
//! CEB411 payment, CEB511 waybill, CEB621 inventory declaration, CEB623 cancellation,
//! CEB625 return), as its public view (docs/FORMAT.md §13). The raw message, whose
//! BLAKE3 the event signs, and the salt of the view's commitments are the private part:
//! whoever holds it re-derives the view. Every record of an order files under the
//! document `ceb:ORDER_NO` and joins the chain `ceb:ORDER_NO`, so the order's messages
//! are one chain however they arrive; which party may send which message (the `party`
//! rule) and the comparison itself are the core's admission.

use super::prelude::*;
use suyuan_customs::normalize;
use suyuan_customs::view::RecordView;

/// `customs_message`: one record of a customs message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsMessage {
    /// The record's `orderNo` as the rules join it (NFKC, trimmed).
    pub order_no: DocNumber,
    /// The public view: `{"CEB311": {…}}` ….
    pub record: RecordView,
    /// BLAKE3 of the message's raw bytes, as received.
    pub xml_digest: HexDigest,
}

impl EventBody for CustomsMessage {
    const SIGNERS: &'static [Role] = &[Role::Platform, Role::Trader, Role::Payment, Role::Carrier];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        names_no_items(what, "a customs message")?;
        let joined = normalize::code(self.record.order_no());
        if joined != self.order_no.as_str() {
            return Err(ValidationError::new(
                "body.order_no",
                format!(
                    "must be the record's orderNo as the rules join it ({joined:?}), not {:?}",
                    self.order_no.as_str()
                ),
            ));
        }
        Ok(())
    }

    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        Some((DocKind::CustomsOrder, &self.order_no))
    }

    fn chains(&self) -> Vec<String> {
        vec![DocKind::CustomsOrder.key(self.order_no.as_str())]
    }
}

/// A customs message or verdict names no items (its order does): the rules join on
/// the order number alone.
pub(super) fn names_no_items(what: &What, kind: &str) -> Result<(), ValidationError> {
    if !what.items.is_empty() || !what.inputs.is_empty() || what.parent.is_some() {
        return Err(ValidationError::new(
            "what",
            format!("{kind} names no items: its order does"),
        ));
    }
    Ok(())
}
