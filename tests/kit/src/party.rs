//! Parties of the tests: an id, roles and a key derived from a seed, so that a test's
//! keys are the same on every run.

use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;

pub struct Party {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub roles: Vec<String>,
    pub key: SecretKey,
}

impl Party {
    /// A party whose key is derived from its id.
    pub fn new(id: &str, jurisdiction: &str, roles: &[&str]) -> Party {
        let seed: [u8; 32] = *suyuan_format::hash::content_hash(id.as_bytes()).as_bytes();
        Party {
            id: id.into(),
            name: format!("{id} (test party)"),
            jurisdiction: jurisdiction.into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            key: SecretKey::from_seed(&seed),
        }
    }

    /// The registrar of the tests' logs.
    pub fn registrar() -> Party {
        Party::new("CN-REG", "CN", &["registrar"])
    }
    /// A Taiwanese tea farm.
    pub fn farm() -> Party {
        Party::new("TW-FARM", "TW", &["producer"])
    }
    /// A cross-border platform: no regulator role.
    pub fn platform() -> Party {
        Party::new("CN-PLATFORM", "CN", &["platform"])
    }
    /// A market regulator.
    pub fn regulator() -> Party {
        Party::new("CN-SAMR", "CN", &["regulator"])
    }

    pub fn public_key(&self) -> String {
        self.key.public().to_string()
    }

    /// Signs an unsigned event of this party's (its `key` is filled in).
    pub fn sign(&self, mut event: serde_json::Value) -> SignedEvent {
        event["key"] = self.public_key().into();
        SignedEvent::sign(event, &self.key).expect("the kit's events are valid")
    }
}
