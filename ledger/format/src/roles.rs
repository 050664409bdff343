//! Roles of registered actors. Which roles may sign which event type is each type's
//! own (`EventBody::SIGNERS`, read through [`EventType::allowed_roles`]).

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

pub use crate::event::EventType;

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
