//! Suyuan's formats: what is signed, hashed, stored and served, byte by byte.
//!
//! Invariants of this crate, which everything above it relies on: it is bytes and math
//! only (no I/O, no storage, no async); an event's signed bytes are its RFC 8785
//! canonical JSON and an entry's bytes are stored and hashed verbatim, never re-encoded
//! to be verified; Ed25519 verification is strict and refuses weak keys; the Merkle tree
//! is RFC 6962 over SHA-256 and checkpoints are C2SP signed notes, while BLAKE3 is the
//! content hash (event ids, entry hashes, documents, private parts); an event that
//! parses here has passed every check that needs only the event itself, so a check that
//! needs the log (roles, keys, references) is the core's, never repeated here.

pub mod bundle;
pub mod checkpoint;
pub mod encoding;
pub mod entry;
pub mod event;
pub mod gs1;
pub mod hash;
pub mod heads;
pub mod jcs;
pub mod keys;
pub mod merkle;
pub mod private;
pub mod receipt;
pub mod roles;
pub mod submission;
pub mod time_format;
