//! `logistics`: a carrier's or warehouse's waybill step (CEB511), packing and unpacking
//! included: the only events that name a parent logistic unit.

use super::prelude::*;

/// `logistics`: a carrier's or warehouse's waybill step (CEB511), including packing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logistics {
    pub waybill_no: DocNumber,
    pub order_no: DocNumber,
    pub status: LogisticsStatus,
    pub mode: Option<TransportMode>,
    pub location: Option<Text>,
    pub temperature: Option<Quantity>,
    pub consignee_commitment: Option<HexDigest>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogisticsStatus {
    Packed,
    Unpacked,
    PickedUp,
    Departed,
    InTransit,
    Arrived,
    Stored,
    OutForDelivery,
    Delivered,
    Returned,
    Exception,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    Sea,
    Air,
    Road,
    Rail,
    Express,
}

impl EventBody for Logistics {
    const TYPE: EventType = EventType::Logistics;
    const SIGNERS: &'static [Role] = &[Role::Carrier, Role::Warehouse];
    const PACKS: bool = true;

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("logistics")?;
        let packing = matches!(
            self.status,
            LogisticsStatus::Packed | LogisticsStatus::Unpacked
        );
        match (&what.parent, packing) {
            (None, true) => Err(ValidationError::new(
                "what.parent",
                "packing and unpacking name the parent logistic unit",
            )),
            (Some(_), false) => Err(ValidationError::new(
                "what.parent",
                "only packed and unpacked steps name a parent",
            )),
            (Some(parent), true) if what.items.contains(parent) => Err(ValidationError::new(
                "what.parent",
                "an item cannot be packed into itself",
            )),
            _ => Ok(()),
        }
    }

    fn documents(&self) -> Vec<(DocKind, String)> {
        vec![
            doc(DocKind::Waybill, &self.waybill_no),
            doc(DocKind::Order, &self.order_no),
        ]
    }

    fn defines(&self) -> Option<(DocKind, String)> {
        Some(doc(DocKind::Waybill, &self.waybill_no))
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        vec![doc_reference(
            "body.order_no",
            DocKind::Order,
            &self.order_no,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const PARENT: &str = "00/047188222605000007";
    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// Two tins packed into a parcel (fixtures/scenario).
    fn packed() -> Value {
        json!({"type": "logistics", "client_id": "tclc:pack:SE26052200000",
            "actor": "TW-UBN:24536806", "key": key(), "time": "2026-05-21T14:00:00+08:00",
            "what": {"parent": PARENT, "items": ITEMS},
            "where": {"country": "TW", "place": "臺中港 兩岸物流中心", "gln": "4718822000011"},
            "why": {"biz_step": "packing", "disposition": "container_closed"},
            "body": {"waybill_no": "SE26052200000", "order_no": "LD202605180001", "status": "packed",
                "location": "揀貨包裝區 B"}})
    }

    /// The parcel in transit, by sea, kept cool.
    fn in_transit() -> Value {
        let mut e = packed();
        e["what"] = json!({"items": [PARENT]});
        e["body"]["status"] = "in_transit".into();
        e["body"]["mode"] = "sea".into();
        e["body"]["temperature"] = json!({"value": "18.5", "uom": "CEL"});
        e
    }

    #[test]
    fn a_packing_parses_defines_its_waybill_and_needs_its_order() {
        let e = parse(&packed());
        assert_eq!(e.kind, EventType::Logistics);
        assert_eq!(e.chain_keys(), [PARENT, ITEMS[0], ITEMS[1]]);
        let waybill = (DocKind::Waybill, "SE26052200000".to_string());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![waybill.clone(), order]);
        assert_eq!(e.defines(), Some(waybill));
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
        assert_eq!(parse(&in_transit()).chain_keys(), [PARENT]);
    }

    #[test]
    fn a_logistics_step_names_items() {
        let mut e = in_transit();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
    }

    #[test]
    fn packing_and_only_packing_names_a_parent() {
        for status in ["packed", "unpacked"] {
            let mut e = packed();
            e["body"]["status"] = status.into();
            parse(&e);
            e["what"].as_object_mut().unwrap().remove("parent");
            refused(&e, "what.parent", "name the parent");
        }
        let mut e = in_transit();
        e["what"]["parent"] = "00/047188222605000014".into();
        refused(&e, "what.parent", "only packed and unpacked");
    }

    #[test]
    fn nothing_is_packed_into_itself() {
        let mut e = packed();
        e["what"]["items"] = json!([ITEMS[0], PARENT]);
        refused(&e, "what.parent", "packed into itself");
    }
}
