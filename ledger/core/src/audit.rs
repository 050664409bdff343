//! The auditor: re-derives everything the log claims, from the entries alone, with only
//! the log's public key pinned.
//!
//! For every entry: its shape, canonical bytes and event id; its signature (batch
//! verification on all cores); the admission rules at its position (signer registered
//! with a valid key and an allowed role, references present, time within the skew);
//! its per-item chain links; its position. For the tree: every checkpoint's signature,
//! its root against the entries, consistency between successive checkpoints, and (for a
//! data directory) every stored tree node. Failures name the entry and the reason.

use crate::admission::PrivatePart;
use crate::replay::{Replay, ReplayEntry};
use rayon::prelude::*;
use std::collections::BTreeMap;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::entry::EntryView;
use suyuan_format::event::Event;
use suyuan_format::keys::{verify_each, SignatureCheck, EVENT_CONTEXT};
use suyuan_format::merkle::{self, MemoryTree, NodeSource};

/// One thing found wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The entry at fault, when one can be named.
    pub seq: Option<u64>,
    pub reason: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.seq {
            Some(seq) => write!(f, "entry {seq}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

/// What an audit found.
#[derive(Debug, Default)]
pub struct AuditReport {
    /// Entries checked.
    pub entries: u64,
    /// Size of the tree the entries were checked against.
    pub tree_size: u64,
    pub checkpoints: usize,
    pub root: Digest,
    pub failures: Vec<Failure>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// An entry after the parallel phase.
struct Parsed {
    leaf: Digest,
    hash: Digest,
    result: Result<ParsedEntry, String>,
}

struct ParsedEntry {
    seq: u64,
    recorded: String,
    event_id: Digest,
    prev: BTreeMap<String, Option<Digest>>,
    event: Event,
    signature_ok: bool,
    private: PrivatePart,
    /// The private part's bytes, kept only where a rule re-derives the body from them
    /// (a customs message).
    private_bytes: Option<Vec<u8>>,
    /// The head map keys it joins (see `suyuan_format::heads::entry_keys`).
    head_keys: Vec<[u8; 32]>,
}

/// An entry as read from a store or an export, with its private part when one is at hand.
pub struct RawEntry {
    pub bytes: Vec<u8>,
    pub private: Option<Vec<u8>>,
}

/// Keeps at most this many failures; an audit of a badly damaged log stays readable.
const MAX_FAILURES: usize = 100;

pub struct Auditor {
    log_key: LogKey,
    replay: Replay,
    tree: MemoryTree,
    failures: Vec<Failure>,
    /// Parsed but not yet replayed.
    pending: Option<Vec<Parsed>>,
    /// The derived indexes as the entries make them, when a store's are to be checked.
    derived: Option<crate::derived::DerivedIndexes>,
    /// The head map as the entries replayed make it, for the checkpoints' roots.
    heads: crate::heads::HeadTrail,
}

impl Auditor {
    pub fn new(log_key: LogKey) -> Auditor {
        Auditor {
            log_key,
            replay: Replay::complete(),
            tree: MemoryTree::default(),
            failures: Vec::new(),
            pending: None,
            derived: None,
            heads: crate::heads::HeadTrail::new(),
        }
    }

    /// Takes the head map roots of the log at the sizes of `checkpoint_notes` as the
    /// entries are replayed (rather than keeping every entry's keys until
    /// [`Auditor::finish`] is given the checkpoints).
    pub fn with_checkpoints_ahead(mut self, checkpoint_notes: &[String]) -> Auditor {
        let sizes = checkpoint_notes
            .iter()
            .filter_map(|n| n.lines().nth(1)?.parse().ok())
            .collect();
        self.heads = crate::heads::HeadTrail::at_sizes(sizes);
        self
    }

    /// Also derives the indexes from the entries, for [`Auditor::check_derived`].
    pub fn with_derived_indexes(mut self) -> Auditor {
        self.derived = Some(crate::derived::DerivedIndexes::default());
        self
    }

    /// Every difference between the indexes and actor records `reader` keeps and those
    /// the entries fed so far make (see [`crate::derived`]).
    pub fn check_derived(
        &mut self,
        reader: &dyn crate::storage::LogReader,
    ) -> Result<Vec<Failure>, crate::storage::StorageError> {
        self.flush();
        match &self.derived {
            Some(derived) => {
                let registry: Vec<_> = self.replay.registry().actors().collect();
                derived.compare(reader, &registry)
            }
            None => Ok(Vec::new()),
        }
    }

    /// Records a failure; entry-level failures stop being kept after [`MAX_FAILURES`],
    /// failures of the log as a whole (checkpoints, `seq: None`) always are.
    fn fail(&mut self, seq: Option<u64>, reason: impl Into<String>) {
        if self.failures.len() < MAX_FAILURES || seq.is_none() {
            self.failures.push(Failure {
                seq,
                reason: reason.into(),
            });
        }
    }

    /// Number of entries audited so far (replayed, or parsed and waiting).
    pub fn count(&self) -> u64 {
        self.tree.size() + self.pending.as_ref().map_or(0, |p| p.len() as u64)
    }

    /// Audits the next entries of the log, in order. Parsing, hashing and signatures run
    /// on all cores while the previous chunk is replayed in log order (admission rules,
    /// chains), so the two phases overlap.
    pub fn feed(&mut self, entries: Vec<RawEntry>) {
        let pending = self.pending.take();
        let (parsed, ()) = rayon::join(
            || {
                // 256 signatures per batch verification: about a fifth cheaper per
                // signature than 64, and still 16 batches per chunk for the cores.
                entries
                    .par_chunks(256)
                    .flat_map_iter(parse_chunk)
                    .collect::<Vec<Parsed>>()
            },
            || {
                if let Some(p) = pending {
                    self.replay_all(p)
                }
            },
        );
        self.pending = Some(parsed);
    }

    fn flush(&mut self) {
        if let Some(p) = self.pending.take() {
            self.replay_all(p);
        }
    }

    fn replay_all(&mut self, parsed: Vec<Parsed>) {
        for p in parsed {
            let position = self.tree.size();
            self.tree.push(p.leaf);
            match p.result {
                Err(reason) => {
                    self.heads.add(position, Vec::new());
                    self.fail(Some(position), reason)
                }
                Ok(mut entry) => {
                    self.heads
                        .add(position, std::mem::take(&mut entry.head_keys));
                    self.replay_entry(position, p.hash, entry);
                }
            }
        }
    }

    fn replay_entry(&mut self, position: u64, hash: Digest, e: ParsedEntry) {
        if let Some(derived) = &mut self.derived {
            derived.add(
                position,
                e.event_id,
                hash,
                e.prev.keys().map(String::as_str),
                &e.event,
            );
        }
        let failures = self.replay.replay(
            &ReplayEntry {
                position,
                hash,
                seq: e.seq,
                recorded: &e.recorded,
                event_id: e.event_id,
                prev: &e.prev,
                event: &e.event,
                signature_ok: e.signature_ok,
                private: e.private,
                private_bytes: e.private_bytes.as_deref(),
            },
            |_| true,
        );
        for reason in failures {
            self.fail(Some(position), reason);
        }
    }

    /// Checks the checkpoints against the entries and ends the audit.
    pub fn finish(mut self, checkpoint_notes: &[String]) -> AuditReport {
        self.flush();
        let size = self.tree.size();
        let mut previous: Option<Checkpoint> = None;
        for (i, note) in checkpoint_notes.iter().enumerate() {
            let cp = match Checkpoint::verify(note, &self.log_key) {
                Ok(cp) => cp,
                Err(e) => {
                    self.fail(
                        None,
                        format!("checkpoint {} of {}: {e}", i + 1, checkpoint_notes.len()),
                    );
                    continue;
                }
            };
            if let Some(prev) = &previous {
                if cp.size <= prev.size {
                    self.fail(
                        None,
                        format!(
                            "checkpoint of size {} follows one of size {}",
                            cp.size, prev.size
                        ),
                    );
                    continue;
                }
                if cp.origin != prev.origin {
                    self.fail(
                        None,
                        format!(
                            "checkpoint origin changes from {} to {}",
                            prev.origin, cp.origin
                        ),
                    );
                }
            }
            if cp.size > size {
                self.fail(None, format!("checkpoint of size {} covers more entries than the {size} present (entries missing at the end)", cp.size));
                previous = Some(cp);
                continue;
            }
            if self.heads.root_at(cp.size) != Some(cp.heads) {
                self.fail(
                    None,
                    format!("the checkpoint of size {} signs a head map root the entries do not give: it misstates how many entries some chain or document has (FORMAT.md §5.1)", cp.size),
                );
            }
            let root = merkle::root(&self.tree, cp.size).expect("tree holds every complete node");
            if root != cp.root {
                let from = previous.as_ref().map_or(0, |p| p.size);
                self.fail(
                    None,
                    format!("entries {from}..{} do not match the checkpoint of size {} (root differs): an entry in that range was altered", cp.size - 1, cp.size),
                );
            } else if let Some(prev) = &previous {
                if prev.size <= size {
                    let proof = merkle::consistency_proof(&self.tree, prev.size, cp.size)
                        .expect("in range");
                    if let Err(e) =
                        merkle::verify_consistency(prev.size, cp.size, &prev.root, &cp.root, &proof)
                    {
                        self.fail(
                            None,
                            format!(
                                "checkpoints of sizes {} and {} are not consistent: {e}",
                                prev.size, cp.size
                            ),
                        );
                    }
                }
            }
            previous = Some(cp);
        }
        match &previous {
            None if size > 0 => self.fail(None, "no valid checkpoint covers the entries"),
            Some(last) if last.size < size => self.fail(
                Some(last.size),
                format!(
                    "entries {}..{} are not covered by any checkpoint (the last is of size {})",
                    last.size,
                    size - 1,
                    last.size
                ),
            ),
            _ => {}
        }
        AuditReport {
            entries: size,
            tree_size: size,
            checkpoints: checkpoint_notes.len(),
            root: self.tree.root(),
            failures: self.failures,
        }
    }

    /// Compares the tree nodes a store keeps with the ones recomputed from its entries.
    pub fn check_stored_nodes(
        &mut self,
        stored: &dyn crate::storage::LogReader,
    ) -> Result<(), crate::storage::StorageError> {
        self.flush();
        let tree = &self.tree;
        let mut bad = Vec::new();
        let mut count = 0u64;
        stored.for_each_node(&mut |level, index, hash| {
            count += 1;
            if tree.node(level, index).ok() != Some(hash) {
                bad.push((level, index));
            }
            bad.len() < MAX_FAILURES
        })?;
        for (level, index) in bad {
            if level == 0 {
                self.fail(
                    Some(index),
                    "stored leaf hash differs from the entry's bytes",
                );
            } else {
                self.fail(None, format!("stored tree node (level {level}, index {index}) differs from the one computed from the entries"));
            }
        }
        let leaves = self.tree.size();
        let expected = expected_node_count(leaves);
        if count != expected {
            self.fail(
                None,
                format!("store holds {count} tree nodes, a tree of {leaves} leaves has {expected}"),
            );
        }
        Ok(())
    }
}

/// Complete subtrees in a tree of `n` leaves: n + n/2 + n/4 + ….
fn expected_node_count(n: u64) -> u64 {
    let mut total = 0;
    let mut level = n;
    while level > 0 {
        total += level;
        level /= 2;
    }
    total
}

fn parse_chunk(chunk: &[RawEntry]) -> std::vec::IntoIter<Parsed> {
    type Ok = (ParsedEntry, [u8; 64], Vec<u8>);
    let mut parsed: Vec<(Digest, Digest, Result<Ok, String>)> = chunk
        .iter()
        .map(|raw| {
            let bytes = &raw.bytes;
            let result = EntryView::parse(bytes)
                .map_err(|e| e.to_string())
                .and_then(|view| {
                    let event = Event::parse_bytes(&view.event_bytes)
                        .map_err(|e| format!("invalid event: {e}"))?;
                    // A store's parts are checked; an export carries none.
                    let private = match &raw.private {
                        Some(part) => PrivatePart::Given(suyuan_format::hash::content_hash(part)),
                        None => PrivatePart::Unavailable,
                    };
                    let private_bytes = match event.body {
                        suyuan_format::event::Body::CustomsMessage(_) => raw.private.clone(),
                        _ => None,
                    };
                    let head_keys = suyuan_format::heads::entry_keys(
                        view.prev.keys().map(String::as_str),
                        &event,
                    );
                    let entry = ParsedEntry {
                        head_keys,
                        seq: view.seq,
                        recorded: view.recorded,
                        event_id: view.event_id,
                        prev: view.prev,
                        event,
                        signature_ok: false,
                        private,
                        private_bytes,
                    };
                    Ok((entry, view.signature, view.event_bytes))
                });
            (
                suyuan_format::hash::leaf_hash(bytes),
                suyuan_format::entry::entry_hash(bytes),
                result,
            )
        })
        .collect();
    let verdicts: Vec<bool> = {
        let checks: Vec<SignatureCheck<'_>> = parsed
            .iter()
            .filter_map(|(_, _, r)| r.as_ref().ok())
            .map(|(e, sig, msg)| SignatureCheck {
                key: &e.event.key,
                message: msg,
                signature: sig,
            })
            .collect();
        verify_each(EVENT_CONTEXT, &checks)
    };
    let mut verdicts = verdicts.into_iter();
    for (_, _, r) in parsed.iter_mut() {
        if let Ok((e, _, _)) = r {
            e.signature_ok = verdicts.next().unwrap_or(false);
        }
    }
    parsed
        .into_iter()
        .map(|(leaf, hash, r)| Parsed {
            leaf,
            hash,
            result: r.map(|(e, _, _)| e),
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// Audits a whole store: its entries (read by one thread while the others parse, verify
/// and replay), its private parts against their digests, its stored tree nodes and its
/// checkpoints. `progress` is told how many entries are done.
pub fn audit_store(
    reader: &dyn crate::storage::LogReader,
    log_key: LogKey,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<AuditReport, crate::storage::StorageError> {
    const CHUNK: usize = 4096;
    let notes = reader.checkpoint_notes()?;
    let mut auditor = Auditor::new(log_key)
        .with_derived_indexes()
        .with_checkpoints_ahead(&notes);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<RawEntry>>(2);
    std::thread::scope(|scope| -> Result<(), crate::storage::StorageError> {
        let read = scope.spawn(move || -> Result<(), crate::storage::StorageError> {
            let mut chunk = Vec::with_capacity(CHUNK);
            reader.for_each_entry(true, &mut |_, bytes, private| {
                chunk.push(RawEntry {
                    bytes: bytes.to_vec(),
                    private: private.map(<[u8]>::to_vec),
                });
                if chunk.len() == CHUNK {
                    // A closed channel means the auditor stopped; nothing more to read.
                    let _ = tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK)));
                }
                Ok(())
            })?;
            let _ = tx.send(chunk);
            Ok(())
        });
        for chunk in rx {
            auditor.feed(chunk);
            progress(auditor.count());
        }
        read.join().expect("reader thread")
    })?;
    auditor.check_stored_nodes(reader)?;
    let derived = auditor.check_derived(reader)?;
    let mut report = auditor.finish(&notes);
    report.failures.extend(derived);
    Ok(report)
}
