//! Consistent reads from one snapshot of the store (a redb read transaction): entries,
//! index lookups and proofs that all agree with each other.

use crate::hash_index::{HashIndex, HashKind};
use crate::heads::HeadVersions;
use crate::index::{read_postings, record_seq, CHAIN_RECORD, SEQ_RECORD};
use crate::tables::*;
use crate::tiles::{TileCache, TxNodes};
use redb::{ReadOnlyTable, ReadTransaction, ReadableTable, ReadableTableMetadata};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use suyuan_core::registry::ActorRecord;
use suyuan_core::storage::{
    EntryVisitor, Index, LogReader, LookupKeys, PostingVisitor, StorageError,
};
use suyuan_format::encoding::Digest;
use suyuan_format::heads::{key_hash, HeadIndex, HeadMap, HeadProof};
use suyuan_format::merkle;

pub struct Reader {
    entries: ReadOnlyTable<u64, &'static [u8]>,
    nodes: TxNodes,
    checkpoints: ReadOnlyTable<u64, &'static str>,
    by_chain: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    by_document: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    by_type: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    by_actor: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    hash_rows: ReadOnlyTable<u64, &'static [u8]>,
    /// The ledger's in-memory hash index, or one loaded from `hash_rows` on first use.
    hashes: OnceLock<Arc<RwLock<HashIndex>>>,
    private: ReadOnlyTable<u64, &'static [u8]>,
    meta: ReadOnlyTable<&'static str, &'static [u8]>,
    actors: ReadOnlyTable<&'static str, &'static [u8]>,
    size: u64,
    /// Subtree hashes of the audit paths proven so far from this snapshot.
    paths: Mutex<merkle::PathMemo>,
    /// The ledger's recent head maps, if the reader came from a ledger.
    head_versions: Option<Arc<HeadVersions>>,
    /// The head map of this snapshot, found or rebuilt on first use.
    heads: OnceLock<HeadMap>,
}

impl Reader {
    /// A reader over a snapshot that shares a ledger's hash index, tile cache and head maps.
    pub(crate) fn with_caches(
        txn: ReadTransaction,
        hashes: Arc<RwLock<HashIndex>>,
        tiles: Arc<TileCache>,
        head_versions: Arc<HeadVersions>,
    ) -> Result<Reader, StoreError> {
        let mut reader = Reader::open(txn, Some(tiles))?;
        let _ = reader.hashes.set(hashes);
        reader.head_versions = Some(head_versions);
        Ok(reader)
    }

    /// A reader over the latest snapshot of the store in `dir`, on its own: for tools
    /// that read a store without a `Ledger` (an offline audit).
    pub fn open_dir(dir: &std::path::Path) -> Result<Reader, StoreError> {
        crate::guard::guard("opening the store", || {
            let db = crate::tables::open_database(dir, false, crate::tables::DEFAULT_CACHE_BYTES)?;
            Reader::open(db.begin_read()?, None)
        })
    }

    fn open(txn: ReadTransaction, tiles: Option<Arc<TileCache>>) -> Result<Reader, StoreError> {
        // redb's read-only tables keep the snapshot alive on their own.
        let nodes = TxNodes::new(&txn, tiles)?;
        let entries = txn.open_table(ENTRIES)?;
        Ok(Reader {
            size: entries.len()?,
            entries,
            nodes,
            checkpoints: txn.open_table(CHECKPOINTS)?,
            by_chain: txn.open_table(BY_CHAIN)?,
            by_document: txn.open_table(BY_DOCUMENT)?,
            by_type: txn.open_table(BY_TYPE)?,
            by_actor: txn.open_table(BY_ACTOR)?,
            hash_rows: txn.open_table(HASH_ROWS)?,
            hashes: OnceLock::new(),
            private: txn.open_table(PRIVATE)?,
            meta: txn.open_table(META)?,
            actors: txn.open_table(ACTORS)?,
            paths: Mutex::default(),
            head_versions: None,
            heads: OnceLock::new(),
        })
    }

    /// A metadata value (`origin`, `log_public_key`, `format_version`).
    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        crate::guard::guard("reading the store's metadata", || {
            Ok(self
                .meta
                .get(key)?
                .map(|v| String::from_utf8_lossy(v.value()).into_owned()))
        })
    }

    fn find_hash(&self, hash: &Digest, kind: HashKind) -> Result<Option<u64>, StoreError> {
        let hashes = match self.hashes.get() {
            Some(h) => h,
            None => {
                let loaded = HashIndex::load(&self.hash_rows)?;
                self.hashes.get_or_init(|| Arc::new(RwLock::new(loaded)))
            }
        };
        let hashes = hashes.read().unwrap_or_else(|p| p.into_inner());
        // The shared index may be ahead of this snapshot: only seqs it holds count.
        Ok(hashes
            .find(&self.entries, hash, kind, self.size)?
            .map(|(seq, _)| seq))
    }

    /// The head map of this snapshot: the ledger's version of this size, or rebuilt
    /// from the posting lists and checked against the checkpoint.
    pub(crate) fn head_map(&self) -> Result<&HeadMap, StorageError> {
        if let Some(map) = self.heads.get() {
            return Ok(map);
        }
        let map = match self.head_versions.as_ref().and_then(|v| v.get(self.size)) {
            Some(map) => map,
            None => suyuan_core::heads::from_postings(self)?,
        };
        Ok(self.heads.get_or_init(|| map))
    }

    fn postings(
        table: &ReadOnlyTable<(&'static str, u64), &'static [u8]>,
        key: &str,
        record: usize,
    ) -> Result<Vec<u64>, StoreError> {
        let mut out = Vec::new();
        read_postings(table, key, record, |r| out.push(record_seq(r)))?;
        Ok(out)
    }
}

/// The value stored under `seq` in a table keyed by seq.
fn bytes_at(
    table: &ReadOnlyTable<u64, &'static [u8]>,
    seq: u64,
) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(table.get(seq)?.map(|v| v.value().to_vec()))
}

impl Reader {
    /// The table of a posting index and the size of its records.
    fn posting_table(
        &self,
        index: Index,
    ) -> (&ReadOnlyTable<(&'static str, u64), &'static [u8]>, usize) {
        match index {
            Index::Chain => (&self.by_chain, CHAIN_RECORD),
            Index::Document => (&self.by_document, SEQ_RECORD),
            Index::Actor => (&self.by_actor, SEQ_RECORD),
            Index::Type => (&self.by_type, SEQ_RECORD),
        }
    }

    /// The seqs one posting index lists under `key`, oldest first.
    fn posting_list(&self, index: Index, key: &str) -> Result<Vec<u64>, StorageError> {
        crate::guard::guard(index.table(), || {
            let (table, record) = self.posting_table(index);
            Ok(Self::postings(table, key, record)?)
        })
    }
}

impl LogReader for Reader {
    fn head_proof(&self, index: HeadIndex, key: &str) -> Result<HeadProof, StorageError> {
        Ok(self.head_map()?.prove(&key_hash(index, key)))
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn entry(&self, seq: u64) -> Result<Option<Vec<u8>>, StorageError> {
        crate::guard::guard("reading the store (entry)", || {
            Ok(bytes_at(&self.entries, seq)?)
        })
    }
    /// One ordered scan of the entries and, when asked, one of the private parts beside it.
    fn for_each_entry(&self, private: bool, f: &mut EntryVisitor<'_>) -> Result<(), StorageError> {
        crate::guard::guard("reading the store (for_each_entry)", || {
            let store = |e: redb::StorageError| StorageError::from(StoreError::from(e));
            let mut parts = if private {
                Some(self.private.iter().map_err(store)?.peekable())
            } else {
                None
            };
            for row in self.entries.iter().map_err(store)? {
                let (k, v) = row.map_err(store)?;
                let seq = k.value();
                let mut part = None;
                if let Some(parts) = parts.as_mut() {
                    while let Some(row) =
                        parts.next_if(|r| !matches!(r, Ok((pk, _)) if pk.value() > seq))
                    {
                        let (pk, pv) = row.map_err(store)?;
                        if pk.value() == seq {
                            part = Some(pv.value().to_vec());
                        }
                    }
                }
                f(seq, v.value(), part.as_deref())?;
            }
            Ok(())
        })
    }
    fn private_part(&self, seq: u64) -> Result<Option<Vec<u8>>, StorageError> {
        crate::guard::guard("reading the store (private_part)", || {
            Ok(bytes_at(&self.private, seq)?)
        })
    }
    fn seq_by_entry_hash(&self, hash: &Digest) -> Result<Option<u64>, StorageError> {
        crate::guard::guard("reading the store (seq_by_entry_hash)", || {
            Ok(self.find_hash(hash, HashKind::EntryHash)?)
        })
    }
    fn seq_by_event_id(&self, id: &Digest) -> Result<Option<u64>, StorageError> {
        crate::guard::guard("reading the store (seq_by_event_id)", || {
            Ok(self.find_hash(id, HashKind::EventId)?)
        })
    }
    fn chain(&self, key: &str) -> Result<Vec<u64>, StorageError> {
        self.posting_list(Index::Chain, key)
    }
    fn chain_keys(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        crate::guard::guard("reading the store (chain_keys)", || {
            let mut keys: Vec<String> = Vec::new();
            for row in self
                .by_chain
                .range((prefix, 0)..)
                .map_err(StoreError::from)?
            {
                let (k, _) = row.map_err(StoreError::from)?;
                let (key, _) = k.value();
                if !key.starts_with(prefix) {
                    break;
                }
                if keys.last().map(String::as_str) != Some(key) {
                    keys.push(key.to_string());
                }
            }
            Ok(keys)
        })
    }
    fn document(&self, key: &str) -> Result<Vec<u64>, StorageError> {
        self.posting_list(Index::Document, key)
    }
    fn by_type(&self, kind: &str) -> Result<Vec<u64>, StorageError> {
        self.posting_list(Index::Type, kind)
    }
    fn by_actor(&self, actor: &str) -> Result<Vec<u64>, StorageError> {
        self.posting_list(Index::Actor, actor)
    }
    fn latest_checkpoint_note(&self) -> Result<(u64, String), StorageError> {
        crate::guard::guard("reading the store (latest_checkpoint_note)", || {
            let (k, v) = self
                .checkpoints
                .last()
                .map_err(StoreError::from)?
                .ok_or_else(|| StorageError::Corrupt("no checkpoint".into()))?;
            Ok((k.value(), v.value().to_string()))
        })
    }
    fn checkpoint_notes(&self) -> Result<Vec<String>, StorageError> {
        crate::guard::guard("reading the store (checkpoint_notes)", || {
            let mut out = Vec::new();
            for row in self.checkpoints.iter().map_err(StoreError::from)? {
                out.push(row.map_err(StoreError::from)?.1.value().to_string());
            }
            Ok(out)
        })
    }
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Digest>, StorageError> {
        crate::guard::guard("reading the store (inclusion_proof)", || {
            if seq >= size || size > self.size {
                return Err(StorageError::Corrupt(format!(
                    "no leaf {seq} in a tree of size {size}"
                )));
            }
            let mut paths = self.paths.lock().unwrap_or_else(|p| p.into_inner());
            Ok(merkle::inclusion_proof_memo(
                &self.nodes,
                seq,
                size,
                &mut paths,
            )?)
        })
    }
    fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Digest>, StorageError> {
        crate::guard::guard("reading the store (consistency_proof)", || {
            if first > second || second > self.size {
                return Err(StorageError::Corrupt(format!(
                    "no consistency proof from {first} to {second}"
                )));
            }
            Ok(merkle::consistency_proof(&self.nodes, first, second)?)
        })
    }
    fn root(&self, size: u64) -> Result<Digest, StorageError> {
        crate::guard::guard("reading the store (root)", || {
            Ok(merkle::root(&self.nodes, size)?)
        })
    }
    fn for_each_node(
        &self,
        f: &mut dyn FnMut(u8, u64, Digest) -> bool,
    ) -> Result<(), StorageError> {
        crate::guard::guard("reading the store (for_each_node)", || {
            Ok(self.nodes.for_each(f)?)
        })
    }

    fn for_each_posting(
        &self,
        index: Index,
        f: &mut PostingVisitor<'_>,
    ) -> Result<(), StorageError> {
        crate::guard::guard("reading the store (for_each_posting)", || {
            let (table, record) = self.posting_table(index);
            // Rows are (key, first seq) in key order; one key's rows are consecutive.
            let mut current: Option<(String, Vec<u64>)> = None;
            for row in table.iter().map_err(StoreError::from)? {
                let (k, v) = row.map_err(StoreError::from)?;
                let (key, first) = k.value();
                let value = v.value();
                if value.is_empty() || value.len() % record != 0 {
                    return Err(StorageError::Corrupt(format!(
                        "{} row ({key:?}, {first}) is {} bytes long",
                        index.table(),
                        value.len()
                    )));
                }
                let seqs = value.chunks_exact(record).map(record_seq);
                match &mut current {
                    Some((k, list)) if k == key => list.extend(seqs),
                    _ => {
                        if let Some((k, list)) = current.take() {
                            f(&k, list)?;
                        }
                        current = Some((key.to_string(), seqs.collect()));
                    }
                }
            }
            if let Some((k, list)) = current {
                f(&k, list)?;
            }
            Ok(())
        })
    }

    fn check_lookups(&self, truth: &[LookupKeys]) -> Result<Vec<String>, StorageError> {
        crate::guard::guard("hash_rows", || {
            use crate::hash_index::{client_digest, record, RECORD};
            // The lookups are the in-memory index loaded from `hash_rows`: one record per
            // seq, rows in seq order; compare them with the records the entries make.
            let mut stored: Vec<(u64, [u8; RECORD])> = Vec::with_capacity(truth.len());
            let mut differences = Vec::new();
            let mut next = 0u64;
            for row in self.hash_rows.iter().map_err(StoreError::from)? {
                let (k, v) = row.map_err(StoreError::from)?;
                let (first, value) = (k.value(), v.value());
                if first != next || value.is_empty() || !value.len().is_multiple_of(RECORD) {
                    differences.push(format!(
                        "row at seq {first} ({} bytes) does not follow seq {next}",
                        value.len()
                    ));
                    break;
                }
                for (i, r) in value.chunks_exact(RECORD).enumerate() {
                    stored.push((first + i as u64, r.try_into().expect("RECORD bytes")));
                }
                next = first + (value.len() / RECORD) as u64;
            }
            for keys in truth {
                let want = record(
                    &keys.event_id,
                    &keys.entry_hash,
                    &client_digest(&keys.actor, &keys.client_id),
                );
                match usize::try_from(keys.seq).ok().and_then(|i| stored.get(i)) {
                    Some((_, got)) if *got == want => {}
                    Some(_) => differences.push(format!(
                        "entry {}'s record does not match its event id, entry hash and client id",
                        keys.seq
                    )),
                    None => differences.push(format!("entry {} has no record", keys.seq)),
                }
            }
            if next > self.size {
                differences.push(format!(
                    "records for {next} entries, the store holds {}",
                    self.size
                ));
            }
            Ok(differences)
        })
    }

    fn actor_records(&self) -> Result<Vec<ActorRecord>, StorageError> {
        crate::guard::guard("reading the store (actor_records)", || {
            let mut records = Vec::new();
            for row in self.actors.iter().map_err(StoreError::from)? {
                let (k, v) = row.map_err(StoreError::from)?;
                let record: ActorRecord = serde_json::from_slice(v.value()).map_err(|e| {
                    StorageError::Corrupt(format!("actor record {:?}: {e}", k.value()))
                })?;
                records.push(record);
            }
            Ok(records)
        })
    }
}
