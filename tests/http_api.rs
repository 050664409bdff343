//! End-to-end tests of the HTTP API against a real `suyuan serve` on loopback: submit,
//! read, prove, resolve, every error code, idempotent resubmission, concurrent
//! submitters, and graceful shutdown.

mod common;

use common::SUYUAN;
use serde_json::{json, Value};
use std::process::Command;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::merkle::verify_inclusion;
use suyuan_format::receipt::Receipt;
use suyuan_testkit::cli::{stderr, stdout};
use suyuan_testkit::events::time_ago;
use suyuan_testkit::http::*;
use suyuan_testkit::world::{event, World, GTIN};
use suyuan_testkit::Party;

fn digests(v: &Value) -> Vec<Digest> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| Digest::from_hex(h.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn submit_read_prove_resolve() {
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);

    // Submit: a durable receipt proving the entry into its group commit's checkpoint.
    let prod = w.production("L1", "prod-L1");
    let r = post(&server.url("/v1/events"), &prod);
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    let receipt: Receipt = serde_json::from_value(body["receipt"].clone()).unwrap();
    let log_key = LogKey::parse(&w.log_key).unwrap();
    let receipt_cp = receipt
        .verify(&log_key.key)
        .expect("receipt proven into a checkpoint signed by the log");
    let cp_json = get(&server.url("/v1/checkpoint.json"), "application/json").json();
    let vkey = LogKey::parse(cp_json["verifier_key"].as_str().unwrap()).unwrap();
    assert_eq!(vkey.key, log_key.key);
    let cp = Checkpoint::verify(&receipt.checkpoint, &vkey).unwrap();
    assert_eq!(cp, receipt_cp);
    assert!(cp.size > receipt.seq);
    // A receipt whose entry was altered does not verify, and says why.
    let mut forged = receipt.clone();
    forged.entry = forged.entry.replacen("\"seq\":", "\"seq\": ", 1);
    assert!(forged.verify(&log_key.key).is_err());
    let mut forged = receipt.clone();
    forged.seq += 1;
    assert!(forged
        .verify(&log_key.key)
        .unwrap_err()
        .to_string()
        .contains("seq"));

    // Idempotent: the same event again gets the same receipt.
    let again = post(&server.url("/v1/events"), &prod);
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["receipt"], body["receipt"]);

    // A unit, traded and shipped; a batch of two tests.
    let unit = format!("01/{GTIN}/10/L1/21/0001");
    for ev in [
        w.trade("ORD-1", &unit, "trade-1"),
        w.logistics(&unit, "ORD-1", "ship-1", "picked_up"),
    ] {
        let r = post(&server.url("/v1/events"), &ev);
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let batch = json!([
        w.inspection("L1", "test-1", "pass"),
        w.inspection("L1", "test-2", "pass")
    ]);
    let r = post(&server.url("/v1/events/batch"), &batch);
    assert_eq!(r.status, 200, "{}", r.text());
    let b = r.json();
    assert_eq!(b["accepted"], 2);
    assert_eq!(b["results"][0]["status"], 200);

    // History with proofs: every entry included in the checkpoint given with it.
    let h = get(
        &server.url(&format!("/v1/history/{unit}")),
        "application/json",
    );
    assert_eq!(h.status, 200, "{}", h.text());
    let h = h.json();
    let note = h["checkpoint"]["note"].as_str().unwrap();
    let cp = Checkpoint::verify(note, &vkey).unwrap();
    let entries = h["entries"].as_array().unwrap();
    assert!(
        entries.len() >= 5,
        "production, trade, logistics, 2 tests: {}",
        entries.len()
    );
    for e in entries {
        let bytes = e["entry"].as_str().unwrap().as_bytes();
        verify_inclusion(
            &suyuan_format::hash::leaf_hash(bytes),
            e["seq"].as_u64().unwrap(),
            cp.size,
            &digests(&e["proof"]),
            &cp.root,
        )
        .expect("inclusion proof verifies");
    }
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["event"]["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"production")
            && kinds.contains(&"inspection")
            && kinds.contains(&"logistics")
    );

    // Entries by seq and by hash.
    let seq = receipt.seq;
    let e = get(
        &server.url(&format!("/v1/entries/{seq}")),
        "application/json",
    )
    .json();
    assert_eq!(e["entry_hash"], receipt.entry_hash);
    let e2 = get(
        &server.url(&format!("/v1/entries/by-hash/{}", receipt.entry_hash)),
        "application/json",
    )
    .json();
    assert_eq!(e2["seq"], seq);
    assert_eq!(
        get(&server.url("/v1/entries/999999"), "application/json").status,
        404
    );
    assert_eq!(
        get(&server.url("/v1/entries/abc"), "application/json").status,
        400
    );

    // Inclusion and consistency proofs.
    let p = get(
        &server.url(&format!("/v1/proofs/inclusion?seq={seq}")),
        "application/json",
    )
    .json();
    let size = p["size"].as_u64().unwrap();
    let cp_now = get(&server.url("/v1/checkpoint.json"), "application/json").json();
    let root = Digest::from_hex(cp_now["root"].as_str().unwrap()).unwrap();
    verify_inclusion(
        &Digest::from_hex(p["leaf_hash"].as_str().unwrap()).unwrap(),
        seq,
        size,
        &digests(&p["proof"]),
        &root,
    )
    .unwrap();
    let c = get(
        &server.url(&format!(
            "/v1/proofs/consistency?first={}&second={size}",
            cp.size - 2
        )),
        "application/json",
    );
    assert_eq!(c.status, 200, "{}", c.text());
    assert!(!c.json()["proof"].as_array().unwrap().is_empty());
    assert_eq!(
        get(
            &server.url("/v1/proofs/consistency?first=5&second=2"),
            "application/json"
        )
        .status,
        400
    );

    // Checkpoint as C2SP text.
    let t = get(&server.url("/v1/checkpoint"), "text/plain");
    assert!(t.ctype.starts_with("text/plain"));
    Checkpoint::verify(&t.text(), &vkey).unwrap();

    // Actors, documents.
    let actors = get(&server.url("/v1/actors"), "application/json").json();
    assert!(actors
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "LAB-1" && a["roles"][0] == "lab"));
    assert_eq!(
        get(&server.url("/v1/actors/LAB-1"), "application/json").json()["keys"][0]["key"],
        w.lab.public_key()
    );
    let d = get(&server.url("/v1/documents/order/ORD-1"), "application/json");
    assert_eq!(d.status, 200, "{}", d.text());
    assert_eq!(d.json()["entries"].as_array().unwrap().len(), 2);
    assert_eq!(
        get(&server.url("/v1/documents/invoice/1"), "application/json").status,
        400
    );

    // The resolver: page, linkset, QR, 404, canonical redirect.
    let page = get(&server.url(&format!("/{unit}")), "text/html");
    assert_eq!(page.status, 200);
    assert!(page.ctype.starts_with("text/html"));
    assert!(page.text().contains("Alishan oolong 150 g") && page.text().contains("sy-status"));
    let ls = get(&server.url(&format!("/{unit}")), "application/linkset+json");
    assert_eq!(ls.status, 200);
    assert!(ls.json()["linkset"][0]["anchor"]
        .as_str()
        .unwrap()
        .ends_with(&unit));
    let qr = get(&server.url(&format!("/{unit}/qr.svg")), "*/*");
    assert_eq!(qr.ctype, "image/svg+xml");
    assert!(qr.text().contains("<svg"));
    let nf = get(&server.url(&format!("/01/{GTIN}/10/NOPE")), "text/html");
    assert_eq!(nf.status, 404);
    assert!(nf.text().contains("Item not found") || nf.text().contains("未找到"));
    assert_eq!(
        get(
            &server.url(&format!("/01/{GTIN}/10/NOPE")),
            "application/json"
        )
        .status,
        404
    );

    // Evidence bundle and `suyuan verify --server`.
    let bundle = get(
        &server.url(&format!("/v1/bundle/{unit}")),
        "application/json",
    )
    .json();
    assert!(suyuan_core::bundle::verify(&bundle, &vkey).ok());
    let verify = |log_key: &str| {
        SUYUAN.run(&[
            "verify",
            "--server",
            &server.base,
            "--item",
            &unit,
            "--log-key",
            log_key,
        ])
    };
    let out = verify(cp_now["verifier_key"].as_str().unwrap());
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let wrong = verify(&w.producer.public_key());
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "a wrong pinned key fails verification"
    );

    // Operations.
    let health = get(&server.url("/healthz"), "application/json");
    assert_eq!(health.status, 200);
    // The background pass over a small store is done long before this point.
    let health = health.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["cache"], "warm", "{health}");
    let oa = get(&server.url("/openapi.json"), "application/json").json();
    assert!(oa["paths"]["/v1/events"]["post"].is_object());
    assert!(oa["components"]["schemas"]["ReceiptBody"].is_object());
    let m = get(&server.url("/metrics"), "text/plain").text();
    for name in [
        "suyuan_submissions_total",
        "suyuan_commit_seconds",
        "suyuan_commit_batch_size",
        "suyuan_log_entries",
        "suyuan_refusals_total",
    ] {
        assert!(m.contains(name), "metrics lack {name}");
    }

    // Graceful stop, then a full audit of the store.
    let st = server.stop();
    assert!(st.success(), "serve exits cleanly on SIGTERM: {st:?}");
    let out = w.verify();
    assert!(out.starts_with("OK"), "{out}");
}

#[test]
fn every_error_code() {
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);
    let url = server.url("/v1/events");
    let before = size(&server);
    let check = |r: Resp, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.code(), code, "{}", r.text());
        assert!(r.json()["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        r
    };

    // 401: the signature does not verify.
    let mut bad = w.production("L2", "p-bad-sig");
    bad["event"]["body"]["facility"] = json!("Another factory");
    let r = check(post(&url, &bad), 401, "bad_signature");
    assert_eq!(r.json()["error"]["field"], "signature");
    // 403: unknown actor, wrong role.
    let stranger = Party::new("STRANGER", "CN", &[]);
    let ev = event(
        &stranger,
        "review",
        "r1",
        json!([format!("01/{GTIN}/10/L1")]),
        json!({"kind": "rating", "rating": 5, "order_no": "NO-ORDER"}),
    );
    check(
        post(&url, &stranger.sign(ev).to_json()),
        403,
        "unknown_actor",
    );
    let mut ev = w.production_event("X1", "lab-prod");
    ev["actor"] = json!(w.lab.id);
    ev["key"] = json!(w.lab.public_key());
    check(post(&url, &w.lab.sign(ev).to_json()), 403, "wrong_role");
    // 403: a key not registered to the actor.
    let mut imp = w.production_event("X2", "imp");
    imp["key"] = json!(w.lab.public_key());
    let signed = suyuan_format::event::SignedEvent::sign(imp, &w.lab.key)
        .unwrap()
        .to_json();
    check(post(&url, &signed), 403, "key_not_registered");
    // 409: a client id reused for other content.
    let first = w.production("L3", "p-L3");
    assert_eq!(post(&url, &first).status, 200);
    let before = before + 1;
    check(
        post(&url, &w.production("L4", "p-L3")),
        409,
        "client_id_reused",
    );
    // The signature comes first: a forged submission under a stored client id, for the
    // same or other content, learns nothing about it (401, not 200 or 409).
    for mut forged in [first.clone(), w.production("L4", "p-L3")] {
        forged["signature"] = bad["signature"].clone();
        check(post(&url, &forged), 401, "bad_signature");
    }
    // A retry must be the same submission: a stray private part is refused, not ignored.
    let mut stray = first.clone();
    stray["private"] = json!({"fields": {"price": "1"}, "salt": "00".repeat(32)});
    check(post(&url, &stray), 422, "private_part");
    assert_eq!(post(&url, &first).status, 200, "the plain retry");
    // 422: invalid event, naming the field.
    let mut ev = w.production_event("X3", "p-inv");
    ev["body"].as_object_mut().unwrap().remove("facility");
    let r = check(post(&url, &w.producer.sign_raw(ev.clone())), 422, "invalid");
    assert!(
        r.json()["error"]["field"]
            .as_str()
            .unwrap()
            .contains("body"),
        "{}",
        r.text()
    );
    ev["body"]["facility"] = json!("f");
    ev["body"]["weight"] = json!(1.5);
    check(
        post(&url, &json!({"event": ev, "signature": "AAAA"})),
        422,
        "invalid",
    );
    // 422: future time, missing reference.
    let mut fut = w.production_event("X4", "p-fut");
    fut["time"] = json!(time_ago(-7200));
    check(
        post(&url, &w.producer.sign(fut).to_json()),
        422,
        "future_time",
    );
    let r = check(
        post(
            &url,
            &w.logistics(
                &format!("01/{GTIN}/10/L3/21/1"),
                "NO-SUCH-ORDER",
                "ship-x",
                "picked_up",
            ),
        ),
        422,
        "missing_reference",
    );
    assert_eq!(r.json()["error"]["field"], "body.order_no");
    // 422: private part that does not match (no private_digest in the event).
    let mut with_private = w.production("L5", "p-priv");
    with_private["private"] = json!({"fields": {"price": "1"}, "salt": "00".repeat(32)});
    check(post(&url, &with_private), 422, "private_part");
    // 413: an entry over 64 KiB.
    let mut big = w.production_event("X5", "p-big");
    big["body"]["certifications"] = json!(vec!["茶".repeat(2000); 12]);
    check(
        post(&url, &w.producer.sign(big).to_json()),
        413,
        "too_large",
    );
    // Batch: per-event statuses.
    let r = post(
        &server.url("/v1/events/batch"),
        &json!([w.production("L6", "p-L6"), bad]),
    );
    assert_eq!(r.status, 200);
    let b = r.json();
    assert_eq!(
        (b["accepted"].as_u64(), b["refused"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(b["results"][1]["status"], 401);
    assert_eq!(b["results"][1]["error"]["code"], "bad_signature");
    assert_eq!(
        size(&server),
        before + 1,
        "only the accepted events were stored"
    );

    // 503: a submission whose body arrives after shutdown began is refused.
    let body = w.production("L7", "p-late").to_string();
    let (head, tail) = body.split_at(body.len() / 2);
    let addr = server.base.trim_start_matches("http://").to_string();
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(s, "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{head}", body.len()).unwrap();
    s.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let pid = server.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    s.write_all(tail.as_bytes()).unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    assert!(resp.starts_with("HTTP/1.1 503"), "{resp}");
    assert!(resp.contains("shutting_down"), "{resp}");
    let st = server.stop();
    assert!(st.success());
    let server = w.start();
    assert_eq!(size(&server), before + 1, "nothing stored on any error");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);
    assert_eq!(
        post(&server.url("/v1/events"), &w.production("L1", "p-1")).status,
        200
    );
    let before = get(&server.url("/v1/checkpoint"), "text/plain").text();
    let url = server.url("/v1/events");
    let batch = server.url("/v1/events/batch");
    let good = w.production("L9", "p-9").to_string();

    let cases: Vec<(&str, Resp, u16, &str)> = vec![
        (
            "malformed JSON",
            post_raw(&url, "application/json", b"{\"event\": {"),
            400,
            "malformed",
        ),
        (
            "not JSON at all",
            post_raw(&url, "application/json", b"hello"),
            400,
            "malformed",
        ),
        (
            "trailing garbage",
            post_raw(&url, "application/json", format!("{good} x").as_bytes()),
            400,
            "malformed",
        ),
        (
            "wrong content type",
            post_raw(&url, "text/plain", good.as_bytes()),
            415,
            "unsupported_media_type",
        ),
        (
            "form content type",
            post_raw(&url, "application/x-www-form-urlencoded", good.as_bytes()),
            415,
            "unsupported_media_type",
        ),
        (
            "no content type",
            finish_no_ctype(&url, good.as_bytes()),
            415,
            "unsupported_media_type",
        ),
        (
            "latin-1 charset",
            post_raw(
                &url,
                "application/json; charset=iso-8859-1",
                good.as_bytes(),
            ),
            415,
            "unsupported_media_type",
        ),
        (
            "invalid UTF-8",
            post_raw(
                &url,
                "application/json",
                b"{\"event\": \"\xff\xfe\", \"signature\": \"x\"}",
            ),
            400,
            "malformed",
        ),
        (
            // The server reads the rest before answering, so the client always gets
            // the answer (no reset while it is still sending): one attempt.
            "oversized body",
            post_raw(&url, "application/json", &vec![b' '; 300 * 1024]),
            413,
            "too_large",
        ),
        (
            "unknown field",
            post(&url, &{
                let mut v: Value = serde_json::from_str(&good).unwrap();
                v["extra"] = json!(1);
                v
            }),
            422,
            "invalid",
        ),
        (
            "unknown event field",
            post(&url, &{
                let mut v: Value = serde_json::from_str(&good).unwrap();
                v["event"]["colour"] = json!("red");
                v
            }),
            422,
            "invalid",
        ),
        (
            "array to single",
            post(&url, &json!([1, 2])),
            422,
            "invalid",
        ),
        (
            "deep nesting",
            post_raw(
                &url,
                "application/json",
                format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).as_bytes(),
            ),
            422,
            "invalid",
        ),
        (
            "deep nesting in the event",
            post_raw(
                &url,
                "application/json",
                format!(
                    r#"{{"signature":"{}==","event":{{"body":{}{}}}}}"#,
                    "A".repeat(86),
                    "[".repeat(10_000),
                    "]".repeat(10_000)
                )
                .as_bytes(),
            ),
            422,
            "invalid",
        ),
        (
            "a member named twice in the event",
            post_raw(
                &url,
                "application/json",
                format!(
                    r#"{{"signature":"{}==","event":{{"type":"review","type":"recall"}}}}"#,
                    "A".repeat(86)
                )
                .as_bytes(),
            ),
            422,
            "invalid",
        ),
        (
            "huge batch",
            post(
                &batch,
                &Value::Array(vec![serde_json::from_str(&good).unwrap(); 1001]),
            ),
            413,
            "too_large",
        ),
        ("empty batch", post(&batch, &json!([])), 422, "invalid"),
        (
            "batch with one invalid",
            post(
                &batch,
                &json!([serde_json::from_str::<Value>(&good).unwrap(), {"event": {}, "signature": "x"}]),
            ),
            422,
            "invalid",
        ),
        (
            "object to batch",
            post(&batch, &serde_json::from_str(&good).unwrap()),
            422,
            "invalid",
        ),
        (
            "null",
            post_raw(&url, "application/json", b"null"),
            422,
            "invalid",
        ),
    ];
    for (what, r, status, code) in cases {
        assert_eq!(r.status, status, "{what}: {}", r.text());
        assert_eq!(r.code(), code, "{what}: {}", r.text());
    }
    let r = post(
        &batch,
        &json!([serde_json::from_str::<Value>(&good).unwrap(), {"event": {}, "signature": "x"}]),
    );
    assert_eq!(
        r.json()["error"]["field"]
            .as_str()
            .unwrap()
            .split('.')
            .next(),
        Some("[1]"),
        "{}",
        r.text()
    );

    // Path traversal and junk in item paths: a clear 4xx, never a file or a 5xx.
    for path in [
        "/01/../../etc/passwd",
        "/01/%2e%2e/%2e%2e/etc/passwd",
        "/00/..%2f..%2fetc%2fpasswd",
        "/01/04710000000011/10/..%2F..%2Fetc%2Fpasswd/21/x",
        "/01/04710000000011/10/%00",
        "/01/04710000000012",
        "/01/04710000000011/22/x",
        "/v1/history/../../etc/passwd",
        "/v1/history/01%2F..%2F..%2Fetc%2Fpasswd",
        "/v1/bundle/..%2f..%2fCargo.toml",
        "/v1/entries/..%2f..",
        "/../../../etc/passwd",
    ] {
        for accept in ["text/html", "application/json"] {
            let (status, text) = raw_get(&server.base, path, accept);
            assert!(
                (400..500).contains(&status),
                "{path} ({accept}): {status}\n{text}"
            );
            assert!(!text.contains("root:x:0"), "{path} leaked a file");
        }
    }
    // Query junk.
    for path in [
        "/v1/proofs/inclusion?seq=-1",
        "/v1/proofs/inclusion?seq=1&hash=zz",
        "/v1/proofs/inclusion?seq=1&size=999999",
        "/v1/proofs/consistency?first=x",
    ] {
        let (status, text) = raw_get(&server.base, path, "application/json");
        assert_eq!(status, 400, "{path}: {text}");
    }

    let after = get(&server.url("/v1/checkpoint"), "text/plain").text();
    assert_eq!(before, after, "the store is unchanged");
    let st = server.stop();
    assert!(st.success());
    assert!(w.verify().starts_with("OK"));
}

fn finish_no_ctype(url: &str, body: &[u8]) -> Resp {
    let base = url.trim_end_matches("/v1/events");
    let mut req = format!(
        "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    let (status, text) = raw(base, &req);
    let body = text
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or("")
        .as_bytes()
        .to_vec();
    Resp {
        status,
        ctype: String::new(),
        body,
    }
}

#[test]
fn concurrent_submitters_share_group_commits() {
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);
    let clients = 16;
    let per_client = 20;
    let events: Vec<Vec<Value>> = (0..clients)
        .map(|c| {
            (0..per_client)
                .map(|i| w.production(&format!("C{c}N{i}"), &format!("p-{c}-{i}")))
                .collect()
        })
        .collect();
    let url = server.url("/v1/events");
    let receipts: Vec<Receipt> = std::thread::scope(|s| {
        let handles: Vec<_> = events
            .iter()
            .map(|evs| {
                let url = url.clone();
                s.spawn(move || {
                    evs.iter()
                        .map(|ev| {
                            let r = post(&url, ev);
                            assert_eq!(r.status, 200, "{}", r.text());
                            serde_json::from_value::<Receipt>(r.json()["receipt"].clone()).unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let key = LogKey::parse(&w.log_key).unwrap();
    let mut seqs: Vec<u64> = receipts
        .iter()
        .map(|r| {
            r.verify(&key.key).unwrap();
            r.seq
        })
        .collect();
    seqs.sort();
    seqs.dedup();
    assert_eq!(
        seqs.len(),
        clients * per_client,
        "every submission has its own entry"
    );
    let m = get(&server.url("/metrics"), "text/plain").text();
    let metric = |name: &str| -> f64 {
        m.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .unwrap()
            .parse()
            .unwrap()
    };
    let (sum, count) = (
        metric("suyuan_commit_batch_size_sum"),
        metric("suyuan_commit_batch_size_count"),
    );
    eprintln!("{sum} submissions in {count} group commits");
    assert!(
        count < sum,
        "concurrent submissions shared group commits ({sum} in {count})"
    );
    let st = server.stop();
    assert!(st.success());
    assert!(w.verify().starts_with("OK"));
}
