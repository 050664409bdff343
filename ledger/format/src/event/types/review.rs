//! `review`: a consumer's rating, or a step of a complaint and its resolution.

use super::prelude::*;

/// `review`: a consumer rating, or a step of a complaint and its resolution.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub kind: ReviewKind,
    pub rating: Option<u8>,
    pub text: Option<Text>,
    pub lang: Option<String>,
    pub order_no: Option<DocNumber>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    Rating,
    Complaint,
    Mediation,
    Resolution,
}

impl EventBody for Review {
    const TYPE: EventType = EventType::Review;
    const SIGNERS: &'static [Role] = &[Role::Consumer, Role::Platform];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("review")?;
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
        if self.kind != ReviewKind::Rating && self.text.is_none() {
            return Err(ValidationError::new(
                "body.text",
                "complaints, mediation and resolution steps carry text",
            ));
        }
        Ok(())
    }

    fn documents(&self) -> Vec<(DocKind, String)> {
        self.order_no
            .iter()
            .map(|n| doc(DocKind::Order, n))
            .collect()
    }

    fn references(&self, _: &What) -> Vec<Reference> {
        self.order_no
            .iter()
            .map(|n| doc_reference("body.order_no", DocKind::Order, n))
            .collect()
    }
}
