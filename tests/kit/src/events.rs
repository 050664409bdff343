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
