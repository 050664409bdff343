//! Checkpoints in the C2SP `tlog-checkpoint` format, signed as C2SP `signed-note`s.
//!
//! ```text
//! <origin>\n<tree size>\n<base64 root hash>\nsuyuan-heads <base64 head map root>\n
//! \n
//! — <key name> <base64(key id[4] ‖ ed25519 signature[64])>\n
//! ```
//! The key name is the origin; the key id is the first four bytes of
//! SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key), and the verifier key string is
//! `name+<key id as 8 hex digits>+base64(0x01 ‖ public key)`. The signature covers the note
//! text (every line before the blank one, with its newline) and nothing else. The fourth
//! line, a tlog-checkpoint extension line, carries the root of the head map
//! ([`crate::heads`]); further extension lines are allowed when signed and mean nothing. Signatures by other
//! keys (witness cosignatures) may follow and are ignored here.

use crate::encoding::{b64, unb64, Digest};
use crate::hash::sha256;
use crate::keys::{KeyError, PublicKey, SecretKey};
use std::fmt;

const ED25519_ALG: u8 = 0x01;
const SIG_PREFIX: &str = "\u{2014} ";

/// Why a checkpoint was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckpointError {
    #[error("checkpoint is not a signed note: {0}")]
    Format(String),
    #[error("checkpoint origin is {found:?}, expected {expected:?}")]
    Origin { found: String, expected: String },
    #[error("checkpoint carries no signature by the log key {0}")]
    NoLogSignature(String),
    #[error("checkpoint signature by the log key does not verify")]
    BadSignature,
    #[error("log key: {0}")]
    Key(String),
}

/// The log's public key, with the name (origin) it signs under when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogKey {
    pub name: Option<String>,
    pub key: PublicKey,
}

impl LogKey {
    /// Accepts `ed25519:<base64>` or a C2SP verifier key `name+keyid+base64(0x01‖key)`.
    pub fn parse(s: &str) -> Result<LogKey, CheckpointError> {
        let s = s.trim();
        if s.starts_with("ed25519:") {
            let key = PublicKey::parse(s).map_err(|e| CheckpointError::Key(e.to_string()))?;
            return Ok(LogKey { name: None, key });
        }
        let bad = |why: &str| CheckpointError::Key(format!("{why} in verifier key {s:?}"));
        let mut parts = s.splitn(3, '+');
        let (name, id, data) = match (parts.next(), parts.next(), parts.next()) {
            (Some(n), Some(i), Some(d)) if !n.is_empty() => (n, i, d),
            _ => return Err(bad("expected name+keyid+key")),
        };
        let data = unb64(data).ok_or_else(|| bad("bad base64"))?;
        if data.len() != 33 || data[0] != ED25519_ALG {
            return Err(bad("not an ed25519 key"));
        }
        let bytes: [u8; 32] = data[1..].try_into().expect("33 bytes");
        let key = PublicKey::from_bytes(&bytes).map_err(|e| CheckpointError::Key(e.to_string()))?;
        if id != format!("{:08x}", key_id(name, &key)) {
            return Err(bad("key id does not match the key"));
        }
        Ok(LogKey {
            name: Some(name.to_string()),
            key,
        })
    }

    /// The C2SP verifier key string for `name`.
    pub fn verifier_key(name: &str, key: &PublicKey) -> String {
        let mut data = vec![ED25519_ALG];
        data.extend_from_slice(&key.bytes());
        format!("{name}+{:08x}+{}", key_id(name, key), b64(&data))
    }
}

/// signed-note key id: the first four bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ key), big-endian.
pub fn key_id(name: &str, key: &PublicKey) -> u32 {
    let mut buf = Vec::with_capacity(name.len() + 34);
    buf.extend_from_slice(name.as_bytes());
    buf.push(b'\n');
    buf.push(ED25519_ALG);
    buf.extend_from_slice(&key.bytes());
    let h = sha256(&buf);
    u32::from_be_bytes([h[0], h[1], h[2], h[3]])
}

/// A tree head: origin, size and root, with the signed note that carries it.
#[derive(Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Digest,
    /// Root of the head map of the log at this size ([`crate::heads`]).
    pub heads: Digest,
    /// The whole signed note, exactly as signed and stored.
    pub note: String,
}

impl fmt::Debug for Checkpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Checkpoint({} size {} root {} heads {})",
            self.origin, self.size, self.root, self.heads
        )
    }
}

fn body(origin: &str, size: u64, root: &Digest, heads: &Digest) -> String {
    format!(
        "{origin}\n{size}\n{}\n{HEADS}{}\n",
        b64(&root.0),
        b64(&heads.0)
    )
}

use crate::heads::CHECKPOINT_LINE_PREFIX as HEADS;

/// The head map root a note's text carries, read without checking its signature (a store
/// compares it with the map it rebuilt; anything that trusts it verifies the note).
pub fn heads_line(note: &str) -> Option<Digest> {
    let line = note.lines().nth(3)?.strip_prefix(HEADS)?;
    unb64(line).and_then(|b| b.try_into().ok()).map(Digest)
}

impl Checkpoint {
    /// Signs a checkpoint for `origin` with the log key.
    pub fn sign(
        origin: &str,
        size: u64,
        root: Digest,
        heads: Digest,
        key: &SecretKey,
    ) -> Checkpoint {
        let text = body(origin, size, &root, &heads);
        let mut sig = key_id(origin, &key.public()).to_be_bytes().to_vec();
        sig.extend_from_slice(&key.sign_raw(text.as_bytes()));
        let note = format!("{text}\n{SIG_PREFIX}{origin} {}\n", b64(&sig));
        Checkpoint {
            origin: origin.into(),
            size,
            root,
            heads,
            note,
        }
    }

    /// Parses a signed note and verifies the log's signature on it.
    pub fn verify(note: &str, log_key: &LogKey) -> Result<Checkpoint, CheckpointError> {
        let fmt_err = |why: &str| CheckpointError::Format(why.into());
        let (text, sigs) = note
            .split_once("\n\n")
            .ok_or_else(|| fmt_err("no blank line before the signatures"))?;
        let text = format!("{text}\n");
        let mut lines = text.lines();
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or_else(|| fmt_err("no origin line"))?;
        let size_line = lines.next().ok_or_else(|| fmt_err("no tree size line"))?;
        if size_line.is_empty()
            || !size_line.bytes().all(|b| b.is_ascii_digit())
            || (size_line.len() > 1 && size_line.starts_with('0'))
        {
            return Err(fmt_err("tree size is not a decimal number"));
        }
        let size: u64 = size_line
            .parse()
            .map_err(|_| fmt_err("tree size out of range"))?;
        let root_line = lines.next().ok_or_else(|| fmt_err("no root hash line"))?;
        let root: [u8; 32] = unb64(root_line)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| fmt_err("root hash is not base64 of 32 bytes"))?;
        let heads: [u8; 32] = lines
            .next()
            .and_then(|l| l.strip_prefix(HEADS))
            .and_then(unb64)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                fmt_err(
                    "the fourth line is not the head map root (suyuan-heads <base64 of 32 bytes>)",
                )
            })?;
        if let Some(name) = &log_key.name {
            if name != origin {
                return Err(CheckpointError::Origin {
                    found: origin.into(),
                    expected: name.clone(),
                });
            }
        }
        if !sigs.ends_with('\n') {
            return Err(fmt_err("signature block does not end with a newline"));
        }
        let id = key_id(origin, &log_key.key);
        let mut found = false;
        for line in sigs.lines() {
            let rest = line
                .strip_prefix(SIG_PREFIX)
                .ok_or_else(|| fmt_err("signature line does not start with an em dash"))?;
            let (name, sig) = rest
                .split_once(' ')
                .ok_or_else(|| fmt_err("malformed signature line"))?;
            let sig = unb64(sig).ok_or_else(|| fmt_err("signature is not base64"))?;
            if name != origin || sig.len() != 68 || sig[..4] != id.to_be_bytes() {
                continue; // another signer, such as a witness
            }
            found = true;
            let sig: [u8; 64] = sig[4..].try_into().expect("64 bytes");
            log_key
                .key
                .0
                .verify_strict(text.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig))
                .map_err(|_| CheckpointError::BadSignature)?;
        }
        if !found {
            return Err(CheckpointError::NoLogSignature(LogKey::verifier_key(
                origin,
                &log_key.key,
            )));
        }
        Ok(Checkpoint {
            origin: origin.into(),
            size,
            root: Digest(root),
            heads: Digest(heads),
            note: note.into(),
        })
    }
}

impl From<KeyError> for CheckpointError {
    fn from(e: KeyError) -> Self {
        CheckpointError::Key(e.to_string())
    }
}
