//! The head map against a second, naive implementation written straight from FORMAT.md
//! §5.1 (the recursive definition over a set of leaves): roots agree however the keys
//! arrive (one update or many), every key's proof and every absent key's proof verify,
//! and any altered head, path hash, path length, key or root makes a proof fail.

use proptest::prelude::*;
use std::collections::BTreeMap;
use suyuan_format::encoding::Digest;
use suyuan_format::heads::{
    key_hash, leaf_hash, node_hash, Head, HeadIndex, HeadMap, HeadProof, HeadProofError,
    HeadUpdates, EMPTY,
};

fn bit(key: &[u8; 32], depth: usize) -> bool {
    key[depth / 8] >> (7 - depth % 8) & 1 == 1
}

/// FORMAT.md §5.1: H(S, d) over the leaves S below one prefix at depth d.
fn reference_root(leaves: &[([u8; 32], Head)], depth: usize) -> Digest {
    match leaves {
        [] => EMPTY,
        [(k, h)] => leaf_hash(k, h),
        _ => {
            let (left, right): (Vec<_>, Vec<_>) = leaves.iter().partition(|(k, _)| !bit(k, depth));
            node_hash(
                &reference_root(&left, depth + 1),
                &reference_root(&right, depth + 1),
            )
        }
    }
}

fn heads_strategy() -> impl Strategy<Value = BTreeMap<String, Head>> {
    prop::collection::btree_map(
        "[a-z0-9/:]{1,12}",
        (1u64..1000, 0u64..1_000_000).prop_map(|(count, last)| Head { count, last }),
        0..60,
    )
}

fn hashed(heads: &BTreeMap<String, Head>) -> Vec<([u8; 32], Head)> {
    let mut v: Vec<_> = heads
        .iter()
        .map(|(k, h)| (key_hash(HeadIndex::Chain, k), *h))
        .collect();
    v.sort_by_key(|u| u.0);
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn roots_agree_with_the_definition_however_keys_arrive(
        heads in heads_strategy(),
        batch in 1usize..8,
    ) {
        let leaves = hashed(&heads);
        let want = reference_root(&leaves, 0);
        prop_assert_eq!(HeadMap::from_heads(leaves.clone()).root(), want);
        // In batches, in reverse order, each key first with a stale head then its own.
        let mut map = HeadMap::default();
        for chunk in leaves.rchunks(batch) {
            let stale = chunk.iter().map(|(k, h)| (*k, Head { count: h.count + 1, last: h.last }));
            map = map.with(stale);
            map = map.with(chunk.iter().copied());
        }
        prop_assert_eq!(map.root(), want);
        prop_assert_eq!(map.len(), leaves.len() as u64);
    }

    #[test]
    fn every_key_and_every_absent_key_is_proven(
        heads in heads_strategy(),
        absent in prop::collection::vec("[A-Z]{1,8}", 1..10),
    ) {
        let map = HeadMap::from_heads(hashed(&heads));
        let root = map.root();
        for (key, head) in &heads {
            let k = key_hash(HeadIndex::Chain, key);
            prop_assert_eq!(map.get(&k), Some(*head));
            prop_assert_eq!(map.prove(&k).verify(&k, &root), Ok(Some(*head)));
            // The same key as a document is another key.
            let d = key_hash(HeadIndex::Document, key);
            prop_assert_eq!(map.prove(&d).verify(&d, &root), Ok(None));
        }
        for key in &absent {
            let k = key_hash(HeadIndex::Chain, key);
            prop_assert_eq!(map.prove(&k).verify(&k, &root), Ok(None));
        }
    }

    #[test]
    fn altered_proofs_fail(heads in heads_strategy(), pick in any::<prop::sample::Index>(), byte in 0usize..32) {
        prop_assume!(heads.len() >= 2);
        let map = HeadMap::from_heads(hashed(&heads));
        let root = map.root();
        let (key, head) = heads.iter().nth(pick.index(heads.len())).unwrap();
        let k = key_hash(HeadIndex::Chain, key);
        let proof = map.prove(&k);
        prop_assert!(!proof.path.is_empty());

        // A head with an entry fewer (the newest left out), or an older newest.
        for altered in [Head { count: head.count - 1, last: head.last }, Head { count: head.count, last: head.last ^ 1 }] {
            let mut p = proof.clone();
            p.head = Some(altered);
            prop_assert!(p.verify(&k, &root).is_err());
        }
        // Claiming the key is absent.
        let mut p = proof.clone();
        p.head = None;
        prop_assert!(p.verify(&k, &root).is_err());
        // A path hash changed, one dropped, one added.
        let mut p = proof.clone();
        p.path[0].0[byte] ^= 1;
        prop_assert!(p.verify(&k, &root).is_err());
        let mut p = proof.clone();
        p.path.pop();
        prop_assert!(p.verify(&k, &root).is_err());
        let mut p = proof.clone();
        p.path.push(EMPTY);
        prop_assert!(p.verify(&k, &root).is_err());
        // Another key, another root.
        let other = key_hash(HeadIndex::Chain, &format!("{key}x"));
        prop_assert!(proof.verify(&other, &root).is_err());
        let mut r = root;
        r.0[byte] ^= 1;
        prop_assert!(proof.verify(&k, &r).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// Runs of entries, applied run by run (as groups and checkpoints apply them), give
    /// the map of the lists counted one entry at a time.
    #[test]
    fn runs_of_entries_give_the_counted_lists(
        entries in prop::collection::vec(prop::collection::vec(0usize..12, 1..4), 0..80),
        cuts in prop::collection::vec(any::<bool>(), 80),
    ) {
        let mut counted: BTreeMap<String, Head> = BTreeMap::new();
        let mut map = HeadMap::default();
        let mut run = HeadUpdates::default();
        for (seq, keys) in entries.iter().enumerate() {
            for k in keys {
                let key = format!("01/{k}");
                run.add(HeadIndex::Chain, &key, seq as u64);
                let h = counted.entry(key).or_insert(Head { count: 0, last: 0 });
                if h.count == 0 || h.last != seq as u64 {
                    h.count += 1;
                    h.last = seq as u64;
                }
            }
            if cuts[seq] {
                map = run.apply(&map);
            }
        }
        map = run.apply(&map);
        prop_assert_eq!(map.root(), HeadMap::from_heads(hashed(&counted)).root());
        prop_assert_eq!(map.len(), counted.len() as u64);
    }
}

#[test]
fn an_absence_proof_opens_the_leaf_it_ends_at() {
    let map = HeadMap::from_heads([(key_hash(HeadIndex::Chain, "a"), Head { count: 1, last: 0 })]);
    let absent = key_hash(HeadIndex::Chain, "b");
    let proof = map.prove(&absent);
    assert!(proof.other.is_some() && proof.path.is_empty());
    assert_eq!(proof.verify(&absent, &map.root()), Ok(None));
    // The other leaf cannot be the key itself.
    let mut p = proof.clone();
    p.other = Some((absent, Head { count: 1, last: 0 }));
    assert_eq!(
        p.verify(&absent, &map.root()),
        Err(HeadProofError::OtherNotOnPath)
    );
}

#[test]
fn the_empty_map_proves_every_key_absent() {
    let map = HeadMap::default();
    assert_eq!(map.root(), EMPTY);
    let k = key_hash(HeadIndex::Document, "order:1");
    assert_eq!(map.prove(&k).verify(&k, &EMPTY), Ok(None));
}

#[test]
fn a_run_of_entries_counts_each_entry_once_per_key() {
    let base = HeadMap::default();
    let mut run = HeadUpdates::default();
    run.add(HeadIndex::Chain, "01/x", 3);
    run.add(HeadIndex::Chain, "01/x", 3);
    run.add(HeadIndex::Chain, "01/x", 5);
    let map = run.apply(&base);
    let k = key_hash(HeadIndex::Chain, "01/x");
    assert_eq!(map.get(&k), Some(Head { count: 2, last: 5 }));
    let too_deep = HeadProof {
        head: None,
        other: None,
        path: vec![EMPTY; 257],
    };
    assert_eq!(
        too_deep.verify(&k, &map.root()),
        Err(HeadProofError::TooDeep(257))
    );
}

/// `fixtures/vectors/heads/heads.json`: maps with their roots, and head proofs against
/// them, accepted (a head, or absence) and refused (each with the alteration made).
#[test]
fn vectors() {
    use serde_json::{json, Value};
    use suyuan_format::bundle::ProvenHead;
    type Heads = Vec<(HeadIndex, &'static str, Head)>;
    let maps: Vec<(&str, Heads)> = vec![
        ("empty", vec![]),
        (
            "one chain",
            vec![(
                HeadIndex::Chain,
                "01/06901234567892/10/GM260511",
                Head { count: 4, last: 17 },
            )],
        ),
        (
            "a story",
            [
                (HeadIndex::Chain, "01/06901234567892/10/GM260511", 4, 17),
                (
                    HeadIndex::Chain,
                    "01/06901234567892/10/GM260511/21/0001",
                    3,
                    15,
                ),
                (HeadIndex::Chain, "00/069012340000000018", 2, 12),
                (HeadIndex::Chain, "actor:lab.cti", 1, 2),
                (HeadIndex::Document, "order:TM20260601001", 3, 16),
            ]
            .map(|(i, k, count, last)| (i, k, Head { count, last }))
            .to_vec(),
        ),
    ];
    let mut cases = Vec::new();
    let mut out_maps = Vec::new();
    for (name, heads) in &maps {
        let map = HeadMap::from_heads(heads.iter().map(|(i, k, h)| (key_hash(*i, k), *h)));
        let root = map.root();
        out_maps.push(json!({
            "name": name,
            "heads": heads.iter().map(|(i, k, h)| json!({"index": i.as_str(), "key": k, "key_hash": hex::encode(key_hash(*i, k)), "count": h.count, "last": h.last, "leaf": leaf_hash(&key_hash(*i, k), h).to_hex()})).collect::<Vec<_>>(),
            "root": root.to_hex(),
        }));
        let mut keys: Vec<(HeadIndex, &str)> = heads.iter().map(|(i, k, _)| (*i, *k)).collect();
        keys.push((HeadIndex::Chain, "01/06901234567892/10/GM260512"));
        keys.push((HeadIndex::Document, "01/06901234567892/10/GM260511"));
        for (index, key) in keys {
            let k = key_hash(index, key);
            let proof = map.prove(&k);
            let wire = ProvenHead::new(index, key, &proof);
            let verdict = match proof
                .verify(&k, &root)
                .expect("a proof the map made verifies")
            {
                Some(_) => "head",
                None => "absent",
            };
            cases.push(
                json!({"map": name, "root": root.to_hex(), "proof": wire, "verdict": verdict}),
            );
            // Alterations, each refused.
            let mut altered: Vec<(&str, ProvenHead)> = Vec::new();
            if let Some(h) = proof.head {
                let mut p = proof.clone();
                p.head = Some(Head {
                    count: h.count - 1,
                    last: h.last,
                });
                if h.count > 1 {
                    altered.push((
                        "count one short: the newest entry left out",
                        ProvenHead::new(index, key, &p),
                    ));
                }
                p.head = Some(Head {
                    count: h.count,
                    last: h.last + 1,
                });
                altered.push(("last seq altered", ProvenHead::new(index, key, &p)));
                p.head = None;
                altered.push(("the key claimed absent", ProvenHead::new(index, key, &p)));
            } else if !heads.is_empty() {
                let mut p = proof.clone();
                p.head = Some(Head { count: 1, last: 0 });
                p.other = None;
                altered.push((
                    "an absent key claimed present",
                    ProvenHead::new(index, key, &p),
                ));
            }
            if !proof.path.is_empty() {
                let mut p = proof.clone();
                p.path[0].0[31] ^= 1;
                altered.push(("a path hash altered", ProvenHead::new(index, key, &p)));
                let mut p = proof.clone();
                p.path.pop();
                altered.push(("the path one level short", ProvenHead::new(index, key, &p)));
            }
            let mut p = proof.clone();
            p.path.push(EMPTY);
            altered.push(("the path one level long", ProvenHead::new(index, key, &p)));
            for (why, wire) in altered {
                let (_, p) = wire.proof().expect("well-formed");
                let error = p.verify(&k, &root).expect_err(why).to_string();
                cases.push(json!({"map": name, "root": root.to_hex(), "proof": wire, "verdict": "refused", "alteration": why, "error": error}));
            }
        }
    }
    let doc: Value = json!({
        "about": "The head map of docs/FORMAT.md §5.1: maps (their heads, key hashes, leaf hashes and roots), and head proofs against their roots, accepted (verdict head or absent) and refused (each with the one alteration made). Proofs are in the JSON form bundles and /v1/heads carry.",
        "maps": out_maps,
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    suyuan_testkit::vectors::check_or_update("fixtures/vectors/heads/heads.json", &text);
}
