//! A damaged store gives a named error, never a panic and never a wrong answer. Copies of
//! the seeded scenario's store are damaged the three ways disks and operators damage
//! files — a flipped byte, a zeroed 4 KiB page, a truncation — at offsets spread over
//! the whole file (so over every table's pages), and the binary is run on each:
//! `verify --data` must exit 0 (the damage hit free space) or 1 naming the damage,
//! `history` must answer or exit 1, and neither may panic. A server started on a damaged
//! copy must stay up, and any evidence bundle it answers with must verify offline.

mod common;

use common::SUYUAN;
use std::path::Path;
use suyuan_testkit::cli::{arg, stderr, stdout};
use suyuan_testkit::http::{get, Server};
use suyuan_testkit::scenario;

#[derive(Clone, Copy, Debug)]
enum Damage {
    Flip(u64),
    Zero(u64),
    Truncate(u64),
}

fn copy_damaged(from: &Path, to: &Path, damage: Damage) {
    std::fs::create_dir_all(to).unwrap();
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
    }
    let path = to.join(suyuan_store::DB_FILE);
    let mut bytes = std::fs::read(&path).unwrap();
    match damage {
        Damage::Flip(at) => bytes[at as usize] ^= 0x40,
        Damage::Zero(at) => {
            let at = at as usize & !4095;
            let end = (at + 4096).min(bytes.len());
            bytes[at..end].fill(0);
        }
        Damage::Truncate(at) => bytes.truncate(at as usize),
    }
    std::fs::write(&path, bytes).unwrap();
}

/// Offsets spread over the file, the same every run.
fn damages(len: u64) -> Vec<Damage> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % len
    };
    let mut all = Vec::new();
    for _ in 0..30 {
        all.push(Damage::Flip(next()));
    }
    for _ in 0..20 {
        all.push(Damage::Zero(next()));
    }
    for _ in 0..10 {
        all.push(Damage::Truncate(next()));
    }
    all
}

fn no_panic(what: &str, o: &std::process::Output) {
    assert!(
        !stderr(o).contains("panicked") && o.status.code() != Some(101),
        "{what}: {}",
        stderr(o)
    );
}

#[test]
fn damaged_stores_give_named_errors_never_panics() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let len = std::fs::metadata(store.join(suyuan_store::DB_FILE))
        .unwrap()
        .len();
    let item = "01/04719865001270/10/AL2604Q1/21/00001";
    let (mut clean, mut named) = (0, 0);
    for (i, damage) in damages(len).into_iter().enumerate() {
        let dir = tmp.path().join(format!("d{i}"));
        copy_damaged(&store, &dir, damage);
        let what = format!("{damage:?}");
        let o = SUYUAN.run(&["verify", "--data", arg(&dir)]);
        no_panic(&what, &o);
        match o.status.code() {
            Some(0) => clean += 1,
            Some(1) => {
                named += 1;
                let said = format!("{}{}", stdout(&o), stderr(&o));
                assert!(
                    said.contains("FAILED") || said.contains("error:"),
                    "{what}: {said}"
                );
            }
            other => panic!("{what}: verify exited {other:?}: {}", stderr(&o)),
        }
        let o = SUYUAN.run(&["history", "--data", arg(&dir), item]);
        no_panic(&what, &o);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{what}: history exited {:?}",
            o.status.code()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
    assert!(
        named >= 20,
        "only {named} of 60 damages were found ({clean} hit free space)"
    );

    // Servers on damaged copies stay up; whatever bundle they serve verifies offline.
    for (i, damage) in damages(len).into_iter().step_by(10).enumerate() {
        let dir = tmp.path().join(format!("s{i}"));
        copy_damaged(&store, &dir, damage);
        let Some(server) = Server::try_start(SUYUAN, &dir) else {
            continue; // refused to open the store, with a named error
        };
        let r = get(
            &server.url(&format!("/v1/bundle/{item}")),
            "application/json",
        );
        if r.status == 200 {
            let report = suyuan_core::bundle::verify(
                &r.json(),
                &suyuan_format::checkpoint::LogKey::parse(&log_key).unwrap(),
            );
            assert!(
                report.ok(),
                "{damage:?}: served a bundle that fails: {:?}",
                report.failures
            );
        } else {
            assert!(
                r.status == 404 || r.status == 500,
                "{damage:?}: {}",
                r.status
            );
        }
        assert_eq!(
            get(&server.url("/healthz"), "application/json").status,
            200,
            "{damage:?}"
        );
        drop(server);
    }
}
