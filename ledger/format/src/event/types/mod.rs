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
    pub(super) use super::{EventBody, EventType};
    pub(super) use crate::keys::PublicKey;
    pub(super) use crate::roles::Role;
    pub(super) use serde::Deserialize;
}

/// What an event type is: how its body reads, and what the ledger derives from it. The
/// document index files an event under the document it defines and those it names; the
/// ones it names must already be in the log.
pub trait EventBody: DeserializeOwned {
    /// The roles that may sign it (the core adds: the author of a corrected entry).
    const SIGNERS: &'static [Role];
    /// Whether it must name at least one item (`what.items`).
    const NAMES_ITEMS: bool = false;
    /// Whether it packs and unpacks, naming a parent logistic unit (`what.parent`).
    const PACKS: bool = false;

    /// The rules that need only the event itself, beyond the common ones. `what` is the
    /// event's EPCIS "what".
    fn validate(&self, _what: &What) -> Result<(), ValidationError> {
        Ok(())
    }
    /// The document it defines (whose first appearance must be of this type), by its
    /// body field `KIND_no`.
    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        None
    }
    /// The documents it names that earlier entries defined, by their fields `KIND_no`.
    fn names(&self) -> Vec<(DocKind, &DocNumber)> {
        Vec::new()
    }
    /// Entries and items that must already be in the log (documents aside).
    fn references(&self, _what: &What) -> Vec<Reference> {
        Vec::new()
    }
    /// Chains it joins besides those of the items it names.
    fn chains(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A closed list of codes (a status, a decision, a reason), spelled in snake_case in
/// events: the one way the type modules declare one.
macro_rules! code_list {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }
    };
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

        /// The type-specific part of an event. A customs record's view is large beside
        /// the other bodies; an event is parsed once and dropped, so it stays inline.
        #[derive(Debug)]
        #[allow(clippy::large_enum_variant)]
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

            pub(super) fn names_items(&self) -> bool {
                match self {
                    $(Body::$variant(_) => <$module::$body as EventBody>::NAMES_ITEMS,)*
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

            pub(super) fn defines(&self) -> Option<(DocKind, &DocNumber)> {
                match self {
                    $(Body::$variant(b) => b.defines(),)*
                }
            }

            pub(super) fn names(&self) -> Vec<(DocKind, &DocNumber)> {
                match self {
                    $(Body::$variant(b) => b.names(),)*
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
    CustomsMessage => customs_message::CustomsMessage,
    CustomsVerdict => customs_verdict::CustomsVerdict,
}
