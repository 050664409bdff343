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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    /// A payment for order LD202605180001; it names no items (fixtures/scenario).
    fn paid() -> Value {
        json!({"type": "payment", "client_id": "straits_pay:pay:SP20260518037001",
            "actor": "CN-USCC:91350128MA2XR5E6XK", "key": key(), "time": "2026-05-18T08:55:00+08:00",
            "where": {"country": "CN", "place": "平潭综合实验区 海峡跨境支付", "gln": "6971208000700"},
            "body": {"payment_no": "SP20260518037001", "order_no": "LD202605180001",
                "payer_commitment": hex('d'), "amount": {"amount": "805.75", "currency": "CNY"},
                "status": "paid"}})
    }

    #[test]
    fn a_payment_parses_defines_its_number_and_needs_its_order() {
        let e = parse(&paid());
        assert_eq!(e.kind, EventType::Payment);
        assert!(e.chain_keys().is_empty());
        let payment = (DocKind::Payment, "SP20260518037001".to_string());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![payment.clone(), order]);
        assert_eq!(e.defines(), Some(payment));
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
    }

    #[test]
    fn the_amount_is_not_negative() {
        let mut e = paid();
        e["body"]["amount"]["amount"] = "-805.75".into();
        refused(&e, "body.amount.amount", "negative");
        e["body"]["status"] = "refunded".into();
        refused(&e, "body.amount.amount", "negative");
        e["body"]["amount"]["amount"] = "-0.00".into();
        parse(&e);
    }
}
