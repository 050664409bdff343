//! The `tax` rule's arithmetic: the tax a cross-border retail import owes within the
//! limits (财关税〔2018〕49号): tariff 0, import VAT and consumption tax at 70% of the
//! statutory amount.
//!
//! With tariff 0, statutory consumption tax is `P·c/(1−c)` and statutory VAT is
//! `(P + P·c/(1−c))·v`, so the tax owed is `P·(c+v)/(1−c)·0.7`, where `P` is the dutiable
//! value, `c` the consumption-tax rate and `v` the VAT rate of the goods' HS code. With
//! `c = 0` and `v = 13%` that is 9.1%.
//!
//! Exactly: rates are whole basis points, so each term is the rational
//! `P·(c+v)·7 / ((10000−c)·10)`, rounded once to the fen, half up (四舍五入), in
//! integer arithmetic. The order's tax is, per line, the line's `totalPrice` at its
//! line's rates, plus the order's `freight` at the rates of line 1 (the dutiable value
//! includes freight; the order carries one freight for all lines), each term rounded on
//! its own, summed.

use crate::amount::Amount;

/// A tax class: VAT and consumption tax, in basis points (1300 = 13%).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    pub vat: u32,
    pub consumption: u32,
}

/// The rate table, by HS code prefix (longest match wins); codes not listed are
/// ordinary goods at VAT 13% and no consumption tax. The consumption-tax classes are the
/// ones the retail-import catalogue meets most: cosmetics of heading 3303/3304 (高档化妆品,
/// 15%), jewellery of 7113 (贵重首饰, 10%), watches of 9101/9102 (高档手表, 20%). The
/// statutory thresholds that make a cosmetic or a watch 高档 are not in the message, so
/// the heading decides.
pub const RATE_TABLE: &[(&str, Rates)] = &[
    (
        "3303",
        Rates {
            vat: 1300,
            consumption: 1500,
        },
    ),
    (
        "3304",
        Rates {
            vat: 1300,
            consumption: 1500,
        },
    ),
    (
        "7113",
        Rates {
            vat: 1300,
            consumption: 1000,
        },
    ),
    (
        "9101",
        Rates {
            vat: 1300,
            consumption: 2000,
        },
    ),
    (
        "9102",
        Rates {
            vat: 1300,
            consumption: 2000,
        },
    ),
    // Books and newspapers: the reduced VAT rate.
    (
        "4901",
        Rates {
            vat: 900,
            consumption: 0,
        },
    ),
];

/// Rates of goods no row names.
pub const ORDINARY: Rates = Rates {
    vat: 1300,
    consumption: 0,
};

/// The rates of an HS code (the 10 digits of `gcode`).
pub fn rates_of(hs_code: &str) -> Rates {
    RATE_TABLE
        .iter()
        .filter(|(prefix, _)| hs_code.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, r)| *r)
        .unwrap_or(ORDINARY)
}

/// The tax on a dutiable value at `rates`, rounded to the fen half up.
pub fn tax_on(value: Amount, rates: Rates) -> Amount {
    // P in 10⁻¹⁰ yuan; fen = P·(c+v)·7 / ((10000−c)·10) / 10⁸, half up.
    let numerator = value.units() * i128::from(rates.vat + rates.consumption) * 7;
    let denominator = i128::from(10_000 - rates.consumption) * 10 * 100_000_000;
    let (q, r) = (numerator / denominator, numerator % denominator);
    let fen = if r * 2 >= denominator { q + 1 } else { q };
    Amount::from_fen_i128(fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(s: &str) -> Amount {
        s.parse().unwrap()
    }

    #[test]
    fn ordinary_goods_pay_9_1_percent() {
        assert_eq!(tax_on(a("100"), ORDINARY), a("9.1"));
        assert_eq!(tax_on(a("299"), ORDINARY), a("27.21"));
        // 0.455 fen rounds up at the half: 5 × 0.091 = 0.455 → 0.46.
        assert_eq!(tax_on(a("5"), ORDINARY), a("0.46"));
    }

    #[test]
    fn cosmetics_pay_consumption_tax_on_the_grossed_up_value() {
        // 100·(0.15+0.13)/0.85·0.7 = 23.0588… → 23.06
        assert_eq!(tax_on(a("100"), rates_of("3304990099")), a("23.06"));
        assert_eq!(rates_of("4901100000").vat, 900);
        assert_eq!(rates_of("1901101000"), ORDINARY);
    }
}
