//! Crash consistency: a `suyuan submit --group` process appending durable groups is killed
//! with SIGKILL at random moments, many times. After each kill the store opens, every
//! entry whose receipt the process printed is there with the receipted hash, and
//! `suyuan verify --data` passes.

mod common;
use common::SUYUAN;
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};
use suyuan_format::receipt::Receipt;
use suyuan_testkit::cli::{stdout, FarmStore};

const EVENTS: usize = 18_000;
/// Files offered to one appender run: enough that a kill usually lands mid-run.
const PER_RUN: usize = 1500;
const KILLS: usize = 12;

#[test]
fn acknowledged_entries_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let farm = FarmStore::create(SUYUAN, tmp.path());
    let store_s = farm.store.to_str().unwrap();

    // Fixture-shaped production events, one lot each.
    let dir = tmp.path().join("events");
    std::fs::create_dir(&dir).unwrap();
    let files: Vec<String> = (0..EVENTS)
        .map(|i| {
            let f = dir.join(format!("{i:05}.json"));
            let event = farm.production(&format!("lot-{i}"), &format!("K{i}"));
            std::fs::write(&f, event.to_string()).unwrap();
            f.to_str().unwrap().to_string()
        })
        .collect();

    let mut acknowledged: Vec<Receipt> = Vec::new();
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next_file = 0;
    let mut killed_mid_run = 0;
    let mut full_run: Option<Duration> = None;
    for round in 0..=KILLS {
        // Each round resubmits from the first file not yet acknowledged (resubmissions of
        // acknowledged events are idempotent) and is killed after a random delay.
        let start_at = next_file.min(EVENTS - 1);
        let mut child = farm
            .submit(40)
            .args(&files[start_at..(start_at + PER_RUN).min(EVENTS)])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .filter_map(|l| serde_json::from_str::<Receipt>(&l).ok())
                .collect::<Vec<_>>()
        });
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        // The first run goes uninterrupted and times a whole run; later ones are killed
        // somewhere within that time, however fast this machine commits.
        let delay = match full_run {
            None => Duration::from_secs(600),
            Some(d) => d.mul_f64(0.05 + 0.85 * (rng % 1000) as f64 / 1000.0),
        };
        let t = Instant::now();
        while t.elapsed() < delay && child.try_wait().unwrap().is_none() {
            std::thread::sleep(Duration::from_millis(1));
        }
        if full_run.is_none() {
            full_run = Some(t.elapsed());
        }
        if child.try_wait().unwrap().is_none() {
            killed_mid_run += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let receipts = reader.join().unwrap();
        next_file = start_at + receipts.len();
        acknowledged.extend(receipts);

        // The store opens, holds every acknowledged entry as receipted, and audits clean.
        let ledger = suyuan_store::Ledger::open(&farm.store)
            .unwrap_or_else(|e| panic!("round {round}: store does not open: {e}"));
        for r in &acknowledged {
            let bytes = ledger
                .entry(r.seq)
                .unwrap()
                .unwrap_or_else(|| panic!("round {round}: acknowledged entry {} lost", r.seq));
            assert_eq!(
                suyuan_format::entry::entry_hash(&bytes).to_hex(),
                r.entry_hash,
                "round {round}: entry {} differs from its receipt",
                r.seq
            );
            r.verify(&ledger.log_public_key()).unwrap();
        }
        drop(ledger);
        let o = SUYUAN.run(&["verify", "--data", store_s, "--log-key", &farm.log_key]);
        assert_eq!(o.status.code(), Some(0), "round {round}: {}", stdout(&o));
    }
    assert!(
        killed_mid_run >= KILLS / 2,
        "only {killed_mid_run} of {KILLS} kills hit a running appender"
    );
    assert!(
        acknowledged.len() > 40,
        "the appender made progress between kills ({} receipts)",
        acknowledged.len()
    );
}
