//! The public view of one record of a customs message: what enters the public log.
//!
//! A record's view keeps every field the comparison rules read and every code that
//! identifies a document or a party, with text exactly as received (rules normalise when
//! they compare), amounts in canonical text and times as received. Personal fields
//! (names, ID numbers, telephones, addresses of buyer, payer and consignee) are replaced
//! by Pedersen commitments ([`crate::commit`]) under the message's secret salt; the
//! buyer's platform account (`buyerRegNo`) is left out. The whole message, raw, is the
//! private part, so whoever is entitled re-derives the view and the commitments from it
//! ([`derive`]) and anyone else checks verdicts against the commitments.
//!
//! JSON members are the specification's element names (`acturalPaid`, `payTransactionId`),
//! so a finding names a field as the message spells it.

use crate::amount::Amount;
use crate::commit::{Commitment, FieldKind, Opening};
use crate::message::{
    AppType, CalendarDate, InventoryLine, Message, MessageType, OrderLine, Records, RefundLine,
    Timestamp,
};
use crate::normalize;
use serde::{Deserialize, Serialize};

/// The header every record opens with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppView {
    pub guid: String,
    pub app_type: AppType,
    pub app_time: Timestamp,
    /// `appStatus` 2 (申报) rather than 1 (暂存).
    pub declared: bool,
}

/// CEB311 `Order`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderView {
    pub app: AppView,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    pub goods_value: Amount,
    pub freight: Amount,
    pub discount: Amount,
    pub tax_total: Amount,
    pub actural_paid: Amount,
    pub pay_code: Option<String>,
    pub pay_transaction_id: Option<String>,
    pub consignee_district: Option<String>,
    pub buyer_name: Commitment,
    pub buyer_id_number: Commitment,
    pub buyer_telephone: Commitment,
    pub consignee: Commitment,
    pub consignee_telephone: Commitment,
    pub consignee_address: Commitment,
    pub lines: Vec<OrderLine>,
}

/// CEB411 `Payment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PaymentView {
    pub app: AppView,
    pub pay_code: String,
    pub pay_name: String,
    pub pay_transaction_id: String,
    pub order_no: String,
    pub ebp_code: String,
    pub amount_paid: Amount,
    pub pay_time: Timestamp,
    pub payer_name: Commitment,
    pub payer_id_number: Commitment,
    pub telephone: Option<Commitment>,
}

/// CEB511 `Logistics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WaybillView {
    pub app: AppView,
    pub logistics_code: String,
    pub logistics_name: String,
    pub logistics_no: String,
    pub order_no: String,
    pub freight: Option<Amount>,
    pub weight: Amount,
    pub consignee: Commitment,
    pub consignee_address: Commitment,
    pub consignee_telephone: Commitment,
}

/// CEB621 `Inventory`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InventoryView {
    pub app: AppView,
    pub order_no: String,
    pub ebp_code: String,
    pub ebc_code: String,
    pub logistics_no: String,
    pub logistics_code: String,
    pub cop_no: Option<String>,
    pub invt_no: Option<String>,
    pub decl_time: CalendarDate,
    pub customs_code: String,
    pub agent_code: String,
    pub trade_mode: String,
    pub freight: Amount,
    pub insured_fee: Amount,
    pub buyer_name: Commitment,
    pub buyer_id_number: Commitment,
    pub buyer_telephone: Commitment,
    pub consignee_address: Commitment,
    pub lines: Vec<InventoryLine>,
}

/// CEB623 `InvtCancel` and the head of CEB625 `InvtRefund`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WithdrawalView {
    pub app: AppView,
    pub order_no: String,
    pub ebp_code: String,
    pub ebc_code: String,
    pub logistics_no: String,
    pub logistics_code: String,
    pub invt_no: String,
    pub agent_code: String,
    pub buyer_name: Commitment,
    pub buyer_id_number: Commitment,
    pub buyer_telephone: Commitment,
    /// The returned lines (625); empty for a cancellation (623).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<RefundLine>,
}

/// The public view of one record, named by its message (`{"CEB311": {…}}`). One is built
/// per record and moved rarely, so the variants stay unboxed.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecordView {
    #[serde(rename = "CEB311")]
    Order(OrderView),
    #[serde(rename = "CEB411")]
    Payment(PaymentView),
    #[serde(rename = "CEB511")]
    Waybill(WaybillView),
    #[serde(rename = "CEB621")]
    Inventory(InventoryView),
    #[serde(rename = "CEB623")]
    Cancel(WithdrawalView),
    #[serde(rename = "CEB625")]
    Refund(WithdrawalView),
}

impl RecordView {
    pub fn message_type(&self) -> MessageType {
        match self {
            RecordView::Order(_) => MessageType::Order,
            RecordView::Payment(_) => MessageType::Payment,
            RecordView::Waybill(_) => MessageType::Waybill,
            RecordView::Inventory(_) => MessageType::Inventory,
            RecordView::Cancel(_) => MessageType::Cancel,
            RecordView::Refund(_) => MessageType::Refund,
        }
    }

    pub fn app(&self) -> &AppView {
        match self {
            RecordView::Order(v) => &v.app,
            RecordView::Payment(v) => &v.app,
            RecordView::Waybill(v) => &v.app,
            RecordView::Inventory(v) => &v.app,
            RecordView::Cancel(v) | RecordView::Refund(v) => &v.app,
        }
    }

    /// The order the record belongs to (`orderNo`, as received).
    pub fn order_no(&self) -> &str {
        match self {
            RecordView::Order(v) => &v.order_no,
            RecordView::Payment(v) => &v.order_no,
            RecordView::Waybill(v) => &v.order_no,
            RecordView::Inventory(v) => &v.order_no,
            RecordView::Cancel(v) | RecordView::Refund(v) => &v.order_no,
        }
    }

    /// The customs codes of the party that must send it, with the element naming each:
    /// the platform or e-commerce enterprise (311), the payment institution (411), the
    /// carrier (511), the declarant or e-commerce enterprise (621/623/625).
    pub fn sender_codes(&self) -> Vec<(&'static str, &str)> {
        match self {
            RecordView::Order(v) => vec![("ebpCode", &v.ebp_code), ("ebcCode", &v.ebc_code)],
            RecordView::Payment(v) => vec![("payCode", &v.pay_code)],
            RecordView::Waybill(v) => vec![("logisticsCode", &v.logistics_code)],
            RecordView::Inventory(v) => {
                vec![("agentCode", &v.agent_code), ("ebcCode", &v.ebc_code)]
            }
            RecordView::Cancel(v) | RecordView::Refund(v) => {
                vec![("agentCode", &v.agent_code), ("ebcCode", &v.ebc_code)]
            }
        }
    }

    /// Every committed slot: its element name, kind and commitment.
    pub fn commitments(&self) -> Vec<(&'static str, FieldKind, Commitment)> {
        use FieldKind::*;
        match self {
            RecordView::Order(v) => vec![
                ("buyerName", Name, v.buyer_name),
                ("buyerIdNumber", IdNumber, v.buyer_id_number),
                ("buyerTelephone", Telephone, v.buyer_telephone),
                ("consignee", Name, v.consignee),
                ("consigneeTelephone", Telephone, v.consignee_telephone),
                ("consigneeAddress", Address, v.consignee_address),
            ],
            RecordView::Payment(v) => {
                let mut out = vec![
                    ("payerName", Name, v.payer_name),
                    ("payerIdNumber", IdNumber, v.payer_id_number),
                ];
                out.extend(v.telephone.map(|c| ("telephone", Telephone, c)));
                out
            }
            RecordView::Waybill(v) => vec![
                ("consignee", Name, v.consignee),
                ("consigneeAddress", Address, v.consignee_address),
                ("consigneeTelephone", Telephone, v.consignee_telephone),
            ],
            RecordView::Inventory(v) => vec![
                ("buyerName", Name, v.buyer_name),
                ("buyerIdNumber", IdNumber, v.buyer_id_number),
                ("buyerTelephone", Telephone, v.buyer_telephone),
                ("consigneeAddress", Address, v.consignee_address),
            ],
            RecordView::Cancel(v) | RecordView::Refund(v) => vec![
                ("buyerName", Name, v.buyer_name),
                ("buyerIdNumber", IdNumber, v.buyer_id_number),
                ("buyerTelephone", Telephone, v.buyer_telephone),
            ],
        }
    }
}

/// A record's view with the openings of its commitments (what the sender and the
/// entitled know; the openings never leave the private side).
#[derive(Debug, Clone)]
pub struct Derived {
    pub view: RecordView,
    pub openings: Vec<Opening>,
}

impl Derived {
    /// The opening of one slot.
    pub fn opening(&self, slot: &str) -> Option<&Opening> {
        self.openings.iter().find(|o| o.slot == slot)
    }
}

/// Builds record `index` of `message` (counted from 0) with commitments under `salt`.
/// `None` if the message has no such record.
pub fn derive(message: &Message, index: usize, salt: &[u8; 32]) -> Option<Derived> {
    let mut openings = Vec::new();
    let mut commit = |slot: &'static str, kind: FieldKind, raw: &str| -> Commitment {
        let value = match kind {
            FieldKind::Name => normalize::name(raw),
            FieldKind::IdNumber => normalize::id_number(raw),
            FieldKind::Telephone => normalize::telephone(raw),
            FieldKind::Address => normalize::address(raw),
        };
        let opening = Opening::new(kind, slot, value, *salt);
        let c = opening.commitment();
        openings.push(opening);
        c
    };
    use FieldKind::*;
    let app = |a: &crate::message::Application| AppView {
        guid: a.guid.clone(),
        app_type: a.app_type,
        app_time: a.app_time.clone(),
        declared: a.declared,
    };
    let view = match &message.records {
        Records::Orders(r) => {
            let o = r.get(index)?;
            let h = &o.head;
            RecordView::Order(OrderView {
                app: app(&h.app),
                order_no: h.order_no.clone(),
                ebp_code: h.ebp_code.clone(),
                ebp_name: h.ebp_name.clone(),
                ebc_code: h.ebc_code.clone(),
                ebc_name: h.ebc_name.clone(),
                goods_value: h.goods_value,
                freight: h.freight,
                discount: h.discount,
                tax_total: h.tax_total,
                actural_paid: h.actural_paid,
                pay_code: h.pay_code.clone(),
                pay_transaction_id: h.pay_transaction_id.clone(),
                consignee_district: h.consignee_district.clone(),
                buyer_name: commit("buyerName", Name, &h.buyer_name),
                buyer_id_number: commit("buyerIdNumber", IdNumber, &h.buyer_id_number),
                buyer_telephone: commit("buyerTelephone", Telephone, &h.buyer_telephone),
                consignee: commit("consignee", Name, &h.consignee),
                consignee_telephone: commit(
                    "consigneeTelephone",
                    Telephone,
                    &h.consignee_telephone,
                ),
                consignee_address: commit("consigneeAddress", Address, &h.consignee_address),
                lines: o.lines.clone(),
            })
        }
        Records::Payments(r) => {
            let p = r.get(index)?;
            RecordView::Payment(PaymentView {
                app: app(&p.app),
                pay_code: p.pay_code.clone(),
                pay_name: p.pay_name.clone(),
                pay_transaction_id: p.pay_transaction_id.clone(),
                order_no: p.order_no.clone(),
                ebp_code: p.ebp_code.clone(),
                amount_paid: p.amount_paid,
                pay_time: p.pay_time.clone(),
                payer_name: commit("payerName", Name, &p.payer_name),
                payer_id_number: commit("payerIdNumber", IdNumber, &p.payer_id_number),
                telephone: p
                    .telephone
                    .as_deref()
                    .map(|t| commit("telephone", Telephone, t)),
            })
        }
        Records::Waybills(r) => {
            let w = r.get(index)?;
            RecordView::Waybill(WaybillView {
                app: app(&w.app),
                logistics_code: w.logistics_code.clone(),
                logistics_name: w.logistics_name.clone(),
                logistics_no: w.logistics_no.clone(),
                order_no: w.order_no.clone(),
                freight: w.freight,
                weight: w.weight,
                consignee: commit("consignee", Name, &w.consignee),
                consignee_address: commit("consigneeAddress", Address, &w.consignee_address),
                consignee_telephone: commit(
                    "consigneeTelephone",
                    Telephone,
                    &w.consignee_telephone,
                ),
            })
        }
        Records::Inventories(r) => {
            let i = r.get(index)?;
            let h = &i.head;
            RecordView::Inventory(InventoryView {
                app: app(&h.app),
                order_no: h.order_no.clone(),
                ebp_code: h.ebp_code.clone(),
                ebc_code: h.ebc_code.clone(),
                logistics_no: h.logistics_no.clone(),
                logistics_code: h.logistics_code.clone(),
                cop_no: h.cop_no.clone(),
                invt_no: h.invt_no.clone(),
                decl_time: h.decl_time.clone(),
                customs_code: h.customs_code.clone(),
                agent_code: h.agent_code.clone(),
                trade_mode: h.trade_mode.clone(),
                freight: h.freight,
                insured_fee: h.insured_fee,
                buyer_name: commit("buyerName", Name, &h.buyer_name),
                buyer_id_number: commit("buyerIdNumber", IdNumber, &h.buyer_id_number),
                buyer_telephone: commit("buyerTelephone", Telephone, &h.buyer_telephone),
                consignee_address: commit("consigneeAddress", Address, &h.consignee_address),
                lines: i.lines.clone(),
            })
        }
        Records::Cancels(r) => {
            let w = r.get(index)?;
            RecordView::Cancel(withdrawal(w, Vec::new(), &app, &mut commit))
        }
        Records::Refunds(r) => {
            let f = r.get(index)?;
            RecordView::Refund(withdrawal(&f.head, f.lines.clone(), &app, &mut commit))
        }
    };
    Some(Derived { view, openings })
}

fn withdrawal(
    w: &crate::message::Withdrawal,
    lines: Vec<RefundLine>,
    app: &dyn Fn(&crate::message::Application) -> AppView,
    commit: &mut dyn FnMut(&'static str, FieldKind, &str) -> Commitment,
) -> WithdrawalView {
    WithdrawalView {
        app: app(&w.app),
        order_no: w.order_no.clone(),
        ebp_code: w.ebp_code.clone(),
        ebc_code: w.ebc_code.clone(),
        logistics_no: w.logistics_no.clone(),
        logistics_code: w.logistics_code.clone(),
        invt_no: w.invt_no.clone(),
        agent_code: w.agent_code.clone(),
        buyer_name: commit("buyerName", FieldKind::Name, &w.buyer_name),
        buyer_id_number: commit("buyerIdNumber", FieldKind::IdNumber, &w.buyer_id_number),
        buyer_telephone: commit("buyerTelephone", FieldKind::Telephone, &w.buyer_telephone),
        lines,
    }
}
