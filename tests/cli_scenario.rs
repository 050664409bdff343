//! The README's walk-through, driven through the binary on the fixture scenario: seed,
//! verify, history, export, evidence bundle, and the exit codes of `verify`.

mod common;
use common::SUYUAN;
use serde_json::Value;
use suyuan_core::storage::LogReader;
use suyuan_testkit::cli::{stderr, stdout, FarmStore};
use suyuan_testkit::scenario;

#[test]
fn seed_verify_history_export_and_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let store_s = store.to_str().unwrap();
    assert!(
        log_key.starts_with("ed25519:"),
        "seed prints the log key, got {log_key}"
    );

    // The whole store audits clean.
    let o = SUYUAN.run(&["verify", "--data", store_s]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("OK: 684 entries"), "{}", stdout(&o));

    // Seeding again is idempotent: same signed events, same receipts, no new entries.
    let o = SUYUAN.run(&["seed", "--data", store_s]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("(0 new entries)"), "{}", stderr(&o));

    // A tin's story reaches its lot, its order's documents, its parcel and pallet.
    let tin = "01/04719865001270/10/AL2604Q1/21/00001";
    let o = SUYUAN.run(&["history", "--data", store_s, tin]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for needle in [
        "production",
        "inspection",
        "acceptance",
        "trade",
        "payment",
        "clearance",
        "review",
        "via container 00/",
        "via lot 01/04719865001270/10/AL2604Q1",
        "released",
    ] {
        assert!(text.contains(needle), "history lacks {needle:?}:\n{text}");
    }
    let o = SUYUAN.run(&["history", "--data", store_s, tin, "--json"]);
    let json: Value = serde_json::from_slice(&o.stdout).unwrap();
    let seqs: Vec<u64> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "oldest first: {seqs:?}"
    );
    assert_eq!(
        seqs.len(),
        text.lines().count() - 1,
        "text and JSON tell the same story"
    );

    // A recalled lot says so (the lot is looked up from the log, not assumed).
    let export = tmp.path().join("log.jsonl");
    let o = SUYUAN.export(&store, &export);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = std::fs::read_to_string(&export).unwrap();
    let recall_lot = lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["signed"]["event"]["type"] == "recall")
        .map(|v| {
            v["signed"]["event"]["what"]["items"][0]
                .as_str()
                .unwrap()
                .to_string()
        })
        .expect("the scenario has a recall");
    let o = SUYUAN.run(&["history", "--data", store_s, &recall_lot]);
    assert!(stdout(&o).contains("RECALL"), "{}", stdout(&o));

    // The export verifies with the pinned key; without a key verify is a usage error.
    let o = SUYUAN.verify_export(&export, &log_key);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = SUYUAN.run(&["verify", "--export", export.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    // With another log's key it fails (1), naming the checkpoints.
    let other = tmp.path().join("other.key");
    let other_key = SUYUAN.keygen(&other);
    let o = SUYUAN.verify_export(&export, &other_key);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("checkpoint"), "{}", stdout(&o));

    // The evidence bundle of the tin verifies offline with the pinned key.
    let bundle = tmp.path().join("tin.json");
    let o = SUYUAN.export_bundle(&store, tin, &bundle);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = SUYUAN.verify_bundle(&bundle, &log_key);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    // Unknown items and missing stores are clear errors.
    let o = SUYUAN.run(&["history", "--data", store_s, "01/04719865001270/10/NOPE"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not in the log"), "{}", stderr(&o));
    let nowhere = tmp.path().join("nowhere");
    let o = SUYUAN.run(&["verify", "--data", nowhere.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("not a Suyuan data directory"), "{err}");
}

#[test]
fn corrections_are_shown_beside_what_they_correct() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, _) = scenario::seeded(SUYUAN, tmp.path());
    let store_s = store.to_str().unwrap();
    let export = tmp.path().join("log.jsonl");
    SUYUAN.export(&store, &export);
    let entries: Vec<Value> = std::fs::read_to_string(&export)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &Value| v.get("seq").is_some())
        .collect();
    let correction = entries
        .iter()
        .find(|e| {
            e["signed"]["event"]["type"] == "correction"
                && e["signed"]["event"]["body"]["reason"] == "incorrect_data"
        })
        .expect("a correction");
    let corrected_hash = correction["signed"]["event"]["body"]["corrects"]
        .as_str()
        .unwrap();
    let corrected = entries
        .iter()
        .find(|e| {
            suyuan_format::entry::entry_hash(&suyuan_format::jcs::canonicalize(e)).to_hex()
                == corrected_hash
        })
        .expect("the corrected entry");
    let item = corrected["signed"]["event"]["what"]["items"][0]
        .as_str()
        .unwrap();
    let o = SUYUAN.run(&["history", "--data", store_s, item, "--json"]);
    let h: Value = serde_json::from_slice(&o.stdout).unwrap();
    let seq_of = |e: &Value| e["seq"].as_u64().unwrap();
    let listed = h["entries"].as_array().unwrap();
    let shown = listed
        .iter()
        .find(|e| seq_of(e) == seq_of(corrected))
        .expect("corrected entry still shown");
    assert_eq!(
        shown["corrected_by"],
        serde_json::json!([seq_of(correction)])
    );
    assert!(
        listed.iter().any(|e| seq_of(e) == seq_of(correction)),
        "the correction is in the history too"
    );
    let o = SUYUAN.run(&["history", "--data", store_s, item]);
    assert!(
        stdout(&o).contains(&format!("[declared in error by #{}]", seq_of(correction))),
        "{}",
        stdout(&o)
    );
}

#[test]
fn indexes_rebuild_from_the_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, _) = scenario::seeded(SUYUAN, tmp.path());
    let store_s = store.to_str().unwrap();
    let tin = "01/04719865001270/10/AL2604Q1/21/00001";
    let before = SUYUAN.run(&["history", "--data", store_s, tin, "--json"]);
    let bundle_before = tmp.path().join("before.json");
    SUYUAN.export_bundle(&store, tin, &bundle_before);
    {
        let ledger = suyuan_store::Ledger::open(&store).unwrap();
        let registry_before: Vec<_> = {
            let mut a: Vec<_> = ledger.registry().actors().cloned().collect();
            a.sort_by(|x, y| x.id.cmp(&y.id));
            a
        };
        let counts = |l: &suyuan_store::Ledger| {
            let r = l.read().unwrap();
            (
                r.by_type("recall").unwrap(),
                r.by_type("registration").unwrap().len(),
                r.by_actor("CN-USCC:113501280K3762N507").unwrap().len(),
                r.document("order:LD202605180001").unwrap(),
            )
        };
        let indexed = counts(&ledger);
        assert_eq!(indexed.0.len(), 1, "one recall in the scenario");
        assert_eq!(indexed.1, 32, "genesis and 31 registrations");
        assert!(indexed.2 > 50, "Pingtan Customs recorded many entries");
        assert!(
            indexed.3.len() >= 4,
            "an order's trade, payment, waybill steps and declaration"
        );
        assert_eq!(ledger.rebuild_indexes().unwrap(), 684);
        assert_eq!(
            counts(&ledger),
            indexed,
            "the same index rows after a rebuild"
        );
        let mut after: Vec<_> = ledger.registry().actors().cloned().collect();
        after.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(
            after, registry_before,
            "the registry replays to the same state"
        );
    }
    let after = SUYUAN.run(&["history", "--data", store_s, tin, "--json"]);
    assert_eq!(
        stdout(&after),
        stdout(&before),
        "history is the same from rebuilt indexes"
    );
    let bundle_after = tmp.path().join("after.json");
    SUYUAN.export_bundle(&store, tin, &bundle_after);
    assert_eq!(
        std::fs::read(bundle_after).unwrap(),
        std::fs::read(bundle_before).unwrap()
    );
    let o = SUYUAN.run(&["verify", "--data", store_s]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// `submit --group N` prints one receipt per accepted file, in order, for every group
/// (including the last, short one), and names each refused file by its own name.
#[test]
fn grouped_submit_answers_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let farm = FarmStore::create(SUYUAN, tmp.path());
    let write = |name: &str, v: Value| {
        let path = tmp.path().join(name);
        std::fs::write(&path, v.to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };

    // Twelve lots; the eighth reuses the first one's client id with other content.
    let files: Vec<String> = (0..12)
        .map(|i| {
            let cid = if i == 7 {
                "lot-0".to_string()
            } else {
                format!("lot-{i}")
            };
            write(
                &format!("lot{i:02}.json"),
                farm.production(&cid, &format!("G{i}")),
            )
        })
        .collect();
    let o = farm.submit(5).args(&files).output().expect("suyuan runs");
    assert_eq!(o.status.code(), Some(1), "one file is refused");
    let receipted: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).unwrap();
            let entry: Value = serde_json::from_str(r["entry"].as_str().unwrap()).unwrap();
            entry["signed"]["event"]["client_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: Vec<String> = (0..12)
        .filter(|&i| i != 7)
        .map(|i| format!("lot-{i}"))
        .collect();
    assert_eq!(receipted, expected);
    let err = stderr(&o);
    assert!(err.contains("lot07.json: refused"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
