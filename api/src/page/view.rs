//! What the consumer page shows, as data for its templates: the marked facts of each
//! entry (which fields, under which labels, in which order), laid out per event type in
//! one table. Which warnings the page raises comes from suyuan-core's
//! [`assess`](suyuan_core::assessment::assess); nothing here decides anything about the
//! item, and nothing here writes markup. What the page reads off the entries to show
//! them plainly (a parcel's contents, a result over its limit, the parts of the item's
//! code) is computed here, and again by verify.js from the verified entries.

use super::i18n::{label, t, Lang};
use super::{display, get};
use serde_json::Value;
use std::cmp::Ordering;
use suyuan_core::assessment::{Alert, AlertKind};
use suyuan_core::history::Via;
use suyuan_core::registry::Registry;
use suyuan_format::event::values::Decimal;
use suyuan_format::gs1::Item;

/// A fact shown from an entry, marked `data-s data-p data-k` so the page's script can
/// check it: its text is exactly `display(kind, value)`.
pub struct Mark {
    pub seq: u64,
    pub path: String,
    pub kind: &'static str,
    pub text: String,
}

/// An actor, by id, shown under its registered name (the script checks the name).
pub struct Actor {
    pub id: String,
    pub name: String,
}

/// What one row of facts shows.
pub enum Shown {
    /// Marks separated by spaces (mostly one).
    Marks(Vec<Mark>),
    /// Marks one a line (the items a packing lists).
    Lines(Vec<Mark>),
    /// A mark in bold, classed by its value when a class is given (`verdict fail`).
    Strong(Option<String>, Mark),
    /// A rating, as stars.
    Stars(Mark),
    Actor(Actor),
    /// Plain text that is no fact of an entry.
    Text(String),
    /// The acceptances of an inspection, one a line.
    Acceptances(Vec<Acceptance>),
    /// An inspection's results, as a table.
    Results(Results),
}

pub struct Acceptance {
    pub seq: u64,
    /// `decision {value}`.
    pub class: String,
    pub decision: Option<Mark>,
    pub actor: Actor,
}

pub struct Results {
    /// Analyte, value, limit.
    pub head: [&'static str; 3],
    pub rows: Vec<ResultRow>,
    /// Some value is a limit of quantification: the table explains its `<`.
    pub any_below_loq: bool,
}

/// One result; the unit is shown after both the value and the limit, as it is theirs.
pub struct ResultRow {
    /// `{seq} {index}`, for the script to find the row's result.
    pub id: String,
    pub analyte: Option<Mark>,
    pub value: Option<Mark>,
    pub unit: Option<Mark>,
    pub limit: Option<Mark>,
    /// `<`, marked from `below_loq`, when the value is a limit of quantification.
    pub below_loq: Option<Mark>,
    /// The value is above the limit and was measured (the row fails). The script
    /// recomputes this from the verified result.
    pub exceeds: bool,
}

/// A `<dt>`/`<dd>` pair; a wide one spans the card.
pub struct Row {
    pub label: &'static str,
    pub wide: bool,
    pub shown: Shown,
}

/// One entry of the story.
pub struct Card {
    pub seq: u64,
    pub kind: String,
    /// A logistics step's status (`s-unpacked` on the card), else empty.
    pub status: String,
    pub type_label: String,
    /// Packing and unpacking are named for what they are ("Unpacking"), from the
    /// entry's status, so the name is a mark the script checks.
    pub type_mark: Option<Mark>,
    pub time: Option<Mark>,
    /// Seqs of the corrections declaring this entry in error.
    pub corrected_by: Vec<u64>,
    pub rows: Vec<Row>,
    pub signer: Actor,
}

/// The item's facts at the top of the page.
pub struct Hero {
    pub product: Option<Mark>,
    pub facts: Vec<Row>,
}

/// The item's key as printed on its label: the whole Digital Link path and its parts
/// (GTIN, lot, serial; or SSCC). The script checks both against the verified entries.
pub struct KeyView {
    pub code: String,
    /// (words key's text, `data-item-part` name, value).
    pub parts: Vec<(&'static str, &'static str, String)>,
    /// A parcel or pallet (`00/…`).
    pub container: bool,
}

/// What a parcel or pallet holds, from the packing and unpacking entries that name it
/// as `what.parent`, in log order: each item packed into it is inside until an
/// unpacking lists it. verify.js recomputes both lists from the verified entries.
pub struct Contents {
    pub inside: Vec<Content>,
    /// Packed into it and unpacked since (each with the unpacking's seq).
    pub out: Vec<Content>,
}

pub struct Content {
    /// `what.items[i]` of the packing that put it in.
    pub item: Mark,
    /// The item's page.
    pub href: String,
    /// The product of its lot (the lot's production in the story), if any.
    pub product: Option<Mark>,
    /// The packing's `what.quantity` (a lot packed by quantity).
    pub quantity: Option<Mark>,
    pub unpacked: Option<u64>,
}

/// A warning at the top of the page.
pub struct AlertView {
    pub kind: &'static str,
    pub title: &'static str,
    /// What the holder should do, in the page's language.
    pub advice: &'static str,
    pub seq: u64,
    pub facts: Vec<Mark>,
    /// Shown for recalls: who recalled.
    pub signer: Option<Actor>,
    /// Seqs of the corrections declaring the entry in error (then no longer in force).
    pub corrected_by: Vec<u64>,
}

/// A section of the story and its cards.
pub struct Section {
    pub class: &'static str,
    pub title: &'static str,
    /// Logistics: the cards as an ordered timeline.
    pub timeline: bool,
    pub cards: Vec<Card>,
}

/// How a field's mark is shown.
#[derive(Clone, Copy)]
enum How {
    Plain,
    /// Bold; with a class, also classed `"{class} {value}"`.
    Strong(Option<&'static str>),
    Stars,
}

/// One row of a card, by event type.
enum Field {
    /// Label, path, display kind, how.
    One(&'static str, &'static str, &'static str, How),
    /// The first of the paths the event has.
    First(&'static str, &'static [&'static str]),
    /// Present when the path is: the marks of its members, by a space.
    Joined(&'static str, &'static str, &'static [&'static str]),
    /// Present when the array at the path is: a mark of each element, one a line.
    Each(&'static str, &'static str),
    /// The acceptances of this inspection.
    Acceptances,
    /// The table of `body.results`.
    Results,
}

use Field::{Acceptances, Each, First, Joined, One, Results as ResultsTable};
use How::{Plain, Stars, Strong};

const PRODUCTION: &[Field] = &[
    One("f.product", "body.product", "t", Plain),
    One("f.origin", "body.origin", "t", Plain),
    One("f.facility", "body.facility", "t", Plain),
    One("f.produced", "body.produced", "t", Plain),
    One("f.expiry", "body.expiry", "t", Plain),
    One("f.quantity", "what.quantity", "q", Plain),
];
const INSPECTION: &[Field] = &[
    One(
        "f.verdict",
        "body.verdict",
        "e:verdict",
        Strong(Some("verdict")),
    ),
    One("f.lab", "body.lab", "t", Plain),
    Joined(
        "f.accreditation",
        "body.accreditation",
        &["body.accreditation.body", "body.accreditation.number"],
    ),
    One("f.standard", "body.standard", "t", Plain),
    One("f.sample", "body.sample", "t", Plain),
    One("f.report", "body.report_no", "t", Plain),
    Acceptances,
    ResultsTable,
];
const ACCEPTANCE: &[Field] = &[
    One(
        "f.decision",
        "body.decision",
        "e:decision",
        Strong(Some("decision")),
    ),
    One("f.basis", "body.basis", "t", Plain),
];
const TRADE: &[Field] = &[
    One("f.order", "body.order_no", "t", Plain),
    One("f.trade_mode", "body.trade_mode", "e:trade_mode", Plain),
    One("f.total", "body.total", "m", Plain),
];
const PAYMENT: &[Field] = &[
    One("f.payment", "body.payment_no", "t", Plain),
    One("f.order", "body.order_no", "t", Plain),
    One("f.amount", "body.amount", "m", Plain),
    One("f.status", "body.status", "e:payment_status", Plain),
];
const LOGISTICS: &[Field] = &[
    One(
        "f.status",
        "body.status",
        "e:logistics_status",
        Strong(None),
    ),
    First("f.place", &["body.location", "where.place"]),
    One("f.temperature", "body.temperature", "q", Plain),
    One("f.mode", "body.mode", "e:mode", Plain),
    One("f.waybill", "body.waybill_no", "t", Plain),
];
/// A packing: what went into which parcel or pallet.
const PACKING: &[Field] = &[
    One(
        "f.status",
        "body.status",
        "e:logistics_status",
        Strong(None),
    ),
    Each("f.items", "what.items"),
    One("f.container", "what.parent", "t", Plain),
    First("f.place", &["body.location", "where.place"]),
    One("f.waybill", "body.waybill_no", "t", Plain),
];
/// An unpacking: what came out of which parcel or pallet (never "packed into").
const UNPACKING: &[Field] = &[
    One(
        "f.status",
        "body.status",
        "e:logistics_status",
        Strong(None),
    ),
    Each("f.items", "what.items"),
    One("f.unpacked_from", "what.parent", "t", Plain),
    First("f.place", &["body.location", "where.place"]),
    One("f.waybill", "body.waybill_no", "t", Plain),
];
const CLEARANCE: &[Field] = &[
    One(
        "f.status",
        "body.status",
        "e:clearance_status",
        Strong(Some("cstatus")),
    ),
    One("f.office", "body.customs_office", "t", Plain),
    One("f.declaration", "body.declaration_no", "t", Plain),
    One("f.direction", "body.direction", "e:direction", Plain),
    One("f.trade_mode", "body.trade_mode", "e:trade_mode", Plain),
    One("f.hs", "body.hs_code", "t", Plain),
    One("f.note", "body.note", "t", Plain),
];
const REVIEW: &[Field] = &[
    One("f.kind", "body.kind", "e:review_kind", Plain),
    One("f.rating", "body.rating", "r", Stars),
    One("f.text", "body.text", "t", Plain),
];
const RECALL: &[Field] = &[
    One("f.severity", "body.severity", "e:severity", Plain),
    One("f.reason", "body.reason", "t", Plain),
    One("f.action", "body.action", "t", Plain),
    One("f.notice", "body.notice_no", "t", Plain),
];
const CORRECTION: &[Field] = &[
    One("f.reason", "body.reason", "e:correction_reason", Plain),
    One("f.explanation", "body.explanation", "t", Plain),
];
const REGISTRATION: &[Field] = &[One("f.subject", "body.subject", "t", Plain)];
/// Shown after the type's own fields, except for logistics (which shows its place).
const PLACE: Field = One("f.place", "where.place", "t", Plain);

/// The fields of an event type; a logistics step's by its status.
fn fields(kind: &str, status: &str) -> &'static [Field] {
    match kind {
        "production" => PRODUCTION,
        "inspection" => INSPECTION,
        "acceptance" => ACCEPTANCE,
        "trade" => TRADE,
        "payment" => PAYMENT,
        "logistics" if status == "packed" => PACKING,
        "logistics" if status == "unpacked" => UNPACKING,
        "logistics" => LOGISTICS,
        "clearance" => CLEARANCE,
        "review" => REVIEW,
        "recall" => RECALL,
        "correction" => CORRECTION,
        "registration" => REGISTRATION,
        _ => &[],
    }
}

/// The story's sections, in page order: (words key, class).
const SECTIONS: [(&str, &str); 8] = [
    ("sec.recall", "recall"),
    ("sec.origin", "origin"),
    ("sec.tests", "tests"),
    ("sec.trade", "trade"),
    ("sec.clearance", "clearance"),
    ("sec.logistics", "logistics"),
    ("sec.reviews", "reviews"),
    ("sec.other", "other"),
];

fn section_of(kind: &str) -> usize {
    match kind {
        "recall" => 0,
        "production" => 1,
        "inspection" | "acceptance" => 2,
        "trade" | "payment" => 3,
        "clearance" => 4,
        "logistics" => 5,
        "review" => 6,
        _ => 7,
    }
}

/// One entry of the history, as the views read it.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    pub seq: u64,
    pub event: &'a Value,
    pub via: &'a Via,
    pub corrected_by: &'a [u64],
}

/// Builds the views in one language, naming actors as the registry does.
pub struct Viewer<'a> {
    pub lang: Lang,
    pub registry: &'a Registry,
}

fn str_at<'v>(ev: &'v Value, path: &str) -> &'v str {
    get(ev, path).and_then(Value::as_str).unwrap_or("")
}

/// Whether a measured value is above its limit (as the format's inspection rule
/// compares them; verify.js has the same rule).
fn exceeds(result: &Value) -> bool {
    let dec = |f: &str| {
        result[f]
            .as_str()
            .and_then(|s| Decimal::try_from(s.to_string()).ok())
    };
    let measured = result["below_loq"] != Value::Bool(true);
    match (dec("value"), dec("limit")) {
        (Some(v), Some(l)) => measured && v.partial_cmp(&l) == Some(Ordering::Greater),
        _ => false,
    }
}

/// The lot an item of a packing belongs to (the item itself for a lot), whose
/// production names its product.
pub fn lot_of(item: &str) -> Option<String> {
    let parsed = Item::parse(item).ok()?;
    if parsed.is_lot() {
        return Some(parsed.to_string());
    }
    parsed.lot_item().map(|l| l.to_string())
}

impl Viewer<'_> {
    /// The mark of `path` in an entry, or None when its event lacks it.
    fn mark(&self, e: &Entry<'_>, path: &str, kind: &'static str) -> Option<Mark> {
        let v = get(e.event, path)?;
        Some(Mark {
            seq: e.seq,
            path: path.to_string(),
            kind,
            text: display(self.lang, kind, v),
        })
    }

    fn actor(&self, id: &str) -> Actor {
        let name = self
            .registry
            .actor(id)
            .map_or_else(|| id.to_string(), |a| a.name.clone());
        Actor {
            id: id.to_string(),
            name,
        }
    }

    fn signer(&self, e: &Entry<'_>) -> Actor {
        self.actor(str_at(e.event, "actor"))
    }

    fn row(&self, label: &'static str, shown: Option<Shown>) -> Option<Row> {
        shown.map(|shown| Row {
            label: t(self.lang, label),
            wide: false,
            shown,
        })
    }

    fn field(&self, e: &Entry<'_>, field: &Field, accepted_by: &[Entry<'_>]) -> Option<Row> {
        match *field {
            One(label, path, kind, how) => {
                let m = self.mark(e, path, kind)?;
                let shown = match how {
                    Plain => Shown::Marks(vec![m]),
                    Strong(class) => {
                        Shown::Strong(class.map(|c| format!("{c} {}", str_at(e.event, path))), m)
                    }
                    Stars => Shown::Stars(m),
                };
                self.row(label, Some(shown))
            }
            First(label, paths) => {
                let m = paths.iter().find_map(|p| self.mark(e, p, "t"))?;
                self.row(label, Some(Shown::Marks(vec![m])))
            }
            Joined(label, path, members) => {
                get(e.event, path)?;
                let marks = members.iter().filter_map(|p| self.mark(e, p, "t"));
                self.row(label, Some(Shown::Marks(marks.collect())))
            }
            Each(label, path) => {
                let n = get(e.event, path)?.as_array()?.len();
                let marks = (0..n).filter_map(|i| self.mark(e, &format!("{path}[{i}]"), "t"));
                self.row(label, Some(Shown::Lines(marks.collect())))
            }
            Acceptances => {
                if accepted_by.is_empty() {
                    return None;
                }
                let list = accepted_by
                    .iter()
                    .map(|a| Acceptance {
                        seq: a.seq,
                        class: format!("decision {}", str_at(a.event, "body.decision")),
                        decision: self.mark(a, "body.decision", "e:decision"),
                        actor: self.signer(a),
                    })
                    .collect();
                self.row("f.acceptance", Some(Shown::Acceptances(list)))
            }
            ResultsTable => {
                let results = e.event["body"]["results"].as_array()?;
                let rows: Vec<ResultRow> = results
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let path = |f: &str| format!("body.results[{i}].{f}");
                        let m = |f: &str| self.mark(e, &path(f), "t");
                        ResultRow {
                            id: format!("{} {i}", e.seq),
                            analyte: m("analyte"),
                            value: m("value"),
                            unit: m("unit"),
                            limit: m("limit"),
                            below_loq: (r["below_loq"] == Value::Bool(true))
                                .then(|| self.mark(e, &path("below_loq"), "e:loq"))
                                .flatten(),
                            exceeds: exceeds(r),
                        }
                    })
                    .collect();
                let any_below_loq = rows.iter().any(|r| r.below_loq.is_some());
                let head = ["f.analyte", "f.value", "f.limit"].map(|k| t(self.lang, k));
                let table = Results {
                    head,
                    rows,
                    any_below_loq,
                };
                let mut row = self.row("f.results", Some(Shown::Results(table)))?;
                row.wide = true;
                Some(row)
            }
        }
    }

    /// The card of one entry; `accepted_by` are the acceptances of it (an inspection).
    pub fn card(&self, e: &Entry<'_>, accepted_by: &[Entry<'_>]) -> Card {
        let lang = self.lang;
        let kind = str_at(e.event, "type");
        let status = if kind == "logistics" {
            str_at(e.event, "body.status")
        } else {
            ""
        };
        let tail: &[Field] = if kind == "logistics" { &[] } else { &[PLACE] };
        let mut rows: Vec<Row> = fields(kind, status)
            .iter()
            .chain(tail)
            .filter_map(|f| self.field(e, f, accepted_by))
            .collect();
        let via = match e.via {
            Via::Item => None,
            Via::Lot(l) => Some((t(lang, "via.lot"), l)),
            Via::Container(x) => Some((t(lang, "via.container"), x)),
            Via::Order(o) => Some((t(lang, "via.order"), o)),
        };
        rows.extend(self.row(
            "f.via",
            via.map(|(w, name)| Shown::Text(format!("{w} {name}"))),
        ));
        let type_mark = matches!(status, "packed" | "unpacked")
            .then(|| self.mark(e, "body.status", "e:step"))
            .flatten();
        Card {
            seq: e.seq,
            kind: kind.to_string(),
            status: status.to_string(),
            type_label: label(lang, "type", kind),
            type_mark,
            time: self.mark(e, "time", "d"),
            corrected_by: e.corrected_by.to_vec(),
            rows,
            signer: self.signer(e),
        }
    }

    /// The item's facts at the top of the page, from its production.
    pub fn hero(&self, production: &Entry<'_>) -> Hero {
        let m = |p: &str| self.mark(production, p, "t").map(|m| Shown::Marks(vec![m]));
        let producer = Shown::Actor(self.signer(production));
        let facts = [
            self.row("f.origin", m("body.origin")),
            self.row("f.producer", Some(producer)),
            self.row("f.produced", m("body.produced")),
            self.row("f.expiry", m("body.expiry")),
        ];
        Hero {
            product: self.mark(production, "body.product", "t"),
            facts: facts.into_iter().flatten().collect(),
        }
    }

    /// A warning core raised, with the facts that say what it is.
    pub fn alert(&self, a: &Alert, e: &Entry<'_>) -> AlertView {
        let specs: &[(&str, &'static str)] = match a.kind {
            AlertKind::Recall => &[
                ("body.severity", "e:severity"),
                ("body.reason", "t"),
                ("body.action", "t"),
                ("body.notice_no", "t"),
            ],
            AlertKind::FailedTest => &[
                ("body.lab", "t"),
                ("body.standard", "t"),
                ("body.report_no", "t"),
            ],
        };
        AlertView {
            kind: a.kind.as_str(),
            title: t(self.lang, &format!("alert.{}", a.kind.as_str())),
            advice: t(self.lang, &format!("alert.do.{}", a.kind.as_str())),
            seq: a.seq,
            facts: specs
                .iter()
                .filter_map(|(p, k)| self.mark(e, p, k))
                .collect(),
            signer: (a.kind == AlertKind::Recall).then(|| self.signer(e)),
            corrected_by: if a.corrected {
                e.corrected_by.to_vec()
            } else {
                vec![]
            },
        }
    }

    /// The item's key and its parts, as its label prints them.
    pub fn key(&self, item: &str) -> KeyView {
        let mut parts = vec![];
        let container = match Item::parse(item) {
            Ok(Item::Logistic { sscc }) => {
                parts.push((t(self.lang, "sscc"), "sscc", sscc));
                true
            }
            Ok(Item::Trade { gtin, lot, serial }) => {
                parts.push((t(self.lang, "gtin"), "gtin", gtin));
                if let Some(lot) = lot {
                    parts.push((t(self.lang, "lot"), "lot", lot));
                }
                if let Some(serial) = serial {
                    parts.push((t(self.lang, "serial"), "serial", serial));
                }
                false
            }
            Err(_) => false,
        };
        KeyView {
            code: item.to_string(),
            parts,
            container,
        }
    }

    /// What `item` holds, or None when nothing was ever packed into it. Only its own
    /// chain's entries (the packings name it as parent), as the script reads them.
    pub fn contents(&self, item: &str, entries: &[Entry<'_>]) -> Option<Contents> {
        let mut products = std::collections::HashMap::new();
        for e in entries
            .iter()
            .filter(|e| str_at(e.event, "type") == "production")
        {
            let lots = get(e.event, "what.items").and_then(Value::as_array);
            for lot in lots.into_iter().flatten().filter_map(Value::as_str) {
                products.entry(lot.to_string()).or_insert(e);
            }
        }
        let mut held: Vec<(String, Content)> = vec![];
        let mut order: Vec<&Entry<'_>> = entries
            .iter()
            .filter(|e| {
                *e.via == Via::Item
                    && str_at(e.event, "type") == "logistics"
                    && str_at(e.event, "what.parent") == item
            })
            .collect();
        order.sort_by_key(|e| e.seq);
        for e in order {
            let listed = get(e.event, "what.items")
                .and_then(Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            match str_at(e.event, "body.status") {
                "packed" => {
                    let named = listed.iter().enumerate();
                    for (i, it) in named.filter_map(|(i, v)| Some((i, v.as_str()?))) {
                        let Some(mark) = self.mark(e, &format!("what.items[{i}]"), "t") else {
                            continue;
                        };
                        let product = lot_of(it)
                            .and_then(|l| products.get(&l))
                            .and_then(|p| self.mark(p, "body.product", "t"));
                        let content = Content {
                            item: mark,
                            href: format!("/{it}"),
                            product,
                            quantity: self.mark(e, "what.quantity", "q"),
                            unpacked: None,
                        };
                        held.retain(|(k, _)| k != it);
                        held.push((it.to_string(), content));
                    }
                }
                "unpacked" => {
                    for it in listed.iter().filter_map(Value::as_str) {
                        if let Some((_, c)) = held.iter_mut().find(|(k, _)| k == it) {
                            c.unpacked.get_or_insert(e.seq);
                        }
                    }
                }
                _ => {}
            }
        }
        if held.is_empty() {
            return None;
        }
        let (inside, out) = held
            .into_iter()
            .map(|(_, c)| c)
            .partition(|c| c.unpacked.is_none());
        Some(Contents { inside, out })
    }

    /// The cards, by section in page order; empty sections are left out.
    pub fn sections(&self, cards: Vec<Card>) -> Vec<Section> {
        let mut sections: Vec<Section> = SECTIONS
            .iter()
            .map(|&(key, class)| Section {
                class,
                title: t(self.lang, key),
                timeline: class == "logistics",
                cards: vec![],
            })
            .collect();
        for card in cards {
            sections[section_of(&card.kind)].cards.push(card);
        }
        sections.retain(|s| !s.cards.is_empty());
        sections
    }
}
