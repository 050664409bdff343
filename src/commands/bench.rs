//! `suyuan bench ingest`: see README § Performance.
use std::path::Path;
use std::process::ExitCode;

pub fn ingest(_events: usize, _dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not yet")
}
