//! The Suyuan ledger core: everything that decides what is true.
//!
//! Invariants of this crate, which the server, the CLI and the verifier rely on:
//! * The log is append-only. An entry's bytes are RFC 8785 canonical JSON, stored and
//!   hashed verbatim; nothing is re-encoded to be verified.
//! * The Merkle tree is RFC 6962 with SHA-256; checkpoints are C2SP signed notes; BLAKE3
//!   is the content hash (event ids, entry hashes, documents, private parts).
//! * Admission rules (`admission`) and the actor registry (`registry`) are the same code
//!   at ingest and at audit, so the ledger and the verifier cannot disagree.
//! * An entry is acknowledged only after the redb transaction holding it (entry, tree
//!   tiles, indexes, checkpoint) has committed durably.
//! * No HTTP, no async runtime: the crate is synchronous and usable from any caller.

pub mod admission;
pub mod audit;
pub mod bundle;
pub mod checkpoint;
pub mod encoding;
pub mod entry;
pub mod event;
pub mod export;
pub mod gs1;
pub mod hash;
pub mod hash_index;
pub mod history;
pub mod index;
pub mod jcs;
pub mod keys;
pub mod ledger;
pub mod merkle;
pub mod private;
pub mod reader;
pub mod receipt;
pub mod registry;
pub mod roles;
pub mod store;
pub mod tiles;
pub mod time_format;
pub mod warm;

pub use ledger::{BatchOutcome, Ledger, RegistrarSpec, Submission};
pub use store::StoreError;

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
