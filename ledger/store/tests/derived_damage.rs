//! Damage to the derived tables (postings by chain, document, actor and type, the hash
//! rows, the actor records) leaves every entry intact, so only re-deriving the tables
//! from the entries can catch it: the audit names each damaged table, and
//! `Ledger::reindex` (the `suyuan reindex` command) makes the store audit clean again.

use redb::{ReadableTable, TableDefinition, WriteTransaction};
use std::path::Path;
use suyuan_core::audit::{audit_store, AuditReport};
use suyuan_format::checkpoint::LogKey;
use suyuan_store::{Ledger, Reader, DB_FILE};
use suyuan_testkit::events::{lot_path, production, trade};
use suyuan_testkit::store::{self, ORIGIN};
use suyuan_testkit::Party;

type Postings = TableDefinition<'static, (&'static str, u64), &'static [u8]>;
const BY_CHAIN: Postings = TableDefinition::new("by_chain");
const BY_DOCUMENT: Postings = TableDefinition::new("by_document");
const BY_ACTOR: Postings = TableDefinition::new("by_actor");
const BY_TYPE: Postings = TableDefinition::new("by_type");
const HASH_ROWS: TableDefinition<u64, &[u8]> = TableDefinition::new("hash_rows");
const ACTORS: TableDefinition<&str, &[u8]> = TableDefinition::new("actors");

/// A store with registrations, two productions and an order; its log key.
fn base(dir: &Path) -> LogKey {
    let (registrar, farm, platform) = (Party::registrar(), Party::farm(), Party::platform());
    let ledger = store::ledger(dir, &registrar, &[&farm, &platform]);
    store::append(&ledger, farm.sign(production(&farm, "p-1", "A1")));
    store::append(&ledger, farm.sign(production(&farm, "p-2", "A2")));
    let units = [format!("{}/21/00001", lot_path("A1"))];
    store::append(
        &ledger,
        platform.sign(trade(&platform, "LD1", "CONSUMER:X", &units)),
    );
    LogKey {
        name: Some(ORIGIN.into()),
        key: ledger.log_public_key(),
    }
}

fn audit(dir: &Path, key: &LogKey) -> AuditReport {
    let reader = Reader::open_dir(dir).unwrap();
    audit_store(&reader, key.clone(), &|_| {}).unwrap()
}

/// A copy of the store in `base`, damaged by `damage` in one write transaction.
fn damaged(base: &Path, damage: impl FnOnce(&WriteTransaction)) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(base).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), copy.path().join(f.file_name())).unwrap();
    }
    let db = redb::Database::open(copy.path().join(DB_FILE)).unwrap();
    let txn = db.begin_write().unwrap();
    damage(&txn);
    txn.commit().unwrap();
    copy
}

/// The first row of `table` whose key starts with `prefix`: its key and value.
fn first_row(txn: &WriteTransaction, table: Postings, prefix: &str) -> ((String, u64), Vec<u8>) {
    let t = txn.open_table(table).unwrap();
    let row = t
        .iter()
        .unwrap()
        .map(Result::unwrap)
        .find(|(k, _)| k.value().0.starts_with(prefix))
        .unwrap_or_else(|| panic!("a row for {prefix}"));
    let (k, v) = (row.0.value(), row.1.value().to_vec());
    ((k.0.to_string(), k.1), v)
}

fn put(txn: &WriteTransaction, table: Postings, key: (&str, u64), value: &[u8]) {
    txn.open_table(table).unwrap().insert(key, value).unwrap();
}

#[test]
fn every_damaged_derived_table_is_named_and_reindex_repairs_it() {
    let tmp = tempfile::tempdir().unwrap();
    let key = base(tmp.path());
    let clean = audit(tmp.path(), &key);
    assert!(clean.ok(), "{:?}", clean.failures);

    type Damage = Box<dyn Fn(&WriteTransaction)>;
    let lot = lot_path("A1");
    let cases: Vec<(&str, &str, Damage)> = vec![
        ("a chain's entry dropped", "by_chain", {
            let lot = lot.clone();
            Box::new(move |txn| {
                let ((k, first), v) = first_row(txn, BY_CHAIN, &lot);
                let mut t = txn.open_table(BY_CHAIN).unwrap();
                t.remove((k.as_str(), first)).unwrap();
                drop(t);
                // The lot's chain holds its production only (one 40-byte record).
                assert_eq!(v.len(), 40);
            })
        }),
        ("another item's entry on a chain", "by_chain", {
            let lot = lot.clone();
            Box::new(move |txn| {
                let ((k, first), mut v) = first_row(txn, BY_CHAIN, &lot);
                let other = first_row(txn, BY_CHAIN, &lot_path("A2")).1;
                v.extend_from_slice(&other);
                put(txn, BY_CHAIN, (&k, first), &v);
            })
        }),
        (
            "an order's postings removed",
            "by_document",
            Box::new(|txn| {
                let ((k, first), _) = first_row(txn, BY_DOCUMENT, "order:LD1");
                txn.open_table(BY_DOCUMENT)
                    .unwrap()
                    .remove((k.as_str(), first))
                    .unwrap();
            }),
        ),
        (
            "an actor that signed nothing",
            "by_actor",
            Box::new(|txn| {
                put(txn, BY_ACTOR, ("CN-NOBODY", 3), &3u64.to_be_bytes());
            }),
        ),
        (
            "a type's seq changed",
            "by_type",
            Box::new(|txn| {
                let ((k, first), mut v) = first_row(txn, BY_TYPE, "production");
                v[7] ^= 1;
                put(txn, BY_TYPE, (&k, first), &v);
            }),
        ),
        (
            "an actor record given another role",
            "actors",
            Box::new(|txn| {
                let mut t = txn.open_table(ACTORS).unwrap();
                let record = t.get("TW-FARM").unwrap().unwrap().value().to_vec();
                let text = String::from_utf8(record)
                    .unwrap()
                    .replace("\"producer\"", "\"regulator\"");
                t.insert("TW-FARM", text.as_bytes()).unwrap();
            }),
        ),
        (
            "a hash row zeroed",
            "hash_rows",
            Box::new(|txn| {
                let mut t = txn.open_table(HASH_ROWS).unwrap();
                let (first, v) = {
                    let last = t.last().unwrap().unwrap();
                    (last.0.value(), last.1.value().to_vec())
                };
                t.insert(first, vec![0u8; v.len()].as_slice()).unwrap();
            }),
        ),
    ];
    for (what, table, damage) in cases {
        let copy = damaged(tmp.path(), |txn| damage(txn));
        let report = audit(copy.path(), &key);
        let named = report
            .failures
            .iter()
            .any(|f| f.reason.contains(&format!("derived table {table}:")));
        assert!(named, "{what}: {:#?}", report.failures);
        // Nothing but the derived table is blamed: every entry is intact.
        assert!(
            report.failures.iter().all(|f| f.seq.is_none()),
            "{what}: {:#?}",
            report.failures
        );
        let count = Ledger::reindex(copy.path()).unwrap();
        assert_eq!(count, report.entries, "{what}");
        let repaired = audit(copy.path(), &key);
        assert!(
            repaired.ok(),
            "{what}, after reindex: {:#?}",
            repaired.failures
        );
        Ledger::open(copy.path()).expect("the repaired store opens");
    }
}

/// Reads check what the derived tables say against the entries: a history over a damaged
/// posting list is an error that names the table, not a history with a foreign entry.
#[test]
fn a_history_over_damaged_postings_is_an_error_not_a_wrong_answer() {
    let tmp = tempfile::tempdir().unwrap();
    base(tmp.path());
    let unit = format!("{}/21/00001", lot_path("A1"));
    let history = |dir: &Path, item: &str| {
        let reader = Reader::open_dir(dir).unwrap();
        suyuan_core::history::history(&reader, item).map(|h| h.entries.len())
    };
    assert!(history(tmp.path(), &unit).is_ok());

    // The other lot's production listed on this lot's chain.
    let copy = damaged(tmp.path(), |txn| {
        let ((k, first), mut v) = first_row(txn, BY_CHAIN, &lot_path("A1"));
        v.extend_from_slice(&first_row(txn, BY_CHAIN, &lot_path("A2")).1);
        put(txn, BY_CHAIN, (&k, first), &v);
    });
    let err = history(copy.path(), &unit).unwrap_err().to_string();
    assert!(err.contains("index by_chain lists entry"), "{err}");

    // An entry that does not name the order listed under it.
    let copy = damaged(tmp.path(), |txn| {
        let ((k, first), mut v) = first_row(txn, BY_DOCUMENT, "order:LD1");
        v.extend_from_slice(&3u64.to_be_bytes());
        put(txn, BY_DOCUMENT, (&k, first), &v);
    });
    let err = history(copy.path(), &unit).unwrap_err().to_string();
    assert!(
        err.contains("index by_document lists entry 3 under order:LD1"),
        "{err}"
    );
}
