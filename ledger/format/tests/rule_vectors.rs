//! Portable vectors for the event rules of docs/FORMAT.md §2 and §2.3: one real event of
//! each type from the fixture scenario (accepted), and single alterations of them, each
//! refused on the field the spec names. The cases are written here with the field each
//! must be refused on; the test checks the library against them and that
//! `fixtures/vectors/events/rules.json` holds exactly these cases
//! (`UPDATE_VECTORS=1 cargo test --test rule_vectors` rewrites it), so an independent
//! verifier can be held to the same file.

use serde_json::{json, Value};
use suyuan_format::event::Event;

/// The scenario's event with this client id. Scenario files write a reference to an
/// earlier entry as `"@entry:<client_id>"`, which `suyuan seed` replaces with that entry's
/// hash before signing; here each becomes the BLAKE3 hash of the placeholder.
fn scenario_event(client_id: &str) -> Value {
    fn resolve(v: &mut Value) {
        match v {
            Value::String(s) if s.starts_with("@entry:") => {
                *s = blake3::hash(s.as_bytes()).to_hex().to_string();
            }
            Value::Array(a) => a.iter_mut().for_each(resolve),
            Value::Object(o) => o.values_mut().for_each(resolve),
            _ => {}
        }
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/scenario/events.jsonl"
    );
    let mut event = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["event"].clone())
        .find(|e| e["client_id"] == client_id)
        .unwrap_or_else(|| panic!("scenario event {client_id}"));
    resolve(&mut event);
    event
}

/// Sets (or with `None` removes) the member at a dotted path (`body.lines.0.quantity`).
fn set(event: &Value, path: &str, value: Option<Value>) -> Value {
    let mut e = event.clone();
    let parts: Vec<&str> = path.split('.').collect();
    let mut cur = &mut e;
    for p in &parts[..parts.len() - 1] {
        cur = match p.parse::<usize>() {
            Ok(i) => &mut cur[i],
            Err(_) => &mut cur[*p],
        };
    }
    let last = parts[parts.len() - 1];
    match value {
        Some(v) => match last.parse::<usize>() {
            // One past the end appends.
            Ok(i) if i == cur.as_array().map_or(0, Vec::len) => cur.as_array_mut().unwrap().push(v),
            Ok(i) => cur[i] = v,
            Err(_) => cur[last] = v,
        },
        None => {
            cur.as_object_mut().unwrap().remove(last);
        }
    }
    e
}

/// (name, base event's client id, path, new value or removal, refused on field).
type Alteration = (
    &'static str,
    &'static str,
    &'static str,
    Option<Value>,
    &'static str,
);

fn alterations() -> Vec<Alteration> {
    const HARVEST: &str = "zhangshuhu:harvest:ZSH2604Q18";
    const ORDER: &str = "landao_mall:order:LD202605180001";
    const REVIEW: &str = "c1:review:LD202605180001";
    const PACK: &str = "tclc:pack:SE26052200000";
    const FAILED: &str = "straits_lab:report:SFT-2026-06-1187";
    const RECALL: &str = "pingtan_amr:recall:PTAMR-ZH-2026-017";
    const REGISTER: &str = "registry:register:zhangshuhu";
    const CORRECT: &str = "straits_express:correct:SEM-TXG-PTN-260626:0";
    const PAY: &str = "straits_pay:pay:SP20260518037001";
    let weak = "ed25519:AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    vec![
        // Common to every event (§2).
        (
            "a float",
            HARVEST,
            "what.quantity.value",
            Some(json!(1420.5)),
            "what.quantity.value",
        ),
        (
            "an object written as a list",
            HARVEST,
            "what.quantity",
            Some(json!(["1420", "KGM"])),
            "what.quantity",
        ),
        (
            "a lower-case t in the time",
            HARVEST,
            "time",
            Some(json!("2026-04-18t11:30:00+08:00")),
            "time",
        ),
        (
            "a time without an offset",
            HARVEST,
            "time",
            Some(json!("2026-04-18T11:30:00")),
            "time",
        ),
        (
            "an unknown member",
            HARVEST,
            "colour",
            Some(json!("green")),
            "colour",
        ),
        (
            "an unknown event type",
            HARVEST,
            "type",
            Some(json!("harvest")),
            "type",
        ),
        (
            "a client id with a space",
            HARVEST,
            "client_id",
            Some(json!("a b")),
            "client_id",
        ),
        (
            "an item named twice",
            ORDER,
            "what.items.1",
            Some(json!("01/04719865001270/10/AL2604Q1/21/00001")),
            "what.items[1]",
        ),
        (
            "a bad GLN check digit",
            ORDER,
            "where.gln",
            Some(json!("6971208000633")),
            "where.gln",
        ),
        (
            "not a CBV business step",
            ORDER,
            "why.biz_step",
            Some(json!("selling")),
            "why.biz_step",
        ),
        (
            "a weak signing key",
            HARVEST,
            "key",
            Some(json!(weak)),
            "key",
        ),
        // production
        (
            "no quantity made",
            HARVEST,
            "what.quantity",
            None,
            "what.quantity",
        ),
        (
            "a quantity of zero",
            HARVEST,
            "what.quantity.value",
            Some(json!("0")),
            "what.quantity.value",
        ),
        (
            "a signed date",
            HARVEST,
            "body.produced",
            Some(json!("+2026-04-18")),
            "body.produced",
        ),
        (
            "expiry before production",
            HARVEST,
            "body.expiry",
            Some(json!("2026-04-17")),
            "body.expiry",
        ),
        // inspection
        (
            "a pass over the limit",
            FAILED,
            "body.verdict",
            Some(json!("pass")),
            "body.verdict",
        ),
        (
            "no results",
            FAILED,
            "body.results",
            Some(json!([])),
            "body.results",
        ),
        // trade
        (
            "a line of zero tins",
            ORDER,
            "body.lines.0.quantity",
            Some(json!("0")),
            "body.lines[0].quantity",
        ),
        (
            "goods not the sum of the lines",
            ORDER,
            "body.lines.0.unit_price.amount",
            Some(json!("369.00")),
            "body.goods.amount",
        ),
        (
            "a total that does not add up",
            ORDER,
            "body.total.amount",
            Some(json!("1.00")),
            "body.total.amount",
        ),
        (
            "two currencies",
            ORDER,
            "body.freight.currency",
            Some(json!("TWD")),
            "body.freight.currency",
        ),
        // payment
        (
            "a negative amount",
            PAY,
            "body.amount.amount",
            Some(json!("-1.00")),
            "body.amount.amount",
        ),
        // logistics
        (
            "packing without a parent",
            PACK,
            "what.parent",
            None,
            "what.parent",
        ),
        // review
        (
            "a rating of 6",
            REVIEW,
            "body.rating",
            Some(json!(6)),
            "body.rating",
        ),
        (
            "not a language tag",
            REVIEW,
            "body.lang",
            Some(json!("chinese")),
            "body.lang",
        ),
        ("no order", REVIEW, "body.order_no", None, "body"),
        (
            "a short buyer salt",
            REVIEW,
            "body.buyer_salt",
            Some(json!("abc")),
            "body.buyer_salt",
        ),
        // recall
        (
            "a class spelled by serde",
            RECALL,
            "body.severity",
            Some(json!("class_i_i")),
            "body.severity",
        ),
        (
            "a unit recalled, not a lot",
            RECALL,
            "what.items.0",
            Some(json!("01/04713372005080/10/GM260511/21/1")),
            "what.items[0]",
        ),
        // registration
        (
            "a key listed twice",
            REGISTER,
            "body.keys.1",
            Some(Value::Null),
            "body.keys[1]",
        ),
        (
            "a weak key registered",
            REGISTER,
            "body.keys.0",
            Some(json!(weak)),
            "body.keys[0]",
        ),
        (
            "no roles",
            REGISTER,
            "body.roles",
            Some(json!([])),
            "body.roles",
        ),
        // correction
        (
            "a correction naming items",
            CORRECT,
            "what",
            Some(json!({"items": ["01/04719865001270/10/AL2604Q1"]})),
            "what",
        ),
    ]
}

fn cases() -> Vec<Value> {
    let bases = [
        "registry:register:zhangshuhu",
        "zhangshuhu:harvest:ZSH2604Q18",
        "straits_lab:report:SFT-2026-06-1187",
        "pingtan_customs:accept:AL2604Q1:Q",
        "landao_mall:order:LD202605180001",
        "straits_pay:pay:SP20260518037001",
        "tclc:pack:SE26052200000",
        "pingtan_customs:declared:35112026I000010451",
        "c1:review:LD202605180001",
        "pingtan_amr:recall:PTAMR-ZH-2026-017",
        "straits_express:correct:SEM-TXG-PTN-260626:0",
    ];
    let mut cases: Vec<Value> = bases
        .iter()
        .map(|cid| {
            let e = scenario_event(cid);
            json!({"name": format!("a scenario {}", e["type"].as_str().unwrap()), "event": e, "expect": "accepted"})
        })
        .collect();
    for (name, base, path, value, field) in alterations() {
        let base = scenario_event(base);
        let value = match (path, value) {
            // The registration's own key again.
            ("body.keys.1", Some(Value::Null)) => Some(base["body"]["keys"][0].clone()),
            (_, v) => v,
        };
        cases.push(json!({"name": name, "event": set(&base, path, value), "expect": "refused", "field": field}));
    }
    cases
}

#[test]
fn the_library_refuses_each_case_on_its_field_and_the_vectors_are_current() {
    let cases = cases();
    let mut wrong = Vec::new();
    for c in &cases {
        let result = Event::parse_json(&c["event"].to_string());
        match (c["expect"].as_str().unwrap(), result) {
            ("accepted", Ok(_)) => {}
            ("accepted", Err(e)) => wrong.push(format!("{}: refused: {e}", c["name"])),
            (_, Ok(_)) => wrong.push(format!("{}: accepted", c["name"])),
            (_, Err(e)) if e.field != c["field"] => wrong.push(format!(
                "{}: refused on {} ({e}), not {}",
                c["name"], e.field, c["field"]
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    let refused = cases.iter().filter(|c| c["expect"] == "refused").count();
    assert!(refused >= 30, "{refused} refused cases");
    let doc = json!({
        "about": "Event rules of docs/FORMAT.md §2 and §2.3 that need only the event: real events of the fixture scenario (accepted) and single alterations of them, each refused on `field`. Admission rules that need the log (§8) are exercised by the test suites, not here.",
        "cases": cases,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    suyuan_testkit::vectors::check_or_update("fixtures/vectors/events/rules.json", &text);
}
