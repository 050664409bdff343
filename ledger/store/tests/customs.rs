//! 三单比对 through the append path, on the fixture order in fixtures/customs/consistent:
//! each message admitted from its sender, with its view re-derived from the raw message
//! in its private part; a message from a party the record does not name, or whose view
//! is not what its message derives, refused; a verdict made from the private parts
//! admitted, and one that does not follow from the messages refused.

use serde_json::{json, Value};
use suyuan_core::customs::{decide_order, MessagePrivate};
use suyuan_customs::amount::Amount;
use suyuan_customs::rules::Policy;
use suyuan_customs::verdict::Outcome;
use suyuan_customs::view::Derived;
use suyuan_format::hash::content_hash;
use suyuan_format::private::PrivatePart;
use suyuan_store::{Ledger, Submission};
use suyuan_testkit::events::{registry_change, time_ago};
use suyuan_testkit::store::{self, submit};
use suyuan_testkit::Party;

const ORDER: &str = "SY-ORD-20260512-0001";

fn fixture(code: &str) -> String {
    let path = format!(
        "{}/../../fixtures/customs/consistent/CEB{code}.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn register(registrar: &Party, p: &Party, codes: &[&str]) -> Value {
    let mut body = json!({"action": "register", "subject": p.id, "name": p.name,
           "jurisdiction": p.jurisdiction, "roles": p.roles, "keys": [p.public_key()]});
    if !codes.is_empty() {
        body["customs_codes"] = json!(codes);
    }
    registry_change(registrar, &format!("reg-{}", p.id), body)
}

/// The submission of `xml`'s first record by `sender`, its private part `private_xml`.
fn message(sender: &Party, n: u32, xml: &str, private_xml: &str) -> (Submission, Derived) {
    let salt = [n as u8 + 7; 32];
    let part = MessagePrivate {
        xml: xml.into(),
        record: 0,
        salt,
    };
    let derived = part.derive().unwrap();
    let private = PrivatePart::seal(MessagePrivate::fields(private_xml, 0), &salt);
    let event = json!({"type": "customs_message", "client_id": format!("ceb-{n}"),
        "actor": sender.id, "time": time_ago(60),
        "body": {"order_no": ORDER, "record": derived.view,
                 "xml_digest": content_hash(private_xml.as_bytes()).to_hex()},
        "private_digest": private.digest().to_hex()});
    (
        Submission {
            signed: sender.sign(event),
            private: Some(private),
        },
        derived,
    )
}

fn parties() -> [Party; 5] {
    [
        Party::new("EBP", "CN", &["platform"]),
        Party::new("PAY", "CN", &["payment"]),
        Party::new("LOG", "CN", &["carrier"]),
        Party::new("EBC", "CN", &["trader"]),
        Party::new("CUSTOMS", "CN", &["customs"]),
    ]
}

fn setup(dir: &std::path::Path) -> (Ledger, [Party; 5]) {
    let registrar = Party::registrar();
    let ledger = store::init(dir, &registrar);
    let ps = parties();
    let codes: [&[&str]; 5] = [
        &["3301960ABC"],
        &["3101960PAY"],
        &["3301980LOG"],
        &["3301960DEF"],
        &[],
    ];
    for (p, c) in ps.iter().zip(codes) {
        submit(&ledger, registrar.sign(register(&registrar, p, c))).unwrap();
    }
    (ledger, ps)
}

fn code(r: Result<suyuan_format::receipt::Receipt, suyuan_core::admission::Refusal>) -> String {
    match r {
        Ok(_) => "admitted".into(),
        Err(e) => format!("{}: {e}", e.code()),
    }
}

#[test]
fn the_four_messages_and_their_verdict_are_admitted_and_checked() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledger, [ebp, pay, log, ebc, customs]) = setup(tmp.path());
    let append = |s: Submission| code(ledger.append_batch(vec![s]).unwrap().results.remove(0));

    // The platform may not send the payment institution's message.
    let (wrong_sender, _) = message(&ebp, 90, &fixture("411"), &fixture("411"));
    let refused = append(wrong_sender);
    assert!(refused.starts_with("not_sender"), "{refused}");

    // A view that is not what the private message derives.
    let altered = fixture("311").replace("20260512093015", "20260512093016");
    assert_ne!(altered, fixture("311"));
    let (mismatched, _) = message(&ebp, 91, &fixture("311"), &altered);
    let refused = append(mismatched);
    assert!(refused.starts_with("private_part"), "{refused}");

    let mut derived = Vec::new();
    for (n, (sender, c)) in [(&ebp, "311"), (&pay, "411"), (&log, "511"), (&ebc, "621")]
        .into_iter()
        .enumerate()
    {
        let (sub, d) = message(sender, n as u32, &fixture(c), &fixture(c));
        assert_eq!(append(sub), "admitted", "CEB{c}");
        derived.push(d);
    }

    let verdict = decide_order(&derived, Amount::ZERO, &Policy::default()).unwrap();
    assert_eq!(verdict.verdict, Outcome::Match, "{:?}", verdict.findings);
    let verdict_event = |client: &str, v: &suyuan_customs::verdict::Verdict| {
        customs.sign(json!({"type": "customs_verdict", "client_id": client,
            "actor": customs.id, "time": time_ago(30),
            "body": {"order_no": ORDER, "verdict": v}}))
    };

    // A verdict claiming another outcome does not follow from the messages.
    let mut forged = verdict.clone();
    forged.verdict = Outcome::Mismatch;
    let refused = code(submit(&ledger, verdict_event("v-forged", &forged)));
    assert!(refused.starts_with("verdict_does_not_follow"), "{refused}");
    // Nor one whose quota is not this order's.
    let mut quota = verdict.clone();
    quota.quota.this_order = Amount::ZERO;
    let refused = code(submit(&ledger, verdict_event("v-quota", &quota)));
    assert!(refused.starts_with("verdict_does_not_follow"), "{refused}");

    assert_eq!(
        code(submit(&ledger, verdict_event("v-1", &verdict))),
        "admitted"
    );
}
