//! `review`: a consumer's rating, or a step of a complaint and its resolution. Every
//! review names the order it is about and only items of that order; who may sign one
//! (the order's buyer, proven by opening the order's buyer commitment, or the platform
//! that recorded the order) is a rule of the core's admission, which needs the order.

use super::prelude::*;

/// `review`: a consumer rating, or a step of a complaint and its resolution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub kind: ReviewKind,
    pub rating: Option<u8>,
    pub text: Option<Text>,
    pub lang: Option<String>,
    pub order_no: DocNumber,
    /// The salt of the order's `buyer_commitment`, opened by a consumer who signs as its
    /// buyer: BLAKE3(salt ‖ the signer's actor id) must be that commitment.
    pub buyer_salt: Option<HexDigest>,
}

code_list! { pub enum ReviewKind { Rating, Complaint, Mediation, Resolution } }

impl EventBody for Review {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Consumer, Role::Platform];

    fn validate(&self, _: &What) -> Result<(), ValidationError> {
        match (self.kind, self.rating) {
            (ReviewKind::Rating, None) => {
                return Err(ValidationError::new(
                    "body.rating",
                    "a rating review gives a rating from 1 to 5",
                ))
            }
            (_, Some(n)) if !(1..=5).contains(&n) => {
                return Err(ValidationError::new(
                    "body.rating",
                    format!("{n} is not a rating from 1 to 5"),
                ))
            }
            _ => {}
        }
        if self.kind != ReviewKind::Rating && self.rating.is_some() {
            return Err(ValidationError::new(
                "body.rating",
                "only a rating review gives a rating",
            ));
        }
        if let Some(lang) = &self.lang {
            if !is_language_tag(lang) {
                return Err(ValidationError::new(
                    "body.lang",
                    format!("{lang:?} is not a BCP 47 language tag (zh, zh-Hant, en)"),
                ));
            }
        }
        if self.kind != ReviewKind::Rating && self.text.is_none() {
            return Err(ValidationError::new(
                "body.text",
                "complaints, mediation and resolution steps carry text",
            ));
        }
        Ok(())
    }

    fn names(&self) -> Vec<(DocKind, &DocNumber)> {
        vec![(DocKind::Order, &self.order_no)]
    }
}

/// The shape of a BCP 47 tag: a 2–3 letter language, then subtags of 1–8 letters or digits.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or_default();
    (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}
