//! `suyuan reindex --data DIR`: rebuilds the derived tables from the entries.

use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path) -> anyhow::Result<ExitCode> {
    if !dir.join(suyuan_store::DB_FILE).exists() {
        anyhow::bail!(
            "{} is not a Suyuan data directory (no {})",
            dir.display(),
            suyuan_store::DB_FILE
        );
    }
    let count = suyuan_store::Ledger::reindex(dir)?;
    println!(
        "reindexed {count} entries in {}; run `suyuan verify --data` to check",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
