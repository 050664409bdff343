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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    /// In chain-key order.
    const ITEMS: [&str; 3] = [
        "00/047188222605000007",
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A retail import declared under its order, payment and waybill (fixtures/scenario).
    fn declared() -> Value {
        json!({"type": "clearance", "client_id": "pingtan_customs:declared:35112026I000010451",
            "actor": "CN-USCC:113501280K3762N507", "key": key(), "time": "2026-05-22T08:30:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭海关", "gln": "6971208000328"},
            "why": {"biz_step": "holding", "disposition": "sellable_not_accessible"},
            "body": {"declaration_no": "35112026I000010451", "customs_office": "3511 平潭海关 Pingtan Customs",
                "direction": "import", "trade_mode": "9610", "hs_code": "0902301000", "status": "declared",
                "order_no": "LD202605180001", "payment_no": "SP20260518037001", "waybill_no": "SE26052200000",
                "note": "三单已推送"}})
    }

    #[test]
    fn a_clearance_parses_defines_its_declaration_and_needs_the_three_documents() {
        let e = parse(&declared());
        assert_eq!(e.kind, EventType::Clearance);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let declaration = (DocKind::Declaration, "35112026I000010451".to_string());
        let named = [
            (DocKind::Order, "LD202605180001"),
            (DocKind::Payment, "SP20260518037001"),
            (DocKind::Waybill, "SE26052200000"),
        ];
        let mut documents = vec![declaration.clone()];
        documents.extend(named.map(|(kind, n)| (kind, n.to_string())));
        assert_eq!(e.documents(), documents);
        assert_eq!(e.defines(), Some(declaration));
        let needed = named.map(|(kind, n)| Reference::Document {
            field: format!("body.{}_no", kind.as_str()),
            kind,
            number: n.into(),
        });
        assert_eq!(e.references(), needed);
    }

    #[test]
    fn a_clearance_names_items() {
        let mut e = declared();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        e.as_object_mut().unwrap().remove("what");
        refused(&e, "what.items", "at least one item");
    }
}
