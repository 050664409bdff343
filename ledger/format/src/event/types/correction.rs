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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionReason {
    DidNotOccur,
    IncorrectData,
}

impl EventBody for Correction {
    const TYPE: EventType = EventType::Correction;
    const SIGNERS: &'static [Role] = &[Role::Regulator];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        if !what.items.is_empty() {
            return Err(ValidationError::new(
                "what.items",
                "a correction takes its items from the entry it corrects",
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::encoding::Digest;

    /// A carrier declares its transit entry in error and names the replacement
    /// (fixtures/scenario).
    fn correction() -> Value {
        json!({"type": "correction", "client_id": "straits_express:correct:SEM-TXG-PTN-260626:0",
            "actor": "TW-UBN:70384520", "key": key(), "time": "2026-06-26T12:05:00+08:00",
            "where": {"country": "TW", "place": "臺中港 客運及滾裝碼頭", "gln": "4715531000110"},
            "body": {"corrects": hex('1'), "reason": "incorrect_data", "corrective": [hex('2'), hex('3')],
                "explanation": "18.5 °C was sent as 81.5 °C"}})
    }

    #[test]
    fn a_correction_parses_and_needs_the_entries_it_names() {
        let e = parse(&correction());
        assert_eq!(e.kind, EventType::Correction);
        assert!(
            e.chain_keys().is_empty(),
            "the core adds the corrected entry's chains"
        );
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let entry = |field: &str, n| Reference::Entry {
            field: field.into(),
            hash: Digest::from_hex(&hex(n)).unwrap(),
            kind: None,
        };
        let needed = vec![
            entry("body.corrects", '1'),
            entry("body.corrective[0]", '2'),
            entry("body.corrective[1]", '3'),
        ];
        assert_eq!(e.references(), needed);

        let mut e = correction();
        e["body"] = json!({"corrects": hex('1'), "reason": "did_not_occur"});
        assert_eq!(parse(&e).references(), vec![entry("body.corrects", '1')]);
    }

    #[test]
    fn a_correction_names_no_items() {
        let mut e = correction();
        e["what"] = json!({"items": ["01/04719865001270/10/AL2604Q1"]});
        refused(&e, "what.items", "from the entry it corrects");
    }

    #[test]
    fn an_entry_does_not_correct_itself() {
        let mut e = correction();
        e["body"]["corrective"] = json!([hex('2'), hex('1')]);
        refused(&e, "body.corrective", "cannot correct itself");
    }
}
