//! Private parts: fields that must not enter the public log (prices, personal data,
//! commercial terms). The event carries `private_digest` = BLAKE3 of the canonical JSON
//! `{"fields":{…},"salt":"<64 hex>"}`; the part itself is stored beside the log and
//! released only to entitled parties, who can check it against the digest.

use crate::encoding::Digest;
use crate::hash::content_hash;
use crate::jcs::canonicalize;
use serde_json::{json, Value};

/// A private part as stored: its canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivatePart {
    pub canonical: Vec<u8>,
}

impl PrivatePart {
    /// Seals `fields` with a 32-byte salt.
    pub fn seal(fields: Value, salt: &[u8; 32]) -> PrivatePart {
        PrivatePart {
            canonical: canonicalize(&json!({"fields": fields, "salt": hex::encode(salt)})),
        }
    }

    /// Reads a private part (`{"fields":…,"salt":…}`) as submitted.
    pub fn from_json(v: &Value) -> Result<PrivatePart, String> {
        let obj = v
            .as_object()
            .ok_or("must be an object with fields and salt")?;
        if obj.len() != 2 || !obj.contains_key("fields") {
            return Err("must have exactly the members fields and salt".into());
        }
        let salt = obj
            .get("salt")
            .and_then(Value::as_str)
            .ok_or("salt must be 64 hex characters")?;
        if Digest::from_hex(salt).is_none() || salt.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err("salt must be 64 lowercase hex characters".into());
        }
        Ok(PrivatePart {
            canonical: canonicalize(v),
        })
    }

    pub fn digest(&self) -> Digest {
        content_hash(&self.canonical)
    }

    /// A salt derived from the signer's secret and the event's client id: unguessable by
    /// others, and the same on every resubmission, so resubmitting stays idempotent.
    pub fn derive_salt(secret_seed: &[u8; 32], actor: &str, client_id: &str) -> [u8; 32] {
        let key = blake3::derive_key("suyuan private-part salt v1", secret_seed);
        let mut h = blake3::Hasher::new_keyed(&key);
        h.update(actor.as_bytes());
        h.update(b"\n");
        h.update(client_id.as_bytes());
        *h.finalize().as_bytes()
    }
}
