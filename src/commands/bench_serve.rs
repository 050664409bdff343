//! `suyuan bench serve`: see README § Performance.
use std::process::ExitCode;

pub fn run(_entries: usize, _clients: usize) -> anyhow::Result<ExitCode> {
    anyhow::bail!("bench serve is not built yet")
}
