//! The message reader against the official samples and against bad input.

use suyuan_customs::amount::Amount;
use suyuan_customs::message::{parse, AppType, ErrorKind, MessageType, Records, MAX_MESSAGE_BYTES};

fn sample(code: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/gacc-202205/{code}Message.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(path).unwrap()
}

fn amount(s: &str) -> Amount {
    Amount::parse(s).unwrap()
}

#[test]
fn official_order_sample() {
    let m = parse(&sample("CEB311")).unwrap();
    assert_eq!(m.message_type, MessageType::Order);
    assert_eq!(m.guid, "4CDE1CFD-EDED-46B1-946C-B8022E42FC94");
    assert!(m.signed);
    assert_eq!(m.transfer.cop_code, "1101180326");
    let Records::Orders(orders) = &m.records else {
        panic!("{m:?}")
    };
    assert_eq!(orders.len(), 6);
    let head = &orders[0].head;
    assert_eq!(head.order_no, "order20160321116421002");
    assert_eq!(head.app.app_type, AppType::New);
    assert!(head.app.declared);
    assert_eq!(head.app.app_time.raw(), "20160308112701");
    assert_eq!(head.actural_paid, amount("19050"));
    assert_eq!(head.goods_value, amount("14000.00"));
    assert_eq!(
        head.pay_transaction_id.as_deref(),
        Some("20160001634226001")
    );
    assert_eq!(head.consignee_district.as_deref(), Some("072750"));
    let lines = &orders[0].lines;
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1].gnum, 2);
    assert_eq!(lines[1].qty, amount("200"));
    assert_eq!(lines[1].total_price, amount("12000"));
    // An empty optional element is an absent one.
    assert_eq!(lines[0].note, None);
}

#[test]
fn official_payment_waybill_and_declaration_samples() {
    let Records::Payments(payments) = parse(&sample("CEB411")).unwrap().records else {
        panic!()
    };
    assert_eq!(payments[0].amount_paid, amount("19050"));
    assert_eq!(payments[0].order_no, "order2016030811340007");
    assert_eq!(payments[0].pay_time.raw(), "20160315153555");

    let Records::Waybills(waybills) = parse(&sample("CEB511")).unwrap().records else {
        panic!()
    };
    assert_eq!(waybills[0].logistics_no, "L201603081138007");
    assert_eq!(waybills[0].pack_no, 6000);

    let m = parse(&sample("CEB621")).unwrap();
    let Records::Inventories(inventories) = &m.records else {
        panic!()
    };
    let head = &inventories[0].head;
    assert_eq!(head.trade_mode, "9610");
    assert_eq!(head.decl_time.raw(), "20160308");
    assert_eq!(head.pre_no, None);
    assert_eq!(inventories[0].lines[0].gcode, "8541401000");

    let m = parse(&sample("CEB623")).unwrap();
    assert!(matches!(&m.records, Records::Cancels(c) if !c.is_empty()));
    let m = parse(&sample("CEB625")).unwrap();
    let Records::Refunds(refunds) = &m.records else {
        panic!()
    };
    assert_eq!(refunds[0].head.invt_no, "15003213300400111");
    assert_eq!(refunds[0].lines[0].qty, amount("12"));
}

/// The 311 sample with one substitution, for bad-input cases.
fn order_with(from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(sample("CEB311")).unwrap();
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1).into_bytes()
}

fn refusal(bytes: &[u8]) -> (Option<u32>, Option<String>, ErrorKind, String) {
    let e = parse(bytes).unwrap_err();
    (
        e.line(),
        e.path().map(str::to_owned),
        e.kind().clone(),
        e.to_string(),
    )
}

#[test]
fn a_missing_field_is_named_with_its_line() {
    let (line, path, kind, text) = refusal(&order_with(
        "\t\t\t<ceb:acturalPaid>19050</ceb:acturalPaid>\n",
        "",
    ));
    assert_eq!(kind, ErrorKind::Missing);
    assert_eq!(
        path.as_deref(),
        Some("CEB311Message/Order[1]/OrderHead/acturalPaid")
    );
    assert_eq!(line, Some(5));
    assert!(
        text.contains("line 5") && text.contains("acturalPaid"),
        "{text}"
    );
}

#[test]
fn bad_values_are_named() {
    let (line, path, kind, _) = refusal(&order_with(
        "<ceb:acturalPaid>19050</ceb:acturalPaid>",
        "<ceb:acturalPaid>19,050</ceb:acturalPaid>",
    ));
    assert!(matches!(kind, ErrorKind::NotADecimal { .. }), "{kind:?}");
    assert_eq!(
        path.as_deref(),
        Some("CEB311Message/Order[1]/OrderHead/acturalPaid")
    );
    assert_eq!(line, Some(20));

    let (_, path, kind, _) = refusal(&order_with(
        "<ceb:currency>142</ceb:currency>",
        "<ceb:currency>156</ceb:currency>",
    ));
    assert!(matches!(
        kind,
        ErrorKind::NotFixed {
            expected: "142",
            ..
        }
    ));
    assert!(path.unwrap().ends_with("OrderHead/currency"));

    let (_, _, kind, _) = refusal(&order_with(
        "<ceb:appTime>20160308112701</ceb:appTime>",
        "<ceb:appTime>2016-03-08 11:27</ceb:appTime>",
    ));
    assert!(matches!(kind, ErrorKind::NotATime { .. }));

    let long = "长".repeat(61);
    let (_, _, kind, text) = refusal(&order_with(
        "<ceb:buyerName>aa</ceb:buyerName>",
        &format!("<ceb:buyerName>{long}</ceb:buyerName>"),
    ));
    assert_eq!(kind, ErrorKind::TooLong { len: 61, max: 60 });
    assert!(
        !text.contains('长'),
        "a personal value is not echoed: {text}"
    );
}

#[test]
fn structure_is_checked() {
    let (_, _, kind, _) = refusal(&order_with(
        "<ceb:freight>5000</ceb:freight>\n\t\t\t<ceb:discount>0</ceb:discount>",
        "<ceb:discount>0</ceb:discount>\n\t\t\t<ceb:freight>5000</ceb:freight>",
    ));
    assert_eq!(kind, ErrorKind::OutOfOrder("discount"));

    let (_, _, kind, _) = refusal(&order_with(
        "<ceb:freight>5000</ceb:freight>",
        "<ceb:freight>5000</ceb:freight><ceb:freight>5000</ceb:freight>",
    ));
    assert_eq!(kind, ErrorKind::Duplicate);

    let (_, _, kind, _) = refusal(&order_with(
        "<ceb:note>test</ceb:note>",
        "<ceb:note>test</ceb:note><ceb:coupon>5</ceb:coupon>",
    ));
    assert_eq!(kind, ErrorKind::UnexpectedElement("coupon".into()));

    let (_, path, kind, _) = refusal(&order_with(
        "<ceb:gnum>2</ceb:gnum>",
        "<ceb:gnum>3</ceb:gnum>",
    ));
    assert_eq!(
        kind,
        ErrorKind::Sequence {
            value: 3,
            expected: 2
        }
    );
    assert_eq!(
        path.as_deref(),
        Some("CEB311Message/Order[1]/OrderList[2]/gnum")
    );
}

#[test]
fn wrong_namespace_unknown_type_and_malformed_xml() {
    let (_, _, kind, _) = refusal(&order_with(
        "xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"",
        "xmlns:ceb=\"http://www.chinaport.gov.cn/ceb2\"",
    ));
    assert!(matches!(kind, ErrorKind::WrongNamespace { .. }), "{kind:?}");

    let text = String::from_utf8(sample("CEB311"))
        .unwrap()
        .replace("CEB311Message", "CEB999Message");
    let (_, _, kind, _) = refusal(text.as_bytes());
    assert_eq!(kind, ErrorKind::UnknownMessage("CEB999Message".into()));

    let (line, _, kind, _) = refusal(&order_with("</ceb:OrderHead>", "</ceb:OrderHed>"));
    assert!(matches!(kind, ErrorKind::Xml(_)));
    assert_eq!(line, Some(36));

    let (_, _, kind, _) =
        refusal(b"<?xml version=\"1.0\"?><!DOCTYPE x SYSTEM \"file:///etc/passwd\"><x/>");
    assert_eq!(kind, ErrorKind::Doctype);

    let (_, _, kind, _) = refusal(&[0xff, 0xfe, b'<']);
    assert_eq!(kind, ErrorKind::NotUtf8);
}

#[test]
fn oversized_messages_are_refused_before_reading() {
    let big = vec![b' '; MAX_MESSAGE_BYTES + 1];
    let (_, _, kind, _) = refusal(&big);
    assert_eq!(
        kind,
        ErrorKind::TooLarge {
            len: MAX_MESSAGE_BYTES + 1,
            max: MAX_MESSAGE_BYTES
        }
    );
}
