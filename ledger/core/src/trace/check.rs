//! Checks a trace answer offline (docs/FORMAT.md §11, "Checking a trace"): its checkpoint
//! is signed by the pinned log key; every entry it gives is well formed, signed by the
//! key it names and included in that checkpoint's tree; and every edge is made by the
//! entry it names, by the rule of §11 for its relation. What the check cannot show from
//! one page is completeness — that no edge was left out — which is why the answer is a
//! function of the entries that anyone with an export recomputes with [`super::trace`].

use super::{Facts, Key, StoredFacts, DOCUMENT_EDGES, EVENT_EDGES};
use crate::answer;
use crate::audit::{AuditReport, Failure};
use serde_json::Value;
use std::collections::BTreeMap;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::entry::EntryView;
use suyuan_format::event::{DocKind, Event};
use suyuan_format::keys::EVENT_CONTEXT;

/// The format a trace page names.
pub const TRACE_FORMAT: &str = "suyuan-trace-v1";

/// Verifies one page of a trace answer (as `GET /v1/trace` serves it) with the log key
/// pinned.
pub fn verify_page(page: &Value, log_key: &LogKey) -> AuditReport {
    let cp = match answer::checkpoint(page, TRACE_FORMAT, log_key) {
        Ok(cp) => cp,
        Err(failure) => {
            return AuditReport {
                failures: vec![failure],
                ..Default::default()
            }
        }
    };
    let mut failures = Vec::new();
    let mut fail = |seq: Option<u64>, reason: String| failures.push(Failure { seq, reason });
    // The entries: each well formed, signed, and in the checkpoint's tree.
    let mut facts: BTreeMap<u64, Facts> = BTreeMap::new();
    for (i, e) in answer::listed(page, "entries").iter().enumerate() {
        match answer::entry(e, "entries", i) {
            Ok(given) => match check_entry(&given, &cp) {
                Ok(f) => {
                    if facts.insert(given.seq, f).is_some() {
                        fail(Some(given.seq), "listed twice".into());
                    }
                }
                Err(reason) => fail(Some(given.seq), reason),
            },
            Err(Failure { seq, reason }) => fail(seq, reason),
        }
    }
    // The edges: each made by its entry.
    for (i, e) in answer::listed(page, "edges").iter().enumerate() {
        let (Some(seq), Some(from), Some(to), Some(relation)) = (
            e["seq"].as_u64(),
            e["from"].as_str(),
            e["to"].as_str(),
            e["relation"].as_str(),
        ) else {
            fail(None, format!("edges[{i}] lacks seq, from, to or relation"));
            continue;
        };
        let Some(entry) = facts.get(&seq) else {
            fail(
                Some(seq),
                format!("edge {from} -{relation}-> {to} names entry {seq}, which the answer does not give"),
            );
            continue;
        };
        if let Err(why) = made_by(entry, from, to, relation) {
            fail(
                Some(seq),
                format!("entry {seq} does not make edge {from} -{relation}-> {to}: {why}"),
            );
        }
    }
    AuditReport {
        entries: facts.len() as u64,
        tree_size: cp.size,
        checkpoints: 1,
        root: cp.root,
        failures,
    }
}

/// One entry of the answer: included, parsed, its event id and signature checked.
fn check_entry(given: &answer::Listed<'_>, cp: &Checkpoint) -> Result<Facts, String> {
    given.included(cp)?;
    let bytes = given.text.as_bytes();
    let view = EntryView::parse(bytes).map_err(|e| e.to_string())?;
    if view.seq != given.seq {
        return Err(format!(
            "listed as entry {}, but it is entry {}",
            given.seq, view.seq
        ));
    }
    let event = Event::parse_bytes(&view.event_bytes).map_err(|e| format!("invalid event: {e}"))?;
    event
        .key
        .verify(EVENT_CONTEXT, &view.event_bytes, &view.signature)
        .map_err(|_| format!("signature does not verify against key {}", event.key))?;
    let stored: StoredFacts = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let mut facts = stored.signed.event;
    facts.seq = given.seq;
    Ok(facts)
}

/// Whether `e` makes the edge `from -relation-> to`, by §11's rule for the relation.
fn made_by(e: &Facts, from: &str, to: &str, relation: &str) -> Result<(), String> {
    let names = |key: &str| {
        e.lists(key)
            || e.what.parent.as_deref() == Some(key)
            || e.what.inputs.iter().any(|i| i == key)
    };
    let number = |key: &str, kind: DocKind| match Key::parse(key) {
        Ok(Key::Document(k, n)) if k == kind => Ok(n),
        _ => Err(format!("{key} is not a {} key", kind.as_str())),
    };
    let doc_is = |field: &str, key: &str, kind: DocKind| -> Result<(), String> {
        let n = number(key, kind)?;
        match e.doc(field) {
            Some(v) if v == n => Ok(()),
            Some(v) => Err(format!("its {field} is {v}, not {n}")),
            None => Err(format!("it has no {field}")),
        }
    };
    let need = |ok: bool, why: &str| if ok { Ok(()) } else { Err(why.to_string()) };
    match relation {
        "unit_of_lot" => {
            need(
                to.starts_with(&format!("{from}/21/")),
                "the unit is not of that lot",
            )?;
            need(names(to), "it does not name the unit")
        }
        "lot_of_product" => {
            need(
                to.starts_with(&format!("{from}/10/")),
                "the lot is not of that product",
            )?;
            need(names(to), "it does not name the lot")
        }
        "packed_into" => {
            need(
                e.kind == "logistics" && e.body.status == "packed",
                "it is not a packing",
            )?;
            need(
                e.what.parent.as_deref() == Some(to),
                "it packs into another container",
            )?;
            need(e.lists(from), "it does not list what was packed")
        }
        "input_to" => {
            need(e.kind == "production", "it is not a production")?;
            need(
                e.what.inputs.iter().any(|i| i == from),
                "the input is not among its inputs",
            )?;
            need(e.lists(to), "the output is not among its items")
        }
        "ordered_in" => {
            need(e.kind == "trade", "it is not a trade")?;
            need(e.lists(from), "it does not list the item")?;
            doc_is("order_no", to, DocKind::Order)
        }
        "bought_by" => {
            need(e.kind == "trade", "it is not a trade")?;
            doc_is("order_no", from, DocKind::Order)?;
            let buyer = to
                .strip_prefix("buyer:")
                .ok_or("the buyer key is not buyer:…")?;
            need(
                e.doc("buyer_commitment") == Some(buyer),
                "its buyer commitment differs",
            )
        }
        "shipped_under" | "declared_in" | "paid_by" => {
            let (field, kind, _) = DOCUMENT_EDGES
                .into_iter()
                .find(|d| d.2 == relation)
                .expect("a document relation");
            doc_is(field, to, kind)?;
            // From an item the entry lists, or from the order the entry names.
            match Key::parse(from) {
                Ok(Key::Document(DocKind::Order, _)) => doc_is("order_no", from, DocKind::Order),
                Ok(Key::Document(..)) => Err(format!("{from} cannot be {relation}")),
                _ => need(e.lists(from), "it does not list the item"),
            }
        }
        "produced" | "tested" | "accepted" | "recalled" => {
            let (kind, _) = EVENT_EDGES
                .into_iter()
                .find(|d| d.1 == relation)
                .expect("an event relation");
            need(
                from == format!("entry:{}", e.seq),
                "the event node is another entry",
            )?;
            need(e.kind == kind, &format!("it is not a {kind}"))?;
            need(e.lists(to), "it does not list the lot or unit")
        }
        other => Err(format!("unknown relation {other}")),
    }
}
