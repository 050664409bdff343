//! The server's busiest answers, written by hand: an item's history and the receipts of
//! a batch.
//!
//! Both are mostly entries (their exact bytes as JSON strings) and proofs (some twenty
//! hashes each). serde_json scans every string it writes for characters to escape; here
//! hashes are written as the hex they are, and an entry (canonical JSON, which holds no
//! control characters) only has its quotes and backslashes escaped. The output is byte
//! for byte what `serde_json` makes of the wire types (tested below), so the derived
//! types stay the contract and the OpenAPI schema.

use crate::wire::{BatchItem, BatchResponse, HistoryBody, HistoryEntryBody, ReceiptBody};

/// Appends `body` as JSON to `out`.
pub fn write_history(body: &HistoryBody, out: &mut Vec<u8>) {
    raw(out, "{\"item\":");
    string(out, &body.item);
    raw(out, ",\"chains\":");
    array(out, &body.chains, |out, c| string(out, c));
    raw(out, ",\"entries\":");
    array(out, &body.entries, entry);
    raw(out, ",\"checkpoint\":");
    serde(out, &body.checkpoint);
    raw(out, "}");
}

fn entry(out: &mut Vec<u8>, e: &HistoryEntryBody) {
    raw(out, "{\"seq\":");
    serde(out, &e.seq);
    raw(out, ",\"recorded\":");
    string(out, &e.recorded);
    raw(out, ",\"entry_hash\":");
    string(out, &e.entry_hash);
    raw(out, ",\"event_id\":");
    string(out, &e.event_id);
    raw(out, ",\"via\":");
    string(out, &e.via);
    raw(out, ",\"corrected_by\":");
    serde(out, &e.corrected_by);
    raw(out, ",\"event\":");
    raw(out, e.event.get());
    raw(out, ",\"signature\":");
    string(out, &e.signature);
    raw(out, ",\"entry\":");
    json_text_string(out, &e.entry);
    raw(out, ",\"proof\":");
    array(out, &e.proof, |out, h| {
        out.push(b'"');
        out.extend_from_slice(&h.0.hex_digits());
        out.push(b'"');
    });
    raw(out, "}");
}

/// Appends `body` as JSON to `out`.
pub fn write_batch(body: &BatchResponse, out: &mut Vec<u8>) {
    raw(out, "{\"results\":");
    array(out, &body.results, batch_item);
    raw(out, ",\"accepted\":");
    serde(out, &body.accepted);
    raw(out, ",\"refused\":");
    serde(out, &body.refused);
    raw(out, ",\"checkpoint\":");
    string(out, &body.checkpoint);
    raw(out, "}");
}

fn batch_item(out: &mut Vec<u8>, item: &BatchItem) {
    raw(out, "{");
    if let Some(r) = &item.receipt {
        raw(out, "\"receipt\":");
        write_receipt(r, out);
        raw(out, ",");
    }
    if let Some(e) = &item.error {
        raw(out, "\"error\":");
        serde(out, e);
        raw(out, ",");
    }
    raw(out, "\"status\":");
    serde(out, &item.status);
    raw(out, "}");
}

/// Appends `r` as JSON to `out`.
pub fn write_receipt(r: &ReceiptBody, out: &mut Vec<u8>) {
    raw(out, "{\"origin\":");
    string(out, &r.origin);
    raw(out, ",\"seq\":");
    serde(out, &r.seq);
    raw(out, ",\"recorded\":");
    string(out, &r.recorded);
    raw(out, ",\"event_id\":");
    string(out, &r.event_id);
    raw(out, ",\"entry_hash\":");
    string(out, &r.entry_hash);
    raw(out, ",\"leaf_hash\":");
    string(out, &r.leaf_hash);
    raw(out, ",\"entry\":");
    json_text_string(out, &r.entry);
    // Hex digits need no escaping; anything else takes the general path.
    raw(out, ",\"proof\":");
    array(out, &r.proof, |out, h| json_text_string(out, h));
    raw(out, ",\"checkpoint\":");
    string(out, &r.checkpoint);
    raw(out, "}");
}

/// JSON text written as it is.
fn raw(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
}

/// A `[…]` of items, each written by `write`.
fn array<T>(out: &mut Vec<u8>, items: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, item);
    }
    out.push(b']');
}

/// Anything small, through serde_json itself.
fn serde<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(&mut *out, value).expect("writing to memory");
}

/// Any string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    serde(out, s);
}

/// A string of JSON text: without control characters only `"` and `\` need escaping.
///
/// One pass over the bytes into room made for the worst case (every byte escaped):
/// canonical entries hold a quote every few bytes, so copying the runs between them one
/// call at a time cost more than the copying itself.
fn json_text_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let start = out.len();
    out.resize(start + 2 * bytes.len() + 2, 0);
    let room = &mut out[start..];
    room[0] = b'"';
    let mut at = 1;
    for &b in bytes {
        if b < 0x20 {
            out.truncate(start);
            return string(out, s);
        }
        if b == b'"' || b == b'\\' {
            room[at] = b'\\';
            at += 1;
        }
        room[at] = b;
        at += 1;
    }
    room[at] = b'"';
    out.truncate(start + at + 1);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{CheckpointRef, HexHash};
    use serde_json::value::RawValue;
    use suyuan_format::encoding::Digest;

    fn entry_body(seq: u64, entry: &str, proof: usize) -> HistoryEntryBody {
        HistoryEntryBody {
            seq,
            recorded: "2026-06-01T08:00:00.123Z".into(),
            entry_hash: "ab".repeat(32),
            event_id: "cd".repeat(32),
            via: "lot 01/04719865001270/10/AL\"2604\\Q1".into(),
            corrected_by: vec![seq + 3, seq + 9],
            event: RawValue::from_string(r#"{"actor":"TW-FARM","body":{"note":"say \"溯源\" \\ done"},"type":"production"}"#.into()).unwrap(),
            signature: "4RxCdqY4Ux+bkqIpMzKDy9VGlq20GxwQzyZU+40Fu54KEkN2c70eD1FU1h7cJGmnWIpDUEHx8b7ODnMzWG/wCw==".into(),
            entry: entry.into(),
            proof: (0..proof).map(|i| HexHash(Digest([i as u8 * 7; 32]))).collect(),
        }
    }

    #[test]
    fn writes_exactly_what_serde_json_writes() {
        let body = HistoryBody {
            item: "01/04719865001270/10/AL2604Q1/21/00001".into(),
            chains: vec!["01/04719865001270/10/AL2604Q1/21/00001".into(), "00/\"odd\"\\chain".into()],
            entries: vec![
                entry_body(7, r#"{"event_id":"3f","prev":{"a":null},"signed":{"event":{"body":{"note":"say \"溯源\" \\ done"}}}}"#, 21),
                entry_body(8, "plain", 0),
                // Control characters take the general path.
                entry_body(9, "tab\there\nand \u{1} too \"q\"", 3),
            ],
            checkpoint: CheckpointRef {
                size: 1_384_008,
                note: "bench.suyuan.local/log\n1384008\n2g6WO5+gB7w8=\n\n— bench.suyuan.local/log IimW\n".into(),
            },
        };
        let mut ours = Vec::new();
        write_history(&body, &mut ours);
        let theirs = serde_json::to_vec(&body).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs).unwrap()
        );

        let empty = HistoryBody {
            item: "x".into(),
            chains: vec![],
            entries: vec![],
            checkpoint: CheckpointRef {
                size: 0,
                note: String::new(),
            },
        };
        let mut ours = Vec::new();
        write_history(&empty, &mut ours);
        assert_eq!(ours, serde_json::to_vec(&empty).unwrap());
    }

    #[test]
    fn batch_answers_are_exactly_what_serde_json_writes() {
        let receipt = |seq: u64, entry: &str| ReceiptBody {
            origin: "trace.example.cn/log".into(),
            seq,
            recorded: "2026-06-01T08:00:00.123Z".into(),
            event_id: "cd".repeat(32),
            entry_hash: "ab".repeat(32),
            leaf_hash: "ef".repeat(32),
            entry: entry.into(),
            proof: (0..seq as usize % 23)
                .map(|i| format!("{:064x}", i * 977))
                .collect(),
            checkpoint:
                "trace.example.cn/log\n1384008\n2g6WO5+gB7w8=\n\n— trace.example.cn/log IimW\n"
                    .into(),
        };
        let body = BatchResponse {
            results: vec![
                BatchItem {
                    receipt: Some(receipt(
                        7,
                        r#"{"event_id":"3f","signed":{"event":{"body":{"note":"say \"溯源\" \\ done"}}}}"#,
                    )),
                    error: None,
                    status: 200,
                },
                BatchItem {
                    receipt: None,
                    error: Some(crate::wire::ErrorDetail {
                        code: "conflict".into(),
                        message: "client id \"lot-1\" was used for another event".into(),
                        field: Some("client_id".into()),
                    }),
                    status: 409,
                },
                BatchItem {
                    receipt: Some(receipt(22, "tab\there \u{1}")),
                    error: None,
                    status: 200,
                },
            ],
            accepted: 2,
            refused: 1,
            checkpoint: "trace.example.cn/log\n1384008\n2g6WO5+gB7w8=\n".into(),
        };
        let mut ours = Vec::new();
        write_batch(&body, &mut ours);
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(serde_json::to_vec(&body).unwrap()).unwrap()
        );
        let mut ours = Vec::new();
        write_receipt(body.results[0].receipt.as_ref().unwrap(), &mut ours);
        assert_eq!(ours, serde_json::to_vec(&body.results[0].receipt).unwrap());
    }

    proptest::proptest! {
        /// Any text, quotes, backslashes, control characters and all, is escaped as
        /// serde_json escapes it.
        #[test]
        fn text_strings_are_escaped_as_serde_json_escapes_them(
            text in "(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}溯源])*"
        ) {
            let mut ours = b"[".to_vec();
            json_text_string(&mut ours, &text);
            let mut theirs = b"[".to_vec();
            theirs.extend(serde_json::to_vec(&text).unwrap());
            proptest::prop_assert_eq!(ours, theirs);
        }
    }
}
