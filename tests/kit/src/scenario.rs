//! The fixture scenario (fixtures/scenario): a cross-border oolong trade of 684 entries,
//! seeded into a store by the binary.

use crate::cli::{arg, Cli};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The scenario's directory.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/scenario")
}

/// The scenario's events (unsigned), in the order they are seeded.
pub fn events() -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("events.jsonl")).expect("the scenario");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Value>(l).expect("JSON lines")["event"].clone())
        .collect()
}

/// Seeds the scenario into `parent/store`; returns (store dir, log public key).
pub fn seeded(cli: Cli, parent: &Path) -> (PathBuf, String) {
    let store = parent.join("store");
    let printed = cli.run_ok(&["seed", "--data", arg(&store), arg(&dir())]);
    (store, printed.trim().to_string())
}
