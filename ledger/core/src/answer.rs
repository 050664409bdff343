//! What every proven answer (an evidence bundle, a trace page) carries and a checker
//! reads first: its `format`, a `checkpoint` signed by the log, and entries listed as
//! `{"seq", "entry", "proof"}`, each with its inclusion proof in that checkpoint's tree.

use crate::audit::Failure;
use serde_json::Value;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::merkle::verify_inclusion;

/// The answer's checkpoint, verified under the pinned key, once its format is `format`.
pub(crate) fn checkpoint(
    answer: &Value,
    format: &str,
    key: &LogKey,
) -> Result<Checkpoint, Failure> {
    let fail = |reason| Failure { seq: None, reason };
    if answer["format"] != format {
        return Err(fail(format!(
            "format is {}, expected {format}",
            answer["format"]
        )));
    }
    match answer["checkpoint"]
        .as_str()
        .map(|n| Checkpoint::verify(n, key))
    {
        Some(Ok(cp)) => Ok(cp),
        Some(Err(e)) => Err(fail(format!("checkpoint: {e}"))),
        None => Err(fail("no checkpoint".into())),
    }
}

/// The entries listed under `answer[list]`.
pub(crate) fn listed<'v>(answer: &'v Value, list: &str) -> &'v [Value] {
    answer[list]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// An entry as an answer lists it.
pub(crate) struct Listed<'v> {
    pub seq: u64,
    pub text: &'v str,
    pub proof: Vec<Digest>,
}

/// Reads `answer[list][i]`: its seq, the entry's text and its inclusion proof.
pub(crate) fn entry<'v>(e: &'v Value, list: &str, i: usize) -> Result<Listed<'v>, Failure> {
    let (Some(seq), Some(text), Some(proof)) = (
        e["seq"].as_u64(),
        e["entry"].as_str(),
        e["proof"].as_array(),
    ) else {
        return Err(Failure {
            seq: None,
            reason: format!("{list}[{i}] lacks seq, entry or proof"),
        });
    };
    let proof = proof
        .iter()
        .map(|p| p.as_str().and_then(Digest::from_hex))
        .collect::<Option<_>>()
        .ok_or_else(|| Failure {
            seq: Some(seq),
            reason: "inclusion proof is not a list of hex hashes".into(),
        })?;
    Ok(Listed { seq, text, proof })
}

impl Listed<'_> {
    /// Whether the entry is in the checkpoint's tree; else why not.
    pub(crate) fn included(&self, cp: &Checkpoint) -> Result<(), String> {
        let leaf = suyuan_format::hash::leaf_hash(self.text.as_bytes());
        verify_inclusion(&leaf, self.seq, cp.size, &self.proof, &cp.root)
            .map_err(|e| format!("not included in the checkpoint of size {}: {e}", cp.size))
    }
}
