//! An item's story: every entry that concerns it, oldest first.
//!
//! Besides the item's own chain this follows what reached it indirectly: the lot it
//! belongs to (production, tests, acceptance, recall), the parcels and pallets it was
//! packed into while it was inside them (events on the container between the packing and
//! the unpacking), the documents of its orders (payment, clearance, waybill steps), and,
//! for a parcel or pallet, the lots of what was packed into it (their tests and recalls).

use crate::storage::LogReader;
use crate::storage::StorageError;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use suyuan_format::entry::StoredEntry;
use suyuan_format::event::{DocKind, EventType};
use suyuan_format::gs1::Item;

/// How an entry reached an item's history.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    Item,
    Lot(String),
    Container(String),
    Order(String),
}

impl Via {
    pub fn describe(&self) -> String {
        match self {
            Via::Item => "item".into(),
            Via::Lot(l) => format!("lot {l}"),
            Via::Container(c) => format!("container {c}"),
            Via::Order(o) => format!("order {o}"),
        }
    }
}

/// One entry of a history. Its event stays canonical bytes within the entry: the JSON
/// API serves them as they are, and [`HistoryEntry::event`] parses them when a view
/// needs the tree.
pub struct HistoryEntry {
    pub seq: u64,
    pub bytes: Vec<u8>,
    pub recorded: String,
    pub entry_hash: suyuan_format::encoding::Digest,
    pub event_id: suyuan_format::encoding::Digest,
    /// The canonical event, exactly as signed (a copy of its bytes within the entry).
    pub event: Box<RawValue>,
    pub signature: [u8; 64],
    pub via: Via,
    /// Seqs of corrections that declare this entry in error.
    pub corrected_by: Vec<u64>,
}

impl HistoryEntry {
    /// The event as a JSON tree, for views (`event` was checked to be JSON when the
    /// entry was parsed, so `null` would mean a JSON tree too deep to build).
    pub fn event(&self) -> Value {
        serde_json::from_str(self.event.get()).unwrap_or(Value::Null)
    }
}

pub struct History {
    pub item: String,
    pub entries: Vec<HistoryEntry>,
    /// Chains (item, lot, containers) whose complete entry lists are part of the story.
    pub chains: Vec<String>,
    /// Documents (`order:NO`) whose complete entry lists are part of the story.
    pub documents: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{0}")]
    BadItem(#[from] suyuan_format::gs1::Gs1Error),
    #[error("item {0} is not in the log")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StorageError),
}

/// Entries and chains read (and entries parsed) at most once while a history is built:
/// the item's chain and each container's are wanted twice, once to find the packings and
/// once to walk them.
struct Loader<'r> {
    reader: &'r dyn LogReader,
    cache: HashMap<u64, Rc<Loaded>>,
    chains: HashMap<String, Rc<[u64]>>,
}

#[derive(Clone)]
struct Loaded {
    bytes: Vec<u8>,
    entry_hash: suyuan_format::encoding::Digest,
    prev: BTreeMap<String, Option<suyuan_format::encoding::Digest>>,
    recorded: String,
    event_id: suyuan_format::encoding::Digest,
    event: Box<RawValue>,
    facts: Facts,
    signature: [u8; 64],
}

/// The few members of an event that decide what joins a history; serde skips the rest
/// of the event without building it.
#[derive(Clone, Default, serde::Deserialize)]
struct Facts {
    #[serde(rename = "type", default)]
    kind: Option<EventType>,
    #[serde(default)]
    body: Option<BodyFacts>,
    #[serde(default)]
    what: Option<WhatFacts>,
}

#[derive(Clone, Default, serde::Deserialize)]
#[serde(default)]
struct BodyFacts {
    status: Option<Value>,
    order_no: Option<Value>,
    corrects: Option<Value>,
}

#[derive(Clone, Default, serde::Deserialize)]
#[serde(default)]
struct WhatFacts {
    items: Option<Vec<Value>>,
    parent: Option<Value>,
}

impl Facts {
    fn body_str(&self, f: impl Fn(&BodyFacts) -> &Option<Value>) -> Option<&str> {
        self.body
            .as_ref()
            .and_then(|b| f(b).as_ref())
            .and_then(Value::as_str)
    }
    fn status(&self) -> Option<&str> {
        self.body_str(|b| &b.status)
    }
    fn order_no(&self) -> Option<&str> {
        self.body_str(|b| &b.order_no)
    }
    fn corrects(&self) -> Option<&str> {
        self.body_str(|b| &b.corrects)
    }
    fn parent(&self) -> Option<&str> {
        self.what
            .as_ref()
            .and_then(|w| w.parent.as_ref())
            .and_then(Value::as_str)
    }
    fn items(&self) -> impl Iterator<Item = &str> {
        self.what
            .as_ref()
            .and_then(|w| w.items.as_ref())
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }
    fn names_item(&self, item: &str) -> bool {
        self.what
            .as_ref()
            .and_then(|w| w.items.as_ref())
            .is_some_and(|a| a.iter().any(|i| i == item))
    }
}

impl Loader<'_> {
    /// A chain's entries, checked against the entries themselves before anything is
    /// built from them: each names the chain in its `prev` and links to the one before,
    /// the first to none. The postings are derived data; a damaged index is an error
    /// here, never a history with entries missing or foreign.
    fn chain(&mut self, key: &str) -> Result<Rc<[u64]>, StorageError> {
        if let Some(seqs) = self.chains.get(key) {
            return Ok(seqs.clone());
        }
        let seqs: Rc<[u64]> = self.reader.chain(key)?.into();
        let mut previous = None;
        for &seq in seqs.iter() {
            let entry = self.get(seq)?;
            match entry.prev.get(key) {
                None => {
                    return Err(StorageError::Corrupt(format!(
                        "index by_chain lists entry {seq} under {key}, which it is not on (run `suyuan reindex`)"
                    )))
                }
                Some(link) if *link != previous => {
                    return Err(StorageError::Corrupt(format!(
                        "index by_chain: entry {seq} of chain {key} does not link to the entry listed before it (run `suyuan reindex`)"
                    )))
                }
                Some(_) => previous = Some(entry.entry_hash),
            }
        }
        self.chains.insert(key.to_string(), seqs.clone());
        Ok(seqs)
    }

    /// The entries naming an order, each checked to name it (every event that names an
    /// order does so in `body.order_no`).
    fn order(&mut self, number: &str) -> Result<Vec<u64>, StorageError> {
        let key = DocKind::Order.key(number);
        let seqs = self.reader.document(&key)?;
        for &seq in &seqs {
            if self.get(seq)?.facts.order_no() != Some(number) {
                return Err(StorageError::Corrupt(format!(
                    "index by_document lists entry {seq} under {key}, which it does not name (run `suyuan reindex`)"
                )));
            }
        }
        Ok(seqs)
    }

    fn get(&mut self, seq: u64) -> Result<Rc<Loaded>, StorageError> {
        if let Some(l) = self.cache.get(&seq) {
            return Ok(l.clone());
        }
        let bytes = self
            .reader
            .entry(seq)?
            .ok_or_else(|| StorageError::Corrupt(format!("entry {seq} missing")))?;
        let corrupt =
            |e: &dyn std::fmt::Display| StorageError::Corrupt(format!("entry {seq}: {e}"));
        let view = StoredEntry::parse(&bytes).map_err(|e| corrupt(&e))?;
        let facts: Facts = serde_json::from_slice(view.event_bytes()).map_err(|e| corrupt(&e))?;
        if view.seq != seq {
            return Err(corrupt(&format!("the entry says seq {}", view.seq)));
        }
        let loaded = Rc::new(Loaded {
            entry_hash: suyuan_format::entry::entry_hash(&bytes),
            prev: view.prev().map_err(|e| corrupt(&e))?,
            recorded: view.recorded,
            event_id: view.event_id,
            event: view.event.to_owned(),
            facts,
            signature: view.signature,
            bytes,
        });
        self.cache.insert(seq, loaded.clone());
        Ok(loaded)
    }
}

/// Builds the history of `item` (a Digital Link path) from one snapshot.
pub fn history(reader: &dyn LogReader, item: &str) -> Result<History, HistoryError> {
    let item = Item::parse(item)?.to_string();
    let mut load = Loader {
        reader,
        cache: HashMap::new(),
        chains: HashMap::new(),
    };
    let own = load.chain(&item)?;
    if own.is_empty() {
        return Err(HistoryError::Unknown(item));
    }
    let mut picked: BTreeMap<u64, Via> = BTreeMap::new();
    let mut chains = vec![item.clone()];
    for &seq in own.iter() {
        picked.insert(seq, Via::Item);
    }
    if let Some(lot) = Item::parse(&item)?.lot_item() {
        let lot = lot.to_string();
        for &seq in load.chain(&lot)?.iter() {
            picked.entry(seq).or_insert(Via::Lot(lot.clone()));
        }
        chains.push(lot);
    }
    // Containers: follow packing into parcels and pallets, recursively, within the window
    // between packing and unpacking.
    let mut stack = vec![(item.clone(), 0u64, u64::MAX)];
    let mut visited = BTreeSet::new();
    while let Some((unit, from, to)) = stack.pop() {
        if !visited.insert((unit.clone(), from)) {
            continue;
        }
        for &seq in load.chain(&unit)?.iter() {
            if seq < from || seq > to {
                continue;
            }
            let packed = load.get(seq)?;
            let ev = &packed.facts;
            if ev.kind != Some(EventType::Logistics)
                || ev.status() != Some("packed")
                || !ev.names_item(&unit)
            {
                continue;
            }
            let Some(parent) = ev.parent() else {
                continue;
            };
            let parent_chain = load.chain(parent)?;
            // The window closes at the first unpacking of this unit from this parent.
            let mut end = to;
            for &s in parent_chain.iter().filter(|&&s| s > seq && s <= to) {
                let e = load.get(s)?;
                if e.facts.status() == Some("unpacked")
                    && e.facts.parent() == Some(parent)
                    && e.facts.names_item(&unit)
                {
                    end = s;
                    break;
                }
            }
            for &s in parent_chain.iter().filter(|&&s| s > seq && s < end) {
                picked
                    .entry(s)
                    .or_insert(Via::Container(parent.to_string()));
            }
            if !chains.iter().any(|c| c == parent) {
                chains.push(parent.to_string());
            }
            stack.push((parent.to_string(), seq, end));
        }
    }
    // A container's story holds the lots of what was packed into it (and into the
    // containers packed into it): their tests and recalls concern whoever holds it.
    if matches!(Item::parse(&item)?, Item::Logistic { .. }) {
        let mut lots = BTreeSet::new();
        let mut containers = vec![item.clone()];
        let mut seen = BTreeSet::new();
        while let Some(c) = containers.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            // A container packed into it is read whole: its chain is part of the story.
            if !chains.contains(&c) {
                chains.push(c.clone());
            }
            for &seq in load.chain(&c)?.iter() {
                let e = load.get(seq)?;
                let f = &e.facts;
                if f.kind != Some(EventType::Logistics)
                    || f.status() != Some("packed")
                    || f.parent() != Some(c.as_str())
                {
                    continue;
                }
                for listed in f.items() {
                    match Item::parse(listed) {
                        Ok(i @ Item::Logistic { .. }) => containers.push(i.to_string()),
                        Ok(i) if i.is_lot() => {
                            lots.insert(i.to_string());
                        }
                        Ok(i) => lots.extend(i.lot_item().map(|l| l.to_string())),
                        Err(_) => {}
                    }
                }
            }
        }
        for lot in lots {
            for &seq in load.chain(&lot)?.iter() {
                picked.entry(seq).or_insert(Via::Lot(lot.clone()));
            }
            if !chains.contains(&lot) {
                chains.push(lot);
            }
        }
    }
    // Orders the item was traded under bring their payment, waybill and clearance.
    let mut orders = BTreeSet::new();
    for &seq in picked.keys() {
        let e = load.get(seq)?;
        if e.facts.kind == Some(EventType::Trade) {
            if let Some(order) = e.facts.order_no() {
                orders.insert(order.to_string());
            }
        }
    }
    let documents = orders.iter().map(|o| DocKind::Order.key(o)).collect();
    for order in orders {
        for seq in load.order(&order)? {
            picked.entry(seq).or_insert(Via::Order(order.clone()));
        }
    }
    // Corrections join the chains of what they correct, so they are already picked.
    let mut entries = Vec::with_capacity(picked.len());
    let mut corrections = Vec::new();
    let mut by_hash = HashMap::new();
    for (seq, via) in picked {
        load.get(seq)?;
        // Taken out of the cache, so the last reference: moved, not cloned.
        let e = load.cache.remove(&seq).expect("just loaded");
        let e = Rc::try_unwrap(e).unwrap_or_else(|shared| Loaded::clone(&shared));
        let entry_hash = e.entry_hash;
        by_hash.insert(entry_hash, entries.len());
        if e.facts.kind == Some(EventType::Correction) {
            if let Some(target) = e
                .facts
                .corrects()
                .and_then(suyuan_format::encoding::Digest::from_hex)
            {
                corrections.push((seq, target));
            }
        }
        entries.push(HistoryEntry {
            seq,
            bytes: e.bytes,
            recorded: e.recorded,
            entry_hash,
            event_id: e.event_id,
            event: e.event,
            signature: e.signature,
            via,
            corrected_by: vec![],
        });
    }
    for (seq, target) in corrections {
        if let Some(&j) = by_hash.get(&target) {
            entries[j].corrected_by.push(seq);
        }
    }
    Ok(History {
        item,
        entries,
        chains,
        documents,
    })
}

impl History {
    /// The history as JSON: each entry with its event, signature and how it was reached.
    pub fn to_json(&self) -> Value {
        let entries: Vec<Value> = self
            .entries
            .iter()
            .map(|e| {
                json!({
                    "seq": e.seq,
                    "recorded": e.recorded,
                    "entry_hash": e.entry_hash.to_hex(),
                    "event_id": e.event_id.to_hex(),
                    "via": e.via.describe(),
                    "corrected_by": e.corrected_by,
                    "event": e.event(),
                    "signature": suyuan_format::encoding::b64(&e.signature),
                })
            })
            .collect();
        json!({"item": self.item, "chains": self.chains, "entries": entries})
    }
}
