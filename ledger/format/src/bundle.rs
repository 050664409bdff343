//! Evidence bundles (`suyuan-bundle-v1`): everything needed to check one item's
//! history offline, with the log's key alone (docs/FORMAT.md §10).
//!
//! ```json
//! {"chains":["01/…", …],"checkpoint":"<signed note>",
//!  "entries":[{"entry":"<entry bytes as a JSON string>","proof":["<hex>",…],"seq":N,"via":"item"}, …],
//!  "format":"suyuan-bundle-v1",
//!  "heads":[{"count":N,"index":"chain","key":"01/…","last":S,"path":["<hex>",…]}, …],
//!  "item":"01/…","origin":"…",
//!  "registrations":[{"entry":"…","proof":[…],"seq":N}, …]}
//! ```
//! Each proof is the RFC 9162 inclusion proof of that entry in the checkpoint's tree.
//! `chains` lists chains given complete (every entry from the first to the latest at
//! checkpoint time), so their hash links prove nothing was dropped from the middle.
//! `registrations` are the complete actor chains of every signer involved. `heads` proves,
//! against the checkpoint's head map root, how many entries each of those chains and each
//! document of the story has and which is the newest: so the bundle is seen to hold them
//! all, the newest included. Members are written in this (sorted) order.

use crate::encoding::Digest;
use crate::heads::{Head, HeadIndex, HeadProof};
use serde::{Deserialize, Serialize};

pub const BUNDLE_FORMAT: &str = "suyuan-bundle-v1";

/// An evidence bundle, as the log writes it. A verifier reads bundles record by record
/// from their JSON (core's `bundle::verify`), so that it can name each bad record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = BundleBody))]
pub struct Bundle {
    pub chains: Vec<String>,
    /// The checkpoint every proof leads to: a C2SP signed note.
    pub checkpoint: String,
    pub entries: Vec<ProvenEntry>,
    pub format: String,
    pub heads: Vec<ProvenHead>,
    pub item: String,
    pub origin: String,
    pub registrations: Vec<ProvenEntry>,
}

/// An entry with its inclusion proof, and (for an item's own entries) how it concerns
/// the item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvenEntry {
    /// The entry's bytes, verbatim (canonical JSON, as a string).
    pub entry: String,
    /// Hex hashes of its RFC 9162 inclusion proof.
    pub proof: Vec<String>,
    pub seq: u64,
    /// `item`, `lot …`, `container …`, `order …` or `chain`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// A chain's or document's head with its proof against the checkpoint's head map root
/// (docs/FORMAT.md §5.1). `count` 0 proves the key has no entries; `other` is the leaf
/// of another key where the key's path ends, when it ends at one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProvenHead {
    pub count: u64,
    /// `chain` or `document`.
    pub index: String,
    pub key: String,
    /// Seq of the newest entry (absent when `count` is 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<OtherLeaf>,
    /// Hex sibling hashes, from the root down.
    pub path: Vec<String>,
}

/// Another key's leaf, opened: its key hash and head.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtherLeaf {
    pub count: u64,
    pub key_hash: String,
    pub last: u64,
}

impl ProvenHead {
    pub fn new(index: HeadIndex, key: &str, proof: &HeadProof) -> ProvenHead {
        ProvenHead {
            count: proof.head.map_or(0, |h| h.count),
            index: index.as_str().into(),
            key: key.into(),
            last: proof.head.map(|h| h.last),
            other: proof.other.map(|(k, h)| OtherLeaf {
                count: h.count,
                key_hash: hex::encode(k),
                last: h.last,
            }),
            path: proof.path.iter().map(Digest::to_hex).collect(),
        }
    }

    /// The index and the proof, or what is malformed.
    pub fn proof(&self) -> Result<(HeadIndex, HeadProof), String> {
        let index = HeadIndex::parse(&self.index)
            .ok_or_else(|| format!("index is {:?}, expected chain or document", self.index))?;
        let head = match (self.count, self.last) {
            (0, None) => None,
            (0, Some(_)) => return Err("a count of 0 with a last seq".into()),
            (_, None) => return Err("a count without the last seq".into()),
            (count, Some(last)) => Some(Head { count, last }),
        };
        let other = match &self.other {
            None => None,
            Some(o) => {
                let k =
                    Digest::from_hex(&o.key_hash).ok_or("other.key_hash is not 32 bytes of hex")?;
                Some((
                    k.0,
                    Head {
                        count: o.count,
                        last: o.last,
                    },
                ))
            }
        };
        let path = self
            .path
            .iter()
            .map(|h| Digest::from_hex(h).ok_or("a path hash is not 32 bytes of hex"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((index, HeadProof { head, other, path }))
    }
}
