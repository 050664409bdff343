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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    ClassI,
    ClassII,
    ClassIII,
}

impl EventBody for Recall {
    const TYPE: EventType = EventType::Recall;
    const SIGNERS: &'static [Role] = &[Role::InspectionBureau, Role::Regulator];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("recall")?;
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const LOT: &str = "01/04713372005080/10/GM260511";

    /// A class I recall of a lot of infant formula (fixtures/scenario).
    fn recall() -> Value {
        json!({"type": "recall", "client_id": "pingtan_amr:recall:PTAMR-ZH-2026-017",
            "actor": "CN-USCC:11350128MB1A905TX8", "key": key(), "time": "2026-06-18T16:30:00+08:00",
            "what": {"items": [LOT]},
            "where": {"country": "CN", "place": "平潭综合实验区市场监督管理局", "gln": "6971208000496"},
            "why": {"biz_step": "holding", "disposition": "recalled"},
            "body": {"reason": "黄曲霉毒素M1 超过 GB 2761-2017 限量", "severity": "class_i",
                "notice_no": "PTAMR-ZH-2026-017", "action": "一级召回"}})
    }

    #[test]
    fn a_recall_parses_and_needs_its_lots_known() {
        let second = "01/04713372005080/10/GM260512";
        let mut e = recall();
        e["what"]["items"] = json!([LOT, second]);
        let e = parse(&e);
        assert_eq!(e.kind, EventType::Recall);
        assert_eq!(e.chain_keys(), [LOT, second]);
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        let known = [LOT, second]
            .into_iter()
            .enumerate()
            .map(|(i, item)| Reference::Item {
                field: format!("what.items[{i}]"),
                item: item.to_string(),
            });
        assert_eq!(e.references(), known.collect::<Vec<_>>());
    }

    #[test]
    fn a_recall_names_lots() {
        let mut e = recall();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        for not_a_lot in [
            "01/04713372005080",
            "01/04713372005080/21/00001",
            "01/04713372005080/10/GM260511/21/00001",
            "00/047188222605000007",
        ] {
            e["what"]["items"] = json!([LOT, not_a_lot]);
            refused(&e, "what.items[1]", "names lots");
        }
    }
}
