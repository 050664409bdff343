//! `production`: a lot was made, harvested or processed, from optional inputs.

use super::prelude::*;

/// `production`: a lot was made (or harvested, processed) from optional inputs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Production {
    pub product: Text,
    pub produced: Date,
    pub expiry: Option<Date>,
    /// Place of origin as shown to consumers ("Alishan, Chiayi County").
    pub origin: Text,
    pub facility: Text,
    pub certifications: Option<Vec<Text>>,
}

impl EventBody for Production {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Producer];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        if what.quantity.is_none() {
            return Err(ValidationError::new(
                "what.quantity",
                "a production event states the quantity made",
            ));
        }
        for (i, item) in what.items.iter().enumerate() {
            if item.0.gtin().is_none() {
                return Err(ValidationError::new(
                    format!("what.items[{i}]"),
                    "production makes trade items (01/…), not logistic units",
                ));
            }
        }
        if let Some(expiry) = &self.expiry {
            if expiry < &self.produced {
                return Err(ValidationError::new(
                    "body.expiry",
                    "expiry date is before the production date",
                ));
            }
        }
        Ok(())
    }
}
