//! The shapes of the specification's fields and one reader that checks a record's child
//! elements against them in XSD sequence order: known names only, each at most once,
//! in order, required ones present, each value of its length and form.
//!
//! Lengths count characters, as XSD's `length`/`maxLength` do. Strings are kept exactly
//! as received (XSD `whiteSpace="preserve"`); numbers, times and codes with fixed values
//! are read after trimming XML whitespace (their XSD types collapse it). An optional
//! element that is present but empty, as the official samples write `<ceb:preNo></ceb:preNo>`,
//! is the same as an absent one.

use super::datetime::{CalendarDate, Timestamp, DATE_FORMAT, TIMESTAMP_FORMAT};
use super::error::{ErrorKind, ParseError};
use super::xml::{is_xml_space, Element};
use super::CEB_NAMESPACE;
use crate::amount::Amount;

/// What one field's text must be.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// Free text of `min..=max` characters.
    Text { min: usize, max: usize },
    /// Exactly this many characters.
    Length(usize),
    /// The 36-character `guid`, written in upper case.
    Guid,
    /// An `N19,5` decimal.
    Decimal,
    /// An integer of at most this many digits.
    Int(usize),
    /// `YYYYMMDDhhmmss`.
    Timestamp,
    /// `YYYYMMDD`.
    Date,
    /// One fixed value (`currency` is `142`).
    Fixed(&'static str),
    /// One of a few values (`appType` is 1, 2 or 3).
    OneOf(&'static [&'static str]),
}

/// One element of a record's XSD sequence.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub name: &'static str,
    pub required: bool,
    pub shape: Shape,
}

/// A required field.
pub(crate) const fn req(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        required: true,
        shape,
    }
}

/// An optional field.
pub(crate) const fn opt(name: &'static str, shape: Shape) -> Field {
    Field {
        name,
        required: false,
        shape,
    }
}

/// Text of 1 to `max` characters.
pub(crate) const fn text(max: usize) -> Shape {
    Shape::Text { min: 1, max }
}

/// Text of 0 to `max` characters.
pub(crate) const fn maybe_empty(max: usize) -> Shape {
    Shape::Text { min: 0, max }
}

/// A checked value.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Text(String),
    Amount(Amount),
    Int(u32),
    Timestamp(Timestamp),
    Date(CalendarDate),
}

/// A record's checked values, by field name.
#[derive(Debug)]
pub(crate) struct Values {
    fields: &'static [Field],
    values: Vec<Option<Value>>,
}

impl Values {
    fn get(&self, name: &str) -> Option<&Value> {
        let index = self.fields.iter().position(|f| f.name == name);
        debug_assert!(index.is_some(), "{name} is not a field of this record");
        index.and_then(|i| self.values[i].as_ref())
    }

    /// An optional text field.
    pub fn opt_text(&self, name: &str) -> Option<String> {
        match self.get(name) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// A required text field (the reader has checked it is there).
    pub fn text(&self, name: &str) -> String {
        self.opt_text(name).unwrap_or_default()
    }

    pub fn opt_amount(&self, name: &str) -> Option<Amount> {
        match self.get(name) {
            Some(Value::Amount(a)) => Some(*a),
            _ => None,
        }
    }

    pub fn amount(&self, name: &str) -> Amount {
        self.opt_amount(name).unwrap_or_default()
    }

    pub fn int(&self, name: &str) -> u32 {
        match self.get(name) {
            Some(Value::Int(n)) => *n,
            _ => 0,
        }
    }

    pub fn timestamp(&self, name: &str) -> Option<Timestamp> {
        match self.get(name) {
            Some(Value::Timestamp(t)) => Some(t.clone()),
            _ => None,
        }
    }

    pub fn date(&self, name: &str) -> Option<CalendarDate> {
        match self.get(name) {
            Some(Value::Date(d)) => Some(d.clone()),
            _ => None,
        }
    }
}

/// Reads `element`'s children as the record `fields` describe; `path` names the element
/// in errors (`Order[2]/OrderHead`).
pub(crate) fn read_record(
    element: &Element,
    path: &str,
    fields: &'static [Field],
) -> Result<Values, ParseError> {
    no_attributes(element, path)?;
    if element.text.chars().any(|c| !is_xml_space(c)) {
        return Err(ParseError::in_element(
            element.line,
            path,
            ErrorKind::UnexpectedText,
        ));
    }
    let mut values: Vec<Option<Value>> = vec![None; fields.len()];
    let mut seen = vec![false; fields.len()];
    let mut last: Option<usize> = None;
    for child in &element.children {
        let child_path = format!("{path}/{}", child.name);
        in_ceb(child, &child_path)?;
        let Some(index) = fields.iter().position(|f| f.name == child.name) else {
            return Err(ParseError::in_element(
                child.line,
                path,
                ErrorKind::UnexpectedElement(child.name.clone()),
            ));
        };
        if seen[index] {
            return Err(ParseError::in_element(
                child.line,
                child_path,
                ErrorKind::Duplicate,
            ));
        }
        if let Some(last) = last.filter(|last| *last > index) {
            return Err(ParseError::in_element(
                child.line,
                child_path,
                ErrorKind::OutOfOrder(fields[last].name),
            ));
        }
        seen[index] = true;
        last = Some(index);
        no_attributes(child, &child_path)?;
        if !child.children.is_empty() {
            return Err(ParseError::in_element(
                child.line,
                child_path,
                ErrorKind::NotAValue,
            ));
        }
        let field = &fields[index];
        let empty = child.text.is_empty();
        if empty && !field.required {
            continue;
        }
        values[index] = Some(
            value(&child.text, field.shape)
                .map_err(|kind| ParseError::in_element(child.line, child_path, kind))?,
        );
    }
    if let Some(missing) = fields
        .iter()
        .zip(&seen)
        .find(|(f, seen)| f.required && !**seen)
    {
        return Err(ParseError::in_element(
            element.line,
            format!("{path}/{}", missing.0.name),
            ErrorKind::Missing,
        ));
    }
    Ok(Values { fields, values })
}

/// Checks one value against its shape.
pub(crate) fn value(raw: &str, shape: Shape) -> Result<Value, ErrorKind> {
    let trimmed = raw.trim_matches(is_xml_space);
    let chars = raw.chars().count();
    match shape {
        Shape::Text { min, max } => {
            if chars > max {
                return Err(ErrorKind::TooLong { len: chars, max });
            }
            if chars < min {
                return Err(if chars == 0 {
                    ErrorKind::Empty
                } else {
                    ErrorKind::TooShort { len: chars, min }
                });
            }
            Ok(Value::Text(raw.to_owned()))
        }
        Shape::Length(expected) => {
            if chars == 0 {
                return Err(ErrorKind::Empty);
            }
            if chars != expected {
                return Err(ErrorKind::WrongLength {
                    len: chars,
                    expected,
                });
            }
            Ok(Value::Text(raw.to_owned()))
        }
        Shape::Guid => {
            if chars == 0 {
                return Err(ErrorKind::Empty);
            }
            if chars != 36 {
                return Err(ErrorKind::WrongLength {
                    len: chars,
                    expected: 36,
                });
            }
            if raw.chars().any(|c| c.is_lowercase()) {
                return Err(ErrorKind::LowerCase);
            }
            Ok(Value::Text(raw.to_owned()))
        }
        Shape::Decimal => {
            Amount::parse(trimmed)
                .map(Value::Amount)
                .map_err(|reason| ErrorKind::NotADecimal {
                    value: clip(trimmed),
                    reason,
                })
        }
        Shape::Int(digits) => {
            let ok = !trimmed.is_empty()
                && trimmed.len() <= digits
                && trimmed.bytes().all(|b| b.is_ascii_digit());
            match trimmed.parse::<u32>() {
                Ok(n) if ok => Ok(Value::Int(n)),
                _ => Err(ErrorKind::NotAnInteger {
                    value: clip(trimmed),
                }),
            }
        }
        Shape::Timestamp => Timestamp::parse(trimmed)
            .map(Value::Timestamp)
            .ok_or_else(|| ErrorKind::NotATime {
                value: clip(trimmed),
                format: TIMESTAMP_FORMAT,
            }),
        Shape::Date => CalendarDate::parse(trimmed)
            .map(Value::Date)
            .ok_or_else(|| ErrorKind::NotATime {
                value: clip(trimmed),
                format: DATE_FORMAT,
            }),
        Shape::Fixed(expected) => {
            if trimmed == expected {
                Ok(Value::Text(expected.to_owned()))
            } else {
                Err(ErrorKind::NotFixed {
                    value: clip(trimmed),
                    expected,
                })
            }
        }
        Shape::OneOf(allowed) => match allowed.iter().find(|a| **a == trimmed) {
            Some(a) => Ok(Value::Text((*a).to_owned())),
            None => Err(ErrorKind::NotAllowed {
                value: clip(trimmed),
                allowed,
            }),
        },
    }
}

/// Quoted values are never personal (numbers, times, codes), but may be long: keep an
/// error message short.
fn clip(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Every element of a message but the signature is in the `ceb` namespace.
pub(crate) fn in_ceb(element: &Element, path: &str) -> Result<(), ParseError> {
    if element.ns.as_deref() == Some(CEB_NAMESPACE) {
        Ok(())
    } else {
        Err(ParseError::in_element(
            element.line,
            path,
            ErrorKind::WrongNamespace {
                element: element.name.clone(),
                expected: CEB_NAMESPACE,
                found: element.ns.clone(),
            },
        ))
    }
}

fn no_attributes(element: &Element, path: &str) -> Result<(), ParseError> {
    match element.attrs.first() {
        Some(attr) => Err(ParseError::in_element(
            element.line,
            path,
            ErrorKind::UnexpectedAttribute(attr.name.clone()),
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(value("142", Shape::Fixed("142")).is_ok());
        assert!(matches!(
            value("156", Shape::Fixed("142")),
            Err(ErrorKind::NotFixed { .. })
        ));
        assert!(matches!(
            value("a", text(60)),
            Ok(Value::Text(s)) if s == "a"
        ));
        assert_eq!(
            value(&"李".repeat(61), text(60)).unwrap_err(),
            ErrorKind::TooLong { len: 61, max: 60 }
        );
        assert_eq!(value("", text(60)).unwrap_err(), ErrorKind::Empty);
        assert!(value("", maybe_empty(60)).is_ok());
        assert!(matches!(
            value(" 19050.00 ", Shape::Decimal),
            Ok(Value::Amount(a)) if a == Amount::parse("19050").unwrap()
        ));
        assert!(matches!(
            value("19050.000001", Shape::Decimal),
            Err(ErrorKind::NotADecimal { .. })
        ));
        assert!(matches!(value("12", Shape::Int(9)), Ok(Value::Int(12))));
        assert!(value("1234567890", Shape::Int(9)).is_err());
        assert!(value("-1", Shape::Int(9)).is_err());
        assert_eq!(
            value("4cde1cfd-eded-46b1-946c-b8022e42fc94", Shape::Guid).unwrap_err(),
            ErrorKind::LowerCase
        );
        assert!(value("20250230101612", Shape::Timestamp).is_err());
        assert!(value("9610", Shape::OneOf(&["9610", "1210"])).is_ok());
        assert!(value("0110", Shape::OneOf(&["9610", "1210"])).is_err());
    }
}
