use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use suyuan_format::keys::SecretKey;
use suyuan_store::{Ledger, RegistrarSpec};

pub fn run(
    dir: &Path,
    origin: Option<&str>,
    registrar_key: Option<&Path>,
    id: &str,
    name: &str,
    jurisdiction: &str,
) -> anyhow::Result<ExitCode> {
    let key = match registrar_key {
        Some(path) => suyuan_store::read_key_file(path).map_err(anyhow::Error::msg)?,
        None => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            let path = dir.join("registrar.key");
            let key = SecretKey::generate();
            suyuan_store::write_key_file(&key, &path)
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("registrar key written to {}", path.display());
            key
        }
    };
    let ledger = Ledger::init(
        dir,
        origin,
        RegistrarSpec {
            id,
            name,
            jurisdiction,
            key: &key,
        },
    )?;
    eprintln!("log {} created in {}", ledger.origin(), dir.display());
    eprintln!("verifier key: {}", ledger.verifier_key());
    println!("{}", ledger.log_public_key());
    Ok(ExitCode::SUCCESS)
}
