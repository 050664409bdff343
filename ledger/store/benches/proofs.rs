//! Proof generation on a 1,000,000-entry store: an inclusion proof and a consistency
//! proof, each read from the stored hash tiles (O(log n) B-tree reads, no rebuild).
//! The store is built once into target/ and reused.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::PathBuf;
use suyuan_core::storage::LogReader;
use suyuan_format::hash::leaf_hash;
use suyuan_format::merkle::Frontier;
use suyuan_store::bench_support::{create_tables, open_database, write_nodes, ENTRIES, TREE_TILES};
use suyuan_store::Reader;

const SIZE: u64 = 1_000_000;

fn store() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-proofs-1m-tiles");
    if dir.join("complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = open_database(&dir, true, suyuan_store::DEFAULT_CACHE_BYTES).unwrap();
    let mut frontier = Frontier::default();
    let mut seq = 0u64;
    while seq < SIZE {
        let txn = db.begin_write().unwrap();
        create_tables(&txn).unwrap();
        {
            let mut entries = txn.open_table(ENTRIES).unwrap();
            let mut tree = txn.open_table(TREE_TILES).unwrap();
            let mut nodes = Vec::new();
            for _ in 0..50_000 {
                // Entry-sized payloads, so the tables have a realistic shape.
                let entry = format!("{{\"seq\":{seq},\"pad\":\"{}\"}}", "x".repeat(900));
                entries.insert(seq, entry.as_bytes()).unwrap();
                frontier.push(leaf_hash(entry.as_bytes()), |level, index, hash| {
                    nodes.push((level, index, hash))
                });
                seq += 1;
            }
            write_nodes(&mut tree, &nodes).unwrap();
        }
        txn.commit().unwrap();
    }
    std::fs::write(dir.join("complete"), b"").unwrap();
    dir
}

fn proofs(c: &mut Criterion) {
    let dir = store();
    let reader = Reader::open_dir(&dir).unwrap();
    assert_eq!(reader.size(), SIZE);
    let mut x = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    c.bench_function("inclusion proof, 1M entries", |b| {
        b.iter(|| reader.inclusion_proof(next() % SIZE, SIZE).unwrap())
    });
    c.bench_function("consistency proof, 1M entries", |b| {
        b.iter(|| {
            reader
                .consistency_proof(1 + next() % (SIZE - 1), SIZE)
                .unwrap()
        })
    });
}

criterion_group!(benches, proofs);
criterion_main!(benches);
