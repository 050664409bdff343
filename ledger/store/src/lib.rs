//! Suyuan's embedded store: one log in one data directory, on redb.
//!
//! Invariants of this crate: it is the only crate that names redb, and it implements
//! the core's storage traits ([`suyuan_core::storage::LogReader`] for reads,
//! [`suyuan_core::storage::GroupWriter`] for group commits) without letting redb's
//! types out; entries are only ever appended; an entry, its tree nodes, its
//! index rows and the checkpoint covering it are written in one redb transaction
//! committed with fsync, so after any crash the store holds a prefix of the
//! acknowledged log and nothing else, and a receipt leaves only after that commit; the
//! append path admits with [`suyuan_core::admission::admit`], the function the auditor
//! uses; indexes are derived data, rebuilt from the entries by
//! [`Ledger::rebuild_indexes`]; a store that fails its integrity checks at open is
//! refused with a named error rather than served.

mod guard;
mod hash_index;
mod heads;
mod index;
mod key_file;
mod ledger;
mod reader;
mod tables;
mod tiles;
mod warm;

pub use guard::panic_is_guarded;
pub use key_file::{read_key_file, write_key_file};
pub use ledger::{BatchOutcome, Ledger, RegistrarSpec, Submission, WriteDown};
pub use reader::Reader;
pub use tables::{StoreError, DB_FILE, DEFAULT_CACHE_BYTES};
pub use warm::Warmed;

/// The store's building blocks, for the proof benchmark, which lays out a million-entry
/// tree directly rather than through a million signed events. Not an interface.
#[doc(hidden)]
pub mod bench_support {
    pub use crate::tables::{create_tables, open_database, ENTRIES, TREE_TILES};
    pub use crate::tiles::write_nodes;
}

/// Why a ledger could not be created or opened.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Usage(String),
}

macro_rules! ledger_from_redb {
    ($($t:ty),*) => {$(impl From<$t> for LedgerError {
        fn from(e: $t) -> Self { LedgerError::Store(e.into()) }
    })*};
}
ledger_from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<suyuan_core::storage::StorageError> for LedgerError {
    fn from(e: suyuan_core::storage::StorageError) -> Self {
        LedgerError::Store(e.into())
    }
}
