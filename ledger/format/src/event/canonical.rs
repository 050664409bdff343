//! An event's JSON text to its signed bytes in one pass, without building a JSON tree.
//!
//! The pass writes RFC 8785 (JCS) bytes as it reads and checks, on the way, the two rules
//! of the event format that concern the JSON itself: numbers are integers within
//! ±(2^53 − 1) (money and measurements are decimal strings), and no object names a member
//! twice (RFC 8785 requires I-JSON). Members already in canonical order, as every signer
//! that canonicalizes sends them, are written in place; an object whose members arrive
//! in another order is reordered once it ends. The result is byte-for-byte what
//! [`crate::jcs::canonicalize`] gives for the same JSON (tested below).

use super::{strip_position, ValidationError, MAX_SAFE_INTEGER};
use crate::jcs::utf16_cmp;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The canonical bytes of an event given as JSON text. Text that is not JSON is refused
/// like any other invalid event.
pub fn canonical_event(text: &str) -> Result<Vec<u8>, ValidationError> {
    canonical(text, true)
}

/// Canonicalizes any JSON object text; with `lists`, holds arrays to [`LIST_MEMBERS`].
fn canonical(text: &str, lists: bool) -> Result<Vec<u8>, ValidationError> {
    let bytes = text.as_bytes();
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(ValidationError::new("event", "must be a JSON object"));
    }
    let mut out = Vec::with_capacity(text.len());
    let mut failed_at = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Canon {
        out: &mut out,
        failed_at: &mut failed_at,
        member: None,
        lists,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    match result {
        Ok(()) => Ok(out),
        Err(e) => {
            let path = failed_at
                .iter()
                .rev()
                .fold(String::new(), |mut path, segment| {
                    match segment {
                        Segment::Key(k) if path.is_empty() => path.push_str(k),
                        Segment::Key(k) => {
                            path.push('.');
                            path.push_str(k);
                        }
                        Segment::Index(i) => path.push_str(&format!("[{i}]")),
                    }
                    path
                });
            let field = if path.is_empty() {
                "event".into()
            } else {
                path
            };
            Err(ValidationError::new(field, strip_position(&e.to_string())))
        }
    }
}

/// Where a failure happened, innermost first: each level adds its step as it unwinds.
enum Segment {
    Key(String),
    Index(usize),
}

/// The members whose values are lists (FORMAT.md §2): a JSON array anywhere else — an
/// object written as an array of its members' values, which serde would otherwise take —
/// is refused, so that an event has one JSON spelling.
pub const LIST_MEMBERS: &[&str] = &[
    "items",
    "inputs",
    "lines",
    "results",
    "keys",
    "roles",
    "certifications",
    "corrective",
    "customs_codes",
    "findings",
    "comparisons",
    "fields",
];

struct Canon<'a> {
    out: &'a mut Vec<u8>,
    failed_at: &'a mut Vec<Segment>,
    /// The name of the member whose value this is (`None` for the event itself and for
    /// the elements of a list).
    member: Option<&'a str>,
    /// Whether arrays are held to [`LIST_MEMBERS`] (events are; the canonical form of
    /// any JSON is tested without).
    lists: bool,
}

impl<'de> DeserializeSeed<'de> for Canon<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn number_error<E: de::Error>(shown: impl fmt::Display, what: &str) -> E {
    E::custom(format!(
        "{shown} is {what}; money and measurements are decimal strings"
    ))
}

impl<'de> Visitor<'de> for Canon<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if v > MAX_SAFE_INTEGER {
            return Err(number_error(v, "an integer too large"));
        }
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(number_error(v, "an integer too large"));
        }
        self.out.extend_from_slice(v.to_string().as_bytes());
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        let shown =
            serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string());
        Err(number_error(shown, "a floating-point number"))
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        crate::jcs::write_string_into(v, self.out);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.member {
            _ if !self.lists => {}
            Some(name) if LIST_MEMBERS.contains(&name) => {}
            Some(name) => {
                return Err(de::Error::custom(format!(
                    "{name} is not a list member: write an object (or a string) here"
                )))
            }
            None => return Err(de::Error::custom("a list inside a list")),
        }
        self.out.push(b'[');
        let mut i = 0;
        loop {
            let mark = self.out.len();
            if i > 0 {
                self.out.push(b',');
            }
            let element = Canon {
                out: &mut *self.out,
                failed_at: &mut *self.failed_at,
                member: None,
                lists: self.lists,
            };
            match seq.next_element_seed(element) {
                Ok(Some(())) => i += 1,
                Ok(None) => {
                    self.out.truncate(mark);
                    break;
                }
                Err(e) => {
                    self.failed_at.push(Segment::Index(i));
                    return Err(e);
                }
            }
        }
        self.out.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let start = self.out.len();
        self.out.push(b'{');
        // Each member's name and where its `"name":value` lies in `out` (commas outside).
        let mut members: Vec<(Cow<'de, str>, usize, usize)> = Vec::new();
        let mut in_order = true;
        while let Some(Key(name)) = map.next_key()? {
            if !members.is_empty() {
                self.out.push(b',');
            }
            let from = self.out.len();
            crate::jcs::write_string_into(&name, self.out);
            self.out.push(b':');
            let value = Canon {
                out: &mut *self.out,
                failed_at: &mut *self.failed_at,
                member: Some(&name),
                lists: self.lists,
            };
            if let Err(e) = map.next_value_seed(value) {
                self.failed_at.push(Segment::Key(name.into_owned()));
                return Err(e);
            }
            if let Some((last, ..)) = members.last() {
                match utf16_cmp(last, &name) {
                    std::cmp::Ordering::Less => {}
                    std::cmp::Ordering::Equal => return Err(duplicate(self.failed_at, name)),
                    std::cmp::Ordering::Greater => in_order = false,
                }
            }
            members.push((name, from, self.out.len()));
        }
        if !in_order {
            members.sort_by(|a, b| utf16_cmp(&a.0, &b.0));
            if let Some(pair) = members.windows(2).find(|w| w[0].0 == w[1].0) {
                let name = pair[0].0.clone();
                return Err(duplicate(self.failed_at, name));
            }
            let mut sorted = Vec::with_capacity(self.out.len() - start);
            for (i, (_, from, to)) in members.iter().enumerate() {
                if i > 0 {
                    sorted.push(b',');
                }
                sorted.extend_from_slice(&self.out[*from..*to]);
            }
            self.out.truncate(start + 1);
            self.out.extend_from_slice(&sorted);
        }
        self.out.push(b'}');
        Ok(())
    }
}

fn duplicate<E: de::Error>(failed_at: &mut Vec<Segment>, name: Cow<'_, str>) -> E {
    failed_at.push(Segment::Key(name.into_owned()));
    E::custom("the member is named twice in its object")
}

/// A member name, borrowed from the text unless it had escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jcs::canonicalize;
    use proptest::prelude::*;
    use serde_json::Value;

    fn same_as_tree(text: &str) {
        let tree: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            String::from_utf8(canonical(text, false).unwrap()).unwrap(),
            String::from_utf8(canonicalize(&tree)).unwrap(),
            "{text}"
        );
    }

    #[test]
    fn matches_the_tree_canonicalizer() {
        same_as_tree(r#"{"b":1,"a":{"d":[1,2,{"z":null,"y":true}],"c":"x"}}"#);
        same_as_tree(r#" { "\ufb33":1, "\ud83d\ude02":2, "a\nb":"\u0007\"\\é中" } "#);
        same_as_tree(r#"{"a":[],"b":{},"c":0,"d":-9007199254740991,"e":[[],[{}]]}"#);
        same_as_tree(r#"{"type":"production","body":{"z":"1","a":"2"},"actor":"A"}"#);
    }

    #[test]
    fn numbers_and_duplicates_are_refused_with_their_field() {
        let err =
            canonical_event(r#"{"body":{"results":[{"value":1},{"value":1.5}]}}"#).unwrap_err();
        assert_eq!(err.field, "body.results[1].value");
        assert!(
            err.message.contains("1.5 is a floating-point number"),
            "{err}"
        );
        let err = canonical_event(r#"{"what":{"quantity":9007199254740992}}"#).unwrap_err();
        assert_eq!(err.field, "what.quantity");
        assert!(err.message.contains("an integer too large"), "{err}");
        let err = canonical_event(r#"{"a":1,"b":{"x":1,"x":2}}"#).unwrap_err();
        assert_eq!(err.field, "b.x");
        let err = canonical_event(r#"{"b":1,"a":2,"b":3}"#).unwrap_err();
        assert_eq!(err.field, "b");
        assert_eq!(canonical_event("[1]").unwrap_err().field, "event");
        assert_eq!(canonical_event(r#"{"a":1} x"#).unwrap_err().field, "event");
    }

    fn json_leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(MAX_SAFE_INTEGER as i64)..=MAX_SAFE_INTEGER as i64).prop_map(Value::from),
            "[a-zA-Z0-9 \"\\\\\n\u{7}é中\u{1F602}]{0,8}".prop_map(Value::String),
        ]
    }

    fn json_value() -> impl Strategy<Value = Value> {
        json_leaf().prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-zé\u{1F602}\u{FB33}]{0,4}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the member order and whitespace of the text, the bytes are the tree
        /// canonicalizer's.
        #[test]
        fn any_object_in_any_order(members in prop::collection::vec(("[a-zé\u{1F602}\u{FB33}]{0,4}", json_value()), 0..8), pretty in any::<bool>()) {
            let mut seen = std::collections::HashSet::new();
            let members: Vec<_> = members.into_iter().filter(|(k, _)| seen.insert(k.clone())).collect();
            let text = format!("{{{}}}", members.iter().rev().map(|(k, v)| {
                let v = if pretty { serde_json::to_string_pretty(v).unwrap() } else { v.to_string() };
                format!("{}: {v}", Value::String(k.clone()))
            }).collect::<Vec<_>>().join(", "));
            let tree: Value = serde_json::from_str(&text).unwrap();
            prop_assert_eq!(canonical(&text, false).unwrap(), canonicalize(&tree));
        }
    }
}
