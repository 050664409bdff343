//! Wire types: what the API accepts and serves. They are separate from the ledger's
//! internal types so that internal refactors never change the API, and they are what
//! the OpenAPI document is generated from.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use suyuan_format::encoding::Digest;
use utoipa::ToSchema;

/// An error: a stable machine-readable code, a message for people, and the field at
/// fault when there is one (a path such as `event.body.results[1].limit`).
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// One signed event as submitted.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    /// The event (DESIGN.md § Events); its RFC 8785 canonical bytes are what is signed.
    #[schema(value_type = Object)]
    pub event: Value,
    /// Base64 ed25519 signature over `"suyuan-event-v1\n"` ‖ canonical event bytes.
    pub signature: String,
    /// Private part `{"fields": {…}, "salt": "<64 hex>"}` whose BLAKE3 digest is the
    /// event's `private_digest`. Stored beside the log, never served publicly.
    #[schema(value_type = Option<Object>)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<Value>,
}

/// A receipt is served as the format defines it (docs/FORMAT.md §6).
pub use suyuan_format::receipt::Receipt as ReceiptBody;

/// The answer to one accepted submission.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct SubmitResponse {
    pub receipt: ReceiptBody,
}

/// One result of a batch: a receipt or an error with its HTTP status.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct BatchItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt: Option<ReceiptBody>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
    pub status: u16,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct BatchResponse {
    /// One result per submitted event, in order.
    pub results: Vec<BatchItem>,
    pub accepted: usize,
    pub refused: usize,
    pub checkpoint: String,
}

/// A checkpoint, parsed.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct CheckpointBody {
    pub origin: String,
    pub size: u64,
    /// Root hash, lowercase hex.
    pub root: String,
    /// The signed note exactly as signed (C2SP tlog-checkpoint).
    pub note: String,
    /// The C2SP verifier key of the log.
    pub verifier_key: String,
    /// The log's public key, `ed25519:<base64>`.
    pub log_public_key: String,
}

/// An entry, with its exact bytes.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct EntryBody {
    pub seq: u64,
    /// The entry's canonical bytes as a string: hash these, never a re-encoding.
    pub entry: String,
    pub entry_hash: String,
    pub leaf_hash: String,
    pub recorded: String,
    pub event_id: String,
    #[schema(value_type = Object)]
    pub event: Value,
    pub signature: String,
}

/// A hash written as 64 lowercase hex digits, straight into the response: a history
/// carries a few hundred proof hashes, and a string for each showed in its profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HexHash(pub Digest);

impl Serialize for HexHash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(std::str::from_utf8(&self.0.hex_digits()).expect("hex is ASCII"))
    }
}

impl<'de> Deserialize<'de> for HexHash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Digest::from_hex(&text)
            .map(HexHash)
            .ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

/// One entry of an item's history with its inclusion proof.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct HistoryEntryBody {
    pub seq: u64,
    pub recorded: String,
    pub entry_hash: String,
    pub event_id: String,
    /// How the entry reached the item: `item`, `lot …`, `container …`, `order …`.
    pub via: String,
    /// Corrections that declare this entry in error.
    pub corrected_by: Vec<u64>,
    /// The event: its canonical JSON, as signed.
    #[schema(value_type = Object)]
    pub event: Box<RawValue>,
    pub signature: String,
    /// The entry's exact bytes.
    pub entry: String,
    /// RFC 9162 inclusion proof (hex hashes) in the tree of `checkpoint.size`.
    #[schema(value_type = Vec<String>)]
    pub proof: Vec<HexHash>,
}

/// An item's history, each entry proven against the latest checkpoint.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct HistoryBody {
    pub item: String,
    /// Chains given complete (the item, its lot, containers it travelled in).
    pub chains: Vec<String>,
    pub entries: Vec<HistoryEntryBody>,
    pub checkpoint: CheckpointRef,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct CheckpointRef {
    pub size: u64,
    pub note: String,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct InclusionProofBody {
    pub seq: u64,
    pub size: u64,
    pub leaf_hash: String,
    #[schema(value_type = Vec<String>)]
    pub proof: Vec<HexHash>,
    /// The checkpoint of that size, when the log signed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

/// A head proof and the checkpoint whose head map root it leads to.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct HeadProofBody {
    pub checkpoint: String,
    pub head: suyuan_format::bundle::ProvenHead,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ConsistencyProofBody {
    pub first: u64,
    pub second: u64,
    #[schema(value_type = Vec<String>)]
    pub proof: Vec<HexHash>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct KeyBody {
    pub key: String,
    pub added_seq: u64,
    pub revoked_seq: Option<u64>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct ActorBody {
    pub id: String,
    pub name: String,
    pub jurisdiction: String,
    pub roles: Vec<String>,
    #[schema(value_type = Option<Object>)]
    pub accreditation: Option<Value>,
    pub registered_seq: u64,
    pub keys: Vec<KeyBody>,
}

impl From<&suyuan_core::registry::ActorRecord> for ActorBody {
    fn from(a: &suyuan_core::registry::ActorRecord) -> Self {
        ActorBody {
            id: a.id.clone(),
            name: a.name.clone(),
            jurisdiction: a.jurisdiction.clone(),
            roles: a.roles.iter().map(|r| r.as_str().to_string()).collect(),
            accreditation: a.accreditation.clone(),
            registered_seq: a.registered_seq,
            keys: a
                .keys
                .iter()
                .map(|k| KeyBody {
                    key: k.key.clone(),
                    added_seq: k.added_seq,
                    revoked_seq: k.revoked_seq,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct DocumentBody {
    pub kind: String,
    pub number: String,
    pub entries: Vec<EntryBody>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct Health {
    pub status: String,
    pub entries: u64,
    pub origin: String,
    /// The page cache: `warming` (being filled since start; reads are slower), `warm`,
    /// `failed` (the log says why; reads work, from the store) or `cold` (not warmed).
    pub cache: String,
    /// The write side: `ok`, or `down` when the last commit failed (see `/readyz`).
    pub write: String,
}

/// Whether the server takes writes (`GET /readyz`).
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    pub status: String,
    /// `ok`, `disk_full`, `failed` or `shutting_down`.
    pub write: String,
    /// Why not, when not.
    pub reason: Option<String>,
}

/// An evidence bundle is served as the format defines it (docs/FORMAT.md §10).
pub use suyuan_format::bundle::Bundle as BundleBody;
