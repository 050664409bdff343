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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    Inconclusive,
}

impl EventBody for Inspection {
    const TYPE: EventType = EventType::Inspection;
    const SIGNERS: &'static [Role] = &[Role::Lab, Role::InspectionBureau];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("inspection")?;
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    /// In chain-key order.
    const ITEMS: [&str; 2] = [
        "01/04719865001034/10/AL2604Q1",
        "01/04719865001270/10/AL2604Q1",
    ];

    /// A lab's pesticide-residue report on two lots (fixtures/scenario).
    fn report() -> Value {
        json!({"type": "inspection", "client_id": "ctfl:report:CTFL-R26-05-0417",
            "actor": "TW-UBN:91265845", "key": key(), "time": "2026-05-11T16:30:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "TW", "place": "臺中市西屯區", "gln": "4712740000047"},
            "why": {"biz_step": "inspecting", "disposition": "conformant"},
            "body": {"lab": "中臺灣食品農產檢驗所", "standard": "GB 2763-2021",
                "sample": "CTFL-S26-05-0417", "report_no": "CTFL-R26-05-0417", "report_hash": hex('2'),
                "results": [
                    {"analyte": "chlorpyrifos", "value": "0.01", "unit": "mg/kg", "limit": "2", "below_loq": true},
                    {"analyte": "imidacloprid", "value": "0.03", "unit": "mg/kg", "limit": "0.5"}],
                "verdict": "pass",
                "accreditation": {"body": "TAF", "number": "TAF-3127", "scope": "ISO/IEC 17025:2017"}}})
    }

    #[test]
    fn an_inspection_parses_and_joins_its_items_chains() {
        let e = parse(&report());
        assert_eq!(e.kind, EventType::Inspection);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        assert!(e.documents().is_empty());
        assert_eq!(e.defines(), None);
        assert!(e.references().is_empty());
    }

    #[test]
    fn an_inspection_names_items_and_results() {
        let mut e = report();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = report();
        e["body"]["results"] = json!([]);
        refused(&e, "body.results", "at least one result");
    }

    #[test]
    fn values_are_not_negative_and_compare_with_their_limit() {
        let mut e = report();
        e["body"]["results"][1]["value"] = "-0.03".into();
        refused(&e, "body.results[1].value", "negative");
        let mut e = report();
        e["body"]["results"][1]["value"] = "100000000000000000000000000000".into();
        e["body"]["results"][1]["limit"] = "0.1234567890123456789012345678".into();
        refused(&e, "body.results[1]", "cannot be compared");
    }

    #[test]
    fn a_pass_has_no_result_above_its_limit() {
        let mut e = report();
        e["body"]["results"][1]["value"] = "0.51".into();
        refused(&e, "body.verdict", "results[1] exceeds its limit");
        e["body"]["verdict"] = "fail".into();
        parse(&e);
        // At the limit passes, and so does a limit of quantification above it.
        let mut e = report();
        e["body"]["results"][1]["value"] = "0.50".into();
        parse(&e);
        e["body"]["results"][0]["value"] = "3".into();
        parse(&e);
    }
}
