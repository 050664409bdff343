use crate::progress;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use suyuan_core::audit::AuditReport;
use suyuan_core::storage::LogReader;
use suyuan_format::checkpoint::LogKey;
use suyuan_store::Reader;

/// Exit codes: 0 everything checks, 1 something failed (named), 2 usage or I/O error.
pub fn run(
    data: Option<&Path>,
    export: Option<&Path>,
    bundle: Option<&Path>,
    log_key: Option<&str>,
) -> ExitCode {
    let result = match (data, export, bundle) {
        (Some(dir), None, None) => verify_data(dir, log_key),
        (None, Some(file), None) => pinned(log_key).and_then(|k| verify_export(file, k)),
        (None, None, Some(file)) => pinned(log_key).and_then(|k| verify_bundle(file, k)),
        _ => Err(anyhow::anyhow!(
            "give exactly one of --data DIR, --export FILE or --bundle FILE"
        )),
    };
    match result {
        Ok(report) => print_report(&report),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// `verify --server URL --item ITEM --log-key KEY`: fetches the item's evidence bundle over
/// HTTP and verifies it as `--bundle` does.
pub fn run_server(server: &str, item: Option<&str>, log_key: Option<&str>) -> ExitCode {
    let result = (|| -> anyhow::Result<AuditReport> {
        let key = pinned(log_key)?;
        let item = item.context("--item ITEM is required with --server")?;
        let bundle = crate::commands::serve::fetch_bundle(server, item)?;
        Ok(suyuan_core::bundle::verify(&bundle, &key))
    })();
    match result {
        Ok(report) => print_report(&report),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn pinned(log_key: Option<&str>) -> anyhow::Result<LogKey> {
    let text = log_key
        .context("--log-key KEY is required: the log's public key is what an audit trusts")?;
    Ok(LogKey::parse(text)?)
}

fn print_report(report: &AuditReport) -> ExitCode {
    if report.ok() {
        println!(
            "OK: {} entries and {} checkpoint(s) verified; root {} at tree size {}",
            report.entries, report.checkpoints, report.root, report.tree_size
        );
        ExitCode::SUCCESS
    } else {
        for f in &report.failures {
            println!("FAILED {f}");
        }
        println!(
            "verification FAILED: {} problem(s) in {} entries",
            report.failures.len(),
            report.entries
        );
        ExitCode::from(1)
    }
}

pub fn verify_data(dir: &Path, log_key: Option<&str>) -> anyhow::Result<AuditReport> {
    let reader = Reader::open_dir(dir)?;
    let origin = reader.meta("origin")?.context("the store has no origin")?;
    let key = match log_key {
        Some(k) => LogKey::parse(k)?,
        None => LogKey::parse(
            &reader
                .meta("log_public_key")?
                .context("the store has no log key")?,
        )?,
    };
    let key = LogKey {
        name: key.name.or(Some(origin)),
        key: key.key,
    };
    let bar = progress::bar(reader.size(), "verifying");
    let report = suyuan_core::audit::audit_store(&reader, key, &|n| bar.set_position(n))?;
    bar.finish_and_clear();
    Ok(report)
}

fn verify_export(file: &Path, key: LogKey) -> anyhow::Result<AuditReport> {
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = progress::bar(len / 1000, "verifying");
    let report = suyuan_core::export::audit_export(std::io::BufReader::new(f), key, &|n| {
        bar.set_position(n)
    })?;
    bar.finish_and_clear();
    Ok(report)
}

fn verify_bundle(file: &Path, key: LogKey) -> anyhow::Result<AuditReport> {
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let bundle: serde_json::Value =
        serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", file.display()))?;
    Ok(suyuan_core::bundle::verify(&bundle, &key))
}
