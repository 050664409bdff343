//! Crash test: `suyuan serve` under concurrent HTTP submissions is killed with SIGKILL;
//! after a restart every entry whose receipt a client received is present, byte for
//! byte, and `suyuan verify --data` passes.

mod common;

use common::SUYUAN;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use suyuan_format::receipt::Receipt;
use suyuan_testkit::http::{get, size};
use suyuan_testkit::world::World;

#[test]
fn sigkill_under_concurrent_submissions_loses_no_receipted_entry() {
    let w = World::create(SUYUAN);
    let mut server = Some(w.start());
    w.register_all(server.as_ref().unwrap());
    let receipts: Mutex<Vec<Receipt>> = Mutex::new(Vec::new());
    let rounds = 3;
    let clients = 12;
    for round in 0..rounds {
        let stop = AtomicBool::new(false);
        let url = server.as_ref().unwrap().url("/v1/events");
        let before = receipts.lock().unwrap().len();
        std::thread::scope(|s| {
            for c in 0..clients {
                let (url, stop, receipts, w) = (&url, &stop, &receipts, &w);
                s.spawn(move || {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(10))
                        .build();
                    let mut i = 0;
                    while !stop.load(Ordering::SeqCst) && i < 10_000 {
                        let ev = w.production(
                            &format!("R{round}C{c}N{i}"),
                            &format!("p-{round}-{c}-{i}"),
                        );
                        i += 1;
                        match agent
                            .post(url)
                            .set("Content-Type", "application/json")
                            .send_string(&ev.to_string())
                        {
                            Ok(resp) => {
                                let v: serde_json::Value =
                                    serde_json::from_str(&resp.into_string().unwrap()).unwrap();
                                let r: Receipt =
                                    serde_json::from_value(v["receipt"].clone()).unwrap();
                                receipts.lock().unwrap().push(r);
                            }
                            Err(ureq::Error::Status(code, resp)) => {
                                panic!(
                                    "unexpected refusal {code}: {}",
                                    resp.into_string().unwrap_or_default()
                                )
                            }
                            // The server died under us: this submission has no receipt.
                            Err(_) => break,
                        }
                    }
                });
            }
            // Let submissions flow, then kill -9 mid-stream.
            let start = Instant::now();
            while receipts.lock().unwrap().len() < before + 150
                && start.elapsed() < Duration::from_secs(30)
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            std::thread::sleep(Duration::from_millis(100 + 150 * round as u64));
            server.take().unwrap().kill9();
            stop.store(true, Ordering::SeqCst);
        });
        let got = receipts.lock().unwrap().len();
        assert!(
            got > before,
            "round {round}: some submissions were receipted"
        );
        // Restart: every receipted entry is there, exactly as receipted.
        let restarted = w.start();
        for r in receipts.lock().unwrap().iter() {
            let e = get(
                &restarted.url(&format!("/v1/entries/{}", r.seq)),
                "application/json",
            );
            assert_eq!(
                e.status, 200,
                "receipted entry {} is missing after the crash",
                r.seq
            );
            let e = e.json();
            assert_eq!(
                e["entry_hash"],
                r.entry_hash.as_str(),
                "entry {} differs from its receipt",
                r.seq
            );
            assert_eq!(e["leaf_hash"], r.leaf_hash.as_str());
        }
        eprintln!(
            "round {round}: {} receipts so far, all present; log size {}",
            got,
            size(&restarted)
        );
        server = Some(restarted);
    }
    let st = server.take().unwrap().stop();
    assert!(st.success());
    let out = w.verify();
    assert!(out.starts_with("OK"), "{out}");
}
