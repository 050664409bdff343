use std::path::Path;
use std::process::ExitCode;

pub fn run(dir: &Path, item: &str, json: bool) -> anyhow::Result<ExitCode> {
    let ledger = super::open(dir)?;
    let reader = ledger.read()?;
    let h = suyuan_core::history::history(&reader, item)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&h.to_json())?);
    } else {
        print!("{}", h.to_text());
    }
    Ok(ExitCode::SUCCESS)
}
