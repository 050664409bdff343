//! A submission: `{"event": {...}, "signature": "<base64>", "private"?: {...}}`, what a
//! party sends to be recorded. Read from its text: the members are split as raw JSON,
//! and the event goes from its text to its canonical bytes in one pass, never through
//! a JSON tree (a server reads thousands a second).

use crate::event::SignedEvent;
use crate::private::PrivatePart;
use serde::de::{MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;

/// One event to record, with its private part if it has one.
pub struct Submission {
    pub signed: SignedEvent,
    pub private: Option<PrivatePart>,
}

/// Why a submission could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SubmissionError {
    /// `invalid`, or `private_part` for a private part that is not one.
    pub code: &'static str,
    /// The field at fault, with the caller's prefix (`[3].event.time`).
    pub field: String,
    pub message: String,
}

/// The members of a JSON object, in order, their values left as text.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::new();
                while let Some(name) = map.next_key::<Cow<'de, str>>()? {
                    members.push((name, map.next_value::<&'de RawValue>()?));
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(MembersVisitor)
    }
}

/// Reads one submission from its JSON text. `prefix` names its place (in a batch, say)
/// in the field of an error. The signature is read, not yet checked.
pub fn parse(text: &str, prefix: &str) -> Result<Submission, SubmissionError> {
    let invalid = |message: String, f: &str| SubmissionError {
        code: "invalid",
        field: format!("{prefix}{f}"),
        message,
    };
    let Ok(Members(members)) = serde_json::from_str::<Members<'_>>(text) else {
        return Err(invalid(
            "a submission is a JSON object with event and signature".into(),
            "submission",
        ));
    };
    let (mut event, mut signature, mut private) = (None, None, None);
    for (name, value) in members {
        let slot = match name.as_ref() {
            "event" => &mut event,
            "signature" => &mut signature,
            "private" => &mut private,
            _ => {
                return Err(invalid(
                    format!("{name}: unknown field; a submission has only event and signature"),
                    &name,
                ))
            }
        };
        if slot.replace(value).is_some() {
            return Err(invalid(format!("{name}: named twice"), &name));
        }
    }
    let private = match private.map(|p| serde_json::from_str::<Value>(p.get())) {
        None | Some(Ok(Value::Null)) => None,
        Some(p) => {
            let p = p.map_err(|e| invalid(e.to_string(), "private"))?;
            Some(PrivatePart::from_json(&p).map_err(|m| SubmissionError {
                code: "private_part",
                field: format!("{prefix}private"),
                message: format!("private part {m}"),
            })?)
        }
    };
    let event = event.ok_or_else(|| invalid("event: missing".into(), "event"))?;
    let signature = signature
        .and_then(|s| serde_json::from_str::<String>(s.get()).ok())
        .ok_or_else(|| {
            invalid(
                "signature: missing (base64 of 64 bytes)".into(),
                "signature",
            )
        })?;
    let signed = SignedEvent::parse_text(event.get(), &signature).map_err(|e| {
        // The event's own fields are named from inside it.
        let path = match e.field.as_str() {
            "signature" | "event" => e.field.clone(),
            f => format!("event.{f}"),
        };
        invalid(e.to_string(), &path)
    })?;
    Ok(Submission { signed, private })
}
