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
