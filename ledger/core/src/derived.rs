//! The derived indexes re-derived from the entries, which are the truth, and compared
//! with what a store keeps: the posting lists by chain, document, actor and type, the
//! hash lookups (event id and entry hash → seq) and the actor records. A store whose
//! derived data is damaged serves wrong histories and bundles that still verify entry by
//! entry, so `verify --data` names every difference here, and `suyuan reindex` rebuilds
//! the tables from the entries.

use crate::audit::Failure;
use crate::registry::ActorRecord;
use crate::storage::{Index, LogReader, StorageError};
use std::collections::BTreeMap;
use suyuan_format::encoding::Digest;
use suyuan_format::event::Event;

/// How many differences of one index are named before the rest are counted.
const NAMED_PER_INDEX: usize = 20;

/// The indexes as the entries make them.
#[derive(Default)]
pub struct DerivedIndexes {
    postings: [BTreeMap<String, Vec<u64>>; 4],
    /// Seq → event id and entry hash (entries that do not parse are missing: the
    /// audit names them on their own).
    hashes: BTreeMap<u64, (Digest, Digest)>,
}

impl DerivedIndexes {
    /// Adds entry `seq` (entries come in log order).
    pub fn add(
        &mut self,
        seq: u64,
        event_id: Digest,
        entry_hash: Digest,
        chains: impl Iterator<Item = String>,
        event: &Event,
    ) {
        let mut push = |index: Index, key: String| {
            let seqs = self.postings[index as usize].entry(key).or_default();
            if seqs.last() != Some(&seq) {
                seqs.push(seq);
            }
        };
        for chain in chains {
            push(Index::Chain, chain);
        }
        for (kind, number) in event.documents() {
            push(Index::Document, kind.key(&number));
        }
        push(Index::Actor, event.actor.0.clone());
        push(Index::Type, event.kind.as_str().to_string());
        self.hashes.insert(seq, (event_id, entry_hash));
    }

    /// Every difference between these indexes (and `registry`, the actor records the
    /// entries make) and what `reader` keeps.
    pub fn compare(
        &self,
        reader: &dyn LogReader,
        registry: &[&ActorRecord],
    ) -> Result<Vec<Failure>, StorageError> {
        let mut failures = Vec::new();
        for index in Index::ALL {
            let derived = &self.postings[index as usize];
            let mut stored = BTreeMap::new();
            reader.for_each_posting(index, &mut |key, seqs| {
                stored.insert(key.to_string(), seqs);
                Ok(())
            })?;
            let mut differences = Vec::new();
            for (key, want) in derived {
                match stored.get(key) {
                    Some(got) if got == want => {}
                    Some(got) => differences.push(format!(
                        "{key:?} lists entries {} but the entries give {}",
                        short(got),
                        short(want)
                    )),
                    None => differences.push(format!(
                        "{key:?} is missing (the entries give {})",
                        short(want)
                    )),
                }
            }
            for (key, got) in &stored {
                if !derived.contains_key(key) {
                    differences.push(format!(
                        "{key:?} lists entries {} that no entry gives",
                        short(got)
                    ));
                }
            }
            name_all(&mut failures, index.table(), differences);
        }
        let mut differences = Vec::new();
        for (&seq, (event_id, entry_hash)) in &self.hashes {
            let by_id = reader.seq_by_event_id(event_id)?;
            let by_hash = reader.seq_by_entry_hash(entry_hash)?;
            if by_id != Some(seq) || by_hash != Some(seq) {
                differences.push(format!(
                    "entry {seq} is found as {by_id:?} by its event id and {by_hash:?} by its entry hash"
                ));
            }
        }
        name_all(&mut failures, "hash_rows", differences);
        let stored: BTreeMap<String, ActorRecord> = reader
            .actor_records()?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let derived: BTreeMap<&str, &ActorRecord> =
            registry.iter().map(|r| (r.id.as_str(), *r)).collect();
        let mut differences = Vec::new();
        for (id, want) in &derived {
            match stored.get(*id) {
                Some(got) if got == *want => {}
                Some(_) => differences.push(format!(
                    "the record of {id} differs from what its registrations make"
                )),
                None => differences.push(format!("{id} has no record")),
            }
        }
        for id in stored.keys() {
            if !derived.contains_key(id.as_str()) {
                differences.push(format!("{id} has a record but no registration"));
            }
        }
        name_all(&mut failures, "actors", differences);
        Ok(failures)
    }
}

fn short(seqs: &[u64]) -> String {
    if seqs.len() <= 6 {
        format!("{seqs:?}")
    } else {
        format!(
            "[{}, … {} more, {}]",
            seqs[..3]
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            seqs.len() - 4,
            seqs[seqs.len() - 1]
        )
    }
}

fn name_all(failures: &mut Vec<Failure>, table: &str, differences: Vec<String>) {
    let n = differences.len();
    for d in differences.into_iter().take(NAMED_PER_INDEX) {
        failures.push(Failure {
            seq: None,
            reason: format!("derived table {table}: {d} (run `suyuan reindex`)"),
        });
    }
    if n > NAMED_PER_INDEX {
        failures.push(Failure {
            seq: None,
            reason: format!(
                "derived table {table}: {} more differences",
                n - NAMED_PER_INDEX
            ),
        });
    }
}
