//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! The signed bytes of every event and the stored bytes of every entry are JCS, so that
//! any language can reproduce them: object members sorted by their UTF-16 code units, no
//! whitespace, strings escaped minimally, numbers as ECMAScript prints an IEEE double.

use serde_json::Value;

/// Where canonical bytes go: a buffer, or a comparison against expected bytes.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Compares the canonical form with `expected` as it is produced, without building it.
struct Compare<'a> {
    expected: &'a [u8],
    pos: usize,
    equal: bool,
}

impl Sink for Compare<'_> {
    fn put(&mut self, bytes: &[u8]) {
        if self.equal {
            let end = self.pos + bytes.len();
            self.equal = self.expected.get(self.pos..end) == Some(bytes);
            self.pos = end;
        }
    }
}

/// The canonical bytes of a JSON value.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out);
    out
}

/// True when `bytes` are exactly the canonical form of `value`.
pub fn is_canonical_form_of(value: &Value, bytes: &[u8]) -> bool {
    let mut cmp = Compare {
        expected: bytes,
        pos: 0,
        equal: true,
    };
    write_value(value, &mut cmp);
    cmp.equal && cmp.pos == bytes.len()
}

/// Parses `bytes` as JSON and returns its canonical form.
pub fn canonicalize_bytes(bytes: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    let value: Value = serde_json::from_slice(bytes)?;
    Ok(canonicalize(&value))
}

fn write_value(value: &Value, out: &mut impl Sink) {
    match value {
        Value::Null => out.put(b"null"),
        Value::Bool(true) => out.put(b"true"),
        Value::Bool(false) => out.put(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.put(b"[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_value(item, out);
            }
            out.put(b"]");
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| utf16_cmp(a, b));
            out.put(b"{");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.put(b",");
                }
                write_string(key, out);
                out.put(b":");
                write_value(&map[key], out);
            }
            out.put(b"}");
        }
    }
}

/// Numbers are IEEE doubles printed as ECMAScript's Number.prototype.toString does.
fn write_number(n: &serde_json::Number, out: &mut impl Sink) {
    let f = if let Some(i) = n.as_i64() {
        i as f64
    } else if let Some(u) = n.as_u64() {
        u as f64
    } else {
        n.as_f64().unwrap_or(f64::NAN)
    };
    if f == 0.0 {
        out.put(b"0"); // -0 prints as 0
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.put(buf.format(f).as_bytes());
}

/// Member names sort by their UTF-16 code units (RFC 8785 §3.2.3); for ASCII names that
/// is byte order.
pub(crate) fn utf16_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.cmp(b)
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

/// Writes a JSON string as RFC 8785 prints it.
pub(crate) fn write_string_into(s: &str, out: &mut Vec<u8>) {
    write_string(s, out)
}

fn write_string(s: &str, out: &mut impl Sink) {
    out.put(b"\"");
    // Runs of bytes that need no escape (everything but `"`, `\\` and controls below
    // U+0020; multi-byte UTF-8 passes through as is) are written in one piece.
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            0x08 => Some(b"\\b"),
            b'\t' => Some(b"\\t"),
            b'\n' => Some(b"\\n"),
            0x0c => Some(b"\\f"),
            b'\r' => Some(b"\\r"),
            0..=0x1f => None,
            _ => continue,
        };
        out.put(&bytes[run..i]);
        match escape {
            Some(e) => out.put(e),
            None => out.put(format!("\\u{b:04x}").as_bytes()),
        }
        run = i + 1;
    }
    out.put(&bytes[run..]);
    out.put(b"\"");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_utf16_not_utf8() {
        // U+1F602 (surrogates D83D DE02) sorts before U+FB33 in UTF-16, after it in UTF-8.
        let v: Value = serde_json::from_str(r#"{"\ufb33":1,"\ud83d\ude02":2}"#).unwrap();
        assert_eq!(
            String::from_utf8(canonicalize(&v)).unwrap(),
            "{\"\u{1F602}\":2,\"\u{FB33}\":1}"
        );
    }

    #[test]
    fn numbers_print_as_ecmascript() {
        let v: Value = serde_json::from_str("[1e21,1e-7,-0,100,0.1]").unwrap();
        assert_eq!(canonicalize(&v), b"[1e+21,1e-7,0,100,0.1]");
    }
}
