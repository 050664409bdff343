//! `suyuan bench serve`: see README § Performance.
//!
//! Builds a store of `entries` fixture-shaped entries (with `Ledger::append_batch`
//! directly; or reuses one a previous run left in `--dir`), starts `suyuan serve` on it
//! as a child process on loopback, waits until it reports a warm page cache, and measures
//! from this process, with `clients` concurrent keep-alive HTTP clients (`load.rs`):
//! (a) ingest of signed events over `POST /v1/events` with durable group commit, and
//! (b) `GET /v1/history/{item}` (the consumer JSON history with proofs) of random items.
//! Its last line is
//! `http_ingest_per_s=… history_p50_ms=… history_p99_ms=… history_per_s=… ed25519_verify_per_s=… http_ingest_ratio=…`
//! where the ratio divides ingest by a single-threaded ed25519 verify loop of this run.
//! Before the reads it prints on stderr what share of the cores the host took
//! (`cpu_probe`): on a shared VM, host stalls widen the tail of the read latencies.

use crate::{load, workload};
use anyhow::{bail, Context};
use bytes::Bytes;
use rayon::prelude::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::{SecretKey, EVENT_CONTEXT};

/// Worker threads of the load generator's runtime (the server has the same cores).
const CLIENT_THREADS: usize = 1;

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
    // Units of work, each sent in order by one client: a story's events one by one
    // (each depends on the one before), or a batch of whole stories.
    let units: Vec<Vec<(&'static str, Bytes)>> = if per_request == 1 {
        work.iter()
            .map(|story| {
                story
                    .iter()
                    .map(|e| ("/v1/events", Bytes::from(e.clone())))
                    .collect()
            })
            .collect()
    } else {
        work.chunks(per_request)
            .map(|stories| {
                let events: Vec<&str> = stories.iter().flatten().map(String::as_str).collect();
                vec![(
                    "/v1/events/batch",
                    Bytes::from(format!("[{}]", events.join(","))),
                )]
            })
            .collect()
    };
    let units = Arc::new(units);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    load::run_clients(base, clients, CLIENT_THREADS, |_, mut client| {
        let (units, next) = (units.clone(), next.clone());
        async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(unit) = units.get(i) else {
                    return Ok(());
                };
                for (path, body) in unit {
                    let answer = client.post_json(path, body.clone()).await?;
                    load::expect_ok("ingest", &answer)?;
                    if per_request > 1 && !answer.contains("\"refused\":0") {
                        bail!("ingest: events refused");
                    }
                }
            }
        }
    })?;
    Ok(start.elapsed().as_secs_f64())
}

/// Reads `total` histories of random units of the first `stories` stories from
/// `clients` concurrent clients, each waiting for its answer before the next request.
/// Returns each request's latency in milliseconds.
fn history_reads(
    base: &str,
    clients: usize,
    stories: usize,
    total: usize,
    seed: u64,
) -> anyhow::Result<Vec<f64>> {
    let per_client = total.div_ceil(clients);
    let per_client_latencies =
        load::run_clients(base, clients, CLIENT_THREADS, |c, mut client| async move {
            let mut x = 0x9E37_79B9_7F4A_7C15u64 ^ (seed << 32) ^ (c as u64 + 1);
            let mut out = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let k = (x % stories as u64) as usize;
                let path = format!("/v1/history/{}", workload::unit(k));
                let t = Instant::now();
                let answer = client.get(&path).await?;
                out.push(load::elapsed_ms(t));
                load::expect_ok("history", &answer)?;
                if !answer.contains("\"proof\"") {
                    bail!("history without proofs");
                }
            }
            Ok(out)
        })?;
    Ok(per_client_latencies.into_iter().flatten().collect())
}

/// Waits until the server has filled its page cache (`/healthz` says `"cache": "warm"`), as
/// an operator would before putting it behind a load balancer.
fn wait_for_warm_cache(base: &str) -> anyhow::Result<()> {
    let start = Instant::now();
    loop {
        let health: serde_json::Value = serde_json::from_str(
            &ureq::get(&format!("{base}/healthz"))
                .call()
                .map_err(|e| anyhow::anyhow!("healthz: {e}"))?
                .into_string()?,
        )?;
        if health["cache"] == "failed" {
            bail!("the server could not warm its page cache (see its log)");
        }
        if health["cache"] == "warm" {
            eprintln!(
                "server page cache warm after {:.1} s",
                start.elapsed().as_secs_f64()
            );
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(300) {
            bail!("the server did not warm its cache within 300 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) fn build_store(
    dir: &std::path::Path,
    entries: usize,
    keys: &[SecretKey],
) -> anyhow::Result<usize> {
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
        workload::append_all(&ledger, signed)?;
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

pub fn run(
    entries: usize,
    clients: usize,
    reads: usize,
    keep: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    if entries < 1000 || clients == 0 || reads < clients {
        bail!("bench serve needs --entries ≥ 1000, --clients ≥ 1 and --reads ≥ --clients");
    }
    let tmp = tempfile::tempdir().context("creating a temporary directory")?;
    let dir = keep.map_or_else(|| tmp.path().join("bench"), std::path::Path::to_path_buf);
    let keys = workload::keys();
    let stories = if dir.join(suyuan_store::DB_FILE).exists() {
        let ledger = suyuan_store::Ledger::open(&dir)?;
        let stories =
            (ledger.size() as usize).saturating_sub(workload::SETUP_ENTRIES) / workload::PER_STORY;
        if stories * workload::PER_STORY < entries {
            bail!(
                "{} holds {} entries, fewer than --entries {entries}",
                dir.display(),
                ledger.size()
            );
        }
        eprintln!("reusing the store in {} ({stories} stories)", dir.display());
        stories
    } else {
        eprintln!("building a store of {entries} entries…");
        let t0 = Instant::now();
        let stories = build_store(&dir, entries, &keys)?;
        eprintln!("store built in {:.1} s", t0.elapsed().as_secs_f64());
        stories
    };

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
        wait_for_warm_cache(&base)?;
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

        // What the host leaves of the cores, measured with the server idle: on a shared
        // VM, stalls of a core (invisible to the guest's steal counter) delay every read
        // queued on it and widen the tail of the latencies below.
        eprintln!("{}", crate::cpu_probe::measure(Duration::from_secs(3)));

        // (b) consumer history reads of random units: a short warm-up (the server's
        // caches of complete hash tiles fill), then the measured run.
        let warm_up = history_reads(&base, clients, stories, 2000, 1)?;
        eprintln!(
            "reading {reads} histories with {clients} clients (after {} warm-up reads)…",
            warm_up.len()
        );
        let start = Instant::now();
        let mut latencies = history_reads(&base, clients, stories, reads, 2)?;
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
        "store of {} entries audited OK; {} history reads, ms: min {:.2} p10 {:.2} p50 {:.2} p90 {:.2} p99 {:.2} p99.9 {:.2} max {:.2}",
        audit.entries,
        latencies.len(),
        percentile(&latencies, 0.0),
        percentile(&latencies, 0.10),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.90),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.999),
        percentile(&latencies, 1.0),
    );
    println!(
        "http_ingest_per_s={ingest_per_s:.0} history_p50_ms={:.2} history_p99_ms={:.2} history_per_s={history_per_s:.0} ed25519_verify_per_s={ed25519_per_s:.0} http_ingest_ratio={:.2}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        ingest_per_s / ed25519_per_s
    );
    Ok(ExitCode::SUCCESS)
}
