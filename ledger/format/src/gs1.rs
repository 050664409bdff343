//! GS1 identification keys and their GS1 Digital Link path form.
//!
//! Items are named as Digital Link paths: `01/{GTIN-14}` (a product), `01/{GTIN}/10/{lot}`
//! (a batch), `01/{GTIN}[/10/{lot}]/21/{serial}` (one unit) and `00/{SSCC-18}` (a parcel,
//! pallet or container). Check digits are verified; lot and serial use GS1's 82-character
//! set (at most 20 characters), percent-encoded in the path where a URI needs it. Each
//! item has exactly one canonical path, which is what the log stores and indexes.

use std::fmt;

/// Why an identifier was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Gs1Error {
    #[error("GTIN must be 8, 12, 13 or 14 digits, got {0:?}")]
    GtinSyntax(String),
    #[error("GTIN {0} has a wrong check digit (expected {1})")]
    GtinCheckDigit(String, u8),
    #[error("SSCC must be 18 digits, got {0:?}")]
    SsccSyntax(String),
    #[error("SSCC {0} has a wrong check digit (expected {1})")]
    SsccCheckDigit(String, u8),
    #[error("GLN must be 13 digits, got {0:?}")]
    GlnSyntax(String),
    #[error("GLN {0} has a wrong check digit (expected {1})")]
    GlnCheckDigit(String, u8),
    #[error("{what} {value:?} must be 1 to 20 characters of the GS1 character set 82")]
    Characters { what: &'static str, value: String },
    #[error("item {0:?} is not a Digital Link path (01/GTIN[/10/LOT][/21/SERIAL] or 00/SSCC)")]
    Path(String),
}

/// The GS1 mod-10 check digit of the digits before it.
pub fn check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| (*d - b'0') as u32 * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn digits_with_check(s: &str) -> Option<(u8, u8)> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let b = s.as_bytes();
    Some((check_digit(&b[..b.len() - 1]), b[b.len() - 1] - b'0'))
}

/// Validates a GTIN-8/12/13/14 and returns it as GTIN-14.
pub fn gtin14(s: &str) -> Result<String, Gs1Error> {
    if ![8, 12, 13, 14].contains(&s.len()) {
        return Err(Gs1Error::GtinSyntax(s.into()));
    }
    let (expected, got) = digits_with_check(s).ok_or_else(|| Gs1Error::GtinSyntax(s.into()))?;
    if expected != got {
        return Err(Gs1Error::GtinCheckDigit(s.into(), expected));
    }
    Ok(format!("{s:0>14}"))
}

/// Validates an SSCC-18.
pub fn sscc(s: &str) -> Result<String, Gs1Error> {
    if s.len() != 18 {
        return Err(Gs1Error::SsccSyntax(s.into()));
    }
    let (expected, got) = digits_with_check(s).ok_or_else(|| Gs1Error::SsccSyntax(s.into()))?;
    if expected != got {
        return Err(Gs1Error::SsccCheckDigit(s.into(), expected));
    }
    Ok(s.into())
}

/// Validates a GLN (global location number, 13 digits).
pub fn gln(s: &str) -> Result<(), Gs1Error> {
    if s.len() != 13 {
        return Err(Gs1Error::GlnSyntax(s.into()));
    }
    let (expected, got) = digits_with_check(s).ok_or_else(|| Gs1Error::GlnSyntax(s.into()))?;
    if expected != got {
        return Err(Gs1Error::GlnCheckDigit(s.into(), expected));
    }
    Ok(())
}

/// GS1 AI encodable character set 82.
fn is_cset82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// Validates a lot (AI 10) or serial (AI 21) value.
pub fn lot_or_serial(what: &'static str, value: &str) -> Result<(), Gs1Error> {
    if value.is_empty() || value.chars().count() > 20 || !value.chars().all(is_cset82) {
        return Err(Gs1Error::Characters {
            what,
            value: value.into(),
        });
    }
    Ok(())
}

/// An item, identified by a GS1 key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// `01/{gtin}`, optionally narrowed to a lot and/or a serial.
    Trade {
        gtin: String,
        lot: Option<String>,
        serial: Option<String>,
    },
    /// `00/{sscc}`: a logistic unit.
    Logistic { sscc: String },
}

impl Item {
    /// Parses a Digital Link path (with or without a leading `/`).
    pub fn parse(path: &str) -> Result<Item, Gs1Error> {
        let bad = || Gs1Error::Path(path.into());
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            ["00", sscc_value] => Ok(Item::Logistic {
                sscc: sscc(sscc_value)?,
            }),
            ["01", gtin, rest @ ..] => {
                let gtin = gtin14(gtin)?;
                let (lot, serial) = match rest {
                    [] => (None, None),
                    ["10", lot] => (Some(decode("lot", lot)?), None),
                    ["21", serial] => (None, Some(decode("serial", serial)?)),
                    ["10", lot, "21", serial] => {
                        (Some(decode("lot", lot)?), Some(decode("serial", serial)?))
                    }
                    _ => return Err(bad()),
                };
                Ok(Item::Trade { gtin, lot, serial })
            }
            _ => Err(bad()),
        }
    }

    /// The batch this item belongs to, if it is a serialized unit of a known lot.
    pub fn lot_item(&self) -> Option<Item> {
        match self {
            Item::Trade {
                gtin,
                lot: Some(lot),
                serial: Some(_),
            } => Some(Item::Trade {
                gtin: gtin.clone(),
                lot: Some(lot.clone()),
                serial: None,
            }),
            _ => None,
        }
    }

    pub fn is_lot(&self) -> bool {
        matches!(
            self,
            Item::Trade {
                lot: Some(_),
                serial: None,
                ..
            }
        )
    }

    pub fn gtin(&self) -> Option<&str> {
        match self {
            Item::Trade { gtin, .. } => Some(gtin),
            Item::Logistic { .. } => None,
        }
    }
}

fn decode(what: &'static str, segment: &str) -> Result<String, Gs1Error> {
    let bad = || Gs1Error::Characters {
        what,
        value: segment.into(),
    };
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let value = String::from_utf8(out).map_err(|_| bad())?;
    lot_or_serial(what, &value)?;
    Ok(value)
}

fn encode(value: &str, out: &mut String) {
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || "-._".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{:02X}", c as u32));
        }
    }
}

impl fmt::Display for Item {
    /// The canonical Digital Link path, without a leading `/`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Item::Logistic { sscc } => write!(f, "00/{sscc}"),
            Item::Trade { gtin, lot, serial } => {
                let mut s = format!("01/{gtin}");
                if let Some(lot) = lot {
                    s.push_str("/10/");
                    encode(lot, &mut s);
                }
                if let Some(serial) = serial {
                    s.push_str("/21/");
                    encode(serial, &mut s);
                }
                f.write_str(&s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digits() {
        assert_eq!(gtin14("09506000134352").unwrap(), "09506000134352");
        assert_eq!(gtin14("9506000134352").unwrap(), "09506000134352");
        assert!(matches!(
            gtin14("09506000134353"),
            Err(Gs1Error::GtinCheckDigit(_, 2))
        ));
        assert!(sscc("106141411234567897").is_ok());
        assert!(sscc("106141411234567898").is_err());
        assert!(gln("9506000000001").is_ok() || gln("9506000000001").is_err());
    }

    #[test]
    fn paths_round_trip() {
        for p in [
            "01/09506000134352",
            "01/09506000134352/10/ABC-1",
            "01/09506000134352/10/A%2FB/21/7",
            "01/09506000134352/21/XYZ",
            "00/106141411234567897",
        ] {
            assert_eq!(Item::parse(p).unwrap().to_string(), p);
        }
        assert!(Item::parse("01/09506000134352/21/x/10/y").is_err());
        assert!(Item::parse("01/09506000134352/10/").is_err());
        assert!(Item::parse("01/09506000134352/10/%2e%2e").is_ok());
        assert!(Item::parse("../etc/passwd").is_err());
    }
}
