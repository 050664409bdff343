//! Fuzzing of every parser that reads outside input: events (JSON), submissions, entries,
//! signed notes (checkpoints), inclusion and consistency proofs, evidence bundles,
//! exports and Digital Link item paths. Each target takes inputs mutated from a corpus
//! of real ones (the fixture scenario, an export and a bundle of it, the format vectors)
//! and purely random ones, and must answer every one with a value or an error — never a
//! panic, an overflow or a hang. Mutations: byte flips, inserted and deleted runs, bytes
//! spliced from other corpus items, repeated runs, truncation, and JSON-aware ones
//! (numbers, nesting, duplicated members).
//!
//! `FUZZ_ITERATIONS` (default 2,000 per target) sets the run; `FUZZ_SEED` varies it. A
//! failing input is printed with the seed and iteration that made it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use suyuan_core::bundle;
use suyuan_core::export::audit_export;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::entry::EntryView;
use suyuan_format::event::Event;
use suyuan_format::gs1::Item;
use suyuan_format::merkle::{verify_consistency, verify_inclusion};

/// xorshift64*: fast, deterministic for a seed, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that make parsers branch: JSON punctuation, escapes, digits, UTF-8 lead bytes.
const INTERESTING: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"-",
    b"0",
    b"1e309",
    b"9007199254740993",
    b"-0",
    b"0.0",
    b"null",
    b"true",
    b"\n",
    b"\r",
    b"\t",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"%",
    b"%2F",
    b"%zz",
    b"/",
    b"01/",
    b"/10/",
    b"/21/",
    b"00/",
    b"\xe2\x80\x94 ",
    b"+",
    b"=",
    b"ed25519:",
    b"AAAA",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                let token = INTERESTING[rng.below(INTERESTING.len())];
                out.splice(i..i, token.iter().copied());
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                out.drain(i..i + n);
            }
            4 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - from).min(256));
                    let i = rng.below(len + 1);
                    out.splice(i..i, other[from..from + n].iter().copied());
                }
            }
            5 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(32));
                let run = out[i..i + n].to_vec();
                for _ in 0..1 + rng.below(8) {
                    out.splice(i..i, run.iter().copied());
                }
            }
            6 => out.truncate(rng.below(len + 1)),
            7 if len > 0 => {
                // A digit run made huge, or a number made a float.
                let i = rng.below(len);
                let token: &[u8] = if rng.below(2) == 0 {
                    b"99999999999999999999999"
                } else {
                    b".5e-7"
                };
                out.splice(i..i, token.iter().copied());
            }
            _ => {
                // Deep nesting.
                let depth = 1 + rng.below(200);
                let i = rng.below(len + 1);
                let open: Vec<u8> = std::iter::repeat_n(b'[', depth).collect();
                out.splice(i..i, open);
            }
        }
    }
    out
}

fn random(rng: &mut Rng) -> Vec<u8> {
    let n = rng.below(300);
    (0..n)
        .map(|_| match rng.below(3) {
            0 => rng.next() as u8,
            _ => b" {}[]\":,0123456789abcdef-./%+=\\"[rng.below(31)],
        })
        .collect()
}

fn iterations() -> u64 {
    std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_2026)
}

/// Runs `target` on mutated and random inputs; panics with the input on a panic.
fn fuzz(name: &str, corpus: &[Vec<u8>], target: impl Fn(&[u8])) -> u64 {
    assert!(!corpus.is_empty(), "{name}: empty corpus");
    let start = seed()
        ^ name
            .bytes()
            .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b));
    let mut rng = Rng(start | 1);
    let n = iterations();
    for i in 0..n {
        let input = if rng.below(10) == 0 {
            random(&mut rng)
        } else {
            let base = &corpus[rng.below(corpus.len())];
            mutate(&mut rng, base, corpus)
        };
        if catch_unwind(AssertUnwindSafe(|| target(&input))).is_err() {
            panic!(
                "{name}: panicked on iteration {i} (FUZZ_SEED={}) with input {:?}",
                seed(),
                String::from_utf8_lossy(&input)
            );
        }
    }
    // The corpus itself, unmutated, must not panic either.
    for input in corpus {
        target(input);
    }
    n
}

struct Corpus {
    events: Vec<Vec<u8>>,
    entries: Vec<Vec<u8>>,
    notes: Vec<Vec<u8>>,
    bundles: Vec<Vec<u8>>,
    export: Vec<u8>,
    items: Vec<Vec<u8>>,
    key: LogKey,
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// The corpus: the scenario's events, and a log built from the format vectors' entries
/// (its export, checkpoint and a bundle) — all real inputs of the parsers.
fn corpus() -> Corpus {
    let scenario = std::fs::read_to_string(root().join("fixtures/scenario/events.jsonl")).unwrap();
    let events: Vec<Vec<u8>> = scenario
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["event"].to_string().into_bytes())
        .collect();
    let items: Vec<Vec<u8>> = events
        .iter()
        .filter_map(|e| serde_json::from_slice::<serde_json::Value>(e).ok())
        .flat_map(|e| e["what"]["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i.as_str().map(|s| s.as_bytes().to_vec()))
        .take(200)
        .collect();
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/vectors/suyuan/vectors.json")).unwrap(),
    )
    .unwrap();
    let entries: Vec<Vec<u8>> = vectors["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["entry"].as_str().map(|s| s.as_bytes().to_vec()))
        .collect();
    let note = vectors["checkpoint"].as_str().unwrap().to_string();
    let key = LogKey::parse(vectors["log_key"]["verifier_key"].as_str().unwrap()).unwrap();
    let size = entries.len() as u64;
    let export = {
        let mut text =
            serde_json::json!({"format": "suyuan-export-v1", "log_key": vectors["log_key"]["verifier_key"],
            "origin": vectors["origin"], "size": entries.len()})
            .to_string();
        text.push('\n');
        for e in &entries {
            text.push_str(std::str::from_utf8(e).unwrap());
            text.push('\n');
        }
        text.push_str(&serde_json::json!({ "checkpoint": note }).to_string());
        text.push('\n');
        text.into_bytes()
    };
    // The vectors' log: three registrations, then a production and a test of one lot.
    let item = "01/04712345678900/10/AL2026A";
    let listed = |seq: u64| {
        let proof = vectors["inclusion_proofs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["index"] == seq && p["size"] == size)
            .map(|p| p["proof"].clone())
            .unwrap();
        serde_json::json!({"seq": seq, "entry": vectors["entries"][seq as usize]["entry"], "proof": proof})
    };
    let entries_listed: Vec<_> = (3..5)
        .map(|seq| {
            let mut e = listed(seq);
            e["via"] = "item".into();
            e
        })
        .collect();
    let bundle = serde_json::json!({
        "format": "suyuan-bundle-v1", "item": item, "origin": vectors["origin"], "checkpoint": note,
        "chains": [item, "actor:CN-REGISTRAR", "actor:TW-87654321", "actor:TW-LAB-0001"],
        "entries": entries_listed,
        "heads": vectors["head_proofs"],
        "registrations": (0..3).map(listed).collect::<Vec<_>>(),
    });
    Corpus {
        events,
        entries,
        notes: vec![note.into_bytes()],
        bundles: vec![bundle.to_string().into_bytes()],
        export,
        items,
        key,
    }
}

fn text(bytes: &[u8]) -> Option<&str> {
    std::str::from_utf8(bytes).ok()
}

#[test]
fn parsers_never_panic() {
    let c = corpus();
    // The seeds are real inputs that pass, so mutations start deep in each parser.
    let report = audit_export(&c.export[..], c.key.clone(), &|_| {}).unwrap();
    assert!(report.ok(), "corpus export: {:?}", report.failures);
    let b: serde_json::Value = serde_json::from_slice(&c.bundles[0]).unwrap();
    let report = bundle::verify(&b, &c.key);
    assert!(report.ok(), "corpus bundle: {:?}", report.failures);
    let mut total = 0;
    total += fuzz("event", &c.events, |b| {
        let _ = Event::parse_bytes(b);
    });
    total += fuzz("submission", &c.events, |b| {
        if let Some(t) = text(b) {
            let wrapped = format!(
                "{{\"event\":{t},\"signature\":\"{}\"}}",
                "A".repeat(86) + "=="
            );
            let _ = suyuan_format::submission::parse(&wrapped, "");
            let _ = suyuan_format::submission::parse(t, "");
        }
    });
    total += fuzz("entry", &c.entries, |b| {
        let _ = EntryView::parse(b);
        let _ = suyuan_format::entry::StoredEntry::parse(b).map(|e| e.prev());
    });
    let key = c.key.clone();
    total += fuzz("checkpoint", &c.notes, |b| {
        if let Some(t) = text(b) {
            let _ = Checkpoint::verify(t, &key);
            let _ = LogKey::parse(t.lines().next().unwrap_or_default());
        }
    });
    total += fuzz("proof", &c.entries, |b| {
        // Proof material from arbitrary bytes: indexes, sizes and hashes.
        let word = |i: usize| {
            let mut w = [0u8; 8];
            for (j, x) in w.iter_mut().enumerate() {
                *x = b.get(i * 8 + j).copied().unwrap_or(0);
            }
            u64::from_le_bytes(w) >> (b.len() % 64)
        };
        let hashes: Vec<Digest> = b
            .chunks(32)
            .take(70)
            .map(|c| {
                let mut d = [0u8; 32];
                d[..c.len()].copy_from_slice(c);
                Digest(d)
            })
            .collect();
        let (h, rest) = hashes
            .split_first()
            .map_or((Digest([0; 32]), &[][..]), |(h, r)| (*h, r));
        let _ = verify_inclusion(&h, word(0), word(1), rest, &h);
        let _ = verify_consistency(word(2), word(3), &h, &h, rest);
        let _ = verify_inclusion(&h, word(0) % 1000, 1 + word(1) % 1000, rest, &h);
        let _ = verify_consistency(word(2) % 1000, word(3) % 2000, &h, &h, rest);
    });
    let key = c.key.clone();
    total += fuzz("bundle", &c.bundles, |b| {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(b) {
            let _ = bundle::verify(&v, &key);
        }
    });
    let key = c.key.clone();
    total += fuzz("export", std::slice::from_ref(&c.export), |b| {
        let _ = audit_export(b, key.clone(), &|_| {});
    });
    total += fuzz("item", &c.items, |b| {
        if let Some(t) = text(b) {
            if let Ok(item) = Item::parse(t) {
                let _ = item.lot_item();
                let _ = Item::parse(&item.to_string()).expect("a parsed item re-parses");
            }
        }
    });
    eprintln!("fuzzed {total} inputs across 8 parsers: no panic");
}
