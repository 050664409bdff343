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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Refunded,
}

impl EventBody for Payment {
    const TYPE: EventType = EventType::Payment;
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

    fn documents(&self) -> Vec<(DocKind, String)> {
        vec![
            doc(DocKind::Payment, &self.payment_no),
            doc(DocKind::Order, &self.order_no),
        ]
    }

    fn defines(&self) -> Option<(DocKind, String)> {
        Some(doc(DocKind::Payment, &self.payment_no))
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        vec![doc_reference(
            "body.order_no",
            DocKind::Order,
            &self.order_no,
        )]
    }
}
