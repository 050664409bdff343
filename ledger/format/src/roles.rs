//! Roles of registered actors and which roles may sign which event type (DESIGN.md's
//! table). `correction` is special: the original signer may always correct its own
//! entry; otherwise only a regulator may.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Registrar,
    Producer,
    Lab,
    InspectionBureau,
    Customs,
    Platform,
    Trader,
    Payment,
    Carrier,
    Warehouse,
    Consumer,
    Regulator,
}

/// Event types, as the `type` field spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Registration,
    Production,
    Inspection,
    Acceptance,
    Trade,
    Payment,
    Logistics,
    Clearance,
    Review,
    Recall,
    Correction,
}

impl EventType {
    pub const ALL: [EventType; 11] = [
        EventType::Registration,
        EventType::Production,
        EventType::Inspection,
        EventType::Acceptance,
        EventType::Trade,
        EventType::Payment,
        EventType::Logistics,
        EventType::Clearance,
        EventType::Review,
        EventType::Recall,
        EventType::Correction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Registration => "registration",
            EventType::Production => "production",
            EventType::Inspection => "inspection",
            EventType::Acceptance => "acceptance",
            EventType::Trade => "trade",
            EventType::Payment => "payment",
            EventType::Logistics => "logistics",
            EventType::Clearance => "clearance",
            EventType::Review => "review",
            EventType::Recall => "recall",
            EventType::Correction => "correction",
        }
    }

    /// Roles allowed to sign this type. For `correction`, the original signer is also
    /// allowed whatever its roles; that rule needs the corrected entry and lives in the
    /// ledger.
    pub fn allowed_roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            EventType::Registration => &[Registrar],
            EventType::Production => &[Producer],
            EventType::Inspection => &[Lab, InspectionBureau],
            EventType::Acceptance => &[Customs, InspectionBureau],
            EventType::Trade => &[Platform, Trader],
            EventType::Payment => &[Payment],
            EventType::Logistics => &[Carrier, Warehouse],
            EventType::Clearance => &[Customs],
            EventType::Review => &[Consumer, Platform],
            EventType::Recall => &[InspectionBureau, Regulator],
            EventType::Correction => &[Regulator],
        }
    }
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::Producer => "producer",
            Role::Lab => "lab",
            Role::InspectionBureau => "inspection_bureau",
            Role::Customs => "customs",
            Role::Platform => "platform",
            Role::Trader => "trader",
            Role::Payment => "payment",
            Role::Carrier => "carrier",
            Role::Warehouse => "warehouse",
            Role::Consumer => "consumer",
            Role::Regulator => "regulator",
        }
    }
}
