//! `correction`: EPCIS errorDeclaration, the only way to amend; nothing is edited. Its
//! entry joins the chains of the entry it corrects, and besides a regulator, the
//! corrected entry's own signer may record it (a rule of the core's admission, which
//! needs that entry).

use super::prelude::*;

/// `correction`: EPCIS errorDeclaration. The only way to amend; nothing is edited.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Entry hash of the entry declared in error.
    pub corrects: HexDigest,
    pub reason: CorrectionReason,
    /// Entry hashes of entries that replace it.
    #[serde(default)]
    pub corrective: Vec<HexDigest>,
    pub explanation: Option<Text>,
}

code_list! { pub enum CorrectionReason { DidNotOccur, IncorrectData } }

impl EventBody for Correction {
    const SIGNERS: &'static [Role] = &[Role::Regulator];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        if !what.items.is_empty() || !what.inputs.is_empty() || what.quantity.is_some() {
            return Err(ValidationError::new(
                "what",
                "a correction names no items, inputs or quantity: it takes its chains from the entry it corrects",
            ));
        }
        if self.corrective.contains(&self.corrects) {
            return Err(ValidationError::new(
                "body.corrective",
                "an entry cannot correct itself",
            ));
        }
        Ok(())
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        let entry = |field: String, hash: &HexDigest| Reference::Entry {
            field,
            hash: hash.0,
            kind: None,
        };
        std::iter::once(entry("body.corrects".into(), &self.corrects))
            .chain(
                self.corrective
                    .iter()
                    .enumerate()
                    .map(|(i, h)| entry(format!("body.corrective[{i}]"), h)),
            )
            .collect()
    }
}
