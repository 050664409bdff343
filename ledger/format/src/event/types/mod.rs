//! The event types, one module each: its body, its checks that need only the event,
//! the roles that may sign it, the documents it names and defines, and what it
//! references. [`EventBody`] is what a type provides; the list in `event_types!` below
//! is the one place that enumerates them, and generates [`EventType`], [`Body`] and
//! their dispatch.
//!
//! Adding an event type: write `types/NAME.rs` with its body and `impl EventBody`, add
//! one line to the list, and give it tests (docs/ARCHITECTURE.md, "How to add an event
//! type").

use super::values::DocNumber;
use super::{DocKind, Reference, ValidationError, What};
use crate::roles::Role;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// What the type modules use.
mod prelude {
    pub(super) use super::super::values::*;
    pub(super) use super::super::{
        actor_chain_key, ActorId, DocKind, Reference, ValidationError, What,
    };
    pub(super) use super::{doc, doc_reference, EventBody, EventType};
    pub(super) use crate::keys::PublicKey;
    pub(super) use crate::roles::Role;
    pub(super) use serde::Deserialize;
}

/// What an event type is: how its body reads, and what the ledger derives from it.
pub trait EventBody: DeserializeOwned {
    /// Its `type`.
    const TYPE: EventType;
    /// The roles that may sign it (the core adds: the author of a corrected entry).
    const SIGNERS: &'static [Role];
    /// Whether it packs and unpacks, naming a parent logistic unit (`what.parent`).
    const PACKS: bool = false;

    /// The rules that need only the event itself. `what` is the event's EPCIS "what".
    fn validate(&self, what: &What) -> Result<(), ValidationError>;
    /// The business documents it names, for the document index.
    fn documents(&self) -> Vec<(DocKind, String)> {
        Vec::new()
    }
    /// The document it defines (whose first appearance must be of this type).
    fn defines(&self) -> Option<(DocKind, String)> {
        None
    }
    /// What must already be in the log for it to be admitted.
    fn references(&self, _what: &What) -> Vec<Reference> {
        Vec::new()
    }
    /// Chains it joins besides those of the items it names.
    fn chains(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A document named by number.
fn doc(kind: DocKind, number: &DocNumber) -> (DocKind, String) {
    (kind, number.as_str().to_string())
}

/// A reference to a document an earlier entry defined.
fn doc_reference(field: &str, kind: DocKind, number: &DocNumber) -> Reference {
    Reference::Document {
        field: field.into(),
        kind,
        number: number.as_str().into(),
    }
}

macro_rules! event_types {
    ($($variant:ident => $module:ident :: $body:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// Event types, as the `type` field spells them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum EventType {
            $($variant,)*
        }

        impl EventType {
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => stringify!($module),)*
                }
            }

            /// Roles allowed to sign this type. For `correction`, the original signer is
            /// also allowed whatever its roles; that rule needs the corrected entry and
            /// lives in the core's admission.
            pub fn allowed_roles(self) -> &'static [Role] {
                match self {
                    $(EventType::$variant => <$module::$body as EventBody>::SIGNERS,)*
                }
            }
        }

        /// The type-specific part of an event.
        #[derive(Debug)]
        pub enum Body {
            $($variant($module::$body),)*
        }

        impl Body {
            /// Reads the body of an event of type `kind` (errors name `body.…`).
            pub(super) fn parse(
                kind: EventType,
                text: &serde_json::value::RawValue,
            ) -> Result<Body, ValidationError> {
                Ok(match kind {
                    $(EventType::$variant => Body::$variant(super::typed(text.get(), "body")?),)*
                })
            }

            pub fn kind(&self) -> EventType {
                match self {
                    $(Body::$variant(_) => <$module::$body as EventBody>::TYPE,)*
                }
            }

            pub(super) fn packs(&self) -> bool {
                match self {
                    $(Body::$variant(_) => <$module::$body as EventBody>::PACKS,)*
                }
            }

            pub(super) fn validate(&self, what: &What) -> Result<(), ValidationError> {
                match self {
                    $(Body::$variant(b) => b.validate(what),)*
                }
            }

            pub(super) fn documents(&self) -> Vec<(DocKind, String)> {
                match self {
                    $(Body::$variant(b) => b.documents(),)*
                }
            }

            pub(super) fn defines(&self) -> Option<(DocKind, String)> {
                match self {
                    $(Body::$variant(b) => b.defines(),)*
                }
            }

            pub(super) fn references(&self, what: &What) -> Vec<Reference> {
                match self {
                    $(Body::$variant(b) => b.references(what),)*
                }
            }

            pub(super) fn chains(&self) -> Vec<String> {
                match self {
                    $(Body::$variant(b) => b.chains(),)*
                }
            }
        }
    };
}

event_types! {
    Registration => registration::Registration,
    Production => production::Production,
    Inspection => inspection::Inspection,
    Acceptance => acceptance::Acceptance,
    Trade => trade::Trade,
    Payment => payment::Payment,
    Logistics => logistics::Logistics,
    Clearance => clearance::Clearance,
    Review => review::Review,
    Recall => recall::Recall,
    Correction => correction::Correction,
}

/// What the type modules' tests share: a key, and the public parse path.
#[cfg(test)]
mod testing {
    pub(super) use crate::event::{DocKind, Event, EventType, Reference, ValidationError};
    pub(super) use serde_json::{json, Value};

    /// A public key, as events write it.
    pub(super) fn key() -> String {
        crate::keys::SecretKey::from_seed(&[1; 32])
            .public()
            .to_string()
    }

    /// Parses `event` through the public path, or panics with why not.
    pub(super) fn parse(event: &Value) -> Event {
        match Event::parse_json(&event.to_string()) {
            Ok((parsed, _)) => parsed,
            Err(e) => panic!("refused: {e}\n{event:#}"),
        }
    }

    /// Asserts that `event` is refused on `field`, with a message containing `why`.
    #[track_caller]
    pub(super) fn refused(event: &Value, field: &str, why: &str) {
        let err: ValidationError = match Event::parse_json(&event.to_string()) {
            Ok(_) => panic!("accepted, expected refusal on {field}:\n{event:#}"),
            Err(e) => e,
        };
        assert_eq!(err.field, field, "{err}");
        assert!(err.message.contains(why), "{err} (expected {why:?})");
    }

    /// A digest in hex: `n` repeated.
    pub(super) fn hex(n: char) -> String {
        n.to_string().repeat(64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_has_signers_and_spells_itself_as_serde_does() {
        assert_eq!(EventType::ALL.len(), 11);
        for &t in EventType::ALL {
            assert!(!t.allowed_roles().is_empty(), "{t:?} has no signers");
            let spelled = serde_json::to_value(t).unwrap();
            assert_eq!(spelled, t.as_str(), "{t:?}");
            assert_eq!(serde_json::from_value::<EventType>(spelled).unwrap(), t);
        }
        let mut names: Vec<_> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), EventType::ALL.len());
    }
}
