//! Parties of the tests: an id, roles and a key derived from a seed, so that a test's
//! keys are the same on every run.

use serde_json::{json, Value};
use suyuan_format::event::{SignedEvent, ValidationError};
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

    /// The same party holding another key (one it lost, or one not yet registered).
    pub fn with_key(self, key: SecretKey) -> Party {
        Party { key, ..self }
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

    /// An unsigned event of this party's with its `key` filled in.
    pub fn keyed(&self, mut event: Value) -> Value {
        event["key"] = self.public_key().into();
        event
    }

    /// Signs an unsigned event of this party's (its `key` is filled in), or says why the
    /// event is invalid.
    pub fn try_sign(&self, event: Value) -> Result<SignedEvent, ValidationError> {
        SignedEvent::sign(self.keyed(event), &self.key)
    }

    /// Signs an unsigned event of this party's (its `key` is filled in).
    pub fn sign(&self, event: Value) -> SignedEvent {
        self.try_sign(event).expect("the kit's events are valid")
    }

    /// A submission of any JSON as an event, valid or not, signed as it is (nothing
    /// filled in) over its canonical bytes with this party's key.
    pub fn sign_raw(&self, event: Value) -> Value {
        let bytes = suyuan_format::jcs::canonicalize(&event);
        let sig = self.key.sign(suyuan_format::keys::EVENT_CONTEXT, &bytes);
        json!({"event": event, "signature": suyuan_format::encoding::b64(&sig)})
    }
}
