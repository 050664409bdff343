//! The message's XML as a small tree of elements with namespaces and line numbers, read
//! with quick-xml under the rules a customs message needs: UTF-8 only, no DOCTYPE (so no
//! entity can be declared, expanded or fetched), only the five predefined entities and
//! character references, no processing instructions, bounded nesting.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::error::{ErrorKind, ParseError};

/// How deep elements may nest. Customs messages need five levels and their signatures
/// seven; the bound keeps the tree's recursion (dropping it, walking it) shallow.
pub(crate) const MAX_DEPTH: usize = 32;

/// One element: its namespace URI, local name, line, attributes (namespace declarations
/// left out), child elements and the character data directly inside it.
#[derive(Debug, Default)]
pub(crate) struct Element {
    pub ns: Option<String>,
    pub name: String,
    pub line: u32,
    pub attrs: Vec<Attribute>,
    pub children: Vec<Element>,
    pub text: String,
}

#[derive(Debug)]
pub(crate) struct Attribute {
    pub ns: Option<String>,
    pub name: String,
    pub value: String,
}

/// Reads the document's root element; `input` is UTF-8 without a byte-order mark.
pub(crate) fn read(input: &str) -> Result<Element, ParseError> {
    if let Some((offset, c)) = input.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        return Err(ParseError::at(
            line_of(input, offset),
            ErrorKind::IllegalChar(c.into()),
        ));
    }
    let mut reader = NsReader::from_str(input);
    reader.config_mut().enable_all_checks(true);
    let mut lines = LineCounter::default();
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let start = to_usize(reader.buffer_position());
        let line = lines.line_at(input, start);
        let (resolved, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => (namespace(resolved, line)?, event),
            Err(e) => {
                let at = line_of(input, to_usize(reader.error_position()));
                return Err(ParseError::at(at, ErrorKind::Xml(e.to_string())));
            }
        };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if root.is_some() {
                    return Err(ParseError::at(line, ErrorKind::AfterRoot));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(ParseError::at(line, ErrorKind::TooDeep(MAX_DEPTH)));
                }
                let element = Element {
                    ns: resolved,
                    name: text_of(e.local_name().as_ref(), line)?,
                    line,
                    attrs: attributes(&reader, e, line)?,
                    ..Element::default()
                };
                open.push(element);
                if matches!(event, Event::Empty(_)) {
                    close(&mut open, &mut root);
                }
            }
            Event::End(_) => close(&mut open, &mut root),
            Event::Text(e) => {
                let text = e
                    .xml10_content()
                    .map_err(|e| ParseError::at(line, ErrorKind::Xml(e.to_string())))?;
                append_text(&mut open, &text, line)?;
            }
            Event::CData(e) => {
                let text = e
                    .xml10_content()
                    .map_err(|e| ParseError::at(line, ErrorKind::Xml(e.to_string())))?;
                append_text(&mut open, &text, line)?;
            }
            Event::GeneralRef(e) => {
                let name = text_of(&e, line)?;
                let c = if e.is_char_ref() {
                    match e.resolve_char_ref() {
                        Ok(Some(c)) if is_xml_char(c) => c,
                        Ok(Some(c)) => {
                            return Err(ParseError::at(line, ErrorKind::IllegalChar(c.into())))
                        }
                        _ => return Err(ParseError::at(line, ErrorKind::UnknownEntity(name))),
                    }
                } else {
                    match predefined(&name) {
                        Some(c) => c,
                        None => return Err(ParseError::at(line, ErrorKind::UnknownEntity(name))),
                    }
                };
                append_text(&mut open, c.encode_utf8(&mut [0; 4]), line)?;
            }
            Event::Decl(e) => {
                if start != 0 {
                    let message = "the XML declaration is not at the start".to_owned();
                    return Err(ParseError::at(line, ErrorKind::Xml(message)));
                }
                if let Some(encoding) = e.encoding() {
                    let encoding = encoding
                        .map_err(|e| ParseError::at(line, ErrorKind::Xml(e.to_string())))?;
                    let encoding = text_of(&encoding, line)?;
                    if !encoding.eq_ignore_ascii_case("utf-8") {
                        return Err(ParseError::at(line, ErrorKind::Encoding(encoding)));
                    }
                }
            }
            Event::DocType(_) => return Err(ParseError::at(line, ErrorKind::Doctype)),
            Event::PI(_) => return Err(ParseError::at(line, ErrorKind::ProcessingInstruction)),
            Event::Comment(_) => {}
            Event::Eof => {
                if let Some(unclosed) = open.last() {
                    let message = format!("element {} is not closed", unclosed.name);
                    return Err(ParseError::at(unclosed.line, ErrorKind::Xml(message)));
                }
                return root.ok_or(ParseError::at(line, ErrorKind::NoRoot));
            }
        }
    }
}

/// Pops the innermost open element into its parent, or makes it the root.
fn close(open: &mut Vec<Element>, root: &mut Option<Element>) {
    if let Some(element) = open.pop() {
        match open.last_mut() {
            Some(parent) => parent.children.push(element),
            None => *root = Some(element),
        }
    }
}

/// Character data belongs to the innermost open element; outside the root only
/// whitespace may appear.
fn append_text(open: &mut [Element], text: &str, line: u32) -> Result<(), ParseError> {
    match open.last_mut() {
        Some(element) => element.text.push_str(text),
        None if text.chars().all(is_xml_space) => {}
        None => return Err(ParseError::at(line, ErrorKind::UnexpectedText)),
    }
    Ok(())
}

fn attributes(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    line: u32,
) -> Result<Vec<Attribute>, ParseError> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| ParseError::at(line, ErrorKind::Xml(e.to_string())))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let (resolved, local) = reader.resolve_attribute(attr.key);
        let ns = namespace(resolved, line)?;
        let value = attr
            .decode_and_unescape_value(reader.decoder())
            .map_err(|e| ParseError::at(line, ErrorKind::Xml(e.to_string())))?;
        if let Some(c) = value.chars().find(|c| !is_xml_char(*c)) {
            return Err(ParseError::at(line, ErrorKind::IllegalChar(c.into())));
        }
        out.push(Attribute {
            ns,
            name: text_of(local.as_ref(), line)?,
            value: value.into_owned(),
        });
    }
    Ok(out)
}

fn namespace(resolved: ResolveResult<'_>, line: u32) -> Result<Option<String>, ParseError> {
    match resolved {
        ResolveResult::Bound(ns) => Ok(Some(text_of(ns.as_ref(), line)?)),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => {
            let prefix = String::from_utf8_lossy(&prefix);
            let message = format!("namespace prefix {prefix:?} is not declared");
            Err(ParseError::at(line, ErrorKind::Xml(message)))
        }
    }
}

fn text_of(bytes: &[u8], line: u32) -> Result<String, ParseError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| ParseError::at(line, ErrorKind::NotUtf8))
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// XML 1.0's `Char` production: no C0 controls but tab and line breaks, no U+FFFE/FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// XML's own whitespace (`S`), narrower than Unicode's.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(input: &str, offset: usize) -> u32 {
    let end = offset.min(input.len());
    let newlines = input.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// Counts lines incrementally, since events arrive in document order.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, input: &str, offset: usize) -> u32 {
        let end = offset.min(input.len());
        if end >= self.offset {
            let seen = &input.as_bytes()[self.offset..end];
            self.newlines += seen.iter().filter(|b| **b == b'\n').count();
            self.offset = end;
            u32::try_from(self.newlines + 1).unwrap_or(u32::MAX)
        } else {
            line_of(input, offset)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_with_lines_and_namespaces() {
        let doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a:r xmlns:a=\"urn:a\" k=\"v&amp;\">\n  <a:x>1 &lt; 2&#x41;</a:x>\n  <y/><!-- c -->\n</a:r>\n";
        let root = read(doc).unwrap();
        assert_eq!(root.name, "r");
        assert_eq!(root.ns.as_deref(), Some("urn:a"));
        assert_eq!(root.line, 2);
        assert_eq!(root.attrs.len(), 1);
        assert_eq!(root.attrs[0].value, "v&");
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].text, "1 < 2A");
        assert_eq!(root.children[0].line, 3);
        assert_eq!(root.children[1].ns, None);
        assert_eq!(root.children[1].line, 4);
    }

    #[test]
    fn refusals() {
        let kind = |doc: &str| read(doc).unwrap_err().kind().clone();
        assert_eq!(
            kind("<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>"),
            ErrorKind::Doctype
        );
        assert_eq!(kind("<r>&e;</r>"), ErrorKind::UnknownEntity("e".into()));
        assert_eq!(kind("<r>&#1;</r>"), ErrorKind::IllegalChar(1));
        assert_eq!(kind("<r>\u{1}</r>"), ErrorKind::IllegalChar(1));
        assert_eq!(kind("<?pi x?><r/>"), ErrorKind::ProcessingInstruction);
        assert_eq!(kind("<r/><s/>"), ErrorKind::AfterRoot);
        assert_eq!(kind("x<r/>"), ErrorKind::UnexpectedText);
        assert_eq!(kind(""), ErrorKind::NoRoot);
        assert!(matches!(kind("<r><s></r>"), ErrorKind::Xml(_)));
        assert!(matches!(kind("<r>"), ErrorKind::Xml(_)));
        assert!(matches!(kind("<p:r/>"), ErrorKind::Xml(_)));
        assert_eq!(
            kind("<?xml version=\"1.0\" encoding=\"GBK\"?><r/>"),
            ErrorKind::Encoding("GBK".into())
        );
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(kind(&deep), ErrorKind::TooDeep(MAX_DEPTH));
    }

    #[test]
    fn error_lines() {
        let err = read("<r>\n<s>\n</t>\n</r>").unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
    }
}
