//! `suyuan bench trace`: forward trace and recall scope of a lot that reached
//! `--parcels` parcels, in a store of `--entries` entries, and an item's history beside
//! them, each measured several times; reported with an Ed25519 verify loop measured in
//! the same run as the baseline (parcels traced per second over verifies per second).

use crate::workload;
use anyhow::{bail, Context};
use std::process::ExitCode;
use std::time::Instant;
use suyuan_core::trace::{trace, Direction};
use suyuan_format::keys::EVENT_CONTEXT;
use suyuan_store::Ledger;

pub fn run(
    entries: usize,
    parcels: usize,
    keep: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    let lot_entries = 1 + 3 * parcels;
    if parcels == 0 || entries < lot_entries + 1000 {
        bail!("bench trace needs --parcels ≥ 1 and --entries ≥ 3 × --parcels + 1,001");
    }
    let tmp = tempfile::tempdir().context("creating a temporary directory")?;
    let dir = keep.map_or_else(|| tmp.path().join("bench"), std::path::Path::to_path_buf);
    let keys = workload::keys();
    let (lot, events) = workload::recalled_lot(parcels, &keys);
    if dir.join(suyuan_store::DB_FILE).exists() {
        eprintln!("reusing the store in {}", dir.display());
    } else {
        eprintln!("building a store of {entries} entries, {parcels} parcels of one lot…");
        let t0 = Instant::now();
        crate::commands::bench_serve::build_store(&dir, entries - lot_entries, &keys)?;
        let ledger = Ledger::open(&dir)?;
        workload::append_all(&ledger, events)?;
        eprintln!(
            "store of {} entries built in {:.1} s",
            ledger.size(),
            t0.elapsed().as_secs_f64()
        );
    }
    let ledger = Ledger::open(&dir)?;
    let reader = ledger.read()?;

    // Baseline: single-threaded strict verification.
    let sample = workload::story(10_000_000, &keys);
    let start = Instant::now();
    let mut n = 0usize;
    while start.elapsed().as_secs_f64() < 0.5 {
        for s in &sample {
            s.event
                .key
                .verify(EVENT_CONTEXT, &s.canonical_event, &s.signature)
                .expect("valid");
            n += 1;
        }
    }
    let ed25519_per_s = n as f64 / start.elapsed().as_secs_f64();

    let runs = 3;
    let mut trace_s = Vec::new();
    let mut scope_s = Vec::new();
    let mut reached = 0;
    for _ in 0..runs {
        let t0 = Instant::now();
        let t = trace(&reader, &lot, Direction::Forward)?;
        trace_s.push(t0.elapsed().as_secs_f64());
        let t0 = Instant::now();
        let scope = trace(&reader, &lot, Direction::Forward)?.scope();
        scope_s.push(t0.elapsed().as_secs_f64());
        reached = t.nodes().iter().filter(|n| n.kind == "container").count();
        if reached != parcels || scope.notify.len() != parcels {
            bail!(
                "the trace reached {reached} parcels and {} orders, not {parcels}",
                scope.notify.len()
            );
        }
    }
    let unit = workload::unit(0);
    let t0 = Instant::now();
    let histories = 200;
    for _ in 0..histories {
        suyuan_core::history::history(&reader, &unit)?;
    }
    let history_ms = t0.elapsed().as_secs_f64() * 1000.0 / histories as f64;
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let worst = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    eprintln!(
        "forward trace of {lot} ({reached} parcels, {} entries): {:.3}–{:.3} s; recall scope {:.3}–{:.3} s; an item's history {history_ms:.3} ms; single verify {ed25519_per_s:.0}/s",
        ledger.size(),
        best(&trace_s),
        worst(&trace_s),
        best(&scope_s),
        worst(&scope_s),
    );
    println!(
        "trace_s={:.3} scope_s={:.3} history_ms={history_ms:.3} ed25519_verify_per_s={ed25519_per_s:.0} trace_ratio={:.2}",
        best(&trace_s),
        best(&scope_s),
        parcels as f64 / best(&trace_s) / ed25519_per_s
    );
    Ok(ExitCode::SUCCESS)
}
