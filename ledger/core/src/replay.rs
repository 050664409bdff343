//! Replay: entries taken in log order through [`admit`], the way the log took them.
//! The auditor replays a whole log; the bundle checker replays the entries a bundle
//! holds, which are part of a log (a [`Replay::partial`]). Both name what is wrong
//! with an entry in the same words, because both ask the same questions here.

use crate::admission::{
    admit, AdmitError, Candidate, ClientUse, EntryFacts, LogView, OrderFacts, PrivatePart,
};
use crate::registry::Registry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use suyuan_customs::view::RecordView;
use suyuan_format::encoding::Digest;
use suyuan_format::event::{Body, Event};
use suyuan_format::time_format;
use time::OffsetDateTime;

/// The log as replayed so far.
pub struct Replay {
    registry: Registry,
    entries: HashMap<Digest, EntryFacts>,
    documents: HashSet<String>,
    /// Order number → the order, from its `trade` entry.
    orders: HashMap<String, crate::admission::OrderFacts>,
    /// Order number → the views of its customs messages, in log order.
    customs: HashMap<String, Vec<RecordView>>,
    chain_heads: HashMap<String, Digest>,
    /// Actor → client id → its first use; nested so that a lookup borrows.
    client_ids: HashMap<String, HashMap<String, ClientUse>>,
    last_recorded: Option<OffsetDateTime>,
    complete: bool,
}

/// One entry to replay, as its bytes said.
pub struct ReplayEntry<'a> {
    /// Where it stands.
    pub position: u64,
    /// Its BLAKE3 entry hash.
    pub hash: Digest,
    pub seq: u64,
    pub recorded: &'a str,
    pub event_id: Digest,
    pub prev: &'a BTreeMap<String, Option<Digest>>,
    pub event: &'a Event,
    pub signature_ok: bool,
    pub private: PrivatePart,
    pub private_bytes: Option<&'a [u8]>,
}

impl Replay {
    /// A replay of a whole log, from its first entry.
    pub fn complete() -> Replay {
        Replay::new(true)
    }

    /// A replay of some entries of a log, in log order: what it lacks it cannot call
    /// missing (see [`LogView::is_complete`]).
    pub fn partial() -> Replay {
        Replay::new(false)
    }

    fn new(complete: bool) -> Replay {
        Replay {
            registry: Registry::default(),
            entries: HashMap::new(),
            documents: HashSet::new(),
            orders: HashMap::new(),
            customs: HashMap::new(),
            chain_heads: HashMap::new(),
            client_ids: HashMap::new(),
            last_recorded: None,
            complete,
        }
    }

    /// Checks an entry against the log replayed so far and adds it, even when it fails,
    /// so that one bad entry is named once and not again by everything after it.
    /// `links_known(chain)` says whether every earlier entry of that chain was replayed,
    /// so that its `prev` link can be checked. Returns what is wrong, if anything.
    pub fn replay(
        &mut self,
        e: &ReplayEntry<'_>,
        links_known: impl Fn(&str) -> bool,
    ) -> Vec<String> {
        let mut failures = Vec::new();
        if e.seq != e.position {
            failures.push(format!(
                "entry says seq {} but stands at position {} (entries deleted, inserted or reordered)",
                e.seq, e.position
            ));
        }
        let recorded = match time_format::parse(e.recorded) {
            Some(t) => t,
            None => {
                failures.push(format!("record time {:?} is not RFC 3339", e.recorded));
                self.last_recorded.unwrap_or(OffsetDateTime::UNIX_EPOCH)
            }
        };
        let candidate = Candidate {
            event: e.event,
            event_id: e.event_id,
            seq: e.position,
            recorded,
            previous_recorded: self.last_recorded,
            signature_ok: e.signature_ok,
            private: e.private,
            private_bytes: e.private_bytes,
        };
        let named: Vec<&String> = e.prev.keys().collect();
        match admit(&self.registry, &*self, &candidate) {
            Ok(admitted) => {
                // A partial replay may not see a corrected entry, whose chains a
                // correction joins: there the event's own chains must all be named.
                let agrees = if self.complete {
                    named == admitted.chains.iter().collect::<Vec<_>>()
                } else {
                    admitted.chains.iter().all(|c| e.prev.contains_key(c))
                };
                if !agrees {
                    failures.push(format!(
                        "prev names chains {named:?}, the event joins {:?}",
                        admitted.chains
                    ));
                }
            }
            Err(AdmitError::Refused(r)) => failures.push(format!("would have been refused: {r}")),
            Err(AdmitError::View(never)) => match never {},
        }
        for (key, link) in e.prev {
            if !links_known(key) {
                continue;
            }
            let head = self.chain_heads.get(key).copied();
            if *link != head {
                let show = |d: Option<Digest>| d.map_or("null (first)".to_string(), |d| d.to_hex());
                failures.push(format!(
                    "chain {key}: prev is {} but the previous entry of that chain is {}",
                    show(*link),
                    show(head)
                ));
            }
        }
        self.apply(e, recorded);
        failures
    }

    fn apply(&mut self, e: &ReplayEntry<'_>, recorded: OffsetDateTime) {
        // Compare the next entry with this one, so one bad time is named once.
        self.last_recorded = Some(recorded);
        let of_actor = match self.client_ids.get_mut(&e.event.actor.0) {
            Some(ids) => ids,
            None => self.client_ids.entry(e.event.actor.0.clone()).or_default(),
        };
        if !of_actor.contains_key(&e.event.client_id) {
            of_actor.insert(
                e.event.client_id.clone(),
                ClientUse {
                    seq: e.position,
                    event_id: e.event_id,
                },
            );
        }
        for key in e.prev.keys() {
            self.chain_heads.insert(key.clone(), e.hash);
        }
        for (kind, number) in e.event.documents() {
            self.documents.insert(kind.key(&number));
        }
        if let (Some(order), Body::Trade(t)) = (OrderFacts::of(e.event), &e.event.body) {
            self.orders
                .entry(t.order_no.as_str().to_string())
                .or_insert(order);
        }
        if let Body::CustomsMessage(m) = &e.event.body {
            self.customs
                .entry(m.order_no.as_str().to_string())
                .or_default()
                .push(m.record.clone());
        }
        self.entries.insert(
            e.hash,
            EntryFacts {
                seq: e.position,
                kind: e.event.kind,
                actor: e.event.actor.0.clone(),
                chain_keys: e.prev.keys().cloned().collect(),
            },
        );
        if let Body::Registration(r) = &e.event.body {
            if !(e.event.is_genesis() && e.position != 0) {
                let _ = self.registry.apply(r, e.position);
            }
        }
    }
}

impl Replay {
    /// The registry as the entries replayed so far make it.
    pub(crate) fn registry(&self) -> &Registry {
        &self.registry
    }
}

impl LogView for Replay {
    type Error = Infallible;
    fn entry_by_hash(&self, hash: &Digest) -> Result<Option<EntryFacts>, Infallible> {
        Ok(self.entries.get(hash).cloned())
    }
    fn document_exists(&self, key: &str) -> Result<bool, Infallible> {
        Ok(self.documents.contains(key))
    }
    fn item_exists(&self, item: &str) -> Result<bool, Infallible> {
        Ok(self.chain_heads.contains_key(item))
    }
    fn client_use(&self, actor: &str, client_id: &str) -> Result<Option<ClientUse>, Infallible> {
        Ok(self
            .client_ids
            .get(actor)
            .and_then(|ids| ids.get(client_id))
            .copied())
    }
    fn order(&self, order_no: &str) -> Result<Option<OrderFacts>, Infallible> {
        Ok(self.orders.get(order_no).cloned())
    }
    fn customs_records(&self, order_no: &str) -> Result<Vec<RecordView>, Infallible> {
        Ok(self.customs.get(order_no).cloned().unwrap_or_default())
    }
    fn is_complete(&self) -> bool {
        self.complete
    }
}
