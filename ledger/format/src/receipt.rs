//! Receipts: the log's proof that an entry is durably in the log.
//!
//! A receipt carries the entry itself, the signed checkpoint of the group commit that
//! made it durable, and the RFC 9162 inclusion proof of the entry's leaf in that
//! checkpoint's tree. Anyone holding only the log's public key can check it, and it
//! proves more than a signed promise would: the entry is in the tree the log signed.
//! It costs the log one signature per group commit (the checkpoint) instead of one per
//! entry. The fields `seq`, `recorded`, `event_id`, `entry_hash` and `leaf_hash` repeat
//! what the entry says, for convenience; [`Receipt::verify`] checks that they do.
//!
//! A resubmitted event gets a receipt for its original entry, proven against the
//! checkpoint current at the time of the resubmission.

use crate::checkpoint::{Checkpoint, CheckpointError, LogKey};
use crate::encoding::Digest;
use crate::entry::{entry_hash, EntryError, EntryView, StoredEntry};
use crate::hash::leaf_hash;
use crate::keys::PublicKey;
use crate::merkle::{verify_inclusion, ProofError};
use serde::{Deserialize, Serialize};

/// The log's proof that an entry is durably in the log: the entry, the signed checkpoint
/// of the group commit that holds it, and the entry's inclusion proof in that checkpoint's
/// tree. Check it with the log's public key alone (docs/FORMAT.md §6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReceiptBody))]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub origin: String,
    pub seq: u64,
    pub recorded: String,
    pub event_id: String,
    pub entry_hash: String,
    pub leaf_hash: String,
    /// The entry's bytes, verbatim (canonical JSON, as a string).
    pub entry: String,
    /// Hex hashes of the RFC 9162 inclusion proof of leaf `seq` in the checkpoint's tree.
    pub proof: Vec<String>,
    /// The checkpoint (C2SP signed note) the proof leads to.
    pub checkpoint: String,
}

/// Why a receipt does not check out.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("entry: {0}")]
    Entry(String),
    #[error("{field} does not match the entry")]
    Mismatch { field: &'static str },
    #[error("proof hash {0} is not hex")]
    ProofHash(usize),
    #[error("inclusion proof: {0}")]
    Proof(#[from] ProofError),
}

/// An entry and the hashes its receipt names, as the log holds them before the proof.
pub struct ReceiptEntry {
    pub seq: u64,
    pub bytes: Vec<u8>,
    pub recorded: String,
    pub event_id: Digest,
    pub entry_hash: Digest,
    pub leaf: Digest,
}

impl ReceiptEntry {
    /// From the bytes of an entry of this log's own store (parsed without re-checking).
    pub fn from_stored(bytes: Vec<u8>) -> Result<ReceiptEntry, EntryError> {
        let view = StoredEntry::parse(&bytes)?;
        let (seq, recorded, event_id) = (view.seq, view.recorded, view.event_id);
        Ok(ReceiptEntry {
            seq,
            recorded,
            event_id,
            entry_hash: entry_hash(&bytes),
            leaf: leaf_hash(&bytes),
            bytes,
        })
    }

    /// The receipt, given the entry's inclusion proof to `checkpoint`.
    pub fn receipt(self, origin: &str, proof: &[Digest], checkpoint: &Checkpoint) -> Receipt {
        Receipt {
            origin: origin.to_string(),
            seq: self.seq,
            recorded: self.recorded,
            event_id: self.event_id.to_hex(),
            entry_hash: self.entry_hash.to_hex(),
            leaf_hash: self.leaf.to_hex(),
            entry: String::from_utf8(self.bytes).expect("entries are UTF-8 JSON"),
            proof: proof.iter().map(Digest::to_hex).collect(),
            checkpoint: checkpoint.note.clone(),
        }
    }
}

impl Receipt {
    /// The receipt of a stored entry, given its inclusion proof to `checkpoint`.
    pub fn new(origin: &str, entry: &[u8], proof: &[Digest], checkpoint: &Checkpoint) -> Receipt {
        ReceiptEntry::from_stored(entry.to_vec())
            .expect("the log's own entry parses")
            .receipt(origin, proof, checkpoint)
    }

    /// Checks the receipt against the log's public key: the checkpoint's signature, the
    /// entry's inclusion in the checkpoint's tree, and that every convenience field says
    /// what the entry says. Returns the checkpoint.
    pub fn verify(&self, log_key: &PublicKey) -> Result<Checkpoint, ReceiptError> {
        let key = LogKey {
            name: Some(self.origin.clone()),
            key: *log_key,
        };
        let checkpoint = Checkpoint::verify(&self.checkpoint, &key)?;
        let bytes = self.entry.as_bytes();
        let view = EntryView::parse(bytes).map_err(|e| ReceiptError::Entry(e.to_string()))?;
        let leaf = leaf_hash(bytes);
        let checks = [
            ("seq", view.seq == self.seq),
            ("recorded", view.recorded == self.recorded),
            ("event_id", view.event_id.to_hex() == self.event_id),
            ("entry_hash", entry_hash(bytes).to_hex() == self.entry_hash),
            ("leaf_hash", leaf.to_hex() == self.leaf_hash),
        ];
        if let Some((field, _)) = checks.iter().find(|(_, ok)| !ok) {
            return Err(ReceiptError::Mismatch { field });
        }
        let proof = self
            .proof
            .iter()
            .enumerate()
            .map(|(i, h)| Digest::from_hex(h).ok_or(ReceiptError::ProofHash(i)))
            .collect::<Result<Vec<_>, _>>()?;
        verify_inclusion(&leaf, self.seq, checkpoint.size, &proof, &checkpoint.root)?;
        Ok(checkpoint)
    }
}
