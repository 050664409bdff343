//! The specification's times, `YYYYMMDDhhmmss` and `YYYYMMDD`, which carry no zone: they
//! are Beijing time, UTC+08:00 all year (China has had no daylight saving since 1991), so
//! each is read as an instant at that offset and its text is kept as received.

use std::fmt;

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Beijing time, the zone of every time in a customs message.
pub const BEIJING: UtcOffset = time::macros::offset!(+8);

pub(crate) const TIMESTAMP_FORMAT: &str = "YYYYMMDDhhmmss";
pub(crate) const DATE_FORMAT: &str = "YYYYMMDD";

/// A `YYYYMMDDhhmmss` time such as `appTime` or `payTime`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    at: OffsetDateTime,
    raw: String,
}

/// A `YYYYMMDD` date such as `declTime` or `ieDate`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDate {
    date: Date,
    raw: String,
}

impl Timestamp {
    /// Reads exactly 14 ASCII digits naming a real date and a time of day (seconds 00–59);
    /// `None` for anything else.
    pub fn parse(raw: &str) -> Option<Timestamp> {
        let digits = digits::<14>(raw)?;
        let date = date_of(&digits[..8])?;
        let [h, m, s] = [8, 10, 12].map(|i| number(&digits[i..i + 2]));
        let time = Time::from_hms(
            u8::try_from(h).ok()?,
            m.try_into().ok()?,
            s.try_into().ok()?,
        )
        .ok()?;
        Some(Timestamp {
            at: PrimitiveDateTime::new(date, time).assume_offset(BEIJING),
            raw: raw.to_owned(),
        })
    }

    /// The instant, at offset +08:00.
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }

    /// The text as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl CalendarDate {
    /// Reads exactly 8 ASCII digits naming a real date; `None` for anything else.
    pub fn parse(raw: &str) -> Option<CalendarDate> {
        Some(CalendarDate {
            date: date_of(&digits::<8>(raw)?)?,
            raw: raw.to_owned(),
        })
    }

    /// The calendar date in Beijing.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The text as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({} = {})", self.raw, self.at)
    }
}

impl fmt::Display for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl fmt::Debug for CalendarDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CalendarDate({})", self.raw)
    }
}

/// The text's digits, if it is exactly `N` ASCII digits.
fn digits<const N: usize>(raw: &str) -> Option<[u8; N]> {
    let bytes: [u8; N] = raw.as_bytes().try_into().ok()?;
    bytes.iter().all(u8::is_ascii_digit).then_some(bytes)
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'))
}

fn date_of(digits: &[u8]) -> Option<Date> {
    let year = i32::try_from(number(&digits[..4])).ok()?;
    let month = Month::try_from(u8::try_from(number(&digits[4..6])).ok()?).ok()?;
    let day = u8::try_from(number(&digits[6..8])).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Times travel in JSON as the text received (`"20260511093000"`), which fixes the
/// instant (Beijing time) and keeps what the sender signed.
impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not a {TIMESTAMP_FORMAT} time"))
        })
    }
}

impl serde::Serialize for CalendarDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> serde::Deserialize<'de> for CalendarDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<CalendarDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        CalendarDate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{text:?} is not a {DATE_FORMAT} date"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_beijing_time() {
        let t = Timestamp::parse("20250315101612").unwrap();
        assert_eq!(t.raw(), "20250315101612");
        assert_eq!(t.at().offset(), BEIJING);
        assert_eq!(
            t.at().to_offset(UtcOffset::UTC),
            time::macros::datetime!(2025-03-15 02:16:12 UTC)
        );
        assert_eq!(t.to_string(), "20250315101612");
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for bad in [
            "",
            "2025031510161",
            "202503151016120",
            "2025-03-15 10:1",
            "20250230101612",
            "20251315101612",
            "20250315241612",
            "20250315106012",
            "20250315101660",
            "２０２５０３１５１０１６１２",
            "+0250315101612",
        ] {
            assert!(Timestamp::parse(bad).is_none(), "{bad}");
        }
        assert!(Timestamp::parse("20240229235959").is_some());
    }

    #[test]
    fn dates() {
        let d = CalendarDate::parse("20250315").unwrap();
        assert_eq!(d.date(), time::macros::date!(2025 - 03 - 15));
        assert_eq!(d.raw(), "20250315");
        assert!(CalendarDate::parse("20250229").is_none());
        assert!(CalendarDate::parse("2025031").is_none());
        assert!(CalendarDate::parse("2025-3-15").is_none());
    }
}
