//! Properties of the commitments and comparison proofs, a known-answer vector that pins
//! every transcript byte, and the refusal of malformed encodings.

use proptest::prelude::*;
use serde::de::{value::Error as DeError, IntoDeserializer};
use serde::Deserialize;
use suyuan_customs::commit::{
    compare, prove_equal, prove_unequal, Commitment, Comparison, Context, DecodeError,
    EqualityProof, FieldKind, InequalityProof, Opening, ProofError, ProveError,
};

fn kind() -> impl Strategy<Value = FieldKind> {
    prop::sample::select(FieldKind::ALL.to_vec())
}

fn context() -> impl Strategy<Value = Context> {
    prop::collection::vec(".{0,12}", 0..4).prop_map(|parts| Context::new(&parts))
}

/// Two openings of one kind, from different parties (independent salts and slots).
fn pair(same_value: bool) -> impl Strategy<Value = (Opening, Opening)> {
    (
        kind(),
        ".{0,24}",
        ".{0,24}",
        "[a-zA-Z]{1,16}",
        "[a-zA-Z]{1,16}",
        any::<[u8; 32]>(),
        any::<[u8; 32]>(),
    )
        .prop_filter("values must differ", move |(_, v1, v2, ..)| {
            same_value || v1 != v2
        })
        .prop_map(move |(kind, v1, v2, slot1, slot2, salt1, salt2)| {
            let v2 = if same_value { v1.clone() } else { v2 };
            (
                Opening::new(kind, slot1, v1, salt1),
                Opening::new(kind, slot2, v2, salt2),
            )
        })
}

/// Every rejection a proof made for `(ctx, c1, c2)` must meet elsewhere.
fn assert_bound(p: &Comparison, ctx: &Context, c1: &Commitment, c2: &Commitment, c3: &Commitment) {
    let failure = if p.claims_equal() {
        ProofError::Equality
    } else {
        ProofError::Inequality
    };
    assert_eq!(p.verify(ctx, c1, c3), Err(failure), "(C1, C3)");
    assert_eq!(p.verify(ctx, c3, c2), Err(failure), "(C3, C2)");
    if c1 != c2 {
        assert_eq!(p.verify(ctx, c2, c1), Err(failure), "swapped");
    }
    let other = Context::new(&[ctx.as_bytes(), b"x"]);
    assert_eq!(p.verify(&other, c1, c2), Err(failure), "other context");
}

proptest! {
    #[test]
    fn equal_values_give_a_checked_equal((a, b) in pair(true), ctx in context()) {
        let (c1, c2) = (a.commitment(), b.commitment());
        let p = compare(&ctx, &a, &b).unwrap();
        prop_assert!(matches!(p, Comparison::Equal(_)));
        prop_assert_eq!(p.verify(&ctx, &c1, &c2), Ok(true));
        prop_assert_eq!(prove_unequal(&ctx, &a, &b), Err(ProveError::Equal));
    }

    #[test]
    fn different_values_give_a_checked_unequal((a, b) in pair(false), ctx in context()) {
        let (c1, c2) = (a.commitment(), b.commitment());
        let p = compare(&ctx, &a, &b).unwrap();
        prop_assert!(matches!(p, Comparison::Unequal(_)));
        prop_assert_eq!(p.verify(&ctx, &c1, &c2), Ok(false));
        prop_assert_eq!(prove_equal(&ctx, &a, &b), Err(ProveError::NotEqual));
    }

    #[test]
    fn a_proof_checks_only_for_its_commitments_and_context(
        equal in pair(true),
        unequal in pair(false),
        ctx in context(),
        salt3 in any::<[u8; 32]>(),
    ) {
        for (a, b) in [equal, unequal] {
            let c3 = Opening::new(a.kind, "other", a.value.clone(), salt3).commitment();
            let (c1, c2) = (a.commitment(), b.commitment());
            assert_bound(&compare(&ctx, &a, &b).unwrap(), &ctx, &c1, &c2, &c3);
        }
    }

    #[test]
    fn proofs_are_deterministic((a, b) in pair(false), ctx in context()) {
        let e = prove_equal(&ctx, &a, &a.clone()).unwrap();
        prop_assert_eq!(e.to_bytes(), prove_equal(&ctx, &a, &a).unwrap().to_bytes());
        let u = prove_unequal(&ctx, &a, &b).unwrap();
        prop_assert_eq!(u.to_bytes(), prove_unequal(&ctx, &a, &b).unwrap().to_bytes());
    }

    #[test]
    fn commitments_hide_behind_salt_and_slot(
        kind in kind(), v in ".{0,24}", s1 in any::<[u8; 32]>(), s2 in any::<[u8; 32]>(),
    ) {
        prop_assume!(s1 != s2);
        let a = Opening::new(kind, "slot", v.clone(), s1);
        prop_assert_ne!(a.commitment(), Opening::new(kind, "slot", v.clone(), s2).commitment());
        prop_assert_ne!(a.commitment(), Opening::new(kind, "other", v.clone(), s1).commitment());
        prop_assert_eq!(a.commitment(), Opening::new(kind, "slot", v, s1).commitment());
        prop_assert!(a.opens(&a.commitment()));
    }

    #[test]
    fn encodings_round_trip((a, b) in pair(false), ctx in context()) {
        let c = a.commitment();
        prop_assert_eq!(c.to_hex().len(), 64);
        prop_assert_eq!(Commitment::from_hex(&c.to_hex()), Ok(c));
        let e = prove_equal(&ctx, &a, &a).unwrap();
        prop_assert_eq!(e.to_hex().len(), 128);
        prop_assert_eq!(EqualityProof::from_hex(&e.to_hex()), Ok(e));
        let u = prove_unequal(&ctx, &a, &b).unwrap();
        prop_assert_eq!(u.to_hex().len(), 192);
        prop_assert_eq!(InequalityProof::from_hex(&u.to_hex()), Ok(u));
        // serde goes through the same hex.
        let hex = u.to_hex();
        let d = hex.as_str().into_deserializer();
        prop_assert_eq!(InequalityProof::deserialize::<serde::de::value::StrDeserializer<DeError>>(d), Ok(u));
    }

    /// Whatever bytes decode, decode to an object whose encoding is those bytes.
    #[test]
    fn decoding_is_canonical(c in any::<[u8; 32]>(), e in any::<[u8; 32]>(), s in any::<[u8; 32]>()) {
        if let Ok(p) = Commitment::from_bytes(c) {
            prop_assert_eq!(p.to_bytes(), c);
        }
        let bytes: [u8; 64] = [c, s].concat().try_into().unwrap();
        if let Ok(p) = EqualityProof::from_bytes(bytes) {
            prop_assert_eq!(p.to_bytes(), bytes);
        }
        let bytes: [u8; 96] = [c, e, s].concat().try_into().unwrap();
        if let Ok(p) = InequalityProof::from_bytes(bytes) {
            prop_assert_eq!(p.to_bytes(), bytes);
        }
    }

    #[test]
    fn wrong_lengths_are_refused(s in "[0-9a-f]{0,200}") {
        let n = s.len();
        if n != 64 {
            prop_assert_eq!(Commitment::from_hex(&s), Err(DecodeError::Length { expected: 64, found: n }));
        }
        if n != 128 {
            prop_assert_eq!(EqualityProof::from_hex(&s), Err(DecodeError::Length { expected: 128, found: n }));
        }
        if n != 192 {
            prop_assert_eq!(InequalityProof::from_hex(&s), Err(DecodeError::Length { expected: 192, found: n }));
        }
    }
}

const SALT_A: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = i as u8;
        i += 1;
    }
    s
};
const SALT_B: [u8; 32] = {
    let mut s = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        s[i] = 32 + i as u8;
        i += 1;
    }
    s
};

fn kat() -> (Context, Opening, Opening, Opening) {
    let ctx = Context::new(&["rule.buyer-id", "order-0001", "id_number"]);
    let a = Opening::new(
        FieldKind::IdNumber,
        "buyerIdNumber",
        "110101199003071234",
        SALT_A,
    );
    let b = Opening::new(
        FieldKind::IdNumber,
        "payerIdNumber",
        "110101199003071234",
        SALT_B,
    );
    let c = Opening::new(
        FieldKind::IdNumber,
        "payerIdNumber",
        "110101199003071235",
        SALT_B,
    );
    (ctx, a, b, c)
}

/// Computed by an independent pure-Python implementation of RFC 9496 and the module's
/// byte-level specification, not by this crate: a change to any domain string,
/// separator, length prefix or point order breaks it.
const KAT_CA: &str = "bcfca03280953c9af26f2ad16d9ab33922188c6833f174d5c9a5e92cde1d5d7c";
const KAT_CB: &str = "d664aec0d1ce350be011ed34e27f1ae6a571574f70d4312cd5041e7210dbd707";
const KAT_CC: &str = "4ee939825abce2b6d211e86594d359d64c52c6e8c8a8474f84bb3879a5d2931d";
const KAT_EQUAL: &str = "f4bc81e92ff8011f5166dc6ebdf683fb59b25b35a0cd3142a660dab818a0fc68\
                         f7524b69e19c6fd1a8c01e2dbe0e814c36d72708036b5c4f705f4e905ae20a04";
const KAT_UNEQUAL: &str = "5025a8c809c20268e88a6fe9be26fc74f99679aa9faf6d5b7e716e329991b171\
                           72bf67078387601095563bdf6d2e34a8614d22eaab294eff2e9358622a250b00\
                           4481219a07bf58b42e329887b7213bbeef655f7e20c1e3d5234c8a938b1de604";

#[test]
fn known_answer() {
    let (ctx, a, b, c) = kat();
    assert_eq!(a.commitment().to_hex(), KAT_CA);
    assert_eq!(b.commitment().to_hex(), KAT_CB);
    assert_eq!(c.commitment().to_hex(), KAT_CC);
    assert_eq!(prove_equal(&ctx, &a, &b).unwrap().to_hex(), KAT_EQUAL);
    assert_eq!(prove_unequal(&ctx, &a, &c).unwrap().to_hex(), KAT_UNEQUAL);
    // And a verifier with only the public hex reaches the verdicts.
    let [ca, cb, cc] = [KAT_CA, KAT_CB, KAT_CC].map(|h| Commitment::from_hex(h).unwrap());
    let eq = Comparison::Equal(EqualityProof::from_hex(KAT_EQUAL).unwrap());
    let ne = Comparison::Unequal(InequalityProof::from_hex(KAT_UNEQUAL).unwrap());
    assert_eq!(eq.verify(&ctx, &ca, &cb), Ok(true));
    assert_eq!(ne.verify(&ctx, &ca, &cc), Ok(false));
    // The UTF-8 of a Chinese name, with the `name` kind.
    let n = Opening::new(FieldKind::Name, "consignee", "张三", [7; 32]);
    assert_eq!(
        n.commitment().to_hex(),
        "bc9be8cc4c0cd4b0c90d21384600e40db95ea7f6135c60feb59925b50e354633"
    );
}

/// Every change of every byte of a proof, and of either commitment, is refused: by the
/// decoder or by the verifier.
#[test]
fn every_byte_change_is_refused() {
    let (ctx, a, b, c) = kat();
    let cases = [
        (
            a.commitment(),
            b.commitment(),
            compare(&ctx, &a, &b).unwrap(),
        ),
        (
            a.commitment(),
            c.commitment(),
            compare(&ctx, &a, &c).unwrap(),
        ),
    ];
    for (c1, c2, proof) in cases {
        let bytes = match proof {
            Comparison::Equal(p) => p.to_bytes().to_vec(),
            Comparison::Unequal(p) => p.to_bytes().to_vec(),
        };
        let decode = |b: &[u8]| -> Option<Comparison> {
            match proof {
                Comparison::Equal(_) => EqualityProof::from_bytes(b.try_into().unwrap())
                    .ok()
                    .map(Comparison::Equal),
                Comparison::Unequal(_) => InequalityProof::from_bytes(b.try_into().unwrap())
                    .ok()
                    .map(Comparison::Unequal),
            }
        };
        assert!(proof.verify(&ctx, &c1, &c2).is_ok());
        let mut checked = 0;
        for i in 0..bytes.len() {
            for mask in 1..=255u8 {
                let mut bad = bytes.clone();
                bad[i] ^= mask;
                if let Some(p) = decode(&bad) {
                    assert!(
                        p.verify(&ctx, &c1, &c2).is_err(),
                        "proof byte {i} ^ {mask:#x}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > bytes.len() * 16,
            "most changes decode and must fail the check"
        );
        for which in 0..2 {
            for i in 0..32 {
                for mask in 1..=255u8 {
                    let mut bad = [c1.to_bytes(), c2.to_bytes()];
                    bad[which][i] ^= mask;
                    let (Ok(d1), Ok(d2)) = (
                        Commitment::from_bytes(bad[0]),
                        Commitment::from_bytes(bad[1]),
                    ) else {
                        continue;
                    };
                    assert!(
                        proof.verify(&ctx, &d1, &d2).is_err(),
                        "commitment {which} byte {i} ^ {mask:#x}"
                    );
                }
            }
        }
    }
}

#[test]
fn an_unequal_claim_never_checks_for_equal_values_and_vice_versa() {
    let (ctx, a, b, c) = kat();
    let (ca, cb, cc) = (a.commitment(), b.commitment(), c.commitment());
    // The Unequal proof of (a, c) replayed as evidence about (a, b), and the converse.
    let ne = compare(&ctx, &a, &c).unwrap();
    let eq = compare(&ctx, &a, &b).unwrap();
    assert_eq!(ne.verify(&ctx, &ca, &cb), Err(ProofError::Inequality));
    assert_eq!(eq.verify(&ctx, &ca, &cc), Err(ProofError::Equality));
    // Equal commitment bytes can never be proved unequal.
    assert_eq!(
        ne.verify(&ctx, &ca, &ca),
        Err(ProofError::IdenticalCommitments)
    );
}

#[test]
fn bad_encodings_are_refused() {
    // RFC 9496 A.2 bad encodings, plus f1ff…7f: p + 4, a non-canonical alias of a valid
    // encoding (s = 4).
    for hex in [
        "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "f1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
        "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
        "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ] {
        assert_eq!(
            Commitment::from_hex(hex),
            Err(DecodeError::InvalidPoint),
            "{hex}"
        );
        let proof = format!("{hex}{}", "00".repeat(32));
        assert_eq!(
            EqualityProof::from_hex(&proof),
            Err(DecodeError::InvalidPoint),
            "{hex}"
        );
    }
    // s = ℓ and s = 2^256 − 1 are not canonical scalars; ℓ − 1 is.
    let ell = "edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
    let ell_minus_1 = "ecd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010";
    let (ctx, a, _, c) = kat();
    let r = &prove_equal(&ctx, &a, &a).unwrap().to_hex()[..64];
    for s in [ell, &"ff".repeat(32)] {
        let e = format!("{r}{s}");
        assert_eq!(
            EqualityProof::from_hex(&e),
            Err(DecodeError::NonCanonicalScalar)
        );
        let u = prove_unequal(&ctx, &a, &c).unwrap().to_hex();
        for at in [64, 128] {
            let mut bad = u.clone();
            bad.replace_range(at..at + 64, s);
            assert_eq!(
                InequalityProof::from_hex(&bad),
                Err(DecodeError::NonCanonicalScalar)
            );
        }
    }
    assert!(EqualityProof::from_hex(&format!("{r}{ell_minus_1}")).is_ok());
    // Uppercase is another spelling of the same bytes, and is refused.
    assert_eq!(
        Commitment::from_hex(&KAT_CA.to_uppercase()),
        Err(DecodeError::NotLowercaseHex)
    );
    assert_eq!(
        EqualityProof::from_hex(&KAT_EQUAL.replace('f', "g")),
        Err(DecodeError::NotLowercaseHex)
    );
    // serde refuses what from_hex refuses.
    let d = KAT_CA[1..].into_deserializer();
    assert!(Commitment::deserialize::<serde::de::value::StrDeserializer<DeError>>(d).is_err());
}
