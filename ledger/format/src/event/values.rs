//! Value types that appear inside events: decimals, money, quantities, times, dates,
//! digests, country codes. Each refuses bad input with a message that says what is wrong;
//! the caller adds the field path. Money and measurements are decimal strings, never
//! floats, so that every language reads the same value from the signed bytes.

use crate::encoding::Digest;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use time::OffsetDateTime;

/// A decimal number written as a string: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, at most 30 digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Decimal(String);

impl TryFrom<String> for Decimal {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let body = s.strip_prefix('-').unwrap_or(&s);
        let (int, frac) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let int_ok = !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && (int == "0" || !int.starts_with('0'));
        let frac_ok = frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !int_ok || !frac_ok || body.len() > 31 {
            return Err(format!(
                "{s:?} is not a decimal string (digits, optional sign and fraction, e.g. \"12.50\")"
            ));
        }
        Ok(Decimal(s))
    }
}

impl From<Decimal> for String {
    fn from(d: Decimal) -> String {
        d.0
    }
}

impl Decimal {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn is_negative(&self) -> bool {
        self.0.starts_with('-') && self.0.bytes().any(|b| (b'1'..=b'9').contains(&b))
    }
    /// Greater than zero.
    pub fn is_positive(&self) -> bool {
        !self.0.starts_with('-') && self.0.bytes().any(|b| (b'1'..=b'9').contains(&b))
    }
    /// The value scaled to `scale` fractional digits, if it fits and loses nothing.
    pub fn scaled(&self, scale: u32) -> Option<i128> {
        let (neg, body) = match self.0.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, self.0.as_str()),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let frac = frac.trim_end_matches('0');
        if frac.len() > scale as usize {
            return None;
        }
        let digits = format!("{int}{frac:0<width$}", width = scale as usize);
        let v: i128 = digits.parse().ok()?;
        Some(if neg { -v } else { v })
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        // 30 digits fit an i128 at any scale up to 8; compare at a common scale.
        let scale = [self, other]
            .iter()
            .map(|d| d.0.split_once('.').map_or(0, |(_, f)| f.len()))
            .max()
            .unwrap_or(0) as u32;
        Some(self.scaled(scale)?.cmp(&other.scaled(scale)?))
    }
}

/// ISO 4217 currency code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Currency(s))
        } else {
            Err(format!(
                "{s:?} is not an ISO 4217 currency code (three capital letters)"
            ))
        }
    }
}
impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}
impl Currency {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An amount of money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Currency,
}

/// A measured quantity with a UN/CEFACT Rec. 20 unit code (KGM, GRM, LTR, H87 pieces, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quantity {
    pub value: Decimal,
    pub uom: UnitCode,
}

/// A UN/CEFACT Rec. 20 unit code: 2–3 capital letters or digits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);
impl TryFrom<String> for UnitCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if (2..=3).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            Ok(UnitCode(s))
        } else {
            Err(format!(
                "{s:?} is not a UN/CEFACT unit code (e.g. KGM, LTR, H87, CEL)"
            ))
        }
    }
}
impl From<UnitCode> for String {
    fn from(c: UnitCode) -> String {
        c.0
    }
}

/// An RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp {
    text: String,
    #[serde(skip)]
    at: OffsetDateTime,
}

impl TryFrom<String> for Timestamp {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let at = crate::time_format::parse(&s).ok_or_else(|| {
            format!("{s:?} is not an RFC 3339 time with an offset (e.g. 2026-05-01T08:30:00+08:00)")
        })?;
        Ok(Timestamp { text: s, at })
    }
}
impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.text
    }
}
impl Timestamp {
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date(String);
impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let fmt = time::macros::format_description!("[year]-[month]-[day]");
        // Exactly YYYY-MM-DD: no sign, so that dates also compare as strings.
        if s.len() != 10 || !s.as_bytes()[0].is_ascii_digit() {
            return Err(format!("{s:?} is not a date (YYYY-MM-DD)"));
        }
        time::Date::parse(&s, &fmt)
            .map(|_| Date(s.clone()))
            .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))
    }
}
impl From<Date> for String {
    fn from(d: Date) -> String {
        d.0
    }
}

/// A BLAKE3 or SHA-256 digest as 64 lowercase hex characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HexDigest(pub Digest);
impl TryFrom<String> for HexDigest {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("{s:?} must be lowercase hex"));
        }
        Digest::from_hex(&s)
            .map(HexDigest)
            .ok_or_else(|| format!("{s:?} is not a 32-byte hash in hex (64 characters)"))
    }
}
impl From<HexDigest> for String {
    fn from(d: HexDigest) -> String {
        d.0.to_hex()
    }
}

/// ISO 3166-1 alpha-2 country or area code (CN, TW, HK, MO, TH, VN, MY, SG, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);
impl TryFrom<String> for Country {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Country(s))
        } else {
            Err(format!(
                "{s:?} is not an ISO 3166-1 alpha-2 code (two capital letters)"
            ))
        }
    }
}
impl From<Country> for String {
    fn from(c: Country) -> String {
        c.0
    }
}

/// A document or business number (order, payment, waybill, declaration, report):
/// 1 to 64 printable ASCII characters without spaces.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DocNumber(String);
impl TryFrom<String> for DocNumber {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(DocNumber(s))
        } else {
            Err(format!(
                "{s:?} is not a document number (1 to 64 printable ASCII characters, no spaces)"
            ))
        }
    }
}
impl From<DocNumber> for String {
    fn from(d: DocNumber) -> String {
        d.0
    }
}
impl DocNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Free text shown to people: 1 to 2000 characters, no control characters but newline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);
impl TryFrom<String> for Text {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        let n = s.chars().count();
        if n == 0 || n > 2000 {
            return Err(format!("text must be 1 to 2000 characters, got {n}"));
        }
        if s.chars().any(|c| c.is_control() && c != '\n') {
            return Err("text contains control characters".into());
        }
        Ok(Text(s))
    }
}
impl From<Text> for String {
    fn from(t: Text) -> String {
        t.0
    }
}
impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A lab's or body's accreditation (e.g. TAF, CNAS, ILAC MRA).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accreditation {
    pub body: Text,
    pub number: DocNumber,
    pub scope: Option<Text>,
}

/// Customs trade modes for e-commerce and general trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum TradeMode {
    /// Direct cross-border retail (B2C).
    #[serde(rename = "9610")]
    M9610,
    /// Cross-border B2B direct export.
    #[serde(rename = "9710")]
    M9710,
    /// Cross-border B2B export to overseas warehouses.
    #[serde(rename = "9810")]
    M9810,
    /// Bonded e-commerce.
    #[serde(rename = "1210")]
    M1210,
    /// General trade.
    #[serde(rename = "0110")]
    M0110,
}

/// A Harmonized System commodity code: 6, 8 or 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct HsCode(pub String);
impl TryFrom<String> for HsCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if [6, 8, 10].contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(HsCode(s))
        } else {
            Err(format!("{s:?} is not an HS code (6, 8 or 10 digits)"))
        }
    }
}
