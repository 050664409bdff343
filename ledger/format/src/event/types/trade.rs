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
            if !line.quantity.is_positive() {
                return Err(ValidationError::new(
                    format!("body.lines[{i}].quantity"),
                    format!("{} is not a positive quantity", line.quantity.as_str()),
                ));
            }
            if line.unit_price.amount.is_negative() {
                return Err(ValidationError::new(
                    format!("body.lines[{i}].unit_price.amount"),
                    "must not be negative",
                ));
            }
        }
        check_money_sum(self)?;
        check_lines_sum(self)
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

/// The goods amount is the sum of the lines, quantity × unit price (exactly: 4 decimal
/// places for amounts and quantities).
fn check_lines_sum(t: &Trade) -> Result<(), ValidationError> {
    let mut sum: i128 = 0;
    for (i, line) in t.lines.iter().enumerate() {
        let field = |f: &str| format!("body.lines[{i}].{f}");
        let price = line.unit_price.amount.scaled(4).ok_or_else(|| {
            ValidationError::new(field("unit_price.amount"), "more than 4 decimal places")
        })?;
        let quantity = line
            .quantity
            .scaled(4)
            .ok_or_else(|| ValidationError::new(field("quantity"), "more than 4 decimal places"))?;
        sum = price
            .checked_mul(quantity)
            .and_then(|v| sum.checked_add(v))
            .ok_or_else(|| ValidationError::new(field("quantity"), "the line amount is too large"))?;
    }
    let goods = t.goods.amount.scaled(8).ok_or_else(|| {
        ValidationError::new("body.goods.amount", "more than 4 decimal places")
    })?;
    if sum != goods {
        return Err(ValidationError::new(
            "body.goods.amount",
            format!(
                "goods {} is not the sum of the lines' quantity × unit price",
                t.goods.amount.as_str()
            ),
        ));
    }
    Ok(())
}
