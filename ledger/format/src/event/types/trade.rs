//! `trade`: an order placed on a platform (CEB311 for cross-border retail). It defines
//! the order number, which must be new.

use super::prelude::*;

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

impl EventBody for Trade {
    const NAMES_ITEMS: bool = true;
    const SIGNERS: &'static [Role] = &[Role::Platform, Role::Trader];

    fn validate(&self, _: &What) -> Result<(), ValidationError> {
        if self.lines.is_empty() {
            return Err(ValidationError::new(
                "body.lines",
                "an order has at least one line",
            ));
        }
        for (i, line) in self.lines.iter().enumerate() {
            crate::gs1::gtin14(&line.gtin).map_err(|e| {
                ValidationError::new(format!("body.lines[{i}].gtin"), e.to_string())
            })?;
            if line.unit_price.currency != self.total.currency {
                return Err(ValidationError::new(
                    format!("body.lines[{i}].unit_price.currency"),
                    "all amounts of an order must be in one currency",
                ));
            }
        }
        check_money_sum(self)
    }

    fn defines(&self) -> Option<(DocKind, &DocNumber)> {
        Some((DocKind::Order, &self.order_no))
    }
}

fn check_money_sum(t: &Trade) -> Result<(), ValidationError> {
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
