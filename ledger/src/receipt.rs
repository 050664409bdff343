//! Receipts: the log's signed promise that an entry is durably in the log.
//!
//! A receipt is the canonical JSON
//! `{"entry_hash","event_id","leaf_hash","origin","recorded","seq","signature"}` where the
//! signature is the log key's ed25519 signature over `"suyuan-receipt-v1\n"` followed by
//! the canonical JSON of the other six fields. Signing is deterministic, so a resubmitted
//! event gets the same receipt again.

use crate::encoding::{b64, Digest};
use crate::jcs::canonicalize;
use crate::keys::{parse_signature, KeyError, PublicKey, SecretKey, RECEIPT_CONTEXT};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub origin: String,
    pub seq: u64,
    pub recorded: String,
    pub event_id: String,
    pub entry_hash: String,
    pub leaf_hash: String,
    pub signature: String,
}

fn unsigned_bytes(
    origin: &str,
    seq: u64,
    recorded: &str,
    event_id: &str,
    entry_hash: &str,
    leaf_hash: &str,
) -> Vec<u8> {
    canonicalize(&json!({
        "origin": origin, "seq": seq, "recorded": recorded,
        "event_id": event_id, "entry_hash": entry_hash, "leaf_hash": leaf_hash,
    }))
}

impl Receipt {
    pub fn sign(
        key: &SecretKey,
        origin: &str,
        seq: u64,
        recorded: &str,
        event_id: &Digest,
        entry_hash: &Digest,
        leaf_hash: &Digest,
    ) -> Receipt {
        let (e, h, l) = (event_id.to_hex(), entry_hash.to_hex(), leaf_hash.to_hex());
        let sig = key.sign(
            RECEIPT_CONTEXT,
            &unsigned_bytes(origin, seq, recorded, &e, &h, &l),
        );
        Receipt {
            origin: origin.into(),
            seq,
            recorded: recorded.into(),
            event_id: e,
            entry_hash: h,
            leaf_hash: l,
            signature: b64(&sig),
        }
    }

    pub fn verify(&self, log_key: &PublicKey) -> Result<(), KeyError> {
        let sig = parse_signature(&self.signature)?;
        let bytes = unsigned_bytes(
            &self.origin,
            self.seq,
            &self.recorded,
            &self.event_id,
            &self.entry_hash,
            &self.leaf_hash,
        );
        log_key.verify(RECEIPT_CONTEXT, &bytes, &sig)
    }
}
