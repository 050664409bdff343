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

code_list! { pub enum AcceptanceDecision { Accepted, Rejected } }

impl EventBody for Acceptance {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Customs, Role::InspectionBureau];

    fn references(&self, _: &What) -> Vec<Reference> {
        vec![Reference::Entry {
            field: "body.inspection".into(),
            hash: self.inspection.0,
            kind: Some(EventType::Inspection),
        }]
    }
}
