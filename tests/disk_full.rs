//! A full disk: writes are refused with 507 and a reason, reads keep working, `/readyz`
//! reports the write side down, and when space returns writes resume without a restart;
//! nothing acknowledged is lost. The log lives on a small tmpfs of its own (mounting one
//! needs root, which CI has; elsewhere the test says it is skipped).

mod common;

use common::SUYUAN;
use std::path::{Path, PathBuf};
use std::process::Command;
use suyuan_testkit::http::{get, post};
use suyuan_testkit::world::World;

/// A tmpfs of `mb` MiB mounted for the test's lifetime.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(mb: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap().keep();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mb}m"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

/// Fills the filesystem of `dir` with one file, to the last byte it takes.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while f.write_all(&chunk).is_ok() {}
    for _ in 0..64 * 1024 {
        if f.write_all(&[0]).is_err() {
            break;
        }
    }
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_refuses_writes_keeps_reads_and_recovers_without_a_restart() {
    let Some(disk) = SmallDisk::mount(24) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must be able to mount a tmpfs (run as root)"
        );
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let w = World::create_in(SUYUAN, &disk.0);
    let server = w.start();
    w.register_all(&server);
    let url = server.url("/v1/events");
    let mut acked = Vec::new();
    for i in 0..5 {
        let r = post(&url, &w.production(&format!("OK{i}"), &format!("ok-{i}")));
        assert_eq!(r.status, 200, "{}", r.text());
        acked.push(format!("OK{i}"));
    }
    assert_eq!(get(&server.url("/readyz"), "application/json").status, 200);

    let filler = fill(&disk.0);
    // Submissions until the disk refuses one (the store may still have room in pages it
    // already holds).
    let mut refused = None;
    for i in 0..2000 {
        let lot = format!("F{i}");
        let r = post(&url, &w.production(&lot, &format!("full-{i}")));
        match r.status {
            200 => acked.push(lot),
            507 => {
                refused = Some(r);
                break;
            }
            other => panic!("a full disk answered {other}: {}", r.text()),
        }
    }
    let refused = refused.expect("the full disk refused a write");
    assert_eq!(refused.code(), "disk_full", "{}", refused.text());
    assert!(
        refused.text().contains("disk is full"),
        "{}",
        refused.text()
    );
    // The write side is reported down; reads keep working.
    let ready = get(&server.url("/readyz"), "application/json");
    assert_eq!(ready.status, 503, "{}", ready.text());
    assert_eq!(ready.json()["write"], "disk_full", "{}", ready.text());
    for lot in &acked {
        let item = format!("01/{}/10/{lot}", suyuan_testkit::world::GTIN);
        let r = get(
            &server.url(&format!("/v1/history/{item}")),
            "application/json",
        );
        assert_eq!(
            r.status,
            200,
            "reading {item} with the disk full: {}",
            r.text()
        );
    }
    assert_eq!(get(&server.url("/v1/checkpoint"), "text/plain").status, 200);
    // Still full: still refused, still named.
    let r = post(&url, &w.production("STILL", "still-full"));
    assert_eq!(r.status, 507, "{}", r.text());

    // Space returns: writes resume, no restart.
    std::fs::remove_file(filler).unwrap();
    let r = post(&url, &w.production("AFTER", "after-full"));
    assert_eq!(r.status, 200, "after space returned: {}", r.text());
    acked.push("AFTER".into());
    assert_eq!(get(&server.url("/readyz"), "application/json").status, 200);

    // Nothing acknowledged is lost; the store audits clean.
    let st = server.stop();
    assert!(st.success(), "{st:?}");
    let reader = suyuan_store::Reader::open_dir(&w.dir).unwrap();
    let stored = suyuan_core::storage::LogReader::by_type(&reader, "production").unwrap();
    assert_eq!(
        stored.len(),
        acked.len(),
        "acknowledged {} productions",
        acked.len()
    );
    drop(reader);
    assert!(w.verify().starts_with("OK"));
    drop(disk);
}
