//! The append path reads an order's facts straight from the trade's bytes
//! (`OrderFacts::from_event_bytes`); the auditor takes them from the parsed event
//! (`OrderFacts::of`). Admission at ingest and in audits agrees only if the two do: they
//! are held to each other on every trade of the fixture scenario, and both refuse what is
//! not a trade.

use suyuan_core::admission::OrderFacts;
use suyuan_format::event::Event;

#[test]
fn both_readings_of_an_order_agree_on_every_scenario_trade() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/scenario/events.jsonl"
    );
    let (mut trades, mut others) = (0, 0);
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        if v["event"].to_string().contains("@entry:") {
            continue; // resolved only when seeded; no trade holds one
        }
        let (event, canonical) = Event::parse_json(&v["event"].to_string()).unwrap();
        let parsed = OrderFacts::of(&event);
        assert_eq!(
            OrderFacts::from_event_bytes(&canonical),
            parsed,
            "{}",
            event.client_id
        );
        match parsed {
            Some(o) => {
                trades += 1;
                assert!(!o.items.is_empty());
            }
            None => others += 1,
        }
    }
    assert!(
        trades >= 40 && others > 0,
        "{trades} trades, {others} others"
    );
}
