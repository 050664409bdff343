//! Evidence bundles (the format is `suyuan_format::bundle`): building one item's from a
//! log, and checking one offline with the log's own admission rules.

use crate::admission::PrivatePart;
use crate::answer;
use crate::audit::{AuditReport, Failure};
use crate::history::{history, History, HistoryError};
use crate::replay::{Replay, ReplayEntry};
use crate::storage::StorageError;
use crate::storage::{required_entry, LogReader};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use suyuan_format::bundle::{Bundle, ProvenEntry, ProvenHead, BUNDLE_FORMAT};
use suyuan_format::checkpoint::LogKey;
use suyuan_format::encoding::Digest;
use suyuan_format::entry::EntryView;
use suyuan_format::event::{actor_chain_key, Event};
use suyuan_format::heads::HeadIndex;
use suyuan_format::keys::EVENT_CONTEXT;

mod heads;
mod held;

fn proven(
    reader: &dyn LogReader,
    seq: u64,
    size: u64,
    via: Option<&str>,
) -> Result<ProvenEntry, StorageError> {
    let bytes = required_entry(reader, seq)?;
    let proof: Vec<String> = reader
        .inclusion_proof(seq, size)?
        .iter()
        .map(Digest::to_hex)
        .collect();
    let entry = String::from_utf8(bytes)
        .map_err(|_| StorageError::Corrupt(format!("entry {seq} is not UTF-8")))?;
    Ok(ProvenEntry {
        entry,
        proof,
        seq,
        via: via.map(String::from),
    })
}

/// Builds the evidence bundle of `item` against the latest checkpoint.
pub fn create(reader: &dyn LogReader, item: &str) -> Result<Bundle, HistoryError> {
    let h = history(reader, item)?;
    let (size, note) = reader.latest_checkpoint_note()?;
    let picked = vias(&h, reader)?;
    // Registrations of every signer, and of the registrars who registered them.
    let mut actors: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<u64> = picked.keys().copied().collect();
    let mut registrations: BTreeSet<u64> = BTreeSet::new();
    while let Some(seq) = queue.pop() {
        let bytes = required_entry(reader, seq)?;
        let view = EntryView::parse_stored(&bytes)
            .map_err(|e| StorageError::Corrupt(format!("entry {seq}: {e}")))?;
        let mut names = vec![view.event["actor"].as_str().unwrap_or_default().to_string()];
        if let Some(subject) = view.event["body"]["subject"].as_str() {
            names.push(subject.to_string());
        }
        for actor in names {
            if actors.insert(actor.clone()) {
                for s in reader.chain(&actor_chain_key(&actor))? {
                    if registrations.insert(s) {
                        queue.push(s);
                    }
                }
            }
        }
    }
    let entries: Vec<ProvenEntry> = picked
        .iter()
        .filter(|(seq, _)| !registrations.contains(seq))
        .map(|(&seq, via)| proven(reader, seq, size, Some(via)))
        .collect::<Result<_, _>>()?;
    let registrations: Vec<ProvenEntry> = registrations
        .iter()
        .map(|&seq| proven(reader, seq, size, None))
        .collect::<Result<_, _>>()?;
    let mut chains = h.chains.clone();
    chains.extend(actors.iter().map(|a| actor_chain_key(a)));
    let origin = note.lines().next().unwrap_or_default().to_string();
    let keys = chains
        .iter()
        .map(|c| (HeadIndex::Chain, c))
        .chain(h.documents.iter().map(|d| (HeadIndex::Document, d)));
    let heads = keys
        .map(|(index, key)| Ok(ProvenHead::new(index, key, &reader.head_proof(index, key)?)))
        .collect::<Result<_, StorageError>>()?;
    Ok(Bundle {
        chains,
        checkpoint: note,
        entries,
        format: BUNDLE_FORMAT.into(),
        heads,
        item: h.item,
        origin,
        registrations,
    })
}

/// One entry as a bundle lists it.
struct Listed<'a> {
    bytes: Vec<u8>,
    /// Listed under `registrations` (else under `entries`).
    is_reg: bool,
    proof: Vec<Digest>,
    via: Option<&'a str>,
}

/// Verifies a bundle with the log key pinned.
pub fn verify(bundle: &Value, log_key: &LogKey) -> AuditReport {
    let mut failures = Vec::new();
    let mut fail = |seq: Option<u64>, reason: String| failures.push(Failure { seq, reason });
    let cp = match answer::checkpoint(bundle, BUNDLE_FORMAT, log_key) {
        Ok(cp) => cp,
        Err(failure) => {
            return AuditReport {
                failures: vec![failure],
                ..Default::default()
            }
        }
    };
    if bundle["origin"] != cp.origin.as_str() {
        fail(
            None,
            format!(
                "origin is {}, but its checkpoint is of {}",
                bundle["origin"], cp.origin
            ),
        );
    }
    // Every entry: well-formed and included in the checkpoint's tree.
    let mut all: BTreeMap<u64, Listed<'_>> = BTreeMap::new();
    for (list, is_reg) in [("registrations", true), ("entries", false)] {
        for (i, e) in answer::listed(bundle, list).iter().enumerate() {
            let given = match answer::entry(e, list, i) {
                Ok(given) => given,
                Err(Failure { seq, reason }) => {
                    fail(seq, reason);
                    continue;
                }
            };
            let seq = given.seq;
            if let Err(reason) = given.included(&cp) {
                fail(Some(seq), reason);
            }
            let (bytes, proof) = (given.text.as_bytes().to_vec(), given.proof);
            let listed = Listed {
                bytes,
                is_reg,
                proof,
                via: e["via"].as_str(),
            };
            if all.insert(seq, listed).is_some() {
                fail(Some(seq), "listed twice".into());
            }
        }
    }
    // The chains the bundle gives complete: every link of theirs is checked.
    let chains: BTreeSet<String> = bundle["chains"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let item = bundle["item"].as_str().unwrap_or_default();
    if !chains.contains(item) {
        fail(
            None,
            format!("the bundle does not give the chain of its item {item}"),
        );
    }
    // Every entry, in log order, through the admission rules of the log itself.
    let mut replay = Replay::partial();
    let mut chain_counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut held = held::Held::new(&cp);
    let mut unreadable = false;
    for (
        &seq,
        Listed {
            bytes,
            is_reg,
            proof,
            ..
        },
    ) in &all
    {
        let view = match EntryView::parse(bytes) {
            Ok(v) => v,
            Err(e) => {
                fail(Some(seq), e.to_string());
                unreadable = true;
                continue;
            }
        };
        let event = match Event::parse_bytes(&view.event_bytes) {
            Ok(ev) => ev,
            Err(e) => {
                fail(Some(seq), format!("invalid event: {e}"));
                unreadable = true;
                continue;
            }
        };
        if *is_reg && event.kind != suyuan_format::event::EventType::Registration {
            fail(
                Some(seq),
                format!(
                    "listed under registrations, but it is a {}",
                    event.kind.as_str()
                ),
            );
        }
        let signature_ok = event
            .key
            .verify(EVENT_CONTEXT, &view.event_bytes, &view.signature)
            .is_ok();
        for chain in view.prev.keys() {
            if let Some(c) = chains.get(chain) {
                *chain_counts.entry(c.as_str()).or_default() += 1;
            }
        }
        let entry = ReplayEntry {
            position: seq,
            hash: view.hash(),
            seq: view.seq,
            recorded: &view.recorded,
            event_id: view.event_id,
            prev: &view.prev,
            event: &event,
            signature_ok,
            private: PrivatePart::Unavailable,
            private_bytes: None,
        };
        for reason in replay.replay(&entry, |chain| chains.contains(chain)) {
            fail(Some(seq), reason);
        }
        held.add(held::HeldEntry {
            seq,
            bytes,
            proof,
            view: &view,
            event: &event,
        });
    }
    if !unreadable && !item.is_empty() {
        let listed = all
            .iter()
            .filter(|(_, l)| !l.is_reg)
            .map(|(&seq, l)| (seq, l.via));
        // The documents of the story come from its history; without one (its links are
        // broken, which is named) the chains' heads are still checked.
        let documents = match history(&held, item) {
            Err(e) => {
                fail(
                    None,
                    format!("the entries do not make a history of {item}: {e}"),
                );
                Vec::new()
            }
            Ok(derived) => {
                for (seq, reason) in check_vias(&held, &derived, &chains, listed) {
                    fail(seq, reason);
                }
                derived.documents
            }
        };
        match heads::check_heads(bundle, &cp, &held, &chains, &documents) {
            Ok(found) => found
                .into_iter()
                .for_each(|(seq, reason)| fail(seq, reason)),
            Err(e) => fail(None, e.to_string()),
        }
    }
    for chain in &chains {
        if !chain_counts.contains_key(chain.as_str()) {
            fail(None, format!("chain {chain} has no entries in the bundle"));
        }
    }
    AuditReport {
        entries: all.len() as u64,
        tree_size: cp.size,
        checkpoints: 1,
        root: cp.root,
        failures,
    }
}

/// How each entry of a bundle concerns its item (FORMAT.md §10): the way its history
/// reached it, or `chain` for the rest of a story chain's entries.
fn vias(h: &History, reader: &dyn LogReader) -> Result<BTreeMap<u64, String>, StorageError> {
    let mut vias: BTreeMap<u64, String> = h
        .entries
        .iter()
        .map(|e| (e.seq, e.via.describe()))
        .collect();
    for chain in &h.chains {
        for seq in reader.chain(chain)? {
            vias.entry(seq).or_insert_with(|| "chain".into());
        }
    }
    Ok(vias)
}

/// Re-derives how each listed entry concerns `item` with the log's own history over what
/// the bundle holds, and names every difference from what the bundle says: an entry whose
/// `via` is wrong or that does not concern the item at all, and a chain of the item's
/// story (its lot, a container) that the bundle does not give complete.
fn check_vias<'a>(
    held: &held::Held,
    derived: &History,
    chains: &BTreeSet<String>,
    listed: impl Iterator<Item = (u64, Option<&'a str>)>,
) -> Vec<(Option<u64>, String)> {
    let mut failures = Vec::new();
    let item = &derived.item;
    for chain in &derived.chains {
        if !chains.contains(chain) {
            failures.push((
                None,
                format!("the story of {item} runs through chain {chain}, which the bundle does not give"),
            ));
        }
    }
    let expected = match vias(derived, held) {
        Ok(v) => v,
        Err(e) => return vec![(None, e.to_string())],
    };
    for (seq, via) in listed {
        match (expected.get(&seq), via) {
            (None, _) => failures.push((
                Some(seq),
                format!("listed as concerning {item}, but no link of the entries leads to it from the item"),
            )),
            (Some(want), Some(got)) if want == got => {}
            (Some(want), got) => failures.push((
                Some(seq),
                format!("via is {}, but the entries make it {want}", got.unwrap_or("missing")),
            )),
        }
    }
    failures
}
