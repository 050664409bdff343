//! `customs_verdict`: the 三单比对 verdict on one order (docs/FORMAT.md §13), signed by
//! customs. It carries the proof of every comparison of committed fields, so admission
//! re-checks it against the public views of the order's messages already in the log,
//! and refuses a verdict that does not follow from them: the log holds only verdicts
//! that anyone can re-derive offline. It files under the order's document and joins
//! its chain `ceb:ORDER_NO`.

use super::prelude::*;
use suyuan_customs::normalize;
use suyuan_customs::verdict::Verdict;

/// `customs_verdict`: the verdict on one order's messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomsVerdict {
    /// The order, as the rules join its number.
    pub order_no: DocNumber,
    pub verdict: Verdict,
}

impl EventBody for CustomsVerdict {
    const SIGNERS: &'static [Role] = &[Role::Customs];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        super::customs_message::names_no_items(what, "a customs verdict")?;
        if normalize::code(&self.verdict.order_no) != self.order_no.as_str() {
            return Err(ValidationError::new(
                "body.verdict.order_no",
                format!(
                    "must be the order of the verdict, {:?}",
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
