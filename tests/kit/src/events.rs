//! Builders of fixture-shaped events, unsigned (as `suyuan submit` takes them).

use crate::Party;
use serde_json::{json, Value};
use suyuan_format::encoding::Digest;

/// The time of the kit's registrations: before any other event's.
pub const REGISTERED_AT: &str = "2026-01-01T00:00:00Z";

/// The time `seconds` ago (a negative count: from now), as events write it.
pub fn time_ago(seconds: i64) -> String {
    suyuan_format::time_format::rfc3339(
        time::OffsetDateTime::now_utc() - time::Duration::seconds(seconds),
    )
}

/// A registration event of `registrar` with any `body` (a key added or revoked, say).
pub fn registry_change(registrar: &Party, client_id: &str, body: Value) -> Value {
    json!({"type": "registration", "client_id": client_id, "actor": registrar.id,
        "time": REGISTERED_AT, "body": body})
}

/// The genesis of a log: the registrar registers itself.
pub fn genesis(registrar: &Party) -> Value {
    let mut event = registry_change(
        registrar,
        "genesis",
        json!({"action": "genesis", "subject": registrar.id, "name": registrar.name,
               "jurisdiction": registrar.jurisdiction, "roles": ["registrar"], "keys": [registrar.public_key()]}),
    );
    event["key"] = registrar.public_key().into();
    event
}

/// `registrar` registers `subject` with its roles and key.
pub fn registration(registrar: &Party, subject: &Party) -> Value {
    registry_change(
        registrar,
        &format!("reg-{}", subject.id),
        json!({"action": "register", "subject": subject.id, "name": subject.name,
               "jurisdiction": subject.jurisdiction, "roles": subject.roles, "keys": [subject.public_key()]}),
    )
}

/// The item path of a lot of the kit's oolong.
pub fn lot_path(lot: &str) -> String {
    format!("01/04719865001270/10/{lot}")
}

/// A production of lot `lot` by `producer`.
pub fn production(producer: &Party, client_id: &str, lot: &str) -> Value {
    json!({"type": "production", "client_id": client_id, "actor": producer.id, "time": "2026-05-04T15:00:00+08:00",
        "what": {"items": [lot_path(lot)], "quantity": {"value": "300", "uom": "H87"}},
        "where": {"country": "TW", "place": "Alishan"},
        "body": {"product": "Alishan oolong 150 g", "produced": "2026-05-04", "origin": "Alishan, Chiayi", "facility": "Mingfeng"}})
}

/// `signer` declares the entry with entry hash `corrects` in error.
pub fn correction(signer: &Party, client_id: &str, corrects: &Digest) -> Value {
    json!({"type": "correction", "client_id": client_id, "actor": signer.id, "time": "2026-05-05T09:00:00+08:00",
        "body": {"corrects": corrects.to_hex(), "reason": "incorrect_data", "explanation": "weighed twice"}})
}

/// The salt of [`trade`]'s buyer commitment for order `order_no` (fixed per order).
pub fn buyer_salt(order_no: &str) -> Digest {
    Digest(*blake3::hash(format!("salt:{order_no}").as_bytes()).as_bytes())
}

/// An order `order_no` recorded by `platform` for `buyer` (an actor id), selling one tin
/// per item of `items`; its buyer commitment opens with [`buyer_salt`].
pub fn trade(platform: &Party, order_no: &str, buyer: &str, items: &[String]) -> Value {
    let salt = buyer_salt(order_no);
    let mut h = blake3::Hasher::new();
    h.update(&salt.0);
    h.update(buyer.as_bytes());
    let commitment = h.finalize().to_hex().to_string();
    let n = items.len();
    let money = |amount: String| json!({"amount": amount, "currency": "CNY"});
    json!({"type": "trade", "client_id": format!("order:{order_no}"), "actor": platform.id,
        "time": "2026-05-18T10:00:00+08:00", "what": {"items": items},
        "body": {"order_no": order_no, "trade_mode": "9610", "seller": "TW-FARM",
            "buyer_commitment": commitment,
            "lines": [{"gtin": "04719865001270", "description": "Alishan oolong 150 g",
                       "quantity": n.to_string(), "unit_price": money("368.00".into())}],
            "goods": money(format!("{}.00", 368 * n)), "freight": money("18.00".into()),
            "tax": money("0.00".into()), "total": money(format!("{}.00", 368 * n + 18))}})
}

/// A rating by `signer` of `items` under order `order_no`; `salt` opens the order's buyer
/// commitment when the signer claims to be its buyer.
pub fn review(
    signer: &Party,
    client_id: &str,
    order_no: &str,
    items: &[String],
    salt: Option<&Digest>,
) -> Value {
    let mut body = json!({"kind": "rating", "rating": 5, "text": "清香回甘", "lang": "zh", "order_no": order_no});
    if let Some(salt) = salt {
        body["buyer_salt"] = salt.to_hex().into();
    }
    json!({"type": "review", "client_id": client_id, "actor": signer.id,
        "time": "2026-05-25T10:00:00+08:00", "what": {"items": items}, "body": body})
}
