//! A commit that fails on disk: the store's file is reached through a backend that fails
//! every write and sync on demand (redb's own `FileBackend` underneath). Whatever was
//! in flight when the disk failed, the group being committed and the groups sequenced
//! behind it, must get no receipt; the reopened store must hold exactly what was
//! receipted, audit clean, and take the failed events again as new entries.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use suyuan_core::storage::LogReader;
use suyuan_format::checkpoint::LogKey;
use suyuan_store::StoreError;
use suyuan_store::{Ledger, Submission};
use suyuan_testkit::events::production;
use suyuan_testkit::store::{self, submission, ORIGIN};
use suyuan_testkit::Party;

/// The database file, failing every write, resize and sync while `fail` is set.
#[derive(Debug)]
struct FailingDisk {
    file: redb::backends::FileBackend,
    fail: Arc<AtomicBool>,
}

impl FailingDisk {
    fn check(&self) -> std::io::Result<()> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(std::io::Error::other("injected disk failure"));
        }
        Ok(())
    }
}

impl redb::StorageBackend for FailingDisk {
    fn len(&self) -> std::io::Result<u64> {
        self.file.len()
    }
    fn read(&self, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
        self.file.read(offset, len)
    }
    fn set_len(&self, len: u64) -> std::io::Result<()> {
        self.check()?;
        self.file.set_len(len)
    }
    fn sync_data(&self, eventual: bool) -> std::io::Result<()> {
        self.check()?;
        self.file.sync_data(eventual)
    }
    fn write(&self, offset: u64, data: &[u8]) -> std::io::Result<()> {
        self.check()?;
        self.file.write(offset, data)
    }
}

/// The farm's production of a lot named by its client id `cid`.
fn produced(farm: &Party, cid: &str) -> Submission {
    submission(farm.sign(production(farm, cid, cid)))
}

#[test]
fn a_failed_commit_acknowledges_nothing_and_the_store_keeps_what_was_receipted() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("log");
    let farm = Party::farm();
    // A log whose registrar has registered the farm, closed again.
    drop(store::ledger(&dir, &Party::registrar(), &[&farm]));

    let fail = Arc::new(AtomicBool::new(false));
    let path = dir.join(suyuan_store::DB_FILE);
    let failing = fail.clone();
    let disk = move || {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::Io {
                path: path.clone(),
                source: e,
            })?;
        Ok(FailingDisk {
            file: redb::backends::FileBackend::new(file)?,
            fail: failing.clone(),
        })
    };
    let ledger = Ledger::open_on_backend(&dir, disk).unwrap();

    // A group commits while the disk works.
    let first: Vec<Submission> = (0..40).map(|n| produced(&farm, &format!("A{n}"))).collect();
    let receipts: Vec<_> = ledger
        .append_batch(first)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.expect("accepted"))
        .collect();
    let committed = ledger.size();

    // The disk fails under concurrent submitters: their groups are sequenced one behind
    // the other (pipelined when they overlap), and none may come back with a receipt.
    fail.store(true, Ordering::SeqCst);
    let failed_group = |t: usize| -> Vec<Submission> {
        (0..25)
            .map(|n| produced(&farm, &format!("B{t}x{n}")))
            .collect()
    };
    let outcomes: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let (ledger, group) = (&ledger, failed_group(t));
                s.spawn(move || ledger.append_batch(group))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    // The group that met the failure gets the disk's error; a group behind it, the
    // failure of the group it was admitted against, or the disk's error again.
    let mut disk_errors = 0;
    for outcome in outcomes {
        match outcome {
            Err(StoreError::Db(e)) if matches!(*e, redb::Error::Io(_)) => disk_errors += 1,
            Err(StoreError::Db(e)) if matches!(*e, redb::Error::PreviousIo) => {}
            Err(StoreError::EarlierGroupFailed { .. }) => {}
            Err(e) => panic!("unexpected error: {e}"),
            Ok(out) => panic!(
                "a group was acknowledged while the disk failed: {:?}",
                out.results.iter().map(|r| r.is_ok()).collect::<Vec<_>>()
            ),
        }
    }
    // At least one group met the disk's failure; groups sequenced after it was rolled
    // back try the disk again, through a fresh handle, and may meet it themselves.
    assert!(disk_errors >= 1, "a group met the failure itself");
    assert_eq!(ledger.size(), committed, "the committed size is unchanged");
    drop(ledger);
    fail.store(false, Ordering::SeqCst);

    // Reopened through its path, the store holds what was receipted and nothing else.
    let ledger = Ledger::open(&dir).unwrap();
    assert_eq!(ledger.size(), committed);
    let reader = ledger.read().unwrap();
    for r in &receipts {
        let stored = reader
            .entry(r.seq)
            .unwrap()
            .expect("receipted entry present");
        assert_eq!(stored, r.entry.as_bytes(), "entry {} as receipted", r.seq);
    }
    let key = LogKey {
        name: Some(ORIGIN.into()),
        key: ledger.log_public_key(),
    };
    let report = suyuan_core::audit::audit_store(&reader, key, &|_| {}).unwrap();
    assert!(report.ok(), "{report:?}");
    drop(reader);

    // The failed events left no trace: submitted again, they are new entries, numbered on
    // from the last receipted one.
    let again = ledger
        .append_batch((0..4).flat_map(failed_group).collect())
        .unwrap()
        .results;
    let seqs: Vec<u64> = again
        .iter()
        .map(|r| r.as_ref().expect("accepted").seq)
        .collect();
    assert_eq!(seqs, (committed..committed + 100).collect::<Vec<_>>());
    drop(ledger);
    let ledger = Ledger::open(&dir).unwrap();
    assert_eq!(ledger.size(), committed + 100);
}
