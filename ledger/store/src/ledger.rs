//! The ledger: one log in one data directory. It admits signed events, sequences them,
//! commits them durably in groups, signs checkpoints and receipts, and answers reads.
//!
//! Invariants: entries are only ever appended; an entry, its tree nodes, its index rows
//! and the checkpoint covering it are written in one redb transaction, so after any crash
//! the store holds a prefix of the acknowledged log and nothing else; a receipt is
//! returned only after that transaction has committed with fsync.

use crate::hash_index::{client_digest, HashIndex};
use crate::heads::HeadVersions;
use crate::index::IndexBatch;
use crate::tables::*;
use crate::tiles::{TileCache, TxNodes};
use redb::{Database, ReadableTable, ReadableTableMetadata};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use suyuan_core::admission::Refusal;
use suyuan_core::registry::{ActorRecord, Registry};
use suyuan_core::storage::LogReader;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::entry::EntryView;
use suyuan_format::event::{Body, SignedEvent};
use suyuan_format::heads::HeadMap;
use suyuan_format::keys::{PublicKey, SecretKey};
use suyuan_format::merkle::{self, Frontier};
use suyuan_format::receipt::Receipt;
use suyuan_format::time_format;
use time::OffsetDateTime;

pub use suyuan_format::submission::Submission;

/// The outcome of a batch: a receipt or a refusal per submission, and the checkpoint
/// that covers the batch.
pub struct BatchOutcome {
    pub results: Vec<Result<Receipt, Refusal>>,
    pub checkpoint: Checkpoint,
}

/// Who the genesis entry registers.
pub struct RegistrarSpec<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub jurisdiction: &'a str,
    pub key: &'a SecretKey,
}

/// The log as sequenced so far: what the next group is admitted against.
struct State {
    frontier: Frontier,
    registry: Registry,
    last_recorded: OffsetDateTime,
    /// The head map after the last group sequenced; built from the committed snapshot
    /// when the first group is.
    heads: Option<HeadMap>,
    /// Groups sequenced and not yet known to be committed, oldest first.
    pending: VecDeque<Arc<append::Pending>>,
    /// Ticket of the next group to be sequenced: groups are written in ticket order.
    next_ticket: u64,
}

pub struct Ledger {
    /// The open database. Replaced by a fresh handle after a failed commit (see
    /// [`Ledger::reopen`]): redb refuses every later read and write of a handle that saw
    /// an I/O error, and a full disk is one that passes.
    db: RwLock<Option<Arc<Database>>>,
    /// Why the write side is down (the last commit failed on I/O), if it is.
    write_down: Mutex<Option<WriteDown>>,
    /// How to open the database again when not through its path (a test's backend).
    opener: Option<Opener>,
    dir: PathBuf,
    origin: String,
    log_key: SecretKey,
    state: Mutex<State>,
    /// Whose turn it is to write (see [`append`]), and its signal.
    turn: Mutex<append::Turn>,
    turn_changed: Condvar,
    /// Groups with tickets below this are written (or failed): their entries are in every
    /// snapshot opened after this is read, and in `hashes`.
    written_below: AtomicU64,
    /// Entries and registry as of the last commit, for readers.
    committed_size: AtomicU64,
    committed_registry: RwLock<Arc<Registry>>,
    /// Event ids, entry hashes and client ids of every committed entry, updated after each
    /// commit (groups not yet in it are in `State::pending`).
    hashes: Arc<RwLock<HashIndex>>,
    /// Complete tree tiles and right-edge hashes, shared by readers' proofs.
    tiles: Arc<TileCache>,
    /// The head maps of the latest sizes, for readers' head proofs.
    head_versions: Arc<HeadVersions>,
    /// Size of redb's page cache, which [`Ledger::warm_cache`] fills.
    cache_bytes: usize,
}

mod append;
mod writer;

/// Opens the database through something other than its path.
type Opener = Box<dyn Fn() -> Result<Database, StoreError> + Send + Sync>;

/// Why the write side is down.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteDown {
    /// The disk is full (the commit failed with ENOSPC); writes resume when space returns.
    pub disk_full: bool,
    pub reason: String,
}

pub(crate) use writer::WriteTables;

const DEFAULT_ORIGIN: &str = "suyuan.local/log";

/// The log's signing key, kept beside the database in `dir`.
fn read_log_key(dir: &Path) -> Result<SecretKey, StoreError> {
    crate::key_file::read_key_file(&dir.join(LOG_KEY_FILE))
        .map_err(|e| StoreError::Corrupt(format!("log key: {e}")))
}

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
        crate::key_file::write_key_file(&log_key, &key_path).map_err(io_err(&key_path))?;
        let db = open_database(dir, true, crate::tables::DEFAULT_CACHE_BYTES)?;
        let txn = db.begin_write()?;
        create_tables(&txn)?;
        {
            let mut meta = txn.open_table(META)?;
            meta.insert("format_version", FORMAT_VERSION)?;
            meta.insert("origin", origin.as_bytes())?;
            meta.insert("log_public_key", log_key.public().to_string().as_bytes())?;
        }
        txn.commit()?;
        let ledger = Ledger::from_parts(db, dir, log_key, crate::tables::DEFAULT_CACHE_BYTES)?;
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
        Ledger::open_with_cache(dir, crate::tables::DEFAULT_CACHE_BYTES)
    }

    /// [`Ledger::open`] with a page cache of `cache_bytes`: a server sizes it to hold
    /// what it reads (see [`crate::warm`]).
    pub fn open_with_cache(dir: &Path, cache_bytes: usize) -> Result<Ledger, crate::LedgerError> {
        let db = open_database(dir, false, cache_bytes)?;
        Ledger::from_parts(db, dir, read_log_key(dir)?, cache_bytes)
    }

    /// [`Ledger::open`] of the log in `dir` whose database file is reached through the
    /// backends `backend` makes (see [`crate::tables::open_database_on`]; a fresh one
    /// each time the handle is replaced after a failed commit), with the same checks.
    pub fn open_on_backend<B: redb::StorageBackend>(
        dir: &Path,
        backend: impl Fn() -> Result<B, StoreError> + Send + Sync + 'static,
    ) -> Result<Ledger, crate::LedgerError> {
        let cache_bytes = crate::tables::DEFAULT_CACHE_BYTES;
        let opener: Opener =
            Box::new(move || crate::tables::open_database_on(backend()?, cache_bytes));
        let db = opener()?;
        let mut ledger = Ledger::from_parts(db, dir, read_log_key(dir)?, cache_bytes)?;
        ledger.opener = Some(opener);
        Ok(ledger)
    }

    fn from_parts(
        db: Database,
        dir: &Path,
        log_key: SecretKey,
        cache_bytes: usize,
    ) -> Result<Ledger, crate::LedgerError> {
        crate::guard::guard("opening the store", || {
            Ledger::load(db, dir, log_key, cache_bytes)
        })
    }

    /// Reads what the ledger keeps in memory, checking the store's integrity.
    fn load(
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
            db: RwLock::new(Some(Arc::new(db))),
            write_down: Mutex::new(None),
            opener: None,
            dir: dir.to_path_buf(),
            origin,
            log_key,
            turn: Mutex::default(),
            turn_changed: Condvar::new(),
            written_below: AtomicU64::new(0),
            committed_size: AtomicU64::new(size),
            committed_registry: RwLock::new(Arc::new(registry.clone())),
            state: Mutex::new(State {
                frontier,
                registry,
                last_recorded,
                heads: None,
                pending: VecDeque::new(),
                next_ticket: 0,
            }),
            hashes: Arc::new(RwLock::new(hashes)),
            tiles: Arc::default(),
            head_versions: Arc::default(),
            cache_bytes,
        })
    }

    /// Fills the tile cache with the hash tiles, then reads the other tables into the
    /// page cache, as much as fits in its read share (see [`crate::warm`]). Meant for a
    /// background thread of a server at start.
    pub fn warm_cache(&self) -> Result<crate::warm::Warmed, StoreError> {
        crate::guard::guard("warming the cache", || self.warm_cache_unguarded())
    }

    fn warm_cache_unguarded(&self) -> Result<crate::warm::Warmed, StoreError> {
        // The head map, which the first group would otherwise build under its lock.
        self.build_heads()?;
        // redb gives reads nine tenths of the cache; leave a margin for the pages
        // that new requests and commits bring in meanwhile.
        // The hash tiles go to the ledger's own tile cache, which proofs read first.
        let db = self.db()?;
        self.tiles.fill(&db.begin_read()?)?;
        let budget = self.cache_bytes as u64 / 10 * 8;
        crate::warm::warm(&db, budget)
    }

    /// Builds the head map of the committed log for the sequencer, if no group has yet.
    fn build_heads(&self) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.heads.is_none() && state.pending.is_empty() {
            let size = state.frontier.size();
            state.heads = Some(self.committed_heads(size)?);
        }
        Ok(())
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

    /// The open database, or why there is none (a reopen after a failed commit that
    /// could not finish yet).
    fn db(&self) -> Result<Arc<Database>, StoreError> {
        if let Some(db) = &*self.db.read().unwrap_or_else(|p| p.into_inner()) {
            return Ok(db.clone());
        }
        self.reopen()
    }

    /// Replaces the database handle after a failed commit: the store on disk holds what
    /// was last committed (redb's commits are atomic), so a fresh handle reads and writes
    /// it again. Readers still holding the old handle's snapshots keep its file lock for
    /// as long as their requests last, so this waits for them a little, then leaves the
    /// next read or write to try again.
    fn reopen(&self) -> Result<Arc<Database>, StoreError> {
        let mut slot = self.db.write().unwrap_or_else(|p| p.into_inner());
        if let Some(db) = &*slot {
            return Ok(db.clone());
        }
        let mut last = None;
        for _ in 0..100 {
            let opened = match &self.opener {
                Some(open) => open(),
                None => open_database(&self.dir, false, self.cache_bytes),
            };
            match opened {
                Ok(db) => {
                    let db = Arc::new(db);
                    *slot = Some(db.clone());
                    return Ok(db);
                }
                // Old snapshots still hold the file: wait for them.
                Err(StoreError::Db(e)) if matches!(*e, redb::Error::DatabaseAlreadyOpen) => {
                    last = Some(StoreError::Db(e))
                }
                Err(e) => return Err(e),
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Err(last.expect("at least one attempt"))
    }

    /// Drops the handle that saw an I/O error and opens a fresh one (or leaves that to
    /// the next call of [`Ledger::db`]).
    fn discard_handle(&self) {
        let old = self.db.write().unwrap_or_else(|p| p.into_inner()).take();
        drop(old);
        // A reopen that cannot finish yet is retried by the next read or write, which
        // reports the error if it persists.
        let _ = self.reopen();
    }

    /// Why the write side is down, if it is: the last commit failed on I/O (a full disk
    /// says so). Cleared by the next commit that succeeds.
    pub fn write_down(&self) -> Option<WriteDown> {
        self.write_down
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    // ---- reads ----

    /// Entries committed.
    pub fn size(&self) -> u64 {
        self.committed_size.load(Ordering::Acquire)
    }

    /// The actor registry as of the last commit.
    pub fn registry(&self) -> Registry {
        Registry::clone(
            &self
                .committed_registry
                .read()
                .unwrap_or_else(|p| p.into_inner()),
        )
    }

    pub fn entry(&self, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.read()?.entry(seq)?)
    }

    pub fn seq_by_entry_hash(&self, hash: &Digest) -> Result<Option<u64>, StoreError> {
        Ok(self.read()?.seq_by_entry_hash(hash)?)
    }

    pub fn seq_by_event_id(&self, id: &Digest) -> Result<Option<u64>, StoreError> {
        Ok(self.read()?.seq_by_event_id(id)?)
    }

    /// The latest checkpoint.
    pub fn latest_checkpoint(&self) -> Result<Checkpoint, StoreError> {
        let txn = self.db()?.begin_read()?;
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
        Ok(self.read()?.inclusion_proof(seq, size)?)
    }

    pub fn consistency_proof(&self, first: u64, second: u64) -> Result<Vec<Digest>, StoreError> {
        Ok(self.read()?.consistency_proof(first, second)?)
    }

    /// A read transaction, for callers that need many reads from one snapshot.
    pub fn read(&self) -> Result<crate::reader::Reader, StoreError> {
        crate::reader::Reader::with_caches(
            self.db()?.begin_read()?,
            self.hashes.clone(),
            self.tiles.clone(),
            self.head_versions.clone(),
        )
    }

    /// Drops and rebuilds every derived index (and the registry) from the entries. An
    /// offline repair: it refuses to run while groups are being appended.
    pub fn rebuild_indexes(&self) -> Result<u64, crate::LedgerError> {
        let turn = self.turn.lock().unwrap_or_else(|p| p.into_inner());
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if !turn.is_idle(state.next_ticket) {
            return Err(crate::LedgerError::Usage(
                "indexes cannot be rebuilt while events are being appended".into(),
            ));
        }
        let (count, registry, hashes) = rebuild_derived(&*self.db()?)?;
        *self
            .committed_registry
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Arc::new(registry.clone());
        state.registry = registry;
        state.heads = None;
        self.head_versions.withdraw_from(0);
        *self.hashes.write().unwrap_or_else(|p| p.into_inner()) = hashes;
        Ok(count)
    }

    /// Rebuilds the derived tables of the log in `dir` from its entries, without opening
    /// it as a [`Ledger`] (which loads those tables, and refuses damaged ones): the repair
    /// for a store whose audit names differences in derived tables. Returns the number of
    /// entries indexed.
    pub fn reindex(dir: &Path) -> Result<u64, crate::LedgerError> {
        let db = open_database(dir, false, crate::tables::DEFAULT_CACHE_BYTES)?;
        Ok(rebuild_derived(&db)?.0)
    }
}

/// Drops every derived table and writes it anew from the entries, in one transaction:
/// returns the entry count, the registry and the hash index the entries make.
fn rebuild_derived(db: &Database) -> Result<(u64, Registry, HashIndex), StoreError> {
    let txn = db.begin_write()?;
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
                let event = suyuan_format::event::Event::parse_bytes(&view.event_bytes)
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
            index.write(t.index_tables())?;
            if let Some((first, records)) = index.hash_row() {
                hashes.push_row(first, records)?;
            }
        }
        for record in registry.actors() {
            t.actors.insert(
                record.id.as_str(),
                serde_json::to_vec(record).expect("serializes").as_slice(),
            )?;
        }
    }
    txn.commit()?;
    Ok((count, registry, hashes))
}
