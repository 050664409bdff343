//! RFC 8785 JSON Canonicalization Scheme (JCS).
//!
//! The signed bytes of every event and the stored bytes of every entry are JCS, so that
//! any language can reproduce them: object members sorted by their UTF-16 code units, no
//! whitespace, strings escaped minimally, numbers as ECMAScript prints an IEEE double.

use serde_json::Value;

/// The canonical bytes of a JSON value.
pub fn canonicalize(value: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out);
    out
}

/// Parses `bytes` as JSON and returns its canonical form.
pub fn canonicalize_bytes(bytes: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    let value: Value = serde_json::from_slice(bytes)?;
    Ok(canonicalize(&value))
}

/// True when `bytes` are already exactly the canonical form of the JSON they hold.
pub fn is_canonical(bytes: &[u8]) -> bool {
    matches!(canonicalize_bytes(bytes), Ok(c) if c == bytes)
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push(b'{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(key, out);
                out.push(b':');
                write_value(&map[key], out);
            }
            out.push(b'}');
        }
    }
}

/// Numbers are IEEE doubles printed as ECMAScript's Number.prototype.toString does.
fn write_number(n: &serde_json::Number, out: &mut Vec<u8>) {
    let f = if let Some(i) = n.as_i64() {
        i as f64
    } else if let Some(u) = n.as_u64() {
        u as f64
    } else {
        n.as_f64().unwrap_or(f64::NAN)
    };
    if f == 0.0 {
        out.push(b'0'); // -0 prints as 0
        return;
    }
    let mut buf = ryu_js::Buffer::new();
    out.extend_from_slice(buf.format(f).as_bytes());
}

fn write_string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for ch in s.chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
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
