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

/// The parties of every log: a registrar that has registered the others.
struct Parties {
    registrar: Party,
    farm: Party,
    platform: Party,
    consumer: Party,
    customs: Party,
}

/// A log whose registrar has registered a farm, a platform, a consumer and customs.
fn base() -> (ForgedLog, Parties) {
    let p = Parties {
        registrar: Party::registrar(),
        farm: Party::farm(),
        platform: Party::platform(),
        consumer: Party::new("CONSUMER:LD-U1", "CN", &["consumer"]),
        customs: Party::new("CN-CUSTOMS-3511", "CN", &["customs"]),
    };
    let mut log = ForgedLog::new("vectors.suyuan.example/admission");
    log.append(&p.registrar.sign(genesis(&p.registrar)));
    for party in [&p.farm, &p.platform, &p.consumer, &p.customs] {
        log.append(&p.registrar.sign(registration(&p.registrar, party)));
    }
    (log, p)
}

fn units() -> Vec<String> {
    vec![format!("{}/21/00001", lot_path("AL2605"))]
}

/// The farm produces lot AL2605; the platform sells a unit of it to the consumer (LD1).
fn sale(log: &mut ForgedLog, p: &Parties) -> suyuan_format::encoding::Digest {
    let produced = log.append(&p.farm.sign(production(&p.farm, "p-1", "AL2605")));
    log.append(
        &p.platform
            .sign(trade(&p.platform, "LD1", &p.consumer.id, &units())),
    );
    produced
}

/// `signer`'s rating of the sale, opening its buyer commitment with `salt`.
fn rating(log: &mut ForgedLog, signer: &Party, salt: Option<&suyuan_format::encoding::Digest>) {
    log.append(&signer.sign(review(signer, "r-1", "LD1", &units(), salt)));
}

/// A registration by the registrar with this body.
fn registry(log: &mut ForgedLog, p: &Parties, client_id: &str, body: Value) {
    log.append(
        &p.registrar
            .sign(registry_change(&p.registrar, client_id, body)),
    );
}

/// How to build a log from the base, and the text its refusal says ("" when admissible).
type Case = (&'static str, &'static str, fn(&mut ForgedLog, &Parties));

const CASES: &[Case] = &[
    ("every entry admissible", "", |log, p| {
        sale(log, p);
        rating(log, &p.consumer, Some(&buyer_salt("LD1")));
    }),
    (
        "a second genesis",
        "genesis is only the first entry of a log",
        |log, p| {
            let mut again = genesis(&p.registrar);
            again["client_id"] = "genesis-2".into();
            log.append(&p.registrar.sign(again));
        },
    ),
    (
        "an unregistered signer",
        "actor CN-NOBODY is not registered",
        |log, _| {
            let stranger = Party::new("CN-NOBODY", "CN", &["producer"]);
            log.append(&stranger.sign(production(&stranger, "p-1", "AL2605")));
        },
    ),
    (
        "a role that may not record the type",
        "may not record production events",
        |log, p| {
            log.append(&p.customs.sign(production(&p.customs, "p-1", "AL2605")));
        },
    ),
    ("a revoked key", "was revoked by entry 6", |log, p| {
        let other = Party::farm().with_key(suyuan_format::keys::SecretKey::from_seed(&[11; 32]));
        let key = other.public_key();
        registry(
            log,
            p,
            "add-2",
            json!({"action": "add_key", "subject": p.farm.id, "key": key}),
        );
        let body =
            json!({"action": "revoke_key", "subject": p.farm.id, "key": key, "reason": "lost"});
        registry(log, p, "revoke-2", body);
        log.append(&other.sign(production(&other, "p-1", "AL2605")));
    }),
    (
        "an event time past the clock skew",
        "is more than 300 s after",
        |log, p| {
            let mut late = production(&p.farm, "p-1", "AL2605");
            late["time"] = "2026-06-02T00:00:00Z".into();
            log.append(&p.farm.sign(late));
        },
    ),
    (
        "a record time before the previous entry's",
        "is earlier than that of the entry before",
        |log, p| {
            let signed = p.farm.sign(production(&p.farm, "p-1", "AL2605"));
            log.append_recorded(&signed, "2026-05-31T23:00:00.000Z");
        },
    ),
    (
        "an order number recorded twice",
        "order LD1 is already recorded",
        |log, p| {
            sale(log, p);
            let mut second = trade(&p.platform, "LD1", &p.consumer.id, &units());
            second["client_id"] = "order-again".into();
            log.append(&p.platform.sign(second));
        },
    ),
    (
        "a reference to a missing order",
        "order LD1 does not exist in the log",
        |log, p| {
            rating(log, &p.consumer, None);
        },
    ),
    (
        "a client id reused",
        "client id \"p-1\" of actor TW-FARM was already used",
        |log, p| {
            log.append(&p.farm.sign(production(&p.farm, "p-1", "AL2605")));
            log.append(&p.farm.sign(production(&p.farm, "p-1", "AL2606")));
        },
    ),
    (
        "the same event twice",
        "is already recorded as entry 5",
        |log, p| {
            let signed = p.farm.sign(production(&p.farm, "p-1", "AL2605"));
            log.append(&signed);
            log.append(&signed);
        },
    ),
    (
        "a review by someone not the buyer",
        "is neither the buyer of order LD1",
        |log, p| {
            sale(log, p);
            let other = Party::new("CONSUMER:LD-U2", "CN", &["consumer"]);
            log.append(&p.registrar.sign(registration(&p.registrar, &other)));
            rating(log, &other, Some(&buyer_salt("LD1")));
        },
    ),
    (
        "a correction by a party without the role",
        "may not record correction events",
        |log, p| {
            let produced = sale(log, p);
            log.append(&p.platform.sign(correction(&p.platform, "fix-1", &produced)));
        },
    ),
    (
        "a key registered to two actors",
        "already registered to",
        |log, p| {
            let twin = Party::new("TW-TWIN", "TW", &["producer"]).with_key(Party::farm().key);
            log.append(&p.registrar.sign(registration(&p.registrar, &twin)));
        },
    ),
];

fn logs() -> Vec<(&'static str, ForgedLog, &'static str)> {
    CASES
        .iter()
        .map(|(name, says, build)| {
            let (mut log, parties) = base();
            build(&mut log, &parties);
            (*name, log, *says)
        })
        .collect()
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
    suyuan_testkit::vectors::check_or_update("fixtures/vectors/admission/logs.json", &text);
}
