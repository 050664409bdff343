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
