//! `production`: a lot was made, harvested or processed, from optional inputs.

use super::prelude::*;

/// `production`: a lot was made (or harvested, processed) from optional inputs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Production {
    pub product: Text,
    pub produced: Date,
    pub expiry: Option<Date>,
    /// Place of origin as shown to consumers ("Alishan, Chiayi County").
    pub origin: Text,
    pub facility: Text,
    pub certifications: Option<Vec<Text>>,
}

impl EventBody for Production {
    const TYPE: EventType = EventType::Production;
    const SIGNERS: &'static [Role] = &[Role::Producer];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("production")?;
        if what.quantity.is_none() {
            return Err(ValidationError::new(
                "what.quantity",
                "a production event states the quantity made",
            ));
        }
        for (i, item) in what.items.iter().enumerate() {
            if item.0.gtin().is_none() {
                return Err(ValidationError::new(
                    format!("what.items[{i}]"),
                    "production makes trade items (01/…), not logistic units",
                ));
            }
        }
        if let Some(expiry) = &self.expiry {
            if expiry < &self.produced {
                return Err(ValidationError::new(
                    "body.expiry",
                    "expiry date is before the production date",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const LOT: &str = "01/04716283000113/10/ZSH2604Q18";

    /// A harvest of fresh tea leaf (fixtures/scenario).
    fn harvest() -> Value {
        json!({"type": "production", "client_id": "zhangshuhu:harvest:ZSH2604Q18",
            "actor": "TW-UBN:80412335", "key": key(), "time": "2026-04-18T11:30:00+08:00",
            "what": {"items": [LOT], "quantity": {"value": "1420", "uom": "KGM"}},
            "where": {"country": "TW", "place": "嘉義縣阿里山鄉 樟樹湖茶區", "gln": "4716283000083"},
            "why": {"biz_step": "commissioning", "disposition": "active"},
            "body": {"product": "阿里山高山茶 青心烏龍 生葉", "produced": "2026-04-18",
                "origin": "嘉義縣阿里山鄉樟樹湖 Zhangshuhu, Alishan", "facility": "樟樹湖茶區 第3、5號茶園",
                "certifications": ["產銷履歷 TAP"]}})
    }

    #[test]
    fn a_production_parses_and_joins_its_items_and_inputs_chains() {
        let e = parse(&harvest());
        assert_eq!(e.kind, EventType::Production);
        assert_eq!(e.chain_keys(), vec![LOT.to_string()]);
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        assert!(e.references().is_empty());

        let mut made = harvest();
        made["what"]["items"] = json!(["01/04719865001270/10/AL2604Q1"]);
        made["what"]["inputs"] = json!([LOT]);
        let keys = parse(&made).chain_keys();
        assert_eq!(keys, vec![LOT, "01/04719865001270/10/AL2604Q1"]);
    }

    #[test]
    fn a_production_names_trade_items_and_their_quantity() {
        let mut e = harvest();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = harvest();
        e["what"].as_object_mut().unwrap().remove("quantity");
        refused(&e, "what.quantity", "quantity made");
        let mut e = harvest();
        e["what"]["items"] = json!([LOT, "00/047188222605000007"]);
        refused(&e, "what.items[1]", "trade items");
    }

    #[test]
    fn expiry_is_not_before_production() {
        let mut e = harvest();
        e["body"]["expiry"] = "2026-04-18".into();
        parse(&e);
        e["body"]["expiry"] = "2026-04-17".into();
        refused(&e, "body.expiry", "before the production date");
    }
}
