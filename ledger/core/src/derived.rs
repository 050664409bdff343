//! The derived indexes re-derived from the entries, which are the truth, and compared
//! with what a store keeps: the posting lists by chain, document, actor and type, the
//! hash lookups (event id and entry hash → seq) and the actor records. A store whose
//! derived data is damaged serves wrong histories and bundles that still verify entry by
//! entry, so `verify --data` names every difference here, and `suyuan reindex` rebuilds
//! the tables from the entries.

use crate::audit::Failure;
use crate::registry::ActorRecord;
use crate::storage::{Index, LogReader, LookupKeys, StorageError};
use std::collections::BTreeMap;
use suyuan_format::encoding::Digest;
use suyuan_format::event::Event;

/// How many differences of one index are named before the rest are counted.
const NAMED_PER_INDEX: usize = 20;

/// The indexes as the entries make them.
#[derive(Default)]
pub struct DerivedIndexes {
    postings: [BTreeMap<String, Vec<u64>>; 4],
    /// What each entry is looked up by, in log order (entries that do not parse are
    /// missing: the audit names them on their own).
    lookups: Vec<LookupKeys>,
}

impl DerivedIndexes {
    /// Adds entry `seq` (entries come in log order).
    pub fn add<'k>(
        &mut self,
        seq: u64,
        event_id: Digest,
        entry_hash: Digest,
        chains: impl Iterator<Item = &'k str>,
        event: &Event,
    ) {
        // Most keys are already there: look them up by reference, allocate only new ones.
        fn push(map: &mut BTreeMap<String, Vec<u64>>, key: &str, seq: u64) {
            match map.get_mut(key) {
                Some(seqs) if seqs.last() == Some(&seq) => {}
                Some(seqs) => seqs.push(seq),
                None => {
                    map.insert(key.to_string(), vec![seq]);
                }
            }
        }
        let [by_chain, by_document, by_actor, by_type] = &mut self.postings;
        for chain in chains {
            push(by_chain, chain, seq);
        }
        for (kind, number) in event.documents() {
            push(by_document, &kind.key(&number), seq);
        }
        push(by_actor, &event.actor.0, seq);
        push(by_type, event.kind.as_str(), seq);
        self.lookups.push(LookupKeys {
            seq,
            event_id,
            entry_hash,
            actor: event.actor.0.clone(),
            client_id: event.client_id.clone(),
        });
    }

    /// The seqs `index` lists under `key`, oldest first.
    pub fn postings(&self, index: Index, key: &str) -> Vec<u64> {
        self.postings[index as usize]
            .get(key)
            .cloned()
            .unwrap_or_default()
    }

    /// Every posting list of `index`, in key order.
    pub fn lists(&self, index: Index) -> impl Iterator<Item = (&str, &[u64])> {
        self.postings[index as usize]
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// What each entry added is looked up by, in log order.
    pub fn lookups(&self) -> &[LookupKeys] {
        &self.lookups
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
            // Compared as the store's lists stream past: no second copy of the index.
            let mut differences = Vec::new();
            let mut matched = 0usize;
            reader.for_each_posting(index, &mut |key, got| {
                match derived.get(key) {
                    Some(want) if *want == got => matched += 1,
                    Some(want) => {
                        matched += 1;
                        differences.push(format!(
                            "{key:?} lists entries {} but the entries give {}",
                            short(&got),
                            short(want)
                        ));
                    }
                    None => differences.push(format!(
                        "{key:?} lists entries {} that no entry gives",
                        short(&got)
                    )),
                }
                Ok(())
            })?;
            if matched < derived.len() {
                for (key, want) in derived {
                    let listed = match index {
                        Index::Chain => reader.chain(key)?,
                        Index::Document => reader.document(key)?,
                        Index::Actor => reader.by_actor(key)?,
                        Index::Type => reader.by_type(key)?,
                    };
                    if listed.is_empty() {
                        differences.push(format!(
                            "{key:?} is missing (the entries give {})",
                            short(want)
                        ));
                    }
                }
            }
            name_all(&mut failures, index.table(), differences);
        }
        let differences = reader.check_lookups(&self.lookups)?;
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
