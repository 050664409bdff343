//! Properties of the exact amounts, the normalisations and the message reader.

use proptest::prelude::*;
use suyuan_customs::amount::Amount;
use suyuan_customs::{message, normalize};

proptest! {
    /// Any spelling of an N19,5 number reads as the value its digits say, and the
    /// canonical text reads back to the same value.
    #[test]
    fn amounts_round_trip(whole in 0u64..10_000_000_000_000, frac in 0u32..100_000, zeros in 0usize..4, lead in 0usize..3) {
        let frac_text = format!("{frac:05}");
        let trimmed = frac_text.trim_end_matches('0');
        let spelled = if trimmed.is_empty() && zeros == 0 {
            format!("{}{whole}", "0".repeat(lead))
        } else {
            let digits = format!("{trimmed}{}", "0".repeat(zeros));
            let digits = if digits.is_empty() { "0".to_owned() } else { digits };
            let digits: String = digits.chars().take(5).collect();
            format!("{}{whole}.{digits}", "0".repeat(lead))
        };
        let a = Amount::parse(&spelled).unwrap();
        let expected = Amount::from_parts(i128::from(whole) * 100_000 + i128::from(frac), 5).unwrap();
        prop_assert_eq!(a, expected);
        prop_assert_eq!(a.to_string().parse::<Amount>().unwrap(), a);
    }

    /// Sums and differences are exact: (a + b) − b = a, never a float's approximation.
    #[test]
    fn arithmetic_is_exact(a in 0i64..1_000_000_000_000, b in 0i64..1_000_000_000_000) {
        let (x, y) = (Amount::from_fen(a), Amount::from_fen(b));
        prop_assert_eq!(x.checked_add(y).unwrap().checked_sub(y).unwrap(), x);
        prop_assert_eq!(x.checked_add(y).unwrap().to_fen(), Some(i128::from(a) + i128::from(b)));
    }

    /// Every normalisation is idempotent.
    #[test]
    fn normalisation_is_idempotent(s in "\\PC{0,40}") {
        prop_assert_eq!(normalize::text(&normalize::text(&s)), normalize::text(&s));
        prop_assert_eq!(normalize::id_number(&normalize::id_number(&s)), normalize::id_number(&s));
        prop_assert_eq!(normalize::telephone(&normalize::telephone(&s)), normalize::telephone(&s));
        prop_assert_eq!(normalize::code(&normalize::code(&s)), normalize::code(&s));
    }

    /// The reader never panics, whatever the bytes.
    #[test]
    fn reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = message::parse(&bytes);
    }

    /// Nor on a real message with one byte changed.
    #[test]
    fn reader_survives_one_changed_byte(at in 0usize..17_000, byte in any::<u8>()) {
        let path = format!("{}/tests/fixtures/gacc-202205/CEB311Message.xml", env!("CARGO_MANIFEST_DIR"));
        let mut bytes = std::fs::read(path).unwrap();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = message::parse(&bytes);
    }
}
