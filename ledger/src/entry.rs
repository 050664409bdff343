//! Log entries: what the operator commits to.
//!
//! An entry is the RFC 8785 canonical JSON
//! `{"event_id":…,"prev":{…},"recorded":…,"seq":…,"signed":{"event":…,"signature":…}}`.
//! Its bytes are stored verbatim and are the Merkle leaf; `signed.event` is the exact
//! canonical event the signature covers, so verifying never re-encodes anything. `prev`
//! maps every chain the event joins (item paths, `actor:ID`) to the entry hash of that
//! chain's previous entry, or null for its first.

use crate::encoding::{b64, Digest};
use crate::event::event_id;
use crate::hash::{content_hash, leaf_hash};
use crate::jcs::{canonicalize, is_canonical};
use crate::keys::parse_signature;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Entries are at most 64 KiB so that tlog-tiles entry bundles stay small.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// Builds the canonical bytes of a new entry.
pub fn encode(
    seq: u64,
    recorded: &str,
    event_id: &Digest,
    prev: &BTreeMap<String, Option<Digest>>,
    event_json: &Value,
    signature: &[u8; 64],
) -> Vec<u8> {
    let prev: serde_json::Map<String, Value> = prev
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.map_or(Value::Null, |d| Value::String(d.to_hex())),
            )
        })
        .collect();
    canonicalize(&json!({
        "seq": seq,
        "recorded": recorded,
        "event_id": event_id.to_hex(),
        "prev": prev,
        "signed": {"event": event_json, "signature": b64(signature)},
    }))
}

/// Entry hash: BLAKE3 of the entry bytes. Chains and receipts name entries by it.
pub fn entry_hash(bytes: &[u8]) -> Digest {
    content_hash(bytes)
}

/// Why stored or exported entry bytes are not a well-formed entry.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EntryError {
    #[error("entry is {0} bytes, over the 64 KiB limit")]
    TooLarge(usize),
    #[error("entry is not valid JSON of the entry shape: {0}")]
    Shape(String),
    #[error("entry bytes are not RFC 8785 canonical")]
    NotCanonical,
    #[error("event_id does not match BLAKE3 of the signed event")]
    EventIdMismatch,
    #[error("prev link for {0:?} is not a 64-hex entry hash or null")]
    BadPrev(String),
    #[error("signature is not base64 of 64 bytes")]
    BadSignature,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryWire<'a> {
    seq: u64,
    recorded: String,
    event_id: String,
    prev: BTreeMap<String, Option<String>>,
    #[serde(borrow)]
    signed: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignedWire<'a> {
    #[serde(borrow)]
    event: &'a RawValue,
    signature: String,
}

/// A parsed view of entry bytes, borrowing the canonical event bytes from them.
#[derive(Debug)]
pub struct EntryView<'a> {
    pub seq: u64,
    pub recorded: String,
    pub event_id: Digest,
    pub prev: BTreeMap<String, Option<Digest>>,
    /// The canonical event bytes, exactly as signed.
    pub event_bytes: &'a [u8],
    pub signature: [u8; 64],
    pub bytes: &'a [u8],
}

impl<'a> EntryView<'a> {
    /// Parses entry bytes and checks everything that needs only the entry: size, shape,
    /// canonical form, and that `event_id` is the hash of the signed event.
    pub fn parse(bytes: &'a [u8]) -> Result<EntryView<'a>, EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge(bytes.len()));
        }
        let wire: EntryWire<'a> =
            serde_json::from_slice(bytes).map_err(|e| EntryError::Shape(e.to_string()))?;
        if !is_canonical(bytes) {
            return Err(EntryError::NotCanonical);
        }
        let signed: SignedWire<'a> = serde_json::from_str(wire.signed.get())
            .map_err(|e| EntryError::Shape(format!("signed: {e}")))?;
        let signature = parse_signature(&signed.signature).map_err(|_| EntryError::BadSignature)?;
        let event_bytes = signed.event.get().as_bytes();
        let id = event_id(event_bytes, &signature);
        if Digest::from_hex(&wire.event_id) != Some(id) || wire.event_id != id.to_hex() {
            return Err(EntryError::EventIdMismatch);
        }
        let mut prev = BTreeMap::new();
        for (k, v) in wire.prev {
            let d = match v {
                None => None,
                Some(h) => match Digest::from_hex(&h) {
                    Some(d) if d.to_hex() == h => Some(d),
                    _ => return Err(EntryError::BadPrev(k)),
                },
            };
            prev.insert(k, d);
        }
        Ok(EntryView {
            seq: wire.seq,
            recorded: wire.recorded,
            event_id: id,
            prev,
            event_bytes,
            signature,
            bytes,
        })
    }

    pub fn hash(&self) -> Digest {
        entry_hash(self.bytes)
    }
    pub fn leaf_hash(&self) -> Digest {
        leaf_hash(self.bytes)
    }
    pub fn event_json(&self) -> Value {
        serde_json::from_slice(self.event_bytes).expect("validated JSON")
    }
}
