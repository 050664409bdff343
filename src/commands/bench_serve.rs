//! `suyuan bench serve`: see README § Performance.
//!
//! Builds a store of `entries` fixture-shaped entries (with `Ledger::append_batch`
//! directly), starts `suyuan serve` on it as a child process on loopback, and measures
//! from this process, with `clients` concurrent HTTP clients:
//! (a) ingest of signed events over `POST /v1/events` with durable group commit, and
//! (b) `GET /v1/history/{item}` (the consumer JSON history with proofs) of random items.
//! Its last line is
//! `http_ingest_per_s=… history_p50_ms=… history_p99_ms=… history_per_s=… ed25519_verify_per_s=… http_ingest_ratio=…`
//! where the ratio divides ingest by a single-threaded ed25519 verify loop of this run.

use crate::workload;
use anyhow::{bail, Context};
use rayon::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use suyuan_ledger::event::SignedEvent;
use suyuan_ledger::keys::{SecretKey, EVENT_CONTEXT};
use suyuan_ledger::Submission;

/// Stories per batch request in the ingest measurement (10 events each).
const STORIES_PER_REQUEST: usize = 5;

/// Submits every story of `work` from `clients` concurrent clients, `per_request`
/// stories per request (1: each event its own `POST /v1/events`; more: one
/// `POST /v1/events/batch` of whole stories). Returns the seconds taken.
fn ingest(
    base: &str,
    clients: usize,
    work: &[Vec<String>],
    per_request: usize,
) -> anyhow::Result<f64> {
    let next = AtomicUsize::new(0);
    let start = Instant::now();
    std::thread::scope(|s| -> anyhow::Result<()> {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let next = &next;
                s.spawn(move || -> anyhow::Result<()> {
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(120))
                        .build();
                    loop {
                        let i = next.fetch_add(per_request, Ordering::Relaxed);
                        if i >= work.len() {
                            return Ok(());
                        }
                        let stories = &work[i..(i + per_request).min(work.len())];
                        if per_request == 1 {
                            for body in &stories[0] {
                                agent
                                    .post(&format!("{base}/v1/events"))
                                    .set("Content-Type", "application/json")
                                    .send_string(body)
                                    .map_err(|e| anyhow::anyhow!("ingest: {e}"))?;
                            }
                        } else {
                            let body = format!(
                                "[{}]",
                                stories
                                    .iter()
                                    .flatten()
                                    .map(String::as_str)
                                    .collect::<Vec<_>>()
                                    .join(",")
                            );
                            let resp = agent
                                .post(&format!("{base}/v1/events/batch"))
                                .set("Content-Type", "application/json")
                                .send_string(&body)
                                .map_err(|e| anyhow::anyhow!("ingest: {e}"))?
                                .into_string()?;
                            if !resp.contains("\"refused\":0") {
                                bail!("ingest: events refused: {}", &resp[..resp.len().min(400)]);
                            }
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().expect("client thread")?;
        }
        Ok(())
    })?;
    Ok(start.elapsed().as_secs_f64())
}

fn build_store(dir: &std::path::Path, entries: usize, keys: &[SecretKey]) -> anyhow::Result<usize> {
    let ledger = workload::create_store(dir, keys)?;
    let stories = entries.div_ceil(workload::PER_STORY);
    let bar = crate::progress::bar(stories as u64, "building store");
    let chunk = 2048; // stories signed, then appended in groups of 1024 entries
    for start in (0..stories).step_by(chunk) {
        let end = (start + chunk).min(stories);
        let signed: Vec<SignedEvent> = (start..end)
            .into_par_iter()
            .flat_map_iter(|k| workload::story(k, keys))
            .collect();
        let mut it = signed.into_iter().peekable();
        while it.peek().is_some() {
            let group: Vec<Submission> = it
                .by_ref()
                .take(1024)
                .map(|signed| Submission {
                    signed,
                    private: None,
                })
                .collect();
            for r in ledger.append_batch(group)?.results {
                r.map_err(|e| anyhow::anyhow!("bench event refused: {e}"))?;
            }
        }
        bar.set_position(end as u64);
    }
    bar.finish_and_clear();
    Ok(stories)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub fn run(entries: usize, clients: usize) -> anyhow::Result<ExitCode> {
    if entries < 1000 || clients == 0 {
        bail!("bench serve needs --entries ≥ 1000 and --clients ≥ 1");
    }
    let tmp = tempfile::tempdir().context("creating a temporary directory")?;
    let dir = tmp.path().join("bench");
    let keys = workload::keys();
    eprintln!("building a store of {entries} entries…");
    let t0 = Instant::now();
    let stories = build_store(&dir, entries, &keys)?;
    eprintln!("store built in {:.1} s", t0.elapsed().as_secs_f64());

    // The events to ingest over HTTP: whole new stories. Enough for several seconds of
    // ingest, so that the server's first-touch costs (its caches filling fresh memory)
    // do not dominate the figure.
    let ingest_stories = (clients * 150).clamp(1500, 12_000);
    let work: Vec<Vec<String>> = (stories..stories + ingest_stories)
        .into_par_iter()
        .map(|k| {
            workload::story(k, &keys)
                .iter()
                .map(|s| s.to_json().to_string())
                .collect()
        })
        .collect();

    // Baseline: single-threaded strict verification.
    let sample: Vec<SignedEvent> = (0..2000)
        .flat_map(|k| workload::story(stories + ingest_stories + k, &keys))
        .collect();
    let start = Instant::now();
    for s in &sample {
        s.event
            .key
            .verify(EVENT_CONTEXT, &s.canonical_event, &s.signature)
            .expect("valid");
    }
    let ed25519_per_s = sample.len() as f64 / start.elapsed().as_secs_f64();

    // The server, in its own process.
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .args(["serve", "--data"])
        .arg(&dir)
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .context("starting suyuan serve")?;
    let stdout = child.stdout.take().expect("piped");
    let mut base = String::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(a) = line.strip_prefix("listening on ") {
            base = a.to_string();
            break;
        }
    }
    let result = (|| -> anyhow::Result<(f64, Vec<f64>, f64)> {
        if base.is_empty() {
            bail!("suyuan serve did not start");
        }
        // (a) ingest: first single-event requests, then batch requests (each a few whole
        // stories), all concurrent and sharing durable group commits.
        let single_stories = (clients * 4).min(work.len() / 4);
        let (single, batched) = work.split_at(single_stories);
        let single_events: usize = single.iter().map(Vec::len).sum();
        eprintln!(
            "ingesting {single_events} events over HTTP, one per request, {clients} clients…"
        );
        let single_per_s = single_events as f64 / ingest(&base, clients, single, 1)?;
        let batch_events: usize = batched.iter().map(Vec::len).sum();
        eprintln!(
            "ingesting {batch_events} events over HTTP, {} per request, {clients} clients…",
            STORIES_PER_REQUEST * workload::PER_STORY
        );
        let ingest_per_s =
            batch_events as f64 / ingest(&base, clients, batched, STORIES_PER_REQUEST)?;
        eprintln!("http ingest: {single_per_s:.0} events/s one per request; {ingest_per_s:.0} events/s in batch requests");

        // (b) consumer history reads of random units.
        let reads_per_client = (4000 / clients).max(50);
        eprintln!(
            "reading {} histories with {clients} clients…",
            reads_per_client * clients
        );
        let start = Instant::now();
        let mut latencies: Vec<f64> = std::thread::scope(|s| -> anyhow::Result<Vec<f64>> {
            let handles: Vec<_> = (0..clients)
                .map(|c| {
                    let base = &base;
                    s.spawn(move || -> anyhow::Result<Vec<f64>> {
                        let agent = ureq::AgentBuilder::new()
                            .timeout(Duration::from_secs(60))
                            .build();
                        let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (c as u64 + 1);
                        let mut out = Vec::with_capacity(reads_per_client);
                        for _ in 0..reads_per_client {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            let k = (x % stories as u64) as usize;
                            let t = Instant::now();
                            let resp = agent
                                .get(&format!("{base}/v1/history/{}", workload::unit(k)))
                                .call()
                                .map_err(|e| anyhow::anyhow!("history: {e}"))?;
                            let body = resp.into_string()?;
                            out.push(t.elapsed().as_secs_f64() * 1000.0);
                            if !body.contains("\"proof\"") {
                                bail!("history without proofs");
                            }
                        }
                        Ok(out)
                    })
                })
                .collect();
            let mut all = Vec::new();
            for h in handles {
                all.extend(h.join().expect("client thread")?);
            }
            Ok(all)
        })?;
        let history_per_s = latencies.len() as f64 / start.elapsed().as_secs_f64();
        latencies.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
        Ok((ingest_per_s, latencies, history_per_s))
    })();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let (ingest_per_s, latencies, history_per_s) = result?;
    let audit = crate::commands::verify::verify_data(&dir, None)?;
    if !audit.ok() {
        bail!(
            "the benchmark store failed its audit: {}",
            audit.failures[0]
        );
    }
    eprintln!(
        "store of {} entries audited OK; {} history reads",
        audit.entries,
        latencies.len()
    );
    println!(
        "http_ingest_per_s={ingest_per_s:.0} history_p50_ms={:.2} history_p99_ms={:.2} history_per_s={history_per_s:.0} ed25519_verify_per_s={ed25519_per_s:.0} http_ingest_ratio={:.2}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        ingest_per_s / ed25519_per_s
    );
    Ok(ExitCode::SUCCESS)
}
