use crate::scenario::{default_dir, load, Scenario};
use std::path::Path;
use std::process::ExitCode;
use suyuan_store::{Ledger, RegistrarSpec};

pub fn run(dir: &Path, scenario_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let scenario = Scenario::open(
        &scenario_dir
            .map(Path::to_path_buf)
            .unwrap_or_else(default_dir),
    )?;
    let ledger = seed(dir, &scenario)?;
    println!("{}", ledger.log_public_key());
    Ok(ExitCode::SUCCESS)
}

/// Creates the log if needed (with the scenario's registrar) and loads the scenario.
pub fn seed(dir: &Path, scenario: &Scenario) -> anyhow::Result<Ledger> {
    let ledger = if dir.join(suyuan_store::DB_FILE).exists() {
        super::open(dir)?
    } else {
        let key = scenario.registrar_key()?;
        let r = &scenario.file.registrar;
        let ledger = Ledger::init(
            dir,
            Some(&scenario.file.origin),
            RegistrarSpec {
                id: &r.id,
                name: &r.name,
                jurisdiction: &r.jurisdiction,
                key: &key,
            },
        )?;
        eprintln!("log {} created in {}", ledger.origin(), dir.display());
        ledger
    };
    let stats = load(&ledger, scenario)?;
    let cp = ledger.latest_checkpoint()?;
    eprintln!(
        "seeded {} events from {} ({} new entries); log size {}, root {}",
        stats.events,
        scenario.dir.display(),
        stats.new_entries,
        cp.size,
        cp.root
    );
    eprintln!("verifier key: {}", ledger.verifier_key());
    Ok(ledger)
}
