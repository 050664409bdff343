//! Small encodings shared by every format: lowercase hex, standard base64, and the
//! 32-byte digests the log is built from.

use base64::Engine;
use std::fmt;

/// A 32-byte digest (BLAKE3 content hash or SHA-256 tree hash). Shown as lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    /// Parses 64 lowercase or uppercase hex characters.
    pub fn from_hex(s: &str) -> Option<Digest> {
        let mut out = [0u8; 32];
        if s.len() != 64 {
            return None;
        }
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Digest(out))
    }
    pub fn to_hex(&self) -> String {
        String::from_utf8(self.hex_digits().to_vec()).expect("hex is ASCII")
    }
    /// The 64 lowercase hex digits, on the stack: table-driven, because `hex::encode`
    /// goes through a char iterator, which showed up in profiles of history reads
    /// (hundreds of hashes per response).
    pub fn hex_digits(&self) -> [u8; 64] {
        let mut buf = [0u8; 64];
        hex::encode_to_slice(self.0, &mut buf).expect("64 bytes for 32");
        buf
    }
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}
impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_hex())
    }
}

/// Standard base64 with padding (RFC 4648 §4), as signed-note and our JSON use it.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes standard padded base64; `None` on any deviation.
pub fn unb64(s: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}
