//! The hash index: event id, entry hash and client id → seq, held in memory.
//!
//! These keys are uniformly random. In a B-tree every random insert lands on its own page,
//! which the commit copies and writes, so once the log outgrew memory's worth of small
//! groups those inserts were most of a group commit. Here the index lives in memory (three
//! 16-byte keys per entry) and on disk as one append-only row per group commit in
//! `hash_rows`, `first seq → records`, 48 bytes per entry: the first 16 bytes of the event
//! id, of the entry hash and of the client-id digest. Opening the log loads the rows
//! (sequential reads of 48 bytes per entry). A 16-byte prefix may in principle collide, so
//! a key can hold several seqs, and every hit is confirmed against the entry it names.

use crate::encoding::Digest;
use crate::entry::{entry_hash, EntryView};
use crate::store::StoreError;
use redb::ReadableTable;
use std::collections::HashMap;

/// Bytes per entry in a `hash_rows` value.
pub const RECORD: usize = 48;

/// Which kind of hash a lookup is for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HashKind {
    EventId,
    EntryHash,
    /// [`client_digest`] of the signer and client id.
    ClientId,
}

/// The digest a client id is indexed by: BLAKE3 of `actor \n client_id`.
pub fn client_digest(actor: &str, client_id: &str) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(actor.as_bytes());
    h.update(b"\n");
    h.update(client_id.as_bytes());
    Digest(*h.finalize().as_bytes())
}

/// The packed `hash_rows` record of one entry.
pub fn record(event_id: &Digest, entry_hash: &Digest, client: &Digest) -> [u8; RECORD] {
    let mut r = [0u8; RECORD];
    r[..16].copy_from_slice(&event_id.0[..16]);
    r[16..32].copy_from_slice(&entry_hash.0[..16]);
    r[32..].copy_from_slice(&client.0[..16]);
    r
}

fn key(bytes: &[u8]) -> u128 {
    u128::from_be_bytes(bytes[..16].try_into().expect("16 bytes"))
}

/// One key's seqs: almost always one.
#[derive(Clone, Debug)]
enum Seqs {
    One(u64),
    Many(Vec<u64>),
}

#[derive(Default, Debug)]
pub struct HashIndex {
    maps: [HashMap<u128, Seqs>; 3],
    /// Entries covered: seqs `0..len`.
    len: u64,
}

impl HashIndex {
    fn map(kind: HashKind) -> usize {
        match kind {
            HashKind::EventId => 0,
            HashKind::EntryHash => 1,
            HashKind::ClientId => 2,
        }
    }

    /// Entries covered (seqs `0..len`).
    pub fn len(&self) -> u64 {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds the records of entries `first..`, which must follow the ones already held.
    pub fn push_row(&mut self, first: u64, records: &[u8]) -> Result<(), StoreError> {
        if first != self.len || records.is_empty() || !records.len().is_multiple_of(RECORD) {
            return Err(StoreError::Corrupt(format!(
                "hash index row at seq {first} ({} bytes) does not follow seq {}",
                records.len(),
                self.len
            )));
        }
        for (i, r) in records.chunks_exact(RECORD).enumerate() {
            let seq = first + i as u64;
            for (m, part) in r.chunks_exact(16).enumerate() {
                self.maps[m]
                    .entry(key(part))
                    .and_modify(|s| match s {
                        Seqs::One(a) => *s = Seqs::Many(vec![*a, seq]),
                        Seqs::Many(v) => v.push(seq),
                    })
                    .or_insert(Seqs::One(seq));
            }
        }
        self.len = first + (records.len() / RECORD) as u64;
        Ok(())
    }

    /// Loads every row of a `hash_rows` table.
    pub fn load(table: &impl ReadableTable<u64, &'static [u8]>) -> Result<HashIndex, StoreError> {
        let mut index = HashIndex::default();
        for row in table.iter()? {
            let (k, v) = row?;
            index.push_row(k.value(), v.value())?;
        }
        Ok(index)
    }

    /// Seqs whose key starts like `hash` (unconfirmed).
    fn candidates(&self, kind: HashKind, hash: &Digest) -> &[u64] {
        match self.maps[Self::map(kind)].get(&key(&hash.0)) {
            None => &[],
            Some(Seqs::One(s)) => std::slice::from_ref(s),
            Some(Seqs::Many(v)) => v,
        }
    }

    /// The entry with this hash among seqs below `below`, confirmed against its bytes:
    /// its seq and bytes.
    pub fn find(
        &self,
        entries: &impl ReadableTable<u64, &'static [u8]>,
        hash: &Digest,
        kind: HashKind,
        below: u64,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        for &seq in self.candidates(kind, hash) {
            if seq >= below {
                continue;
            }
            let bytes = entries
                .get(seq)?
                .ok_or_else(|| StoreError::Corrupt(format!("entry {seq} missing")))?
                .value()
                .to_vec();
            if confirm(&bytes, hash, kind) {
                return Ok(Some((seq, bytes)));
            }
        }
        Ok(None)
    }
}

/// Whether an entry's bytes have this entry hash, record this event id, or carry this
/// client-id digest.
pub fn confirm(bytes: &[u8], hash: &Digest, kind: HashKind) -> bool {
    match kind {
        HashKind::EntryHash => entry_hash(bytes) == *hash,
        HashKind::EventId => EntryView::parse_stored(bytes).is_ok_and(|v| v.event_id == *hash),
        HashKind::ClientId => {
            #[derive(serde::Deserialize)]
            struct Head {
                actor: String,
                client_id: String,
            }
            EntryView::parse_stored(bytes)
                .ok()
                .and_then(|v| serde_json::from_slice::<Head>(&v.event_bytes).ok())
                .is_some_and(|h| client_digest(&h.actor, &h.client_id) == *hash)
        }
    }
}
