//! A bundle's head proofs (FORMAT.md §10): each chain it gives, each document of the
//! item's story and the actor chain of each signer it holds is shown, against the head
//! map root its checkpoint signs, to have exactly the entries the bundle holds, the
//! newest included. This is what catches a server that leaves out the end of a chain (a
//! recall appended after the item was sold) or one entry naming an order (a payment).

use super::held::Held;
use crate::storage::{Index, LogReader, StorageError};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use suyuan_format::bundle::ProvenHead;
use suyuan_format::checkpoint::Checkpoint;
use suyuan_format::event::actor_chain_key;
use suyuan_format::heads::{key_hash, Head, HeadIndex};

/// Every failure of the bundle's `heads` against `held`, the entries it proved included.
/// `chains` are the chains the bundle gives complete, `documents` those the story
/// follows (re-derived from the entries, not taken from the bundle).
pub(super) fn check_heads(
    bundle: &Value,
    checkpoint: &Checkpoint,
    held: &Held,
    chains: &BTreeSet<String>,
    documents: &[String],
) -> Result<Vec<(Option<u64>, String)>, StorageError> {
    let mut failures = Vec::new();
    let mut proven: BTreeMap<(HeadIndex, String), Option<Head>> = BTreeMap::new();
    let listed = bundle["heads"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, value) in listed.iter().enumerate() {
        let parsed = serde_json::from_value::<ProvenHead>(value.clone())
            .map_err(|e| e.to_string())
            .and_then(|p| p.proof().map(|(index, proof)| (p.key, index, proof)));
        let (key, index, proof) = match parsed {
            Ok(p) => p,
            Err(e) => {
                failures.push((None, format!("heads[{i}] is malformed: {e}")));
                continue;
            }
        };
        match proof.verify(&key_hash(index, &key), &checkpoint.heads) {
            Ok(head) => {
                if proven.insert((index, key.clone()), head).is_some() {
                    failures.push((
                        None,
                        format!("the head of {} {key} is given twice", index.as_str()),
                    ));
                }
            }
            Err(e) => failures.push((
                None,
                format!(
                    "the head proof of {} {key} does not verify: {e}",
                    index.as_str()
                ),
            )),
        }
    }
    let mut signers = Vec::new();
    held.for_each_posting(Index::Actor, &mut |actor, _| {
        signers.push(actor_chain_key(actor));
        Ok(())
    })?;
    let wanted = chains
        .iter()
        .chain(&signers)
        .map(|c| (HeadIndex::Chain, c.as_str()))
        .chain(documents.iter().map(|d| (HeadIndex::Document, d.as_str())))
        .collect::<BTreeSet<_>>();
    for (index, key) in wanted {
        let held_seqs = match index {
            HeadIndex::Chain => held.chain(key)?,
            HeadIndex::Document => held.document(key)?,
        };
        let kind = index.as_str();
        let Some(head) = proven.get(&(index, key.to_string())) else {
            failures.push((
                None,
                format!("the bundle gives no head proof for {kind} {key}, so it cannot show it holds that {kind}'s newest entries"),
            ));
            continue;
        };
        let (count, last) = head.map_or((0, None), |h| (h.count, Some(h.last)));
        if count != held_seqs.len() as u64 || last != held_seqs.last().copied() {
            failures.push((
                last,
                format!(
                    "{kind} {key} has {count} entries as of the checkpoint{}, the bundle holds {}{}: entries are missing",
                    last.map(|s| format!(" (the newest #{s})")).unwrap_or_default(),
                    held_seqs.len(),
                    held_seqs.last().map(|s| format!(" (the newest #{s})")).unwrap_or_default(),
                ),
            ));
        }
    }
    Ok(failures)
}
