use crate::commands::serve::{self, Fetched};
use crate::progress;
use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use suyuan_core::audit::AuditReport;
use suyuan_core::storage::LogReader;
use suyuan_format::bundle::ProvenHead;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::heads::{key_hash, HeadIndex};
use suyuan_store::Reader;

/// A mistake in how `verify` was called (as opposed to what it was given failing).
#[derive(Debug)]
struct Usage(String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Exit codes: 0 everything verified; 1 any verification failure, named — including input
/// that cannot be read, parsed or opened, which cannot be verified; 2 usage only (the
/// arguments themselves are wrong).
fn exit(result: anyhow::Result<AuditReport>) -> ExitCode {
    match result {
        Ok(report) => print_report(&report),
        Err(e) if e.downcast_ref::<Usage>().is_some() => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            println!("verification FAILED: {e:#}");
            ExitCode::from(1)
        }
    }
}

pub fn run(
    data: Option<&Path>,
    export: Option<&Path>,
    bundle: Option<&Path>,
    trace: Option<&Path>,
    log_key: Option<&str>,
) -> ExitCode {
    let result = match (data, export, bundle, trace) {
        (Some(dir), None, None, None) => verify_data(dir, log_key),
        (None, Some(file), None, None) => pinned(log_key).and_then(|k| verify_export(file, k)),
        (None, None, Some(file), None) => pinned(log_key).and_then(|k| verify_bundle(file, k)),
        (None, None, None, Some(file)) => pinned(log_key).and_then(|k| verify_trace(file, k)),
        _ => Err(Usage(
            "give exactly one of --data DIR, --export FILE, --bundle FILE or --trace FILE".into(),
        )
        .into()),
    };
    exit(result)
}

/// `verify --server URL --item ITEM --log-key KEY`: fetches the item's evidence bundle over
/// HTTP and verifies it as `--bundle` does.
pub fn run_server(server: &str, item: Option<&str>, log_key: Option<&str>) -> ExitCode {
    let result = (|| -> anyhow::Result<AuditReport> {
        let key = pinned(log_key)?;
        let item = item.ok_or_else(|| Usage("--item ITEM is required with --server".into()))?;
        match serve::fetch_bundle(server, item)? {
            Fetched::Json(bundle) => Ok(suyuan_core::bundle::verify(&bundle, &key)),
            Fetched::Status(404, said) => absent(server, &serve::item_path(item)?, &key, &said),
            Fetched::Status(_, said) => anyhow::bail!("{said}"),
        }
    })();
    exit(result)
}

/// A server that says it does not know an item must prove it: the head of the item's
/// chain against its latest checkpoint, which shows no entries — or shows the server
/// withholding them. Either way nothing is verified.
fn absent(server: &str, item: &str, key: &LogKey, said: &str) -> anyhow::Result<AuditReport> {
    let body = match serve::fetch_head(server, "chain", item)? {
        Fetched::Json(body) => body,
        Fetched::Status(_, head_said) => {
            anyhow::bail!("{said}; and the head of its chain is not proven: {head_said}")
        }
    };
    let checkpoint = body["checkpoint"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("{server}/v1/proofs/head answered no checkpoint"))?;
    let cp = Checkpoint::verify(checkpoint, key).context("the head proof's checkpoint")?;
    let head: ProvenHead =
        serde_json::from_value(body["head"].clone()).context("the head proof is malformed")?;
    let (index, proof) = head
        .proof()
        .map_err(|e| anyhow::anyhow!("the head proof is malformed: {e}"))?;
    if index != HeadIndex::Chain || head.key != item {
        anyhow::bail!(
            "the server proved the head of {} {}, not of chain {item}",
            head.index,
            head.key
        );
    }
    let reason = match proof.verify(&key_hash(index, item), &cp.heads) {
        Err(e) => format!("{said}; and its head proof does not verify: {e}"),
        Ok(None) => format!(
            "item {item} is not in the log: the head map of the checkpoint of size {} proves its chain has no entries",
            cp.size
        ),
        Ok(Some(h)) => format!(
            "{said}; but the head map of the checkpoint of size {} proves chain {item} has {} entries (the newest #{}): the server withholds them",
            cp.size, h.count, h.last
        ),
    };
    Ok(AuditReport {
        tree_size: cp.size,
        checkpoints: 1,
        root: cp.root,
        failures: vec![suyuan_core::audit::Failure { seq: None, reason }],
        ..Default::default()
    })
}

fn pinned(log_key: Option<&str>) -> anyhow::Result<LogKey> {
    let text = log_key.ok_or_else(|| {
        Usage("--log-key KEY is required: the log's public key is what an audit trusts".into())
    })?;
    parse_key(text)
}

fn parse_key(text: &str) -> anyhow::Result<LogKey> {
    LogKey::parse(text).map_err(|e| Usage(format!("--log-key {text}: {e}")).into())
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

/// A path that does not exist is a usage error; anything found there is verified.
fn existing(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        Ok(())
    } else {
        Err(Usage(format!("{} does not exist", path.display())).into())
    }
}

pub fn verify_data(dir: &Path, log_key: Option<&str>) -> anyhow::Result<AuditReport> {
    if !dir.join(suyuan_store::DB_FILE).exists() {
        return Err(Usage(format!(
            "{} is not a Suyuan data directory (no {})",
            dir.display(),
            suyuan_store::DB_FILE
        ))
        .into());
    }
    let reader = Reader::open_dir(dir)?;
    let origin = reader.meta("origin")?.context("the store has no origin")?;
    let key = match log_key {
        Some(k) => parse_key(k)?,
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
    existing(file)?;
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
    Ok(suyuan_core::bundle::verify(&read_json(file)?, &key))
}

/// The JSON document in `file` (a bundle or a trace page).
fn read_json(file: &Path) -> anyhow::Result<serde_json::Value> {
    existing(file)?;
    let text = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", file.display()))
}

/// `verify --trace FILE`: one page of a trace answer, each edge against its entry.
fn verify_trace(file: &Path, key: LogKey) -> anyhow::Result<AuditReport> {
    Ok(suyuan_core::trace::verify_page(&read_json(file)?, &key))
}
