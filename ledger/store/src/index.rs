//! The derived indexes of one group commit, gathered in memory and written at its end.
//! (The hash index is kept in memory; this batch writes its `hash_rows` row and hands the
//! same records to [`crate::hash_index::HashIndex`] once the group has committed.)
//!
//! A redb insert costs a B-tree descent and, for a random key, a copied page; writing
//! every index row as its entry is admitted made the indexes most of the writer's time.
//! So a group collects its rows here, and admission of later events in the same group
//! reads them back from here (this batch first, then the store). At the end of the group
//! the rows are written in key order, and each posting list (chain, document, actor, type)
//! gets one row per key per group: `(key, first seq)` → the packed seqs of that group.
//! Reads concatenate a key's rows in order.

use crate::hash_index::{record, RECORD};
use crate::tables::StoreError;
use redb::{ReadableTable, Table};
use std::collections::{BTreeMap, HashMap};
use suyuan_format::encoding::Digest;
use suyuan_format::event::Event;

/// Bytes of one chain posting: seq (u64, big-endian), then the entry hash.
pub const CHAIN_RECORD: usize = 40;
/// Bytes of one plain posting: a seq (u64, big-endian).
pub const SEQ_RECORD: usize = 8;

/// Index rows of the entries admitted so far in one group.
#[derive(Default)]
pub struct IndexBatch {
    /// First seq of the batch, and its `hash_rows` records from there on.
    first: Option<u64>,
    hash_records: Vec<u8>,
    entry_hashes: HashMap<Digest, u64>,
    /// Client-id digest ([`crate::hash_index::client_digest`]) → seq.
    clients: HashMap<Digest, u64>,
    chains: BTreeMap<String, Vec<u8>>,
    documents: BTreeMap<String, Vec<u8>>,
    actors: BTreeMap<String, Vec<u8>>,
    types: BTreeMap<&'static str, Vec<u8>>,
}

/// The tables an [`IndexBatch`] is written to.
pub struct IndexTables<'a, 't> {
    pub hash_rows: &'a mut Table<'t, u64, &'static [u8]>,
    pub by_chain: &'a mut Table<'t, (&'static str, u64), &'static [u8]>,
    pub by_document: &'a mut Table<'t, (&'static str, u64), &'static [u8]>,
    pub by_actor: &'a mut Table<'t, (&'static str, u64), &'static [u8]>,
    pub by_type: &'a mut Table<'t, (&'static str, u64), &'static [u8]>,
}

impl IndexBatch {
    /// Records every index row of one entry.
    pub fn add(
        &mut self,
        seq: u64,
        event: &Event,
        event_id: &Digest,
        entry_hash: &Digest,
        client: &Digest,
        chains: &[String],
    ) {
        let seq_bytes = seq.to_be_bytes();
        let first = *self.first.get_or_insert(seq);
        debug_assert_eq!(first + (self.hash_records.len() / RECORD) as u64, seq);
        self.hash_records
            .extend_from_slice(&record(event_id, entry_hash, client));
        self.entry_hashes.insert(*entry_hash, seq);
        self.clients.insert(*client, seq);
        for key in chains {
            let row = self.chains.entry(key.clone()).or_default();
            row.extend_from_slice(&seq_bytes);
            row.extend_from_slice(&entry_hash.0);
        }
        for (kind, number) in event.documents() {
            let row = self.documents.entry(kind.key(&number)).or_default();
            row.extend_from_slice(&seq_bytes);
        }
        self.actors
            .entry(event.actor.0.clone())
            .or_default()
            .extend_from_slice(&seq_bytes);
        self.types
            .entry(event.kind.as_str())
            .or_default()
            .extend_from_slice(&seq_bytes);
    }

    /// The seq of the entry of this batch with this entry hash.
    pub fn seq_by_entry_hash(&self, hash: &Digest) -> Option<u64> {
        self.entry_hashes.get(hash).copied()
    }

    /// The seq of the entry of this batch with this client-id digest.
    pub fn client_seq(&self, client: &Digest) -> Option<u64> {
        self.clients.get(client).copied()
    }

    /// The entry hash of the latest entry of a chain admitted in this batch.
    pub fn chain_head(&self, key: &str) -> Option<Digest> {
        let row = self.chains.get(key)?;
        let last = &row[row.len() - CHAIN_RECORD..];
        Some(Digest(last[8..].try_into().expect("32 bytes")))
    }

    /// The seq of the first entry of this batch naming the document.
    pub fn first_in_document(&self, key: &str) -> Option<u64> {
        self.documents.get(key).map(|row| record_seq(row))
    }

    /// The seqs of this batch's entries naming the document, oldest first.
    pub fn document_seqs(&self, key: &str) -> Vec<u64> {
        self.documents
            .get(key)
            .map(|row| row.chunks_exact(SEQ_RECORD).map(record_seq).collect())
            .unwrap_or_default()
    }

    /// Whether an entry of this batch names the document.
    pub fn names_document(&self, key: &str) -> bool {
        self.documents.contains_key(key)
    }

    /// The batch's `hash_rows` row (first seq, records), which the in-memory hash index
    /// takes once the batch is committed.
    pub fn hash_row(&self) -> Option<(u64, &[u8])> {
        Some((self.first?, &self.hash_records))
    }

    /// Writes the batch: its hash row and one posting row per key.
    pub fn write(&self, t: IndexTables<'_, '_>) -> Result<(), StoreError> {
        let Some((first, records)) = self.hash_row() else {
            return Ok(());
        };
        t.hash_rows.insert(first, records)?;
        write_postings(t.by_chain, &self.chains, CHAIN_RECORD)?;
        write_postings(t.by_document, &self.documents, SEQ_RECORD)?;
        write_postings(t.by_actor, &self.actors, SEQ_RECORD)?;
        write_postings(t.by_type, &self.types, SEQ_RECORD)
    }
}

fn write_postings<K: AsRef<str>>(
    table: &mut Table<'_, (&'static str, u64), &'static [u8]>,
    rows: &BTreeMap<K, Vec<u8>>,
    record: usize,
) -> Result<(), StoreError> {
    for (key, row) in rows {
        let first = u64::from_be_bytes(row[..8].try_into().expect("8 bytes"));
        debug_assert_eq!(row.len() % record, 0);
        table.insert((key.as_ref(), first), row.as_slice())?;
    }
    Ok(())
}

/// Decodes the posting rows of one key, oldest first, calling `f` with each record.
pub fn read_postings(
    table: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    key: &str,
    record: usize,
    mut f: impl FnMut(&[u8]),
) -> Result<(), StoreError> {
    for row in table.range((key, 0)..=(key, u64::MAX))? {
        let (k, v) = row?;
        let value = whole_records(key, k.value().1, v.value(), record)?;
        value.chunks_exact(record).for_each(&mut f);
    }
    Ok(())
}

/// A posting row's value, if it holds whole records of `record` bytes.
fn whole_records<'v>(
    key: &str,
    first: u64,
    value: &'v [u8],
    record: usize,
) -> Result<&'v [u8], StoreError> {
    if value.is_empty() || !value.len().is_multiple_of(record) {
        return Err(StoreError::Corrupt(format!(
            "index row ({key:?}, {first}) is {} bytes long",
            value.len()
        )));
    }
    Ok(value)
}

/// The seq of a posting record.
pub fn record_seq(record: &[u8]) -> u64 {
    u64::from_be_bytes(record[..8].try_into().expect("8 bytes"))
}

/// The first or the last posting row of a key in the store, checked to hold whole
/// records of `record` bytes.
fn edge_row(
    table: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    key: &str,
    record: usize,
    last: bool,
) -> Result<Option<Vec<u8>>, StoreError> {
    let mut rows = table.range((key, 0)..=(key, u64::MAX))?;
    let Some(row) = (if last { rows.next_back() } else { rows.next() }) else {
        return Ok(None);
    };
    let (k, v) = row?;
    Ok(Some(
        whole_records(key, k.value().1, v.value(), record)?.to_vec(),
    ))
}

/// The seq of the first posting of a key in the store.
pub fn first_posting(
    table: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    key: &str,
) -> Result<Option<u64>, StoreError> {
    Ok(edge_row(table, key, SEQ_RECORD, false)?.map(|row| record_seq(&row)))
}

/// The entry hash of the last entry of a chain in the store.
pub fn stored_chain_head(
    table: &impl ReadableTable<(&'static str, u64), &'static [u8]>,
    key: &str,
) -> Result<Option<Digest>, StoreError> {
    Ok(edge_row(table, key, CHAIN_RECORD, true)?.map(|row| {
        let last = &row[row.len() - CHAIN_RECORD..];
        Digest(last[8..].try_into().expect("32 bytes"))
    }))
}
