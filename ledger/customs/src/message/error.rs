//! Why a message was refused, with the line and the element that made it so.
//!
//! Values are quoted only where they cannot be personal: numbers, times, codes with fixed
//! values. A name, an ID number or an address that is too long is reported by its length,
//! never echoed, so refusals can be logged without leaking the buyer.

use std::fmt;

use crate::amount::AmountError;

/// A refused message: where (1-based line, element path such as `OrderHead/acturalPaid`)
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    line: Option<u32>,
    path: Option<String>,
    kind: ErrorKind,
}

/// The reasons a message is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    #[error("the message is {len} bytes, above the limit of {max} bytes")]
    TooLarge { len: usize, max: usize },
    #[error("the message is not UTF-8")]
    NotUtf8,
    #[error("the XML declaration names encoding {0:?}; only UTF-8 is accepted")]
    Encoding(String),
    #[error("malformed XML: {0}")]
    Xml(String),
    #[error("a DOCTYPE is not allowed (no DTDs, no entity declarations)")]
    Doctype,
    #[error("processing instructions are not allowed")]
    ProcessingInstruction,
    #[error("unknown entity &{0};")]
    UnknownEntity(String),
    #[error("character U+{0:04X} is not allowed in XML")]
    IllegalChar(u32),
    #[error("elements nest deeper than {0} levels")]
    TooDeep(usize),
    #[error("there is no root element")]
    NoRoot,
    #[error("there is content after the root element")]
    AfterRoot,
    #[error("text is not allowed here")]
    UnexpectedText,
    #[error("element {element} is not in namespace {expected} (it is in {})", found.as_deref().unwrap_or("no namespace"))]
    WrongNamespace {
        element: String,
        expected: &'static str,
        found: Option<String>,
    },
    #[error("unknown or unsupported message type {0} (supported: CEB311Message, CEB411Message, CEB511Message, CEB621Message, CEB623Message, CEB625Message)")]
    UnknownMessage(String),
    #[error("required attribute {0} is missing")]
    MissingAttribute(&'static str),
    #[error("attribute {0} is not allowed here")]
    UnexpectedAttribute(String),
    #[error("required element is missing")]
    Missing,
    #[error("element {0} is not allowed here")]
    UnexpectedElement(String),
    #[error("element appears twice")]
    Duplicate,
    #[error("element is out of order: the XSD sequence puts it before {0}")]
    OutOfOrder(&'static str),
    #[error("more than {0} of these elements")]
    TooMany(usize),
    #[error("has child elements where a value is expected")]
    NotAValue,
    #[error("is empty")]
    Empty,
    #[error("is {len} characters long, above the maximum of {max}")]
    TooLong { len: usize, max: usize },
    #[error("is {len} characters long, below the minimum of {min}")]
    TooShort { len: usize, min: usize },
    #[error("is {len} characters long, not exactly {expected}")]
    WrongLength { len: usize, expected: usize },
    #[error("{value:?} is not a decimal (N19,5): {reason}")]
    NotADecimal { value: String, reason: AmountError },
    #[error("{value:?} is not an integer")]
    NotAnInteger { value: String },
    #[error("{value:?} is not a time of the form {format}")]
    NotATime { value: String, format: &'static str },
    #[error("{value:?} is not the fixed value {expected:?}")]
    NotFixed {
        value: String,
        expected: &'static str,
    },
    #[error("{value:?} is not one of {allowed:?}")]
    NotAllowed {
        value: String,
        allowed: &'static [&'static str],
    },
    #[error("has lower-case letters; the specification writes it in upper case")]
    LowerCase,
    #[error("{value} is out of sequence: expected {expected} (numbered from 1 without gaps)")]
    Sequence { value: u32, expected: u32 },
    #[error("{0} appears twice in this element")]
    Repeated(u32),
}

impl ParseError {
    pub(crate) fn new(line: Option<u32>, path: Option<String>, kind: ErrorKind) -> Self {
        ParseError { line, path, kind }
    }

    /// An error at a line, not tied to an element.
    pub(crate) fn at(line: u32, kind: ErrorKind) -> Self {
        ParseError::new(Some(line), None, kind)
    }

    /// An error at an element or attribute given by its path.
    pub(crate) fn in_element(line: u32, path: impl Into<String>, kind: ErrorKind) -> Self {
        ParseError::new(Some(line), Some(path.into()), kind)
    }

    /// The 1-based line of the element or text at fault, when there is one.
    pub fn line(&self) -> Option<u32> {
        self.line
    }

    /// The element path at fault, such as `OrderHead/acturalPaid` or `CEB311Message/@guid`.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

impl std::error::Error for ParseError {}
