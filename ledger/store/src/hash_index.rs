//! The hash index: event id, entry hash and client id → seq, held in memory.
//!
//! These keys are uniformly random. In a B-tree every random insert lands on its own page,
//! which the commit copies and writes, so once the log outgrew memory's worth of small
//! groups those inserts were most of a group commit. Here the index lives in memory and
//! on disk as one append-only row per group commit in `hash_rows`, `first seq → records`,
//! 48 bytes per entry: the first 16 bytes of the event id, of the entry hash and of the
//! client-id digest. Opening the log loads the rows (sequential reads of 48 bytes per
//! entry). In memory each key is the first 8 bytes (three maps of u64 → u64, about 55 MB
//! per million entries). Prefixes can collide (by chance rarely, or by a signer grinding
//! client ids), so a key may hold several seqs, and every hit is confirmed against the
//! entry it names: a collision costs an extra entry read, never a wrong answer.

use crate::tables::StoreError;
use redb::ReadableTable;
use std::collections::HashMap;
use suyuan_format::encoding::Digest;
use suyuan_format::entry::{entry_hash, StoredEntry};

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

fn key(bytes: &[u8]) -> u64 {
    u64::from_be_bytes(bytes[..8].try_into().expect("8 bytes"))
}

#[derive(Default, Debug)]
pub struct HashIndex {
    /// Per kind: key → the first seq with that key.
    maps: [HashMap<u64, u64>; 3],
    /// Keys held by more than one seq: every seq, in order.
    shared: HashMap<(usize, u64), Vec<u64>>,
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
                let k = key(part);
                match self.maps[m].entry(k) {
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(seq);
                    }
                    std::collections::hash_map::Entry::Occupied(o) => self
                        .shared
                        .entry((m, k))
                        .or_insert_with(|| vec![*o.get()])
                        .push(seq),
                }
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
        let (m, k) = (Self::map(kind), key(&hash.0));
        match self.maps[m].get(&k) {
            None => &[],
            Some(first) => match self.shared.get(&(m, k)) {
                Some(all) => all,
                None => std::slice::from_ref(first),
            },
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
        HashKind::EventId => StoredEntry::parse(bytes).is_ok_and(|v| v.event_id == *hash),
        HashKind::ClientId => {
            #[derive(serde::Deserialize)]
            struct Head {
                actor: String,
                client_id: String,
            }
            StoredEntry::parse(bytes)
                .ok()
                .and_then(|v| serde_json::from_slice::<Head>(v.event_bytes()).ok())
                .is_some_and(|h| client_digest(&h.actor, &h.client_id) == *hash)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys sharing their 8-byte prefix keep every seq, in order.
    #[test]
    fn colliding_prefixes_keep_every_seq() {
        let d = |first: u8, rest: u8| {
            let mut b = [rest; 32];
            b[..8].copy_from_slice(&[first; 8]);
            Digest(b)
        };
        let mut rows = Vec::new();
        for i in 0..3u8 {
            rows.extend_from_slice(&record(&d(1, i), &d(2 + i, i), &d(9, i)));
        }
        let mut index = HashIndex::default();
        index.push_row(0, &rows[..RECORD]).unwrap();
        index.push_row(1, &rows[RECORD..]).unwrap();
        assert_eq!(index.len(), 3);
        assert_eq!(index.candidates(HashKind::EventId, &d(1, 7)), &[0, 1, 2]);
        assert_eq!(index.candidates(HashKind::EntryHash, &d(3, 0)), &[1]);
        assert_eq!(index.candidates(HashKind::ClientId, &d(9, 0)), &[0, 1, 2]);
        assert!(index.candidates(HashKind::EntryHash, &d(8, 0)).is_empty());
        // Rows must follow each other.
        assert!(index.push_row(5, &rows[..RECORD]).is_err());
        assert!(index.push_row(3, &rows[..RECORD - 1]).is_err());
    }
}
