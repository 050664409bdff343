//! The append pipeline. A group of submissions passes three stages:
//!
//! 1. **verify**: signatures, on all cores, under no lock;
//! 2. **sequence** (under the `state` lock): admission, sequence numbers, entry bytes,
//!    tree nodes, index rows and the signed checkpoint, all in memory;
//! 3. **write** (one group at a time, in sequence order): the core's
//!    [`GroupWriter::commit`] of everything stage 2 produced, here one redb write
//!    transaction committed durably.
//!
//! Stage 2 of one group runs while stage 3 writes the group before it, so the log's serial
//! path is the longer of the two rather than their sum. To admit exactly as a one-at-a-time
//! writer would, stage 2 reads a committed snapshot *plus* the groups sequenced but not
//! yet known to be committed (`State::pending`), and the group it is building.
//!
//! Invariants: a group's results leave this module only after its own transaction and
//! every earlier group's have committed; the snapshot a group is sequenced against and
//! the pending groups it overlays together hold every entry sequenced before it, each
//! once; if a commit fails, that group and every group sequenced after it (they admitted
//! against it) fail with nothing stored, and the in-memory state returns to the last
//! commit.

use super::writer::RedbWriter;
use super::{Ledger, State};
use crate::hash_index::{client_digest, HashIndex, HashKind};
use crate::index::{
    first_posting, read_postings, record_seq, stored_chain_head, IndexBatch, SEQ_RECORD,
};
use crate::tables::*;
use crate::{BatchOutcome, Submission};
use rayon::prelude::*;
use redb::{ReadOnlyTable, ReadTransaction};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use suyuan_core::admission::{
    admit, AdmitError, Candidate, ClientUse, EntryFacts, LogView, OrderFacts, PrivatePart, Refusal,
};
use suyuan_core::registry::Registry;
use suyuan_core::storage::{Group, GroupWriter, LogReader};
use suyuan_customs::view::RecordView;
use suyuan_format::checkpoint::Checkpoint;
use suyuan_format::encoding::Digest;
use suyuan_format::entry::{self, EntryView, MAX_ENTRY_BYTES};
use suyuan_format::event::{Body, DocKind};
use suyuan_format::hash::leaf_hash;
use suyuan_format::heads::{HeadMap, HeadUpdates};
use suyuan_format::keys::{verify_each, SignatureCheck, EVENT_CONTEXT};
use suyuan_format::merkle::{self, Frontier, SparseNodes};
use suyuan_format::receipt::{Receipt, ReceiptEntry};
use suyuan_format::roles::EventType;
use suyuan_format::time_format;
use time::OffsetDateTime;

/// The entries and index rows of a group that stage 2 has sequenced, shared between the
/// group's own write and the admission of the groups sequenced after it.
pub(super) struct Pending {
    ticket: u64,
    /// Seq of its first entry.
    first: u64,
    /// Entry bytes, seqs `first..`.
    entries: Vec<Vec<u8>>,
    index: IndexBatch,
}

impl Pending {
    fn entry(&self, seq: u64) -> Option<&[u8]> {
        let i = usize::try_from(seq.checked_sub(self.first)?).ok()?;
        self.entries.get(i).map(Vec::as_slice)
    }
}

/// Stage 3's turn-taking: groups are written in the order they were sequenced.
#[derive(Default)]
pub(super) struct Turn {
    /// Ticket of the next group to write.
    next: u64,
    /// Groups with tickets below this were sequenced against a group whose commit failed.
    doomed_below: u64,
    /// That failure, for those groups.
    failure: String,
    /// Whether it was a full disk.
    disk_full: bool,
}

impl Turn {
    /// Whether every group sequenced (tickets below `next_ticket`) has been written.
    pub(super) fn is_idle(&self, next_ticket: u64) -> bool {
        self.next == next_ticket
    }
}

/// The in-memory state as it was before a group was sequenced, to return to if its
/// commit fails.
struct Before {
    frontier: Frontier,
    registry: Registry,
    last_recorded: OffsetDateTime,
    heads: Option<HeadMap>,
}

/// A group after stage 2: its place in the write order and the state to return to.
struct Sequenced {
    ticket: u64,
    before: Before,
    work: GroupWork,
}

/// Everything stage 2 produced for one group.
struct GroupWork {
    group: Arc<Pending>,
    /// The frontier's roots before the group, then the nodes the group created: enough to
    /// prove every entry it appended.
    roots: Vec<(u8, u64, Digest)>,
    nodes: Vec<(u8, u64, Digest)>,
    private: Vec<(u64, Vec<u8>)>,
    /// Actor records the group's registrations changed, as stored.
    actors: Vec<(String, Vec<u8>)>,
    /// The registry after the group, when a registration changed it.
    registry_after: Option<Registry>,
    /// The head map after the group, whose root the checkpoint signs.
    heads: HeadMap,
    checkpoint: Checkpoint,
    results: Vec<Result<ReceiptEntry, Refusal>>,
}

impl Ledger {
    /// Admits, sequences and durably commits a group of submissions in one transaction.
    /// Refused submissions are reported and leave no trace; the others get receipts that
    /// are returned only after the commit is on disk.
    pub fn append_batch(&self, subs: Vec<Submission>) -> Result<BatchOutcome, StoreError> {
        let sig_ok = verify_signatures(&subs);
        let sequenced = self.sequence(&subs, &sig_ok)?;
        let sequenced = self.write_in_turn(sequenced)?;
        self.receipts(sequenced.work)
    }

    /// Stage 2.
    fn sequence(&self, subs: &[Submission], sig_ok: &[bool]) -> Result<Sequenced, StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let before = Before {
            frontier: state.frontier.clone(),
            registry: state.registry.clone(),
            last_recorded: state.last_recorded,
            heads: state.heads.clone(),
        };
        // Groups written before this load are all in the snapshot opened after it.
        let written = self.written_below.load(Ordering::Acquire);
        let snapshot = self.db()?.begin_read()?;
        state.pending.retain(|g| g.ticket >= written);
        match self.sequence_locked(&mut state, &snapshot, subs, sig_ok) {
            Ok(mut work) => {
                let ticket = state.next_ticket;
                state.next_ticket += 1;
                if !work.group.entries.is_empty() {
                    Arc::get_mut(&mut work.group)
                        .expect("not yet shared")
                        .ticket = ticket;
                    state.pending.push_back(work.group.clone());
                }
                Ok(Sequenced {
                    ticket,
                    before,
                    work,
                })
            }
            Err(e) => {
                state.frontier = before.frontier;
                state.registry = before.registry;
                state.last_recorded = before.last_recorded;
                state.heads = before.heads;
                Err(e)
            }
        }
    }

    fn sequence_locked(
        &self,
        state: &mut State,
        snapshot: &ReadTransaction,
        subs: &[Submission],
        sig_ok: &[bool],
    ) -> Result<GroupWork, StoreError> {
        let recorded_at = time_format::now_ms().max(state.last_recorded);
        let recorded = time_format::rfc3339(recorded_at);
        let times = RecordTimes {
            at: recorded_at,
            text: &recorded,
            previous: state.last_recorded,
        };
        let first = state.frontier.size();
        let heads_before = match &state.heads {
            Some(map) => map.clone(),
            // Nothing is pending before the first group: the snapshot holds everything.
            None => self.committed_heads(first)?,
        };
        let mut head_updates = HeadUpdates::default();
        let tables = SnapshotTables::open(snapshot)?;
        let visible = state.pending.front().map_or(first, |g| g.first);
        let roots = state.frontier.roots().collect();
        let mut group = Pending {
            ticket: 0,
            first,
            entries: Vec::with_capacity(subs.len()),
            index: IndexBatch::default(),
        };
        let (mut nodes, mut private, mut actors) = (Vec::new(), Vec::new(), Vec::new());
        let mut results = Vec::with_capacity(subs.len());
        for (sub, &sig_ok) in subs.iter().zip(sig_ok) {
            let view = AppendView {
                snapshot: &tables,
                visible,
                pending: &state.pending,
                current: &group,
                hashes: &self.hashes,
                client_lookup: RefCell::new(None),
            };
            let seq = state.frontier.size();
            let registry = &mut state.registry;
            let admitted = match sequence_one(registry, &view, seq, sub, sig_ok, &times)? {
                Ok(admitted) => admitted,
                Err(refusal) => {
                    results.push(Err(refusal));
                    continue;
                }
            };
            let (entry, rows) = match admitted {
                Admitted::Existing(entry) => {
                    results.push(Ok(entry));
                    continue;
                }
                Admitted::New(entry, rows) => (entry, rows),
            };
            group.entries.push(entry.bytes.clone());
            state.frontier.push(entry.leaf, |level, index, hash| {
                nodes.push((level, index, hash))
            });
            let signed = &sub.signed;
            head_updates.add_entry(seq, rows.chains.iter().map(String::as_str), &signed.event);
            group.index.add(
                seq,
                &signed.event,
                &signed.id,
                &entry.entry_hash,
                &rows.client,
                &rows.chains,
            );
            if let Some(p) = &sub.private {
                private.push((seq, p.canonical.clone()));
            }
            actors.extend(rows.actor);
            results.push(Ok(entry));
        }
        state.last_recorded = recorded_at;
        let heads = head_updates.apply(&heads_before);
        state.heads = Some(heads.clone());
        let checkpoint = Checkpoint::sign(
            &self.origin,
            state.frontier.size(),
            state.frontier.root(),
            heads.root(),
            &self.log_key,
        );
        Ok(GroupWork {
            group: Arc::new(group),
            roots,
            nodes,
            private,
            registry_after: (!actors.is_empty()).then(|| state.registry.clone()),
            actors,
            heads,
            checkpoint,
            results,
        })
    }

    /// The head map of the committed log of `size` entries, rebuilt from its posting
    /// lists and checked against its checkpoint.
    pub(super) fn committed_heads(&self, size: u64) -> Result<HeadMap, StoreError> {
        let reader = self.read()?;
        if reader.size() != size {
            return Err(StoreError::Corrupt(format!(
                "the committed log has {} entries, the sequencer expected {size}",
                reader.size()
            )));
        }
        Ok(reader.head_map()?.clone())
    }

    /// Stage 3: waits for the group's turn, then writes and commits it (or fails it, if an
    /// earlier group it was sequenced against failed).
    fn write_in_turn(&self, sequenced: Sequenced) -> Result<Sequenced, StoreError> {
        let mut turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
        while turn.next != sequenced.ticket {
            turn = self
                .turn_changed
                .wait(turn)
                .unwrap_or_else(|p| p.into_inner());
        }
        let result = if sequenced.ticket < turn.doomed_below {
            Err(StoreError::EarlierGroupFailed {
                reason: turn.failure.clone(),
                disk_full: turn.disk_full,
            })
        } else {
            match self.write_group(&sequenced.work) {
                Err(WriteFailure::BeforeCommit(e)) => {
                    self.roll_back(&mut turn, &sequenced, &e);
                    if e.is_io() {
                        // The handle that saw the error refuses everything from now on;
                        // the store on disk holds the last commit, so a fresh one serves.
                        *self.write_down.lock().unwrap_or_else(|p| p.into_inner()) =
                            Some(super::WriteDown {
                                disk_full: e.is_disk_full(),
                                reason: e.to_string(),
                            });
                        self.discard_handle();
                    }
                    Err(e)
                }
                Err(WriteFailure::AfterCommit(e)) => Err(e),
                Ok(()) => {
                    if !sequenced.work.group.entries.is_empty() {
                        *self.write_down.lock().unwrap_or_else(|p| p.into_inner()) = None;
                    }
                    Ok(())
                }
            }
        };
        turn.next += 1;
        self.written_below.store(turn.next, Ordering::Release);
        drop(turn);
        self.turn_changed.notify_all();
        result.map(|()| sequenced)
    }

    fn write_group(&self, s: &GroupWork) -> Result<(), WriteFailure> {
        let group = &s.group;
        if group.entries.is_empty() {
            return Ok(());
        }
        let commit = Group {
            first: group.first,
            entries: &group.entries,
            private: &s.private,
            nodes: &s.nodes,
            actors: &s.actors,
            checkpoint: &s.checkpoint,
        };
        let db = self.db().map_err(WriteFailure::BeforeCommit)?;
        // Held before the commit makes this size visible, so that no snapshot misses it.
        let size = s.checkpoint.size;
        self.head_versions.publish(size, s.heads.clone());
        let committed = RedbWriter { db: &db }.commit(&commit, &group.index);
        if let Err(e) = committed {
            self.head_versions.withdraw_from(size);
            return Err(WriteFailure::BeforeCommit(e.into()));
        }
        if let Some((first, records)) = group.index.hash_row() {
            self.hashes
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .push_row(first, records)
                .map_err(WriteFailure::AfterCommit)?;
        }
        self.committed_size
            .store(s.checkpoint.size, Ordering::Release);
        if let Some(registry) = &s.registry_after {
            *self
                .committed_registry
                .write()
                .unwrap_or_else(|p| p.into_inner()) = Arc::new(registry.clone());
        }
        Ok(())
    }

    /// After a failed commit: the state returns to what was last committed, and every
    /// group sequenced since (against the failed one) is doomed.
    fn roll_back(&self, turn: &mut Turn, failed: &Sequenced, e: &StoreError) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.frontier = failed.before.frontier.clone();
        state.registry = failed.before.registry.clone();
        state.last_recorded = failed.before.last_recorded;
        state.heads = failed.before.heads.clone();
        state.pending.retain(|g| g.ticket < failed.ticket);
        turn.doomed_below = state.next_ticket;
        turn.failure = e.to_string();
        turn.disk_full = e.is_disk_full();
    }

    /// Proves each entry against the group's checkpoint: durable now, and outside every
    /// lock.
    fn receipts(&self, s: GroupWork) -> Result<BatchOutcome, StoreError> {
        let size = s.checkpoint.size;
        let origin = self.origin.as_str();
        let appended_from = s.group.first;
        let nodes: SparseNodes = s.roots.into_iter().chain(s.nodes).collect();
        let earlier = s
            .results
            .iter()
            .any(|r| matches!(r, Ok(a) if a.seq < appended_from));
        let reader = if earlier { Some(self.read()?) } else { None };
        let checkpoint = s.checkpoint;
        let results = s
            .results
            .into_par_iter()
            .map(|r| -> Result<Result<Receipt, Refusal>, StoreError> {
                let a = match r {
                    Ok(a) => a,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let proof = match &reader {
                    Some(reader) if a.seq < appended_from => reader.inclusion_proof(a.seq, size)?,
                    _ => merkle::inclusion_proof(&nodes, a.seq, size).map_err(|m| {
                        StoreError::Corrupt(format!(
                            "group proof: node level {} index {} missing",
                            m.level, m.index
                        ))
                    })?,
                };
                Ok(Ok(a.receipt(origin, &proof, &checkpoint)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(BatchOutcome {
            results,
            checkpoint,
        })
    }
}

/// Admits one submission against `view` and builds its entry, or says why not. New
/// entries change the registry here; the caller adds them to the group.
fn sequence_one(
    registry: &mut Registry,
    view: &AppendView<'_>,
    seq: u64,
    sub: &Submission,
    sig_ok: bool,
    times: &RecordTimes<'_>,
) -> Result<Result<Admitted, Refusal>, StoreError> {
    let recorded = times.text;
    let signed = &sub.signed;
    let event = &signed.event;
    let candidate = Candidate {
        event,
        event_id: signed.id,
        seq,
        recorded: times.at,
        previous_recorded: Some(times.previous),
        signature_ok: sig_ok,
        private: match &sub.private {
            Some(p) => PrivatePart::Given(p.digest()),
            None => PrivatePart::NotGiven,
        },
        private_bytes: sub.private.as_ref().map(|p| p.canonical.as_slice()),
    };
    let chains = match admit(registry, view, &candidate) {
        Ok(admitted) => admitted.chains,
        // An idempotent resubmission: the receipt of the entry already sequenced.
        Err(AdmitError::Refused(Refusal::AlreadyRecorded { .. })) => {
            let existing = view
                .client_hit()
                .ok_or_else(|| StoreError::Corrupt("client id lookup lost its entry".into()))?;
            return Ok(Ok(Admitted::Existing(existing)));
        }
        Err(AdmitError::Refused(r)) => return Ok(Err(r)),
        Err(AdmitError::View(e)) => return Err(e),
    };
    let client = view.client_digest(event);
    let mut prev = BTreeMap::new();
    for key in &chains {
        prev.insert(key.clone(), view.chain_head(key)?);
    }
    let bytes = entry::encode(
        seq,
        recorded,
        &signed.id,
        &prev,
        &signed.canonical_event,
        &signed.signature,
    );
    if bytes.len() > MAX_ENTRY_BYTES {
        return Ok(Err(Refusal::TooLarge(bytes.len())));
    }
    // Everything is checked: the entry joins the group.
    let actor = match &event.body {
        Body::Registration(r) => {
            let subject = registry
                .apply(r, seq)
                .map_err(|e| StoreError::Corrupt(format!("registry: {e}")))?;
            let record = registry.actor(&subject).expect("just applied");
            let json = serde_json::to_vec(record).expect("record serializes");
            Some((subject, json))
        }
        _ => None,
    };
    let entry = ReceiptEntry {
        seq,
        entry_hash: entry::entry_hash(&bytes),
        leaf: leaf_hash(&bytes),
        bytes,
        recorded: recorded.to_string(),
        event_id: signed.id,
    };
    Ok(Ok(Admitted::New(
        entry,
        NewRows {
            client,
            chains,
            actor,
        },
    )))
}

/// The record time of a group's entries, and that of the entry before the group.
struct RecordTimes<'a> {
    at: OffsetDateTime,
    text: &'a str,
    previous: OffsetDateTime,
}

/// What admission decided for one submission that is not refused.
enum Admitted {
    /// An idempotent resubmission: the entry already sequenced.
    Existing(ReceiptEntry),
    /// A new entry, and what the group records besides it.
    New(ReceiptEntry, NewRows),
}

struct NewRows {
    /// The client-id digest admission looked up.
    client: Digest,
    chains: Vec<String>,
    /// The actor record a registration changed: id and stored JSON.
    actor: Option<(String, Vec<u8>)>,
}

/// Why stage 3 failed: before its commit (nothing stored) or after (stored, but the
/// in-memory hash index could not follow).
enum WriteFailure {
    BeforeCommit(StoreError),
    AfterCommit(StoreError),
}

/// The tables admission reads from a committed snapshot.
struct SnapshotTables {
    entries: ReadOnlyTable<u64, &'static [u8]>,
    by_chain: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
    by_document: ReadOnlyTable<(&'static str, u64), &'static [u8]>,
}

impl SnapshotTables {
    fn open(txn: &ReadTransaction) -> Result<Self, StoreError> {
        Ok(SnapshotTables {
            entries: txn.open_table(ENTRIES)?,
            by_chain: txn.open_table(BY_CHAIN)?,
            by_document: txn.open_table(BY_DOCUMENT)?,
        })
    }
}

/// The log as admission sees it in the middle of a group: a committed snapshot, the groups
/// sequenced after it, and the group being built.
struct AppendView<'a> {
    snapshot: &'a SnapshotTables,
    /// Seqs below this are in the snapshot; the rest are in `pending` or `current`.
    visible: u64,
    pending: &'a std::collections::VecDeque<Arc<Pending>>,
    current: &'a Pending,
    hashes: &'a RwLock<HashIndex>,
    /// The client-id lookup admission made (the view serves one submission): the digest
    /// and the entry found, kept so that an idempotent resubmission's receipt and the new
    /// entry's index row reuse them.
    client_lookup: RefCell<Option<ClientLookup>>,
}

type ClientLookup = (Digest, Option<ReceiptEntry>);

impl AppendView<'_> {
    /// The client-id digest of `event`, from admission's lookup (it makes one for every
    /// submission it admits).
    fn client_digest(&self, event: &suyuan_format::event::Event) -> Digest {
        match &*self.client_lookup.borrow() {
            Some((digest, _)) => *digest,
            None => client_digest(&event.actor.0, &event.client_id),
        }
    }

    /// The entry admission's client-id lookup found.
    fn client_hit(&self) -> Option<ReceiptEntry> {
        self.client_lookup.borrow_mut().as_mut()?.1.take()
    }

    /// The groups not in the snapshot, newest first.
    fn groups(&self) -> impl Iterator<Item = &Pending> {
        std::iter::once(self.current).chain(self.pending.iter().rev().map(|g| &**g))
    }

    /// The entry whose `kind` hash is `hash`: its seq and bytes. `in_group` looks it up in
    /// a group's index rows.
    fn find(
        &self,
        hash: &Digest,
        kind: HashKind,
        in_group: fn(&IndexBatch, &Digest) -> Option<u64>,
    ) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        for group in self.groups() {
            if let Some(seq) = in_group(&group.index, hash) {
                let bytes = group.entry(seq).ok_or_else(|| {
                    StoreError::Corrupt(format!("entry {seq} missing from its group"))
                })?;
                return Ok(Some((seq, bytes.to_vec())));
            }
        }
        self.hashes.read().unwrap_or_else(|p| p.into_inner()).find(
            &self.snapshot.entries,
            hash,
            kind,
            self.visible,
        )
    }

    /// The stored bytes of entry `seq`, from its group or the snapshot.
    fn entry_bytes(&self, seq: u64) -> Result<Vec<u8>, StoreError> {
        match self.groups().find_map(|g| g.entry(seq)) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => Ok(self
                .snapshot
                .entries
                .get(seq)?
                .ok_or_else(|| StoreError::Corrupt(format!("entry {seq} missing")))?
                .value()
                .to_vec()),
        }
    }

    /// The entry hash of the latest entry of a chain.
    fn chain_head(&self, key: &str) -> Result<Option<Digest>, StoreError> {
        for group in self.groups() {
            if let Some(head) = group.index.chain_head(key) {
                return Ok(Some(head));
            }
        }
        stored_chain_head(&self.snapshot.by_chain, key)
    }
}

impl LogView for AppendView<'_> {
    type Error = StoreError;
    fn entry_by_hash(&self, hash: &Digest) -> Result<Option<EntryFacts>, StoreError> {
        match self.find(hash, HashKind::EntryHash, IndexBatch::seq_by_entry_hash)? {
            Some((seq, bytes)) => entry_facts(seq, &bytes).map(Some),
            None => Ok(None),
        }
    }
    fn document_exists(&self, key: &str) -> Result<bool, StoreError> {
        // Every entry naming a document requires (or is) its defining entry.
        Ok(self.groups().any(|g| g.index.names_document(key))
            || self
                .snapshot
                .by_document
                .range((key, 0)..=(key, u64::MAX))?
                .next()
                .is_some())
    }
    fn item_exists(&self, item: &str) -> Result<bool, StoreError> {
        Ok(self.chain_head(item)?.is_some())
    }
    fn order(&self, order_no: &str) -> Result<Option<OrderFacts>, StoreError> {
        // The first entry naming an order is the trade that defines it.
        let key = DocKind::Order.key(order_no);
        let stored = first_posting(&self.snapshot.by_document, &key)?;
        let Some(seq) = stored.or_else(|| {
            let oldest_first = self.pending.iter().map(|g| &**g).chain([self.current]);
            oldest_first
                .filter_map(|g| g.index.first_in_document(&key))
                .next()
        }) else {
            return Ok(None);
        };
        let bytes = self.entry_bytes(seq)?;
        order_facts(seq, &bytes, order_no).map(Some)
    }
    fn customs_records(&self, order_no: &str) -> Result<Vec<RecordView>, StoreError> {
        let key = DocKind::CustomsOrder.key(order_no);
        let mut seqs = Vec::new();
        read_postings(&self.snapshot.by_document, &key, SEQ_RECORD, |r| {
            seqs.push(record_seq(r))
        })?;
        let oldest_first = self.pending.iter().map(|g| &**g).chain([self.current]);
        for group in oldest_first {
            seqs.extend(group.index.document_seqs(&key));
        }
        let mut records = Vec::new();
        for seq in seqs {
            let bytes = self.entry_bytes(seq)?;
            if let Some(record) = customs_record(seq, &bytes)? {
                records.push(record);
            }
        }
        Ok(records)
    }
    fn client_use(&self, actor: &str, client_id: &str) -> Result<Option<ClientUse>, StoreError> {
        let digest = client_digest(actor, client_id);
        let hit = match self.find(&digest, HashKind::ClientId, IndexBatch::client_seq)? {
            Some((_, bytes)) => Some(
                ReceiptEntry::from_stored(bytes)
                    .map_err(|e| StoreError::Corrupt(format!("stored entry: {e}")))?,
            ),
            None => None,
        };
        let used = hit.as_ref().map(|e| ClientUse {
            seq: e.seq,
            event_id: e.event_id,
        });
        *self.client_lookup.borrow_mut() = Some((digest, hit));
        Ok(used)
    }
}

/// The public view a stored `customs_message` entry carries; `None` for an entry of
/// another type filed under the order (its verdict).
fn customs_record(seq: u64, bytes: &[u8]) -> Result<Option<RecordView>, StoreError> {
    #[derive(serde::Deserialize)]
    struct Typed<'a> {
        #[serde(rename = "type")]
        kind: EventType,
        #[serde(borrow)]
        body: &'a serde_json::value::RawValue,
    }
    #[derive(serde::Deserialize)]
    struct MessageBody {
        record: RecordView,
    }
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("entry {seq}: {e}"));
    let view = suyuan_format::entry::StoredEntry::parse(bytes).map_err(|e| corrupt(&e))?;
    let typed: Typed = serde_json::from_slice(view.event_bytes()).map_err(|e| corrupt(&e))?;
    if typed.kind != EventType::CustomsMessage {
        return Ok(None);
    }
    let body: MessageBody = serde_json::from_str(typed.body.get()).map_err(|e| corrupt(&e))?;
    Ok(Some(body.record))
}

/// The order a stored `trade` entry records (see [`OrderFacts::from_event_bytes`]).
fn order_facts(seq: u64, bytes: &[u8], order_no: &str) -> Result<OrderFacts, StoreError> {
    let corrupt = |e: &dyn std::fmt::Display| StoreError::Corrupt(format!("entry {seq}: {e}"));
    let view = suyuan_format::entry::StoredEntry::parse(bytes).map_err(|e| corrupt(&e))?;
    OrderFacts::from_event_bytes(view.event_bytes()).ok_or_else(|| {
        corrupt(&format!(
            "the first entry naming order {order_no} is not its trade"
        ))
    })
}

/// Facts about a stored entry: its type and signer from the event, its chains from `prev`.
pub(crate) fn entry_facts(seq: u64, bytes: &[u8]) -> Result<EntryFacts, StoreError> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "type")]
        kind: EventType,
        actor: String,
    }
    let view = EntryView::parse_stored(bytes)
        .map_err(|e| StoreError::Corrupt(format!("entry {seq}: {e}")))?;
    let head: Head = serde_json::from_slice(&view.event_bytes)
        .map_err(|e| StoreError::Corrupt(format!("entry {seq}: {e}")))?;
    Ok(EntryFacts {
        seq,
        kind: head.kind,
        actor: head.actor,
        chain_keys: view.prev.keys().cloned().collect(),
    })
}

/// Verifies the signatures of a group's submissions on all cores, 256 to a batch
/// verification (see [`verify_each`]).
fn verify_signatures(subs: &[Submission]) -> Vec<bool> {
    subs.par_chunks(256)
        .flat_map_iter(|chunk| {
            let checks: Vec<SignatureCheck<'_>> = chunk
                .iter()
                .map(|s| SignatureCheck {
                    key: &s.signed.event.key,
                    message: &s.signed.canonical_event,
                    signature: &s.signed.signature,
                })
                .collect();
            verify_each(EVENT_CONTEXT, &checks)
        })
        .collect()
}
