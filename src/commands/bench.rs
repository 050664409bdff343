//! `suyuan bench ingest`: group-commit ingest and a full audit of N fixture-shaped
//! events, each measured against a single-threaded ed25519 verify loop run in the same
//! process, so the ratios hold across machines.

use crate::commands::verify::verify_data;
use anyhow::{bail, Context};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use suyuan_ledger::event::SignedEvent;
use suyuan_ledger::keys::{SecretKey, EVENT_CONTEXT};
use suyuan_ledger::{Ledger, RegistrarSpec, Submission};

const GTIN: &str = "04710000000011";
/// Submissions per group commit, as a busy server would gather them.
const GROUP: usize = 1024;
/// Concurrent submitters.
const SUBMITTERS: usize = 3;

struct Actor {
    id: &'static str,
    role: &'static str,
    key: SecretKey,
}

fn actors() -> Vec<Actor> {
    [
        ("TW-PRODUCER-1", "producer"),
        ("TW-LAB-1", "lab"),
        ("CN-PLATFORM-1", "platform"),
        ("CN-PAY-1", "payment"),
        ("CN-CARRIER-1", "carrier"),
        ("CN-CUSTOMS-3511", "customs"),
        ("CONSUMER-1", "consumer"),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (id, role))| Actor {
        id,
        role,
        key: SecretKey::from_seed(&[i as u8 + 1; 32]),
    })
    .collect()
}

fn event(a: &Actor, client_id: String, kind: &str, time: &str, items: Value, body: Value) -> Value {
    json!({"type": kind, "client_id": client_id, "actor": a.id, "key": a.key.public().to_string(),
           "time": time, "what": {"items": items}, "where": {"country": "CN", "place": "Pingtan, Fujian"}, "body": body})
}

/// The k-th story: one lot produced, tested, sold, paid, shipped, cleared and reviewed.
fn story(k: usize, a: &[Actor]) -> Vec<(usize, Value)> {
    let lot = format!("01/{GTIN}/10/B{k}");
    let unit = format!("{lot}/21/{k}");
    let (order, pay, bill) = (format!("O{k}"), format!("P{k}"), format!("W{k}"));
    let t = |h: usize| {
        format!(
            "2026-06-{:02}T{:02}:{:02}:00+08:00",
            1 + k % 28,
            8 + h,
            k % 60
        )
    };
    let cny = |v: &str| json!({"amount": v, "currency": "CNY"});
    let commitment = "5f2b3c6a8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192";
    let mut prod = event(
        &a[0],
        format!("p{k}"),
        "production",
        &t(0),
        json!([lot]),
        json!({"product": "Alishan high-mountain oolong 150 g", "produced": "2026-05-20", "expiry": "2028-05-19",
               "origin": "Alishan, Chiayi County", "facility": "Shizhuo tea factory"}),
    );
    prod["what"]["quantity"] = json!({"value": "1200", "uom": "H87"});
    let logistics = |i: usize, status: &str, place: &str, temp: &str| {
        event(
            &a[4],
            format!("l{k}-{i}"),
            "logistics",
            &t(5 + i),
            json!([unit]),
            json!({"waybill_no": bill, "order_no": order, "status": status, "mode": "sea",
                     "location": place, "temperature": {"value": temp, "uom": "CEL"}}),
        )
    };
    vec![
        (0, prod),
        (
            1,
            event(
                &a[1],
                format!("i{k}"),
                "inspection",
                &t(1),
                json!([lot]),
                json!({"lab": "Taichung Food Testing Lab", "standard": "GB 2763-2021", "sample": format!("S{k}"),
                   "report_no": format!("R{k}"), "report_hash": "9f2c".repeat(16), "verdict": "pass",
                   "results": [{"analyte": "chlorpyrifos", "value": "0.01", "limit": "0.1", "unit": "mg/kg", "below_loq": true},
                               {"analyte": "fipronil", "value": "0.002", "limit": "0.02", "unit": "mg/kg"}]}),
            ),
        ),
        (
            2,
            event(
                &a[2],
                format!("o{k}"),
                "trade",
                &t(2),
                json!([unit]),
                json!({"order_no": order, "trade_mode": "9610", "seller": "TW-PRODUCER-1", "buyer_commitment": commitment,
                   "lines": [{"gtin": GTIN, "description": "oolong tea 150 g", "hs_code": "0902300000", "quantity": "1", "unit_price": cny("368.00")}],
                   "goods": cny("368.00"), "freight": cny("20.00"), "tax": cny("35.69"), "total": cny("423.69")}),
            ),
        ),
        (
            3,
            event(
                &a[3],
                format!("y{k}"),
                "payment",
                &t(3),
                json!([]),
                json!({"payment_no": pay, "order_no": order, "payer_commitment": commitment, "amount": cny("423.69"), "status": "paid"}),
            ),
        ),
        (4, logistics(0, "picked_up", "Taichung Port", "21.5")),
        (4, logistics(1, "in_transit", "Taiwan Strait", "22.0")),
        (
            5,
            event(
                &a[5],
                format!("c{k}"),
                "clearance",
                &t(7),
                json!([unit]),
                json!({"declaration_no": format!("D{k}"), "customs_office": "3511 Pingtan Customs", "direction": "import",
                   "trade_mode": "9610", "hs_code": "0902300000", "status": "released",
                   "order_no": order, "payment_no": pay, "waybill_no": bill}),
            ),
        ),
        (4, logistics(2, "delivered", "Fuzhou", "20.0")),
        (
            6,
            event(
                &a[6],
                format!("r{k}"),
                "review",
                &t(12),
                json!([unit]),
                json!({"kind": "rating", "rating": 5, "text": "香气清雅，回甘明显", "lang": "zh-Hans", "order_no": order}),
            ),
        ),
    ]
}

pub fn ingest(n: usize, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let tmp;
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => {
            tmp = tempfile::tempdir().context("creating a temporary directory")?;
            tmp.path().join("bench")
        }
    };
    if dir.exists() {
        bail!(
            "{} already exists; bench builds a fresh store",
            dir.display()
        );
    }
    let registrar = SecretKey::from_seed(&[0xAA; 32]);
    let ledger = Ledger::init(
        &dir,
        Some("bench.suyuan.local/log"),
        RegistrarSpec {
            id: "registrar",
            name: "Bench registrar",
            jurisdiction: "CN",
            key: &registrar,
        },
    )?;
    let actors = actors();
    let registrations: Vec<Submission> = actors
        .iter()
        .map(|a| {
            let ev = json!({"type": "registration", "client_id": format!("reg-{}", a.id), "actor": "registrar",
                "key": registrar.public().to_string(), "time": "2026-01-01T00:00:00Z",
                "body": {"action": "register", "subject": a.id, "name": a.id, "jurisdiction": "CN", "roles": [a.role], "keys": [a.key.public().to_string()]}});
            Submission { signed: SignedEvent::sign(ev, &registrar).expect("valid"), private: None }
        })
        .collect();
    for r in ledger.append_batch(registrations)?.results {
        r.map_err(|e| anyhow::anyhow!("bench registration refused: {e}"))?;
    }

    eprintln!("signing {n} events…");
    let per_story = story(0, &actors).len();
    let stories = n.div_ceil(per_story);
    let mut signed: Vec<SignedEvent> = (0..stories)
        .into_par_iter()
        .flat_map_iter(|k| {
            story(k, &actors)
                .into_iter()
                .map(|(who, ev)| {
                    SignedEvent::sign(ev, &actors[who].key).expect("bench events are valid")
                })
                .collect::<Vec<_>>()
        })
        .collect();
    signed.truncate(n);

    // Baseline: plain single-threaded strict verification of the same signatures.
    let sample = signed.len().min(20_000);
    let start = Instant::now();
    for s in &signed[..sample] {
        s.event
            .key
            .verify(EVENT_CONTEXT, &s.canonical_event, &s.signature)
            .expect("valid signature");
    }
    let ed25519_per_s = sample as f64 / start.elapsed().as_secs_f64();

    eprintln!("ingesting {n} events in durable group commits of {GROUP} from {SUBMITTERS} concurrent submitters…");
    let bar = crate::progress::bar(n as u64, "ingest");
    // Whole stories per group, so that no group depends on another still in flight.
    let stories_per_group = GROUP / per_story;
    let groups: Vec<Vec<SignedEvent>> = {
        let mut groups = Vec::new();
        let mut iter = signed.into_iter().peekable();
        while iter.peek().is_some() {
            groups.push(iter.by_ref().take(stories_per_group * per_story).collect());
        }
        groups
    };
    // While one submitter holds the writer, the others verify signatures and sign
    // receipts, as concurrent clients of a server would.
    let queue = std::sync::Mutex::new(groups.into_iter());
    let start = Instant::now();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let workers: Vec<_> = (0..SUBMITTERS)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    loop {
                        let Some(group) = queue.lock().expect("queue").next() else {
                            return Ok(());
                        };
                        let len = group.len() as u64;
                        let subs = group
                            .into_iter()
                            .map(|signed| Submission {
                                signed,
                                private: None,
                            })
                            .collect();
                        for r in ledger.append_batch(subs)?.results {
                            r.map_err(|e| anyhow::anyhow!("bench event refused: {e}"))?;
                        }
                        bar.inc(len);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().expect("submitter thread")?;
        }
        Ok(())
    })?;
    let ingest_s = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let ingest_per_s = n as f64 / ingest_s;
    drop(ledger);

    eprintln!("auditing the store…");
    let start = Instant::now();
    let report = verify_data(&dir, None)?;
    let verify_s = start.elapsed().as_secs_f64();
    if !report.ok() {
        bail!(
            "the benchmark store failed its audit: {}",
            report.failures[0]
        );
    }
    let verify_per_s = report.entries as f64 / verify_s;
    eprintln!("ingest: {n} events in {ingest_s:.2} s; audit: {} entries in {verify_s:.2} s; single verify: {ed25519_per_s:.0}/s", report.entries);
    println!(
        "ingest_per_s={ingest_per_s:.0} verify_per_s={verify_per_s:.0} ed25519_verify_per_s={ed25519_per_s:.0} ingest_ratio={:.2} verify_ratio={:.2}",
        ingest_per_s / ed25519_per_s,
        verify_per_s / ed25519_per_s
    );
    Ok(ExitCode::SUCCESS)
}
