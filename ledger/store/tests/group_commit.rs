//! Group commit end to end at the ledger level: groups of many sizes (so hash tiles and
//! posting rows are written partly and extended by later groups), forged signatures
//! among hundreds of good ones, duplicates and client-id reuse inside one group, receipts
//! checked with the log key alone, and the in-memory hash index after reopening and after
//! an index rebuild.

use std::path::Path;
use suyuan_core::admission::Refusal;
use suyuan_core::storage::LogReader;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::event::SignedEvent;
use suyuan_format::hash::leaf_hash;
use suyuan_format::keys::SecretKey;
use suyuan_format::merkle::{self, MemoryTree};
use suyuan_store::{Ledger, Submission};
use suyuan_testkit::events::{lot_path, production};
use suyuan_testkit::store::{self, submission, ORIGIN};
use suyuan_testkit::Party;

/// The producer of every lot here.
fn farm() -> Party {
    Party::new("TW-FARM-1", "TW", &["producer"])
}

/// The item path of lot `n`.
fn lot(n: usize) -> String {
    lot_path(&format!("L{n}"))
}

/// The farm's production of lot `n`, with client id `cid`.
fn produce(farm: &Party, n: usize, cid: &str) -> SignedEvent {
    farm.sign(production(farm, cid, &format!("L{n}")))
}

/// A new log whose registrar has registered the farm.
fn init(dir: &Path, farm: &Party) -> Ledger {
    store::ledger(dir, &Party::registrar(), &[farm])
}

/// Every inclusion and consistency proof the store gives matches a tree recomputed from
/// the stored entries, at every checkpoint size.
fn check_tree(ledger: &Ledger, sizes: &[u64]) {
    let reader = ledger.read().unwrap();
    let mut tree = MemoryTree::default();
    for seq in 0..reader.size() {
        tree.push(leaf_hash(&reader.entry(seq).unwrap().unwrap()));
    }
    for &size in sizes {
        assert_eq!(
            reader.root(size).unwrap(),
            merkle::root(&tree, size).unwrap()
        );
        for seq in (0..size).step_by(7).chain([size - 1]) {
            assert_eq!(
                reader.inclusion_proof(seq, size).unwrap(),
                merkle::inclusion_proof(&tree, seq, size).unwrap(),
                "inclusion proof of {seq} in {size}"
            );
        }
        for &first in sizes.iter().filter(|&&f| f <= size) {
            assert_eq!(
                reader.consistency_proof(first, size).unwrap(),
                merkle::consistency_proof(&tree, first, size).unwrap()
            );
        }
    }
    let mut count = 0;
    reader
        .for_each_node(&mut |level, index, hash| {
            assert_eq!(
                Some(hash),
                tree.node_opt(level, index),
                "node {level}/{index}"
            );
            count += 1;
            true
        })
        .unwrap();
    assert_eq!(count, tree.node_count());
}

trait NodeOpt {
    fn node_opt(&self, level: u8, index: u64) -> Option<suyuan_format::encoding::Digest>;
    fn node_count(&self) -> usize;
}
impl NodeOpt for MemoryTree {
    fn node_opt(&self, level: u8, index: u64) -> Option<suyuan_format::encoding::Digest> {
        merkle::NodeSource::node(self, level, index).ok()
    }
    fn node_count(&self) -> usize {
        let mut n = self.size() as usize;
        let mut total = 0;
        while n > 0 {
            total += n;
            n /= 2;
        }
        total
    }
}

#[test]
fn groups_of_every_size_prove_and_index_correctly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let farm = farm();
    let ledger = init(&dir, &farm);
    let log_key = ledger.log_public_key();
    let mut sizes = vec![ledger.size()];
    let mut n = 0;
    for group in [1usize, 5, 17, 3, 300, 16, 1, 33] {
        let subs: Vec<Submission> = (n..n + group)
            .map(|i| submission(produce(&farm, i, &format!("p{i}"))))
            .collect();
        n += group;
        let out = ledger.append_batch(subs).unwrap();
        for r in &out.results {
            let receipt = r.as_ref().expect("accepted");
            let cp = receipt.verify(&log_key).expect("receipt checks out");
            assert_eq!(cp, out.checkpoint);
        }
        sizes.push(out.checkpoint.size);
        // Checked after every group too: readers share the ledger's caches of complete
        // tiles and right-edge hashes, which must stay right as the tree grows.
        check_tree(&ledger, &sizes);
    }

    // Every lot's chain, and lookups by hash through the in-memory index.
    let reader = ledger.read().unwrap();
    for i in [0, 4, 5, 200, n - 1] {
        let chain = reader.chain(&lot(i)).unwrap();
        assert_eq!(chain.len(), 1, "lot {i}");
        let bytes = reader.entry(chain[0]).unwrap().unwrap();
        let hash = suyuan_format::entry::entry_hash(&bytes);
        assert_eq!(reader.seq_by_entry_hash(&hash).unwrap(), Some(chain[0]));
    }
    assert_eq!(reader.by_actor("TW-FARM-1").unwrap().len(), n);
    assert_eq!(reader.by_type("production").unwrap().len(), n);
    let by_type = reader.by_type("production").unwrap();
    assert!(by_type.windows(2).all(|w| w[0] < w[1]), "postings in order");

    // Reopened: the hash index is loaded from its rows; resubmission finds the first entry.
    let first = produce(&farm, 0, "p0");
    let first_seq = reader.seq_by_event_id(&first.id).unwrap().expect("stored");
    drop(reader);
    drop(ledger);
    let ledger = Ledger::open(&dir).unwrap();
    let out = ledger.append_batch(vec![submission(first)]).unwrap();
    let receipt = out.results[0].as_ref().unwrap();
    assert_eq!(receipt.seq, first_seq);
    receipt.verify(&log_key).unwrap();
    assert_eq!(
        out.checkpoint.size,
        *sizes.last().unwrap(),
        "nothing appended"
    );

    // A rebuild gives the same postings and lookups.
    let before: Vec<Vec<u64>> = (0..n)
        .map(|i| ledger.read().unwrap().chain(&lot(i)).unwrap())
        .collect();
    ledger.rebuild_indexes().unwrap();
    let reader = ledger.read().unwrap();
    let after: Vec<Vec<u64>> = (0..n).map(|i| reader.chain(&lot(i)).unwrap()).collect();
    assert_eq!(before, after);
    assert_eq!(
        reader.seq_by_event_id(&produce(&farm, 0, "p0").id).unwrap(),
        Some(first_seq)
    );
}

#[test]
fn forged_signatures_among_hundreds_are_each_named() {
    let tmp = tempfile::tempdir().unwrap();
    let farm = farm();
    let ledger = init(&tmp.path().join("log"), &farm);
    let before = ledger.size();
    let forged_at = [0usize, 7, 255, 256, 511, 600];
    let subs: Vec<Submission> = (0..640)
        .map(|i| {
            let mut s = produce(&farm, i, &format!("p{i}"));
            if forged_at.contains(&i) {
                s.signature[40] ^= 1;
            }
            submission(s)
        })
        .collect();
    let out = ledger.append_batch(subs).unwrap();
    for (i, r) in out.results.iter().enumerate() {
        if forged_at.contains(&i) {
            assert!(
                matches!(r, Err(Refusal::BadSignature { .. })),
                "event {i}: {r:?}"
            );
        } else {
            assert!(r.is_ok(), "event {i}: {r:?}");
        }
    }
    assert_eq!(out.checkpoint.size, before + 640 - forged_at.len() as u64);
}

#[test]
fn duplicates_and_reused_client_ids_within_one_group() {
    let tmp = tempfile::tempdir().unwrap();
    let farm = farm();
    let ledger = init(&tmp.path().join("log"), &farm);
    // Signing is deterministic: the same event signed twice is the same signed event.
    let (a, a_again) = (produce(&farm, 1, "same"), produce(&farm, 1, "same"));
    assert_eq!(a.id, a_again.id);
    let b = produce(&farm, 2, "same");
    let out = ledger
        .append_batch(vec![submission(a), submission(a_again), submission(b)])
        .unwrap();
    let first = out.results[0].as_ref().unwrap();
    let again = out.results[1].as_ref().unwrap();
    assert_eq!(first.seq, again.seq, "the same event twice is one entry");
    assert_eq!(first.entry, again.entry);
    assert!(
        matches!(&out.results[2], Err(Refusal::ClientIdReused { client_id, .. }) if client_id == "same"),
        "{:?}",
        out.results[2]
    );
    // Then in a later group, against the stored index.
    let out = ledger
        .append_batch(vec![submission(produce(&farm, 3, "same"))])
        .unwrap();
    assert!(matches!(
        &out.results[0],
        Err(Refusal::ClientIdReused { .. })
    ));
    // A tampered receipt does not check out.
    let mut receipt = first.clone();
    receipt.proof.pop();
    assert!(receipt.verify(&ledger.log_public_key()).is_err());
    let other = LogKey {
        name: Some(ORIGIN.into()),
        key: SecretKey::from_seed(&[9; 32]).public(),
    };
    assert!(Checkpoint::verify(&first.checkpoint, &other).is_err());
    assert!(first.verify(&other.key).is_err());
}

/// Groups from several threads pass the append pipeline together: one is sequenced while
/// the one before it is still being written. Every thread submits the same events (and
/// its own second production of each lot), in its own order, so a group is often
/// admitted against entries that are sequenced but not yet committed (group sizes differ
/// by thread, so the groups differ too). Each event must still be stored once, and the
/// chains link in order.
#[test]
fn concurrent_groups_admit_against_groups_not_yet_committed() {
    const THREADS: usize = 4;
    const LOTS: usize = 240;
    let tmp = tempfile::tempdir().unwrap();
    let farm = farm();
    let ledger = init(&tmp.path().join("log"), &farm);
    let before = ledger.size();
    let results: Vec<Vec<(String, Result<u64, String>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (ledger, farm) = (&ledger, &farm);
                s.spawn(move || {
                    let mut seen = Vec::new();
                    let events: Vec<(String, SignedEvent)> = (0..LOTS)
                        .flat_map(|n| {
                            let shared = format!("lot-{n}");
                            let own = format!("lot-{n}-again-by-{t}");
                            [
                                (shared.clone(), produce(farm, n, &shared)),
                                (own.clone(), produce(farm, n, &own)),
                            ]
                        })
                        .collect();
                    for chunk in events.chunks(3 + 2 * t) {
                        let (names, signed): (Vec<_>, Vec<_>) = chunk
                            .iter()
                            .map(|(c, e)| {
                                (
                                    c.clone(),
                                    suyuan_format::submission::parse(&e.to_json().to_string(), "")
                                        .unwrap(),
                                )
                            })
                            .unzip();
                        let out = ledger.append_batch(signed).unwrap();
                        for (name, r) in names.into_iter().zip(out.results) {
                            seen.push((name, r.map(|r| r.seq).map_err(|e| e.to_string())));
                        }
                    }
                    seen
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // The shared events: one entry each, which every thread got a receipt for.
    let mut shared_seq = std::collections::BTreeMap::new();
    let mut own_accepted = 0;
    for (name, r) in results.iter().flatten() {
        if name.contains("-again-by-") {
            own_accepted += usize::from(r.is_ok());
            continue;
        }
        let seq = *r.as_ref().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            *shared_seq.entry(name.clone()).or_insert(seq),
            seq,
            "{name}"
        );
    }
    assert_eq!(shared_seq.len(), LOTS);
    let seqs: std::collections::BTreeSet<_> = shared_seq.values().collect();
    assert_eq!(seqs.len(), LOTS, "each shared event is its own entry");
    assert_eq!(ledger.size(), before + (LOTS + own_accepted) as u64);
    // The whole store audits: signatures, chains (prev links), tree and checkpoints.
    let reader = ledger.read().unwrap();
    let key = LogKey {
        name: Some(ORIGIN.into()),
        key: ledger.log_public_key(),
    };
    let report = suyuan_core::audit::audit_store(&reader, key, &|_| {}).unwrap();
    assert!(report.ok(), "{report:?}");
    check_tree(&ledger, &[ledger.size()]);
    // And a reopened ledger sees the same log.
    let size = ledger.size();
    drop(reader);
    drop(ledger);
    let reopened = Ledger::open(&tmp.path().join("log")).unwrap();
    assert_eq!(reopened.size(), size);
}
