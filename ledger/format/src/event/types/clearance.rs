//! `clearance`: a customs declaration and its outcome; it needs the order, payment and
//! waybill it declares.

use super::prelude::*;

/// `clearance`: a customs declaration and its outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clearance {
    pub declaration_no: DocNumber,
    pub customs_office: Text,
    pub direction: Direction,
    pub trade_mode: TradeMode,
    pub hs_code: HsCode,
    pub status: ClearanceStatus,
    pub order_no: DocNumber,
    pub payment_no: DocNumber,
    pub waybill_no: DocNumber,
    pub note: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Import,
    Export,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClearanceStatus {
    Declared,
    Inspected,
    Released,
    Held,
    Rejected,
}

impl EventBody for Clearance {
    const TYPE: EventType = EventType::Clearance;
    const SIGNERS: &'static [Role] = &[Role::Customs];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("clearance")
    }

    fn documents(&self) -> Vec<(DocKind, String)> {
        vec![
            doc(DocKind::Declaration, &self.declaration_no),
            doc(DocKind::Order, &self.order_no),
            doc(DocKind::Payment, &self.payment_no),
            doc(DocKind::Waybill, &self.waybill_no),
        ]
    }

    fn defines(&self) -> Option<(DocKind, String)> {
        Some(doc(DocKind::Declaration, &self.declaration_no))
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        vec![
            doc_reference("body.order_no", DocKind::Order, &self.order_no),
            doc_reference("body.payment_no", DocKind::Payment, &self.payment_no),
            doc_reference("body.waybill_no", DocKind::Waybill, &self.waybill_no),
        ]
    }
}
