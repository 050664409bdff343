//! `suyuan verify --bundle` against altered evidence bundles of the seeded scenario. Every
//! alteration keeps each entry's bytes, proof and the checkpoint signature intact, so
//! only the rules about what a bundle says of its entries can catch it: how each entry
//! concerns the item (`via`), which chains the item's story runs through, the origin,
//! and what is listed as a registration. Each must exit 1 and name what is wrong.

mod common;

use common::SUYUAN;
use serde_json::Value;
use std::path::Path;
use suyuan_testkit::cli::stdout;
use suyuan_testkit::scenario;

struct Seeded {
    _tmp: tempfile::TempDir,
    dir: std::path::PathBuf,
    log_key: String,
    /// A traded unit's bundle, and another traded unit's (same checkpoint).
    bundle: Value,
    other: Value,
}

fn seeded() -> Seeded {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let mut units: Vec<String> = scenario::events()
        .iter()
        .filter(|e| e["type"] == "trade")
        .flat_map(|e| e["what"]["items"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i.as_str().map(String::from))
        .filter(|i| i.contains("/21/"))
        .collect();
    units.dedup();
    let lot = |u: &str| u.split("/21/").next().unwrap().to_string();
    let first = units[0].clone();
    let second = units
        .iter()
        .find(|u| lot(u) != lot(&first))
        .expect("units of two lots")
        .clone();
    let read = |item: &str, name: &str| -> Value {
        let out = tmp.path().join(name);
        let o = SUYUAN.export_bundle(&store, item, &out);
        assert!(o.status.success(), "{}", stdout(&o));
        serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
    };
    let bundle = read(&first, "a.json");
    let other = read(&second, "b.json");
    Seeded {
        dir: tmp.path().to_path_buf(),
        _tmp: tmp,
        log_key,
        bundle,
        other,
    }
}

/// Verifies `bundle`; returns the exit code and everything printed.
fn verify(s: &Seeded, bundle: &Value, name: &str) -> (Option<i32>, String) {
    let path = s.dir.join(name);
    std::fs::write(&path, serde_json::to_vec(bundle).unwrap()).unwrap();
    let o = SUYUAN.verify_bundle(Path::new(&path), &s.log_key);
    let text = format!("{}{}", stdout(&o), String::from_utf8_lossy(&o.stderr));
    (o.status.code(), text)
}

fn assert_refused(s: &Seeded, bundle: &Value, name: &str, says: &str) {
    let (code, text) = verify(s, bundle, name);
    assert_eq!(code, Some(1), "{name}: {text}");
    assert!(text.contains(says), "{name}: expected {says:?} in\n{text}");
}

#[test]
fn altered_links_origin_and_lists_are_refused_and_named() {
    let s = seeded();
    let (code, text) = verify(&s, &s.bundle, "untouched.json");
    assert_eq!(code, Some(0), "{text}");

    // Every entry's `via`, changed to each other way of reaching the item or removed.
    let entries = s.bundle["entries"].as_array().unwrap();
    let vias: Vec<String> = {
        let mut v: Vec<String> = entries
            .iter()
            .map(|e| e["via"].as_str().unwrap().to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    assert!(
        vias.len() >= 3,
        "the bundle reaches its item in several ways: {vias:?}"
    );
    let mut cases = 0;
    for i in 0..entries.len() {
        let own = entries[i]["via"].as_str().unwrap().to_string();
        for other in vias.iter().filter(|v| **v != own).take(2) {
            let mut b = s.bundle.clone();
            b["entries"][i]["via"] = other.as_str().into();
            assert_refused(&s, &b, "via.json", "via is");
            cases += 1;
        }
        let mut b = s.bundle.clone();
        b["entries"][i].as_object_mut().unwrap().remove("via");
        assert_refused(&s, &b, "no-via.json", "via is missing");
        cases += 1;
    }

    // An entry of another item's story, with its valid proof, listed as this one's.
    let theirs = s.other["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| !entries.iter().any(|m| m["seq"] == e["seq"]))
        .expect("the other item has entries of its own")
        .clone();
    let mut b = s.bundle.clone();
    b["entries"].as_array_mut().unwrap().push(theirs);
    assert_refused(&s, &b, "foreign.json", "no link of the entries leads to it");

    // The origin says another log.
    let mut b = s.bundle.clone();
    b["origin"] = "another.example/log".into();
    assert_refused(&s, &b, "origin.json", "but its checkpoint is of");

    // An event entry moved under `registrations`.
    let mut b = s.bundle.clone();
    let moved = b["entries"].as_array_mut().unwrap().remove(0);
    b["registrations"].as_array_mut().unwrap().push(moved);
    assert_refused(
        &s,
        &b,
        "registrations.json",
        "listed under registrations, but it is a",
    );

    // A chain of the story (the lot's) left out of `chains`.
    let lot = s.bundle["item"]
        .as_str()
        .unwrap()
        .split("/21/")
        .next()
        .unwrap()
        .to_string();
    let mut b = s.bundle.clone();
    b["chains"]
        .as_array_mut()
        .unwrap()
        .retain(|c| c != lot.as_str());
    assert_refused(
        &s,
        &b,
        "chains.json",
        &format!("chain {lot}, which the bundle does not give"),
    );
    assert!(cases >= 2 * entries.len(), "{cases} via cases");
}
