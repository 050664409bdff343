//! Record times: RFC 3339 in UTC with millisecond precision, e.g. `2026-05-01T00:30:00.125Z`.

use time::OffsetDateTime;

pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses an RFC 3339 date-time in its one spelling here: `YYYY-MM-DDThh:mm:ss`, an
/// optional fraction, then `Z` or `±hh:mm` — upper-case `T` and `Z`, no sign on the year
/// (RFC 3339 also allows `t`, `z` and a space; they are refused so each instant has one
/// text per offset).
pub fn parse(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() < 20 || !b[0].is_ascii_digit() || b[10] != b'T' || s.contains('z') {
        return None;
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// Now, truncated to the millisecond so that it survives a round trip through text.
pub fn now_ms() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.millisecond() as u32 * 1_000_000)
        .expect("valid nanosecond")
}
