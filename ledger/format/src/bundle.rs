//! Evidence bundles (`suyuan-bundle-v1`): everything needed to check one item's
//! history offline, with the log's key alone (docs/FORMAT.md §10).
//!
//! ```json
//! {"chains":["01/…", …],"checkpoint":"<signed note>",
//!  "entries":[{"entry":"<entry bytes as a JSON string>","proof":["<hex>",…],"seq":N,"via":"item"}, …],
//!  "format":"suyuan-bundle-v1","item":"01/…","origin":"…",
//!  "registrations":[{"entry":"…","proof":[…],"seq":N}, …]}
//! ```
//! Each proof is the RFC 9162 inclusion proof of that entry in the checkpoint's tree.
//! `chains` lists chains given complete (every entry from the first to the latest at
//! checkpoint time), so their hash links prove nothing was dropped from the middle.
//! `registrations` are the complete actor chains of every signer involved. Members are
//! written in this (sorted) order.

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
