//! `suyuan serve` and `suyuan demo`, and the HTTP client side of `verify --server`.
use anyhow::{bail, Context};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use suyuan_core::storage::LogReader;
use suyuan_format::entry::EntryView;
use suyuan_format::gs1::Item;
use suyuan_store::Ledger;

/// The server's settings with the connection limits of `suyuan serve`'s flags.
pub fn limits(
    max_connections: usize,
    header_timeout: f64,
    request_timeout: f64,
) -> anyhow::Result<suyuan_api::Config> {
    if max_connections == 0 {
        bail!("--max-connections must be at least 1");
    }
    let seconds = |flag: &str, s: f64| {
        std::time::Duration::try_from_secs_f64(s)
            .ok()
            .filter(|t| !t.is_zero())
            .with_context(|| format!("{flag} {s} is not a positive number of seconds"))
    };
    Ok(suyuan_api::Config {
        max_connections,
        header_timeout: seconds("--header-timeout", header_timeout)?,
        request_timeout: seconds("--request-timeout", request_timeout)?,
        ..suyuan_api::Config::default()
    })
}

/// `config` with the public URL of `--public-url` (checked), if given.
pub fn with_public_url(
    mut config: suyuan_api::Config,
    url: Option<&str>,
) -> anyhow::Result<suyuan_api::Config> {
    if let Some(url) = url {
        config.public_base = Some(suyuan_api::public_url(url).map_err(anyhow::Error::msg)?);
    }
    Ok(config)
}

/// Serves the log in `data`, creating it (with a new registrar key) if there is none.
pub fn serve(
    data: &Path,
    listen: &str,
    cache_bytes: usize,
    config: suyuan_api::Config,
) -> anyhow::Result<ExitCode> {
    suyuan_api::init_logging();
    if !data.join(suyuan_store::DB_FILE).exists() {
        super::init::run(data, None, None, "registrar", "Suyuan registrar", "CN")?;
    }
    let ledger = Ledger::open_with_cache(data, cache_bytes)
        .with_context(|| format!("opening the log in {}", data.display()))?;
    run(ledger, listen, config, |addr, ledger| {
        eprintln!("log {} ({} entries)", ledger.origin(), ledger.size());
        eprintln!("verifier key: {}", ledger.verifier_key());
        println!("listening on http://{addr}");
        let _ = std::io::stdout().flush();
    })
}

fn run(
    ledger: Ledger,
    listen: &str,
    config: suyuan_api::Config,
    ready: impl FnOnce(std::net::SocketAddr, &Ledger),
) -> anyhow::Result<ExitCode> {
    let ledger = Arc::new(ledger);
    let l2 = ledger.clone();
    suyuan_api::run(ledger, listen, config, move |addr| ready(addr, &l2))?;
    Ok(ExitCode::SUCCESS)
}

/// Terminal columns of the labels before the demo's consumer URLs.
const LABEL_COLUMNS: usize = 34;

/// `text` cut (with an ellipsis) and padded to `columns` terminal columns: product names
/// are mostly CJK, two columns a character, so counting characters misaligns them.
fn fit(text: &str, columns: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let mut out = String::new();
    if text.width() <= columns {
        out.push_str(text);
    } else {
        let mut used = 0;
        for c in text.chars() {
            used += c.width().unwrap_or(0);
            if used > columns - 1 {
                break;
            }
            out.push(c);
        }
        out.push('…');
    }
    let pad = columns - out.width();
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// Creates and seeds a demo store if there is none, serves it, and prints consumer URLs.
pub fn demo(
    data: Option<&Path>,
    listen: &str,
    config: suyuan_api::Config,
) -> anyhow::Result<ExitCode> {
    suyuan_api::init_logging();
    let dir = data
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("suyuan-demo"));
    let ledger = if dir.join(suyuan_store::DB_FILE).exists() {
        eprintln!("using the existing demo store in {}", dir.display());
        super::open(&dir)?
    } else {
        let scenario = crate::scenario::Scenario::open(&crate::scenario::default_dir())?;
        crate::commands::seed::seed(&dir, &scenario)?
    };
    let picks = demo_items(&ledger)?;
    let public = config.public_base.clone();
    run(ledger, listen, config, move |addr, ledger| {
        let host = if addr.ip().is_unspecified() {
            format!("127.0.0.1:{}", addr.port())
        } else {
            addr.to_string()
        };
        let base = public.unwrap_or_else(|| format!("http://{host}"));
        let mut out = String::new();
        out.push_str(&format!(
            "\nSuyuan demo: log {} with {} entries, serving on http://{host}\n\n",
            ledger.origin(),
            ledger.size()
        ));
        out.push_str("Consumer pages (what the QR code on each item opens):\n");
        for (what, item) in &picks {
            out.push_str(&format!("  {} {base}/{item}\n", fit(what, LABEL_COLUMNS)));
        }
        out.push_str(&format!(
            "\nLog public key:  {}\nVerifier key:    {}\n",
            ledger.log_public_key(),
            ledger.verifier_key()
        ));
        if let Some((_, item)) = picks.first() {
            out.push_str(&format!(
                "\nVerify an item from the command line:\n  suyuan verify --server http://{host} --item {item} --log-key {}\n",
                ledger.verifier_key()
            ));
        }
        out.push_str(&format!(
            "\nAPI: http://{host}/openapi.json  checkpoint: http://{host}/v1/checkpoint  metrics: http://{host}/metrics\nCtrl-C stops the server.\n"
        ));
        print!("{out}");
        let _ = std::io::stdout().flush();
    })
}

/// A few telling items of the log: serialized units, a recalled lot, a parcel.
fn demo_items(ledger: &Ledger) -> anyhow::Result<Vec<(String, String)>> {
    let reader = ledger.read()?;
    let items_of = |seq: u64| -> anyhow::Result<(serde_json::Value, Vec<String>)> {
        let bytes = reader.entry(seq)?.context("entry missing")?;
        let view = EntryView::parse(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        let items = view.event["what"]["items"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|i| i.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        Ok((view.event, items))
    };
    // Serialized units by lot, and parcels, from the trade and logistics entries.
    let mut units: Vec<String> = Vec::new();
    let mut parcels: Vec<String> = Vec::new();
    for kind in ["trade", "logistics"] {
        for seq in reader.by_type(kind)?.into_iter().take(2000) {
            let (ev, items) = items_of(seq)?;
            for i in items
                .iter()
                .chain(ev["what"]["parent"].as_str().map(String::from).iter())
            {
                if i.starts_with("00/") {
                    if !parcels.contains(i) {
                        parcels.push(i.clone());
                    }
                } else if i.contains("/21/") && !units.contains(i) {
                    units.push(i.clone());
                }
            }
        }
    }
    let lot_of = |unit: &str| {
        Item::parse(unit)
            .ok()
            .and_then(|i| i.lot_item())
            .map(|l| l.to_string())
    };
    let mut picks = Vec::new();
    let mut recalled: BTreeSet<String> = BTreeSet::new();
    for seq in reader.by_type("recall")? {
        let (_, items) = items_of(seq)?;
        recalled.extend(items);
    }
    let mut seen_lots = BTreeSet::new();
    for unit in &units {
        let Some(lot) = lot_of(unit) else { continue };
        if recalled.contains(&lot) || seen_lots.contains(&lot) {
            continue;
        }
        seen_lots.insert(lot.clone());
        let product = reader
            .chain(&lot)?
            .into_iter()
            .find_map(|s| {
                let (ev, _) = items_of(s).ok()?;
                (ev["type"] == "production")
                    .then(|| ev["body"]["product"].as_str().unwrap_or("").to_string())
            })
            .unwrap_or_default();
        picks.push((format!("unit of {product}"), unit.clone()));
        if seen_lots.len() >= 2 {
            break;
        }
    }
    for lot in recalled.iter().take(1) {
        if let Some(unit) = units
            .iter()
            .find(|u| lot_of(u).as_deref() == Some(lot.as_str()))
        {
            picks.push(("unit of a RECALLED lot".into(), unit.clone()));
        }
        picks.push(("the recalled lot".into(), lot.clone()));
    }
    if let Some(p) = parcels.first() {
        picks.push(("a parcel (SSCC)".into(), p.clone()));
    }
    if picks.is_empty() {
        if let Some(u) = units.first() {
            picks.push(("an item".into(), u.clone()));
        }
    }
    Ok(picks)
}

/// The path of an item given as a path or as a full Digital Link URI.
pub fn item_path(item: &str) -> anyhow::Result<String> {
    let path = match item.find("://") {
        Some(i) => {
            let rest = &item[i + 3..];
            rest.find('/').map(|j| &rest[j + 1..]).unwrap_or("")
        }
        None => item,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    Ok(Item::parse(path)
        .with_context(|| format!("{item} is not a Digital Link item path"))?
        .to_string())
}

/// What a running server answered: its JSON, or an error status and its message.
pub enum Fetched {
    Json(serde_json::Value),
    Status(u16, String),
}

/// Fetches an item's evidence bundle from a running server.
pub fn fetch_bundle(server: &str, item: &str) -> anyhow::Result<Fetched> {
    let path = item_path(item)?;
    fetch_json(
        &format!("{}/v1/bundle/{path}", server.trim_end_matches('/')),
        &[],
    )
}

/// Fetches a text answer (CSV) from a running server.
pub fn fetch_text(url: &str, query: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut request = ureq::get(url).set("Accept", "text/csv");
    for (name, value) in query {
        request = request.query(name, value);
    }
    match request.call() {
        Ok(resp) => resp.into_string().with_context(|| format!("reading {url}")),
        Err(ureq::Error::Status(code, resp)) => {
            bail!(
                "{url}: HTTP {code}: {}",
                resp.into_string().unwrap_or_default()
            )
        }
        Err(e) => bail!("{url}: {e}"),
    }
}

/// Fetches the proof of a chain's head (or absence) against the server's latest
/// checkpoint (`GET /v1/proofs/head`).
pub fn fetch_head(server: &str, index: &str, key: &str) -> anyhow::Result<Fetched> {
    let url = format!("{}/v1/proofs/head", server.trim_end_matches('/'));
    fetch_json(&url, &[("index", index), ("key", key)])
}

pub fn fetch_json(url: &str, query: &[(&str, &str)]) -> anyhow::Result<Fetched> {
    let agent = ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(60))
        .build();
    let mut request = agent.get(url).set("Accept", "application/json");
    for (name, value) in query {
        request = request.query(name, value);
    }
    match request.call() {
        Ok(resp) => {
            let text = resp
                .into_string()
                .with_context(|| format!("reading {url}"))?;
            let value = serde_json::from_str(&text)
                .with_context(|| format!("{url} did not answer JSON"))?;
            Ok(Fetched::Json(value))
        }
        Err(ureq::Error::Status(code, resp)) => {
            let body = resp.into_string().unwrap_or_default();
            let msg = serde_json::from_str::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["error"]["message"].as_str().map(String::from))
                .unwrap_or(body);
            Ok(Fetched::Status(code, format!("{url}: HTTP {code}: {msg}")))
        }
        Err(e) => bail!("{url}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn labels_fit_their_columns_whatever_the_script() {
        let w = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let cjk = fit("unit of 阿里山高山烏龍茶（青心烏龍）150g 罐裝", 34);
        assert_eq!(w(cjk.as_str()), 34);
        assert!(cjk.starts_with("unit of 阿里山") && cjk.trim_end().ends_with('…'));
        let short = fit("the recalled lot", 34);
        assert_eq!(short, format!("the recalled lot{}", " ".repeat(18)));
        // A wide character that would straddle the last column is left out.
        assert_eq!(w(fit("abc溯源", 5).as_str()), 5);
    }
}
