//! The embedded store: one redb database file in the data directory.
//!
//! Source of truth: `entries` (seq → entry bytes, verbatim), `tree_tiles` (complete
//! Merkle subtree hashes, sixteen to a row: see [`crate::tiles`]), `checkpoints` (tree
//! size → signed note), `private` (seq → private part) and `meta`. Everything else is an
//! index derived from the entries and can be rebuilt (`Ledger::rebuild_indexes`). Every write is one redb transaction committed
//! with `Durability::Immediate`: it returns only once fsync'd.

use redb::{Database, ReadTransaction, ReadableTableMetadata, TableDefinition};
use std::path::{Path, PathBuf};

pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub const ENTRIES: TableDefinition<u64, &[u8]> = TableDefinition::new("entries");
/// Key: level in the top 6 bits, tile index below (see [`node_key`] and [`crate::tiles`]).
pub const TREE_TILES: TableDefinition<u64, &[u8]> = TableDefinition::new("tree_tiles");
pub const CHECKPOINTS: TableDefinition<u64, &str> = TableDefinition::new("checkpoints");
pub const PRIVATE: TableDefinition<u64, &[u8]> = TableDefinition::new("private");

// Derived indexes, written once per group commit (see [`crate::index`]). The four
// posting-list indexes are keyed (key, first seq of the row) and hold the packed seqs a
// group added for that key, so one key's entries are one ordered range scan.
/// First seq of a group → per entry 48 bytes: 16-byte prefixes of its event id, entry
/// hash and client-id digest (see [`crate::hash_index`], which holds them in memory).
pub const HASH_ROWS: TableDefinition<u64, &[u8]> = TableDefinition::new("hash_rows");
/// (chain key (item path or `actor:ID`), first seq) → records of (seq u64 BE, entry
/// hash); the last record of a chain's last row is its head.
pub const BY_CHAIN: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("by_chain");
/// (`kind:number` (order, payment, waybill, declaration), first seq) → seqs (u64 BE).
pub const BY_DOCUMENT: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("by_document");
/// (actor id, first seq) → seqs (u64 BE).
pub const BY_ACTOR: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("by_actor");
/// (event type, first seq) → seqs (u64 BE).
pub const BY_TYPE: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("by_type");
/// Actor id → JSON of its registry record (roles, keys and their validity).
pub const ACTORS: TableDefinition<&str, &[u8]> = TableDefinition::new("actors");

pub const DB_FILE: &str = "suyuan.redb";
pub const LOG_KEY_FILE: &str = "log.key";
pub const FORMAT_VERSION: &[u8] = b"2";

/// Packs a node's position: level (0 = leaves) in the top 6 bits, index below.
pub fn node_key(level: u8, index: u64) -> u64 {
    debug_assert!(index < 1 << 58);
    ((level as u64) << 58) | index
}

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage: {0}")]
    Db(Box<redb::Error>),
    #[error("I/O on {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a Suyuan data directory (run `suyuan init --data {0}` first)")]
    NotInitialized(String),
    #[error("{0} already holds a log")]
    AlreadyInitialized(String),
    #[error("store failed its integrity check: {0}")]
    Corrupt(String),
    #[error("an earlier group this one was admitted against failed to commit ({reason}); nothing of this group was stored")]
    EarlierGroupFailed { reason: String, disk_full: bool },
}

impl StoreError {
    /// Whether the disk refused to store more (ENOSPC), here or in the group this one
    /// was admitted against.
    pub fn is_disk_full(&self) -> bool {
        match self {
            StoreError::EarlierGroupFailed { disk_full, .. } => *disk_full,
            StoreError::Db(e) => matches!(&**e, redb::Error::Io(io) if is_full(io)),
            StoreError::Io { source, .. } => is_full(source),
            _ => false,
        }
    }

    /// Whether this is an I/O failure of the database file, after which redb refuses
    /// every further use of the handle that saw it.
    pub fn is_io(&self) -> bool {
        matches!(self, StoreError::Db(e) if matches!(&**e, redb::Error::Io(_) | redb::Error::PreviousIo))
    }
}

fn is_full(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28)
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(impl From<$t> for StoreError {
        fn from(e: $t) -> Self { StoreError::Db(Box::new(e.into())) }
    })*};
}
from_redb!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<StoreError> for suyuan_core::storage::StorageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Corrupt(what) => suyuan_core::storage::StorageError::Corrupt(what),
            other => suyuan_core::storage::StorageError::Backend(Box::new(other)),
        }
    }
}

impl From<suyuan_core::storage::StorageError> for StoreError {
    fn from(e: suyuan_core::storage::StorageError) -> Self {
        match e {
            suyuan_core::storage::StorageError::Corrupt(what) => StoreError::Corrupt(what),
            suyuan_core::storage::StorageError::Backend(inner) => {
                match inner.downcast::<StoreError>() {
                    Ok(store) => *store,
                    Err(other) => StoreError::Corrupt(other.to_string()),
                }
            }
        }
    }
}

pub fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Creates every table, so that readers never meet a missing one.
pub fn create_tables(txn: &redb::WriteTransaction) -> Result<(), StoreError> {
    txn.open_table(META)?;
    txn.open_table(ENTRIES)?;
    txn.open_table(TREE_TILES)?;
    txn.open_table(CHECKPOINTS)?;
    txn.open_table(PRIVATE)?;
    txn.open_table(HASH_ROWS)?;
    txn.open_table(BY_CHAIN)?;
    txn.open_table(BY_DOCUMENT)?;
    txn.open_table(BY_ACTOR)?;
    txn.open_table(BY_TYPE)?;
    txn.open_table(ACTORS)?;
    Ok(())
}

/// The page cache of a store opened for one command (redb's own default).
pub const DEFAULT_CACHE_BYTES: usize = 1 << 30;

/// Opens (or creates) the database file of a data directory with a page cache of
/// `cache_bytes` (redb keeps nine tenths for reads, one tenth for writes).
pub fn open_database(dir: &Path, create: bool, cache_bytes: usize) -> Result<Database, StoreError> {
    let path = dir.join(DB_FILE);
    if !create && !path.exists() {
        return Err(StoreError::NotInitialized(dir.display().to_string()));
    }
    crate::guard::guard("opening the database file", || {
        let mut builder = Database::builder();
        builder.set_cache_size(cache_bytes);
        Ok(if create {
            builder.create(&path)?
        } else {
            builder.open(&path)?
        })
    })
}

/// Opens an existing database on `backend` instead of through its path. Fault-injection
/// tests wrap the file's own backend (`redb::backends::FileBackend`) to fail on demand,
/// since nothing else makes a real commit fail short of filling the disk.
pub fn open_database_on(
    backend: impl redb::StorageBackend,
    cache_bytes: usize,
) -> Result<Database, StoreError> {
    crate::guard::guard("opening the database file", || {
        let mut builder = Database::builder();
        builder.set_cache_size(cache_bytes);
        Ok(builder.create_with_backend(backend)?)
    })
}

/// Number of entries stored.
pub fn entry_count(txn: &ReadTransaction) -> Result<u64, StoreError> {
    Ok(txn.open_table(ENTRIES)?.len()?)
}
