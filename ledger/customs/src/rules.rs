//! The 三单比对 rules: each a stable id and one function of the public views of an
//! order's order (311), payment (411), waybill (511) and declaration (621), plus, for
//! `limit.annual`, the buyer's purchases earlier in the year.
//!
//! | id | what must hold |
//! |---|---|
//! | `join.order` | (ebpCode, orderNo) equal on 311, 411 and 621; orderNo equal on 511 |
//! | `join.payment` | payTransactionId of 311 (when given) equals that of 411 |
//! | `join.waybill` | (logisticsCode, logisticsNo) of 511 equal those of 621 |
//! | `amount.paid` | acturalPaid = goodsValue + freight + taxTotal − discount, and = amountPaid of 411 |
//! | `amount.line` | totalPrice = price × qty on every line of 311 and 621 |
//! | `amount.goods` | goodsValue = Σ totalPrice of 311's lines |
//! | `identity.payer` | buyer name and ID number of 311 equal payer name and ID number of 411 |
//! | `consignee` | consignee, telephone and address of 311 equal those of 511 |
//! | `lines` | 621's lines match 311's one to one by gnum: itemNo, name (gname/itemName), qty |
//! | `limit.single` | goodsValue + freight ≤ ¥5,000, unless the order is one indivisible item (one line, qty 1) |
//! | `limit.annual` | the buyer's purchases this calendar year, this one included, ≤ ¥26,000 |
//! | `tax` | taxTotal of 311 equals [`crate::tax`] of its lines at 621's HS codes |
//!
//! Codes and text compare after [`crate::normalize`]; amounts compare exactly. Committed
//! fields compare through a [`Comparator`]: whoever holds the openings proves each
//! comparison, anyone else checks the proofs, and both get the same findings. The only
//! looser rule is [`Policy::amount_tolerance_bp`], off by default and named in the
//! verdict when it is on. The `party` rule (the signer's registered codes) needs the
//! registry and lives in the ledger's admission.

use crate::amount::Amount;
use crate::commit::{Commitment, Context};
use crate::normalize;
use crate::tax::{rates_of, tax_on};
use crate::view::{InventoryView, OrderView, PaymentView, WaybillView};
use serde::{Deserialize, Serialize};

/// Single-transaction limit, yuan (财关税〔2018〕49号).
pub const SINGLE_LIMIT: Amount = Amount::from_fen(500_000);
/// Annual limit per buyer, yuan.
pub const ANNUAL_LIMIT: Amount = Amount::from_fen(2_600_000);

/// The rule ids, in the order findings are listed.
pub const RULES: &[&str] = &[
    "join.order",
    "join.payment",
    "join.waybill",
    "amount.paid",
    "amount.line",
    "amount.goods",
    "identity.payer",
    "consignee",
    "lines",
    "limit.single",
    "limit.annual",
    "tax",
    "party",
];

/// One field a finding names: the message, the element and its value (for committed
/// fields, the commitment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldRef {
    pub message: String,
    pub field: String,
    pub value: String,
}

/// A rule that does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub message: String,
    pub fields: Vec<FieldRef>,
}

/// Looser comparisons some practitioners apply. Off by default; a verdict reached with
/// one on names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// `amount.paid` accepts a difference up to this many basis points of amountPaid
    /// (500 = the "5%" some cite).
    pub amount_tolerance_bp: Option<u32>,
}

impl Policy {
    /// The policy's name as a verdict records it, `None` for the default.
    pub fn name(&self) -> Option<String> {
        self.amount_tolerance_bp
            .map(|bp| format!("amount-tolerance-{bp}bp"))
    }
}

/// The buyer's purchases in the order's calendar year before this order, net of
/// returns, as the ledger counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaUse {
    pub year: i32,
    pub used_before: Amount,
    pub this_order: Amount,
    pub used_after: Amount,
}

/// Compares two committed fields. `left` and `right` are (message, field, commitment).
pub trait Comparator {
    /// Whether the two hold equal values; `Err` when the comparison cannot be made or its
    /// proof does not check (a verdict that cannot be trusted).
    fn equal(
        &mut self,
        ctx: &Context,
        left: (&str, &str, Commitment),
        right: (&str, &str, Commitment),
    ) -> Result<bool, String>;
}

/// The four messages of one order, each the latest version received.
#[derive(Debug, Clone, Copy)]
pub struct OrderSet<'a> {
    pub order: &'a OrderView,
    pub payment: &'a PaymentView,
    pub waybill: &'a WaybillView,
    pub inventory: &'a InventoryView,
}

struct Out {
    findings: Vec<Finding>,
}

impl Out {
    fn find(&mut self, rule: &str, message: String, fields: Vec<FieldRef>) {
        self.findings.push(Finding {
            rule: rule.into(),
            message,
            fields,
        });
    }
}

fn f(message: &str, field: &str, value: impl ToString) -> FieldRef {
    FieldRef {
        message: message.into(),
        field: field.into(),
        value: value.to_string(),
    }
}

/// The value that counts against the limits: goodsValue + freight (the dutiable value).
pub fn dutiable_value(order: &OrderView) -> Amount {
    order
        .goods_value
        .checked_add(order.freight)
        .unwrap_or(order.goods_value)
}

/// Applies every rule but `party`; findings in [`RULES`] order.
pub fn evaluate(
    set: OrderSet<'_>,
    quota: &QuotaUse,
    policy: &Policy,
    comparator: &mut dyn Comparator,
) -> Result<Vec<Finding>, String> {
    let OrderSet {
        order: o,
        payment: p,
        waybill: w,
        inventory: i,
    } = set;
    let mut out = Out {
        findings: Vec::new(),
    };
    let code = normalize::code;

    // join.order
    let key = (code(&o.ebp_code), code(&o.order_no));
    for (msg, ebp, no) in [
        ("CEB411", &p.ebp_code, &p.order_no),
        ("CEB621", &i.ebp_code, &i.order_no),
    ] {
        if (code(ebp), code(no)) != key {
            out.find(
                "join.order",
                format!(
                    "{msg} names order ({ebp}, {no}), not the order's ({}, {})",
                    o.ebp_code, o.order_no
                ),
                vec![
                    f("CEB311", "ebpCode", &o.ebp_code),
                    f("CEB311", "orderNo", &o.order_no),
                    f(msg, "ebpCode", ebp),
                    f(msg, "orderNo", no),
                ],
            );
        }
    }
    if code(&w.order_no) != key.1 {
        out.find(
            "join.order",
            format!("CEB511 names order {}, not {}", w.order_no, o.order_no),
            vec![
                f("CEB311", "orderNo", &o.order_no),
                f("CEB511", "orderNo", &w.order_no),
            ],
        );
    }
    // join.payment
    if let Some(id) = &o.pay_transaction_id {
        if code(id) != code(&p.pay_transaction_id) {
            out.find(
                "join.payment",
                format!(
                    "payTransactionId {id} of the order is not {} of the payment",
                    p.pay_transaction_id
                ),
                vec![
                    f("CEB311", "payTransactionId", id),
                    f("CEB411", "payTransactionId", &p.pay_transaction_id),
                ],
            );
        }
    }
    // join.waybill
    if (code(&w.logistics_code), code(&w.logistics_no))
        != (code(&i.logistics_code), code(&i.logistics_no))
    {
        out.find(
            "join.waybill",
            format!(
                "the declaration names waybill ({}, {}), not ({}, {})",
                i.logistics_code, i.logistics_no, w.logistics_code, w.logistics_no
            ),
            vec![
                f("CEB511", "logisticsCode", &w.logistics_code),
                f("CEB511", "logisticsNo", &w.logistics_no),
                f("CEB621", "logisticsCode", &i.logistics_code),
                f("CEB621", "logisticsNo", &i.logistics_no),
            ],
        );
    }

    // amount.paid
    let expected = o
        .goods_value
        .checked_add(o.freight)
        .and_then(|v| v.checked_add(o.tax_total))
        .and_then(|v| v.checked_sub(o.discount));
    if expected != Some(o.actural_paid) {
        out.find(
            "amount.paid",
            format!(
                "acturalPaid {} ≠ goodsValue {} + freight {} + taxTotal {} − discount {}",
                o.actural_paid, o.goods_value, o.freight, o.tax_total, o.discount
            ),
            vec![
                f("CEB311", "acturalPaid", o.actural_paid),
                f("CEB311", "goodsValue", o.goods_value),
                f("CEB311", "freight", o.freight),
                f("CEB311", "taxTotal", o.tax_total),
                f("CEB311", "discount", o.discount),
            ],
        );
    }
    if !within_tolerance(o.actural_paid, p.amount_paid, policy) {
        out.find(
            "amount.paid",
            format!(
                "acturalPaid {} of the order ≠ amountPaid {} of the payment",
                o.actural_paid, p.amount_paid
            ),
            vec![
                f("CEB311", "acturalPaid", o.actural_paid),
                f("CEB411", "amountPaid", p.amount_paid),
            ],
        );
    }
    // amount.line
    for (msg, lines) in [
        (
            "CEB311",
            o.lines
                .iter()
                .map(|l| (l.gnum, l.price, l.qty, l.total_price))
                .collect::<Vec<_>>(),
        ),
        (
            "CEB621",
            i.lines
                .iter()
                .map(|l| (l.gnum, l.price, l.qty, l.total_price))
                .collect(),
        ),
    ] {
        for (gnum, price, qty, total) in lines {
            if price.checked_mul(qty) != Some(total) {
                out.find(
                    "amount.line",
                    format!("{msg} line {gnum}: totalPrice {total} ≠ price {price} × qty {qty}"),
                    vec![
                        f(msg, &format!("lines[gnum={gnum}].price"), price),
                        f(msg, &format!("lines[gnum={gnum}].qty"), qty),
                        f(msg, &format!("lines[gnum={gnum}].totalPrice"), total),
                    ],
                );
            }
        }
    }
    // amount.goods
    let sum = o
        .lines
        .iter()
        .try_fold(Amount::ZERO, |s, l| s.checked_add(l.total_price));
    if sum != Some(o.goods_value) {
        out.find(
            "amount.goods",
            format!(
                "goodsValue {} ≠ Σ totalPrice {}",
                o.goods_value,
                sum.map(|s| s.to_string())
                    .unwrap_or_else(|| "(overflow)".into())
            ),
            vec![f("CEB311", "goodsValue", o.goods_value)],
        );
    }

    // identity.payer
    let ctx = |rule: &str, a: &str, b: &str| Context::new(&[rule, o.order_no.as_str(), a, b]);
    for (left, c1, right, c2) in [
        ("buyerName", o.buyer_name, "payerName", p.payer_name),
        (
            "buyerIdNumber",
            o.buyer_id_number,
            "payerIdNumber",
            p.payer_id_number,
        ),
    ] {
        let equal = comparator.equal(
            &ctx("identity.payer", left, right),
            ("CEB311", left, c1),
            ("CEB411", right, c2),
        )?;
        if !equal {
            out.find(
                "identity.payer",
                format!("the order's {left} differs from the payment's {right} (the buyer is not the payer)"),
                vec![f("CEB311", left, c1), f("CEB411", right, c2)],
            );
        }
    }
    // consignee
    for (field, c1, c2) in [
        ("consignee", o.consignee, w.consignee),
        (
            "consigneeTelephone",
            o.consignee_telephone,
            w.consignee_telephone,
        ),
        ("consigneeAddress", o.consignee_address, w.consignee_address),
    ] {
        let equal = comparator.equal(
            &ctx("consignee", field, field),
            ("CEB311", field, c1),
            ("CEB511", field, c2),
        )?;
        if !equal {
            out.find(
                "consignee",
                format!("{field} of the order differs from the waybill's"),
                vec![f("CEB311", field, c1), f("CEB511", field, c2)],
            );
        }
    }

    // lines
    let mut declared: Vec<_> = i.lines.iter().collect();
    for line in &o.lines {
        let Some(at) = declared.iter().position(|d| d.gnum == line.gnum) else {
            out.find(
                "lines",
                format!(
                    "order line {} ({}) is not declared",
                    line.gnum, line.item_name
                ),
                vec![f(
                    "CEB311",
                    &format!("lines[gnum={}].itemName", line.gnum),
                    &line.item_name,
                )],
            );
            continue;
        };
        let d = declared.remove(at);
        let gnum = line.gnum;
        let item_no = |v: &Option<String>| v.as_deref().map(normalize::code);
        if d.item_no.is_some() && item_no(&d.item_no) != item_no(&line.item_no) {
            out.find(
                "lines",
                format!("line {gnum}: itemNo differs"),
                vec![
                    f(
                        "CEB311",
                        &format!("lines[gnum={gnum}].itemNo"),
                        line.item_no.as_deref().unwrap_or(""),
                    ),
                    f(
                        "CEB621",
                        &format!("lines[gnum={gnum}].itemNo"),
                        d.item_no.as_deref().unwrap_or(""),
                    ),
                ],
            );
        }
        let declared_name = d.item_name.as_deref().unwrap_or(&d.gname);
        if normalize::text(declared_name) != normalize::text(&line.item_name) {
            out.find(
                "lines",
                format!("line {gnum}: the declared name differs from the order's"),
                vec![
                    f(
                        "CEB311",
                        &format!("lines[gnum={gnum}].itemName"),
                        &line.item_name,
                    ),
                    f(
                        "CEB621",
                        &format!("lines[gnum={gnum}].itemName"),
                        declared_name,
                    ),
                ],
            );
        }
        if d.qty != line.qty {
            out.find(
                "lines",
                format!(
                    "line {gnum}: declared qty {} ≠ ordered qty {}",
                    d.qty, line.qty
                ),
                vec![
                    f("CEB311", &format!("lines[gnum={gnum}].qty"), line.qty),
                    f("CEB621", &format!("lines[gnum={gnum}].qty"), d.qty),
                ],
            );
        }
    }
    for d in declared {
        out.find(
            "lines",
            format!("declared line {} ({}) is on no order line", d.gnum, d.gname),
            vec![f(
                "CEB621",
                &format!("lines[gnum={}].gname", d.gnum),
                &d.gname,
            )],
        );
    }

    // limit.single
    let value = dutiable_value(o);
    let indivisible = o.lines.len() == 1 && o.lines[0].qty == Amount::from_fen(100);
    if value > SINGLE_LIMIT && !indivisible {
        out.find(
            "limit.single",
            format!("goodsValue + freight = {value} is above the single-transaction limit of {SINGLE_LIMIT}"),
            vec![f("CEB311", "goodsValue", o.goods_value), f("CEB311", "freight", o.freight)],
        );
    }
    // limit.annual
    if quota.used_after > ANNUAL_LIMIT {
        out.find(
            "limit.annual",
            format!(
                "the buyer's purchases in {} would be {} (before this order {}), above the annual limit of {ANNUAL_LIMIT}",
                quota.year, quota.used_after, quota.used_before
            ),
            vec![f("CEB311", "buyerIdNumber", o.buyer_id_number)],
        );
    }
    // tax
    let mut tax = Amount::ZERO;
    let mut first_rates = None;
    for line in &o.lines {
        let hs = i
            .lines
            .iter()
            .find(|d| d.gnum == line.gnum)
            .map(|d| d.gcode.as_str());
        let rates = hs.map(rates_of).unwrap_or(crate::tax::ORDINARY);
        first_rates.get_or_insert(rates);
        tax = tax
            .checked_add(tax_on(line.total_price, rates))
            .unwrap_or(tax);
    }
    if let Some(rates) = first_rates {
        tax = tax.checked_add(tax_on(o.freight, rates)).unwrap_or(tax);
    }
    if tax != o.tax_total {
        out.find(
            "tax",
            format!(
                "taxTotal {} ≠ {tax}, the tax the lines owe (docs: crate::tax)",
                o.tax_total
            ),
            vec![f("CEB311", "taxTotal", o.tax_total)],
        );
    }
    Ok(out.findings)
}

fn within_tolerance(a: Amount, b: Amount, policy: &Policy) -> bool {
    if a == b {
        return true;
    }
    let Some(bp) = policy.amount_tolerance_bp else {
        return false;
    };
    let diff = a
        .checked_sub(b)
        .map(|d| d.units().abs())
        .unwrap_or(i128::MAX);
    diff.saturating_mul(10_000) <= b.units().abs().saturating_mul(i128::from(bp))
}
