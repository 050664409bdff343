//! Reading the six import messages of the 202205 specification: CEB311 order, CEB411
//! payment, CEB511 waybill, CEB621 inventory declaration, CEB623 cancellation and
//! CEB625 return.
//!
//! [`parse`] takes the raw bytes as received and either returns every record typed and
//! checked against the XSD's shapes, or refuses the whole message with the line and
//! element at fault. The bytes themselves are the caller's to keep: the ledger signs
//! their hash, so a message is stored exactly as it was sent, `ds:Signature` included
//! (kept, not checked: checking customs certificates is the customs platform's part).
//!
//! One deliberate difference from the XSD: it requires `ds:Signature` on 621, 623 and
//! 625; here it is optional, since the ledger entry that carries the message is itself
//! signed by the sending party's registered key.

mod datetime;
mod error;
mod fields;
mod records;
mod xml;

pub use datetime::{CalendarDate, Timestamp, BEIJING};
pub use error::{ErrorKind, ParseError};
pub use records::{
    AppType, Application, Inventory, InventoryHead, InventoryLine, Order, OrderHead, OrderLine,
    Payment, Refund, RefundLine, Transfer, Waybill, Withdrawal,
};

use fields::{in_ceb, read_record, value, Field, Shape};
use xml::Element;

/// The namespace of every element of a customs message.
pub const CEB_NAMESPACE: &str = "http://www.chinaport.gov.cn/ceb";
/// The namespace of the XML signature a message may carry.
pub const DSIG_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The largest message accepted, in bytes. A message holds at most 100 records; 8 MiB
/// holds 100 orders of 99 lines each at realistic lengths, with room to spare.
pub const MAX_MESSAGE_BYTES: usize = 8 << 20;
/// Records (orders, payments …) one message may hold, as the XSD allows.
pub const MAX_RECORDS: usize = 100;
/// Lines one order, declaration or return may hold, as the XSD allows.
pub const MAX_LINES: usize = 99;

/// Which message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MessageType {
    #[serde(rename = "CEB311")]
    Order,
    #[serde(rename = "CEB411")]
    Payment,
    #[serde(rename = "CEB511")]
    Waybill,
    #[serde(rename = "CEB621")]
    Inventory,
    #[serde(rename = "CEB623")]
    Cancel,
    #[serde(rename = "CEB625")]
    Refund,
}

impl MessageType {
    pub const ALL: [MessageType; 6] = [
        MessageType::Order,
        MessageType::Payment,
        MessageType::Waybill,
        MessageType::Inventory,
        MessageType::Cancel,
        MessageType::Refund,
    ];

    /// `CEB311` …
    pub fn code(self) -> &'static str {
        match self {
            MessageType::Order => "CEB311",
            MessageType::Payment => "CEB411",
            MessageType::Waybill => "CEB511",
            MessageType::Inventory => "CEB621",
            MessageType::Cancel => "CEB623",
            MessageType::Refund => "CEB625",
        }
    }

    pub fn from_code(code: &str) -> Option<MessageType> {
        MessageType::ALL.into_iter().find(|t| t.code() == code)
    }

    /// The root element, `CEB311Message` …
    fn root(self) -> &'static str {
        match self {
            MessageType::Order => "CEB311Message",
            MessageType::Payment => "CEB411Message",
            MessageType::Waybill => "CEB511Message",
            MessageType::Inventory => "CEB621Message",
            MessageType::Cancel => "CEB623Message",
            MessageType::Refund => "CEB625Message",
        }
    }

    /// The element of one record, `Order` …
    fn record(self) -> &'static str {
        match self {
            MessageType::Order => "Order",
            MessageType::Payment => "Payment",
            MessageType::Waybill => "Logistics",
            MessageType::Inventory => "Inventory",
            MessageType::Cancel => "InvtCancel",
            MessageType::Refund => "InvtRefund",
        }
    }
}

/// The records of one message, all of its type.
#[derive(Debug, Clone)]
pub enum Records {
    Orders(Vec<Order>),
    Payments(Vec<Payment>),
    Waybills(Vec<Waybill>),
    Inventories(Vec<Inventory>),
    Cancels(Vec<Withdrawal>),
    Refunds(Vec<Refund>),
}

impl Records {
    pub fn len(&self) -> usize {
        match self {
            Records::Orders(r) => r.len(),
            Records::Payments(r) => r.len(),
            Records::Waybills(r) => r.len(),
            Records::Inventories(r) => r.len(),
            Records::Cancels(r) => r.len(),
            Records::Refunds(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A parsed message.
#[derive(Debug, Clone)]
pub struct Message {
    pub message_type: MessageType,
    /// The root's `guid` attribute.
    pub guid: String,
    pub version: String,
    pub records: Records,
    pub transfer: Transfer,
    /// Whether a `ds:Signature` came with the message (kept in the raw bytes, not checked).
    pub signed: bool,
}

/// Reads a message from the bytes as received: UTF-8 (a byte-order mark is allowed),
/// at most [`MAX_MESSAGE_BYTES`].
pub fn parse(raw: &[u8]) -> Result<Message, ParseError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ParseError::new(
            None,
            None,
            ErrorKind::TooLarge {
                len: raw.len(),
                max: MAX_MESSAGE_BYTES,
            },
        ));
    }
    let text = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let text = std::str::from_utf8(text).map_err(|e| {
        let line = xml::line_of(
            &String::from_utf8_lossy(&text[..e.valid_up_to()]),
            usize::MAX,
        );
        ParseError::new(Some(line), None, ErrorKind::NotUtf8)
    })?;
    let root = xml::read(text)?;
    let message_type = MessageType::ALL
        .into_iter()
        .find(|t| t.root() == root.name)
        .ok_or_else(|| ParseError::at(root.line, ErrorKind::UnknownMessage(root.name.clone())))?;
    let root_path = root.name.clone();
    in_ceb(&root, &root_path)?;
    let (guid, version) = root_attributes(&root, &root_path)?;

    let record_name = message_type.record();
    let mut at = 0;
    let children = &root.children;
    let mut record_elements = Vec::new();
    while let Some(child) = children.get(at).filter(|c| c.name == record_name) {
        in_ceb(child, &format!("{root_path}/{record_name}"))?;
        record_elements.push(child);
        at += 1;
    }
    if record_elements.is_empty() {
        return Err(missing_or_unexpected(&root, children.get(at), record_name));
    }
    if record_elements.len() > MAX_RECORDS {
        let line = record_elements[MAX_RECORDS].line;
        let path = format!("{root_path}/{record_name}");
        return Err(ParseError::in_element(
            line,
            path,
            ErrorKind::TooMany(MAX_RECORDS),
        ));
    }
    let transfer = match children.get(at).filter(|c| c.name == "BaseTransfer") {
        Some(element) => {
            at += 1;
            let path = format!("{root_path}/BaseTransfer");
            in_ceb(element, &path)?;
            Transfer::read(&read_record(element, &path, records::BASE_TRANSFER)?)
        }
        None => {
            return Err(missing_or_unexpected(
                &root,
                children.get(at),
                "BaseTransfer",
            ))
        }
    };
    // BaseSubscribe (0..5) and ExtendMessage (0..1) are receipts' routing and free
    // extension: kept in the raw bytes, checked for place and count only.
    let mut subscribes = 0;
    while let Some(element) = children.get(at).filter(|c| c.name == "BaseSubscribe") {
        in_ceb(element, &format!("{root_path}/BaseSubscribe"))?;
        subscribes += 1;
        if subscribes > 5 {
            let path = format!("{root_path}/BaseSubscribe");
            return Err(ParseError::in_element(
                element.line,
                path,
                ErrorKind::TooMany(5),
            ));
        }
        at += 1;
    }
    if let Some(element) = children.get(at).filter(|c| c.name == "ExtendMessage") {
        in_ceb(element, &format!("{root_path}/ExtendMessage"))?;
        at += 1;
    }
    let mut signed = false;
    if let Some(element) = children.get(at).filter(|c| c.name == "Signature") {
        if element.ns.as_deref() != Some(DSIG_NAMESPACE) {
            return Err(ParseError::in_element(
                element.line,
                format!("{root_path}/Signature"),
                ErrorKind::WrongNamespace {
                    element: element.name.clone(),
                    expected: DSIG_NAMESPACE,
                    found: element.ns.clone(),
                },
            ));
        }
        signed = true;
        at += 1;
    }
    if let Some(extra) = children.get(at) {
        return Err(ParseError::in_element(
            extra.line,
            root_path,
            ErrorKind::UnexpectedElement(extra.name.clone()),
        ));
    }

    let records = read_records(message_type, &record_elements, &root_path)?;
    Ok(Message {
        message_type,
        guid,
        version,
        records,
        transfer,
        signed,
    })
}

fn root_attributes(root: &Element, path: &str) -> Result<(String, String), ParseError> {
    let mut guid = None;
    let mut version = None;
    for attr in &root.attrs {
        let slot = match (attr.ns.as_deref(), attr.name.as_str()) {
            (None, "guid") => &mut guid,
            (None, "version") => &mut version,
            _ => {
                return Err(ParseError::in_element(
                    root.line,
                    path,
                    ErrorKind::UnexpectedAttribute(attr.name.clone()),
                ))
            }
        };
        *slot = Some(attr.value.clone());
    }
    let guid = guid.ok_or(ParseError::in_element(
        root.line,
        path,
        ErrorKind::MissingAttribute("guid"),
    ))?;
    value(&guid, Shape::Guid)
        .map_err(|kind| ParseError::in_element(root.line, format!("{path}/@guid"), kind))?;
    let version = version.ok_or(ParseError::in_element(
        root.line,
        path,
        ErrorKind::MissingAttribute("version"),
    ))?;
    Ok((guid, version))
}

fn missing_or_unexpected(root: &Element, found: Option<&Element>, wanted: &str) -> ParseError {
    match found {
        Some(element) => ParseError::in_element(
            element.line,
            root.name.clone(),
            ErrorKind::UnexpectedElement(element.name.clone()),
        ),
        None => ParseError::in_element(
            root.line,
            format!("{}/{wanted}", root.name),
            ErrorKind::Missing,
        ),
    }
}

fn read_records(
    message_type: MessageType,
    elements: &[&Element],
    root_path: &str,
) -> Result<Records, ParseError> {
    let name = message_type.record();
    let paths = (1..=elements.len()).map(|i| format!("{root_path}/{name}[{i}]"));
    let pairs = elements.iter().zip(paths);
    Ok(match message_type {
        MessageType::Order => Records::Orders(
            pairs
                .map(|(e, path)| {
                    let (head, lines) = head_and_lines(
                        e,
                        &path,
                        ("OrderHead", records::ORDER_HEAD),
                        ("OrderList", records::ORDER_LIST),
                        Numbering::FromOne,
                    )?;
                    Ok(Order {
                        head: OrderHead::read(&head),
                        lines: lines.iter().map(OrderLine::read).collect(),
                    })
                })
                .collect::<Result<_, ParseError>>()?,
        ),
        MessageType::Payment => Records::Payments(
            pairs
                .map(|(e, path)| {
                    let head = only_head(e, &path, "PaymentHead", records::PAYMENT_HEAD)?;
                    Ok(Payment::read(&head))
                })
                .collect::<Result<_, ParseError>>()?,
        ),
        MessageType::Waybill => Records::Waybills(
            pairs
                .map(|(e, path)| {
                    let head = only_head(e, &path, "LogisticsHead", records::LOGISTICS_HEAD)?;
                    Ok(Waybill::read(&head))
                })
                .collect::<Result<_, ParseError>>()?,
        ),
        MessageType::Inventory => Records::Inventories(
            pairs
                .map(|(e, path)| {
                    let (head, lines) = head_and_lines(
                        e,
                        &path,
                        ("InventoryHead", records::INVENTORY_HEAD),
                        ("InventoryList", records::INVENTORY_LIST),
                        Numbering::FromOne,
                    )?;
                    Ok(Inventory {
                        head: InventoryHead::read(&head),
                        lines: lines.iter().map(InventoryLine::read).collect(),
                    })
                })
                .collect::<Result<_, ParseError>>()?,
        ),
        MessageType::Cancel => Records::Cancels(
            pairs
                .map(|(e, path)| {
                    Ok(Withdrawal::read(&read_record(
                        e,
                        &path,
                        records::INVT_CANCEL,
                    )?))
                })
                .collect::<Result<_, ParseError>>()?,
        ),
        MessageType::Refund => Records::Refunds(
            pairs
                .map(|(e, path)| {
                    let (head, lines) = head_and_lines(
                        e,
                        &path,
                        ("InvtRefundHead", records::INVT_REFUND_HEAD),
                        ("InvtRefundList", records::INVT_REFUND_LIST),
                        Numbering::Distinct,
                    )?;
                    Ok(Refund {
                        head: Withdrawal::read(&head),
                        lines: lines.iter().map(RefundLine::read).collect(),
                    })
                })
                .collect::<Result<_, ParseError>>()?,
        ),
    })
}

/// How the `gnum` of a record's lines must run.
#[derive(Clone, Copy)]
enum Numbering {
    /// 1, 2, 3 … in order (orders and declarations).
    FromOne,
    /// Any line numbers of the original declaration, each once (returns).
    Distinct,
}

/// A record of one head element and 1 to [`MAX_LINES`] line elements.
fn head_and_lines(
    element: &Element,
    path: &str,
    (head_name, head_fields): (&'static str, &'static [Field]),
    (line_name, line_fields): (&'static str, &'static [Field]),
    numbering: Numbering,
) -> Result<(fields::Values, Vec<fields::Values>), ParseError> {
    let mut children = element.children.iter();
    let head = match children.next() {
        Some(head) if head.name == head_name => {
            let head_path = format!("{path}/{head_name}");
            in_ceb(head, &head_path)?;
            read_record(head, &head_path, head_fields)?
        }
        Some(other) => {
            return Err(ParseError::in_element(
                other.line,
                path,
                ErrorKind::UnexpectedElement(other.name.clone()),
            ))
        }
        None => {
            return Err(ParseError::in_element(
                element.line,
                format!("{path}/{head_name}"),
                ErrorKind::Missing,
            ))
        }
    };
    let mut lines = Vec::new();
    let mut numbers = std::collections::BTreeSet::new();
    for (i, child) in children.enumerate() {
        if child.name != line_name {
            return Err(ParseError::in_element(
                child.line,
                path,
                ErrorKind::UnexpectedElement(child.name.clone()),
            ));
        }
        let line_path = format!("{path}/{line_name}[{}]", i + 1);
        if i >= MAX_LINES {
            return Err(ParseError::in_element(
                child.line,
                line_path,
                ErrorKind::TooMany(MAX_LINES),
            ));
        }
        in_ceb(child, &line_path)?;
        let values = read_record(child, &line_path, line_fields)?;
        let gnum = values.int("gnum");
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let gnum_path = || format!("{line_path}/gnum");
        match numbering {
            Numbering::FromOne if gnum != expected => {
                return Err(ParseError::in_element(
                    child.line,
                    gnum_path(),
                    ErrorKind::Sequence {
                        value: gnum,
                        expected,
                    },
                ))
            }
            Numbering::Distinct if !numbers.insert(gnum) => {
                return Err(ParseError::in_element(
                    child.line,
                    gnum_path(),
                    ErrorKind::Repeated(gnum),
                ))
            }
            _ => {}
        }
        lines.push(values);
    }
    if lines.is_empty() {
        return Err(ParseError::in_element(
            element.line,
            format!("{path}/{line_name}"),
            ErrorKind::Missing,
        ));
    }
    Ok((head, lines))
}

/// A record of exactly one head element.
fn only_head(
    element: &Element,
    path: &str,
    head_name: &'static str,
    fields: &'static [Field],
) -> Result<fields::Values, ParseError> {
    let mut children = element.children.iter();
    match (children.next(), children.next()) {
        (Some(head), None) if head.name == head_name => {
            let head_path = format!("{path}/{head_name}");
            in_ceb(head, &head_path)?;
            read_record(head, &head_path, fields)
        }
        (None, _) => Err(ParseError::in_element(
            element.line,
            format!("{path}/{head_name}"),
            ErrorKind::Missing,
        )),
        (Some(head), Some(extra)) => {
            let other = if head.name == head_name { extra } else { head };
            Err(ParseError::in_element(
                other.line,
                path,
                ErrorKind::UnexpectedElement(other.name.clone()),
            ))
        }
        (Some(other), None) => Err(ParseError::in_element(
            other.line,
            path,
            ErrorKind::UnexpectedElement(other.name.clone()),
        )),
    }
}
