//! `suyuan qr`.
use std::path::Path;
use std::process::ExitCode;

pub fn run(_item: &str, _out: &Path, _base: &str) -> anyhow::Result<ExitCode> {
    anyhow::bail!("qr is not built yet")
}
