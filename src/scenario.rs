//! Scenarios: a directory of actors' keys and unsigned events that `seed` (and `demo`)
//! sign and load, as the parties themselves would submit them.
//!
//! * `scenario.json`: `{"origin": "…", "registrar": {"id","name","jurisdiction","key_file"}}`
//! * `events.jsonl`: one `{"key_file": "keys/….key", "event": {…}, "private": {…}?}` per line,
//!   in log order. A string `"@entry:<client_id>"` anywhere in an event stands for the entry
//!   hash of the earlier event with that client id. `private` fields are sealed with a salt
//!   derived from the signer's key, and `private_digest` is added before signing.

use anyhow::{bail, Context};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;
use suyuan_format::private::PrivatePart;
use suyuan_store::{Ledger, Submission};

#[derive(Deserialize)]
pub struct RegistrarDef {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub key_file: PathBuf,
}

#[derive(Deserialize)]
pub struct ScenarioFile {
    pub origin: String,
    pub registrar: RegistrarDef,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    key_file: PathBuf,
    event: Value,
    private: Option<Value>,
}

pub struct Scenario {
    pub dir: PathBuf,
    pub file: ScenarioFile,
}

/// `fixtures/scenario` under the working directory, else the one this binary was built from.
pub fn default_dir() -> PathBuf {
    let local = PathBuf::from("fixtures/scenario");
    if local.join("scenario.json").exists() {
        local
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenario")
    }
}

impl Scenario {
    pub fn open(dir: &Path) -> anyhow::Result<Scenario> {
        let path = dir.join("scenario.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let file: ScenarioFile =
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(Scenario {
            dir: dir.to_path_buf(),
            file,
        })
    }

    pub fn registrar_key(&self) -> anyhow::Result<SecretKey> {
        suyuan_store::read_key_file(&self.dir.join(&self.file.registrar.key_file))
            .map_err(anyhow::Error::msg)
    }
}

/// What a seeding did.
pub struct SeedStats {
    pub events: usize,
    pub new_entries: usize,
}

fn substitute(
    v: &mut Value,
    hashes: &HashMap<String, String>,
    pending: &HashSet<String>,
    needs_flush: &mut bool,
) -> anyhow::Result<()> {
    match v {
        Value::String(s) => {
            if let Some(client_id) = s.strip_prefix("@entry:") {
                if pending.contains(client_id) {
                    *needs_flush = true;
                    return Ok(());
                }
                match hashes.get(client_id) {
                    Some(h) => *s = h.clone(),
                    None => bail!("{s} names no earlier event"),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                substitute(item, hashes, pending, needs_flush)?;
            }
        }
        Value::Object(map) => {
            for item in map.values_mut() {
                substitute(item, hashes, pending, needs_flush)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Signs and appends every event of the scenario, in order, in group commits.
pub fn load(ledger: &Ledger, scenario: &Scenario) -> anyhow::Result<SeedStats> {
    let path = scenario.dir.join("events.jsonl");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut keys: HashMap<PathBuf, SecretKey> = HashMap::new();
    let mut hashes: HashMap<String, String> = HashMap::new();
    let mut pending: Vec<(usize, String, Submission)> = Vec::new();
    let mut pending_ids: HashSet<String> = HashSet::new();
    let mut stats = SeedStats {
        events: 0,
        new_entries: 0,
    };
    let size_before = ledger.size();

    let flush = |pending: &mut Vec<(usize, String, Submission)>,
                 pending_ids: &mut HashSet<String>,
                 hashes: &mut HashMap<String, String>|
     -> anyhow::Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        let (meta, subs): (Vec<(usize, String)>, Vec<Submission>) =
            pending.drain(..).map(|(l, c, s)| ((l, c), s)).unzip();
        let outcome = ledger.append_batch(subs)?;
        for ((line, client_id), result) in meta.into_iter().zip(outcome.results) {
            match result {
                Ok(receipt) => {
                    hashes.insert(client_id, receipt.entry_hash);
                }
                Err(refusal) => bail!("{}:{line}: refused: {refusal}", path.display()),
            }
        }
        pending_ids.clear();
        Ok(())
    };

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line =
            serde_json::from_str(raw).with_context(|| format!("{}:{line_no}", path.display()))?;
        let mut event = line.event;
        let mut needs_flush = false;
        substitute(&mut event, &hashes, &pending_ids, &mut needs_flush)
            .with_context(|| format!("{}:{line_no}", path.display()))?;
        if needs_flush {
            flush(&mut pending, &mut pending_ids, &mut hashes)?;
            substitute(&mut event, &hashes, &pending_ids, &mut needs_flush)
                .with_context(|| format!("{}:{line_no}", path.display()))?;
        }
        let key_path = scenario.dir.join(&line.key_file);
        if !keys.contains_key(&key_path) {
            let key = suyuan_store::read_key_file(&key_path).map_err(anyhow::Error::msg)?;
            keys.insert(key_path.clone(), key);
        }
        let key = &keys[&key_path];
        let client_id = event["client_id"].as_str().unwrap_or_default().to_string();
        let actor = event["actor"].as_str().unwrap_or_default().to_string();
        let private = line.private.map(|fields| {
            let salt = PrivatePart::derive_salt(&key.seed(), &actor, &client_id);
            PrivatePart::seal(fields, &salt)
        });
        if let (Some(p), Some(obj)) = (&private, event.as_object_mut()) {
            obj.insert("private_digest".into(), Value::String(p.digest().to_hex()));
        }
        let signed = SignedEvent::sign(event, key)
            .map_err(|e| anyhow::anyhow!("{}:{line_no}: {e}", path.display()))?;
        pending_ids.insert(client_id.clone());
        pending.push((line_no, client_id, Submission { signed, private }));
        stats.events += 1;
        if pending.len() >= 256 {
            flush(&mut pending, &mut pending_ids, &mut hashes)?;
        }
    }
    flush(&mut pending, &mut pending_ids, &mut hashes)?;
    stats.new_entries = (ledger.size() - size_before) as usize;
    Ok(stats)
}
