//! Exact decimal amounts for the specification's `N19,5` numbers (money, quantities,
//! weights), so that `19050`, `19050.0` and `19050.00000` are one value and a fen is never
//! lost to floating point.
//!
//! An [`Amount`] is a signed count of 10⁻¹⁰ units in an `i128`: scale 10 holds the exact
//! product of two `N19,5` numbers (price × qty), and because every value has exactly one
//! representation, derived equality, hashing and ordering compare values, not spellings.
//! Amounts may be negative so that differences can be computed; the specification's
//! own text form (see [`Amount::parse`]) never carries a sign.

use std::fmt;
use std::str::FromStr;

/// Digits after the point that an [`Amount`] holds exactly.
pub const SCALE: u32 = 10;
/// Most digits an `N19,5` number may have, before and after the point together.
pub const MAX_DIGITS: usize = 19;
/// Most digits an `N19,5` number may have after the point.
pub const MAX_FRACTION_DIGITS: usize = 5;

const UNIT: i128 = 10_i128.pow(SCALE);
/// 10⁻¹⁰ units in one fen (0.01).
const UNITS_PER_FEN: i128 = 10_i128.pow(SCALE - 2);

/// An exact decimal: a whole number of 10⁻¹⁰ units.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount {
    units: i128,
}

/// Why a text is not an `N19,5` number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("it is empty")]
    Empty,
    #[error("a sign is not allowed")]
    Sign,
    #[error("{0:?} is not a digit")]
    NotADigit(char),
    #[error("a digit is needed on each side of the point")]
    MissingDigits,
    #[error("it has {0} digits after the point, above {MAX_FRACTION_DIGITS}")]
    TooManyFractionDigits(usize),
    #[error("it has {0} digits, above {MAX_DIGITS}")]
    TooManyDigits(usize),
    #[error("it is out of range")]
    OutOfRange,
}

impl Amount {
    pub const ZERO: Amount = Amount { units: 0 };

    /// Parses the specification's text for an `N19,5` decimal: ASCII digits, optionally a
    /// point followed by 1 to 5 digits, at most 19 digits in all (leading zeros of the
    /// whole part are not counted; trailing zeros after the point are). No sign, no
    /// exponent, no grouping, no surrounding space: what is refused here is refused with
    /// its reason, so a message names why its number is wrong.
    pub fn parse(text: &str) -> Result<Amount, AmountError> {
        let (whole, fraction) = split_digits(text)?;
        if fraction.len() > MAX_FRACTION_DIGITS {
            return Err(AmountError::TooManyFractionDigits(fraction.len()));
        }
        let significant = whole.trim_start_matches('0').len() + fraction.len();
        if significant > MAX_DIGITS {
            return Err(AmountError::TooManyDigits(significant));
        }
        from_digits(false, whole, fraction).ok_or(AmountError::OutOfRange)
    }

    /// An amount of whole fen (0.01 yuan).
    pub const fn from_fen(fen: i64) -> Amount {
        Amount {
            units: fen as i128 * UNITS_PER_FEN,
        }
    }

    /// `mantissa × 10^-scale`, or `None` if `scale` is above [`SCALE`] or the value is out
    /// of range.
    pub fn from_parts(mantissa: i128, scale: u32) -> Option<Amount> {
        let factor = 10_i128.checked_pow(SCALE.checked_sub(scale)?)?;
        Some(Amount {
            units: mantissa.checked_mul(factor)?,
        })
    }

    /// The value as `(mantissa, scale)` in lowest terms: `19050.5` is `(190505, 1)`.
    pub fn to_parts(self) -> (i128, u32) {
        let mut mantissa = self.units;
        let mut scale = SCALE;
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        (mantissa, scale)
    }

    pub fn is_zero(self) -> bool {
        self.units == 0
    }

    /// The value in 10⁻¹⁰ units (for integer arithmetic such as the tax rule's rationals).
    pub(crate) fn units(self) -> i128 {
        self.units
    }

    /// A value from whole fen.
    pub(crate) fn from_fen_i128(fen: i128) -> Amount {
        Amount {
            units: fen * UNITS_PER_FEN,
        }
    }

    pub fn is_negative(self) -> bool {
        self.units < 0
    }

    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.units
            .checked_add(other.units)
            .map(|units| Amount { units })
    }

    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.units
            .checked_sub(other.units)
            .map(|units| Amount { units })
    }

    pub fn checked_neg(self) -> Option<Amount> {
        self.units.checked_neg().map(|units| Amount { units })
    }

    /// The exact product, or `None` if it needs more than [`SCALE`] digits after the point
    /// or is out of range. Two `N19,5` numbers always multiply exactly (5 + 5 digits).
    pub fn checked_mul(self, other: Amount) -> Option<Amount> {
        let (ma, sa) = self.to_parts();
        let (mb, sb) = other.to_parts();
        // In lowest terms the mantissas' product is at most the product in units whenever
        // it fits the scale, so an overflow then means the product is out of range.
        let (mut mantissa, mut scale) = (ma.checked_mul(mb)?, sa + sb);
        while scale > SCALE && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Amount::from_parts(mantissa, scale)
    }

    /// The value in whole fen, if it is one; `None` if a fraction of a fen remains.
    pub fn to_fen(self) -> Option<i128> {
        (self.units % UNITS_PER_FEN == 0).then_some(self.units / UNITS_PER_FEN)
    }

    /// The value rounded to whole fen by 四舍五入: half a fen or more rounds away from
    /// zero, less rounds toward it (for the non-negative amounts of a message this is
    /// half-up: 0.005 → 0.01, 0.00499 → 0.00).
    pub fn round_to_fen(self) -> i128 {
        let fen = self.units / UNITS_PER_FEN;
        let rest = self.units % UNITS_PER_FEN;
        if rest.abs() * 2 >= UNITS_PER_FEN {
            fen + rest.signum()
        } else {
            fen
        }
    }

    /// [`Amount::round_to_fen`] as an amount.
    pub fn rounded_to_fen(self) -> Amount {
        Amount {
            units: self.round_to_fen() * UNITS_PER_FEN,
        }
    }
}

/// The canonical text: no sign unless negative, no trailing zeros after the point and no
/// point for whole values (`19050`, `0.5`, `-3.25`), so one value has one text, which
/// [`FromStr`] reads back.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.units < 0 { "-" } else { "" };
        let abs = self.units.unsigned_abs();
        let unit = UNIT.unsigned_abs();
        let (whole, fraction) = (abs / unit, abs % unit);
        if fraction == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{fraction:0width$}", width = SCALE as usize);
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({self})")
    }
}

/// Reads any amount's text: an optional `-`, digits, and up to [`SCALE`] digits after an
/// optional point, with no limit of 19 digits. The inverse of [`Display`](fmt::Display);
/// message fields use the stricter [`Amount::parse`].
impl FromStr for Amount {
    type Err = AmountError;

    fn from_str(text: &str) -> Result<Amount, AmountError> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = split_digits(rest)?;
        if fraction.len() > SCALE as usize {
            return Err(AmountError::TooManyFractionDigits(fraction.len()));
        }
        from_digits(negative, whole, fraction).ok_or(AmountError::OutOfRange)
    }
}

/// Splits `ddd[.ddd]` into its whole and fraction digits, refusing anything else.
fn split_digits(text: &str) -> Result<(&str, &str), AmountError> {
    if text.is_empty() {
        return Err(AmountError::Empty);
    }
    if let Some(c) = text.chars().find(|c| !c.is_ascii_digit() && *c != '.') {
        return Err(if c == '+' || c == '-' {
            AmountError::Sign
        } else {
            AmountError::NotADigit(c)
        });
    }
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => {
            if fraction.contains('.') {
                return Err(AmountError::NotADigit('.'));
            }
            if fraction.is_empty() {
                return Err(AmountError::MissingDigits);
            }
            (whole, fraction)
        }
        None => (text, ""),
    };
    if whole.is_empty() {
        return Err(AmountError::MissingDigits);
    }
    Ok((whole, fraction))
}

/// Builds the amount from checked ASCII digit strings (fraction at most [`SCALE`] long).
fn from_digits(negative: bool, whole: &str, fraction: &str) -> Option<Amount> {
    let mut units: i128 = 0;
    let padded = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(SCALE as usize);
    for digit in whole.bytes().chain(padded) {
        units = units
            .checked_mul(10)?
            .checked_add(i128::from(digit - b'0'))?;
    }
    Some(Amount {
        units: if negative { -units } else { units },
    })
}

/// Amounts travel in JSON as their canonical text (`"19050"`, `"0.5"`), never as JSON
/// numbers, which readers take for binary floating point.
impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        let amount: Amount = text
            .parse()
            .map_err(|e| serde::de::Error::custom(format!("amount {text:?}: {e}")))?;
        if amount.to_string() != *text {
            return Err(serde::de::Error::custom(format!(
                "amount {text:?} is not in canonical form ({amount})"
            )));
        }
        Ok(amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn notations_of_one_value_are_equal() {
        assert_eq!(a("19050"), a("19050.0"));
        assert_eq!(a("19050"), a("19050.00000"));
        assert_eq!(a("019050.5"), a("19050.50"));
        assert_eq!(a("19050").to_string(), "19050");
        assert_eq!(a("19050.50").to_string(), "19050.5");
        assert_eq!(a("0.00001").to_string(), "0.00001");
        assert_eq!(a("0").to_string(), "0");
    }

    #[test]
    fn refuses_what_n19_5_does_not_allow() {
        assert_eq!(Amount::parse(""), Err(AmountError::Empty));
        assert_eq!(Amount::parse("+1"), Err(AmountError::Sign));
        assert_eq!(Amount::parse("-1"), Err(AmountError::Sign));
        assert_eq!(Amount::parse("19,050"), Err(AmountError::NotADigit(',')));
        assert_eq!(Amount::parse(" 1"), Err(AmountError::NotADigit(' ')));
        assert_eq!(Amount::parse("1e3"), Err(AmountError::NotADigit('e')));
        assert_eq!(Amount::parse("１２"), Err(AmountError::NotADigit('１')));
        assert_eq!(Amount::parse(".5"), Err(AmountError::MissingDigits));
        assert_eq!(Amount::parse("5."), Err(AmountError::MissingDigits));
        assert_eq!(Amount::parse("1.2.3"), Err(AmountError::NotADigit('.')));
        assert_eq!(
            Amount::parse("1.123456"),
            Err(AmountError::TooManyFractionDigits(6))
        );
        assert_eq!(
            Amount::parse("1.000000"),
            Err(AmountError::TooManyFractionDigits(6))
        );
        assert_eq!(
            Amount::parse("12345678901234567890"),
            Err(AmountError::TooManyDigits(20))
        );
        assert_eq!(
            Amount::parse("123456789012345.12345"),
            Err(AmountError::TooManyDigits(20))
        );
        assert!(Amount::parse("1234567890123456789").is_ok());
        assert!(Amount::parse("00000000000000000000001.5").is_ok());
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(a("0.1").checked_add(a("0.2")), Some(a("0.3")));
        assert_eq!(a("14000").checked_add(a("5000")), Some(a("19000")));
        assert_eq!(a("1").checked_sub(a("1.5")), "-0.5".parse().ok());
        assert_eq!(a("268.00").checked_mul(a("2")), Some(a("536")));
        assert_eq!(
            a("0.33333").checked_mul(a("0.33333")),
            "0.1111088889".parse().ok()
        );
        assert_eq!(
            a("99999.99999").checked_mul(a("99999.99999")),
            "9999999998.0000000001".parse().ok()
        );
        // Beyond 10 digits after the point there is no exact product.
        let tiny = Amount::from_parts(1, 10).unwrap();
        assert_eq!(tiny.checked_mul(a("0.1")), None);
        let two_tiny = Amount::from_parts(2, 10).unwrap();
        assert_eq!(two_tiny.checked_mul(a("0.5")), Some(tiny));
        assert_eq!(
            a("1234567890123456789").checked_mul(a("1234567890123456789")),
            None
        );
    }

    #[test]
    fn fen() {
        assert_eq!(a("884.62").to_fen(), Some(88462));
        assert_eq!(a("884.625").to_fen(), None);
        assert_eq!(a("884.625").round_to_fen(), 88463);
        assert_eq!(a("884.62499").round_to_fen(), 88462);
        assert_eq!(a("0.005").round_to_fen(), 1);
        assert_eq!(a("0.00499").round_to_fen(), 0);
        assert_eq!("-0.005".parse::<Amount>().unwrap().round_to_fen(), -1);
        assert_eq!("-0.004".parse::<Amount>().unwrap().round_to_fen(), 0);
        assert_eq!(a("74.6200").rounded_to_fen(), Amount::from_fen(7462));
        assert_eq!(Amount::from_fen(-150).to_string(), "-1.5");
    }

    #[test]
    fn order_is_by_value() {
        assert!(a("9.99999") < a("10"));
        assert!(a("10.00001") > a("10"));
        assert!("-1".parse::<Amount>().unwrap() < Amount::ZERO);
        assert_eq!(a("10.0").cmp(&a("10")), std::cmp::Ordering::Equal);
    }

    #[test]
    fn parts() {
        assert_eq!(a("19050.50").to_parts(), (190505, 1));
        assert_eq!(a("100").to_parts(), (100, 0));
        assert_eq!(Amount::ZERO.to_parts(), (0, 0));
        assert_eq!(Amount::from_parts(5, 11), None);
        assert_eq!(Amount::from_parts(i128::MAX, 0), None);
    }
}
