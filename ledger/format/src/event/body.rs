//! The type-specific body of each event, with the checks that need only the event itself.
//! Checks that need the log (references, roles, keys) live in `crate::admission`.

use super::values::*;
use super::{ActorId, ValidationError};
use crate::roles::Role;
use serde::Deserialize;

/// `registration`: the registrar adds an actor, or adds, rotates or revokes its keys.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub action: RegistrationAction,
    /// The actor registered or changed.
    pub subject: ActorId,
    pub name: Option<Text>,
    pub jurisdiction: Option<Country>,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub keys: Vec<String>,
    /// The key added or revoked (`add_key`, `revoke_key`), or the old key (`rotate_key`).
    pub key: Option<String>,
    /// The replacement key (`rotate_key`).
    pub new_key: Option<String>,
    pub accreditation: Option<Accreditation>,
    pub reason: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationAction {
    /// The first entry of a log: the registrar registers itself.
    Genesis,
    Register,
    AddKey,
    RotateKey,
    RevokeKey,
}

/// A lab's or body's accreditation (e.g. TAF, CNAS, ILAC MRA).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accreditation {
    pub body: Text,
    pub number: DocNumber,
    pub scope: Option<Text>,
}

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

/// `acceptance`: customs or a bureau recognizes (or refuses) a lab's inspection entry
/// (采信第三方检测结果).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    /// The entry hash of the inspection recognized.
    pub inspection: HexDigest,
    pub decision: AcceptanceDecision,
    pub basis: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceDecision {
    Accepted,
    Rejected,
}

/// `trade`: an order placed on a platform (CEB311 for cross-border retail).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trade {
    pub order_no: DocNumber,
    pub trade_mode: TradeMode,
    pub seller: ActorId,
    /// Salted BLAKE3 commitment to the buyer's identity; the identity is private.
    pub buyer_commitment: HexDigest,
    pub lines: Vec<OrderLine>,
    pub goods: Money,
    pub freight: Money,
    pub tax: Money,
    pub total: Money,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderLine {
    pub gtin: String,
    pub description: Text,
    pub hs_code: Option<HsCode>,
    pub quantity: Decimal,
    pub unit_price: Money,
}

/// Customs trade modes for e-commerce and general trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum TradeMode {
    /// Direct cross-border retail (B2C).
    #[serde(rename = "9610")]
    M9610,
    /// Cross-border B2B direct export.
    #[serde(rename = "9710")]
    M9710,
    /// Cross-border B2B export to overseas warehouses.
    #[serde(rename = "9810")]
    M9810,
    /// Bonded e-commerce.
    #[serde(rename = "1210")]
    M1210,
    /// General trade.
    #[serde(rename = "0110")]
    M0110,
}

/// A Harmonized System commodity code: 6, 8 or 10 digits.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct HsCode(pub String);
impl TryFrom<String> for HsCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        if [6, 8, 10].contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(HsCode(s))
        } else {
            Err(format!("{s:?} is not an HS code (6, 8 or 10 digits)"))
        }
    }
}

/// `payment`: a payment institution's record of payment for an order (CEB411).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    pub payment_no: DocNumber,
    pub order_no: DocNumber,
    pub payer_commitment: HexDigest,
    pub amount: Money,
    pub status: PaymentStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Paid,
    Refunded,
}

/// `logistics`: a carrier's or warehouse's waybill step (CEB511), including packing.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logistics {
    pub waybill_no: DocNumber,
    pub order_no: DocNumber,
    pub status: LogisticsStatus,
    pub mode: Option<TransportMode>,
    pub location: Option<Text>,
    pub temperature: Option<Quantity>,
    pub consignee_commitment: Option<HexDigest>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogisticsStatus {
    Packed,
    Unpacked,
    PickedUp,
    Departed,
    InTransit,
    Arrived,
    Stored,
    OutForDelivery,
    Delivered,
    Returned,
    Exception,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportMode {
    Sea,
    Air,
    Road,
    Rail,
    Express,
}

/// `clearance`: a customs declaration and its outcome.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clearance {
    pub declaration_no: DocNumber,
    pub customs_office: Text,
    pub direction: Direction,
    pub trade_mode: TradeMode,
    pub hs_code: HsCode,
    pub status: ClearanceStatus,
    pub order_no: DocNumber,
    pub payment_no: DocNumber,
    pub waybill_no: DocNumber,
    pub note: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Import,
    Export,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClearanceStatus {
    Declared,
    Inspected,
    Released,
    Held,
    Rejected,
}

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

/// `recall`: lots withdrawn by a bureau or regulator.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recall {
    pub reason: Text,
    pub severity: Severity,
    pub notice_no: DocNumber,
    pub action: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    ClassI,
    ClassII,
    ClassIII,
}

/// `correction`: EPCIS errorDeclaration. The only way to amend; nothing is edited.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// Entry hash of the entry declared in error.
    pub corrects: HexDigest,
    pub reason: CorrectionReason,
    /// Entry hashes of entries that replace it.
    #[serde(default)]
    pub corrective: Vec<HexDigest>,
    pub explanation: Option<Text>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionReason {
    DidNotOccur,
    IncorrectData,
}

pub(super) fn check_money_sum(t: &Trade) -> Result<(), ValidationError> {
    let all = [&t.goods, &t.freight, &t.tax, &t.total];
    for (name, m) in ["goods", "freight", "tax", "total"].iter().zip(all) {
        if m.currency != t.total.currency {
            return Err(ValidationError::new(
                format!("body.{name}.currency"),
                "all amounts of an order must be in one currency",
            ));
        }
        if m.amount.is_negative() {
            return Err(ValidationError::new(
                format!("body.{name}.amount"),
                "must not be negative",
            ));
        }
    }
    let cents = |m: &Money, f: &str| {
        m.amount.scaled(4).ok_or_else(|| {
            ValidationError::new(format!("body.{f}.amount"), "more than 4 decimal places")
        })
    };
    let sum = cents(&t.goods, "goods")? + cents(&t.freight, "freight")? + cents(&t.tax, "tax")?;
    if sum != cents(&t.total, "total")? {
        return Err(ValidationError::new(
            "body.total.amount",
            format!(
                "total {} is not goods {} + freight {} + tax {}",
                t.total.amount.as_str(),
                t.goods.amount.as_str(),
                t.freight.amount.as_str(),
                t.tax.amount.as_str()
            ),
        ));
    }
    Ok(())
}
