//! `suyuan trace` and `suyuan recall-scope`: where a lot, unit, parcel or order went
//! (forward) or came from (backward), from a data directory or a running server.

use super::serve::{self, Fetched};
use anyhow::bail;
use serde_json::Value;
use std::path::Path;
use std::process::ExitCode;
use suyuan_core::trace::{trace, Direction, Trace, MAX_PAGE_EDGES};

/// Where the trace is computed.
pub enum Source<'a> {
    Data(&'a Path),
    Server(&'a str),
}

impl<'a> Source<'a> {
    /// The one of `--data` and `--server` given (the arguments require exactly one).
    pub fn of(data: Option<&'a Path>, server: Option<&'a str>) -> Source<'a> {
        match (data, server) {
            (Some(dir), _) => Source::Data(dir),
            (None, Some(url)) => Source::Server(url),
            (None, None) => unreachable!("the arguments require --data or --server"),
        }
    }
}

/// How the answer is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Text,
    Json,
    Csv,
}

pub fn run(
    source: Source<'_>,
    key: &str,
    direction: Direction,
    output: Output,
    after: usize,
    limit: Option<usize>,
) -> anyhow::Result<ExitCode> {
    let key = key_of(key)?;
    let limit = limit.unwrap_or(MAX_PAGE_EDGES);
    let page = match source {
        Source::Data(dir) => {
            let ledger = super::open(dir)?;
            let reader = ledger.read()?;
            let t = trace(&reader, &key, direction)?;
            if output == Output::Csv {
                super::print_out(&t.csv())?;
                return Ok(ExitCode::SUCCESS);
            }
            t.page(&reader, after, limit)?
        }
        Source::Server(url) => {
            let dir = match direction {
                Direction::Forward => "forward",
                Direction::Backward => "backward",
            };
            let format = if output == Output::Csv { "csv" } else { "json" };
            let query = [
                ("key", key.as_str()),
                ("direction", dir),
                ("format", format),
                ("after", &after.to_string()),
                ("limit", &limit.to_string()),
            ];
            let url = format!("{}/v1/trace", url.trim_end_matches('/'));
            if output == Output::Csv {
                super::print_out(&serve::fetch_text(&url, &query)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            match serve::fetch_json(&url, &query)? {
                Fetched::Json(v) => v,
                Fetched::Status(_, said) => bail!("{said}"),
            }
        }
    };
    match output {
        Output::Json => super::print_out(&(serde_json::to_string_pretty(&page)? + "\n"))?,
        _ => super::print_out(&to_text(&page))?,
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_scope(source: Source<'_>, key: &str, json: bool) -> anyhow::Result<ExitCode> {
    let key = key_of(key)?;
    let scope = match source {
        Source::Data(dir) => {
            let ledger = super::open(dir)?;
            let t: Trace = trace(&ledger.read()?, &key, Direction::Forward)?;
            serde_json::to_value(t.scope())?
        }
        Source::Server(url) => {
            let url = format!("{}/v1/recall-scope", url.trim_end_matches('/'));
            match serve::fetch_json(&url, &[("key", key.as_str())])? {
                Fetched::Json(v) => v,
                Fetched::Status(_, said) => bail!("{said}"),
            }
        }
    };
    if json {
        super::print_out(&(serde_json::to_string_pretty(&scope)? + "\n"))?;
    } else {
        super::print_out(&scope_text(&scope))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A key as given — a GS1 element path, a full Digital Link URL, or a document key — as
/// the trace takes it (which names what is wrong with a malformed one).
fn key_of(key: &str) -> anyhow::Result<String> {
    let path = match key.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => key,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() {
        bail!("{key} names no key: give a GS1 Digital Link path (01/…, 00/…), a Digital Link URL or a document key (order:NO, waybill:NO, declaration:NO, payment:NO)");
    }
    Ok(path.trim_start_matches('/').to_string())
}

fn to_text(page: &Value) -> String {
    let s = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut kinds = std::collections::HashMap::new();
    for n in page["nodes"].as_array().into_iter().flatten() {
        let state = n["state"]
            .as_str()
            .map(|s| format!(" [{s}]"))
            .unwrap_or_default();
        kinds.insert(s(&n["key"]), format!("{}{state}", s(&n["kind"])));
    }
    let mut out = format!(
        "{} trace of {} at log size {}: {} edges\n",
        s(&page["direction"]),
        s(&page["key"]),
        page["size"],
        page["total_edges"]
    );
    for e in page["edges"].as_array().into_iter().flatten() {
        let (from, to) = (s(&e["from"]), s(&e["to"]));
        out.push_str(&format!(
            "#{:<6} {:<14} {} ({}) -> {} ({})\n",
            e["seq"],
            s(&e["relation"]),
            from,
            kinds.get(&from).cloned().unwrap_or_default(),
            to,
            kinds.get(&to).cloned().unwrap_or_default()
        ));
    }
    if let Some(next) = page["next"].as_u64() {
        out.push_str(&format!("… more edges: --after {next}\n"));
    }
    out
}

fn scope_text(scope: &Value) -> String {
    let mut out = format!(
        "Recall scope of {} at log size {}\n",
        scope["key"].as_str().unwrap_or(""),
        scope["size"]
    );
    for (what, field) in [("units", "units"), ("parcels and pallets", "containers")] {
        let counts: Vec<String> = scope[field]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, n)| n.as_u64() != Some(0))
            .map(|(state, n)| format!("{state} {n}"))
            .collect();
        out.push_str(&format!("{what}: {}\n", counts.join(", ")));
    }
    let list = |field: &str| -> Vec<String> {
        scope[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    out.push_str(&format!(
        "customs must hold ({}): {}\n",
        list("hold").len(),
        list("hold").join(" ")
    ));
    let notify = scope["notify"].as_array().cloned().unwrap_or_default();
    out.push_str(&format!(
        "orders whose buyers must be told: {}\n",
        notify.len()
    ));
    for n in &notify {
        out.push_str(&format!(
            "  {} buyer {}\n",
            n["order"].as_str().unwrap_or(""),
            n["buyers"][0].as_str().unwrap_or("?")
        ));
    }
    out.push_str(&format!(
        "unknown (packed, nothing since): {}\n",
        list("unknown").len()
    ));
    out
}
