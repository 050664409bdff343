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

code_list! { pub enum Direction { Import, Export } }

code_list! { pub enum ClearanceStatus { Declared, Inspected, Released, Held, Rejected } }

impl EventBody for Clearance {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Customs];

    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        Some((DocKind::Declaration, &self.declaration_no))
    }

    fn names(&self) -> Vec<(DocKind, &DocNumber)> {
        vec![
            (DocKind::Order, &self.order_no),
            (DocKind::Payment, &self.payment_no),
            (DocKind::Waybill, &self.waybill_no),
        ]
    }
}
