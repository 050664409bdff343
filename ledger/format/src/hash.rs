//! The two hash functions of the log, each with one job.
//!
//! * SHA-256 builds the RFC 6962 Merkle tree (leaf prefix 0x00, node prefix 0x01), because
//!   the transparency-log ecosystem (C2SP tlog-*, Go's sumdb/tlog, witnesses) fixes it.
//! * BLAKE3 is the content hash: event ids, entry hashes, documents, private-part digests.

use crate::encoding::Digest;
use sha2::{Digest as _, Sha256};

/// RFC 6962 leaf hash: SHA-256(0x00 ‖ entry bytes).
pub fn leaf_hash(entry: &[u8]) -> Digest {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    Digest(h.finalize().into())
}

/// RFC 6962 interior node hash: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Digest(h.finalize().into())
}

/// SHA-256 of the empty string: the root of the empty tree.
pub fn empty_root() -> Digest {
    Digest(Sha256::digest([]).into())
}

/// BLAKE3 content hash.
pub fn content_hash(bytes: &[u8]) -> Digest {
    Digest(*blake3::hash(bytes).as_bytes())
}

/// SHA-256 of the concatenation of `parts` (the head map's leaves and nodes).
pub fn sha256_of(parts: &[&[u8]]) -> Digest {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    Digest(h.finalize().into())
}

/// SHA-256 of arbitrary bytes (signed-note key ids).
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
