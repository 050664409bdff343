use anyhow::Context;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use suyuan_format::event::SignedEvent;
use suyuan_format::private::PrivatePart;
use suyuan_store::Submission;

/// Each file holds an unsigned event, or `{"event": {…}, "private": {…}}`. A missing `key`
/// is filled in with the key file's public key.
pub fn run(
    dir: &Path,
    key_path: &Path,
    files: &[PathBuf],
    group: usize,
) -> anyhow::Result<ExitCode> {
    let key = suyuan_store::read_key_file(key_path).map_err(anyhow::Error::msg)?;
    let ledger = super::open(dir)?;
    let mut subs = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not JSON", file.display()))?;
        let (mut event, private_fields) = match doc.get("event") {
            Some(ev) if doc.get("type").is_none() => (ev.clone(), doc.get("private").cloned()),
            _ => (doc, None),
        };
        let obj = event
            .as_object_mut()
            .with_context(|| format!("{}: the event must be a JSON object", file.display()))?;
        obj.entry("key")
            .or_insert_with(|| Value::String(key.public().to_string()));
        let actor = obj
            .get("actor")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let client_id = obj
            .get("client_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let private = private_fields.map(|f| {
            PrivatePart::seal(
                f,
                &PrivatePart::derive_salt(&key.seed(), &actor, &client_id),
            )
        });
        if let Some(p) = &private {
            obj.insert("private_digest".into(), Value::String(p.digest().to_hex()));
        }
        let signed = SignedEvent::sign(event, &key)
            .map_err(|e| anyhow::anyhow!("{}: refused: invalid event: {e}", file.display()))?;
        subs.push(Submission { signed, private });
    }
    // Each group is one durable commit; its receipts are printed as soon as it commits.
    let mut refused = 0;
    let mut subs = subs.into_iter();
    let stdout = std::io::stdout();
    for names in files.chunks(group.max(1)) {
        let group: Vec<Submission> = subs.by_ref().take(names.len()).collect();
        let outcome = ledger.append_batch(group)?;
        let mut out = stdout.lock();
        for (file, result) in names.iter().zip(outcome.results) {
            match result {
                Ok(receipt) => writeln!(out, "{}", serde_json::to_string(&receipt)?)?,
                Err(refusal) => {
                    refused += 1;
                    eprintln!(
                        "{}: refused ({}): {refusal}",
                        file.display(),
                        refusal.code()
                    );
                }
            }
        }
        out.flush()?;
    }
    Ok(if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
