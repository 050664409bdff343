//! Every kind of refusal, through the ledger's submission path: each is refused with its
//! reason (code and field), and the store is byte-for-byte unchanged afterwards.

use serde_json::{json, Value};
use suyuan_core::export::write_export;
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;
use suyuan_store::{Ledger, RegistrarSpec, Submission};

struct World {
    _tmp: tempfile::TempDir,
    ledger: Ledger,
    registrar: SecretKey,
    farm: SecretKey,
    farm_old: SecretKey,
    customs: SecretKey,
}

const LOT: &str = "01/04719865001270/10/AL2604Q1";

fn now_minus(hours: i64) -> String {
    suyuan_format::time_format::rfc3339(
        time::OffsetDateTime::now_utc() - time::Duration::hours(hours),
    )
}

fn registration(registrar: &SecretKey, n: u32, body: Value) -> SignedEvent {
    let ev = json!({"type": "registration", "client_id": format!("reg-{n}"), "actor": "CN-REGISTRAR",
        "key": registrar.public().to_string(), "time": now_minus(2), "body": body});
    SignedEvent::sign(ev, registrar).unwrap()
}

fn production(actor: &str, key: &SecretKey, client_id: &str, item: &str) -> Value {
    json!({"type": "production", "client_id": client_id, "actor": actor, "key": key.public().to_string(),
           "time": now_minus(1), "what": {"items": [item], "quantity": {"value": "300", "uom": "H87"}},
           "where": {"country": "TW", "place": "Alishan"},
           "body": {"product": "Alishan oolong 150 g", "produced": "2026-05-04", "origin": "Alishan, Chiayi", "facility": "Mingfeng"}})
}

fn submit(
    ledger: &Ledger,
    signed: SignedEvent,
) -> Result<suyuan_format::receipt::Receipt, suyuan_core::admission::Refusal> {
    ledger
        .append_batch(vec![Submission {
            signed,
            private: None,
        }])
        .unwrap()
        .results
        .pop()
        .unwrap()
}

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let registrar = SecretKey::from_seed(&[9; 32]);
    let (farm, farm_old, customs) = (
        SecretKey::from_seed(&[10; 32]),
        SecretKey::from_seed(&[11; 32]),
        SecretKey::from_seed(&[12; 32]),
    );
    let ledger = Ledger::init(
        &tmp.path().join("store"),
        Some("test.suyuan.example/log"),
        RegistrarSpec {
            id: "CN-REGISTRAR",
            name: "Registry",
            jurisdiction: "CN",
            key: &registrar,
        },
    )
    .unwrap();
    let regs = vec![
        registration(
            &registrar,
            1,
            json!({"action": "register", "subject": "TW-FARM", "name": "Mingfeng tea", "jurisdiction": "TW",
            "roles": ["producer"], "keys": [farm.public().to_string(), farm_old.public().to_string()]}),
        ),
        registration(
            &registrar,
            2,
            json!({"action": "register", "subject": "CN-CUSTOMS-3511", "name": "Pingtan Customs", "jurisdiction": "CN",
            "roles": ["customs"], "keys": [customs.public().to_string()]}),
        ),
        registration(
            &registrar,
            3,
            json!({"action": "revoke_key", "subject": "TW-FARM", "key": farm_old.public().to_string(), "reason": "lost scanner"}),
        ),
    ];
    for r in regs {
        submit(&ledger, r).unwrap();
    }
    submit(
        &ledger,
        SignedEvent::sign(production("TW-FARM", &farm, "lot-1", LOT), &farm).unwrap(),
    )
    .unwrap();
    World {
        _tmp: tmp,
        ledger,
        registrar,
        farm,
        farm_old,
        customs,
    }
}

/// Everything a store holds, as its export.
fn snapshot(ledger: &Ledger) -> Vec<u8> {
    let mut out = Vec::new();
    write_export(
        &ledger.read().unwrap(),
        ledger.origin(),
        &ledger.verifier_key(),
        &mut out,
    )
    .unwrap();
    out
}

fn assert_refused(w: &World, signed: SignedEvent, code: &str, field: Option<&str>, says: &str) {
    let before = snapshot(&w.ledger);
    let refusal = submit(&w.ledger, signed).expect_err("must be refused");
    assert_eq!(refusal.code(), code, "{refusal}");
    assert_eq!(refusal.field(), field, "{refusal}");
    assert!(
        refusal.to_string().contains(says),
        "{refusal:?} should say {says:?}"
    );
    assert_eq!(
        snapshot(&w.ledger),
        before,
        "the store changed after a refusal"
    );
}

#[test]
fn unregistered_actor() {
    let w = world();
    let stranger = SecretKey::from_seed(&[66; 32]);
    let ev = SignedEvent::sign(production("CN-NOBODY", &stranger, "x", LOT), &stranger).unwrap();
    assert_refused(
        &w,
        ev,
        "unknown_actor",
        Some("key"),
        "actor CN-NOBODY is not registered",
    );
}

#[test]
fn wrong_role() {
    let w = world();
    // Customs may not record production.
    let ev = SignedEvent::sign(
        production(
            "CN-CUSTOMS-3511",
            &w.customs,
            "p",
            "01/04719865001270/10/OTHER",
        ),
        &w.customs,
    )
    .unwrap();
    assert_refused(
        &w,
        ev,
        "wrong_role",
        Some("actor"),
        "may not record production events; allowed roles: producer",
    );
}

#[test]
fn revoked_key() {
    let w = world();
    let ev = SignedEvent::sign(
        production("TW-FARM", &w.farm_old, "p2", "01/04719865001270/10/LOT2"),
        &w.farm_old,
    )
    .unwrap();
    assert_refused(&w, ev, "key_revoked", Some("key"), "was revoked by entry 3");
}

#[test]
fn key_not_yet_valid_then_valid() {
    let w = world();
    let new_key = SecretKey::from_seed(&[13; 32]);
    let ev = production("TW-FARM", &new_key, "p3", "01/04719865001270/10/LOT3");
    assert_refused(
        &w,
        SignedEvent::sign(ev.clone(), &new_key).unwrap(),
        "key_not_registered",
        Some("key"),
        "is not registered to actor TW-FARM",
    );
    // Registered later, the same event is accepted: validity starts at registration.
    submit(
        &w.ledger,
        registration(
            &w.registrar,
            4,
            json!({"action": "add_key", "subject": "TW-FARM", "key": new_key.public().to_string()}),
        ),
    )
    .unwrap();
    submit(&w.ledger, SignedEvent::sign(ev, &new_key).unwrap()).unwrap();
}

#[test]
fn forged_signature() {
    let w = world();
    let mut ev = SignedEvent::sign(
        production("TW-FARM", &w.farm, "p4", "01/04719865001270/10/LOT4"),
        &w.farm,
    )
    .unwrap();
    ev.signature[10] ^= 1;
    let key = w.farm.public().to_string();
    assert_refused(&w, ev, "bad_signature", Some("signature"), &key);
    // Signed by someone else's key but naming the farm's key: also refused.
    let mallory = SecretKey::from_seed(&[77; 32]);
    let mut forged = SignedEvent::sign(
        production("TW-FARM", &w.farm, "p5", "01/04719865001270/10/LOT5"),
        &w.farm,
    )
    .unwrap();
    forged.signature = mallory.sign(suyuan_format::keys::EVENT_CONTEXT, &forged.canonical_event);
    assert_refused(
        &w,
        forged,
        "bad_signature",
        Some("signature"),
        "does not verify",
    );
}

#[test]
fn replay_with_changed_content_and_idempotent_resubmission() {
    let w = world();
    let original = production("TW-FARM", &w.farm, "p6", "01/04719865001270/10/LOT6");
    let first = submit(
        &w.ledger,
        SignedEvent::sign(original.clone(), &w.farm).unwrap(),
    )
    .unwrap();
    let again = submit(
        &w.ledger,
        SignedEvent::sign(original.clone(), &w.farm).unwrap(),
    )
    .unwrap();
    assert_eq!(
        first, again,
        "resubmitting the same event returns the first receipt"
    );
    let mut changed = original;
    changed["what"]["quantity"]["value"] = json!("301");
    assert_refused(
        &w,
        SignedEvent::sign(changed, &w.farm).unwrap(),
        "client_id_reused",
        Some("client_id"),
        "\"p6\"",
    );
}

#[test]
fn bad_gs1_keys() {
    let w = world();
    let ev = production("TW-FARM", &w.farm, "p7", "01/04719865001271/10/LOT7");
    let err = SignedEvent::sign(ev, &w.farm).unwrap_err();
    assert_eq!(err.field, "what.items[0]");
    assert!(
        err.message.contains("wrong check digit (expected 0)"),
        "{err}"
    );
    let ev = json!({"type": "logistics", "client_id": "l1", "actor": "TW-FARM", "key": w.farm.public().to_string(),
        "time": now_minus(1), "what": {"items": [LOT], "parent": "00/106141411234567890"},
        "body": {"waybill_no": "W1", "order_no": "O1", "status": "packed"}});
    let err = SignedEvent::sign(ev, &w.farm).unwrap_err();
    assert_eq!(err.field, "what.parent");
    assert!(
        err.message
            .contains("SSCC 106141411234567890 has a wrong check digit (expected 7)"),
        "{err}"
    );
}

#[test]
fn missing_references() {
    let w = world();
    let ev = json!({"type": "clearance", "client_id": "c1", "actor": "CN-CUSTOMS-3511", "key": w.customs.public().to_string(),
        "time": now_minus(1), "what": {"items": [LOT]},
        "body": {"declaration_no": "D1", "customs_office": "3511 Pingtan", "direction": "import", "trade_mode": "9610",
                 "hs_code": "0902301000", "status": "declared", "order_no": "NO-SUCH-ORDER", "payment_no": "P1", "waybill_no": "W1"}});
    assert_refused(
        &w,
        SignedEvent::sign(ev, &w.customs).unwrap(),
        "missing_reference",
        Some("body.order_no"),
        "order NO-SUCH-ORDER does not exist",
    );
    let ev = json!({"type": "acceptance", "client_id": "a1", "actor": "CN-CUSTOMS-3511", "key": w.customs.public().to_string(),
        "time": now_minus(1), "what": {"items": [LOT]},
        "body": {"inspection": "ab".repeat(32), "decision": "accepted"}});
    assert_refused(
        &w,
        SignedEvent::sign(ev, &w.customs).unwrap(),
        "missing_reference",
        Some("body.inspection"),
        "does not exist",
    );
}

#[test]
fn future_times_and_floats() {
    let w = world();
    let mut ev = production("TW-FARM", &w.farm, "p8", "01/04719865001270/10/LOT8");
    ev["time"] = json!(suyuan_format::time_format::rfc3339(
        time::OffsetDateTime::now_utc() + time::Duration::hours(1)
    ));
    assert_refused(
        &w,
        SignedEvent::sign(ev, &w.farm).unwrap(),
        "future_time",
        Some("time"),
        "after the log's record time",
    );
    let mut ev = production("TW-FARM", &w.farm, "p9", "01/04719865001270/10/LOT9");
    ev["what"]["quantity"]["value"] = json!(300.5);
    let err = SignedEvent::sign(ev, &w.farm).unwrap_err();
    assert_eq!(err.field, "what.quantity.value");
    assert!(err.message.contains("decimal strings"), "{err}");
}

#[test]
fn a_refused_event_does_not_stop_its_group() {
    let w = world();
    let stranger = SecretKey::from_seed(&[66; 32]);
    let good = SignedEvent::sign(
        production("TW-FARM", &w.farm, "p10", "01/04719865001270/10/LOT10"),
        &w.farm,
    )
    .unwrap();
    let bad = SignedEvent::sign(production("CN-NOBODY", &stranger, "x", LOT), &stranger).unwrap();
    let size = w.ledger.size();
    let out = w
        .ledger
        .append_batch(vec![
            Submission {
                signed: bad,
                private: None,
            },
            Submission {
                signed: good,
                private: None,
            },
        ])
        .unwrap();
    assert!(out.results[0].is_err() && out.results[1].is_ok());
    assert_eq!(w.ledger.size(), size + 1);
    assert_eq!(
        out.checkpoint.size,
        size + 1,
        "the batch's checkpoint covers what was accepted"
    );
}
