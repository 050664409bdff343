use anyhow::Context;
use std::io::BufWriter;
use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, item: Option<&str>, out: &Path) -> anyhow::Result<ExitCode> {
    let ledger = super::open(dir)?;
    let reader = ledger.read()?;
    match item {
        Some(item) => {
            let bundle = suyuan_core::bundle::create(&reader, item)?;
            std::fs::write(out, serde_json::to_vec_pretty(&bundle)?)
                .with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "bundle of {item}: {} entries, {} registrations -> {}",
                bundle.entries.len(),
                bundle.registrations.len(),
                out.display()
            );
        }
        None => {
            let file = std::fs::File::create(out)
                .with_context(|| format!("creating {}", out.display()))?;
            let mut w = BufWriter::new(file);
            let n = suyuan_core::export::write_export(
                &reader,
                ledger.origin(),
                &ledger.verifier_key(),
                &mut w,
            )?;
            w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            eprintln!("exported {n} entries -> {}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What `export --regulator` was asked for.
pub struct RegulatorArgs<'a> {
    pub key: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub format: Option<&'a str>,
    pub headers: &'a str,
}

/// `export --regulator`: the FSMA 204 sortable spreadsheet, as CSV or XLSX.
pub fn run_regulator(dir: &Path, args: RegulatorArgs<'_>, out: &Path) -> anyhow::Result<ExitCode> {
    use suyuan_api::regulator::{csv, day, xlsx, Headers};
    let headers = Headers::parse(args.headers)
        .ok_or_else(|| anyhow::anyhow!("--headers {}: en, zh or both", args.headers))?;
    for (flag, value) in [("--from", args.from), ("--to", args.to)] {
        if let Some(v) = value {
            day(flag, v).map_err(anyhow::Error::msg)?;
        }
    }
    let by_extension = out.extension().and_then(|e| e.to_str()) == Some("xlsx");
    let xlsx_wanted = match args.format {
        None => by_extension,
        Some("xlsx") => true,
        Some("csv") => false,
        Some(other) => anyhow::bail!("--format {other}: csv or xlsx"),
    };
    let ledger = super::open(dir)?;
    let selection = suyuan_core::regulator::Selection {
        key: args.key,
        from: args.from,
        to: args.to,
    };
    let rows = suyuan_core::regulator::rows(&ledger.read()?, &selection)?;
    let bytes = if xlsx_wanted {
        xlsx(&rows, headers)?
    } else {
        csv(&rows, headers).into_bytes()
    };
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("{} rows -> {}", rows.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
