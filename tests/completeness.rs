//! Completeness end to end (docs/FORMAT.md §5.1): a server that leaves entries out of an
//! item's story, or denies an item it holds, is caught by `suyuan verify --server`; one
//! that proves an unknown item absent is believed; and a log that signs a wrong head map
//! root is caught by the audit of its export.

mod common;

use common::SUYUAN;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::heads::{key_hash, HeadIndex};
use suyuan_testkit::cli::{stderr, stdout};
use suyuan_testkit::http::{get, Server};
use suyuan_testkit::scenario;

const RECALLED_UNIT: &str = "01/04713372005080/10/GM260511/21/00001";

/// What the lying server does to bundles; everything else it forwards as it is.
#[derive(Clone, Copy)]
enum Lie {
    /// Answers 404 for every bundle.
    DenyItem,
    /// Serves bundles without their recall entries (the rest, head proofs included,
    /// untouched).
    DropRecall,
}

/// A server in front of the honest one on loopback that lies about bundles.
fn lying_server(upstream: String, lie: Lie) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let upstream = upstream.clone();
            std::thread::spawn(move || answer(conn, &upstream, lie));
        }
    });
    format!("http://{addr}")
}

fn answer(mut conn: TcpStream, upstream: &str, lie: Lie) {
    let mut request = String::new();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    reader.read_line(&mut request).unwrap();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
    }
    let target = request.split(' ').nth(1).unwrap_or("/").to_string();
    let honest = get(&format!("{upstream}{target}"), "application/json");
    let (status, body) = match (target.starts_with("/v1/bundle/"), lie) {
        (true, Lie::DenyItem) => (
            404,
            r#"{"error":{"code":"unknown_item","message":"item is not in the log"}}"#.to_string(),
        ),
        (true, Lie::DropRecall) => {
            let mut bundle: Value = serde_json::from_str(&honest.text()).unwrap();
            bundle["entries"]
                .as_array_mut()
                .unwrap()
                .retain(|e| !e["entry"].as_str().unwrap().contains(r#""type":"recall""#));
            (200, bundle.to_string())
        }
        _ => (honest.status, honest.text()),
    };
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn verify_server(server: &str, item: &str, log_key: &str) -> (Option<i32>, String) {
    let out = SUYUAN.run(&[
        "verify",
        "--server",
        server,
        "--item",
        item,
        "--log-key",
        log_key,
    ]);
    (
        out.status.code(),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn servers_that_leave_entries_out_are_caught_and_absence_is_proven() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let key = LogKey::parse(&log_key).unwrap();
    let server = Server::start(SUYUAN, &store);

    // The honest server: the item verifies; its chain's head is proven and matches.
    let (code, said) = verify_server(&server.base, RECALLED_UNIT, &log_key);
    assert_eq!(code, Some(0), "{said}");
    let head = get(
        &server.url(&format!("/v1/proofs/head?index=chain&key={RECALLED_UNIT}")),
        "application/json",
    )
    .json();
    let cp = Checkpoint::verify(head["checkpoint"].as_str().unwrap(), &key).unwrap();
    let proven: suyuan_format::bundle::ProvenHead =
        serde_json::from_value(head["head"].clone()).unwrap();
    let (_, proof) = proven.proof().unwrap();
    let h = proof
        .verify(&key_hash(HeadIndex::Chain, RECALLED_UNIT), &cp.heads)
        .unwrap()
        .expect("the unit has entries");
    let bundle = get(
        &server.url(&format!("/v1/bundle/{RECALLED_UNIT}")),
        "application/json",
    )
    .json();
    let on_chain: Vec<u64> = bundle["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["entry"]
                .as_str()
                .unwrap()
                .contains(&format!("\"{RECALLED_UNIT}\":"))
        })
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(h.count, on_chain.len() as u64);
    assert_eq!(Some(h.last), on_chain.iter().max().copied());

    // An item the log does not know: proven absent, and still not verified.
    let unknown = "01/04713372005080/10/GM260511/21/99999";
    let (code, said) = verify_server(&server.base, unknown, &log_key);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("is not in the log: the head map of the checkpoint"),
        "{said}"
    );

    // A server that denies an item it holds.
    let denying = lying_server(server.base.clone(), Lie::DenyItem);
    let (code, said) = verify_server(&denying, RECALLED_UNIT, &log_key);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("the server withholds them"), "{said}");

    // A server that leaves the recall out of the bundle.
    let dropping = lying_server(server.base.clone(), Lie::DropRecall);
    let (code, said) = verify_server(&dropping, RECALLED_UNIT, &log_key);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("01/04713372005080/10/GM260511 has 5 entries")
            && said.contains("entries are missing"),
        "{said}"
    );
    server.stop();
}

#[test]
fn a_checkpoint_signing_a_wrong_head_map_root_fails_the_audit() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let export = tmp.path().join("log.jsonl");
    assert!(SUYUAN.export(&store, &export).status.success());
    let text = std::fs::read_to_string(&export).unwrap();
    // The operator's own key re-signs the last checkpoint over another head map root,
    // as a log hiding the recall from its map would.
    let secret = suyuan_store::read_key_file(&store.join("log.key")).unwrap();
    let key = LogKey::parse(&log_key).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let last: Value = serde_json::from_str(lines.last().unwrap()).unwrap();
    let cp = Checkpoint::verify(last["checkpoint"].as_str().unwrap(), &key).unwrap();
    let mut wrong = cp.heads;
    wrong.0[0] ^= 1;
    let forged = Checkpoint::sign(&cp.origin, cp.size, cp.root, Digest(wrong.0), &secret);
    *lines.last_mut().unwrap() = serde_json::json!({ "checkpoint": forged.note }).to_string();
    let forged_export = tmp.path().join("forged.jsonl");
    std::fs::write(&forged_export, lines.join("\n") + "\n").unwrap();
    let verify_export = |path: &std::path::Path| {
        SUYUAN.run(&[
            "verify",
            "--export",
            path.to_str().unwrap(),
            "--log-key",
            &log_key,
        ])
    };
    let out = verify_export(&forged_export);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "the checkpoint of size {} signs a head map root the entries do not give",
            cp.size
        )),
        "{}",
        stdout(&out)
    );
    // The honest export verifies.
    let out = verify_export(&export);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}
