//! The audit of a store checks each entry's private part against the event's digest,
//! pairing parts with entries by seq in one scan of each table: a part altered on disk
//! is named at its own entry, and entries without parts beside it are not disturbed.

use serde_json::json;
use suyuan_core::audit::{audit_store, AuditReport};
use suyuan_format::checkpoint::LogKey;
use suyuan_format::private::PrivatePart;
use suyuan_store::{Ledger, Submission, DB_FILE};
use suyuan_testkit::events::production;
use suyuan_testkit::store::{self, ORIGIN};
use suyuan_testkit::Party;

/// A production of `lot`, with a private part (its price) when `price` is given.
fn produce(farm: &Party, lot: &str, price: Option<&str>) -> Submission {
    let mut event = production(farm, &format!("p-{lot}"), lot);
    let private = price.map(|p| PrivatePart::seal(json!({"unit_price": p}), &[3; 32]));
    if let Some(part) = &private {
        event["private_digest"] = part.digest().to_hex().into();
    }
    Submission {
        signed: farm.sign(event),
        private,
    }
}

fn audit(dir: &std::path::Path, key: &LogKey) -> AuditReport {
    let ledger = Ledger::open(dir).unwrap();
    let reader = ledger.read().unwrap();
    audit_store(&reader, key.clone(), &|_| {}).unwrap()
}

#[test]
fn a_private_part_altered_on_disk_is_named_at_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let (registrar, farm) = (Party::registrar(), Party::farm());
    let ledger = store::ledger(tmp.path(), &registrar, &[&farm]);
    // Entries 2 and 4 have parts; 3 has none.
    let subs = vec![
        produce(&farm, "A1", Some("120.00")),
        produce(&farm, "A2", None),
        produce(&farm, "A3", Some("130.00")),
    ];
    let seqs: Vec<u64> = ledger
        .append_batch(subs)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.expect("admitted").seq)
        .collect();
    assert_eq!(seqs, [2, 3, 4]);
    let key = LogKey {
        name: Some(ORIGIN.into()),
        key: ledger.log_public_key(),
    };
    drop(ledger);
    let clean = audit(tmp.path(), &key);
    assert!(clean.ok(), "{clean:?}");

    // Entry 4's part, changed in the store itself.
    {
        let db = redb::Database::open(tmp.path().join(DB_FILE)).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let table: redb::TableDefinition<u64, &[u8]> = redb::TableDefinition::new("private");
            let mut private = txn.open_table(table).unwrap();
            let altered = PrivatePart::seal(json!({"unit_price": "13.00"}), &[3; 32]);
            private.insert(4, altered.canonical.as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let report = audit(tmp.path(), &key);
    let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        failures,
        ["entry 4: would have been refused: private part: does not match the event's private_digest"]
    );
}
