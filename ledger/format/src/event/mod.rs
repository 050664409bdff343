//! Events: what a registered party signs.
//!
//! The signed form is the JSON the party sent, in RFC 8785 canonical bytes; the typed
//! values here only *validate* it and derive what the ledger needs (items touched,
//! documents named, references to check). Nothing is re-encoded from these types, so an
//! internal refactor can never change what a signature covers.

pub mod body;
mod canonical;
mod types;
pub mod values;

pub use types::{Body, EventBody, EventType};

use canonical::canonical_event;

use crate::encoding::Digest;
use crate::gs1::Item;
use crate::hash::content_hash;
use crate::keys::{parse_signature, PublicKey, EVENT_CONTEXT};
use serde::Deserialize;
use serde_json::Value;
use values::*;

/// How far an event's own time may lie after the log's record time. Small, so that a
/// key cannot sign events dated after its revocation and have them look timely.
pub const MAX_CLOCK_SKEW_SECONDS: i64 = 300;

/// The largest integer an event may hold: JSON numbers are IEEE doubles to most readers.
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A refused event: the field (a path such as `body.results[1].limit`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An actor id: a unified social credit code, a Taiwan business number, an AEO code…
/// 1 to 64 characters of `A–Z a–z 0–9 - _ . :`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ActorId(pub String);
impl TryFrom<String> for ActorId {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        {
            Ok(ActorId(s))
        } else {
            Err(format!(
                "{s:?} is not an actor id (1 to 64 of A-Z a-z 0-9 - _ . :)"
            ))
        }
    }
}

/// An item path in canonical Digital Link form.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ItemPath(pub Item);
impl TryFrom<String> for ItemPath {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let item = Item::parse(&s).map_err(|e| e.to_string())?;
        let canonical = item.to_string();
        if canonical != s {
            return Err(format!(
                "item {s:?} must be written in canonical form {canonical:?}"
            ));
        }
        Ok(ItemPath(item))
    }
}

/// EPCIS "what": the items the event is about.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct What {
    #[serde(default)]
    pub items: Vec<ItemPath>,
    /// For packing and unpacking: the logistic unit the items go into or come out of.
    pub parent: Option<ItemPath>,
    /// For transformation: the items consumed.
    #[serde(default)]
    pub inputs: Vec<ItemPath>,
    pub quantity: Option<Quantity>,
}

/// EPCIS "where".
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Where {
    pub country: Country,
    pub place: Option<Text>,
    pub gln: Option<String>,
}

/// EPCIS "why": GS1 CBV business step and disposition.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Why {
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
}

/// GS1 CBV 2.0 business steps.
pub const CBV_BIZ_STEPS: &[&str] = &[
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
];

/// GS1 CBV 2.0 dispositions.
pub const CBV_DISPOSITIONS: &[&str] = &[
    "active",
    "available",
    "completeness_inferred",
    "completeness_verified",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_class",
    "mismatch_instance",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header<'a> {
    #[serde(rename = "type")]
    kind: EventType,
    client_id: String,
    actor: ActorId,
    key: String,
    time: Timestamp,
    #[serde(default)]
    what: What,
    #[serde(rename = "where")]
    place: Option<Where>,
    why: Option<Why>,
    /// Parsed by type afterwards.
    #[serde(borrow)]
    body: &'a serde_json::value::RawValue,
    private_digest: Option<HexDigest>,
}

/// A validated event.
#[derive(Debug)]
pub struct Event {
    pub kind: EventType,
    pub client_id: String,
    pub actor: ActorId,
    pub key: PublicKey,
    pub time: Timestamp,
    pub what: What,
    pub place: Option<Where>,
    pub why: Option<Why>,
    pub body: Body,
    pub private_digest: Option<Digest>,
}

/// Kinds of business documents, as the document index names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DocKind {
    Order,
    Payment,
    Waybill,
    Declaration,
    /// The messages of one customs order (`ceb:ORDER_NO`), whatever their type.
    CustomsOrder,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Order => "order",
            DocKind::Payment => "payment",
            DocKind::Waybill => "waybill",
            DocKind::Declaration => "declaration",
            DocKind::CustomsOrder => "ceb",
        }
    }
    /// The key under which the document index files this document: `order:NO`.
    pub fn key(self, number: &str) -> String {
        format!("{}:{number}", self.as_str())
    }
    pub fn parse(s: &str) -> Option<DocKind> {
        Some(match s {
            "order" => DocKind::Order,
            "payment" => DocKind::Payment,
            "waybill" => DocKind::Waybill,
            "declaration" => DocKind::Declaration,
            "ceb" => DocKind::CustomsOrder,
            _ => return None,
        })
    }
}

/// Something in the log that an event says exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    /// An entry by its entry hash, optionally of one type.
    Entry {
        field: String,
        hash: Digest,
        kind: Option<EventType>,
    },
    /// A business document defined by an earlier entry.
    Document {
        field: String,
        kind: DocKind,
        number: String,
    },
    /// An item that earlier entries have named.
    Item { field: String, item: String },
}

fn path_error<E: std::fmt::Display>(
    prefix: &str,
    e: serde_path_to_error::Error<E>,
) -> ValidationError {
    let path = e.path().to_string();
    let field = match (prefix, path.as_str()) {
        ("", p) => p.to_string(),
        (pre, ".") => pre.to_string(),
        (pre, p) => format!("{pre}.{p}"),
    };
    let field = if field == "." { "event".into() } else { field };
    ValidationError::new(field, strip_position(&e.into_inner().to_string()))
}

/// serde_json appends " at line L column C" to its messages; the field path says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Deserializes JSON text; only when that fails, again with the path tracked, to name
/// the field. (Tracking the path of every member costs about as much as the parse.)
fn typed<'de, T: Deserialize<'de>>(text: &'de str, prefix: &str) -> Result<T, ValidationError> {
    serde_json::from_str(text).or_else(|_| {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| path_error(prefix, e))
    })
}

impl Event {
    /// Validates an event's JSON text: its numbers and member names, shape, types,
    /// identifiers, and the rules that need only the event itself. Returns the event and
    /// its canonical (signed) bytes.
    pub fn parse_json(text: &str) -> Result<(Event, Vec<u8>), ValidationError> {
        let canonical = canonical_event(text)?;
        let text = std::str::from_utf8(&canonical).expect("canonical JSON is UTF-8");
        let event = Event::parse_canonical(text)?;
        Ok((event, canonical))
    }

    /// [`Event::parse_json`] of stored event bytes (an entry's canonical event).
    pub fn parse_bytes(bytes: &[u8]) -> Result<Event, ValidationError> {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| ValidationError::new("event", "is not UTF-8"))?;
        Event::parse_json(text).map(|(event, _)| event)
    }

    fn parse_canonical(text: &str) -> Result<Event, ValidationError> {
        let h: Header = typed(text, "")?;
        let body = h.body;
        if h.client_id.is_empty()
            || h.client_id.len() > 128
            || !h.client_id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ValidationError::new(
                "client_id",
                "must be 1 to 128 printable ASCII characters without spaces",
            ));
        }
        let key =
            PublicKey::parse(&h.key).map_err(|e| ValidationError::new("key", e.to_string()))?;
        if let Some(place) = &h.place {
            if let Some(gln) = &place.gln {
                crate::gs1::gln(gln)
                    .map_err(|e| ValidationError::new("where.gln", e.to_string()))?;
            }
        }
        if let Some(why) = &h.why {
            if let Some(step) = &why.biz_step {
                if !CBV_BIZ_STEPS.contains(&step.as_str()) {
                    return Err(ValidationError::new(
                        "why.biz_step",
                        format!("{step:?} is not a GS1 CBV business step"),
                    ));
                }
            }
            if let Some(d) = &why.disposition {
                if !CBV_DISPOSITIONS.contains(&d.as_str()) {
                    return Err(ValidationError::new(
                        "why.disposition",
                        format!("{d:?} is not a GS1 CBV disposition"),
                    ));
                }
            }
        }
        let body = Body::parse(h.kind, body)?;
        let event = Event {
            kind: h.kind,
            client_id: h.client_id,
            actor: h.actor,
            key,
            time: h.time,
            what: h.what,
            place: h.place,
            why: h.why,
            body,
            private_digest: h.private_digest.map(|d| d.0),
        };
        event.check_body()?;
        Ok(event)
    }

    /// Whether this is a log's genesis: the registrar registering itself as entry 0.
    pub fn is_genesis(&self) -> bool {
        matches!(&self.body, Body::Registration(r) if r.action == body::RegistrationAction::Genesis)
    }

    /// The rules that need only the event: those of every event, then its type's.
    fn check_body(&self) -> Result<(), ValidationError> {
        for (name, list) in [("items", &self.what.items), ("inputs", &self.what.inputs)] {
            if list.len() > 1000 {
                return Err(ValidationError::new(
                    format!("what.{name}"),
                    format!("at most 1000 {name} per event"),
                ));
            }
        }
        // An item is named once, as an item or as an input: never twice, never both.
        let mut seen = std::collections::HashSet::new();
        let named = (self.what.items.iter().map(|i| ("items", i)))
            .chain(self.what.inputs.iter().map(|i| ("inputs", i)));
        let mut index = [0usize; 2];
        for (name, item) in named {
            let i = &mut index[usize::from(name == "inputs")];
            if !seen.insert(item) {
                return Err(ValidationError::new(
                    format!("what.{name}[{i}]"),
                    "item named twice (as an item or an input)",
                ));
            }
            *i += 1;
        }
        if let Some(q) = &self.what.quantity {
            if !q.value.is_positive() {
                return Err(ValidationError::new(
                    "what.quantity.value",
                    format!("{} is not a positive quantity", q.value.as_str()),
                ));
            }
        }
        if self.what.parent.is_some() && !self.body.packs() {
            return Err(ValidationError::new(
                "what.parent",
                "only logistics events pack or unpack",
            ));
        }
        if self.body.names_items() && self.what.items.is_empty() {
            return Err(ValidationError::new(
                "what.items",
                format!("a {} event must name at least one item", self.kind.as_str()),
            ));
        }
        self.body.validate(&self.what)
    }

    /// The per-item chains this event joins (the ledger adds the corrected entry's chains
    /// for a correction): its items, its parent, its inputs, or for a registration the
    /// actor it changes.
    pub fn chain_keys(&self) -> Vec<String> {
        let mut keys = self.body.chains();
        for item in self
            .what
            .items
            .iter()
            .chain(&self.what.parent)
            .chain(&self.what.inputs)
        {
            keys.push(item.0.to_string());
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Business documents named by this event, for the document index: the one it
    /// defines, then those it names.
    pub fn documents(&self) -> Vec<(DocKind, String)> {
        let mut docs: Vec<(DocKind, String)> = self
            .body
            .defines()
            .into_iter()
            .chain(self.body.names())
            .map(|(kind, number)| (kind, number.as_str().to_string()))
            .collect();
        docs.dedup();
        docs
    }

    /// The document this event defines (its first appearance must come from this type).
    pub fn defines(&self) -> Option<(DocKind, String)> {
        self.body
            .defines()
            .map(|(kind, number)| (kind, number.as_str().to_string()))
    }

    /// What must already be in the log for this event to be accepted: the documents it
    /// names, then its type's other references.
    pub fn references(&self) -> Vec<Reference> {
        let documents = self
            .body
            .names()
            .into_iter()
            .map(|(kind, number)| Reference::Document {
                field: format!("body.{}_no", kind.as_str()),
                kind,
                number: number.as_str().into(),
            });
        documents.chain(self.body.references(&self.what)).collect()
    }
}

/// The chain key of an actor's registration history.
pub fn actor_chain_key(actor: &str) -> String {
    format!("actor:{actor}")
}

/// An event with its signature, as submitted: `{"event": {...}, "signature": "<base64>"}`.
#[derive(Debug)]
pub struct SignedEvent {
    pub event: Event,
    pub signature: [u8; 64],
    /// RFC 8785 bytes of the event: what is signed, and (parsed) the event as submitted.
    pub canonical_event: Vec<u8>,
    /// BLAKE3 of the canonical signed form `{"event":…,"signature":…}`.
    pub id: Digest,
}

impl SignedEvent {
    /// Parses and validates an event given as JSON text, with its base64 signature (not
    /// yet checked): the server's path, which never builds a JSON tree of the event.
    pub fn parse_text(event: &str, signature: &str) -> Result<SignedEvent, ValidationError> {
        let signature = parse_signature(signature)
            .map_err(|e| ValidationError::new("signature", e.to_string()))?;
        let (event, canonical_event) = Event::parse_json(event)?;
        Ok(Self::assemble(canonical_event, event, signature))
    }

    fn assemble(canonical_event: Vec<u8>, event: Event, signature: [u8; 64]) -> SignedEvent {
        let id = event_id(&canonical_event, &signature);
        SignedEvent {
            event,
            signature,
            canonical_event,
            id,
        }
    }

    /// Signs a validated event.
    pub fn sign(
        event_json: Value,
        key: &crate::keys::SecretKey,
    ) -> Result<SignedEvent, ValidationError> {
        let (event, canonical) = Event::parse_json(&event_json.to_string())?;
        if event.key != key.public() {
            return Err(ValidationError::new(
                "key",
                format!(
                    "the event names key {} but is signed with {}",
                    event.key,
                    key.public()
                ),
            ));
        }
        let signature = key.sign(EVENT_CONTEXT, &canonical);
        Ok(Self::assemble(canonical, event, signature))
    }

    pub fn verify_signature(&self) -> Result<(), crate::keys::KeyError> {
        self.event
            .key
            .verify(EVENT_CONTEXT, &self.canonical_event, &self.signature)
    }

    /// The submission JSON.
    pub fn to_json(&self) -> Value {
        let event: Value =
            serde_json::from_slice(&self.canonical_event).expect("canonical JSON parses");
        serde_json::json!({"event": event, "signature": crate::encoding::b64(&self.signature)})
    }
}

/// Event id: BLAKE3 of the canonical `{"event":<canonical event>,"signature":"<base64>"}`.
pub fn event_id(canonical_event: &[u8], signature: &[u8; 64]) -> Digest {
    let mut buf = Vec::with_capacity(canonical_event.len() + 120);
    buf.extend_from_slice(b"{\"event\":");
    buf.extend_from_slice(canonical_event);
    buf.extend_from_slice(b",\"signature\":\"");
    buf.extend_from_slice(crate::encoding::b64(signature).as_bytes());
    buf.extend_from_slice(b"\"}");
    content_hash(&buf)
}
