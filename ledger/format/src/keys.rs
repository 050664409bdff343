//! Keys and signatures: ed25519 with strict verification and domain separation.
//!
//! Public keys travel as `ed25519:` followed by standard base64 of the 32 key bytes. A key
//! is refused at parse time, wherever it is read (registrations, events, bundles,
//! exports), unless its encoding is canonical (y < p, no sign bit on x = 0) and its point
//! lies in the prime-order subgroup (neither small order nor with a torsion component),
//! so that a key always has exactly one meaning under any verification equation. Every signature is over a fixed
//! context string followed by the message, so a signature made for one purpose (an event)
//! can never be replayed as another (checkpoints are signed notes, in their own format).

use crate::encoding::{b64, unb64};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Context prefixed to the canonical bytes of every event before signing.
pub const EVENT_CONTEXT: &[u8] = b"suyuan-event-v1\n";

/// Why a key or signature was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("public key must be written `ed25519:` followed by base64 of 32 bytes")]
    Syntax,
    #[error("public key is not a valid curve point")]
    NotAPoint,
    #[error("public key is not canonically encoded (y ≥ p, or a sign bit on x = 0)")]
    NonCanonical,
    #[error("public key is weak: a point of small order")]
    Weak,
    #[error("public key has a torsion component (a point outside the prime-order subgroup)")]
    MixedOrder,
    #[error("signature must be base64 of 64 bytes")]
    SignatureSyntax,
    #[error("signature does not verify")]
    BadSignature,
}

/// A verified-usable ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub VerifyingKey);

impl PublicKey {
    /// Parses `ed25519:<base64>` and refuses non-canonical, weak or mixed-order keys.
    pub fn parse(s: &str) -> Result<PublicKey, KeyError> {
        let raw = s.strip_prefix("ed25519:").ok_or(KeyError::Syntax)?;
        let bytes = unb64(raw).ok_or(KeyError::Syntax)?;
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Syntax)?;
        Self::from_bytes(&arr)
    }

    /// Decodes a key and applies the rule of the module: canonical encoding, not of small
    /// order, torsion-free. The subgroup check costs a scalar multiplication, paid once
    /// per distinct key: valid keys are cached.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyError> {
        if let Some(key) = key_cache::get(bytes) {
            return Ok(PublicKey(key));
        }
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::NotAPoint)?;
        let point = key.to_edwards();
        if point.compress().to_bytes() != *bytes {
            return Err(KeyError::NonCanonical);
        }
        if key.is_weak() {
            return Err(KeyError::Weak);
        }
        if !point.is_torsion_free() {
            return Err(KeyError::MixedOrder);
        }
        key_cache::put(*bytes, key);
        Ok(PublicKey(key))
    }

    pub fn bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Strict single verification of `sig` over `context ‖ message`.
    pub fn verify(&self, context: &[u8], message: &[u8], sig: &[u8; 64]) -> Result<(), KeyError> {
        let sig = Signature::from_bytes(sig);
        let mut m = Vec::with_capacity(context.len() + message.len());
        m.extend_from_slice(context);
        m.extend_from_slice(message);
        self.0
            .verify_strict(&m, &sig)
            .map_err(|_| KeyError::BadSignature)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ed25519:{}", b64(self.0.as_bytes()))
    }
}
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Decompressing a point costs a field square root; the same few registered keys sign
/// almost every event, so valid decoded keys are kept (bounded) and reused.
mod key_cache {
    use ed25519_dalek::VerifyingKey;
    use std::collections::HashMap;
    use std::sync::{OnceLock, RwLock};

    const MAX_KEYS: usize = 65_536;

    fn cache() -> &'static RwLock<HashMap<[u8; 32], VerifyingKey>> {
        static CACHE: OnceLock<RwLock<HashMap<[u8; 32], VerifyingKey>>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    pub fn get(bytes: &[u8; 32]) -> Option<VerifyingKey> {
        cache().read().ok()?.get(bytes).copied()
    }

    pub fn put(bytes: [u8; 32], key: VerifyingKey) {
        if let Ok(mut map) = cache().write() {
            if map.len() >= MAX_KEYS {
                map.clear();
            }
            map.insert(bytes, key);
        }
    }
}

/// The encodings of the identity point (canonical and not, either sign bit). With a
/// prime-order key, a signature that satisfies the verification equation and has a
/// small-order R must have R = identity, so refusing these four encodings is exactly the
/// small-order-R rule of strict verification.
const IDENTITY_ENCODINGS: [[u8; 32]; 4] = {
    let mut one = [0u8; 32];
    one[0] = 1;
    let mut one_neg = one;
    one_neg[31] = 0x80;
    // y = p + 1 = 2^255 - 18, the non-canonical encoding of y = 1.
    let mut p1 = [0xffu8; 32];
    p1[0] = 0xee;
    p1[31] = 0x7f;
    let mut p1_neg = p1;
    p1_neg[31] = 0xff;
    [one, one_neg, p1, p1_neg]
};

/// Decodes a base64 signature of exactly 64 bytes.
pub fn parse_signature(s: &str) -> Result<[u8; 64], KeyError> {
    let bytes = unb64(s).ok_or(KeyError::SignatureSyntax)?;
    bytes.try_into().map_err(|_| KeyError::SignatureSyntax)
}

/// A secret ed25519 key, as read from a key file.
pub struct SecretKey(SigningKey);

/// What a key file holds (JSON, written with mode 0600).
#[derive(Serialize, Deserialize)]
struct KeyFile {
    #[serde(rename = "type")]
    kind: String,
    secret: String,
    public: String,
}

const KEY_FILE_TYPE: &str = "suyuan-ed25519-secret-key";

impl SecretKey {
    pub fn generate() -> SecretKey {
        SecretKey(SigningKey::generate(&mut OsRng))
    }
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(seed))
    }
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }
    /// Signs `context ‖ message`.
    pub fn sign(&self, context: &[u8], message: &[u8]) -> [u8; 64] {
        let mut m = Vec::with_capacity(context.len() + message.len());
        m.extend_from_slice(context);
        m.extend_from_slice(message);
        self.0.sign(&m).to_bytes()
    }
    /// Signs bytes as they are, with no context (signed-note checkpoints).
    pub fn sign_raw(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    pub fn to_file_text(&self) -> String {
        let file = KeyFile {
            kind: KEY_FILE_TYPE.into(),
            secret: b64(&self.seed()),
            public: self.public().to_string(),
        };
        serde_json::to_string_pretty(&file).expect("key file serializes") + "\n"
    }

    pub fn from_file_text(text: &str) -> Result<SecretKey, String> {
        let file: KeyFile =
            serde_json::from_str(text).map_err(|e| format!("not a Suyuan key file: {e}"))?;
        if file.kind != KEY_FILE_TYPE {
            return Err(format!(
                "key file type is {:?}, expected {KEY_FILE_TYPE:?}",
                file.kind
            ));
        }
        let seed: [u8; 32] = unb64(&file.secret)
            .and_then(|b| b.try_into().ok())
            .ok_or("key file secret must be base64 of 32 bytes")?;
        let key = SecretKey::from_seed(&seed);
        if key.public().to_string() != file.public {
            return Err("key file public key does not match its secret".into());
        }
        Ok(key)
    }
}

/// One signature to check in a batch: the message without its context.
#[derive(Clone, Copy)]
pub struct SignatureCheck<'a> {
    pub key: &'a PublicKey,
    pub message: &'a [u8],
    pub signature: &'a [u8; 64],
}

/// Verifies many signatures over `context ‖ message` and says which verify. Batches
/// of 256 (larger batches cost less per signature, on all cores); a batch that fails is
/// split in halves until its bad signatures are found, so a forged signature costs a
/// few more batches rather than 256 single verifications. The one batch strategy of
/// the ledger: the append path and every verifier call it.
///
/// Batch verification refuses signatures whose R is the identity (see
/// [`IDENTITY_ENCODINGS`]) and is used only above four signatures; keys must be
/// registered keys, which are checked to be of prime order at registration.
pub fn verify_each(context: &[u8], checks: &[SignatureCheck<'_>]) -> Vec<bool> {
    let mut ok = vec![false; checks.len()];
    verify_bisecting(context, checks, &mut ok);
    ok
}

fn verify_bisecting(context: &[u8], checks: &[SignatureCheck<'_>], ok: &mut [bool]) {
    if checks.len() <= 4 {
        for (c, o) in checks.iter().zip(ok) {
            *o = c.key.verify(context, c.message, c.signature).is_ok();
        }
        return;
    }
    if batch_verifies(context, checks) {
        ok.fill(true);
        return;
    }
    let mid = checks.len() / 2;
    let (left, right) = ok.split_at_mut(mid);
    verify_bisecting(context, &checks[..mid], left);
    verify_bisecting(context, &checks[mid..], right);
}

/// Whether every signature of a batch verifies (batch verification only; false says
/// that at least one does not, not which).
fn batch_verifies(context: &[u8], checks: &[SignatureCheck<'_>]) -> bool {
    if checks.is_empty() {
        return true;
    }
    let mut sigs = Vec::with_capacity(checks.len());
    for c in checks {
        let sig = Signature::from_bytes(c.signature);
        if IDENTITY_ENCODINGS.contains(sig.r_bytes()) {
            return false;
        }
        sigs.push(sig);
    }
    let messages: Vec<Vec<u8>> = checks
        .iter()
        .map(|c| [context, c.message].concat())
        .collect();
    let msg_refs: Vec<&[u8]> = messages.iter().map(|m| m.as_slice()).collect();
    let keys: Vec<VerifyingKey> = checks.iter().map(|c| c.key.0).collect();
    ed25519_dalek::verify_batch(&msg_refs, &sigs, &keys).is_ok()
}
