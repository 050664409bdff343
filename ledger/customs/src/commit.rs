//! Pedersen commitments to personal fields, and proofs that two commitments hold equal
//! or unequal values.
//!
//! Customs compares personal fields across the messages of one order (buyer name and ID
//! number on the order against the payer on the payment; consignee name, telephone and
//! address on the order against the waybill). The values must never reach the public
//! log, and ID numbers have so little entropy that a hash of the value could be inverted
//! by trying candidates. So each field leaves its party as a Pedersen commitment
//! `C = v·G + r·H`. For a uniform `r` that hides `v` perfectly; here `r` is a hash of the
//! message's secret 32-byte salt, so `v` stays hidden as long as the salt does, however
//! few the candidate values. The ledger operator, who receives the openings at ingest,
//! publishes per comparison a zero-knowledge proof that the two commitments hold equal
//! values, or one that they hold different values. Anyone re-checks the verdict from the
//! commitments and the proof; the operator can hide values but cannot forge a verdict.
//!
//! # Byte-exact specification
//!
//! Notation: `‖` is concatenation; `"…"` is the ASCII bytes of the string with no
//! terminator; `BE64(n)` is `n` as 8 bytes big-endian; `P̄` is the 32-byte canonical
//! encoding of the ristretto255 point `P` (RFC 9496 §4.3.2); `s̄` is the 32-byte
//! little-endian canonical encoding of the scalar `s` (`s < ℓ`);
//! `HashToScalar(m)` is SHA-512(m) read as a 512-bit little-endian integer, reduced
//! mod ℓ (`Scalar::from_hash`); `HashToGroup(m)` is the ristretto255 one-way map of
//! SHA-512(m) (RFC 9496 §4.3.4, `RistrettoPoint::hash_from_bytes::<Sha512>`).
//!
//! Generators:
//! * `G` = the ristretto255 basepoint (`e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76`).
//! * `H` = `HashToGroup("suyuan customs pedersen H v1")`. Nobody knows `log_G H`.
//!
//! Commitment to `value` of field kind `kind`, in the slot `slot` of a message whose
//! private part has the 32-byte `salt`:
//! * `v = HashToScalar("suyuan customs field v1" ‖ kind ‖ 0x00 ‖ value)`, where `kind` is
//!   one of `name`, `id_number`, `telephone`, `address` (none contains 0x00, and `value`
//!   runs to the end, so `(kind, value)` is recovered from the input) and `value` is the
//!   normalised UTF-8 text;
//! * `r = HashToScalar("suyuan customs blinding v1" ‖ salt ‖ slot)`, where `slot` is the
//!   message's element name (`buyerName`, `consignee`, …);
//! * `C = v·G + r·H`, published as `C̄` in lowercase hex (64 digits).
//!
//! Context (what a proof is about; it cannot be replayed under another): from the
//! caller's parts `p1 … pn`, `ctx = BE64(n) ‖ BE64(len p1) ‖ p1 ‖ … ‖ BE64(len pn) ‖ pn`.
//!
//! Equality proof (`v1 = v2`, so `D = C1 − C2 = x·H` with `x = r1 − r2`):
//! * `T = "suyuan customs equal v1" ‖ ctx ‖ H̄ ‖ C̄1 ‖ C̄2`
//! * `k = HashToScalar("suyuan customs nonce v1" ‖ x̄ ‖ T ‖ 0x01)`, `R = k·H`
//! * `c = HashToScalar(T ‖ R̄)`, `s = k + c·x`
//! * proof = `R̄ ‖ s̄` (64 bytes, 128 lowercase hex digits)
//! * verify: accept iff `s·H = R + c·D`.
//!
//! Inequality proof (`d = v1 − v2 ≠ 0`, so `D = d·G + x·H`; the witness is the
//! representation `G = a·D + b·H` with `a = 1/d`, `b = −x/d`, which exists only if
//! `d ≠ 0`: otherwise `a·D + b·H` is a multiple of `H` and would reveal `log_H G`):
//! * `T = "suyuan customs unequal v1" ‖ ctx ‖ Ḡ ‖ H̄ ‖ C̄1 ‖ C̄2`
//! * `k1 = HashToScalar("suyuan customs nonce v1" ‖ ā ‖ b̄ ‖ T ‖ 0x01)`, `k2` the same
//!   with `0x02` as the last byte; `R = k1·D + k2·H`
//! * `c = HashToScalar(T ‖ R̄)`, `s1 = k1 + c·a`, `s2 = k2 + c·b`
//! * proof = `R̄ ‖ s̄1 ‖ s̄2` (96 bytes, 192 lowercase hex digits)
//! * verify: reject if `D` is the identity (`C1 = C2`); accept iff `s1·D + s2·H = R + c·G`.
//!
//! Decoding refuses other lengths, uppercase or non-hex digits, point encodings that are
//! not canonical ristretto255, and scalars `≥ ℓ`, so every object has exactly one encoding.
//!
//! # Deterministic nonces
//!
//! The ledger's admission must be replayable byte for byte, so proofs use no randomness:
//! each nonce is a hash of the secret witness and of the whole statement being proved
//! (as RFC 6979 and Ed25519 do). This is safe because (1) an outsider cannot compute a
//! nonce without the witness, and SHA-512 of a secret input is indistinguishable from
//! random, so `k` is as good as a random nonce; (2) the same `k` can only recur with the
//! same witness and the same `T`, hence the same `R` and the same challenge `c`, so the
//! prover never answers two different challenges with one nonce (the only way a Schnorr
//! nonce leaks the witness). The witness carries the entropy of the blindings, which come
//! from the parties' secret salts; the values alone (low entropy) are never the only
//! secret input.
//!
//! # Requirements on callers
//!
//! * A salt is 32 bytes from a CSPRNG, secret, and used for one message only. Reusing a
//!   salt across messages gives equal blindings for a slot, and then `C − C' = (v − v')·G`
//!   can be tested against candidate values. Within one message the slot name separates
//!   the blindings, so slots must be distinct within a message (the order carries both a
//!   buyer name and a consignee name, both of kind `name`).
//! * The kind is what is compared, not where it sits: the buyer's ID number on the order
//!   and the payer's ID number on the payment are both [`FieldKind::IdNumber`].
//!   Commitments to one value under different kinds hold different scalars.
//! * The context should name the rule, the order and the field kind, so that a proof
//!   checks only for the comparison it was made for.

use curve25519_dalek::constants::{RISTRETTO_BASEPOINT_COMPRESSED, RISTRETTO_BASEPOINT_POINT};
use curve25519_dalek::ristretto::{CompressedRistretto, RistrettoPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{Identity, MultiscalarMul};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha512};
use std::fmt;
use std::sync::LazyLock;

/// Input of the hash-to-group that gives the second generator `H`.
pub const H_DOMAIN: &[u8] = b"suyuan customs pedersen H v1";
/// Prefix of the hash that maps a (kind, value) pair to the committed scalar.
pub const FIELD_DOMAIN: &[u8] = b"suyuan customs field v1";
/// Prefix of the hash that derives a blinding from a salt and a slot.
pub const BLINDING_DOMAIN: &[u8] = b"suyuan customs blinding v1";
/// First bytes of the equality proof's transcript.
pub const EQUAL_DOMAIN: &[u8] = b"suyuan customs equal v1";
/// First bytes of the inequality proof's transcript.
pub const UNEQUAL_DOMAIN: &[u8] = b"suyuan customs unequal v1";
/// Prefix of the hash that derives a proof's nonces.
pub const NONCE_DOMAIN: &[u8] = b"suyuan customs nonce v1";

/// `H`, derived once.
static H: LazyLock<Point> =
    LazyLock::new(|| Point::new(RistrettoPoint::hash_from_bytes::<Sha512>(H_DOMAIN)));

/// `G`, with its encoding.
const G: Point = Point {
    bytes: RISTRETTO_BASEPOINT_COMPRESSED.0,
    point: RISTRETTO_BASEPOINT_POINT,
};

/// The kind of a personal field: what is compared. Its name enters the committed scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FieldKind {
    Name,
    IdNumber,
    Telephone,
    Address,
}

impl FieldKind {
    pub const ALL: [FieldKind; 4] = [Self::Name, Self::IdNumber, Self::Telephone, Self::Address];

    /// The name hashed into the committed scalar.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::IdNumber => "id_number",
            Self::Telephone => "telephone",
            Self::Address => "address",
        }
    }
}

impl fmt::Display for FieldKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a party knows of one committed field: enough to recompute the commitment and to
/// prove things about it. Private; its `Debug` shows neither the value nor the salt.
#[derive(Clone, PartialEq, Eq)]
pub struct Opening {
    pub kind: FieldKind,
    /// The element of the message holding the field; with the salt, it fixes the blinding.
    pub slot: String,
    /// The normalised value.
    pub value: String,
    /// The secret salt of the message's private part.
    pub salt: [u8; 32],
}

impl Opening {
    pub fn new(
        kind: FieldKind,
        slot: impl Into<String>,
        value: impl Into<String>,
        salt: [u8; 32],
    ) -> Opening {
        Opening {
            kind,
            slot: slot.into(),
            value: value.into(),
            salt,
        }
    }

    /// `C = v·G + r·H`.
    pub fn commitment(&self) -> Commitment {
        let point = RistrettoPoint::multiscalar_mul(
            [self.value_scalar(), self.blinding()],
            [G.point, H.point],
        );
        Commitment(Point::new(point))
    }

    /// Whether this opening is the one behind `c` (the operator's check at ingest).
    pub fn opens(&self, c: &Commitment) -> bool {
        self.commitment() == *c
    }

    fn value_scalar(&self) -> Scalar {
        let mut h = Sha512::new();
        h.update(FIELD_DOMAIN);
        h.update(self.kind.as_str());
        h.update([0u8]);
        h.update(&self.value);
        Scalar::from_hash(h)
    }

    fn blinding(&self) -> Scalar {
        let mut h = Sha512::new();
        h.update(BLINDING_DOMAIN);
        h.update(self.salt);
        h.update(&self.slot);
        Scalar::from_hash(h)
    }
}

impl fmt::Debug for Opening {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opening")
            .field("kind", &self.kind)
            .field("slot", &self.slot)
            .finish_non_exhaustive()
    }
}

/// What a proof is about, e.g. `Context::new(&[rule_id, order_key, "id_number"])`. The
/// parts are length-prefixed, so different lists never give the same bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context(Vec<u8>);

impl Context {
    pub fn new<P: AsRef<[u8]>>(parts: &[P]) -> Context {
        let mut bytes = (parts.len() as u64).to_be_bytes().to_vec();
        for part in parts {
            let part = part.as_ref();
            bytes.extend_from_slice(&(part.len() as u64).to_be_bytes());
            bytes.extend_from_slice(part);
        }
        Context(bytes)
    }

    /// `ctx` as it enters the transcripts.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Why an encoded commitment or proof was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("expected {expected} hex digits, found {found} bytes")]
    Length { expected: usize, found: usize },
    #[error("not lowercase hexadecimal")]
    NotLowercaseHex,
    #[error("not the canonical encoding of a ristretto255 point")]
    InvalidPoint,
    #[error("not the canonical encoding of a scalar (it must be below the group order)")]
    NonCanonicalScalar,
}

/// Why a proof was not produced: the statement is false, or the openings are not of the
/// same kind (a programming error: such a comparison would be meaningless).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProveError {
    #[error("cannot compare a {0} with a {1}")]
    KindMismatch(FieldKind, FieldKind),
    #[error("the values differ, so no equality proof exists")]
    NotEqual,
    #[error("the values are equal, so no inequality proof exists")]
    Equal,
}

/// Which proof failed to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the equality proof does not verify for these commitments and context")]
    Equality,
    #[error("the inequality proof does not verify for these commitments and context")]
    Inequality,
    #[error("an inequality proof over two identical commitments")]
    IdenticalCommitments,
}

/// A point with its canonical encoding, so encodings are computed and checked once.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Point {
    bytes: [u8; 32],
    point: RistrettoPoint,
}

impl Point {
    fn new(point: RistrettoPoint) -> Point {
        Point {
            bytes: point.compress().to_bytes(),
            point,
        }
    }

    /// Decompression refuses non-canonical encodings and non-points (RFC 9496 §4.3.1).
    fn decode(bytes: [u8; 32]) -> Result<Point, DecodeError> {
        let point = CompressedRistretto(bytes)
            .decompress()
            .ok_or(DecodeError::InvalidPoint)?;
        Ok(Point { bytes, point })
    }
}

fn decode_scalar(bytes: [u8; 32]) -> Result<Scalar, DecodeError> {
    Option::from(Scalar::from_canonical_bytes(bytes)).ok_or(DecodeError::NonCanonicalScalar)
}

/// Lowercase hex of exactly `N` bytes; uppercase is refused so the text is canonical too.
fn decode_hex<const N: usize>(s: &str) -> Result<[u8; N], DecodeError> {
    if s.len() != 2 * N {
        return Err(DecodeError::Length {
            expected: 2 * N,
            found: s.len(),
        });
    }
    if !s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(DecodeError::NotLowercaseHex);
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(s, &mut out).expect("checked: lowercase hex of the right length");
    Ok(out)
}

/// A commitment to one personal field: 32 bytes, shown as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Commitment(Point);

impl Commitment {
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.bytes
    }
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Commitment, DecodeError> {
        Point::decode(bytes).map(Commitment)
    }
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }
    pub fn from_hex(s: &str) -> Result<Commitment, DecodeError> {
        Self::from_bytes(decode_hex(s)?)
    }
}

impl std::hash::Hash for Commitment {
    fn hash<S: std::hash::Hasher>(&self, state: &mut S) {
        self.0.bytes.hash(state)
    }
}

/// The transcript `T`: domain ‖ ctx ‖ points.
fn transcript(domain: &[u8], ctx: &Context, points: &[&Point]) -> Vec<u8> {
    let mut t = Vec::with_capacity(domain.len() + ctx.0.len() + 32 * points.len());
    t.extend_from_slice(domain);
    t.extend_from_slice(&ctx.0);
    for p in points {
        t.extend_from_slice(&p.bytes);
    }
    t
}

/// `c = HashToScalar(T ‖ R̄)`.
fn challenge(t: &[u8], r: &Point) -> Scalar {
    Scalar::from_hash(Sha512::new().chain_update(t).chain_update(r.bytes))
}

/// `k_i = HashToScalar(NONCE_DOMAIN ‖ witness ‖ T ‖ i)`: see "Deterministic nonces".
fn nonce(witness: &[Scalar], t: &[u8], i: u8) -> Scalar {
    let mut h = Sha512::new();
    h.update(NONCE_DOMAIN);
    for w in witness {
        h.update(w.as_bytes());
    }
    h.update(t);
    h.update([i]);
    Scalar::from_hash(h)
}

fn same_kind(a: &Opening, b: &Opening) -> Result<(), ProveError> {
    if a.kind == b.kind {
        Ok(())
    } else {
        Err(ProveError::KindMismatch(a.kind, b.kind))
    }
}

/// Proof that two commitments hold the same value: knowledge of `x` with `C1 − C2 = x·H`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EqualityProof {
    r: Point,
    s: Scalar,
}

/// Proves that `a` and `b` commit to the same value (`a` is `C1`, `b` is `C2`).
pub fn prove_equal(ctx: &Context, a: &Opening, b: &Opening) -> Result<EqualityProof, ProveError> {
    same_kind(a, b)?;
    if a.value_scalar() != b.value_scalar() {
        return Err(ProveError::NotEqual);
    }
    let (c1, c2) = (a.commitment(), b.commitment());
    let x = a.blinding() - b.blinding();
    let t = transcript(EQUAL_DOMAIN, ctx, &[&H, &c1.0, &c2.0]);
    let k = nonce(&[x], &t, 1);
    let r = Point::new(k * H.point);
    let c = challenge(&t, &r);
    Ok(EqualityProof { r, s: k + c * x })
}

impl EqualityProof {
    pub fn verify(
        &self,
        ctx: &Context,
        c1: &Commitment,
        c2: &Commitment,
    ) -> Result<(), ProofError> {
        let d = c1.0.point - c2.0.point;
        let t = transcript(EQUAL_DOMAIN, ctx, &[&H, &c1.0, &c2.0]);
        let c = challenge(&t, &self.r);
        if self.s * H.point == self.r.point + c * d {
            Ok(())
        } else {
            Err(ProofError::Equality)
        }
    }

    /// `R̄ ‖ s̄`.
    pub fn to_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.r.bytes);
        out[32..].copy_from_slice(self.s.as_bytes());
        out
    }

    pub fn from_bytes(bytes: [u8; 64]) -> Result<EqualityProof, DecodeError> {
        let (r, s) = bytes.split_at(32);
        Ok(EqualityProof {
            r: Point::decode(r.try_into().expect("32"))?,
            s: decode_scalar(s.try_into().expect("32"))?,
        })
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }
    pub fn from_hex(s: &str) -> Result<EqualityProof, DecodeError> {
        Self::from_bytes(decode_hex(s)?)
    }
}

/// Proof that two commitments hold different values: knowledge of `(a, b)` with
/// `G = a·(C1 − C2) + b·H`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct InequalityProof {
    r: Point,
    s1: Scalar,
    s2: Scalar,
}

/// Proves that `a` and `b` commit to different values (`a` is `C1`, `b` is `C2`).
pub fn prove_unequal(
    ctx: &Context,
    a: &Opening,
    b: &Opening,
) -> Result<InequalityProof, ProveError> {
    same_kind(a, b)?;
    let d = a.value_scalar() - b.value_scalar();
    if d == Scalar::ZERO {
        return Err(ProveError::Equal);
    }
    let (c1, c2) = (a.commitment(), b.commitment());
    let x = a.blinding() - b.blinding();
    let wa = d.invert();
    let wb = -x * wa;
    let big_d = c1.0.point - c2.0.point;
    let t = transcript(UNEQUAL_DOMAIN, ctx, &[&G, &H, &c1.0, &c2.0]);
    let (k1, k2) = (nonce(&[wa, wb], &t, 1), nonce(&[wa, wb], &t, 2));
    let r = Point::new(RistrettoPoint::multiscalar_mul([k1, k2], [big_d, H.point]));
    let c = challenge(&t, &r);
    Ok(InequalityProof {
        r,
        s1: k1 + c * wa,
        s2: k2 + c * wb,
    })
}

impl InequalityProof {
    pub fn verify(
        &self,
        ctx: &Context,
        c1: &Commitment,
        c2: &Commitment,
    ) -> Result<(), ProofError> {
        let d = c1.0.point - c2.0.point;
        if d == RistrettoPoint::identity() {
            return Err(ProofError::IdenticalCommitments);
        }
        let t = transcript(UNEQUAL_DOMAIN, ctx, &[&G, &H, &c1.0, &c2.0]);
        let c = challenge(&t, &self.r);
        if self.s1 * d + self.s2 * H.point == self.r.point + c * G.point {
            Ok(())
        } else {
            Err(ProofError::Inequality)
        }
    }

    /// `R̄ ‖ s̄1 ‖ s̄2`.
    pub fn to_bytes(&self) -> [u8; 96] {
        let mut out = [0u8; 96];
        out[..32].copy_from_slice(&self.r.bytes);
        out[32..64].copy_from_slice(self.s1.as_bytes());
        out[64..].copy_from_slice(self.s2.as_bytes());
        out
    }

    pub fn from_bytes(bytes: [u8; 96]) -> Result<InequalityProof, DecodeError> {
        let part = |i: usize| -> [u8; 32] { bytes[32 * i..32 * (i + 1)].try_into().expect("32") };
        Ok(InequalityProof {
            r: Point::decode(part(0))?,
            s1: decode_scalar(part(1))?,
            s2: decode_scalar(part(2))?,
        })
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }
    pub fn from_hex(s: &str) -> Result<InequalityProof, DecodeError> {
        Self::from_bytes(decode_hex(s)?)
    }
}

/// The verdict of one comparison, carried by its proof. Serialised as
/// `{"equal": "<128 hex>"}` or `{"unequal": "<192 hex>"}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    Equal(EqualityProof),
    Unequal(InequalityProof),
}

/// Compares `a` (`C1`) with `b` (`C2`) and proves the verdict. Fails only if the kinds
/// differ.
pub fn compare(ctx: &Context, a: &Opening, b: &Opening) -> Result<Comparison, ProveError> {
    same_kind(a, b)?;
    if a.value_scalar() == b.value_scalar() {
        prove_equal(ctx, a, b).map(Comparison::Equal)
    } else {
        prove_unequal(ctx, a, b).map(Comparison::Unequal)
    }
}

impl Comparison {
    /// The verdict this comparison claims, before any check.
    pub fn claims_equal(&self) -> bool {
        matches!(self, Comparison::Equal(_))
    }

    /// Checks the proof; on success, returns the verdict (`true`: the values are equal).
    pub fn verify(
        &self,
        ctx: &Context,
        c1: &Commitment,
        c2: &Commitment,
    ) -> Result<bool, ProofError> {
        match self {
            Comparison::Equal(p) => p.verify(ctx, c1, c2).map(|()| true),
            Comparison::Unequal(p) => p.verify(ctx, c1, c2).map(|()| false),
        }
    }
}

/// Hex text for `Debug`, `Display` and serde, so that logs and JSON show the encoding.
macro_rules! hex_text {
    ($t:ty) => {
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::from_hex(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
hex_text!(Commitment);
hex_text!(EqualityProof);
hex_text!(InequalityProof);

#[cfg(test)]
mod tests {
    use super::*;

    fn opening(kind: FieldKind, slot: &str, value: &str, salt: u8) -> Opening {
        Opening::new(kind, slot, value, [salt; 32])
    }

    fn ctx() -> Context {
        Context::new(&["rule", "order-1", "id_number"])
    }

    #[test]
    fn h_is_not_g_and_is_fixed() {
        assert_ne!(H.point, G.point);
        assert_eq!(H.point, RistrettoPoint::hash_from_bytes::<Sha512>(H_DOMAIN));
        assert_eq!(
            G.point.compress(),
            RISTRETTO_BASEPOINT_COMPRESSED,
            "the constant's encoding matches the point"
        );
    }

    #[test]
    fn field_scalar_separates_kind_and_value() {
        // "name" ‖ 0 ‖ "x" cannot be produced by another split, and kinds differ.
        let a = opening(FieldKind::Name, "s", "1", 1);
        let b = opening(FieldKind::IdNumber, "s", "1", 1);
        assert_ne!(a.value_scalar(), b.value_scalar());
        assert_ne!(a.commitment(), b.commitment());
        assert_eq!(
            a.blinding(),
            b.blinding(),
            "the blinding depends on salt and slot only"
        );
    }

    #[test]
    fn slots_separate_blindings_within_a_message() {
        let buyer = opening(FieldKind::Name, "buyerName", "张三", 7);
        let consignee = opening(FieldKind::Name, "consignee", "张三", 7);
        assert_ne!(buyer.commitment(), consignee.commitment());
        // ... yet they are provably equal.
        let p = compare(&ctx(), &buyer, &consignee).unwrap();
        assert_eq!(
            p.verify(&ctx(), &buyer.commitment(), &consignee.commitment()),
            Ok(true)
        );
    }

    #[test]
    fn identical_commitments() {
        // Same value, salt and slot: C1 = C2, D = 0, x = 0.
        let a = opening(FieldKind::Telephone, "t", "13800000000", 3);
        let c = a.commitment();
        let p = compare(&ctx(), &a, &a).unwrap();
        assert_eq!(p.verify(&ctx(), &c, &c), Ok(true));
        assert_eq!(prove_unequal(&ctx(), &a, &a), Err(ProveError::Equal));
        // An inequality proof made for other commitments is refused outright on C, C.
        let b = opening(FieldKind::Telephone, "t", "13900000000", 3);
        let q = prove_unequal(&ctx(), &a, &b).unwrap();
        assert_eq!(
            q.verify(&ctx(), &c, &c),
            Err(ProofError::IdenticalCommitments)
        );
    }

    #[test]
    fn kinds_must_match() {
        let a = opening(FieldKind::Name, "s", "x", 1);
        let b = opening(FieldKind::Address, "s", "x", 2);
        let e = ProveError::KindMismatch(FieldKind::Name, FieldKind::Address);
        assert_eq!(compare(&ctx(), &a, &b), Err(e.clone()));
        assert_eq!(prove_equal(&ctx(), &a, &b), Err(e.clone()));
        assert_eq!(prove_unequal(&ctx(), &a, &b), Err(e));
    }

    #[test]
    fn context_is_length_prefixed() {
        assert_ne!(Context::new(&["ab", "c"]), Context::new(&["a", "bc"]));
        assert_ne!(Context::new(&["a"]), Context::new(&["a", ""]));
        assert_eq!(
            Context::new(&["ab"]).as_bytes(),
            [
                &[0u8, 0, 0, 0, 0, 0, 0, 1][..],
                &[0, 0, 0, 0, 0, 0, 0, 2],
                b"ab"
            ]
            .concat()
        );
    }

    #[test]
    fn opening_debug_hides_value_and_salt() {
        let a = opening(
            FieldKind::IdNumber,
            "buyerIdNumber",
            "110101199003070000",
            0xab,
        );
        let s = format!("{a:?}");
        assert!(
            !s.contains("110101199003070000") && !s.contains("171"),
            "{s}"
        );
    }

    #[test]
    fn hex_rules() {
        let c = opening(FieldKind::Name, "s", "x", 1).commitment();
        let hex = c.to_hex();
        assert_eq!(Commitment::from_hex(&hex), Ok(c));
        assert_eq!(
            Commitment::from_hex(&hex.to_uppercase()),
            Err(DecodeError::NotLowercaseHex)
        );
        assert_eq!(
            Commitment::from_hex(&hex[2..]),
            Err(DecodeError::Length {
                expected: 64,
                found: 62
            })
        );
        // Non-ASCII of the right byte length is not hex.
        assert_eq!(
            Commitment::from_hex(&format!("é{}", &hex[2..])),
            Err(DecodeError::NotLowercaseHex)
        );
    }
}
