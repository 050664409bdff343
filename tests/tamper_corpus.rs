//! A tamper corpus: over a thousand single alterations of real evidence — the bundles of
//! scenario items (their entries, inclusion proofs, checkpoints, registrations, links and
//! head proofs, and every entry left out) and the receipts of the format vectors — each of which must be refused with
//! the failure named. (Exports have their own, field by field, in tests/tamper.rs.)

mod common;

use common::SUYUAN;
use serde_json::Value;
use std::collections::BTreeMap;
use suyuan_core::bundle;
use suyuan_format::checkpoint::LogKey;
use suyuan_testkit::cli::stderr;
use suyuan_testkit::scenario;

/// One alteration: its class, what was altered, and the text the refusal must contain.
struct Case {
    class: &'static str,
    what: String,
    bundle: Value,
    says: &'static str,
}

fn flip_hex(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = at % b.len();
    b[i] = if b[i] == b'0' { b'1' } else { b'0' };
    String::from_utf8(b).unwrap()
}

/// Every alteration of one bundle.
fn cases_of(bundle: &Value) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |class, what: String, says, f: &dyn Fn(&mut Value)| {
        let mut b = bundle.clone();
        f(&mut b);
        cases.push(Case {
            class,
            what,
            bundle: b,
            says,
        });
    };
    for list in ["entries", "registrations"] {
        let n = bundle[list].as_array().unwrap().len();
        for i in 0..n {
            let entry = bundle[list][i]["entry"].as_str().unwrap().to_string();
            // A byte of the entry changed: its leaf is no longer in the tree.
            for at in [entry.len() / 5, entry.len() / 2, entry.len() * 4 / 5] {
                let mut altered = entry.clone().into_bytes();
                altered[at] = if altered[at] == b'a' { b'b' } else { b'a' };
                let text = String::from_utf8_lossy(&altered).into_owned();
                add(
                    "entry byte",
                    format!("{list}[{i}] byte {at}"),
                    "not included",
                    &|b| {
                        b[list][i]["entry"] = text.clone().into();
                    },
                );
            }
            // Each hash of its inclusion proof; one hash too many; one too few.
            let proof = bundle[list][i]["proof"].as_array().unwrap().clone();
            for (j, h) in proof.iter().enumerate() {
                let h = flip_hex(h.as_str().unwrap(), j * 7 + 3);
                add(
                    "proof hash",
                    format!("{list}[{i}].proof[{j}]"),
                    "not included",
                    &|b| {
                        b[list][i]["proof"][j] = h.clone().into();
                    },
                );
            }
            if !proof.is_empty() {
                add(
                    "proof length",
                    format!("{list}[{i}].proof shortened"),
                    "not included",
                    &|b| {
                        b[list][i]["proof"].as_array_mut().unwrap().pop();
                    },
                );
            }
            add(
                "proof length",
                format!("{list}[{i}].proof lengthened"),
                "not included",
                &|b| {
                    b[list][i]["proof"]
                        .as_array_mut()
                        .unwrap()
                        .push("00".repeat(32).into());
                },
            );
            // Listed at another position.
            let seq = bundle[list][i]["seq"].as_u64().unwrap();
            add("seq", format!("{list}[{i}].seq + 1"), "", &|b| {
                b[list][i]["seq"] = (seq + 1).into();
            });
        }
    }
    // Any entry left out — the newest of a chain (a recall appended after the sale), one
    // naming an order (a payment), a key's revocation: the head proofs show the chain or
    // document has more entries than the bundle holds.
    for list in ["entries", "registrations"] {
        for i in 0..bundle[list].as_array().unwrap().len() {
            add(
                "entry left out",
                format!("{list}[{i}] removed"),
                "entries are missing",
                &|b| {
                    b[list].as_array_mut().unwrap().remove(i);
                },
            );
        }
    }
    // The head proofs: each one altered (a path hash, the count), or left out.
    for i in 0..bundle["heads"].as_array().unwrap().len() {
        let path = bundle["heads"][i]["path"].as_array().unwrap().clone();
        if let Some(h) = path.first() {
            let h = flip_hex(h.as_str().unwrap(), i);
            add(
                "head proof",
                format!("heads[{i}].path[0]"),
                "does not verify",
                &|b| {
                    b["heads"][i]["path"][0] = h.clone().into();
                },
            );
        }
        let count = bundle["heads"][i]["count"].as_u64().unwrap();
        add(
            "head proof",
            format!("heads[{i}].count + 1"),
            "does not verify",
            &|b| {
                b["heads"][i]["count"] = (count + 1).into();
            },
        );
        add(
            "head proof",
            format!("heads[{i}] removed"),
            "no head proof",
            &|b| {
                b["heads"].as_array_mut().unwrap().remove(i);
            },
        );
    }
    // The checkpoint: each of its lines altered.
    let note = bundle["checkpoint"].as_str().unwrap().to_string();
    let lines: Vec<&str> = note.split('\n').collect();
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| !l.is_empty()) {
        let mut altered = lines.clone();
        let changed = if line.starts_with('\u{2014}') {
            flip_hex(line, line.len() - 10)
        } else if let Ok(n) = line.parse::<u64>() {
            (n + 1).to_string()
        } else {
            format!("{line}x")
        };
        altered[i] = &changed;
        let text = altered.join("\n");
        add(
            "checkpoint",
            format!("checkpoint line {i}"),
            "checkpoint",
            &|b| {
                b["checkpoint"] = text.clone().into();
            },
        );
    }
    add(
        "checkpoint",
        "an extension line added".into(),
        "checkpoint",
        &|b| {
            let mut l = lines.clone();
            l.insert(4, "extension: forged");
            b["checkpoint"] = l.join("\n").into();
        },
    );
    // How entries concern the item.
    for i in 0..bundle["entries"].as_array().unwrap().len() {
        for via in ["item", "chain", "order LD-FORGED"] {
            if bundle["entries"][i]["via"] != via {
                add("via", format!("entries[{i}].via = {via}"), "via is", &|b| {
                    b["entries"][i]["via"] = via.into();
                });
            }
        }
    }
    add("origin", "origin".into(), "checkpoint is of", &|b| {
        b["origin"] = "forged.example/log".into();
    });
    cases
}

#[test]
fn a_thousand_alterations_are_each_refused_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let key = LogKey::parse(&log_key).unwrap();
    let items = [
        "01/04719865001270/10/AL2604Q1/21/00001",
        "01/04719865001270/10/AL2604Q1/21/00017",
        "01/04713372005080/10/GM260511",
    ];
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, item) in items.iter().enumerate() {
        let out = tmp.path().join(format!("b{n}.json"));
        let o = SUYUAN.export_bundle(&store, item, &out);
        assert!(o.status.success(), "{item}: {}", stderr(&o));
        let bundle: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        let clean = bundle::verify(&bundle, &key);
        assert!(clean.ok(), "{item}: {:?}", clean.failures);
        for case in cases_of(&bundle) {
            let report = bundle::verify(&case.bundle, &key);
            assert!(
                !report.ok(),
                "{item}: {} ({}) was accepted",
                case.what,
                case.class
            );
            let said: Vec<String> = report.failures.iter().map(|f| f.to_string()).collect();
            assert!(
                said.iter().any(|f| f.contains(case.says)),
                "{item}: {} ({}) refused without saying {:?}: {said:#?}",
                case.what,
                case.class,
                case.says
            );
            *counts.entry(case.class).or_default() += 1;
        }
    }
    // The receipts of the format vectors: each proof hash and the checkpoint altered.
    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/vectors/suyuan/vectors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let log_pub =
        suyuan_format::keys::PublicKey::parse(vectors["log_key"]["public_key"].as_str().unwrap())
            .unwrap();
    for e in vectors["entries"].as_array().unwrap() {
        let receipt: suyuan_format::receipt::Receipt =
            serde_json::from_value(e["receipt"].clone()).unwrap();
        receipt
            .verify(&log_pub)
            .expect("the vector's receipt verifies");
        let value = e["receipt"].clone();
        let mut altered = Vec::new();
        for (j, _) in value["proof"]
            .as_array()
            .unwrap_or(&vec![])
            .iter()
            .enumerate()
        {
            let mut r = value.clone();
            let h = flip_hex(r["proof"][j].as_str().unwrap(), j);
            r["proof"][j] = h.into();
            altered.push(r);
        }
        let mut r = value.clone();
        r["checkpoint"] = flip_hex(r["checkpoint"].as_str().unwrap(), 40).into();
        altered.push(r);
        for r in altered {
            let refused = serde_json::from_value::<suyuan_format::receipt::Receipt>(r)
                .map_or(true, |r| r.verify(&log_pub).is_err());
            assert!(refused, "an altered receipt verified");
            *counts.entry("receipt").or_default() += 1;
        }
    }
    let total: usize = counts.values().sum();
    eprintln!("tamper corpus: {total} alterations refused and named: {counts:?}");
    assert!(total >= 1000, "only {total} alterations: {counts:?}");
}
