//! The ledger: one log in one data directory. It admits signed events, sequences them,
//! commits them durably in groups, signs checkpoints and receipts, and answers reads.
//!
//! Invariants: entries are only ever appended; an entry, its tree nodes, its index rows
//! and the checkpoint covering it are written in one redb transaction, so after any crash
//! the store holds a prefix of the acknowledged log and nothing else; a receipt is
//! returned only after that transaction has committed with fsync.

use crate::admission::{admit, AdmitError, EntryFacts, LogView, Refusal};
use crate::checkpoint::{Checkpoint, LogKey};
use crate::encoding::Digest;
use crate::entry::{self, EntryView, MAX_ENTRY_BYTES};
use crate::event::body::RegistrationAction;
use crate::event::{Body, SignedEvent};
use crate::hash::leaf_hash;
use crate::hash_index::{client_digest, HashIndex, HashKind};
use crate::index::{stored_chain_head, IndexBatch, IndexTables};
use crate::keys::{batch_verifies, PublicKey, SecretKey, SignatureCheck, EVENT_CONTEXT};
use crate::merkle::{self, Frontier, SparseNodes};
use crate::private::PrivatePart;
use crate::receipt::{Receipt, ReceiptEntry};
use crate::registry::{ActorRecord, Registry};
use crate::roles::EventType;
use crate::store::*;
use crate::tiles::{self, TileCache, TxNodes};
use crate::time_format;
use rayon::prelude::*;
use redb::{Database, ReadableTable, ReadableTableMetadata, Table};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use time::OffsetDateTime;

/// One event to append, with its private part if it has one.
pub struct Submission {
    pub signed: SignedEvent,
    pub private: Option<PrivatePart>,
}

/// The outcome of a batch: a receipt or a refusal per submission, and the checkpoint
/// that covers the batch.
pub struct BatchOutcome {
    pub results: Vec<Result<Receipt, Refusal>>,
    pub checkpoint: Checkpoint,
}

/// What a committed group hands to receipt making.
struct Committed {
    results: Vec<Result<ReceiptEntry, Refusal>>,
    checkpoint: Checkpoint,
    /// The frontier's roots before the group, then the nodes it created: enough to prove
    /// every entry the group appended (put in a map after the writer lock is released).
    nodes: Vec<(u8, u64, Digest)>,
    appended_from: u64,
}

/// Who the genesis entry registers.
pub struct RegistrarSpec<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub jurisdiction: &'a str,
    pub key: &'a SecretKey,
}

struct State {
    frontier: Frontier,
    registry: Registry,
    last_recorded: OffsetDateTime,
}

pub struct Ledger {
    db: Database,
    dir: PathBuf,
    origin: String,
    log_key: SecretKey,
    state: Mutex<State>,
    /// Event ids, entry hashes and client ids of every committed entry. Updated under the
    /// `state` lock after each commit, so a group always sees every earlier group.
    hashes: Arc<RwLock<HashIndex>>,
    /// Complete tree tiles and right-edge hashes, shared by readers' proofs.
    tiles: Arc<TileCache>,
    /// Size of redb's page cache, which [`Ledger::warm_cache`] fills.
    cache_bytes: usize,
}

const DEFAULT_ORIGIN: &str = "suyuan.local/log";

impl Ledger {
    /// Creates a new log in `dir` with a fresh log key and its genesis entry.
    pub fn init(
        dir: &Path,
        origin: Option<&str>,
        registrar: RegistrarSpec<'_>,
    ) -> Result<Ledger, crate::LedgerError> {
        let origin = origin.unwrap_or(DEFAULT_ORIGIN);
        if origin.is_empty() || origin.contains(char::is_whitespace) || origin.contains('+') {
            return Err(crate::LedgerError::Usage(format!(
                "origin {origin:?} must be non-empty, without spaces or '+'"
            )));
        }
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        if dir.join(DB_FILE).exists() {
            return Err(StoreError::AlreadyInitialized(dir.display().to_string()).into());
        }
        let log_key = SecretKey::generate();
        let key_path = dir.join(LOG_KEY_FILE);
        log_key.write_file(&key_path).map_err(io_err(&key_path))?;
        let db = open_database(dir, true, crate::store::DEFAULT_CACHE_BYTES)?;
        let txn = db.begin_write()?;
        create_tables(&txn)?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("format_version", FORMAT_VERSION)?;
            meta.insert("origin", origin.as_bytes())?;
            meta.insert("log_public_key", log_key.public().to_string().as_bytes())?;
        }
        txn.commit()?;
        let ledger = Ledger::from_parts(db, dir, log_key, crate::store::DEFAULT_CACHE_BYTES)?;
        let genesis = serde_json::json!({
            "type": "registration",
            "client_id": "genesis",
            "actor": registrar.id,
            "key": registrar.key.public().to_string(),
            "time": time_format::rfc3339(time_format::now_ms()),
            "body": {
                "action": "genesis",
                "subject": registrar.id,
                "name": registrar.name,
                "jurisdiction": registrar.jurisdiction,
                "roles": ["registrar"],
                "keys": [registrar.key.public().to_string()],
            }
        });
        let signed = SignedEvent::sign(genesis, registrar.key)
            .map_err(|e| crate::LedgerError::Usage(format!("genesis: {e}")))?;
        let outcome = ledger.append_batch(vec![Submission {
            signed,
            private: None,
        }])?;
        if let Some(Err(refusal)) = outcome.results.into_iter().next() {
            return Err(crate::LedgerError::Usage(format!(
                "genesis refused: {refusal}"
            )));
        }
        Ok(ledger)
    }

    /// Opens an existing log and checks its integrity before serving anything.
    pub fn open(dir: &Path) -> Result<Ledger, crate::LedgerError> {
        Ledger::open_with_cache(dir, crate::store::DEFAULT_CACHE_BYTES)
    }

    /// [`Ledger::open`] with a page cache of `cache_bytes`: a server sizes it to hold
    /// what it reads (see [`crate::warm`]).
    pub fn open_with_cache(dir: &Path, cache_bytes: usize) -> Result<Ledger, crate::LedgerError> {
        let db = open_database(dir, false, cache_bytes)?;
        let key_path = dir.join(LOG_KEY_FILE);
        let log_key = SecretKey::read_file(&key_path)
            .map_err(|e| StoreError::Corrupt(format!("log key: {e}")))?;
        Ledger::from_parts(db, dir, log_key, cache_bytes)
    }

    fn from_parts(
        db: Database,
        dir: &Path,
        log_key: SecretKey,
        cache_bytes: usize,
    ) -> Result<Ledger, crate::LedgerError> {
        let txn = db.begin_read()?;
        let meta = txn.open_table(META)?;
        let get = |k: &str| -> Result<String, StoreError> {
            let v = meta
                .get(k)?
                .ok_or_else(|| StoreError::Corrupt(format!("meta {k} missing")))?;
            Ok(String::from_utf8_lossy(v.value()).into_owned())
        };
        if get("format_version")?.as_bytes() != FORMAT_VERSION {
            return Err(StoreError::Corrupt("unknown store format version".into()).into());
        }
        let origin = get("origin")?;
        if get("log_public_key")? != log_key.public().to_string() {
            return Err(
                StoreError::Corrupt("log.key does not match the log's public key".into()).into(),
            );
        }
        let size = entry_count(&txn)?;
        let nodes = TxNodes::new(&txn, None)?;
        let frontier = Frontier::load(&nodes, size)?;
        let mut last_recorded = OffsetDateTime::UNIX_EPOCH;
        if size > 0 {
            // Integrity: the last entry is the last leaf, and the latest checkpoint signs
            // the current root.
            let entries = txn.open_table(ENTRIES)?;
            let last = entries
                .get(size - 1)?
                .ok_or_else(|| StoreError::Corrupt(format!("entry {} missing", size - 1)))?;
            let view = EntryView::parse(last.value())
                .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", size - 1)))?;
            if view.seq != size - 1
                || view.leaf_hash() != merkle::NodeSource::node(&nodes, 0, size - 1)?
            {
                return Err(StoreError::Corrupt(format!(
                    "entry {} does not match its leaf",
                    size - 1
                ))
                .into());
            }
            last_recorded = time_format::parse(&view.recorded).unwrap_or(last_recorded);
            let checkpoints = txn.open_table(CHECKPOINTS)?;
            let (cp_size, note) = match checkpoints.last()? {
                Some((k, v)) => (k.value(), v.value().to_string()),
                None => return Err(StoreError::Corrupt("no checkpoint".into()).into()),
            };
            let log_pub = LogKey {
                name: Some(origin.clone()),
                key: log_key.public(),
            };
            let cp = Checkpoint::verify(&note, &log_pub)
                .map_err(|e| StoreError::Corrupt(format!("latest checkpoint: {e}")))?;
            if cp_size != size || cp.size != size || cp.root != frontier.root() {
                return Err(StoreError::Corrupt(format!(
                    "latest checkpoint (size {}) does not match the tree (size {size})",
                    cp.size
                ))
                .into());
            }
        }
        let hashes = HashIndex::load(&txn.open_table(HASH_ROWS)?)?;
        if hashes.len() != size {
            return Err(StoreError::Corrupt(format!(
                "hash index rows cover {} of {size} entries",
                hashes.len()
            ))
            .into());
        }
        let mut registry = Registry::default();
        for row in txn.open_table(ACTORS)?.iter()? {
            let (_, v) = row?;
            let record: ActorRecord = serde_json::from_slice(v.value())
                .map_err(|e| StoreError::Corrupt(format!("actor record: {e}")))?;
            registry.insert_record(record);
        }
        drop(meta);
        Ok(Ledger {
            db,
            dir: dir.to_path_buf(),
            origin,
            log_key,
            state: Mutex::new(State {
                frontier,
                registry,
                last_recorded,
            }),
            hashes: Arc::new(RwLock::new(hashes)),
            tiles: Arc::default(),
            cache_bytes,
        })
    }

    /// Fills the tile cache with the hash tiles, then reads the other tables into the
    /// page cache, as much as fits in its read share (see [`crate::warm`]). Meant for a
    /// background thread of a server at start.
    pub fn warm_cache(&self) -> Result<crate::warm::Warmed, StoreError> {
        // redb gives reads nine tenths of the cache; leave a margin for the pages
        // that new requests and commits bring in meanwhile.
        // The hash tiles go to the ledger's own tile cache, which proofs read first.
        self.tiles.fill(&self.db.begin_read()?)?;
        let budget = self.cache_bytes as u64 / 10 * 8;
        crate::warm::warm(&self.db, budget)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn origin(&self) -> &str {
        &self.origin
    }
    pub fn log_public_key(&self) -> PublicKey {
        self.log_key.public()
    }
    /// The C2SP verifier key of this log.
    pub fn verifier_key(&self) -> String {
        LogKey::verifier_key(&self.origin, &self.log_key.public())
    }
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Verifies signatures of many submissions on all cores, in batches of 256 (larger
    /// batches cost less per signature). A batch that fails is split in halves until its
    /// bad signatures are found, so a forged signature costs a few more batches rather
    /// than 256 single verifications.
    fn verify_signatures(subs: &[Submission]) -> Vec<bool> {
        const CHUNK: usize = 256;
        subs.par_chunks(CHUNK)
            .flat_map_iter(|chunk| {
                let mut ok = vec![false; chunk.len()];
                Self::verify_bisecting(chunk, &mut ok);
                ok.into_iter()
            })
            .collect()
    }

    fn verify_bisecting(subs: &[Submission], ok: &mut [bool]) {
        if subs.len() <= 4 {
            for (s, o) in subs.iter().zip(ok) {
                *o = s.signed.verify_signature().is_ok();
            }
            return;
        }
        let checks: Vec<SignatureCheck<'_>> = subs
            .iter()
            .map(|s| SignatureCheck {
                key: &s.signed.event.key,
                message: &s.signed.canonical_event,
                signature: &s.signed.signature,
            })
            .collect();
        if batch_verifies(EVENT_CONTEXT, &checks) {
            ok.fill(true);
            return;
        }
        let mid = subs.len() / 2;
        let (left, right) = ok.split_at_mut(mid);
        Self::verify_bisecting(&subs[..mid], left);
        Self::verify_bisecting(&subs[mid..], right);
    }

    /// Admits, sequences and durably commits a group of submissions in one transaction.
    /// Refused submissions are reported and leave no trace; the others get receipts that
    /// are returned only after the commit is on disk.
    pub fn append_batch(&self, subs: Vec<Submission>) -> Result<BatchOutcome, StoreError> {
        let sig_ok = Self::verify_signatures(&subs);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let snapshot = (
            state.frontier.clone(),
            state.registry.clone(),
            state.last_recorded,
        );
        let result = self.append_locked(&mut state, &subs, &sig_ok);
        if result.is_err() {
            (state.frontier, state.registry, state.last_recorded) = snapshot;
        }
        drop(state);
        let committed = result?;
        // Durable now: prove each entry against the group's checkpoint, outside the lock.
        let (size, origin) = (committed.checkpoint.size, self.origin.as_str());
        let nodes: SparseNodes = committed.nodes.into_iter().collect();
        let earlier = committed
            .results
            .iter()
            .any(|r| matches!(r, Ok(a) if a.seq < committed.appended_from));
        let reader = if earlier { Some(self.read()?) } else { None };
        let results = committed
            .results
            .into_par_iter()
            .map(|r| -> Result<Result<Receipt, Refusal>, StoreError> {
                let Ok(a) = r else {
                    return Ok(Err(r.err().expect("refusal")));
                };
                let proof = match &reader {
                    Some(reader) if a.seq < committed.appended_from => {
                        reader.inclusion_proof(a.seq, size)?
                    }
                    _ => merkle::inclusion_proof(&nodes, a.seq, size).map_err(|m| {
                        StoreError::Corrupt(format!(
                            "group proof: node level {} index {} missing",
                            m.level, m.index
                        ))
                    })?,
                };
                Ok(Ok(a.receipt(origin, &proof, &committed.checkpoint)))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(BatchOutcome {
            results,
            checkpoint: committed.checkpoint,
        })
    }

    fn append_locked(
        &self,
        state: &mut State,
        subs: &[Submission],
        sig_ok: &[bool],
    ) -> Result<Committed, StoreError> {
        let recorded_at = time_format::now_ms().max(state.last_recorded);
        let recorded = time_format::rfc3339(recorded_at);
        let txn = self.db.begin_write()?;
        let mut results = Vec::with_capacity(subs.len());
        let appended_before = state.frontier.size();
        let mut nodes: Vec<_> = state.frontier.roots().collect();
        let checkpoint;
        let hash_row;
        {
            let hashes = self.hashes.read().unwrap_or_else(|p| p.into_inner());
            let mut t = WriteTables::open(&txn)?;
            let mut group = Group::default();
            for (sub, &sig_ok) in subs.iter().zip(sig_ok) {
                results.push(self.append_one(
                    state,
                    &mut t,
                    &mut group,
                    &hashes,
                    sub,
                    sig_ok,
                    recorded_at,
                    &recorded,
                )?);
            }
            tiles::write_nodes(&mut t.tiles, &group.nodes)?;
            nodes.append(&mut group.nodes);
            hash_row = group.index.write(t.index_tables())?;
            let size = state.frontier.size();
            checkpoint = Checkpoint::sign(&self.origin, size, state.frontier.root(), &self.log_key);
            if size != appended_before {
                t.checkpoints.insert(size, checkpoint.note.as_str())?;
            }
        }
        if state.frontier.size() != appended_before {
            txn.commit()?;
            state.last_recorded = recorded_at;
            if let Some((first, records)) = hash_row {
                self.hashes
                    .write()
                    .unwrap_or_else(|p| p.into_inner())
                    .push_row(first, &records)?;
            }
        } else {
            txn.abort()?;
        }
        Ok(Committed {
            results,
            checkpoint,
            nodes,
            appended_from: appended_before,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn append_one(
        &self,
        state: &mut State,
        t: &mut WriteTables<'_>,
        group: &mut Group,
        hashes: &HashIndex,
        sub: &Submission,
        sig_ok: bool,
        recorded_at: OffsetDateTime,
        recorded: &str,
    ) -> Result<Result<ReceiptEntry, Refusal>, StoreError> {
        let signed = &sub.signed;
        let event = &signed.event;
        // A signed event is identified by its signer's client id, so one lookup finds both
        // an idempotent resubmission (same event: a receipt for its entry) and a reuse.
        let client = client_digest(&event.actor.0, &event.client_id);
        let existing = match group.index.client_seq(&client) {
            Some(seq) => Some(self.stored(entry_bytes(&t.entries, seq)?)?),
            None => match hashes.find(&t.entries, &client, HashKind::ClientId, u64::MAX)? {
                Some((_, bytes)) => Some(self.stored(bytes)?),
                None => None,
            },
        };
        if let Some(existing) = existing {
            if existing.event_id == signed.id {
                return Ok(Ok(existing));
            }
            return Ok(Err(Refusal::ClientIdReused {
                actor: event.actor.0.clone(),
                client_id: event.client_id.clone(),
                existing: format!("event {}", existing.event_id),
            }));
        }
        let seq = state.frontier.size();
        // Key status before signature, so an unregistered signer hears that first.
        let genesis =
            matches!(&event.body, Body::Registration(r) if r.action == RegistrationAction::Genesis);
        if !genesis {
            if let Err(e) = state.registry.check_key(&event.actor.0, &event.key, seq) {
                return Ok(Err(Refusal::Key(e)));
            }
        }
        if !sig_ok {
            return Ok(Err(Refusal::BadSignature {
                key: event.key.to_string(),
            }));
        }
        let view = GroupView {
            t,
            index: &group.index,
            hashes,
        };
        let chains = match admit(event, seq, recorded_at, &state.registry, &view) {
            Ok(chains) => chains,
            Err(AdmitError::Refused(r)) => return Ok(Err(r)),
            Err(AdmitError::View(e)) => return Err(e),
        };
        match (&event.private_digest, &sub.private) {
            (Some(d), Some(p)) if p.digest() != *d => {
                return Ok(Err(Refusal::Private(
                    "does not match the event's private_digest".into(),
                )))
            }
            (Some(_), None) => {
                return Ok(Err(Refusal::Private(
                    "the event has a private_digest but no private part was given".into(),
                )))
            }
            (None, Some(_)) => {
                return Ok(Err(Refusal::Private(
                    "a private part was given but the event has no private_digest".into(),
                )))
            }
            _ => {}
        }
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
        // Everything is checked; from here on only storage can fail, and that aborts the
        // whole transaction.
        let entry_hash = entry::entry_hash(&bytes);
        let leaf = leaf_hash(&bytes);
        t.entries.insert(seq, bytes.as_slice())?;
        let nodes = &mut group.nodes;
        state
            .frontier
            .push(leaf, |level, index, hash| nodes.push((level, index, hash)));
        group
            .index
            .add(seq, event, &signed.id, &entry_hash, &client, &chains);
        if let Some(p) = &sub.private {
            t.private.insert(seq, p.canonical.as_slice())?;
        }
        if let Body::Registration(r) = &event.body {
            let subject = state
                .registry
                .apply(r, seq)
                .map_err(|e| StoreError::Corrupt(format!("registry: {e}")))?;
            let record = state.registry.actor(&subject).expect("just applied");
            let json = serde_json::to_vec(record).expect("record serializes");
            t.actors.insert(subject.as_str(), json.as_slice())?;
        }
        Ok(Ok(ReceiptEntry {
            seq,
            bytes,
            recorded: recorded.to_string(),
            event_id: signed.id,
            entry_hash,
            leaf,
        }))
    }

    /// An already stored entry (idempotent resubmission, or the one a reused client id
    /// names).
    fn stored(&self, bytes: Vec<u8>) -> Result<ReceiptEntry, StoreError> {
        ReceiptEntry::from_stored(bytes)
            .map_err(|e| StoreError::Corrupt(format!("stored entry: {e}")))
    }

    // ---- reads ----

    pub fn size(&self) -> u64 {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .frontier
            .size()
    }

    pub fn registry(&self) -> Registry {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .registry
            .clone()
    }

    pub fn entry(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        self.read()?.entry(seq)
    }

    pub fn seq_by_entry_hash(&self, hash: &Digest) -> Result<Option<u64>, StoreError> {
        self.read()?.seq_by_entry_hash(hash)
    }

    pub fn seq_by_event_id(&self, id: &Digest) -> Result<Option<u64>, StoreError> {
        self.read()?.seq_by_event_id(id)
    }

    /// The latest checkpoint.
    pub fn latest_checkpoint(&self) -> Result<Checkpoint, StoreError> {
        let txn = self.db.begin_read()?;
        let t = txn.open_table(CHECKPOINTS)?;
        let (_, note) = t
            .last()?
            .ok_or_else(|| StoreError::Corrupt("no checkpoint".into()))?;
        self.parse_own_checkpoint(note.value())
    }

    fn parse_own_checkpoint(&self, note: &str) -> Result<Checkpoint, StoreError> {
        let key = LogKey {
            name: Some(self.origin.clone()),
            key: self.log_key.public(),
        };
        Checkpoint::verify(note, &key).map_err(|e| StoreError::Corrupt(format!("checkpoint: {e}")))
    }

    pub fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Digest>, StoreError> {
        self.read()?.inclusion_proof(seq, size)
    }

    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Digest>, StoreError> {
        self.read()?.consistency_proof(first, second)
    }

    /// A read transaction, for callers that need many reads from one snapshot.
    pub fn read(&self) -> Result<crate::reader::Reader, StoreError> {
        crate::reader::Reader::with_caches(
            self.db.begin_read()?,
            self.hashes.clone(),
            self.tiles.clone(),
        )
    }

    /// Drops and rebuilds every derived index (and the registry) from the entries.
    pub fn rebuild_indexes(&self) -> Result<u64, crate::LedgerError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let txn = self.db.begin_write()?;
        txn.delete_table(HASH_ROWS)?;
        txn.delete_table(ACTORS)?;
        txn.delete_table(BY_CHAIN)?;
        for def in [BY_DOCUMENT, BY_ACTOR, BY_TYPE] {
            txn.delete_table(def)?;
        }
        let mut registry = Registry::default();
        let mut hashes = HashIndex::default();
        let count;
        {
            let mut t = WriteTables::open(&txn)?;
            count = t.entries.len()?;
            let mut next = 0u64;
            loop {
                // Read a slice of entries, then index it: the entries table cannot be
                // read while the index tables of the same transaction are written.
                let mut slice = Vec::with_capacity(1024);
                for row in t.entries.range(next..)?.take(1024) {
                    let (k, v) = row?;
                    slice.push((k.value(), v.value().to_vec()));
                }
                let Some(&(last, _)) = slice.last() else {
                    break;
                };
                next = last + 1;
                let mut index = IndexBatch::default();
                for (seq, bytes) in slice {
                    let view = EntryView::parse(&bytes)
                        .map_err(|e| StoreError::Corrupt(format!("entry {seq}: {e}")))?;
                    let event = crate::event::Event::parse(&view.event)
                        .map_err(|e| StoreError::Corrupt(format!("entry {seq}: {e}")))?;
                    let chains: Vec<String> = view.prev.keys().cloned().collect();
                    let client = client_digest(&event.actor.0, &event.client_id);
                    index.add(seq, &event, &view.event_id, &view.hash(), &client, &chains);
                    if let Body::Registration(r) = &event.body {
                        registry
                            .apply(r, seq)
                            .map_err(|e| StoreError::Corrupt(format!("entry {seq}: {e}")))?;
                    }
                }
                if let Some((first, records)) = index.write(t.index_tables())? {
                    hashes.push_row(first, &records)?;
                }
            }
            for record in registry.actors() {
                t.actors.insert(
                    record.id.as_str(),
                    serde_json::to_vec(record).expect("serializes").as_slice(),
                )?;
            }
        }
        txn.commit().map_err(StoreError::from)?;
        state.registry = registry;
        *self.hashes.write().unwrap_or_else(|p| p.into_inner()) = hashes;
        Ok(count)
    }
}

/// What one group commit has gathered so far besides its entries: the tree nodes it
/// created and its index rows, written at the end of the group.
#[derive(Default)]
struct Group {
    nodes: Vec<(u8, u64, Digest)>,
    index: IndexBatch,
}

/// Every table the append path writes, opened once per transaction.
struct WriteTables<'t> {
    entries: Table<'t, u64, &'static [u8]>,
    tiles: Table<'t, u64, &'static [u8]>,
    checkpoints: Table<'t, u64, &'static str>,
    private: Table<'t, u64, &'static [u8]>,
    hash_rows: Table<'t, u64, &'static [u8]>,
    by_chain: Table<'t, (&'static str, u64), &'static [u8]>,
    by_document: Table<'t, (&'static str, u64), &'static [u8]>,
    by_actor: Table<'t, (&'static str, u64), &'static [u8]>,
    by_type: Table<'t, (&'static str, u64), &'static [u8]>,
    actors: Table<'t, &'static str, &'static [u8]>,
}

impl<'t> WriteTables<'t> {
    fn open(txn: &'t redb::WriteTransaction) -> Result<Self, StoreError> {
        Ok(WriteTables {
            entries: txn.open_table(ENTRIES)?,
            tiles: txn.open_table(TREE_TILES)?,
            checkpoints: txn.open_table(CHECKPOINTS)?,
            private: txn.open_table(PRIVATE)?,
            hash_rows: txn.open_table(HASH_ROWS)?,
            by_chain: txn.open_table(BY_CHAIN)?,
            by_document: txn.open_table(BY_DOCUMENT)?,
            by_actor: txn.open_table(BY_ACTOR)?,
            by_type: txn.open_table(BY_TYPE)?,
            actors: txn.open_table(ACTORS)?,
        })
    }

    fn index_tables(&mut self) -> IndexTables<'_, 't> {
        IndexTables {
            hash_rows: &mut self.hash_rows,
            by_chain: &mut self.by_chain,
            by_document: &mut self.by_document,
            by_actor: &mut self.by_actor,
            by_type: &mut self.by_type,
        }
    }
}

/// The bytes of entry `seq`, which must exist.
fn entry_bytes(
    entries: &impl ReadableTable<u64, &'static [u8]>,
    seq: u64,
) -> Result<Vec<u8>, StoreError> {
    Ok(entries
        .get(seq)?
        .ok_or_else(|| StoreError::Corrupt(format!("entry {seq} missing")))?
        .value()
        .to_vec())
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

/// The log as admission sees it in the middle of a group: the store as of this
/// transaction, plus the index rows of the group not yet written.
struct GroupView<'a, 't> {
    t: &'a WriteTables<'t>,
    index: &'a IndexBatch,
    hashes: &'a HashIndex,
}

impl GroupView<'_, '_> {
    /// The entry with this entry hash: its seq and bytes.
    fn entry_with_hash(&self, hash: &Digest) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        if let Some(seq) = self.index.seq_by_entry_hash(hash) {
            return Ok(Some((seq, entry_bytes(&self.t.entries, seq)?)));
        }
        self.hashes
            .find(&self.t.entries, hash, HashKind::EntryHash, u64::MAX)
    }

    /// The entry hash of the latest entry of a chain.
    fn chain_head(&self, key: &str) -> Result<Option<Digest>, StoreError> {
        match self.index.chain_head(key) {
            Some(head) => Ok(Some(head)),
            None => stored_chain_head(&self.t.by_chain, key),
        }
    }
}

impl LogView for GroupView<'_, '_> {
    type Error = StoreError;
    fn entry_by_hash(&self, hash: &Digest) -> Result<Option<EntryFacts>, StoreError> {
        match self.entry_with_hash(hash)? {
            Some((seq, bytes)) => entry_facts(seq, &bytes).map(Some),
            None => Ok(None),
        }
    }
    fn document_exists(&self, key: &str) -> Result<bool, StoreError> {
        // Every entry naming a document requires (or is) its defining entry.
        Ok(self.index.names_document(key)
            || self
                .t
                .by_document
                .range((key, 0)..=(key, u64::MAX))?
                .next()
                .is_some())
    }
    fn item_exists(&self, item: &str) -> Result<bool, StoreError> {
        Ok(self.chain_head(item)?.is_some())
    }
}
