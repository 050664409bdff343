//! `inspection`: a lab's or an inspection bureau's test of samples against a standard.

use super::prelude::*;

/// `inspection`: a lab's or bureau's test of samples against a standard.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inspection {
    pub lab: Text,
    pub accreditation: Option<Accreditation>,
    pub standard: Text,
    pub sample: DocNumber,
    pub report_no: DocNumber,
    /// BLAKE3 of the signed lab report document.
    pub report_hash: HexDigest,
    pub results: Vec<AnalyteResult>,
    pub verdict: Verdict,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyteResult {
    pub analyte: Text,
    pub value: Decimal,
    /// Maximum allowed value; results above it fail.
    pub limit: Option<Decimal>,
    pub unit: Text,
    /// The value is a limit of quantification and the analyte was not detected above it.
    #[serde(default)]
    pub below_loq: bool,
}

code_list! { pub enum Verdict { Pass, Fail, Inconclusive } }

impl EventBody for Inspection {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Lab, Role::InspectionBureau];

    fn validate(&self, _: &What) -> Result<(), ValidationError> {
        if self.results.is_empty() {
            return Err(ValidationError::new(
                "body.results",
                "an inspection reports at least one result",
            ));
        }
        let mut exceeded = None;
        for (i, r) in self.results.iter().enumerate() {
            if r.value.is_negative() {
                return Err(ValidationError::new(
                    format!("body.results[{i}].value"),
                    "must not be negative",
                ));
            }
            if let Some(limit) = &r.limit {
                match r.value.partial_cmp(limit) {
                    Some(std::cmp::Ordering::Greater) if !r.below_loq => exceeded = Some(i),
                    None => {
                        return Err(ValidationError::new(
                            format!("body.results[{i}]"),
                            "value and limit cannot be compared",
                        ))
                    }
                    _ => {}
                }
            }
        }
        if let (Some(i), Verdict::Pass) = (exceeded, self.verdict) {
            return Err(ValidationError::new(
                "body.verdict",
                format!("verdict is pass but results[{i}] exceeds its limit"),
            ));
        }
        Ok(())
    }
}
