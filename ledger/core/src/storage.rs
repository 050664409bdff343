//! What the rules need from storage: a reader of one consistent snapshot of a log, its
//! entries, indexes and tree at one size ([`LogReader`]), and a writer that makes one
//! sequenced group durable ([`GroupWriter`]). The redb store implements both; so will
//! any other backend. Nothing here names a storage engine, so no engine's types leak
//! into the rules.

use suyuan_format::checkpoint::Checkpoint;
use suyuan_format::encoding::Digest;
use suyuan_format::heads::{HeadIndex, HeadProof};

/// Why storage could not answer. `Corrupt` is a damaged store, named so that callers
/// stop rather than serve a wrong answer; `Backend` is the engine's own failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("store failed its integrity check: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
}

/// The derived posting indexes a store keeps beside the entries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// Chain key (item path or `actor:ID`) → the entries whose `prev` names it.
    Chain = 0,
    /// Document key (`order:NO` …) → the entries naming it.
    Document = 1,
    /// Actor id → the entries it signed.
    Actor = 2,
    /// Event type → its entries.
    Type = 3,
}

impl Index {
    pub const ALL: [Index; 4] = [Index::Chain, Index::Document, Index::Actor, Index::Type];

    /// The name of its table, as audits report it.
    pub fn table(self) -> &'static str {
        match self {
            Index::Chain => "by_chain",
            Index::Document => "by_document",
            Index::Actor => "by_actor",
            Index::Type => "by_type",
        }
    }
}

/// What an entry is looked up by: its event id, its entry hash, and its signer's client
/// id. A store's lookups must find entry `seq` by each of these.
pub struct LookupKeys {
    pub seq: u64,
    pub event_id: Digest,
    pub entry_hash: Digest,
    pub actor: String,
    pub client_id: String,
}

/// A visitor of a posting list: its key and its seqs, oldest first.
pub type PostingVisitor<'a> = dyn FnMut(&str, Vec<u64>) -> Result<(), StorageError> + 'a;

/// A visitor of entries in log order: seq, entry bytes and private part (when asked).
pub type EntryVisitor<'a> = dyn FnMut(u64, &[u8], Option<&[u8]>) -> Result<(), StorageError> + 'a;

/// One consistent snapshot of a log. Every answer agrees with every other: the entries,
/// the postings of the indexes, the checkpoints and the tree nodes are all as of
/// [`LogReader::size`] entries.
pub trait LogReader: Sync {
    /// Number of entries in this snapshot.
    fn size(&self) -> u64;
    /// The bytes of entry `seq`, verbatim.
    fn entry(&self, seq: u64) -> Result<Option<Vec<u8>>, StorageError>;
    /// Visits every entry in order; with `private`, each with its private part, if any.
    fn for_each_entry(&self, private: bool, f: &mut EntryVisitor<'_>) -> Result<(), StorageError>;
    /// The private part stored beside entry `seq`, if it has one.
    fn private_part(&self, seq: u64) -> Result<Option<Vec<u8>>, StorageError>;
    /// The seq of the entry whose BLAKE3 entry hash is `hash`.
    fn seq_by_entry_hash(&self, hash: &Digest) -> Result<Option<u64>, StorageError>;
    /// The seq of the entry recording the event with id `id`.
    fn seq_by_event_id(&self, id: &Digest) -> Result<Option<u64>, StorageError>;
    /// Seqs of the entries in a chain (item path or actor chain key), oldest first.
    fn chain(&self, key: &str) -> Result<Vec<u64>, StorageError>;
    /// The chain keys that start with `prefix`, in key order (the units of a lot are the
    /// chains `{lot}/21/…`).
    fn chain_keys(&self, prefix: &str) -> Result<Vec<String>, StorageError>;
    /// Seqs of the entries naming a business document, oldest first.
    fn document(&self, key: &str) -> Result<Vec<u64>, StorageError>;
    /// Seqs of the entries of one event type, oldest first.
    fn by_type(&self, kind: &str) -> Result<Vec<u64>, StorageError>;
    /// Seqs of the entries one actor signed, oldest first.
    fn by_actor(&self, actor: &str) -> Result<Vec<u64>, StorageError>;
    /// The latest checkpoint: its size and signed note.
    fn latest_checkpoint_note(&self) -> Result<(u64, String), StorageError>;
    /// Every stored checkpoint note, oldest first.
    fn checkpoint_notes(&self) -> Result<Vec<String>, StorageError>;
    /// The proof of a chain's or document's head (or its absence) against the head map
    /// root of the latest checkpoint.
    fn head_proof(&self, index: HeadIndex, key: &str) -> Result<HeadProof, StorageError>;
    /// RFC 9162 inclusion proof of leaf `seq` in the tree of `size` leaves.
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Digest>, StorageError>;
    /// RFC 9162 consistency proof between two tree sizes.
    fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Digest>, StorageError>;
    /// The root of the tree of `size` leaves.
    fn root(&self, size: u64) -> Result<Digest, StorageError>;
    /// Every stored tree node, for audits: (level, index, hash); stops when `f` says so.
    fn for_each_node(&self, f: &mut dyn FnMut(u8, u64, Digest) -> bool)
        -> Result<(), StorageError>;
    /// Every posting list of one derived index, in key order, for audits.
    fn for_each_posting(
        &self,
        index: Index,
        f: &mut PostingVisitor<'_>,
    ) -> Result<(), StorageError>;
    /// The actor records the store keeps (derived from the registrations), for audits.
    fn actor_records(&self) -> Result<Vec<crate::registry::ActorRecord>, StorageError>;
    /// Checks the store's lookups by event id, entry hash and client id against the keys
    /// of every entry, given in log order, in whatever way the store keeps them (a
    /// sequential pass, not a lookup per entry); returns each difference, described.
    fn check_lookups(&self, truth: &[LookupKeys]) -> Result<Vec<String>, StorageError>;
}

/// The entry `seq`, which must exist: a missing one is a damaged store.
pub fn required_entry(reader: &dyn LogReader, seq: u64) -> Result<Vec<u8>, StorageError> {
    reader
        .entry(seq)?
        .ok_or_else(|| StorageError::Corrupt(format!("entry {seq} missing")))
}

/// One group commit as the sequencer built it: the new entries `first..`, in order, and
/// everything that must become durable with them. Admission has already accepted every
/// entry; a writer decides nothing, it stores.
pub struct Group<'a> {
    /// Seq of the first entry.
    pub first: u64,
    /// Entry bytes, seqs `first..`, verbatim.
    pub entries: &'a [Vec<u8>],
    /// Private parts of some of those entries: (seq, canonical bytes).
    pub private: &'a [(u64, Vec<u8>)],
    /// The tree nodes the group's leaves completed: (level, index, hash).
    pub nodes: &'a [(u8, u64, Digest)],
    /// Actor records the group's registrations changed: (actor id, record as JSON).
    pub actors: &'a [(String, Vec<u8>)],
    /// The signed checkpoint of the tree with the group's entries.
    pub checkpoint: &'a Checkpoint,
}

/// The write side of a store. The sequencer calls [`GroupWriter::commit`] once per
/// group, one group at a time, in sequence order; a receipt for any entry of the group
/// leaves only after it returns `Ok`.
pub trait GroupWriter {
    /// What the backend derives from a group while it is being sequenced (its index
    /// postings), which admission of the group's later entries reads back before the
    /// commit and the commit then stores.
    type Rows;
    /// Stores the group and its rows atomically and durably: after `Ok`, a crash leaves
    /// all of it; after `Err`, none of it.
    fn commit(&self, group: &Group<'_>, rows: &Self::Rows) -> Result<(), StorageError>;
}
