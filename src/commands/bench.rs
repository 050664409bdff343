//! `suyuan bench ingest`: group-commit ingest and a full audit of N fixture-shaped
//! events, each measured against a single-threaded ed25519 verify loop run in the same
//! process, so the ratios hold across machines.

use crate::commands::verify::verify_data;
use crate::workload;
use anyhow::{bail, Context};
use rayon::prelude::*;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::EVENT_CONTEXT;
use suyuan_store::Submission;

/// Concurrent submitters.
const SUBMITTERS: usize = 3;

pub fn ingest(n: usize, group: usize, dir: Option<&Path>) -> anyhow::Result<ExitCode> {
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
    let keys = workload::keys();
    let ledger = workload::create_store(&dir, &keys)?;

    eprintln!("signing {n} events…");
    let per_story = workload::PER_STORY;
    let stories = n.div_ceil(per_story);
    let mut signed: Vec<SignedEvent> = (0..stories)
        .into_par_iter()
        .flat_map_iter(|k| workload::story(k, &keys))
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

    eprintln!("ingesting {n} events in durable group commits of {group} from {SUBMITTERS} concurrent submitters…");
    let bar = crate::progress::bar(n as u64, "ingest");
    // Whole stories per group, so that no group depends on another still in flight.
    let stories_per_group = (group / per_story).max(1);
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
