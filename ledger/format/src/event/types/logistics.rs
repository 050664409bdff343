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

code_list! { pub enum LogisticsStatus {
    Packed, Unpacked, PickedUp, Departed, InTransit, Arrived, Stored, OutForDelivery, Delivered,
    Returned, Exception
} }

code_list! { pub enum TransportMode { Sea, Air, Road, Rail, Express } }

impl EventBody for Logistics {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Carrier, Role::Warehouse];
    const PACKS: bool = true;

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
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

    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        Some((DocKind::Waybill, &self.waybill_no))
    }

    fn names(&self) -> Vec<(DocKind, &DocNumber)> {
        vec![(DocKind::Order, &self.order_no)]
    }
}
