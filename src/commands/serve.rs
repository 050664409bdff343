//! `suyuan serve` and `suyuan demo`.
use std::path::Path;
use std::process::ExitCode;

pub fn serve(_data: &Path, _listen: &str) -> anyhow::Result<ExitCode> {
    anyhow::bail!("serve is not built yet")
}

pub fn demo(_data: Option<&Path>, _listen: &str) -> anyhow::Result<ExitCode> {
    anyhow::bail!("demo is not built yet")
}

/// Fetches an item's evidence bundle from a running server.
pub fn fetch_bundle(_server: &str, _item: &str) -> anyhow::Result<serde_json::Value> {
    anyhow::bail!("verify --server is not built yet")
}
