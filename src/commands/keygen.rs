use anyhow::Context;
use std::path::Path;
use std::process::ExitCode;
use suyuan_format::keys::SecretKey;

pub fn run(out: &Path) -> anyhow::Result<ExitCode> {
    let key = SecretKey::generate();
    suyuan_store::write_key_file(&key, out)
        .with_context(|| format!("writing {} (it must not exist yet)", out.display()))?;
    println!("{}", key.public());
    Ok(ExitCode::SUCCESS)
}
