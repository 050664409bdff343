//! Admission: every rule an event must meet, given the log as it stands, to become an
//! entry. [`admit`] is the one place these rules live: the append path applies it at
//! ingest, the auditor re-applies it to every entry of a log, and the bundle checker to
//! every entry of a bundle, so none of them can disagree with another. Later rules
//! (三单 reconciliation, negative lists, review binding) join here.

use crate::registry::{KeyStatusError, Registry};
use suyuan_format::encoding::Digest;
use suyuan_format::event::{Body, Event, Reference, ValidationError, MAX_CLOCK_SKEW_SECONDS};
use suyuan_format::roles::{EventType, Role};
use time::OffsetDateTime;

/// Why a submission was refused. Nothing is stored for a refused submission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("malformed submission: {0}")]
    Malformed(String),
    #[error("invalid event: {0}")]
    Invalid(ValidationError),
    #[error("{0}")]
    Key(KeyStatusError),
    #[error("signature does not verify against key {key}")]
    BadSignature { key: String },
    #[error(
        "actor {actor} (roles: {roles}) may not record {kind} events; allowed roles: {allowed}"
    )]
    WrongRole {
        actor: String,
        roles: String,
        kind: &'static str,
        allowed: String,
    },
    #[error(
        "client id {client_id:?} of actor {actor} was already used for another event ({existing})"
    )]
    ClientIdReused {
        actor: String,
        client_id: String,
        existing: String,
    },
    #[error("event time {time} is more than {MAX_CLOCK_SKEW_SECONDS} s after the log's record time {recorded}")]
    FutureTime { time: String, recorded: String },
    #[error("{field}: {what} does not exist in the log")]
    MissingReference { field: String, what: String },
    #[error("{field}: {what}")]
    Conflict { field: String, what: String },
    #[error("entry would be {0} bytes, over the 64 KiB limit")]
    TooLarge(usize),
    #[error("private part: {0}")]
    Private(String),
    #[error("event {event_id} is already recorded as entry {seq}")]
    AlreadyRecorded { seq: u64, event_id: Digest },
    #[error("record time {recorded} is earlier than that of the entry before ({previous}): one of the two was altered")]
    RecordTimeOrder { recorded: String, previous: String },
    #[error("actor {actor} is neither the buyer of order {order} (body.buyer_salt must open its buyer commitment to the signer) nor the party that recorded it")]
    NotBuyer { actor: String, order: String },
    #[error("actor {actor} may not send {message}: the record names its sender as {named}, and {actor} is registered under customs codes [{registered}] (or lacks the sender's role)")]
    NotSender {
        actor: String,
        message: &'static str,
        named: String,
        registered: String,
    },
    #[error("the verdict on order {order} does not follow from its messages: {what}")]
    VerdictDoesNotFollow { order: String, what: String },
}

impl Refusal {
    /// A stable machine-readable code for APIs and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Malformed(_) => "malformed",
            Refusal::Invalid(_) => "invalid",
            Refusal::Key(KeyStatusError::UnknownActor(_)) => "unknown_actor",
            Refusal::Key(KeyStatusError::NotRegistered { .. }) => "key_not_registered",
            Refusal::Key(KeyStatusError::Revoked { .. }) => "key_revoked",
            Refusal::BadSignature { .. } => "bad_signature",
            Refusal::WrongRole { .. } => "wrong_role",
            Refusal::ClientIdReused { .. } => "client_id_reused",
            Refusal::FutureTime { .. } => "future_time",
            Refusal::MissingReference { .. } => "missing_reference",
            Refusal::Conflict { .. } => "conflict",
            Refusal::TooLarge(_) => "too_large",
            Refusal::Private(_) => "private_part",
            Refusal::AlreadyRecorded { .. } => "already_recorded",
            Refusal::RecordTimeOrder { .. } => "record_time_order",
            Refusal::NotBuyer { .. } => "not_buyer",
            Refusal::NotSender { .. } => "not_sender",
            Refusal::VerdictDoesNotFollow { .. } => "verdict_does_not_follow",
        }
    }

    /// The event field at fault, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refusal::Invalid(v) => Some(&v.field),
            Refusal::MissingReference { field, .. } | Refusal::Conflict { field, .. } => {
                Some(field)
            }
            Refusal::BadSignature { .. } => Some("signature"),
            Refusal::Key(_) => Some("key"),
            Refusal::WrongRole { .. } => Some("actor"),
            Refusal::ClientIdReused { .. } => Some("client_id"),
            Refusal::FutureTime { .. } => Some("time"),
            Refusal::RecordTimeOrder { .. } => Some("recorded"),
            Refusal::NotBuyer { .. } => Some("body.buyer_salt"),
            Refusal::NotSender { .. } => Some("actor"),
            Refusal::VerdictDoesNotFollow { .. } => Some("body.verdict"),
            _ => None,
        }
    }
}

impl From<ValidationError> for Refusal {
    fn from(e: ValidationError) -> Self {
        Refusal::Invalid(e)
    }
}

/// What admission needs to know about an existing entry.
#[derive(Debug, Clone)]
pub struct EntryFacts {
    pub seq: u64,
    pub kind: EventType,
    pub actor: String,
    pub chain_keys: Vec<String>,
}

/// The entry that first used a signer's client id.
/// What admission needs of an order (the `trade` entry defining an order number): who
/// recorded it, the items it sold and the commitment to its buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub actor: String,
    pub items: Vec<String>,
    pub buyer_commitment: Digest,
}

impl OrderFacts {
    /// The facts of a `trade` event; `None` for any other event.
    pub fn of(event: &Event) -> Option<OrderFacts> {
        let Body::Trade(t) = &event.body else {
            return None;
        };
        Some(OrderFacts {
            actor: event.actor.0.clone(),
            items: event.what.items.iter().map(|i| i.0.to_string()).collect(),
            buyer_commitment: t.buyer_commitment.0,
        })
    }
}

impl OrderFacts {
    /// [`OrderFacts::of`] read straight from the canonical bytes of an admitted event:
    /// the members admission needs, without validating the whole event again (the append
    /// path looks an order up for every review). `None` unless it is a `trade`. The two
    /// agree on every admitted trade (a test holds them to the scenario's).
    pub fn from_event_bytes(bytes: &[u8]) -> Option<OrderFacts> {
        #[derive(serde::Deserialize)]
        struct Trade {
            #[serde(rename = "type")]
            kind: EventType,
            actor: String,
            what: What,
            body: TradeBody,
        }
        #[derive(serde::Deserialize)]
        struct What {
            #[serde(default)]
            items: Vec<String>,
        }
        #[derive(serde::Deserialize)]
        struct TradeBody {
            buyer_commitment: String,
        }
        let trade: Trade = serde_json::from_slice(bytes).ok()?;
        (trade.kind == EventType::Trade).then_some(())?;
        Some(OrderFacts {
            actor: trade.actor,
            items: trade.what.items,
            buyer_commitment: Digest::from_hex(&trade.body.buyer_commitment)?,
        })
    }
}

/// BLAKE3(salt ‖ identity): the commitment a `trade` makes to its buyer (FORMAT.md §7).
pub fn identity_commitment(salt: &Digest, identity: &str) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(&salt.0);
    h.update(identity.as_bytes());
    Digest(*h.finalize().as_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientUse {
    pub seq: u64,
    pub event_id: Digest,
}

/// The log before the candidate's position, as admission sees it.
pub trait LogView {
    type Error;
    fn entry_by_hash(&self, hash: &Digest) -> Result<Option<EntryFacts>, Self::Error>;
    /// Whether a document (see [`suyuan_format::event::DocKind::key`]) has been recorded.
    fn document_exists(&self, key: &str) -> Result<bool, Self::Error>;
    /// Whether any entry has named this item.
    fn item_exists(&self, item: &str) -> Result<bool, Self::Error>;
    /// The entry that used `client_id` of `actor`, if any did.
    fn client_use(&self, actor: &str, client_id: &str) -> Result<Option<ClientUse>, Self::Error>;
    /// The order with this number (its defining `trade` entry), if the view holds it.
    fn order(&self, order_no: &str) -> Result<Option<OrderFacts>, Self::Error>;
    /// The public views of an order's customs messages (document `ceb:ORDER_NO`), in log
    /// order.
    fn customs_records(
        &self,
        order_no: &str,
    ) -> Result<Vec<suyuan_customs::view::RecordView>, Self::Error>;
    /// Whether the view holds every entry before the candidate. A bundle holds only some
    /// of them: what it does not hold it cannot call missing, but whatever a rule needs
    /// to *allow* an event (the corrected entry of a correction by its author) must be
    /// in it.
    fn is_complete(&self) -> bool {
        true
    }
}

/// Either a refusal or a failure of the view itself (storage).
#[derive(Debug)]
pub enum AdmitError<E> {
    Refused(Refusal),
    View(E),
}

impl<E> From<Refusal> for AdmitError<E> {
    fn from(r: Refusal) -> Self {
        AdmitError::Refused(r)
    }
}
impl<E> From<ValidationError> for AdmitError<E> {
    fn from(v: ValidationError) -> Self {
        AdmitError::Refused(Refusal::Invalid(v))
    }
}

/// What is known of a candidate's private part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivatePart {
    /// One was given, with this BLAKE3 digest.
    Given(Digest),
    /// None was given.
    NotGiven,
    /// The checker has no private parts (a public verifier of an export or a bundle).
    Unavailable,
}

/// An event at a position of the log, with what its entry says about it.
pub struct Candidate<'a> {
    pub event: &'a Event,
    pub event_id: Digest,
    /// Its position in the log.
    pub seq: u64,
    /// Its record time.
    pub recorded: OffsetDateTime,
    /// The record time of the entry before it, where known.
    pub previous_recorded: Option<OffsetDateTime>,
    /// Whether its signature verifies (checked in batches beforehand).
    pub signature_ok: bool,
    pub private: PrivatePart,
    /// The private part's bytes, where the checker holds them: rules that re-derive the
    /// public body from it (a customs message's view) apply then.
    pub private_bytes: Option<&'a [u8]>,
}

/// An admitted event: the chains its entry joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Admitted {
    pub chains: Vec<String>,
}

/// Decides whether `candidate` may be recorded at its position, given the `registry`
/// and the log in `view` as they stand before it, and returns the chains its entry
/// joins. The rules, in the order a submitter hears of them: the signer's client id is
/// its own (an identical event is [`Refusal::AlreadyRecorded`]); the key may sign at
/// this position; the signature verifies; the time is within the skew of the record
/// time, and record times do not go back; genesis comes first and only first; the
/// signer's role may record the type (or it corrects its own entry); what the event
/// references exists; the document it defines is new; a registration is coherent with
/// the registry; the private part matches its digest.
pub fn admit<V: LogView>(
    registry: &Registry,
    view: &V,
    candidate: &Candidate<'_>,
) -> Result<Admitted, AdmitError<V::Error>> {
    let event = candidate.event;
    let seq = candidate.seq;
    if let Some(used) = view
        .client_use(&event.actor.0, &event.client_id)
        .map_err(AdmitError::View)?
    {
        // Only the signer may learn that its client id is taken, and a retry must be the
        // same submission: the signature first, then the private part, then the verdict.
        if !candidate.signature_ok {
            return Err(Refusal::BadSignature {
                key: event.key.to_string(),
            }
            .into());
        }
        if used.event_id == candidate.event_id {
            check_private(event, candidate.private)?;
        }
        return Err(if used.event_id == candidate.event_id {
            Refusal::AlreadyRecorded {
                seq: used.seq,
                event_id: used.event_id,
            }
        } else {
            Refusal::ClientIdReused {
                actor: event.actor.0.clone(),
                client_id: event.client_id.clone(),
                existing: format!("event {}", used.event_id),
            }
        }
        .into());
    }
    let genesis = event.is_genesis();
    // Key status before signature, so an unregistered signer hears that first.
    let signer = if genesis {
        None
    } else {
        Some(
            registry
                .check_key(&event.actor.0, &event.key, seq)
                .map_err(Refusal::Key)?,
        )
    };
    if !candidate.signature_ok {
        return Err(Refusal::BadSignature {
            key: event.key.to_string(),
        }
        .into());
    }
    check_times(candidate)?;
    match signer {
        None => check_genesis(event, seq, registry)?,
        Some(record) => {
            check_role(event, &record.roles, view)?;
            if let Body::CustomsMessage(m) = &event.body {
                crate::customs::check_sender(record, m)?;
            }
        }
    }
    for reference in event.references() {
        check_reference(&reference, view)?;
    }
    if let Some((kind, number)) = event.defines() {
        let unique = matches!(event.kind, EventType::Trade | EventType::Payment);
        if unique
            && view
                .document_exists(&kind.key(&number))
                .map_err(AdmitError::View)?
        {
            return Err(Refusal::Conflict {
                field: format!("body.{}_no", kind.as_str()),
                what: format!("{} {number} is already recorded", kind.as_str()),
            }
            .into());
        }
    }
    if let Body::Registration(r) = &event.body {
        if !genesis {
            registry.check(r, seq)?;
        }
    }
    if let Body::Review(r) = &event.body {
        match view.order(r.order_no.as_str()).map_err(AdmitError::View)? {
            Some(order) => check_review(event, r.order_no.as_str(), r.buyer_salt.as_ref(), &order)?,
            // What allows a review must be at hand, in a bundle too (a complete view
            // has already refused a missing order as a missing reference).
            None => {
                return Err(Refusal::MissingReference {
                    field: "body.order_no".into(),
                    what: format!(
                        "order {} (a review is allowed by its order)",
                        r.order_no.as_str()
                    ),
                }
                .into())
            }
        }
    }
    check_private(event, candidate.private)?;
    if let Body::CustomsMessage(m) = &event.body {
        if let Some(bytes) = candidate.private_bytes {
            crate::customs::check_message_private(m, bytes)?;
        }
    }
    if let Body::CustomsVerdict(v) = &event.body {
        crate::customs::check_verdict(view, v)?;
    }
    let mut chains = event.chain_keys();
    if let Body::Correction(c) = &event.body {
        if let Some(facts) = view
            .entry_by_hash(&c.corrects.0)
            .map_err(AdmitError::View)?
        {
            chains.extend(facts.chain_keys);
            chains.sort();
            chains.dedup();
        }
    }
    Ok(Admitted { chains })
}

/// A review is about its order's items only, and comes from the order's buyer (a
/// consumer opening the order's buyer commitment to itself) or from the party that
/// recorded the order (relaying a buyer's review, or mediating a complaint).
fn check_review(
    event: &Event,
    order_no: &str,
    buyer_salt: Option<&suyuan_format::event::values::HexDigest>,
    order: &OrderFacts,
) -> Result<(), Refusal> {
    for (i, item) in event.what.items.iter().enumerate() {
        let item = item.0.to_string();
        if !order.items.contains(&item) {
            return Err(Refusal::Conflict {
                field: format!("what.items[{i}]"),
                what: format!("{item} is not an item of order {order_no}"),
            });
        }
    }
    let actor = event.actor.0.as_str();
    let opens = buyer_salt
        .is_some_and(|salt| identity_commitment(&salt.0, actor) == order.buyer_commitment);
    if actor == order.actor || opens {
        Ok(())
    } else {
        Err(Refusal::NotBuyer {
            actor: actor.into(),
            order: order_no.into(),
        })
    }
}

fn check_times(c: &Candidate<'_>) -> Result<(), Refusal> {
    if c.event.time.at() - c.recorded > time::Duration::seconds(MAX_CLOCK_SKEW_SECONDS) {
        return Err(Refusal::FutureTime {
            time: c.event.time.as_str().into(),
            recorded: suyuan_format::time_format::rfc3339(c.recorded),
        });
    }
    match c.previous_recorded {
        Some(previous) if previous > c.recorded => Err(Refusal::RecordTimeOrder {
            recorded: suyuan_format::time_format::rfc3339(c.recorded),
            previous: suyuan_format::time_format::rfc3339(previous),
        }),
        _ => Ok(()),
    }
}

fn check_genesis(event: &Event, seq: u64, registry: &Registry) -> Result<(), ValidationError> {
    let Body::Registration(r) = &event.body else {
        unreachable!("only a registration is a genesis")
    };
    if seq != 0 || !registry.is_empty() {
        return Err(ValidationError::new(
            "body.action",
            "genesis is only the first entry of a log",
        ));
    }
    if r.subject != event.actor || !r.keys.contains(&event.key.to_string()) {
        return Err(ValidationError::new(
            "key",
            "the genesis entry is signed by the registrar it registers",
        ));
    }
    Ok(())
}

/// The signer's roles allow the type, or the event corrects the signer's own entry.
fn check_role<V: LogView>(
    event: &Event,
    roles: &[Role],
    view: &V,
) -> Result<(), AdmitError<V::Error>> {
    let allowed = event.kind.allowed_roles();
    if roles.iter().any(|r| allowed.contains(r)) {
        return Ok(());
    }
    if let Body::Correction(c) = &event.body {
        // Only a corrected entry in view can show that the signer is its author.
        if let Some(facts) = view
            .entry_by_hash(&c.corrects.0)
            .map_err(AdmitError::View)?
        {
            if facts.actor == event.actor.0 {
                return Ok(());
            }
        }
    }
    let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let mut allowed = names(allowed);
    if event.kind == EventType::Correction {
        allowed.push_str(", or the corrected entry's own signer");
    }
    Err(Refusal::WrongRole {
        actor: event.actor.0.clone(),
        roles: names(roles),
        kind: event.kind.as_str(),
        allowed,
    }
    .into())
}

fn check_private(event: &Event, part: PrivatePart) -> Result<(), Refusal> {
    let problem = match (&event.private_digest, part) {
        (Some(d), PrivatePart::Given(given)) if given != *d => {
            "does not match the event's private_digest"
        }
        (Some(_), PrivatePart::NotGiven) => {
            "the event has a private_digest but no private part was given"
        }
        (None, PrivatePart::Given(_)) => {
            "a private part was given but the event has no private_digest"
        }
        _ => return Ok(()),
    };
    Err(Refusal::Private(problem.into()))
}

fn check_reference<V: LogView>(
    reference: &Reference,
    view: &V,
) -> Result<(), AdmitError<V::Error>> {
    let missing = |field: &str, what: String| -> Result<(), AdmitError<V::Error>> {
        if view.is_complete() {
            Err(Refusal::MissingReference {
                field: field.into(),
                what,
            }
            .into())
        } else {
            Ok(())
        }
    };
    match reference {
        Reference::Entry { field, hash, kind } => {
            match view.entry_by_hash(hash).map_err(AdmitError::View)? {
                None => missing(field, format!("entry {hash}")),
                Some(facts) => match kind {
                    Some(k) if *k != facts.kind => Err(Refusal::MissingReference {
                        field: field.clone(),
                        what: format!(
                            "{} entry {hash} (entry {} is a {} entry)",
                            k.as_str(),
                            facts.seq,
                            facts.kind.as_str()
                        ),
                    }
                    .into()),
                    _ => Ok(()),
                },
            }
        }
        Reference::Document {
            field,
            kind,
            number,
        } => {
            if view
                .document_exists(&kind.key(number))
                .map_err(AdmitError::View)?
            {
                Ok(())
            } else {
                missing(field, format!("{} {number}", kind.as_str()))
            }
        }
        Reference::Item { field, item } => {
            if view.item_exists(item).map_err(AdmitError::View)? {
                Ok(())
            } else {
                missing(field, format!("item {item}"))
            }
        }
    }
}
