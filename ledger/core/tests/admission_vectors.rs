//! Portable vectors for the admission rules of docs/FORMAT.md §8, the ones that need the
//! log: small whole logs as exports (§9), each either admissible throughout or holding
//! one entry that breaks one rule, with the text its refusal must contain. The logs are
//! forged (correct hashes, tree and signed checkpoint, no admission), as an operator who
//! skipped the rules could publish them. The test audits each with the library and checks
//! that `fixtures/vectors/admission/logs.json` holds exactly these
//! (`UPDATE_VECTORS=1 cargo test --test admission_vectors` rewrites it).

use serde_json::{json, Value};
use suyuan_core::export::audit_export;
use suyuan_format::checkpoint::LogKey;
use suyuan_testkit::events::{
    buyer_salt, correction, genesis, lot_path, production, registration, registry_change, review,
    trade,
};
use suyuan_testkit::{ForgedLog, Party};

/// A log whose registrar has registered a farm, a platform, a consumer and customs.
fn base() -> (ForgedLog, Party, Party, Party, Party) {
    let (registrar, farm, platform) = (Party::registrar(), Party::farm(), Party::platform());
    let consumer = Party::new("CONSUMER:LD-U1", "CN", &["consumer"]);
    let customs = Party::new("CN-CUSTOMS-3511", "CN", &["customs"]);
    let mut log = ForgedLog::new("vectors.suyuan.example/admission");
    log.append(&registrar.sign(genesis(&registrar)));
    for p in [&farm, &platform, &consumer, &customs] {
        log.append(&registrar.sign(registration(&registrar, p)));
    }
    (log, farm, platform, consumer, customs)
}

fn units() -> Vec<String> {
    vec![format!("{}/21/00001", lot_path("AL2605"))]
}

/// (name, the log, the text the refusal says; "" for an admissible log).
fn logs() -> Vec<(&'static str, ForgedLog, &'static str)> {
    let mut all = Vec::new();
    {
        let (mut log, farm, platform, consumer, _) = base();
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&platform.sign(trade(&platform, "LD1", &consumer.id, &units())));
        let salt = buyer_salt("LD1");
        log.append(&consumer.sign(review(&consumer, "r-1", "LD1", &units(), Some(&salt))));
        all.push(("every entry admissible", log, ""));
    }
    {
        let (mut log, _, _, _, _) = base();
        let registrar = Party::registrar();
        let mut again = genesis(&registrar);
        again["client_id"] = "genesis-2".into();
        log.append(&registrar.sign(again));
        all.push((
            "a second genesis",
            log,
            "genesis is only the first entry of a log",
        ));
    }
    {
        let (mut log, _, _, _, _) = base();
        let stranger = Party::new("CN-NOBODY", "CN", &["producer"]);
        log.append(&stranger.sign(production(&stranger, "p-1", "AL2605")));
        all.push((
            "an unregistered signer",
            log,
            "actor CN-NOBODY is not registered",
        ));
    }
    {
        let (mut log, _, _, _, customs) = base();
        log.append(&customs.sign(production(&customs, "p-1", "AL2605")));
        all.push((
            "a role that may not record the type",
            log,
            "may not record production events",
        ));
    }
    {
        let (mut log, farm, _, _, _) = base();
        let registrar = Party::registrar();
        let other = Party::farm().with_key(suyuan_format::keys::SecretKey::from_seed(&[11; 32]));
        log.append(&registrar.sign(registry_change(
            &registrar,
            "add-2",
            json!({"action": "add_key", "subject": farm.id, "key": other.public_key()}),
        )));
        log.append(&registrar.sign(registry_change(
            &registrar,
            "revoke-2",
            json!({"action": "revoke_key", "subject": farm.id, "key": other.public_key(), "reason": "lost"}),
        )));
        log.append(&other.sign(production(&other, "p-1", "AL2605")));
        all.push(("a revoked key", log, "was revoked by entry 6"));
    }
    {
        let (mut log, farm, _, _, _) = base();
        let mut late = production(&farm, "p-1", "AL2605");
        late["time"] = "2026-06-02T00:00:00Z".into();
        log.append(&farm.sign(late));
        all.push((
            "an event time past the clock skew",
            log,
            "is more than 300 s after",
        ));
    }
    {
        let (mut log, farm, _, _, _) = base();
        log.append_recorded(
            &farm.sign(production(&farm, "p-1", "AL2605")),
            "2026-05-31T23:00:00.000Z",
        );
        all.push((
            "a record time before the previous entry's",
            log,
            "is earlier than that of the entry before",
        ));
    }
    {
        let (mut log, farm, platform, consumer, _) = base();
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&platform.sign(trade(&platform, "LD1", &consumer.id, &units())));
        let mut second = trade(&platform, "LD1", &consumer.id, &units());
        second["client_id"] = "order-again".into();
        log.append(&platform.sign(second));
        all.push((
            "an order number recorded twice",
            log,
            "order LD1 is already recorded",
        ));
    }
    {
        let (mut log, _, _, consumer, _) = base();
        log.append(&consumer.sign(review(&consumer, "r-1", "LD9", &units(), None)));
        all.push((
            "a reference to a missing order",
            log,
            "order LD9 does not exist in the log",
        ));
    }
    {
        let (mut log, farm, _, _, _) = base();
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&farm.sign(production(&farm, "p-1", "AL2606")));
        all.push((
            "a client id reused",
            log,
            "client id \"p-1\" of actor TW-FARM was already used",
        ));
    }
    {
        let (mut log, farm, _, _, _) = base();
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        all.push((
            "the same event twice",
            log,
            "is already recorded as entry 5",
        ));
    }
    {
        let (mut log, farm, platform, consumer, _) = base();
        log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&platform.sign(trade(&platform, "LD1", &consumer.id, &units())));
        let other = Party::new("CONSUMER:LD-U2", "CN", &["consumer"]);
        let registrar = Party::registrar();
        log.append(&registrar.sign(registration(&registrar, &other)));
        let salt = buyer_salt("LD1");
        log.append(&other.sign(review(&other, "r-1", "LD1", &units(), Some(&salt))));
        all.push((
            "a review by someone not the buyer",
            log,
            "is neither the buyer of order LD1",
        ));
    }
    {
        let (mut log, farm, platform, _, _) = base();
        let produced = log.append(&farm.sign(production(&farm, "p-1", "AL2605")));
        log.append(&platform.sign(correction(&platform, "fix-1", &produced)));
        all.push((
            "a correction by a party without the role",
            log,
            "may not record correction events",
        ));
    }
    {
        let (mut log, _, _, _, _) = base();
        let registrar = Party::registrar();
        let twin = Party::new("TW-TWIN", "TW", &["producer"]).with_key(Party::farm().key);
        log.append(&registrar.sign(registration(&registrar, &twin)));
        all.push((
            "a key registered to two actors",
            log,
            "already registered to",
        ));
    }
    all
}

#[test]
fn each_log_is_admitted_or_refused_as_the_vectors_say() {
    let mut cases = Vec::new();
    for (name, log, says) in logs() {
        let export = log.export();
        let key = LogKey::parse(&log.verifier_key()).unwrap();
        let report = audit_export(export.as_bytes(), key, &|_| {}).unwrap();
        let failures: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
        if says.is_empty() {
            assert!(failures.is_empty(), "{name}: {failures:#?}");
        } else {
            assert!(
                failures.iter().any(|f| f.contains(says)),
                "{name}: expected {says:?} among {failures:#?}"
            );
        }
        cases.push(json!({
            "name": name,
            "log_key": log.verifier_key(),
            "export": export,
            "expect": if says.is_empty() { "accepted" } else { "refused" },
            "says": says,
        }));
    }
    let doc = json!({
        "about": "Admission rules of docs/FORMAT.md §8 that need the log: whole logs as exports (§9), admissible throughout or with one entry that breaks one rule; `says` is text the refusal of this implementation contains (an independent verifier need only refuse). Forged: hashes, tree and checkpoint are right; no admission was applied.",
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/vectors/admission/logs.json"
    );
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(std::path::Path::new(path).parent().unwrap()).unwrap();
        std::fs::write(path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(path)
        .expect("fixtures/vectors/admission/logs.json (UPDATE_VECTORS=1 writes it)");
    assert_eq!(
        committed, text,
        "the committed admission vectors differ from the logs here"
    );
    let _: Value = serde_json::from_str(&committed).unwrap();
}
