//! The public-key rule of FORMAT.md §1 (canonical encoding, prime-order subgroup) against
//! `fixtures/vectors/keys/keys.json`: every small-order point, every non-canonical
//! encoding that decompresses, points with each torsion component, and valid keys.
//! The list is derived here from the curve's own constants and must equal the committed
//! file (`UPDATE_VECTORS=1 cargo test --test key_rule` rewrites it); the browser's
//! verifier is held to the same file by tests/http_browser.rs.

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::Scalar;
use serde_json::{json, Value};
use suyuan_format::encoding::b64;
use suyuan_format::keys::{KeyError, PublicKey};

fn class(e: &KeyError) -> &'static str {
    match e {
        KeyError::NonCanonical => "non_canonical",
        KeyError::Weak => "small_order",
        KeyError::MixedOrder => "mixed_order",
        KeyError::NotAPoint => "not_a_point",
        other => panic!("unexpected refusal {other:?}"),
    }
}

fn case(bytes: [u8; 32], expect: &str, note: String) -> Value {
    json!({
        "key": format!("ed25519:{}", b64(&bytes)),
        "hex": hex::encode(bytes),
        "expect": expect,
        "note": note,
    })
}

/// Little-endian bytes of p + k, p = 2^255 − 19 (k < 19), the non-canonical spellings of y = k.
fn p_plus(k: u8) -> [u8; 32] {
    let mut b = [0xffu8; 32];
    b[0] = 0xed + k;
    b[31] = 0x7f;
    b
}

fn derive() -> Vec<Value> {
    let mut cases = Vec::new();
    for (i, t) in EIGHT_TORSION.iter().enumerate() {
        let order = [1, 8, 4, 8, 2, 8, 4, 8][i];
        cases.push(case(
            t.compress().to_bytes(),
            "small_order",
            format!("the point of order {order} EIGHT_TORSION[{i}]"),
        ));
    }
    for k in 0..19u8 {
        for sign in [0u8, 0x80] {
            let mut b = p_plus(k);
            b[31] |= sign;
            let decodes = CompressedEdwardsY(b).decompress().is_some();
            let note = format!("y = p + {k} (≡ {k}), sign bit {}", sign >> 7);
            cases.push(case(
                b,
                if decodes {
                    "non_canonical"
                } else {
                    "not_a_point"
                },
                note,
            ));
        }
    }
    let mut identity = [0u8; 32];
    identity[0] = 1;
    // y = −1 = p − 1: 0xec, then 0xff…, then 0x7f.
    let mut order_two = [0xffu8; 32];
    order_two[0] = 0xec;
    order_two[31] = 0x7f;
    for (mut b, name) in [
        (identity, "the identity"),
        (order_two, "the point of order 2"),
    ] {
        b[31] |= 0x80;
        cases.push(case(
            b,
            "non_canonical",
            format!("{name} (x = 0) with the sign bit set"),
        ));
    }
    let a = ED25519_BASEPOINT_POINT * Scalar::from(20_261_203u64);
    for (i, t) in EIGHT_TORSION.iter().enumerate().skip(1) {
        cases.push(case(
            (a + t).compress().to_bytes(),
            "mixed_order",
            format!("[20261203]B + EIGHT_TORSION[{i}]"),
        ));
    }
    for s in [1u64, 2, 20_261_203, u64::MAX] {
        cases.push(case(
            (ED25519_BASEPOINT_POINT * Scalar::from(s))
                .compress()
                .to_bytes(),
            "accepted",
            format!("[{s}]B"),
        ));
    }
    cases
}

#[test]
fn every_case_is_classified_as_the_vectors_say() {
    let cases = derive();
    for c in &cases {
        let got = match PublicKey::parse(c["key"].as_str().unwrap()) {
            Ok(_) => "accepted",
            Err(e) => class(&e),
        };
        assert_eq!(got, c["expect"], "{}: {}", c["hex"], c["note"]);
    }
    let refused = cases.iter().filter(|c| c["expect"] != "accepted").count();
    assert!(refused >= 8 + 2 + 7, "only {refused} refused cases");
    let doc = json!({
        "about": "Ed25519 public keys under the rule of docs/FORMAT.md §1: canonical encoding (y < p, no sign bit when x = 0) and a point of the prime-order subgroup. `expect` is `accepted` or the class of refusal. Small-order points are curve25519-dalek's EIGHT_TORSION; the list of such points and of non-canonical encodings is the one discussed in Chalkias, Garillot, Nikolaenko, 'Taming the many EdDSAs' (SSR 2020).",
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    suyuan_testkit::vectors::check_or_update("fixtures/vectors/keys/keys.json", &text);
}

#[test]
fn registrations_refuse_every_refused_key() {
    use suyuan_format::event::Event;
    for c in derive().iter().filter(|c| c["expect"] != "accepted") {
        let event = json!({
            "type": "registration", "client_id": "k", "actor": "registrar",
            "key": "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
            "time": "2026-05-01T00:00:00Z",
            "body": {"action": "register", "subject": "lab", "name": "Lab",
                     "jurisdiction": "CN", "roles": ["lab"], "keys": [c["key"]]},
        });
        let err = Event::parse_bytes(event.to_string().as_bytes()).unwrap_err();
        assert!(
            err.to_string().contains("body.keys[0]"),
            "{}: {err}",
            c["note"]
        );
    }
}
