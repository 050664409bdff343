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
    const TYPE: EventType = EventType::Trade;
    const SIGNERS: &'static [Role] = &[Role::Platform, Role::Trader];

    fn validate(&self, what: &What) -> Result<(), ValidationError> {
        what.require_items("trade")?;
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

    fn documents(&self) -> Vec<(DocKind, String)> {
        vec![doc(DocKind::Order, &self.order_no)]
    }

    fn defines(&self) -> Option<(DocKind, String)> {
        Some(doc(DocKind::Order, &self.order_no))
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

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const ITEMS: [&str; 2] = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00002",
    ];

    /// A cross-border retail order of two tins (fixtures/scenario).
    fn order() -> Value {
        let cny = |amount: &str| json!({"amount": amount, "currency": "CNY"});
        json!({"type": "trade", "client_id": "landao_mall:order:LD202605180001",
            "actor": "CN-USCC:91350128MA34XK7PX7", "key": key(), "time": "2026-05-18T08:53:00+08:00",
            "what": {"items": ITEMS},
            "where": {"country": "CN", "place": "平潭综合实验区 岚岛跨境购运营中心", "gln": "6971208000632"},
            "why": {"biz_step": "retail_selling", "disposition": "retail_sold"},
            "body": {"order_no": "LD202605180001", "trade_mode": "9610", "seller": "TW-UBN:54837195",
                "buyer_commitment": hex('d'),
                "lines": [{"gtin": "04719865001270", "description": "阿里山高山烏龍茶 150g",
                    "hs_code": "0902301000", "quantity": "2", "unit_price": cny("368.00")}],
                "goods": cny("736.00"), "freight": cny("22.00"), "tax": cny("47.75"), "total": cny("805.75")}})
    }

    #[test]
    fn a_trade_parses_and_defines_its_order() {
        let e = parse(&order());
        assert_eq!(e.kind, EventType::Trade);
        assert_eq!(e.chain_keys(), ITEMS.map(String::from).to_vec());
        let order = (DocKind::Order, "LD202605180001".to_string());
        assert_eq!(e.documents(), vec![order.clone()]);
        assert_eq!(e.defines(), Some(order));
        assert!(e.references().is_empty());
    }

    #[test]
    fn a_trade_names_items_and_lines_of_trade_items() {
        let mut e = order();
        e["what"]["items"] = json!([]);
        refused(&e, "what.items", "at least one item");
        let mut e = order();
        e["body"]["lines"] = json!([]);
        refused(&e, "body.lines", "at least one line");
        let mut e = order();
        e["body"]["lines"][0]["gtin"] = "04719865001271".into();
        refused(&e, "body.lines[0].gtin", "");
    }

    #[test]
    fn all_amounts_are_in_the_totals_currency() {
        let mut e = order();
        e["body"]["lines"][0]["unit_price"]["currency"] = "TWD".into();
        refused(&e, "body.lines[0].unit_price.currency", "one currency");
        for name in ["goods", "freight", "tax"] {
            let mut e = order();
            e["body"][name]["currency"] = "TWD".into();
            refused(&e, &format!("body.{name}.currency"), "one currency");
        }
    }

    #[test]
    fn the_total_is_goods_plus_freight_plus_tax() {
        let mut e = order();
        e["body"]["total"]["amount"] = "805.76".into();
        refused(
            &e,
            "body.total.amount",
            "is not goods 736.00 + freight 22.00 + tax 47.75",
        );
        // Trailing zeros and scale do not matter.
        e["body"]["total"]["amount"] = "805.7500".into();
        parse(&e);
        let mut e = order();
        e["body"]["freight"]["amount"] = "-22.00".into();
        refused(&e, "body.freight.amount", "negative");
        let mut e = order();
        e["body"]["tax"]["amount"] = "47.75001".into();
        refused(&e, "body.tax.amount", "more than 4 decimal places");
    }
}
