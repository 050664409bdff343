//! The regulator's export (FSMA 204, 21 CFR 1.1455(c)(3)(ii): "an electronic sortable
//! spreadsheet" of the key data elements within 24 hours): one row per critical tracking
//! event and traceability lot, computed from the entries (docs/FORMAT.md §12), for a
//! lot, a product or every lot, within a date range.
//!
//! A lot's rows are its own production or transformation, and the shipping and receiving
//! of its units and of the containers they travelled in (within the windows the forward
//! trace follows), each with the quantity of that lot's units it moved.

use crate::storage::{LogReader, StorageError};
use crate::trace::{trace, Direction, TraceError};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use suyuan_format::entry::StoredEntry;
use suyuan_format::gs1::Item;

/// The critical tracking events of 21 CFR 1 Subpart S the ledger's entries record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cte {
    /// A `production` without inputs: the lot is harvested or made and its code assigned
    /// (harvesting, 1.1325; initial packing, 1.1330).
    Production,
    /// A `production` with inputs (1.1350).
    Transformation,
    /// `logistics` `picked_up` or `departed` (1.1340).
    Shipping,
    /// `logistics` `arrived`, `stored` or `delivered` (1.1345).
    Receiving,
}

impl Cte {
    pub fn as_str(self) -> &'static str {
        match self {
            Cte::Production => "production",
            Cte::Transformation => "transformation",
            Cte::Shipping => "shipping",
            Cte::Receiving => "receiving",
        }
    }
    /// The section of 21 CFR 1 that lists its key data elements.
    pub fn rule(self) -> &'static str {
        match self {
            Cte::Production => "21 CFR 1.1325/1.1330",
            Cte::Transformation => "21 CFR 1.1350",
            Cte::Shipping => "21 CFR 1.1340",
            Cte::Receiving => "21 CFR 1.1345",
        }
    }
    fn of(kind: &str, status: &str, has_inputs: bool) -> Option<Cte> {
        Some(match (kind, status) {
            ("production", _) if has_inputs => Cte::Transformation,
            ("production", _) => Cte::Production,
            ("logistics", "picked_up" | "departed") => Cte::Shipping,
            ("logistics", "arrived" | "stored" | "delivered") => Cte::Receiving,
            _ => return None,
        })
    }
}

/// One row: a critical tracking event of one traceability lot, with its key data elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub cte: Cte,
    /// The traceability lot code: the lot's Digital Link path.
    pub tlc: String,
    pub gtin: String,
    pub batch: String,
    pub product: String,
    pub quantity: String,
    pub unit: String,
    pub location: String,
    pub location_gln: String,
    /// The event's time, as signed (RFC 3339 with its offset).
    pub date: String,
    /// Where the lot code was assigned (its production's place) and by whom.
    pub tlc_source: String,
    pub tlc_source_reference: String,
    /// Transformation: the input lots' codes.
    pub inputs: String,
    pub reference_type: String,
    pub reference_number: String,
    pub signer: String,
    /// The entry that records it.
    pub seq: u64,
}

/// Which lots, and which days (inclusive, compared with the date an event gives).
pub struct Selection<'a> {
    /// A lot, a product (GTIN: every lot of it) or none (every lot).
    pub key: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// The rows of `selection`, sorted by date, entry and lot.
pub fn rows(reader: &dyn LogReader, selection: &Selection<'_>) -> Result<Vec<Row>, TraceError> {
    let lots = lots(reader, selection.key)?;
    let mut out = Vec::new();
    let mut events: HashMap<u64, Value> = HashMap::new();
    for lot in lots {
        lot_rows(reader, &lot, &mut events, &mut out)?;
    }
    out.retain(|r| {
        let day = r.date.get(..10).unwrap_or("");
        selection.from.is_none_or(|f| day >= f) && selection.to.is_none_or(|t| day <= t)
    });
    out.sort_by(|a, b| (&a.date, a.seq, &a.tlc).cmp(&(&b.date, b.seq, &b.tlc)));
    Ok(out)
}

fn lots(reader: &dyn LogReader, key: Option<&str>) -> Result<Vec<String>, TraceError> {
    let prefix = match key {
        None => "01/".to_string(),
        Some(key) => {
            let item = Item::parse(key).map_err(|e| TraceError::BadKey(e.to_string()))?;
            match &item {
                Item::Trade { lot: None, serial: None, .. } => format!("{item}/10/"),
                _ if item.is_lot() => {
                    if reader.chain(&item.to_string())?.is_empty() {
                        return Err(TraceError::Unknown(item.to_string()));
                    }
                    return Ok(vec![item.to_string()]);
                }
                _ => {
                    return Err(TraceError::BadKey(format!(
                        "{key}: the regulator's export is of a lot (01/GTIN/10/LOT) or a product (01/GTIN)"
                    )))
                }
            }
        }
    };
    let lots: Vec<String> = reader
        .chain_keys(&prefix)?
        .into_iter()
        .filter(|k| Item::parse(k).is_ok_and(|i| i.is_lot()))
        .collect();
    if lots.is_empty() {
        if let Some(key) = key {
            return Err(TraceError::Unknown(key.to_string()));
        }
    }
    Ok(lots)
}

fn event<'e>(
    reader: &dyn LogReader,
    events: &'e mut HashMap<u64, Value>,
    seq: u64,
) -> Result<&'e Value, StorageError> {
    match events.entry(seq) {
        std::collections::hash_map::Entry::Occupied(e) => Ok(e.into_mut()),
        std::collections::hash_map::Entry::Vacant(slot) => {
            let bytes = crate::storage::required_entry(reader, seq)?;
            let corrupt =
                |e: &dyn std::fmt::Display| StorageError::Corrupt(format!("entry {seq}: {e}"));
            let view = StoredEntry::parse(&bytes).map_err(|e| corrupt(&e))?;
            let value = serde_json::from_slice(view.event_bytes()).map_err(|e| corrupt(&e))?;
            Ok(slot.insert(value))
        }
    }
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn lists(ev: &Value, key: &str) -> bool {
    ev["what"]["items"]
        .as_array()
        .is_some_and(|a| a.iter().any(|i| i == key))
}

fn lot_rows(
    reader: &dyn LogReader,
    lot: &str,
    events: &mut HashMap<u64, Value>,
    out: &mut Vec<Row>,
) -> Result<(), TraceError> {
    let (gtin, batch) = match Item::parse(lot) {
        Ok(Item::Trade {
            gtin,
            lot: Some(batch),
            ..
        }) => (gtin, batch),
        _ => return Ok(()),
    };
    // The lot's code is assigned by its first production.
    let mut source = (String::new(), String::new(), String::new());
    for seq in reader.chain(lot)? {
        let ev = event(reader, events, seq)?;
        if ev["type"] == "production" && lists(ev, lot) {
            let place = ev["body"]["facility"]
                .as_str()
                .or(ev["where"]["place"].as_str());
            source = (
                text(&ev["body"]["product"]),
                place.unwrap_or_default().to_string(),
                text(&ev["actor"]),
            );
            break;
        }
    }
    let t = trace(reader, lot, Direction::Forward)?;
    // Units of the lot each container carried: through packed_into edges, transitively.
    let units: BTreeSet<&str> = t
        .nodes()
        .iter()
        .filter(|n| n.kind == "unit" && n.key.starts_with(&format!("{lot}/21/")))
        .map(|n| n.key.as_str())
        .collect();
    let mut carried_by: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in t.edges().iter().filter(|e| e.relation == "packed_into") {
        carried_by.entry(&*e.to).or_default().insert(&*e.from);
    }
    let carried = |container: &str| -> usize {
        let mut seen = BTreeSet::new();
        let mut stack = vec![container];
        let mut count = 0;
        while let Some(c) = stack.pop() {
            for inner in carried_by.get(c).into_iter().flatten() {
                if seen.insert(*inner) {
                    if units.contains(inner) {
                        count += 1;
                    }
                    stack.push(inner);
                }
            }
        }
        count
    };
    // (seq, what moved): the lot's own chain, its units', the containers' windows.
    let mut moves: BTreeMap<u64, (String, usize)> = BTreeMap::new();
    for seq in reader.chain(lot)? {
        moves.entry(seq).or_insert((lot.to_string(), 0));
    }
    for unit in &units {
        for seq in reader.chain(unit)? {
            let entry = moves.entry(seq).or_insert((unit.to_string(), 0));
            entry.1 += 1;
        }
    }
    for w in t.windows() {
        let n = carried(&w.container);
        for seq in reader.chain(&w.container)? {
            if seq > w.from && seq < w.to {
                moves.entry(seq).or_insert((w.container.clone(), n));
            }
        }
    }
    for (seq, (moved, count)) in moves {
        let ev = event(reader, events, seq)?;
        let kind = ev["type"].as_str().unwrap_or_default();
        let inputs: Vec<String> = ev["what"]["inputs"]
            .as_array()
            .map(|a| a.iter().map(text).collect())
            .unwrap_or_default();
        let Some(cte) = Cte::of(
            kind,
            ev["body"]["status"].as_str().unwrap_or(""),
            !inputs.is_empty(),
        ) else {
            continue;
        };
        if !lists(ev, &moved) {
            continue; // on the chain as an input, or packing something else into it
        }
        let (quantity, unit) = match cte {
            Cte::Production | Cte::Transformation => (
                text(&ev["what"]["quantity"]["value"]),
                text(&ev["what"]["quantity"]["uom"]),
            ),
            _ if moved == lot => (
                text(&ev["what"]["quantity"]["value"]),
                text(&ev["what"]["quantity"]["uom"]),
            ),
            _ => (count.to_string(), "H87".to_string()),
        };
        let location = ev["body"]["location"]
            .as_str()
            .or(ev["body"]["facility"].as_str())
            .or(ev["where"]["place"].as_str())
            .unwrap_or_default()
            .to_string();
        let (reference_type, reference_number) = [
            ("waybill", "waybill_no"),
            ("declaration", "declaration_no"),
            ("order", "order_no"),
        ]
        .iter()
        .find_map(|(kind, field)| {
            ev["body"][field]
                .as_str()
                .map(|n| (kind.to_string(), n.to_string()))
        })
        .unwrap_or_default();
        out.push(Row {
            cte,
            tlc: lot.to_string(),
            gtin: gtin.clone(),
            batch: batch.clone(),
            product: source.0.clone(),
            quantity,
            unit,
            location,
            location_gln: text(&ev["where"]["gln"]),
            date: text(&ev["time"]),
            tlc_source: source.1.clone(),
            tlc_source_reference: source.2.clone(),
            inputs: inputs.join("; "),
            reference_type,
            reference_number,
            signer: text(&ev["actor"]),
            seq,
        });
    }
    Ok(())
}
