//! Trace (docs/FORMAT.md §11): the goods graph the entries describe, followed from one key
//! forward (where it went: the units of a lot, the parcels and pallets they were packed
//! into, the lots made from them, their orders, buyers, waybills and declarations) or
//! backward (where it came from: its lot, the inputs of that lot, the containers' and
//! orders' contents, and the production, tests, acceptances and recalls of every lot).
//!
//! Every edge names the entry that makes it; the rules below are the only ones, so anyone
//! recomputes a trace from an export. Each (node, window) is expanded once, so cycles and
//! malformed packing cannot make it loop. An order is reached only from a unit its own
//! `trade` lists: a pallet event that names one order does not bring that order to
//! everything else on the pallet.

mod check;

use crate::storage::{LogReader, StorageError};
pub use check::{verify_page, TRACE_FORMAT};
use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::Arc;
use suyuan_format::event::DocKind;
use suyuan_format::gs1::Item;

/// Which way a trace follows the edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Forward,
    Backward,
}

/// Where a unit or container is, as its latest logistics or clearance entry (its own, or
/// of a container while it was inside) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// No logistics or clearance entry yet.
    NotShipped,
    /// Packed, and nothing since: where it is, the log does not say.
    Unknown,
    InTransit,
    /// Declared to, inspected or held by customs, or refused by it.
    AtCustoms,
    Released,
    Delivered,
    Returned,
}

impl State {
    pub const ALL: [State; 7] = [
        State::NotShipped,
        State::Unknown,
        State::InTransit,
        State::AtCustoms,
        State::Released,
        State::Delivered,
        State::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::NotShipped => "not_shipped",
            State::Unknown => "unknown",
            State::InTransit => "in_transit",
            State::AtCustoms => "at_customs",
            State::Released => "released",
            State::Delivered => "delivered",
            State::Returned => "returned",
        }
    }

    /// The state an entry's type and `body.status` put its goods in, if any.
    fn of(kind: &str, status: &str) -> Option<State> {
        Some(match (kind, status) {
            ("logistics", "packed" | "stored") => State::Unknown,
            ("logistics", "delivered") => State::Delivered,
            ("logistics", "returned") => State::Returned,
            ("logistics", "unpacked") => return None,
            ("logistics", _) => State::InTransit,
            ("clearance", "released") => State::Released,
            ("clearance", _) => State::AtCustoms,
            _ => return None,
        })
    }
}

/// One node of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TraceNode {
    pub key: String,
    /// `product`, `lot`, `unit`, `container`, `order`, `buyer`, `payment`, `waybill`,
    /// `declaration`, or `event` (a lot's production, test, acceptance or recall).
    pub kind: &'static str,
    /// Units and containers reached forward: where they are.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Units and containers: whether customs ever released them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub released: bool,
    /// Containers reached forward: whether they still hold goods of the trace (packed in,
    /// and no unpacking recorded since).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub holds: bool,
    /// Events: the entry's type (and verdict or decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
}

/// One edge, oriented the way the goods went (input → output, unit → container, unit →
/// order), whichever way the trace follows it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct TraceEdge {
    /// The entry that makes the edge.
    pub seq: u64,
    /// Shared with the other edges of the node: a big lot's trace has 700,000 edges.
    pub from: Arc<str>,
    pub to: Arc<str>,
    pub relation: &'static str,
}

/// A trace from one key, computed at log size `size`; its edges sorted by (seq, from,
/// to, relation), its nodes by key.
#[derive(Debug, Serialize)]
pub struct Trace {
    key: String,
    direction: Direction,
    size: u64,
    nodes: Vec<TraceNode>,
    edges: Vec<TraceEdge>,
    #[serde(skip)]
    windows: Vec<Window>,
}

/// Forward: a container's chain between a packing into it (`from`) and the unpacking
/// that ends it (`to`, `u64::MAX` when none): the part of its story the goods shared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Window {
    pub container: String,
    pub from: u64,
    pub to: u64,
}

impl Trace {
    pub fn nodes(&self) -> &[TraceNode] {
        &self.nodes
    }
    pub fn edges(&self) -> &[TraceEdge] {
        &self.edges
    }
    /// The containers' windows a forward trace followed.
    pub fn windows(&self) -> &[Window] {
        &self.windows
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("{0}")]
    BadKey(String),
    #[error("{0} is not in the log")]
    Unknown(String),
    #[error(transparent)]
    Store(#[from] StorageError),
}

/// What a trace key names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Product(String),
    Lot(String),
    Unit(String),
    Container(String),
    Document(DocKind, String),
}

impl Key {
    fn parse(key: &str) -> Result<Key, TraceError> {
        if let Some((kind, number)) = key.split_once(':') {
            let kind = DocKind::parse(kind).ok_or_else(|| {
                TraceError::BadKey(format!(
                    "{key}: a document key is order:, payment:, waybill: or declaration: and its number"
                ))
            })?;
            if number.is_empty() {
                return Err(TraceError::BadKey(format!(
                    "{key}: the document number is empty"
                )));
            }
            return Ok(Key::Document(kind, number.to_string()));
        }
        let item = Item::parse(key).map_err(|e| TraceError::BadKey(e.to_string()))?;
        let text = item.to_string();
        Ok(match &item {
            Item::Logistic { .. } => Key::Container(text),
            Item::Trade {
                lot: None,
                serial: None,
                ..
            } => Key::Product(text),
            Item::Trade { serial: None, .. } => Key::Lot(text),
            Item::Trade { .. } => Key::Unit(text),
        })
    }

    fn text(&self) -> String {
        match self {
            Key::Product(k) | Key::Lot(k) | Key::Unit(k) | Key::Container(k) => k.clone(),
            Key::Document(kind, number) => kind.key(number),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Key::Product(_) => "product",
            Key::Lot(_) => "lot",
            Key::Unit(_) => "unit",
            Key::Container(_) => "container",
            Key::Document(kind, _) => kind.as_str(),
        }
    }

    /// A key met in an entry (`what.items`, `what.parent`, `what.inputs`).
    fn of_item(key: &str) -> Option<Key> {
        Key::parse(key)
            .ok()
            .filter(|k| !matches!(k, Key::Document(..)))
    }
}

/// The members of an entry a trace reads; serde skips the rest of the event without
/// building it (a trace of a big lot parses hundreds of thousands of entries).
#[derive(Default, serde::Deserialize)]
struct Facts {
    #[serde(skip)]
    seq: u64,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    what: What,
    #[serde(default)]
    body: BodyFacts,
}

#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct What {
    items: Vec<String>,
    parent: Option<String>,
    inputs: Vec<String>,
}

/// The body members a trace follows: the status, the documents named, the buyer, and
/// what an event node shows.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct BodyFacts {
    status: String,
    order_no: Option<String>,
    payment_no: Option<String>,
    waybill_no: Option<String>,
    declaration_no: Option<String>,
    buyer_commitment: Option<String>,
    verdict: Option<String>,
    decision: Option<String>,
    severity: Option<String>,
}

impl Facts {
    fn doc(&self, field: &str) -> Option<&str> {
        let b = &self.body;
        match field {
            "order_no" => b.order_no.as_deref(),
            "payment_no" => b.payment_no.as_deref(),
            "waybill_no" => b.waybill_no.as_deref(),
            "declaration_no" => b.declaration_no.as_deref(),
            "buyer_commitment" => b.buyer_commitment.as_deref(),
            "verdict" => b.verdict.as_deref(),
            "decision" => b.decision.as_deref(),
            "severity" => b.severity.as_deref(),
            _ => None,
        }
    }
    fn lists(&self, key: &str) -> bool {
        self.what.items.iter().any(|i| i == key)
    }
}

/// An entry as stored, read only for its event's facts: one pass, nothing else built.
#[derive(serde::Deserialize)]
struct StoredFacts {
    signed: SignedFacts,
}

#[derive(serde::Deserialize)]
struct SignedFacts {
    event: Facts,
}

/// Entries read once, parsed once; chains read once. A trace of a big lot reads hundreds
/// of thousands of both, so [`Loader::prefetch`] reads a batch of chains on all cores
/// before the (sequential) graph walk asks for them.
struct Loader<'r> {
    reader: &'r dyn LogReader,
    cache: FxHashMap<u64, Rc<Facts>>,
    chains: FxHashMap<String, Rc<[u64]>>,
    documents: FxHashMap<String, Rc<[u64]>>,
}

/// Reads and parses entry `seq`.
fn read_facts(reader: &dyn LogReader, seq: u64) -> Result<Facts, StorageError> {
    let bytes = crate::storage::required_entry(reader, seq)?;
    let stored: StoredFacts = serde_json::from_slice(&bytes)
        .map_err(|e| StorageError::Corrupt(format!("entry {seq}: {e}")))?;
    let mut facts = stored.signed.event;
    facts.seq = seq;
    Ok(facts)
}

impl Loader<'_> {
    fn get(&mut self, seq: u64) -> Result<Rc<Facts>, StorageError> {
        if let Some(f) = self.cache.get(&seq) {
            return Ok(f.clone());
        }
        let facts = Rc::new(read_facts(self.reader, seq)?);
        self.cache.insert(seq, facts.clone());
        Ok(facts)
    }

    /// The seqs of a chain.
    fn seqs(&mut self, key: &str) -> Result<Rc<[u64]>, StorageError> {
        if let Some(seqs) = self.chains.get(key) {
            return Ok(seqs.clone());
        }
        let seqs: Rc<[u64]> = self.reader.chain(key)?.into();
        self.chains.insert(key.to_string(), seqs.clone());
        Ok(seqs)
    }

    fn chain(&mut self, key: &str) -> Result<Vec<Rc<Facts>>, StorageError> {
        let seqs = self.seqs(key)?;
        seqs.iter().map(|&s| self.get(s)).collect()
    }

    fn document(&mut self, key: &str) -> Result<Vec<Rc<Facts>>, StorageError> {
        let seqs = match self.documents.get(key) {
            Some(seqs) => seqs.clone(),
            None => self.reader.document(key)?.into(),
        };
        seqs.iter().map(|&s| self.get(s)).collect()
    }

    /// Reads, on all cores, the chains of `keys` and the entries on them, and then those
    /// of the containers those entries pack them into, until no new container is named:
    /// everything [`follow`] will ask for. Only a cache: the walk reads what is missing.
    fn prefetch(&mut self, keys: Vec<String>) -> Result<(), StorageError> {
        use rayon::prelude::*;
        let mut keys: Vec<String> = keys
            .into_iter()
            .filter(|k| !self.chains.contains_key(k))
            .collect();
        while !keys.is_empty() {
            let reader = self.reader;
            let chains: Vec<(String, Vec<u64>)> = keys
                .into_par_iter()
                .map(|k| reader.chain(&k).map(|seqs| (k, seqs)))
                .collect::<Result<_, _>>()?;
            let read = self.read_uncached(chains.iter().flat_map(|(_, s)| s.iter().copied()))?;
            let mut next = BTreeSet::new();
            for facts in &read {
                if let (true, Some(parent)) = (facts.kind == "logistics", &facts.what.parent) {
                    if facts.body.status == "packed" && !self.chains.contains_key(parent) {
                        next.insert(parent.clone());
                    }
                }
            }
            self.cache
                .extend(read.into_iter().map(|f| (f.seq, Rc::new(f))));
            for (k, seqs) in chains {
                next.remove(&k);
                self.chains.insert(k, seqs.into());
            }
            keys = next.into_iter().collect();
        }
        Ok(())
    }

    /// Reads and parses, on all cores, those of `seqs` not cached yet.
    fn read_uncached(&self, seqs: impl Iterator<Item = u64>) -> Result<Vec<Facts>, StorageError> {
        use rayon::prelude::*;
        let mut missing: Vec<u64> = seqs.filter(|s| !self.cache.contains_key(s)).collect();
        missing.sort_unstable();
        missing.dedup();
        let reader = self.reader;
        missing.par_iter().map(|&s| read_facts(reader, s)).collect()
    }

    /// Reads, on all cores, the entries of the documents `keys` that are not cached.
    fn prefetch_documents(&mut self, keys: &[String]) -> Result<(), StorageError> {
        use rayon::prelude::*;
        let reader = self.reader;
        let seqs: Vec<Vec<u64>> = keys
            .par_iter()
            .map(|k| reader.document(k))
            .collect::<Result<_, _>>()?;
        let read = self.read_uncached(seqs.iter().flatten().copied())?;
        self.cache
            .extend(read.into_iter().map(|f| (f.seq, Rc::new(f))));
        for (k, seqs) in keys.iter().zip(seqs) {
            self.documents.insert(k.clone(), seqs.into());
        }
        Ok(())
    }
}

/// The graph being built. Keys are interned: a node is its index in `nodes`, so the
/// hundreds of thousands of edges of a big lot cost no string copies until the answer.
struct Graph<'r> {
    load: Loader<'r>,
    ids: FxHashMap<Arc<str>, usize>,
    nodes: Vec<Node>,
    /// (from, to, relation) → the first entry that makes it.
    edges: FxHashMap<(usize, usize, &'static str), u64>,
    /// Forward: the journey of each (unit or container, window start), memoised so that
    /// a parcel shared by many units is read once.
    journeys: FxHashMap<(usize, u64), Journey>,
    /// Forward: the containers' windows followed.
    windows: BTreeSet<(usize, u64, u64)>,
}

/// A node while the graph is built.
struct Node {
    key: Arc<str>,
    kind: &'static str,
    /// Forward: the node's journeys over all its windows.
    journey: Journey,
    /// Forward: a container whose window is still open (nothing unpacked it since).
    holds: bool,
    what: Option<String>,
}

/// What a unit's or container's journey within one window comes to: its latest state
/// (with the seq of the entry that says so) and whether customs released it.
#[derive(Clone, Copy, Default)]
struct Journey {
    latest: Option<(u64, State)>,
    released: bool,
}

impl Journey {
    fn merge(&mut self, other: Journey) {
        if other.latest > self.latest {
            self.latest = other.latest;
        }
        self.released |= other.released;
    }
}

impl Graph<'_> {
    fn node(&mut self, key: &str, kind: &'static str) -> usize {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let key: Arc<str> = key.into();
        let id = self.nodes.len();
        self.nodes.push(Node {
            key: key.clone(),
            kind,
            journey: Journey::default(),
            holds: false,
            what: None,
        });
        self.ids.insert(key, id);
        id
    }

    fn name(&self, id: usize) -> Arc<str> {
        self.nodes[id].key.clone()
    }

    fn edge(&mut self, from: usize, to: usize, relation: &'static str, seq: u64) {
        let slot = self.edges.entry((from, to, relation)).or_insert(seq);
        *slot = (*slot).min(seq);
    }

    /// The node of a key met in an entry, if it is an item key.
    fn item_node(&mut self, key: &str) -> Option<(usize, Key)> {
        let k = Key::of_item(key)?;
        Some((self.node(&k.text(), k.kind()), k))
    }

    /// The answer: nodes sorted by key, edges by (seq, from, to, relation).
    fn finish(self, start: &Key, direction: Direction, size: u64) -> Trace {
        let forward = direction == Direction::Forward;
        let names: Vec<Arc<str>> = self.nodes.iter().map(|n| n.key.clone()).collect();
        let mut edges: Vec<TraceEdge> = self
            .edges
            .into_iter()
            .map(|((from, to, relation), seq)| TraceEdge {
                seq,
                from: names[from].clone(),
                to: names[to].clone(),
                relation,
            })
            .collect();
        edges.sort_unstable();
        let mut windows: Vec<Window> = self
            .windows
            .into_iter()
            .map(|(c, from, to)| Window {
                container: names[c].to_string(),
                from,
                to,
            })
            .collect();
        let mut nodes: Vec<TraceNode> = self
            .nodes
            .into_iter()
            .zip(names)
            .map(|(n, key)| {
                let key = key.to_string();
                let located = forward && matches!(n.kind, "unit" | "lot" | "container");
                TraceNode {
                    key,
                    kind: n.kind,
                    state: located.then(|| n.journey.latest.map_or(State::NotShipped, |(_, s)| s)),
                    released: located && n.journey.released,
                    holds: located && n.holds,
                    what: n.what,
                }
            })
            .collect();
        nodes.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        windows.sort_unstable();
        Trace {
            key: start.text(),
            direction,
            size,
            nodes,
            edges,
            windows,
        }
    }
}

/// The trace of `key` (a GS1 Digital Link path or a document key `order:NO` …) from one
/// snapshot.
pub fn trace(reader: &dyn LogReader, key: &str, direction: Direction) -> Result<Trace, TraceError> {
    let start = Key::parse(key)?;
    let mut g = Graph {
        load: Loader {
            reader,
            cache: FxHashMap::default(),
            chains: FxHashMap::default(),
            documents: FxHashMap::default(),
        },
        ids: FxHashMap::default(),
        nodes: Vec::new(),
        edges: FxHashMap::default(),
        journeys: FxHashMap::default(),
        windows: BTreeSet::new(),
    };
    if !exists(&mut g, &start)? {
        return Err(TraceError::Unknown(start.text()));
    }
    let first = g.node(&start.text(), start.kind());
    match direction {
        Direction::Forward => forward(&mut g, first, &start)?,
        Direction::Backward => backward(&mut g, &start)?,
    }
    Ok(g.finish(&start, direction, reader.size()))
}

fn exists(g: &mut Graph<'_>, key: &Key) -> Result<bool, StorageError> {
    let reader = g.load.reader;
    Ok(match key {
        Key::Product(p) => !reader.chain_keys(&format!("{p}/10/"))?.is_empty(),
        Key::Document(kind, number) => !reader.document(&kind.key(number))?.is_empty(),
        Key::Lot(k) | Key::Unit(k) | Key::Container(k) => !reader.chain(k)?.is_empty(),
    })
}

/// The documents an entry names (body member, kind) and the relation of the edge from
/// what it lists (or from its order) to the document.
const DOCUMENT_EDGES: [(&str, DocKind, &str); 3] = [
    ("payment_no", DocKind::Payment, "paid_by"),
    ("waybill_no", DocKind::Waybill, "shipped_under"),
    ("declaration_no", DocKind::Declaration, "declared_in"),
];

/// The entries of a lot's story that are event nodes (by type), and their relation.
const EVENT_EDGES: [(&str, &str); 4] = [
    ("production", "produced"),
    ("inspection", "tested"),
    ("acceptance", "accepted"),
    ("recall", "recalled"),
];

// ---- forward ----

fn forward(g: &mut Graph<'_>, first: usize, start: &Key) -> Result<(), StorageError> {
    // Lots (and products) expand to their units; each unit, lot and container then
    // follows its own chain; the lots made from them are traced in turn.
    let mut lots: Vec<String> = Vec::new();
    let mut units: Vec<usize> = Vec::new();
    let mut orders: Vec<String> = Vec::new();
    match start {
        Key::Product(_) => lots = lots_of(g, first)?,
        Key::Lot(l) => lots.push(l.clone()),
        Key::Unit(_) | Key::Container(_) => units.push(first),
        Key::Document(DocKind::Order, n) => orders.push(n.clone()),
        Key::Document(..) => {}
    }
    let mut expanded_lots = BTreeSet::new();
    loop {
        if let Some(lot) = lots.pop() {
            if !expanded_lots.insert(lot.clone()) {
                continue;
            }
            let lot_id = g.node(&lot, "lot");
            let lot_units = g.load.reader.chain_keys(&format!("{lot}/21/"))?;
            g.load.prefetch(lot_units.clone())?;
            for unit in lot_units {
                if let Some(&seq) = g.load.seqs(&unit)?.first() {
                    let id = g.node(&unit, "unit");
                    g.edge(lot_id, id, "unit_of_lot", seq);
                    units.push(id);
                }
            }
            // The lot itself is packed, traded and shipped like a unit.
            units.push(lot_id);
        } else if !units.is_empty() {
            let batch = std::mem::take(&mut units);
            let keys = batch.iter().map(|&u| g.nodes[u].key.to_string()).collect();
            g.load.prefetch(keys)?;
            for unit in batch {
                if g.journeys.contains_key(&(unit, 0)) {
                    continue;
                }
                let mut outputs = Vec::new();
                let journey = follow(g, unit, 0, u64::MAX, &mut orders, &mut outputs)?;
                g.nodes[unit].journey.merge(journey);
                for (out, key) in outputs {
                    match key {
                        Key::Lot(l) => lots.push(l),
                        Key::Unit(_) | Key::Container(_) => units.push(out),
                        _ => {}
                    }
                }
            }
        } else {
            break;
        }
    }
    orders.sort();
    orders.dedup();
    let order_keys: Vec<String> = orders.iter().map(|o| DocKind::Order.key(o)).collect();
    g.load.prefetch_documents(&order_keys)?;
    for key in order_keys {
        order_documents(g, &key)?;
    }
    Ok(())
}

/// The lots of a product: chains `{product}/10/{lot}` (not their units).
fn lots_of(g: &mut Graph<'_>, product: usize) -> Result<Vec<String>, StorageError> {
    let prefix = format!("{}/10/", g.nodes[product].key);
    let keys = g.load.reader.chain_keys(&prefix)?;
    let mut lots = Vec::new();
    for lot in keys.into_iter().filter(|k| !k.contains("/21/")) {
        if let Some(&seq) = g.load.reader.chain(&lot)?.first() {
            let id = g.node(&lot, "lot");
            g.edge(product, id, "lot_of_product", seq);
            lots.push(lot);
        }
    }
    Ok(lots)
}

/// Follows `unit` (a unit, lot or container) along its own chain within `from..=to`:
/// packing into containers (followed within their windows), orders, waybills,
/// declarations and the lots made from it. Returns its journey.
fn follow(
    g: &mut Graph<'_>,
    unit: usize,
    from: u64,
    to: u64,
    orders: &mut Vec<String>,
    outputs: &mut Vec<(usize, Key)>,
) -> Result<Journey, StorageError> {
    if let Some(j) = g.journeys.get(&(unit, from)) {
        return Ok(*j);
    }
    // Marked before recursing: a container that (malformed) contains itself ends here.
    g.journeys.insert((unit, from), Journey::default());
    let mut journey = Journey::default();
    let name = g.name(unit);
    let chain = g.load.chain(&name)?;
    for e in chain.iter().filter(|e| e.seq >= from && e.seq <= to) {
        let listed = e.lists(&name);
        if let Some(state) = State::of(&e.kind, &e.body.status) {
            if listed || e.what.parent.as_deref() == Some(&*name) {
                journey.merge(Journey {
                    latest: Some((e.seq, state)),
                    released: state == State::Released,
                });
            }
        }
        match e.kind.as_str() {
            "logistics" if listed && e.body.status == "packed" => {
                if let Some((parent, _)) = e.what.parent.as_deref().and_then(|p| g.item_node(p)) {
                    g.edge(unit, parent, "packed_into", e.seq);
                    let end = unpacked_at(g, &name, parent, e.seq, to)?;
                    if end == u64::MAX {
                        g.nodes[parent].holds = true;
                    }
                    g.windows.insert((parent, e.seq, end));
                    let inner = follow(g, parent, e.seq, end, orders, outputs)?;
                    g.nodes[parent].journey.merge(inner);
                    journey.merge(inner);
                }
            }
            "trade" if listed => {
                if let Some(order) = e.doc("order_no") {
                    let key = g.node(&DocKind::Order.key(order), "order");
                    g.edge(unit, key, "ordered_in", e.seq);
                    orders.push(order.to_string());
                }
            }
            "production" if e.what.inputs.iter().any(|i| **i == *name) => {
                for out in &e.what.items {
                    if let Some((id, key)) = g.item_node(out) {
                        g.edge(unit, id, "input_to", e.seq);
                        outputs.push((id, key));
                    }
                }
            }
            _ => {}
        }
        if listed {
            // A payment names an order, not goods: it is reached through the order.
            let documents = DOCUMENT_EDGES.iter().filter(|d| d.1 != DocKind::Payment);
            for &(field, kind, relation) in documents {
                if let Some(number) = e.doc(field) {
                    let doc = g.node(&kind.key(number), kind.as_str());
                    g.edge(unit, doc, relation, e.seq);
                }
            }
        }
    }
    g.journeys.insert((unit, from), journey);
    Ok(journey)
}

/// The seq of the first entry after `packed` (up to `to`) that unpacks `unit` from
/// `parent`, or `to`.
fn unpacked_at(
    g: &mut Graph<'_>,
    unit: &str,
    parent: usize,
    packed: u64,
    to: u64,
) -> Result<u64, StorageError> {
    let parent = g.name(parent);
    for e in g.load.chain(&parent)? {
        if e.seq > packed
            && e.seq <= to
            && e.kind == "logistics"
            && e.body.status == "unpacked"
            && e.what.parent.as_deref() == Some(&*parent)
            && e.lists(unit)
        {
            return Ok(e.seq);
        }
    }
    Ok(to)
}

/// An order's buyer (commitment), payments, waybills and declarations.
fn order_documents(g: &mut Graph<'_>, key: &str) -> Result<(), StorageError> {
    let order = g.node(key, "order");
    for e in g.load.document(key)? {
        if let Some(buyer) = e.doc("buyer_commitment").filter(|_| e.kind == "trade") {
            let b = g.node(&format!("buyer:{buyer}"), "buyer");
            g.edge(order, b, "bought_by", e.seq);
        }
        for &(field, kind, relation) in &DOCUMENT_EDGES {
            if let Some(number) = e.doc(field) {
                let doc = g.node(&kind.key(number), kind.as_str());
                g.edge(order, doc, relation, e.seq);
            }
        }
    }
    Ok(())
}

// ---- backward ----

fn backward(g: &mut Graph<'_>, start: &Key) -> Result<(), StorageError> {
    let mut queue: Vec<Key> = vec![start.clone()];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(key) = queue.pop() {
        let text = key.text();
        if !seen.insert(text.clone()) {
            continue;
        }
        let id = g.node(&text, key.kind());
        match &key {
            Key::Product(_) => {
                for lot in lots_of(g, id)? {
                    queue.push(Key::Lot(lot));
                }
            }
            Key::Unit(u) => {
                if let Some(lot) = Item::parse(u).ok().and_then(|i| i.lot_item()) {
                    let lot = lot.to_string();
                    if let Some(&seq) = g.load.reader.chain(u)?.first() {
                        let lot_id = g.node(&lot, "lot");
                        g.edge(lot_id, id, "unit_of_lot", seq);
                        queue.push(Key::Lot(lot));
                    }
                }
                inputs_and_events(g, id, &mut queue)?;
            }
            Key::Lot(_) => inputs_and_events(g, id, &mut queue)?,
            Key::Container(c) => {
                for e in g.load.chain(c)? {
                    if e.kind == "logistics"
                        && e.body.status == "packed"
                        && e.what.parent.as_deref() == Some(c)
                    {
                        for item in &e.what.items {
                            if let Some((item, k)) = g.item_node(item) {
                                g.edge(item, id, "packed_into", e.seq);
                                queue.push(k);
                            }
                        }
                    }
                }
            }
            Key::Document(kind, number) => {
                let relation = match kind {
                    DocKind::Order => "ordered_in",
                    DocKind::Waybill => "shipped_under",
                    DocKind::Declaration => "declared_in",
                    DocKind::Payment => "paid_by",
                    // Customs messages name no items; the order they reconcile does.
                    DocKind::CustomsOrder => "reconciled_in",
                };
                for e in g.load.document(&kind.key(number))? {
                    // An order holds what its trade lists; other documents what their
                    // entries list.
                    if *kind == DocKind::Order && e.kind != "trade" {
                        continue;
                    }
                    for item in &e.what.items {
                        if let Some((item, k)) = g.item_node(item) {
                            g.edge(item, id, relation, e.seq);
                            queue.push(k);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// A lot's (or unit's) inputs, through the productions that made it, and the production,
/// inspection, acceptance and recall entries on its chain.
fn inputs_and_events(
    g: &mut Graph<'_>,
    id: usize,
    queue: &mut Vec<Key>,
) -> Result<(), StorageError> {
    let key = g.name(id);
    for e in g.load.chain(&key)? {
        let Some(&(_, relation)) = EVENT_EDGES.iter().find(|(kind, _)| *kind == e.kind) else {
            continue;
        };
        if !e.lists(&key) {
            continue; // an input's chain holds the productions it went into
        }
        let event = g.node(&format!("entry:{}", e.seq), "event");
        let detail = e.doc("verdict").or(e.doc("decision")).or(e.doc("severity"));
        g.nodes[event].what = Some(match detail {
            Some(d) => format!("{} {d}", e.kind),
            None => e.kind.clone(),
        });
        g.edge(event, id, relation, e.seq);
        if e.kind == "production" {
            for input in &e.what.inputs {
                if let Some((input, k)) = g.item_node(input) {
                    g.edge(input, id, "input_to", e.seq);
                    queue.push(k);
                }
            }
        }
    }
    Ok(())
}

// ---- answers ----

/// How many edges a trace answer holds at most, unless asked for fewer; the rest are
/// pages further on (`next`).
pub const MAX_PAGE_EDGES: usize = 10_000;

impl Trace {
    /// One page of the trace as served: edges `after..after + limit`, the nodes they
    /// touch, and each edge's entry with its inclusion proof against `checkpoint` (the
    /// latest, whose size the trace was computed at), so every edge can be checked.
    pub fn page(
        &self,
        reader: &dyn LogReader,
        after: usize,
        limit: usize,
    ) -> Result<Value, StorageError> {
        let limit = limit.clamp(1, MAX_PAGE_EDGES);
        let edges: Vec<&TraceEdge> = self.edges.iter().skip(after).take(limit).collect();
        let mut touched: BTreeSet<&str> = BTreeSet::from([self.key.as_str()]);
        let mut seqs: BTreeSet<u64> = BTreeSet::new();
        for e in &edges {
            touched.insert(&e.from);
            touched.insert(&e.to);
            seqs.insert(e.seq);
        }
        let nodes: Vec<&TraceNode> = self
            .nodes
            .iter()
            .filter(|n| touched.contains(n.key.as_str()))
            .collect();
        let (size, checkpoint) = reader.latest_checkpoint_note()?;
        let mut entries = Vec::with_capacity(seqs.len());
        for seq in seqs {
            let bytes = crate::storage::required_entry(reader, seq)?;
            let proof: Vec<String> = reader
                .inclusion_proof(seq, size)?
                .iter()
                .map(suyuan_format::encoding::Digest::to_hex)
                .collect();
            let entry = String::from_utf8(bytes)
                .map_err(|_| StorageError::Corrupt(format!("entry {seq} is not UTF-8")))?;
            entries.push(serde_json::json!({"seq": seq, "entry": entry, "proof": proof}));
        }
        let next = (after + edges.len() < self.edges.len()).then_some(after + edges.len());
        Ok(serde_json::json!({
            "format": TRACE_FORMAT,
            "key": self.key,
            "direction": self.direction,
            "size": self.size,
            "checkpoint": checkpoint,
            "total_edges": self.edges.len(),
            "after": after,
            "next": next,
            "nodes": nodes,
            "edges": edges,
            "entries": entries,
        }))
    }

    /// The edges as CSV rows (with a header), each with both ends' kinds and states.
    pub fn csv(&self) -> String {
        let node: HashMap<&str, &TraceNode> =
            self.nodes.iter().map(|n| (n.key.as_str(), n)).collect();
        let describe = |key: &str| {
            let n = node.get(key);
            (
                n.map_or("", |n| n.kind),
                n.and_then(|n| n.state).map_or("", State::as_str),
            )
        };
        let mut out = String::from("seq,relation,from,from_kind,from_state,to,to_kind,to_state\n");
        for e in &self.edges {
            let (fk, fs) = describe(&e.from);
            let (tk, ts) = describe(&e.to);
            let row = [
                e.seq.to_string(),
                e.relation.to_string(),
                e.from.to_string(),
                fk.into(),
                fs.into(),
                e.to.to_string(),
                tk.into(),
                ts.into(),
            ];
            let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// A CSV cell, quoted when it must be (RFC 4180), and never read as a formula by a
/// spreadsheet (a leading `=`, `+`, `-` or `@` is prefixed with `'`).
pub fn csv_cell(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The forward scope of a lot (or a recall's lot, or any key), as a recall needs it.
#[derive(Debug, Serialize)]
pub struct Scope {
    pub key: String,
    pub size: u64,
    /// Units (and lots) and containers reached, counted by state.
    pub units: BTreeMap<&'static str, usize>,
    pub containers: BTreeMap<&'static str, usize>,
    /// Containers that still hold goods of the scope, not yet released by customs and
    /// neither delivered nor returned: what customs must hold now.
    pub hold: Vec<String>,
    /// Orders reached, with their buyers' commitments: whom the platform must tell.
    pub notify: Vec<Notify>,
    /// Units packed with nothing recorded since: where they are, the log does not say.
    pub unknown: Vec<String>,
    pub declarations: Vec<String>,
    pub waybills: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Notify {
    pub order: String,
    pub buyers: Vec<String>,
}

impl Trace {
    /// The recall scope of a forward trace.
    pub fn scope(&self) -> Scope {
        let mut units: BTreeMap<&'static str, usize> =
            State::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        let mut containers = units.clone();
        let (mut hold, mut unknown, mut declarations, mut waybills) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut notify: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for n in &self.nodes {
            let state = n.state.unwrap_or(State::NotShipped);
            match n.kind {
                "unit" | "lot" => {
                    *units.entry(state.as_str()).or_default() += 1;
                    if state == State::Unknown {
                        unknown.push(n.key.clone());
                    }
                }
                "container" => {
                    *containers.entry(state.as_str()).or_default() += 1;
                    if n.holds
                        && !n.released
                        && !matches!(state, State::Delivered | State::Returned)
                    {
                        hold.push(n.key.clone());
                    }
                }
                "order" => {
                    notify.entry(&n.key).or_default();
                }
                "declaration" => declarations.push(n.key.clone()),
                "waybill" => waybills.push(n.key.clone()),
                _ => {}
            }
        }
        for e in self.edges.iter().filter(|e| e.relation == "bought_by") {
            if let Some(buyers) = notify.get_mut(&*e.from) {
                buyers.push(e.to.trim_start_matches("buyer:").to_string());
            }
        }
        Scope {
            key: self.key.clone(),
            size: self.size,
            units,
            containers,
            hold,
            notify: notify
                .into_iter()
                .map(|(order, buyers)| Notify {
                    order: order.to_string(),
                    buyers,
                })
                .collect(),
            unknown,
            declarations,
            waybills,
        }
    }
}
