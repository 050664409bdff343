//! `acceptance`: customs or a bureau recognizes (or refuses) a lab's inspection entry,
//! 采信第三方检测结果.

use super::prelude::*;

/// `acceptance`: customs or a bureau recognizes (or refuses) a lab's inspection entry
/// (采信第三方检测结果).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// The entry hash of the inspection recognized.
    pub inspection: HexDigest,
    pub decision: AcceptanceDecision,
    pub basis: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceDecision {
    Accepted,
    Rejected,
}

impl EventBody for Acceptance {
    const TYPE: EventType = EventType::Acceptance;
    const SIGNERS: &'static [Role] = &[Role::Customs, Role::InspectionBureau];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("acceptance")
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        vec![Reference::Entry {
            field: "body.inspection".into(),
            hash: self.inspection.0,
            kind: Some(EventType::Inspection),
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::encoding::Digest;

    /// In chain-key order.
    const ITEMS: [&str; 2] = [
        "01/04719865001034/10/AL2604Q1",
        "01/04719865001270/10/AL2604Q1",
    ];

    /// Customs recognizes a Taiwan lab's report (fixtures/scenario).
    fn accepted() -> Value {
        json!({"type": "acceptance", "client_id": "pingtan_customs:accept:AL2604Q1:Q",
            "actor": "CN-USCC:113501280K3762N507", "key": key(), "time": "2026-05-14T10:00:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭海关", "gln": "6971208000328"},
            "why": {"biz_step": "inspecting", "disposition": "conformant"},
            "body": {"inspection": hex('a'), "decision": "accepted", "basis": "TAF (ILAC MRA) 采信试点"}})
    }

    #[test]
    fn an_acceptance_parses_and_needs_its_inspection() {
        let e = parse(&accepted());
        assert_eq!(e.kind, EventType::Acceptance);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let inspection = Reference::Entry {
            field: "body.inspection".into(),
            hash: Digest::from_hex(&hex('a')).unwrap(),
            kind: Some(EventType::Inspection),
        };
        assert_eq!(e.references(), vec![inspection]);
    }

    #[test]
    fn an_acceptance_names_items_and_an_entry_hash() {
        let mut e = accepted();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = accepted();
        e["body"]["inspection"] = hex('A').into();
        refused(&e, "body.inspection", "lowercase hex");
    }
}
