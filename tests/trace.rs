//! Trace and recall scope end to end (docs/FORMAT.md §11): `suyuan trace` and
//! `suyuan recall-scope` on the seeded scenario, against what the scenario's own events
//! connect (computed here from the event files, independently); the same answers over
//! HTTP, paged and as CSV; every edge's entry proven and really making the edge; bad and
//! unknown keys; and a packing cycle that must not loop.

mod common;

use common::SUYUAN;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::merkle::verify_inclusion;
use suyuan_testkit::cli::stdout;
use suyuan_testkit::http::{get, post, Server};
use suyuan_testkit::scenario;
use suyuan_testkit::world::{event, World};

const LOT: &str = "01/04713372005080/10/GM260511";

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// What the scenario's events connect to the lot, computed from the event files: its
/// units, the parcels and pallets they were packed into (transitively), the orders of
/// the trades listing them, and the declarations and waybills of entries listing them.
struct Expected {
    units: BTreeSet<String>,
    containers: BTreeSet<String>,
    orders: BTreeSet<String>,
    declarations: BTreeSet<String>,
}

fn expected() -> Expected {
    let events = scenario::events();
    let mut units: BTreeSet<String> = BTreeSet::new();
    for e in &events {
        for i in strings(&e["what"]["items"]) {
            if i.starts_with(&format!("{LOT}/21/")) {
                units.insert(i);
            }
        }
    }
    let mut reached: BTreeSet<String> = units.clone();
    reached.insert(LOT.to_string());
    let mut containers = BTreeSet::new();
    loop {
        let before = containers.len();
        for e in &events {
            if e["type"] == "logistics" && e["body"]["status"] == "packed" {
                let parent = e["what"]["parent"].as_str().unwrap_or_default().to_string();
                if strings(&e["what"]["items"])
                    .iter()
                    .any(|i| reached.contains(i) || containers.contains(i))
                {
                    containers.insert(parent);
                }
            }
        }
        if containers.len() == before {
            break;
        }
    }
    let listed = |e: &Value| {
        strings(&e["what"]["items"])
            .iter()
            .any(|i| reached.contains(i) || containers.contains(i))
    };
    let orders = events
        .iter()
        .filter(|e| e["type"] == "trade" && listed(e))
        .map(|e| format!("order:{}", e["body"]["order_no"].as_str().unwrap()))
        .collect();
    let declarations = events
        .iter()
        .filter(|e| e["type"] == "clearance" && listed(e))
        .map(|e| {
            format!(
                "declaration:{}",
                e["body"]["declaration_no"].as_str().unwrap()
            )
        })
        .collect();
    Expected {
        units,
        containers,
        orders,
        declarations,
    }
}

fn of_kind(trace: &Value, kind: &str) -> BTreeSet<String> {
    trace["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind)
        .map(|n| n["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_recalled_lot_is_traced_to_every_parcel_order_and_declaration_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let data = store.to_str().unwrap();
    let out = SUYUAN.run(&["trace", LOT, "--forward", "--json", "--data", data]);
    assert!(out.status.success(), "{}", stdout(&out));
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = expected();
    assert_eq!(of_kind(&t, "unit"), want.units);
    assert_eq!(want.units.len(), 60);
    assert_eq!(of_kind(&t, "container"), want.containers);
    assert_eq!(of_kind(&t, "order"), want.orders);
    let declarations: BTreeSet<String> = of_kind(&t, "declaration");
    assert!(
        want.declarations.is_subset(&declarations),
        "{declarations:?}"
    );
    // The pallet events name one order (of another lot's tea): it is not in the scope.
    let text = t.to_string();
    assert!(
        !text.contains("LD202605180001"),
        "a pallet's order leaked into the trace"
    );
    assert!(
        t["next"].is_null()
            && t["total_edges"].as_u64().unwrap() as usize == t["edges"].as_array().unwrap().len()
    );

    // Every edge: its entry is included in the checkpoint and really makes the edge.
    let key = LogKey::parse(&log_key).unwrap();
    let cp = Checkpoint::verify(t["checkpoint"].as_str().unwrap(), &key).unwrap();
    let mut entries = std::collections::HashMap::new();
    for e in t["entries"].as_array().unwrap() {
        let seq = e["seq"].as_u64().unwrap();
        let bytes = e["entry"].as_str().unwrap().as_bytes();
        let proof: Vec<Digest> = strings(&e["proof"])
            .iter()
            .map(|h| Digest::from_hex(h).unwrap())
            .collect();
        verify_inclusion(
            &suyuan_format::hash::leaf_hash(bytes),
            seq,
            cp.size,
            &proof,
            &cp.root,
        )
        .unwrap_or_else(|e| panic!("entry {seq}: {e}"));
        let entry: Value = serde_json::from_slice(bytes).unwrap();
        entries.insert(seq, entry["signed"]["event"].clone());
    }
    for edge in t["edges"].as_array().unwrap() {
        let ev = &entries[&edge["seq"].as_u64().unwrap()];
        let (from, to) = (edge["from"].as_str().unwrap(), edge["to"].as_str().unwrap());
        let items = strings(&ev["what"]["items"]);
        match edge["relation"].as_str().unwrap() {
            "packed_into" => {
                assert!(
                    items.iter().any(|i| i == from) && ev["what"]["parent"] == to,
                    "{edge}"
                )
            }
            "ordered_in" => assert!(
                ev["type"] == "trade"
                    && items.iter().any(|i| i == from)
                    && to == format!("order:{}", ev["body"]["order_no"].as_str().unwrap()),
                "{edge}"
            ),
            "unit_of_lot" => assert!(
                to.starts_with(&format!("{from}/21/")) && items.iter().any(|i| i == to),
                "{edge}"
            ),
            "declared_in" | "shipped_under" | "paid_by" | "bought_by" => {}
            other => panic!("unexpected relation {other} in a forward trace of a lot"),
        }
    }

    // The recall scope counts them by state.
    let out = SUYUAN.run(&["recall-scope", LOT, "--json", "--data", data]);
    assert!(out.status.success(), "{}", stdout(&out));
    let scope: Value = serde_json::from_slice(&out.stdout).unwrap();
    let total = |field: &str| -> u64 {
        let counts = scope[field].as_object().unwrap();
        counts.values().map(|n| n.as_u64().unwrap()).sum()
    };
    let units = total("units");
    assert_eq!(units, 61, "the 60 units and the lot: {scope}");
    let containers = total("containers");
    assert_eq!(containers as usize, want.containers.len());
    let notified: BTreeSet<String> = scope["notify"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["order"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(notified, want.orders);
    assert!(scope["notify"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["buyers"].as_array().unwrap().len() == 1
            && n["buyers"][0].as_str().unwrap().len() == 64));
    let text = SUYUAN.run(&["recall-scope", LOT, "--data", data]);
    assert!(
        stdout(&text).contains("orders whose buyers must be told: 9"),
        "{}",
        stdout(&text)
    );

    // Backward from a tea unit: its lot, the refined lot it was packed from, the leaf.
    let out = SUYUAN.run(&[
        "trace",
        "https://id.example.com/01/04719865001270/10/AL2604Q1/21/00001",
        "--backward",
        "--json",
        "--data",
        data,
    ]);
    let back: Value = serde_json::from_slice(&out.stdout).unwrap();
    let lots = of_kind(&back, "lot");
    for lot in [
        "01/04719865001270/10/AL2604Q1",
        "01/04719865001034/10/AL2604Q1",
        "01/04716283000113/10/ZSH2604Q18",
    ] {
        assert!(lots.contains(lot), "{lots:?}");
    }
    assert!(back["nodes"].as_array().unwrap().iter().any(
        |n| n["kind"] == "event" && n["what"].as_str().unwrap_or("").starts_with("inspection")
    ));

    // Over HTTP: the same trace, paged and as CSV.
    let server = Server::start(SUYUAN, &store);
    let url = |q: &str| server.url(&format!("/v1/trace?key={LOT}{q}"));
    let full = get(&url(""), "application/json").json();
    assert_eq!(full["edges"], t["edges"]);
    let mut paged = Vec::new();
    let mut after = Some(0u64);
    while let Some(a) = after {
        let page = get(&url(&format!("&limit=50&after={a}")), "application/json").json();
        paged.extend(page["edges"].as_array().unwrap().iter().cloned());
        after = page["next"].as_u64();
    }
    assert_eq!(Value::Array(paged), t["edges"]);
    let csv = get(&url("&format=csv"), "text/csv").text();
    assert_eq!(
        csv.lines().count(),
        t["edges"].as_array().unwrap().len() + 1
    );
    assert!(csv.starts_with("seq,relation,from,from_kind,from_state,to,to_kind,to_state\n"));
    let scope_http = get(
        &server.url(&format!("/v1/recall-scope?key={LOT}")),
        "application/json",
    )
    .json();
    assert_eq!(scope_http, scope);
    let out = SUYUAN.run(&["trace", LOT, "--json", "--server", &server.base]);
    let via_server: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(via_server["edges"], t["edges"]);

    // The recall reaches every parcel and pallet the lot went into: its page warns first,
    // its history holds the recall, and its evidence bundle verifies.
    for container in &want.containers {
        let page = get(&server.url(&format!("/{container}?lang=en")), "text/html").text();
        let alert = page
            .find(r#"data-alert="recall""#)
            .unwrap_or_else(|| panic!("{container}: no recall warning"));
        assert!(
            alert < page.find(r#"class="hero""#).unwrap(),
            "{container}: the warning comes first"
        );
        let history = get(
            &server.url(&format!("/v1/history/{container}")),
            "application/json",
        )
        .json();
        assert!(
            history["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["event"]["type"] == "recall"),
            "{container}"
        );
        let bundle = get(
            &server.url(&format!("/v1/bundle/{container}")),
            "application/json",
        )
        .json();
        let report = suyuan_core::bundle::verify(&bundle, &key);
        assert!(report.ok(), "{container}: {:?}", report.failures);
    }

    // Bad input: named.
    let bad = get(
        &server.url("/v1/trace?key=01/04713372005081/10/GM260511"),
        "application/json",
    );
    assert_eq!(bad.status, 400, "{}", bad.text());
    assert!(bad.text().contains("check digit"), "{}", bad.text());
    let unknown = get(
        &server.url("/v1/trace?key=01/04713372005080/10/NOPE"),
        "application/json",
    );
    assert_eq!(unknown.status, 404);
    assert!(unknown
        .text()
        .contains("01/04713372005080/10/NOPE is not in the log"));
    assert_eq!(
        get(&url("&direction=sideways"), "application/json").status,
        400
    );
    assert_eq!(get(&url("&limit=0"), "application/json").status, 400);
    assert_eq!(
        get(&server.url("/v1/trace?key=invoice:1"), "application/json").status,
        400
    );
    server.stop();
}

#[test]
fn a_packing_cycle_does_not_loop() {
    let w = World::create(SUYUAN);
    let server = w.start();
    w.register_all(&server);
    let lot = format!("01/{}/10/CYC1", suyuan_testkit::world::GTIN);
    let unit = format!("{lot}/21/1");
    let (a, b) = ("00/047100000000000011", "00/047100000000000028");
    let pack = |id: &str, item: &str, parent: &str| {
        let mut ev = event(
            &w.carrier,
            "logistics",
            id,
            json!([item]),
            json!({"waybill_no": "W-CYC", "order_no": "CYC-O1", "status": "packed", "location": "Taichung Port"}),
        );
        ev["what"]["parent"] = json!(parent);
        w.carrier.sign(ev).to_json()
    };
    for ev in [
        w.production("CYC1", "cyc-prod"),
        w.trade("CYC-O1", &unit, "cyc-trade"),
        pack("cyc-1", &unit, a),
        pack("cyc-2", a, b),
        pack("cyc-3", b, a),
    ] {
        let r = post(&server.url("/v1/events"), &ev);
        assert!(r.status == 200 || r.status == 201, "{}", r.text());
    }
    let t = get(
        &server.url(&format!("/v1/trace?key={unit}")),
        "application/json",
    )
    .json();
    assert_eq!(of_kind(&t, "container"), [a, b].map(String::from).into());
    let t = get(
        &server.url(&format!("/v1/trace?key={a}&direction=backward")),
        "application/json",
    )
    .json();
    assert!(of_kind(&t, "unit").contains(&unit));
    server.stop();
}

/// `suyuan verify --trace` checks an answer offline: forward and backward answers of the
/// scenario verify; an edge moved to another container, an edge naming an entry that
/// does not make it, and an altered entry each fail, named.
#[test]
fn verify_trace_checks_every_edge_against_its_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, log_key) = scenario::seeded(SUYUAN, tmp.path());
    let data = store.to_str().unwrap();
    let verify = |name: &str, page: &Value| {
        let file = tmp.path().join(name);
        std::fs::write(&file, page.to_string()).unwrap();
        SUYUAN.run(&[
            "verify",
            "--trace",
            file.to_str().unwrap(),
            "--log-key",
            &log_key,
        ])
    };
    let answer = |args: &[&str]| -> Value {
        let out = SUYUAN.run(&[&["trace"], args, &["--json", "--data", data]].concat());
        assert!(out.status.success(), "{}", stdout(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let forward = answer(&[LOT, "--forward"]);
    let some_unit = of_kind(&forward, "unit").into_iter().next().unwrap();
    let backward = answer(&[&some_unit, "--backward"]);
    assert!(
        backward["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["relation"] == "tested"),
        "the backward trace reaches the lot's test: {backward}"
    );
    for (name, page) in [("forward.json", &forward), ("backward.json", &backward)] {
        let out = verify(name, page);
        assert!(out.status.success(), "{name}: {}", stdout(&out));
        assert!(stdout(&out).starts_with("OK: "), "{}", stdout(&out));
    }

    // An edge moved to another container than its entry packs into.
    let edges = forward["edges"].as_array().unwrap();
    let i = edges
        .iter()
        .position(|e| e["relation"] == "packed_into")
        .unwrap();
    let other = "00/047100000000000011";
    let mut moved = forward.clone();
    moved["edges"][i]["to"] = json!(other);
    let out = verify("moved.json", &moved);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!("-packed_into-> {other}"))
            && stdout(&out).contains("packs into another container"),
        "{}",
        stdout(&out)
    );

    // An edge that names an entry (in the answer) that does not make it.
    let j = edges
        .iter()
        .position(|e| e["relation"] == "ordered_in")
        .unwrap();
    let mut misnamed = forward.clone();
    misnamed["edges"][j]["seq"] = edges[i]["seq"].clone();
    let out = verify("misnamed.json", &misnamed);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("it is not a trade"),
        "{}",
        stdout(&out)
    );

    // The packing entry altered after it was proven, and then without its proof.
    let entries = forward["entries"].as_array().unwrap();
    let k = entries
        .iter()
        .position(|e| e["seq"] == edges[i]["seq"])
        .unwrap();
    let mut altered = forward.clone();
    let text = entries[k]["entry"].as_str().unwrap();
    assert!(text.contains("\"packed\""));
    altered["entries"][k]["entry"] = json!(text.replacen("\"packed\"", "\"unpacked\"", 1));
    let out = verify("altered.json", &altered);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let seq = edges[i]["seq"].as_u64().unwrap();
    assert!(
        stdout(&out).contains(&format!("FAILED entry {seq}")),
        "{}",
        stdout(&out)
    );
    let mut unproven = forward.clone();
    unproven["entries"][k]["proof"] = json!([]);
    let out = verify("unproven.json", &unproven);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("not included in the checkpoint"),
        "{}",
        stdout(&out)
    );
}
