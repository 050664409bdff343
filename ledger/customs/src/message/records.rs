//! The records of the six import messages, field by field as the 202205 XSD
//! (`海关跨境进口业务节点报文定义202205.xsd`) gives them, and their typed form.
//!
//! Strings are kept as received; comparison normalises them (see [`crate::normalize`]).
//! Fields the XSD documents as "限定为" one value (`currency` 142, `buyerIdType` 1,
//! `orderType` I) are checked as fixed; `packNo`, documented as "限定为1" but typed as an
//! integer, is kept as a number (the official samples write 6000).

use super::datetime::{CalendarDate, Timestamp};
use super::fields::{maybe_empty, opt, req, text, Field, Shape, Values};
use crate::amount::Amount;

const APP_TYPE: Shape = Shape::OneOf(&["1", "2", "3"]);
const APP_STATUS: Shape = Shape::OneOf(&["1", "2"]);
const CURRENCY: Shape = Shape::Fixed("142");
const ID_TYPE: Shape = Shape::Fixed("1");

/// `appType`: what the sender asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    /// 1 新增
    New,
    /// 2 变更: replaces the earlier message of the same document.
    Change,
    /// 3 删除
    Delete,
}

impl AppType {
    fn from_code(code: &str) -> AppType {
        match code {
            "2" => AppType::Change,
            "3" => AppType::Delete,
            _ => AppType::New,
        }
    }

    /// The specification's code.
    pub fn code(self) -> &'static str {
        match self {
            AppType::New => "1",
            AppType::Change => "2",
            AppType::Delete => "3",
        }
    }
}

/// The fields every business record opens with.
#[derive(Debug, Clone)]
pub struct Application {
    pub guid: String,
    pub app_type: AppType,
    pub app_time: Timestamp,
    /// `appStatus`: 1 暂存 (stored, not declared) or 2 申报 (declared).
    pub declared: bool,
}

impl Application {
    fn read(v: &Values) -> Application {
        Application {
            guid: v.text("guid"),
            app_type: AppType::from_code(&v.text("appType")),
            app_time: v.timestamp("appTime").unwrap_or_else(epoch),
            declared: v.text("appStatus") == "2",
        }
    }
}

/// Only reached if the reader let a required time through missing, which it does not.
fn epoch() -> Timestamp {
    Timestamp::parse("19700101080000").expect("a valid constant time")
}

/// `OrderHead` of CEB311 电子订单.
#[derive(Debug, Clone)]
pub struct OrderHead {
    pub app: Application,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    /// 商品实际成交价, including non-cash deductions.
    pub goods_value: Amount,
    pub freight: Amount,
    /// 积分、虚拟货币、代金券: non-cash payment.
    pub discount: Amount,
    pub tax_total: Amount,
    /// goodsValue + freight + taxTotal − discount; "与支付凭证的支付金额一致".
    pub actural_paid: Amount,
    pub buyer_reg_no: String,
    pub buyer_name: String,
    pub buyer_telephone: String,
    pub buyer_id_number: String,
    pub pay_code: Option<String>,
    pub pay_name: Option<String>,
    pub pay_transaction_id: Option<String>,
    pub batch_numbers: Option<String>,
    pub consignee: String,
    pub consignee_telephone: String,
    pub consignee_address: String,
    pub consignee_district: Option<String>,
    pub note: Option<String>,
}

pub(crate) const ORDER_HEAD: &[Field] = &[
    req("guid", Shape::Guid),
    req("appType", APP_TYPE),
    req("appTime", Shape::Timestamp),
    req("appStatus", APP_STATUS),
    req("orderType", Shape::Fixed("I")),
    req("orderNo", text(60)),
    req("ebpCode", text(18)),
    req("ebpName", text(100)),
    req("ebcCode", text(18)),
    req("ebcName", text(100)),
    req("goodsValue", Shape::Decimal),
    req("freight", Shape::Decimal),
    req("discount", Shape::Decimal),
    req("taxTotal", Shape::Decimal),
    req("acturalPaid", Shape::Decimal),
    req("currency", CURRENCY),
    req("buyerRegNo", text(60)),
    req("buyerName", text(60)),
    req("buyerTelephone", text(30)),
    req("buyerIdType", ID_TYPE),
    req("buyerIdNumber", text(60)),
    opt("payCode", text(18)),
    opt("payName", text(100)),
    opt("payTransactionId", text(60)),
    opt("batchNumbers", text(100)),
    req("consignee", text(100)),
    req("consigneeTelephone", text(50)),
    req("consigneeAddress", text(200)),
    opt("consigneeDistrict", Shape::Length(6)),
    opt("note", text(1000)),
];

impl OrderHead {
    pub(crate) fn read(v: &Values) -> OrderHead {
        OrderHead {
            app: Application::read(v),
            order_no: v.text("orderNo"),
            ebp_code: v.text("ebpCode"),
            ebp_name: v.text("ebpName"),
            ebc_code: v.text("ebcCode"),
            ebc_name: v.text("ebcName"),
            goods_value: v.amount("goodsValue"),
            freight: v.amount("freight"),
            discount: v.amount("discount"),
            tax_total: v.amount("taxTotal"),
            actural_paid: v.amount("acturalPaid"),
            buyer_reg_no: v.text("buyerRegNo"),
            buyer_name: v.text("buyerName"),
            buyer_telephone: v.text("buyerTelephone"),
            buyer_id_number: v.text("buyerIdNumber"),
            pay_code: v.opt_text("payCode"),
            pay_name: v.opt_text("payName"),
            pay_transaction_id: v.opt_text("payTransactionId"),
            batch_numbers: v.opt_text("batchNumbers"),
            consignee: v.text("consignee"),
            consignee_telephone: v.text("consigneeTelephone"),
            consignee_address: v.text("consigneeAddress"),
            consignee_district: v.opt_text("consigneeDistrict"),
            note: v.opt_text("note"),
        }
    }
}

/// `OrderList`: one line of an order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OrderLine {
    pub gnum: u32,
    pub item_no: Option<String>,
    pub item_name: String,
    pub gmodel: String,
    pub item_describe: Option<String>,
    pub bar_code: Option<String>,
    /// JGS-20 unit code (`007` 个, `035` 千克, `122` 罐 …).
    pub unit: String,
    pub qty: Amount,
    pub price: Amount,
    pub total_price: Amount,
    pub country: String,
    pub note: Option<String>,
}

pub(crate) const ORDER_LIST: &[Field] = &[
    req("gnum", Shape::Int(9)),
    opt("itemNo", text(30)),
    req("itemName", text(250)),
    req("gmodel", text(510)),
    opt("itemDescribe", text(1000)),
    opt("barCode", text(50)),
    req("unit", Shape::Length(3)),
    req("qty", Shape::Decimal),
    req("price", Shape::Decimal),
    req("totalPrice", Shape::Decimal),
    req("currency", CURRENCY),
    req("country", Shape::Length(3)),
    opt("note", text(1000)),
];

impl OrderLine {
    pub(crate) fn read(v: &Values) -> OrderLine {
        OrderLine {
            gnum: v.int("gnum"),
            item_no: v.opt_text("itemNo"),
            item_name: v.text("itemName"),
            gmodel: v.text("gmodel"),
            item_describe: v.opt_text("itemDescribe"),
            bar_code: v.opt_text("barCode"),
            unit: v.text("unit"),
            qty: v.amount("qty"),
            price: v.amount("price"),
            total_price: v.amount("totalPrice"),
            country: v.text("country"),
            note: v.opt_text("note"),
        }
    }
}

/// One `Order` of a CEB311 message.
#[derive(Debug, Clone)]
pub struct Order {
    pub head: OrderHead,
    pub lines: Vec<OrderLine>,
}

/// `PaymentHead` of CEB411 支付凭证.
#[derive(Debug, Clone)]
pub struct Payment {
    pub app: Application,
    pub pay_code: String,
    pub pay_name: String,
    pub pay_transaction_id: String,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub payer_id_number: String,
    pub payer_name: String,
    pub telephone: Option<String>,
    pub amount_paid: Amount,
    pub pay_time: Timestamp,
    pub note: Option<String>,
}

pub(crate) const PAYMENT_HEAD: &[Field] = &[
    req("guid", Shape::Guid),
    req("appType", APP_TYPE),
    req("appTime", Shape::Timestamp),
    req("appStatus", APP_STATUS),
    req("payCode", text(18)),
    req("payName", text(100)),
    req("payTransactionId", text(60)),
    req("orderNo", text(60)),
    req("ebpCode", text(18)),
    req("ebpName", text(100)),
    req("payerIdType", ID_TYPE),
    req("payerIdNumber", text(60)),
    req("payerName", text(60)),
    opt("telephone", text(60)),
    req("amountPaid", Shape::Decimal),
    req("currency", CURRENCY),
    req("payTime", Shape::Timestamp),
    opt("note", text(1000)),
];

impl Payment {
    pub(crate) fn read(v: &Values) -> Payment {
        Payment {
            app: Application::read(v),
            pay_code: v.text("payCode"),
            pay_name: v.text("payName"),
            pay_transaction_id: v.text("payTransactionId"),
            order_no: v.text("orderNo"),
            ebp_code: v.text("ebpCode"),
            ebp_name: v.text("ebpName"),
            payer_id_number: v.text("payerIdNumber"),
            payer_name: v.text("payerName"),
            telephone: v.opt_text("telephone"),
            amount_paid: v.amount("amountPaid"),
            pay_time: v.timestamp("payTime").unwrap_or_else(epoch),
            note: v.opt_text("note"),
        }
    }
}

/// `LogisticsHead` of CEB511 物流运单.
#[derive(Debug, Clone)]
pub struct Waybill {
    pub app: Application,
    pub logistics_code: String,
    pub logistics_name: String,
    pub logistics_no: String,
    pub bill_no: Option<String>,
    pub order_no: String,
    pub freight: Option<Amount>,
    pub insured_fee: Option<Amount>,
    /// Gross weight in kg.
    pub weight: Amount,
    pub pack_no: u32,
    pub goods_info: Option<String>,
    pub consignee: String,
    pub consignee_address: String,
    pub consignee_telephone: String,
    pub note: Option<String>,
}

pub(crate) const LOGISTICS_HEAD: &[Field] = &[
    req("guid", Shape::Guid),
    req("appType", APP_TYPE),
    req("appTime", Shape::Timestamp),
    req("appStatus", APP_STATUS),
    req("logisticsCode", text(18)),
    req("logisticsName", text(100)),
    req("logisticsNo", text(60)),
    opt("billNo", text(37)),
    req("orderNo", text(60)),
    opt("freight", Shape::Decimal),
    opt("insuredFee", Shape::Decimal),
    req("currency", CURRENCY),
    req("weight", Shape::Decimal),
    req("packNo", Shape::Int(9)),
    opt("goodsInfo", text(200)),
    req("consignee", text(100)),
    req("consigneeAddress", text(200)),
    req("consigneeTelephone", text(50)),
    opt("note", text(1000)),
];

impl Waybill {
    pub(crate) fn read(v: &Values) -> Waybill {
        Waybill {
            app: Application::read(v),
            logistics_code: v.text("logisticsCode"),
            logistics_name: v.text("logisticsName"),
            logistics_no: v.text("logisticsNo"),
            bill_no: v.opt_text("billNo"),
            order_no: v.text("orderNo"),
            freight: v.opt_amount("freight"),
            insured_fee: v.opt_amount("insuredFee"),
            weight: v.amount("weight"),
            pack_no: v.int("packNo"),
            goods_info: v.opt_text("goodsInfo"),
            consignee: v.text("consignee"),
            consignee_address: v.text("consigneeAddress"),
            consignee_telephone: v.text("consigneeTelephone"),
            note: v.opt_text("note"),
        }
    }
}

/// `InventoryHead` of CEB621 进口清单, the declaration.
#[derive(Debug, Clone)]
pub struct InventoryHead {
    pub app: Application,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    pub logistics_no: String,
    pub logistics_code: String,
    pub logistics_name: String,
    pub cop_no: Option<String>,
    pub pre_no: Option<String>,
    pub assure_code: String,
    pub ems_no: Option<String>,
    pub invt_no: Option<String>,
    pub decl_time: CalendarDate,
    pub customs_code: String,
    pub port_code: String,
    pub ie_date: Option<CalendarDate>,
    pub buyer_id_number: String,
    pub buyer_name: String,
    pub buyer_telephone: String,
    pub consignee_address: String,
    pub agent_code: String,
    pub agent_name: String,
    pub area_code: Option<String>,
    pub area_name: Option<String>,
    /// 9610 直购进口 or 1210 网购保税进口.
    pub trade_mode: String,
    pub traf_mode: String,
    pub traf_no: Option<String>,
    pub voyage_no: Option<String>,
    pub bill_no: Option<String>,
    pub country: String,
    pub freight: Amount,
    pub insured_fee: Amount,
    pub pack_no: u32,
    pub gross_weight: Amount,
    pub net_weight: Amount,
    pub note: Option<String>,
}

pub(crate) const INVENTORY_HEAD: &[Field] = &[
    req("guid", Shape::Guid),
    req("appType", APP_TYPE),
    req("appTime", Shape::Timestamp),
    req("appStatus", APP_STATUS),
    req("orderNo", text(60)),
    req("ebpCode", text(18)),
    req("ebpName", text(100)),
    req("ebcCode", text(18)),
    req("ebcName", text(100)),
    req("logisticsNo", text(60)),
    req("logisticsCode", text(18)),
    req("logisticsName", text(100)),
    opt("copNo", text(20)),
    opt("preNo", text(18)),
    req("assureCode", text(30)),
    opt("emsNo", text(30)),
    opt("invtNo", text(18)),
    req("ieFlag", Shape::Fixed("I")),
    req("declTime", Shape::Date),
    req("customsCode", Shape::Length(4)),
    req("portCode", Shape::Length(4)),
    opt("ieDate", Shape::Date),
    req("buyerIdType", ID_TYPE),
    req("buyerIdNumber", text(60)),
    req("buyerName", text(60)),
    req("buyerTelephone", text(30)),
    req("consigneeAddress", text(200)),
    req("agentCode", text(18)),
    req("agentName", text(100)),
    opt("areaCode", text(18)),
    opt("areaName", text(100)),
    req("tradeMode", Shape::OneOf(&["9610", "1210"])),
    req("trafMode", Shape::Length(1)),
    opt("trafNo", text(100)),
    opt("voyageNo", text(32)),
    opt("billNo", text(37)),
    opt("loctNo", text(10)),
    opt("licenseNo", text(19)),
    req("country", Shape::Length(3)),
    req("freight", Shape::Decimal),
    req("insuredFee", Shape::Decimal),
    req("currency", CURRENCY),
    opt("wrapType", Shape::Length(1)),
    req("packNo", Shape::Int(9)),
    req("grossWeight", Shape::Decimal),
    req("netWeight", Shape::Decimal),
    opt("note", text(1000)),
];

impl InventoryHead {
    pub(crate) fn read(v: &Values) -> InventoryHead {
        InventoryHead {
            app: Application::read(v),
            order_no: v.text("orderNo"),
            ebp_code: v.text("ebpCode"),
            ebp_name: v.text("ebpName"),
            ebc_code: v.text("ebcCode"),
            ebc_name: v.text("ebcName"),
            logistics_no: v.text("logisticsNo"),
            logistics_code: v.text("logisticsCode"),
            logistics_name: v.text("logisticsName"),
            cop_no: v.opt_text("copNo"),
            pre_no: v.opt_text("preNo"),
            assure_code: v.text("assureCode"),
            ems_no: v.opt_text("emsNo"),
            invt_no: v.opt_text("invtNo"),
            decl_time: v
                .date("declTime")
                .unwrap_or_else(|| CalendarDate::parse("19700101").expect("a valid date")),
            customs_code: v.text("customsCode"),
            port_code: v.text("portCode"),
            ie_date: v.date("ieDate"),
            buyer_id_number: v.text("buyerIdNumber"),
            buyer_name: v.text("buyerName"),
            buyer_telephone: v.text("buyerTelephone"),
            consignee_address: v.text("consigneeAddress"),
            agent_code: v.text("agentCode"),
            agent_name: v.text("agentName"),
            area_code: v.opt_text("areaCode"),
            area_name: v.opt_text("areaName"),
            trade_mode: v.text("tradeMode"),
            traf_mode: v.text("trafMode"),
            traf_no: v.opt_text("trafNo"),
            voyage_no: v.opt_text("voyageNo"),
            bill_no: v.opt_text("billNo"),
            country: v.text("country"),
            freight: v.amount("freight"),
            insured_fee: v.amount("insuredFee"),
            pack_no: v.int("packNo"),
            gross_weight: v.amount("grossWeight"),
            net_weight: v.amount("netWeight"),
            note: v.opt_text("note"),
        }
    }
}

/// `InventoryList`: one declared line, "与关联的电子订单表体序号一一对应".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InventoryLine {
    pub gnum: u32,
    pub item_record_no: Option<String>,
    pub item_no: Option<String>,
    pub item_name: Option<String>,
    /// HS code, 10 digits.
    pub gcode: String,
    pub gname: String,
    pub gmodel: String,
    pub bar_code: Option<String>,
    pub country: String,
    pub qty: Amount,
    pub unit: String,
    pub qty1: Amount,
    pub unit1: String,
    pub price: Amount,
    pub total_price: Amount,
}

pub(crate) const INVENTORY_LIST: &[Field] = &[
    req("gnum", Shape::Int(9)),
    opt("itemRecordNo", text(30)),
    opt("itemNo", text(20)),
    opt("itemName", text(250)),
    req("gcode", Shape::Length(10)),
    req("gname", text(250)),
    req("gmodel", text(510)),
    opt("barCode", text(50)),
    req("country", Shape::Length(3)),
    opt("tradeCountry", text(3)),
    req("currency", CURRENCY),
    req("qty", Shape::Decimal),
    req("unit", Shape::Length(3)),
    req("qty1", Shape::Decimal),
    req("unit1", Shape::Length(3)),
    opt("qty2", Shape::Decimal),
    opt("unit2", Shape::Length(3)),
    req("price", Shape::Decimal),
    req("totalPrice", Shape::Decimal),
    opt("note", text(1000)),
];

impl InventoryLine {
    pub(crate) fn read(v: &Values) -> InventoryLine {
        InventoryLine {
            gnum: v.int("gnum"),
            item_record_no: v.opt_text("itemRecordNo"),
            item_no: v.opt_text("itemNo"),
            item_name: v.opt_text("itemName"),
            gcode: v.text("gcode"),
            gname: v.text("gname"),
            gmodel: v.text("gmodel"),
            bar_code: v.opt_text("barCode"),
            country: v.text("country"),
            qty: v.amount("qty"),
            unit: v.text("unit"),
            qty1: v.amount("qty1"),
            unit1: v.text("unit1"),
            price: v.amount("price"),
            total_price: v.amount("totalPrice"),
        }
    }
}

/// One `Inventory` of a CEB621 message.
#[derive(Debug, Clone)]
pub struct Inventory {
    pub head: InventoryHead,
    pub lines: Vec<InventoryLine>,
}

/// The head shared by CEB623 撤销申请单 and CEB625 退货申请单: which declaration, whose, why.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    pub app: Application,
    pub customs_code: String,
    pub order_no: String,
    pub ebp_code: String,
    pub ebp_name: String,
    pub ebc_code: String,
    pub ebc_name: String,
    pub logistics_no: String,
    pub logistics_code: String,
    pub logistics_name: String,
    pub cop_no: Option<String>,
    pub pre_no: Option<String>,
    /// The declaration (清单编号) cancelled or returned against.
    pub invt_no: String,
    pub buyer_id_number: String,
    pub buyer_name: String,
    pub buyer_telephone: String,
    pub agent_code: String,
    pub agent_name: String,
    pub reason: String,
    pub note: Option<String>,
}

/// The fields of `InvtCancel` (623) and `InvtRefundHead` (625), which are the same; 623
/// allows only appType 1.
const fn withdrawal_fields(app_type: Shape) -> [Field; 24] {
    [
        req("guid", Shape::Guid),
        req("appType", app_type),
        req("appTime", Shape::Timestamp),
        req("appStatus", APP_STATUS),
        req("customsCode", Shape::Length(4)),
        req("orderNo", text(60)),
        req("ebpCode", text(18)),
        req("ebpName", text(100)),
        req("ebcCode", text(18)),
        req("ebcName", text(100)),
        req("logisticsNo", text(60)),
        req("logisticsCode", text(18)),
        req("logisticsName", text(100)),
        opt("copNo", text(20)),
        opt("preNo", text(18)),
        req("invtNo", text(18)),
        req("buyerIdType", ID_TYPE),
        req("buyerIdNumber", text(60)),
        req("buyerName", text(60)),
        req("buyerTelephone", text(30)),
        req("agentCode", text(18)),
        req("agentName", text(100)),
        req("reason", text(1000)),
        opt("note", text(1000)),
    ]
}

pub(crate) const INVT_CANCEL: &[Field] = &withdrawal_fields(Shape::OneOf(&["1"]));
pub(crate) const INVT_REFUND_HEAD: &[Field] = &withdrawal_fields(APP_TYPE);

impl Withdrawal {
    pub(crate) fn read(v: &Values) -> Withdrawal {
        Withdrawal {
            app: Application::read(v),
            customs_code: v.text("customsCode"),
            order_no: v.text("orderNo"),
            ebp_code: v.text("ebpCode"),
            ebp_name: v.text("ebpName"),
            ebc_code: v.text("ebcCode"),
            ebc_name: v.text("ebcName"),
            logistics_no: v.text("logisticsNo"),
            logistics_code: v.text("logisticsCode"),
            logistics_name: v.text("logisticsName"),
            cop_no: v.opt_text("copNo"),
            pre_no: v.opt_text("preNo"),
            invt_no: v.text("invtNo"),
            buyer_id_number: v.text("buyerIdNumber"),
            buyer_name: v.text("buyerName"),
            buyer_telephone: v.text("buyerTelephone"),
            agent_code: v.text("agentCode"),
            agent_name: v.text("agentName"),
            reason: v.text("reason"),
            note: v.opt_text("note"),
        }
    }
}

/// `InvtRefundList`: one returned line, numbered as on the declaration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RefundLine {
    pub gnum: u32,
    pub gcode: String,
    pub gname: String,
    pub qty: Amount,
    pub unit: String,
    pub note: Option<String>,
}

pub(crate) const INVT_REFUND_LIST: &[Field] = &[
    req("gnum", Shape::Int(9)),
    req("gcode", Shape::Length(10)),
    req("gname", text(250)),
    req("qty", Shape::Decimal),
    req("unit", Shape::Length(3)),
    opt("note", text(1000)),
];

impl RefundLine {
    pub(crate) fn read(v: &Values) -> RefundLine {
        RefundLine {
            gnum: v.int("gnum"),
            gcode: v.text("gcode"),
            gname: v.text("gname"),
            qty: v.amount("qty"),
            unit: v.text("unit"),
            note: v.opt_text("note"),
        }
    }
}

/// One `InvtRefund` of a CEB625 message.
#[derive(Debug, Clone)]
pub struct Refund {
    pub head: Withdrawal,
    pub lines: Vec<RefundLine>,
}

/// `BaseTransfer`: who transmitted the message.
#[derive(Debug, Clone)]
pub struct Transfer {
    /// 报文传输的企业代码, "需要与接入客户端的企业身份一致".
    pub cop_code: String,
    pub cop_name: String,
    pub dxp_mode: String,
    pub dxp_id: String,
    pub note: Option<String>,
}

pub(crate) const BASE_TRANSFER: &[Field] = &[
    req("copCode", text(18)),
    req("copName", maybe_empty(100)),
    req("dxpMode", Shape::Length(3)),
    req("dxpId", maybe_empty(30)),
    opt("note", text(1000)),
];

impl Transfer {
    pub(crate) fn read(v: &Values) -> Transfer {
        Transfer {
            cop_code: v.text("copCode"),
            cop_name: v.text("copName"),
            dxp_mode: v.text("dxpMode"),
            dxp_id: v.text("dxpId"),
            note: v.opt_text("note"),
        }
    }
}
