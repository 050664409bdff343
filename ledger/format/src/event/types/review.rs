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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A consumer's four-star rating of an order (fixtures/scenario).
    fn rating() -> Value {
        json!({"type": "review", "client_id": "c1:review:LD202605180001",
            "actor": "CONSUMER:LD-U20418833", "key": key(), "time": "2026-05-24T13:13:00+08:00",
            "what": {"items": ITEMS}, "where": {"country": "CN", "place": "平潭"},
            "body": {"kind": "rating", "rating": 4, "text": "香气不错，包装很精致。", "lang": "zh",
                "order_no": "LD202605180001"}})
    }

    /// A complaint step: `kind` with text and no rating or order.
    fn complaint(kind: &str) -> Value {
        let mut e = rating();
        e["body"] = json!({"kind": kind, "text": "罐子凹了 The tin arrived dented."});
        e
    }

    #[test]
    fn a_rating_parses_and_needs_the_order_it_names() {
        let e = parse(&rating());
        assert_eq!(e.kind, EventType::Review);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![order]);
        assert_eq!(e.defines(), None);
        let order = Reference::Document {
            field: "body.order_no".into(),
            kind: DocKind::Order,
            number: "LD202605180001".into(),
        };
        assert_eq!(e.references(), vec![order]);
    }

    #[test]
    fn without_an_order_a_review_names_no_documents() {
        for kind in ["complaint", "mediation", "resolution"] {
            let e = parse(&complaint(kind));
            assert!(e.documents().is_empty());
            assert!(e.references().is_empty());
        }
    }

    #[test]
    fn a_review_names_items() {
        let mut e = rating();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
    }

    #[test]
    fn a_rating_is_from_1_to_5() {
        let mut e = rating();
        e["body"].as_object_mut().unwrap().remove("rating");
        refused(&e, "body.rating", "gives a rating");
        for (n, ok) in [(0, false), (1, true), (5, true), (6, false)] {
            e["body"]["rating"] = n.into();
            match ok {
                true => drop(parse(&e)),
                false => refused(&e, "body.rating", "not a rating from 1 to 5"),
            }
        }
        let mut e = complaint("complaint");
        e["body"]["rating"] = 6.into();
        refused(&e, "body.rating", "not a rating from 1 to 5");
    }

    #[test]
    fn complaint_steps_carry_text() {
        for kind in ["complaint", "mediation", "resolution"] {
            let mut e = complaint(kind);
            e["body"].as_object_mut().unwrap().remove("text");
            refused(&e, "body.text", "carry text");
        }
        let mut e = rating();
        e["body"].as_object_mut().unwrap().remove("text");
        parse(&e);
    }
}
