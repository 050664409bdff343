//! The part of a log a bundle holds, as a [`LogReader`]: its entries (each proven against
//! the bundle's checkpoint before it gets here), indexed by chain, document, actor and
//! type exactly as a store indexes them. The bundle checker runs the log's own
//! [`crate::history::history`] over it, so what the bundle says of how each entry concerns
//! the item (`via`) is re-derived by the same code that wrote it, not trusted.

use crate::derived::DerivedIndexes;
use crate::storage::{EntryVisitor, Index, LogReader, LookupKeys, PostingVisitor, StorageError};
use std::collections::BTreeMap;
use suyuan_format::checkpoint::Checkpoint;
use suyuan_format::encoding::Digest;
use suyuan_format::entry::EntryView;
use suyuan_format::event::Event;

/// One entry the bundle holds: its bytes, its inclusion proof and what it indexes under.
pub(super) struct HeldEntry<'a> {
    pub seq: u64,
    pub bytes: &'a [u8],
    pub proof: &'a [Digest],
    pub view: &'a EntryView<'a>,
    pub event: &'a Event,
}

/// The held entries and their indexes, derived as the auditor derives a store's
/// ([`DerivedIndexes`]), so a bundle is indexed exactly as the log it comes from.
#[derive(Default)]
pub(super) struct Held {
    size: u64,
    note: String,
    root: Digest,
    entries: BTreeMap<u64, (Vec<u8>, Vec<Digest>)>,
    indexes: DerivedIndexes,
    by_entry_hash: BTreeMap<Digest, u64>,
    by_event_id: BTreeMap<Digest, u64>,
}

impl Held {
    pub fn new(checkpoint: &Checkpoint) -> Held {
        Held {
            size: checkpoint.size,
            note: checkpoint.note.clone(),
            root: checkpoint.root,
            ..Held::default()
        }
    }

    /// Adds an entry; entries must come in log order.
    pub fn add(&mut self, e: HeldEntry<'_>) {
        let hash = e.view.hash();
        self.entries
            .insert(e.seq, (e.bytes.to_vec(), e.proof.to_vec()));
        self.by_entry_hash.insert(hash, e.seq);
        self.by_event_id.insert(e.view.event_id, e.seq);
        let chains = e.view.prev.keys().map(String::as_str);
        self.indexes
            .add(e.seq, e.view.event_id, hash, chains, e.event);
    }
}

fn not_held(what: &str) -> StorageError {
    StorageError::Corrupt(format!("a bundle holds no {what}"))
}

impl LogReader for Held {
    fn head_proof(
        &self,
        _index: suyuan_format::heads::HeadIndex,
        _key: &str,
    ) -> Result<suyuan_format::heads::HeadProof, StorageError> {
        Err(not_held("head map"))
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn entry(&self, seq: u64) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.entries.get(&seq).map(|(bytes, _)| bytes.clone()))
    }
    fn for_each_entry(&self, _private: bool, f: &mut EntryVisitor<'_>) -> Result<(), StorageError> {
        for (&seq, (bytes, _)) in &self.entries {
            f(seq, bytes, None)?;
        }
        Ok(())
    }
    fn private_part(&self, _seq: u64) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(None)
    }
    fn seq_by_entry_hash(&self, hash: &Digest) -> Result<Option<u64>, StorageError> {
        Ok(self.by_entry_hash.get(hash).copied())
    }
    fn seq_by_event_id(&self, id: &Digest) -> Result<Option<u64>, StorageError> {
        Ok(self.by_event_id.get(id).copied())
    }
    fn chain(&self, key: &str) -> Result<Vec<u64>, StorageError> {
        Ok(self.indexes.postings(Index::Chain, key))
    }
    fn chain_keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        Ok(self
            .indexes
            .lists(Index::Chain)
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, _)| k.to_string())
            .collect())
    }
    fn document(&self, key: &str) -> Result<Vec<u64>, StorageError> {
        Ok(self.indexes.postings(Index::Document, key))
    }
    fn by_type(&self, kind: &str) -> Result<Vec<u64>, StorageError> {
        Ok(self.indexes.postings(Index::Type, kind))
    }
    fn by_actor(&self, actor: &str) -> Result<Vec<u64>, StorageError> {
        Ok(self.indexes.postings(Index::Actor, actor))
    }
    fn latest_checkpoint_note(&self) -> Result<(u64, String), StorageError> {
        Ok((self.size, self.note.clone()))
    }
    fn checkpoint_notes(&self) -> Result<Vec<String>, StorageError> {
        Ok(vec![self.note.clone()])
    }
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Digest>, StorageError> {
        match self.entries.get(&seq) {
            Some((_, proof)) if size == self.size => Ok(proof.clone()),
            _ => Err(not_held(&format!(
                "proof of entry {seq} in a tree of size {size}"
            ))),
        }
    }
    fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Digest>, StorageError> {
        Err(not_held(&format!(
            "consistency proof from {first} to {second}"
        )))
    }
    fn root(&self, size: u64) -> Result<Digest, StorageError> {
        if size == self.size {
            Ok(self.root)
        } else {
            Err(not_held(&format!("root of a tree of size {size}")))
        }
    }
    fn for_each_node(
        &self,
        _f: &mut dyn FnMut(u8, u64, Digest) -> bool,
    ) -> Result<(), StorageError> {
        Ok(())
    }
    fn for_each_posting(
        &self,
        index: Index,
        f: &mut PostingVisitor<'_>,
    ) -> Result<(), StorageError> {
        for (key, seqs) in self.indexes.lists(index) {
            f(key, seqs.to_vec())?;
        }
        Ok(())
    }
    /// A bundle's lookups are made from its entries; they find each by its own hashes.
    fn check_lookups(&self, truth: &[LookupKeys]) -> Result<Vec<String>, StorageError> {
        Ok(truth
            .iter()
            .filter(|k| {
                self.by_event_id.get(&k.event_id) != Some(&k.seq)
                    || self.by_entry_hash.get(&k.entry_hash) != Some(&k.seq)
            })
            .map(|k| format!("entry {} is not found by its hashes", k.seq))
            .collect())
    }
    /// A bundle keeps no actor records: its registrations are replayed instead.
    fn actor_records(&self) -> Result<Vec<crate::registry::ActorRecord>, StorageError> {
        Ok(Vec::new())
    }
}
