//! Helpers for the end-to-end tests: run the `suyuan` binary, seed the scenario.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_suyuan"));
    c.env("RUST_BACKTRACE", "0");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("suyuan runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenario")
}

/// Seeds the scenario into `dir/store`; returns (store dir, log public key).
pub fn seeded(dir: &Path) -> (PathBuf, String) {
    let store = dir.join("store");
    let o = run(&[
        "seed",
        "--data",
        store.to_str().unwrap(),
        scenario_dir().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "seed failed: {}", stderr(&o));
    (store, stdout(&o).trim().to_string())
}
