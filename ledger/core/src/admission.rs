//! Admission: the rules an event must meet, given the log as it stands, to become an
//! entry. The ledger applies them at ingest and the verifier re-applies them to every
//! entry during an audit, with this same code, so the two cannot disagree.

use crate::registry::{KeyStatusError, Registry};
use suyuan_format::encoding::Digest;
use suyuan_format::event::body::RegistrationAction;
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

/// The log as admission sees it.
pub trait LogView {
    type Error;
    fn entry_by_hash(&self, hash: &Digest) -> Result<Option<EntryFacts>, Self::Error>;
    /// Whether a document (`order:NO`, …) has been recorded.
    fn document_exists(&self, key: &str) -> Result<bool, Self::Error>;
    /// Whether any entry has named this item.
    fn item_exists(&self, item: &str) -> Result<bool, Self::Error>;
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

/// Checks that `event` may be recorded at position `seq` with record time `recorded`,
/// and returns the chains it joins. Signature validity is checked separately (in batch).
pub fn admit<V: LogView>(
    event: &Event,
    seq: u64,
    recorded: OffsetDateTime,
    registry: &Registry,
    view: &V,
) -> Result<Vec<String>, AdmitError<V::Error>> {
    if event.time.at() - recorded > time::Duration::seconds(MAX_CLOCK_SKEW_SECONDS) {
        return Err(Refusal::FutureTime {
            time: event.time.as_str().into(),
            recorded: suyuan_format::time_format::rfc3339(recorded),
        }
        .into());
    }
    let genesis =
        matches!(&event.body, Body::Registration(r) if r.action == RegistrationAction::Genesis);
    if genesis {
        let Body::Registration(r) = &event.body else {
            unreachable!()
        };
        if seq != 0 || !registry.is_empty() {
            return Err(ValidationError::new(
                "body.action",
                "genesis is only the first entry of a log",
            )
            .into());
        }
        if r.subject != event.actor || !r.keys.contains(&event.key.to_string()) {
            return Err(ValidationError::new(
                "key",
                "the genesis entry is signed by the registrar it registers",
            )
            .into());
        }
    } else {
        if seq == 0 {
            return Err(ValidationError::new(
                "type",
                "the first entry of a log must be its genesis registration",
            )
            .into());
        }
        let record = registry
            .check_key(&event.actor.0, &event.key, seq)
            .map_err(Refusal::Key)?;
        let allowed = event.kind.allowed_roles();
        let role_ok = record.roles.iter().any(|r| allowed.contains(r));
        let correction_by_author = match &event.body {
            Body::Correction(c) => match view
                .entry_by_hash(&c.corrects.0)
                .map_err(AdmitError::View)?
            {
                Some(facts) => facts.actor == event.actor.0,
                None => false,
            },
            _ => false,
        };
        if !role_ok && !correction_by_author {
            let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
            let mut allowed = names(allowed);
            if event.kind == EventType::Correction {
                allowed.push_str(", or the corrected entry's own signer");
            }
            return Err(Refusal::WrongRole {
                actor: event.actor.0.clone(),
                roles: names(&record.roles),
                kind: event.kind.as_str(),
                allowed,
            }
            .into());
        }
    }
    for reference in event.references() {
        check_reference(&reference, view)?;
    }
    if let Some((kind, number)) = event.defines() {
        let unique = matches!(event.kind, EventType::Trade | EventType::Payment);
        let key = format!("{}:{number}", kind.as_str());
        if unique && view.document_exists(&key).map_err(AdmitError::View)? {
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
    Ok(chains)
}

fn check_reference<V: LogView>(
    reference: &Reference,
    view: &V,
) -> Result<(), AdmitError<V::Error>> {
    match reference {
        Reference::Entry { field, hash, kind } => {
            match view.entry_by_hash(hash).map_err(AdmitError::View)? {
                None => Err(Refusal::MissingReference {
                    field: field.clone(),
                    what: format!("entry {hash}"),
                }
                .into()),
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
            let key = format!("{}:{number}", kind.as_str());
            if view.document_exists(&key).map_err(AdmitError::View)? {
                Ok(())
            } else {
                Err(Refusal::MissingReference {
                    field: field.clone(),
                    what: format!("{} {number}", kind.as_str()),
                }
                .into())
            }
        }
        Reference::Item { field, item } => {
            if view.item_exists(item).map_err(AdmitError::View)? {
                Ok(())
            } else {
                Err(Refusal::MissingReference {
                    field: field.clone(),
                    what: format!("item {item}"),
                }
                .into())
            }
        }
    }
}
