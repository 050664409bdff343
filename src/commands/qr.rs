//! `suyuan qr`: the QR code (SVG or PNG, by the file's extension) of an item's Digital
//! Link URI.
use anyhow::{bail, Context};
use std::path::Path;
use std::process::ExitCode;
use suyuan_format::gs1::Item;

pub fn run(item: &str, out: &Path, base: &str) -> anyhow::Result<ExitCode> {
    let path = Item::parse(item)
        .with_context(|| format!("{item} is not a Digital Link item path"))?
        .to_string();
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        bail!("--base must be an http:// or https:// URL, not {base:?}");
    }
    let uri = suyuan_api::qr::item_uri(base, &path);
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("svg") => suyuan_api::qr::svg(&uri)
            .map_err(anyhow::Error::msg)?
            .into_bytes(),
        Some("png") => suyuan_api::qr::png(&uri, 10).map_err(anyhow::Error::msg)?,
        _ => bail!("--out must end in .svg or .png"),
    };
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    println!("{uri}");
    Ok(ExitCode::SUCCESS)
}
