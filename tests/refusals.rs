//! Every kind of refusal, through the ledger's submission path: each is refused with its
//! reason (code and field), and the store is byte-for-byte unchanged afterwards.

use serde_json::json;
use suyuan_core::export::write_export;
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;
use suyuan_store::Ledger;
use suyuan_testkit::events::{lot_path, production, registration, registry_change, time_ago};
use suyuan_testkit::store::{self, submission, submit};
use suyuan_testkit::Party;

struct World {
    _tmp: tempfile::TempDir,
    ledger: Ledger,
    registrar: Party,
    farm: Party,
    /// The farm holding the key it registered with and then lost.
    farm_old: Party,
    customs: Party,
}

const LOT: &str = "AL2604Q1";

fn world() -> World {
    let tmp = tempfile::tempdir().unwrap();
    let registrar = Party::registrar();
    let farm = Party::farm();
    let farm_old = Party::farm().with_key(SecretKey::from_seed(&[11; 32]));
    let customs = Party::new("CN-CUSTOMS-3511", "CN", &["customs"]);
    let ledger = store::init(&tmp.path().join("store"), &registrar);
    // The farm registers two keys; the registrar revokes the second one (entry 3).
    let mut farm_registration = registration(&registrar, &farm);
    farm_registration["body"]["keys"] = json!([farm.public_key(), farm_old.public_key()]);
    let regs = [
        farm_registration,
        registration(&registrar, &customs),
        registry_change(
            &registrar,
            "reg-3",
            json!({"action": "revoke_key", "subject": "TW-FARM", "key": farm_old.public_key(), "reason": "lost scanner"}),
        ),
    ];
    for r in regs {
        store::append(&ledger, registrar.sign(r));
    }
    store::append(&ledger, farm.sign(production(&farm, "lot-1", LOT)));
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
    let stranger = Party::new("CN-NOBODY", "CN", &["producer"]);
    let ev = stranger.sign(production(&stranger, "x", LOT));
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
    let ev = w.customs.sign(production(&w.customs, "p", "OTHER"));
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
    let ev = w.farm_old.sign(production(&w.farm_old, "p2", "LOT2"));
    assert_refused(&w, ev, "key_revoked", Some("key"), "was revoked by entry 3");
}

#[test]
fn key_not_yet_valid_then_valid() {
    let w = world();
    let renewed = Party::farm().with_key(SecretKey::from_seed(&[13; 32]));
    let ev = production(&renewed, "p3", "LOT3");
    assert_refused(
        &w,
        renewed.sign(ev.clone()),
        "key_not_registered",
        Some("key"),
        "is not registered to actor TW-FARM",
    );
    // Registered later, the same event is accepted: validity starts at registration.
    let add_key = registry_change(
        &w.registrar,
        "reg-4",
        json!({"action": "add_key", "subject": "TW-FARM", "key": renewed.public_key()}),
    );
    submit(&w.ledger, w.registrar.sign(add_key)).unwrap();
    submit(&w.ledger, renewed.sign(ev)).unwrap();
}

#[test]
fn forged_signature() {
    let w = world();
    let mut ev = w.farm.sign(production(&w.farm, "p4", "LOT4"));
    ev.signature[10] ^= 1;
    let key = w.farm.public_key();
    assert_refused(&w, ev, "bad_signature", Some("signature"), &key);
    // Signed by someone else's key but naming the farm's key: also refused.
    let mallory = SecretKey::from_seed(&[77; 32]);
    let mut forged = w.farm.sign(production(&w.farm, "p5", "LOT5"));
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
    let original = production(&w.farm, "p6", "LOT6");
    let first = submit(&w.ledger, w.farm.sign(original.clone())).unwrap();
    let again = submit(&w.ledger, w.farm.sign(original.clone())).unwrap();
    assert_eq!(
        first, again,
        "resubmitting the same event returns the first receipt"
    );
    let mut changed = original;
    changed["what"]["quantity"]["value"] = json!("301");
    assert_refused(
        &w,
        w.farm.sign(changed),
        "client_id_reused",
        Some("client_id"),
        "\"p6\"",
    );
}

#[test]
fn bad_gs1_keys() {
    let w = world();
    let mut ev = production(&w.farm, "p7", "LOT7");
    ev["what"]["items"] = json!(["01/04719865001271/10/LOT7"]);
    let err = w.farm.try_sign(ev).unwrap_err();
    assert_eq!(err.field, "what.items[0]");
    assert!(
        err.message.contains("wrong check digit (expected 0)"),
        "{err}"
    );
    let ev = json!({"type": "logistics", "client_id": "l1", "actor": "TW-FARM",
        "time": time_ago(3600), "what": {"items": [lot_path(LOT)], "parent": "00/106141411234567890"},
        "body": {"waybill_no": "W1", "order_no": "O1", "status": "packed"}});
    let err = w.farm.try_sign(ev).unwrap_err();
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
    let ev = json!({"type": "clearance", "client_id": "c1", "actor": "CN-CUSTOMS-3511",
        "time": time_ago(3600), "what": {"items": [lot_path(LOT)]},
        "body": {"declaration_no": "D1", "customs_office": "3511 Pingtan", "direction": "import", "trade_mode": "9610",
                 "hs_code": "0902301000", "status": "declared", "order_no": "NO-SUCH-ORDER", "payment_no": "P1", "waybill_no": "W1"}});
    assert_refused(
        &w,
        w.customs.sign(ev),
        "missing_reference",
        Some("body.order_no"),
        "order NO-SUCH-ORDER does not exist",
    );
    let ev = json!({"type": "acceptance", "client_id": "a1", "actor": "CN-CUSTOMS-3511",
        "time": time_ago(3600), "what": {"items": [lot_path(LOT)]},
        "body": {"inspection": "ab".repeat(32), "decision": "accepted"}});
    assert_refused(
        &w,
        w.customs.sign(ev),
        "missing_reference",
        Some("body.inspection"),
        "does not exist",
    );
}

#[test]
fn future_times_and_floats() {
    let w = world();
    let mut ev = production(&w.farm, "p8", "LOT8");
    ev["time"] = json!(time_ago(-3600));
    assert_refused(
        &w,
        w.farm.sign(ev),
        "future_time",
        Some("time"),
        "after the log's record time",
    );
    let mut ev = production(&w.farm, "p9", "LOT9");
    ev["what"]["quantity"]["value"] = json!(300.5);
    let err = w.farm.try_sign(ev).unwrap_err();
    assert_eq!(err.field, "what.quantity.value");
    assert!(err.message.contains("decimal strings"), "{err}");
}

#[test]
fn a_refused_event_does_not_stop_its_group() {
    let w = world();
    let stranger = Party::new("CN-NOBODY", "CN", &["producer"]);
    let good = w.farm.sign(production(&w.farm, "p10", "LOT10"));
    let bad = stranger.sign(production(&stranger, "x", LOT));
    let size = w.ledger.size();
    let out = w
        .ledger
        .append_batch(vec![submission(bad), submission(good)])
        .unwrap();
    assert!(out.results[0].is_err() && out.results[1].is_ok());
    assert_eq!(w.ledger.size(), size + 1);
    assert_eq!(
        out.checkpoint.size,
        size + 1,
        "the batch's checkpoint covers what was accepted"
    );
}

/// A review comes from the buyer of the order it names (opening the order's buyer
/// commitment to itself) or from the platform that recorded the order, and is about
/// items of that order only.
#[test]
fn reviews_are_tied_to_their_order_and_its_buyer() {
    use suyuan_testkit::events::{buyer_salt, review, trade};
    let w = world();
    let platform = Party::platform();
    let (buyer, other) = (
        Party::new("CONSUMER:LD-U1", "CN", &["consumer"]),
        Party::new("CONSUMER:LD-U2", "CN", &["consumer"]),
    );
    for p in [&platform, &buyer, &other] {
        store::append(&w.ledger, w.registrar.sign(registration(&w.registrar, p)));
    }
    let unit = |s: u32| format!("{}/21/{s:05}", lot_path(LOT));
    let sold = [unit(1), unit(2)];
    store::append(
        &w.ledger,
        platform.sign(trade(&platform, "LD1", &buyer.id, &sold)),
    );
    let salt = buyer_salt("LD1");

    // Another consumer, with the buyer's salt or with none.
    for s in [Some(&salt), None] {
        let ev = other.sign(review(&other, "r-other", "LD1", &sold, s));
        assert_refused(
            &w,
            ev,
            "not_buyer",
            Some("body.buyer_salt"),
            "is neither the buyer of order LD1",
        );
    }
    // The buyer with a wrong salt.
    let wrong = buyer_salt("LD2");
    let ev = buyer.sign(review(&buyer, "r-wrong", "LD1", &sold, Some(&wrong)));
    assert_refused(
        &w,
        ev,
        "not_buyer",
        Some("body.buyer_salt"),
        "CONSUMER:LD-U1",
    );
    // The buyer, for an item of the lot it did not buy, and for a lot never produced.
    let never = "01/04719865001270/10/NEVER/21/00001".to_string();
    for (cid, item) in [("r-3", unit(3)), ("r-never", never)] {
        let ev = buyer.sign(review(&buyer, cid, "LD1", &[item], Some(&salt)));
        let why = "is not an item of order LD1";
        assert_refused(&w, ev, "conflict", Some("what.items[0]"), why);
    }
    // An order that does not exist; a review naming no order at all.
    let ev = buyer.sign(review(&buyer, "r-none", "LD9", &sold, Some(&salt)));
    assert_refused(
        &w,
        ev,
        "missing_reference",
        Some("body.order_no"),
        "order LD9",
    );
    let mut ev = review(&buyer, "r-no-order", "LD1", &sold, Some(&salt));
    ev["body"].as_object_mut().unwrap().remove("order_no");
    let invalid = buyer.try_sign(ev).expect_err("a review names its order");
    assert!(invalid.to_string().contains("order_no"), "{invalid}");

    // The buyer, for one or both items; the platform relaying a review.
    submit(
        &w.ledger,
        buyer.sign(review(&buyer, "r-ok", "LD1", &sold[..1], Some(&salt))),
    )
    .unwrap();
    submit(
        &w.ledger,
        platform.sign(review(&platform, "r-relay", "LD1", &sold, None)),
    )
    .unwrap();
}
