//! Tampering with an export is detected and named: any single field of an entry changed,
//! entries deleted, inserted, reordered or truncated, a checkpoint altered or dropped.
//! The export is made once from the fixture scenario by the binary; each altered copy is
//! audited in-process with the library the binary uses.

mod common;
use common::SUYUAN;
use serde_json::Value;
use std::sync::OnceLock;
use suyuan_core::audit::AuditReport;
use suyuan_core::export::audit_export;
use suyuan_format::checkpoint::{CheckpointError, LogKey};
use suyuan_format::jcs::canonicalize;
use suyuan_testkit::cli::stderr;
use suyuan_testkit::scenario;

struct Export {
    lines: Vec<String>,
    key: LogKey,
    /// The verifier key as `seed` printed it.
    key_text: String,
}

fn export() -> &'static Export {
    static EXPORT: OnceLock<Export> = OnceLock::new();
    EXPORT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let (store, key) = scenario::seeded(SUYUAN, tmp.path());
        let file = tmp.path().join("log.jsonl");
        let o = SUYUAN.export(&store, &file);
        assert!(o.status.success(), "{}", stderr(&o));
        let lines = std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        Export {
            lines,
            key: LogKey::parse(&key).unwrap(),
            key_text: key,
        }
    })
}

fn audit(lines: &[String]) -> AuditReport {
    let text = lines.join("\n") + "\n";
    audit_export(text.as_bytes(), export().key.clone(), &|_| {}).unwrap()
}

/// Entry lines are 1..=n (line 0 is the header, checkpoints follow).
fn entry_count() -> usize {
    export()
        .lines
        .iter()
        .filter(|l| l.starts_with("{\"event_id\""))
        .count()
}

/// Whether any failure the audit reports says `text`.
fn says(report: &AuditReport, text: &str) -> bool {
    report.failures.iter().any(|f| f.reason.contains(text))
}

/// Whether the audit names a checkpoint whose log signature does not verify
/// (not merely one it could not parse or found unsigned).
fn checkpoint_signature_fails(report: &AuditReport) -> bool {
    let bad = CheckpointError::BadSignature.to_string();
    report
        .failures
        .iter()
        .any(|f| f.seq.is_none() && f.reason.ends_with(&bad))
}

/// True when the report names entry `seq`, directly or as part of a named range.
fn names(report: &AuditReport, seq: u64) -> bool {
    report.failures.iter().any(|f| {
        f.seq == Some(seq)
            || f.reason
                .split_once("entries ")
                .and_then(|(_, rest)| {
                    let range = rest.split_whitespace().next()?;
                    let (a, b) = range.split_once("..")?;
                    Some(a.parse::<u64>().ok()? <= seq && seq <= b.parse::<u64>().ok()?)
                })
                .unwrap_or(false)
    })
}

/// Every leaf of a JSON value, as a path of keys and indexes.
fn leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(i.to_string());
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn alter(v: &mut Value, path: &[String]) {
    let mut cur = v;
    for p in path {
        cur = match cur {
            Value::Object(m) => m.get_mut(p).unwrap(),
            Value::Array(a) => &mut a[p.parse::<usize>().unwrap()],
            _ => unreachable!(),
        };
    }
    *cur = match cur.take() {
        Value::String(s) if s.is_empty() => Value::String("x".into()),
        Value::String(s) => {
            // Change one character, keeping the kind of string (digit for digit).
            let mut chars: Vec<char> = s.chars().collect();
            let i = chars.len() / 2;
            chars[i] = match chars[i] {
                '0'..='8' => ((chars[i] as u8) + 1) as char,
                '9' => '0',
                'a' => 'b',
                _ => 'a',
            };
            Value::String(chars.into_iter().collect())
        }
        Value::Number(n) => Value::from(n.as_u64().map_or(1, |x| x + 1)),
        Value::Bool(b) => Value::Bool(!b),
        Value::Null => Value::String("0".repeat(64)),
        other => other,
    };
}

#[test]
fn the_untouched_export_verifies() {
    let r = audit(&export().lines);
    assert!(r.ok(), "{:?}", r.failures);
    assert_eq!(r.entries as usize, entry_count());
}

#[test]
fn changing_any_single_field_of_an_entry_is_detected_and_named() {
    let e = export();
    let n = entry_count();
    // One entry of every event type, plus a spread of others: every field of each.
    let mut picked: Vec<usize> = Vec::new();
    let mut kinds = std::collections::HashSet::new();
    for seq in 0..n {
        let v: Value = serde_json::from_str(&e.lines[1 + seq]).unwrap();
        if kinds.insert(v["signed"]["event"]["type"].as_str().unwrap().to_string()) {
            picked.push(seq);
        }
    }
    picked.extend((0..n).step_by(97));
    picked.push(n - 1);
    let mut checked = 0;
    for seq in picked {
        let original: Value = serde_json::from_str(&e.lines[1 + seq]).unwrap();
        let mut paths = Vec::new();
        leaves(&original, &mut vec![], &mut paths);
        for path in paths {
            let mut v = original.clone();
            alter(&mut v, &path);
            let mut lines = e.lines.clone();
            lines[1 + seq] = String::from_utf8(canonicalize(&v)).unwrap();
            let report = audit(&lines);
            assert!(
                names(&report, seq as u64),
                "changing entry {seq} at {} went unnamed: {:?}",
                path.join("."),
                report.failures
            );
            checked += 1;
        }
    }
    assert!(checked > 300, "checked {checked} alterations");
}

#[test]
fn changing_raw_bytes_is_detected() {
    let e = export();
    let seq = 40;
    let mut lines = e.lines.clone();
    // Same JSON, not canonical: a space after a colon.
    lines[1 + seq] = lines[1 + seq].replacen("\":", "\": ", 1);
    let r = audit(&lines);
    assert!(names(&r, seq as u64), "{:?}", r.failures);
    assert!(says(&r, "canonical"), "{:?}", r.failures);
}

#[test]
fn deleting_inserting_reordering_and_truncating_are_detected() {
    let e = export();
    let n = entry_count();
    // Deleted from the middle.
    let mut lines = e.lines.clone();
    lines.remove(1 + 300);
    let r = audit(&lines);
    assert!(names(&r, 300), "delete: {:?}", r.failures);
    // Inserted (a duplicate).
    let mut lines = e.lines.clone();
    let dup = lines[1 + 200].clone();
    lines.insert(1 + 201, dup);
    let r = audit(&lines);
    assert!(names(&r, 201), "insert: {:?}", r.failures);
    // Two entries swapped.
    let mut lines = e.lines.clone();
    lines.swap(1 + 100, 1 + 101);
    let r = audit(&lines);
    assert!(
        names(&r, 100) && names(&r, 101),
        "reorder: {:?}",
        r.failures
    );
    // Truncated: the last entries gone, checkpoints kept.
    let mut lines = e.lines.clone();
    lines.drain(1 + n - 3..1 + n);
    let r = audit(&lines);
    assert!(
        !r.ok() && says(&r, "entries missing at the end"),
        "truncate: {:?}",
        r.failures
    );
}

#[test]
fn altered_or_missing_checkpoints_are_detected() {
    let e = export();
    let n = entry_count();
    let first_cp = 1 + n;
    let last_cp = e.lines.len() - 1;
    let edit = |i: usize, f: &dyn Fn(&str) -> String| {
        let mut lines = e.lines.clone();
        let v: Value = serde_json::from_str(&lines[i]).unwrap();
        let note = f(v["checkpoint"].as_str().unwrap());
        lines[i] = serde_json::json!({ "checkpoint": note }).to_string();
        audit(&lines)
    };
    // A different size, a different root, a damaged signature.
    let r = edit(last_cp, &|note| {
        let mut l: Vec<&str> = note.split('\n').collect();
        let size = (l[1].parse::<u64>().unwrap() - 1).to_string();
        l[1] = &size;
        l.join("\n")
    });
    assert!(checkpoint_signature_fails(&r), "size: {:?}", r.failures);
    let r = edit(first_cp, &|note| {
        let mut l: Vec<String> = note.split('\n').map(String::from).collect();
        l[2] = suyuan_format::encoding::b64(&[7u8; 32]);
        l.join("\n")
    });
    assert!(says(&r, "checkpoint"), "root: {:?}", r.failures);
    // One bit of the signature itself (past the 4-byte key hash) flipped in
    // the decoded bytes: replacing base64 letters changes nothing in the runs
    // whose random signature lacks them.
    let r = edit(last_cp, &|note| {
        let (text, sig_line) = note.split_once("\n\n").unwrap();
        let (prefix, b64) = sig_line.trim_end().rsplit_once(' ').unwrap();
        let mut bytes = suyuan_format::encoding::unb64(b64).unwrap();
        bytes[4 + 10] ^= 0x01;
        let b64 = suyuan_format::encoding::b64(&bytes);
        format!("{text}\n\n{prefix} {b64}\n")
    });
    assert!(
        checkpoint_signature_fails(&r),
        "signature: {:?}",
        r.failures
    );
    // All checkpoints dropped: nothing vouches for the entries.
    let lines: Vec<String> = e.lines[..first_cp].to_vec();
    let r = audit(&lines);
    assert!(says(&r, "no valid checkpoint"), "{:?}", r.failures);
}

#[test]
fn every_line_must_end_in_a_newline_and_none_may_be_empty() {
    let e = export();
    // The whole file without its final newline.
    let text = e.lines.join("\n");
    let r = audit_export(text.as_bytes(), e.key.clone(), &|_| {}).unwrap();
    assert!(says(&r, "has no final newline"), "{:?}", r.failures);
    // Cut in the middle of an entry: the last line is unterminated and not an entry.
    let text = e.lines[..10].join("\n") + "\n" + &e.lines[10][..40];
    let r = audit_export(text.as_bytes(), e.key.clone(), &|_| {}).unwrap();
    assert!(says(&r, "line 11 has no final newline"), "{:?}", r.failures);
    // A blank line between entries.
    let mut lines = e.lines.clone();
    lines.insert(5, String::new());
    let r = audit(&lines);
    assert!(says(&r, "line 6 is empty"), "{:?}", r.failures);
}

/// Exit codes (README): 0 verified, 1 any verification failure — a malformed or
/// truncated export included — and 2 for usage only.
#[test]
fn verify_exits_1_for_every_failure_and_2_for_usage_only() {
    let e = export();
    let tmp = tempfile::tempdir().unwrap();
    let key = e.key_text.clone();
    let write = |name: &str, text: &str| {
        let p = tmp.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let whole = e.lines.join("\n") + "\n";
    let cases = [
        ("good.jsonl", whole.clone(), 0),
        ("no-newline.jsonl", e.lines.join("\n"), 1),
        (
            "bad-header.jsonl",
            format!(
                "{{\"format\":\"nope\"}}\n{}",
                &whole[whole.find('\n').unwrap() + 1..]
            ),
            1,
        ),
        ("not-json.jsonl", "this is not an export\n".to_string(), 1),
        ("empty.jsonl", String::new(), 1),
    ];
    for (name, text, code) in cases {
        let file = write(name, &text);
        let o = SUYUAN.verify_export(&file, &key);
        assert_eq!(o.status.code(), Some(code), "{name}: {}", stderr(&o));
    }
    let file = write("usage.jsonl", &whole);
    let usage: [&[&str]; 3] = [
        &["verify", "--export", file.to_str().unwrap()],
        &[
            "verify",
            "--export",
            file.to_str().unwrap(),
            "--log-key",
            "not-a-key",
        ],
        &[
            "verify",
            "--export",
            "/nonexistent/export.jsonl",
            "--log-key",
            &key,
        ],
    ];
    for args in usage {
        let o = SUYUAN.run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    }
}
