//! The one normalisation of each kind of field, applied before two messages' fields are
//! compared or committed, so that the same text always compares the same way.
//!
//! Everything starts from Unicode NFKC, which folds the forms that Chinese input methods
//! and spreadsheets produce for the same text: full-width digits and letters (`１２３`,
//! `ＡＢＣ`) to ASCII, the ideographic space U+3000 and other space characters to U+0020,
//! half-width katakana to full-width, compatibility characters (`①`, `㈱`) to their
//! plain spelling. Then each kind of field decides what else is noise. Nothing here
//! drops characters that are not whitespace: a hyphen in a telephone number or a
//! zero-width space in a name stays, so such a difference is reported, not hidden.
//! Every function is idempotent: normalising twice gives what normalising once gives.

use unicode_normalization::UnicodeNormalization;

/// Free text (names of goods, notes): NFKC, then leading and trailing whitespace
/// removed, then each inner run of whitespace (Unicode `White_Space`, so also tabs, line
/// breaks, U+3000) replaced by one ASCII space.
pub fn text(s: &str) -> String {
    let folded: String = s.nfkc().collect();
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// A person's or company's name: as [`text`]. Spaces inside a name are kept as one
/// space (`Li Xiaoyu`), and the variants of the middle dot in minority and foreign names
/// (`·` U+00B7, `・` U+30FB) are not unified: they are different characters to customs.
pub fn name(s: &str) -> String {
    text(s)
}

/// An identity document number: NFKC, every whitespace character removed (spaces inside
/// an ID are never meant), and ASCII letters upper-cased, so the check character `x` of
/// an 18-digit 居民身份证 number reads `X`.
pub fn id_number(s: &str) -> String {
    let squeezed = without_whitespace(s).to_ascii_uppercase();
    // Removing whitespace can put a base letter next to a combining mark: compose again.
    squeezed.nfkc().collect()
}

/// A telephone number: NFKC and every whitespace character removed, nothing else.
/// Digits, `+`, hyphens, parentheses and extensions stay as written, so `138 0000 0000`
/// equals `13800000000` but `138-0000-0000` and `+8613800000000` do not: those are
/// differences a comparison reports rather than a guess made here.
pub fn telephone(s: &str) -> String {
    without_whitespace(s).nfkc().collect()
}

/// A postal address: as [`text`]. Inner spaces collapse but are not removed, since
/// `五四路 128号` and `五四路128号` are not provably the same to every reader.
pub fn address(s: &str) -> String {
    text(s)
}

/// A code (enterprise code, order number, waybill number, HS code): NFKC and leading and
/// trailing whitespace removed; the inside is kept exactly, case included, since codes
/// are compared as issued.
pub fn code(s: &str) -> String {
    let folded: String = s.nfkc().collect();
    folded.trim().to_owned()
}

fn without_whitespace(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_folds_widths_and_spaces() {
        assert_eq!(text("１２３"), "123");
        assert_eq!(text("ＡＢＣ　ｄｅｆ"), "ABC def");
        assert_eq!(text("  婴幼儿配方奶粉  "), "婴幼儿配方奶粉");
        assert_eq!(text("婴幼儿　　配方\t\n奶粉"), "婴幼儿 配方 奶粉");
        assert_eq!(text("\u{3000}凤梨酥\u{3000}"), "凤梨酥");
        assert_eq!(text("a\u{00A0}b"), "a b");
        assert_eq!(text("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(text("ｶﾞ"), "ガ");
        assert_eq!(text("①号"), "1号");
        assert_eq!(text(""), "");
        assert_eq!(text(" \u{3000}\t"), "");
    }

    #[test]
    fn names_keep_one_inner_space() {
        assert_eq!(name(" 林小雨 "), "林小雨");
        assert_eq!(name("Li　 Xiaoyu"), "Li Xiaoyu");
        assert_eq!(name("阿依古丽·买买提"), "阿依古丽·买买提");
    }

    #[test]
    fn id_numbers_have_no_spaces_and_upper_case_x() {
        assert_eq!(id_number("35012819900307123x"), "35012819900307123X");
        assert_eq!(id_number(" 350128 1990 0307 123X "), "35012819900307123X");
        assert_eq!(
            id_number("３５０１２８１９９００３０７１２３ｘ"),
            "35012819900307123X"
        );
        assert_eq!(
            id_number("350128\u{3000}19900307123X"),
            "35012819900307123X"
        );
        assert_eq!(id_number("h1234567(8)"), "H1234567(8)");
    }

    #[test]
    fn telephones_lose_whitespace_only() {
        assert_eq!(telephone(" 139 5911 2345 "), "13959112345");
        assert_eq!(telephone("１３９５９１１２３４５"), "13959112345");
        assert_eq!(telephone("0591-8765\u{3000}4321"), "0591-87654321");
        assert_eq!(telephone("＋86 139"), "+86139");
        assert_eq!(telephone("138-0000-0000"), "138-0000-0000");
    }

    #[test]
    fn addresses_collapse_spaces() {
        assert_eq!(
            address(" 福建省福州市鼓楼区　五四路１２８号  1203室 "),
            "福建省福州市鼓楼区 五四路128号 1203室"
        );
    }

    #[test]
    fn codes_are_trimmed_only() {
        assert_eq!(code(" 3501960011 "), "3501960011");
        assert_eq!(code("３５０１"), "3501");
        assert_eq!(code("order 001"), "order 001");
        assert_eq!(code("Ab-01"), "Ab-01");
    }

    #[test]
    fn removing_spaces_recomposes() {
        // U+00B4 is a spacing acute accent: NFKC gives a space then U+0301.
        assert_eq!(id_number("e\u{00B4}"), "\u{00C9}");
        assert_eq!(id_number(&id_number("e\u{00B4}")), id_number("e\u{00B4}"));
    }
}
