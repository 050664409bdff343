//! `payment`: a payment institution's record of payment for an order (CEB411). It
//! defines the payment number, which must be new, and needs the order.

use super::prelude::*;

/// `payment`: a payment institution's record of payment for an order (CEB411).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub payment_no: DocNumber,
    pub order_no: DocNumber,
    pub payer_commitment: HexDigest,
    pub amount: Money,
    pub status: PaymentStatus,
}

code_list! { pub enum PaymentStatus { Paid, Refunded } }

impl EventBody for Payment {
    const SIGNERS: &'static [Role] = &[Role::Payment];

    fn validate(&self, _: &What) -> Result<(), ValidationError> {
        if self.amount.amount.is_negative() {
            return Err(ValidationError::new(
                "body.amount.amount",
                "must not be negative",
            ));
        }
        Ok(())
    }

    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        Some((DocKind::Payment, &self.payment_no))
    }

    fn names(&self) -> Vec<(DocKind, &DocNumber)> {
        vec![(DocKind::Order, &self.order_no)]
    }
}
