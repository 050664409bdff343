//! `recall`: lots withdrawn by an inspection bureau or a regulator; the lots must be
//! known to the log.

use super::prelude::*;

/// `recall`: lots withdrawn by a bureau or regulator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    pub reason: Text,
    pub severity: Severity,
    pub notice_no: DocNumber,
    pub action: Option<Text>,
}

code_list! {
    /// Recall classes as regulators write them: class I (serious harm) to class III.
    pub enum Severity {
        ClassI,
        #[serde(rename = "class_ii")]
        ClassII,
        #[serde(rename = "class_iii")]
        ClassIII,
    }
}

impl EventBody for Recall {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::InspectionBureau, Role::Regulator];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        for (i, item) in what.items.iter().enumerate() {
            if !item.0.is_lot() {
                return Err(ValidationError::new(
                    format!("what.items[{i}]"),
                    "a recall names lots (01/GTIN/10/LOT)",
                ));
            }
        }
        Ok(())
    }

    fn references(&self, what: &What) -> Vec<Reference> {
        what.items
            .iter()
            .enumerate()
            .map(|(i, item)| Reference::Item {
                field: format!("what.items[{i}]"),
                item: item.0.to_string(),
            })
            .collect()
    }
}
