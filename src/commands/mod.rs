//! One module per subcommand.

pub mod bench;
pub mod bench_serve;
pub mod export;
pub mod history;
pub mod init;
pub mod keygen;
pub mod qr;
pub mod reindex;
pub mod seed;
pub mod serve;
pub mod submit;
pub mod verify;

use anyhow::Context;
use std::path::Path;
use suyuan_store::Ledger;

/// Opens the log in `dir` with a message that says what to do when it is missing.
pub fn open(dir: &Path) -> anyhow::Result<Ledger> {
    Ledger::open(dir).with_context(|| format!("opening the log in {}", dir.display()))
}
