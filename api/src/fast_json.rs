//! The server's busiest answers, written by hand: an item's history and the receipts of
//! a batch.
//!
//! Both are mostly entries (their exact bytes as JSON strings) and proofs (some twenty
//! hashes each). serde_json scans every string it writes for characters to escape; here
//! hashes are written as the hex they are, and an entry (canonical JSON, which holds no
//! control characters) only has its quotes and backslashes escaped. The output is byte
//! for byte what `serde_json` makes of the wire types (tested below), so the derived
//! types stay the contract and the OpenAPI schema.

use crate::wire::{BatchItem, BatchResponse, HexHash, HistoryBody, HistoryEntryBody, ReceiptBody};

/// Appends `body` as JSON to `out`.
pub fn write_history(body: &HistoryBody, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"item\":");
    string(out, &body.item);
    out.extend_from_slice(b",\"chains\":[");
    for (i, chain) in body.chains.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, chain);
    }
    out.extend_from_slice(b"],\"entries\":[");
    for (i, e) in body.entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        entry(out, e);
    }
    out.extend_from_slice(b"],\"checkpoint\":");
    serde_json::to_writer(&mut *out, &body.checkpoint).expect("writing to memory");
    out.push(b'}');
}

fn entry(out: &mut Vec<u8>, e: &HistoryEntryBody) {
    out.extend_from_slice(b"{\"seq\":");
    out.extend_from_slice(e.seq.to_string().as_bytes());
    out.extend_from_slice(b",\"recorded\":");
    string(out, &e.recorded);
    out.extend_from_slice(b",\"entry_hash\":");
    string(out, &e.entry_hash);
    out.extend_from_slice(b",\"event_id\":");
    string(out, &e.event_id);
    out.extend_from_slice(b",\"via\":");
    string(out, &e.via);
    out.extend_from_slice(b",\"corrected_by\":");
    serde_json::to_writer(&mut *out, &e.corrected_by).expect("writing to memory");
    out.extend_from_slice(b",\"event\":");
    out.extend_from_slice(e.event.get().as_bytes());
    out.extend_from_slice(b",\"signature\":");
    string(out, &e.signature);
    out.extend_from_slice(b",\"entry\":");
    json_text_string(out, &e.entry);
    out.extend_from_slice(b",\"proof\":[");
    for (i, h) in e.proof.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        hex(out, h);
    }
    out.extend_from_slice(b"]}");
}

/// Any string, escaped as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to memory");
}

/// A string of JSON text: without control characters only `"` and `\` need escaping.
fn json_text_string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if bytes.iter().any(|&b| b < 0x20) {
        return string(out, s);
    }
    out.reserve(bytes.len() + bytes.len() / 4 + 2);
    out.push(b'"');
    let mut from = 0;
    for at in memchr::memchr2_iter(b'"', b'\\', bytes) {
        out.extend_from_slice(&bytes[from..at]);
        out.push(b'\\');
        out.push(bytes[at]);
        from = at + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// Appends `body` as JSON to `out`.
pub fn write_batch(body: &BatchResponse, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"results\":[");
    for (i, item) in body.results.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        batch_item(out, item);
    }
    out.extend_from_slice(b"],\"accepted\":");
    out.extend_from_slice(body.accepted.to_string().as_bytes());
    out.extend_from_slice(b",\"refused\":");
    out.extend_from_slice(body.refused.to_string().as_bytes());
    out.extend_from_slice(b",\"checkpoint\":");
    string(out, &body.checkpoint);
    out.push(b'}');
}

fn batch_item(out: &mut Vec<u8>, item: &BatchItem) {
    out.push(b'{');
    if let Some(r) = &item.receipt {
        out.extend_from_slice(b"\"receipt\":");
        write_receipt(r, out);
        out.push(b',');
    }
    if let Some(e) = &item.error {
        out.extend_from_slice(b"\"error\":");
        serde_json::to_writer(&mut *out, e).expect("writing to memory");
        out.push(b',');
    }
    out.extend_from_slice(b"\"status\":");
    out.extend_from_slice(item.status.to_string().as_bytes());
    out.push(b'}');
}

/// Appends `r` as JSON to `out`.
pub fn write_receipt(r: &ReceiptBody, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"origin\":");
    string(out, &r.origin);
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(r.seq.to_string().as_bytes());
    out.extend_from_slice(b",\"recorded\":");
    string(out, &r.recorded);
    out.extend_from_slice(b",\"event_id\":");
    string(out, &r.event_id);
    out.extend_from_slice(b",\"entry_hash\":");
    string(out, &r.entry_hash);
    out.extend_from_slice(b",\"leaf_hash\":");
    string(out, &r.leaf_hash);
    out.extend_from_slice(b",\"entry\":");
    json_text_string(out, &r.entry);
    out.extend_from_slice(b",\"proof\":[");
    for (i, h) in r.proof.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Hex digits need no escaping; anything else takes the general path.
        json_text_string(out, h);
    }
    out.extend_from_slice(b"],\"checkpoint\":");
    string(out, &r.checkpoint);
    out.push(b'}');
}

fn hex(out: &mut Vec<u8>, h: &HexHash) {
    let mut buf = [0u8; 66];
    buf[0] = b'"';
    buf[65] = b'"';
    hex::encode_to_slice(h.0 .0, &mut buf[1..65]).expect("64 digits for 32 bytes");
    out.extend_from_slice(&buf);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::CheckpointRef;
    use serde_json::value::RawValue;
    use suyuan_ledger::encoding::Digest;

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
}
