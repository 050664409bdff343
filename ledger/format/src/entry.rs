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
use crate::jcs::canonicalize;
use crate::keys::parse_signature;
use serde_json::Value;
use std::collections::BTreeMap;

/// Entries are at most 64 KiB so that tlog-tiles entry bundles stay small.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// Builds the canonical bytes of a new entry.
///
/// Written member by member in JCS order (event_id, prev, recorded, seq, signed) around
/// the already canonical event, which is the same as canonicalizing the whole object.
pub fn encode(
    seq: u64,
    recorded: &str,
    event_id: &Digest,
    prev: &BTreeMap<String, Option<Digest>>,
    canonical_event: &[u8],
    signature: &[u8; 64],
) -> Vec<u8> {
    let mut out = Vec::with_capacity(canonical_event.len() + 256 + 100 * prev.len());
    out.extend_from_slice(b"{\"event_id\":\"");
    out.extend_from_slice(event_id.to_hex().as_bytes());
    out.extend_from_slice(b"\",\"prev\":{");
    let mut keys: Vec<&String> = prev.keys().collect();
    keys.sort_by(|a, b| crate::jcs::utf16_cmp(a, b));
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        crate::jcs::write_string_into(key, &mut out);
        match &prev[key] {
            Some(d) => {
                out.extend_from_slice(b":\"");
                out.extend_from_slice(d.to_hex().as_bytes());
                out.push(b'"');
            }
            None => out.extend_from_slice(b":null"),
        }
    }
    out.extend_from_slice(b"},\"recorded\":");
    crate::jcs::write_string_into(recorded, &mut out);
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(seq.to_string().as_bytes());
    out.extend_from_slice(b",\"signed\":{\"event\":");
    out.extend_from_slice(canonical_event);
    out.extend_from_slice(b",\"signature\":\"");
    out.extend_from_slice(b64(signature).as_bytes());
    out.extend_from_slice(b"\"}}");
    out
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

/// A stored entry as reads need it: the event stays its canonical bytes (a range of
/// the entry), so serving an entry never builds or re-encodes the event's JSON tree.
#[derive(Debug)]
pub struct StoredEntry<'a> {
    pub seq: u64,
    pub recorded: String,
    pub event_id: Digest,
    pub signature: [u8; 64],
    /// The canonical event, a slice of `bytes` checked to be JSON by the parse: copied
    /// out with `to_owned`, it needs no second check.
    pub event: &'a serde_json::value::RawValue,
    pub bytes: &'a [u8],
    /// The `prev` member, parsed by [`StoredEntry::prev`] when a read checks chain links.
    prev: &'a serde_json::value::RawValue,
}

/// The entry shape, members borrowed from the bytes (stored entries are canonical, so
/// none of these strings holds an escape).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredShape<'a> {
    #[serde(borrow)]
    event_id: &'a str,
    #[serde(borrow)]
    prev: &'a serde_json::value::RawValue,
    recorded: String,
    seq: u64,
    #[serde(borrow)]
    signed: StoredSigned<'a>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredSigned<'a> {
    #[serde(borrow)]
    event: &'a serde_json::value::RawValue,
    #[serde(borrow)]
    signature: &'a str,
}

impl<'a> StoredEntry<'a> {
    /// Parses an entry read back from this log's own store (checked when it was
    /// admitted; audits use [`EntryView::parse`]).
    pub fn parse(bytes: &'a [u8]) -> Result<StoredEntry<'a>, EntryError> {
        let shape: StoredShape<'a> =
            serde_json::from_slice(bytes).map_err(|e| EntryError::Shape(e.to_string()))?;
        let signature =
            parse_signature(shape.signed.signature).map_err(|_| EntryError::BadSignature)?;
        let event_id = Digest::from_hex(shape.event_id).ok_or(EntryError::EventIdMismatch)?;
        Ok(StoredEntry {
            seq: shape.seq,
            recorded: shape.recorded,
            event_id,
            signature,
            event: shape.signed.event,
            bytes,
            prev: shape.prev,
        })
    }

    /// The canonical event bytes, exactly as signed.
    pub fn event_bytes(&self) -> &'a [u8] {
        self.event.get().as_bytes()
    }

    /// The chains the entry is on, each with the entry hash of the chain's previous entry
    /// (`None` for the first).
    pub fn prev(&self) -> Result<BTreeMap<String, Option<Digest>>, EntryError> {
        let raw: BTreeMap<String, Option<String>> = serde_json::from_str(self.prev.get())
            .map_err(|e| EntryError::Shape(format!("prev: {e}")))?;
        raw.into_iter()
            .map(|(k, v)| match v {
                None => Ok((k, None)),
                Some(h) => Digest::from_hex(&h)
                    .map(|d| (k, Some(d)))
                    .ok_or_else(|| EntryError::Shape(format!("prev: {h:?} is not a hash"))),
            })
            .collect()
    }
}

/// A parsed entry. The canonical event bytes are recovered by canonicalizing the
/// `signed.event` member, which for canonical entry bytes is exactly their substring.
#[derive(Debug)]
pub struct EntryView<'a> {
    pub seq: u64,
    pub recorded: String,
    pub event_id: Digest,
    pub prev: BTreeMap<String, Option<Digest>>,
    /// The canonical event bytes, exactly as signed.
    pub event_bytes: Vec<u8>,
    /// The event as parsed JSON.
    pub event: Value,
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
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| EntryError::Shape(e.to_string()))?;
        if !crate::jcs::is_canonical_form_of(&value, bytes) {
            return Err(EntryError::NotCanonical);
        }
        Self::from_value(value, bytes, true)
    }

    /// Parses an entry read back from this log's own store, which checked it when it was
    /// admitted: the shape is checked, but not the canonical form or the event id (audits
    /// use [`EntryView::parse`]). For reads that need `prev` or the event as JSON;
    /// [`StoredEntry::parse`] is the lighter form for those that do not.
    pub fn parse_stored(bytes: &'a [u8]) -> Result<EntryView<'a>, EntryError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| EntryError::Shape(e.to_string()))?;
        Self::from_value(value, bytes, false)
    }

    fn from_value(
        mut value: Value,
        bytes: &'a [u8],
        check_id: bool,
    ) -> Result<EntryView<'a>, EntryError> {
        let shape = |why: &str| EntryError::Shape(why.to_string());
        let obj = value
            .as_object_mut()
            .ok_or_else(|| shape("not an object"))?;
        if obj.len() != 5 {
            return Err(shape(
                "an entry has exactly event_id, prev, recorded, seq and signed",
            ));
        }
        let seq = obj
            .get("seq")
            .and_then(Value::as_u64)
            .ok_or_else(|| shape("seq is not a number"))?;
        let recorded = obj
            .get("recorded")
            .and_then(Value::as_str)
            .ok_or_else(|| shape("recorded is not a string"))?
            .to_string();
        let event_id_text = obj
            .get("event_id")
            .and_then(Value::as_str)
            .ok_or_else(|| shape("event_id is not a string"))?
            .to_string();
        let mut prev = BTreeMap::new();
        for (k, v) in obj
            .get("prev")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("prev is not an object"))?
        {
            let d = match v {
                Value::Null => None,
                Value::String(h) => match Digest::from_hex(h) {
                    Some(d) if d.to_hex() == *h => Some(d),
                    _ => return Err(EntryError::BadPrev(k.clone())),
                },
                _ => return Err(EntryError::BadPrev(k.clone())),
            };
            prev.insert(k.clone(), d);
        }
        let signed = obj
            .get_mut("signed")
            .and_then(Value::as_object_mut)
            .ok_or_else(|| shape("signed is not an object"))?;
        if signed.len() != 2 {
            return Err(shape("signed has exactly event and signature"));
        }
        let signature = signed
            .get("signature")
            .and_then(Value::as_str)
            .ok_or(EntryError::BadSignature)
            .and_then(|s| parse_signature(s).map_err(|_| EntryError::BadSignature))?;
        let event = signed
            .remove("event")
            .ok_or_else(|| shape("signed.event missing"))?;
        // The bytes are canonical and of the entry shape, so the signed event is the
        // substring after the first `,"signed":{"event":` (no JSON string can hold an
        // unescaped quote) up to the signature member, 105 bytes from the end.
        const MARK: &[u8] = b",\"signed\":{\"event\":";
        let start = bytes
            .windows(MARK.len())
            .position(|w| w == MARK)
            .map(|p| p + MARK.len())
            .ok_or_else(|| shape("signed.event not found"))?;
        let end = bytes
            .len()
            .checked_sub(105)
            .filter(|&e| e > start)
            .ok_or_else(|| shape("entry too short"))?;
        let event_bytes = bytes[start..end].to_vec();
        let id = if check_id {
            debug_assert_eq!(event_bytes, canonicalize(&event));
            let id = event_id(&event_bytes, &signature);
            if event_id_text != id.to_hex() {
                return Err(EntryError::EventIdMismatch);
            }
            id
        } else {
            Digest::from_hex(&event_id_text).ok_or(EntryError::EventIdMismatch)?
        };
        Ok(EntryView {
            seq,
            recorded,
            event_id: id,
            prev,
            event_bytes,
            event,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `encode` writes the members itself; the result must be what canonicalizing the
    /// whole entry gives, whatever the chain keys (UTF-16 order differs from byte order
    /// above U+FFFF) and the recorded text.
    #[test]
    fn encoded_entries_are_canonical() {
        let prev: BTreeMap<String, Option<Digest>> = [
            ("01/04710000000011/10/L1".to_string(), Some(Digest([7; 32]))),
            ("order:\u{FB33}".to_string(), None),
            ("order:\u{1F602}\"\\".to_string(), Some(Digest([9; 32]))),
        ]
        .into_iter()
        .collect();
        let event = br#"{"actor":"A","type":"review"}"#;
        let bytes = encode(
            9_007_199_254_740_991,
            "2026-11-23T19:00:00.123Z",
            &Digest([1; 32]),
            &prev,
            event,
            &[3; 64],
        );
        let tree: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(
            String::from_utf8(canonicalize(&tree)).unwrap(),
            String::from_utf8(bytes).unwrap()
        );
        let bytes = encode(0, "", &Digest([1; 32]), &BTreeMap::new(), event, &[3; 64]);
        let tree: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(canonicalize(&tree), bytes);
    }
}
