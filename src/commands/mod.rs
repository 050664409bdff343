//! One module per subcommand.

pub mod bench;
pub mod bench_serve;
pub mod bench_trace;
pub mod export;
pub mod history;
pub mod init;
pub mod keygen;
pub mod qr;
pub mod reindex;
pub mod seed;
pub mod serve;
pub mod submit;
pub mod trace;
pub mod verify;

use anyhow::Context;
use std::path::Path;
use suyuan_store::Ledger;

/// Opens the log in `dir` with a message that says what to do when it is missing.
pub fn open(dir: &Path) -> anyhow::Result<Ledger> {
    Ledger::open(dir).with_context(|| format!("opening the log in {}", dir.display()))
}

/// Writes `text` to standard output; a reader that went away (`| head`) is not an error.
pub fn print_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
