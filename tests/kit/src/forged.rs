//! A forged log: entries written straight to bytes, with correct hashes, chains, tree
//! and a checkpoint signed by the log key, but no admission at all. It is what an
//! operator who skips the rules could publish; every verifier must refuse what
//! [`suyuan_core::admission::admit`] would have refused.

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use suyuan_format::bundle::ProvenHead;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::Digest;
use suyuan_format::entry;
use suyuan_format::event::{Body, SignedEvent};
use suyuan_format::hash::leaf_hash;
use suyuan_format::heads::{key_hash, HeadIndex, HeadMap, HeadUpdates};
use suyuan_format::keys::SecretKey;
use suyuan_format::merkle::{self, MemoryTree};

pub struct ForgedLog {
    origin: String,
    key: SecretKey,
    entries: Vec<Vec<u8>>,
    tree: MemoryTree,
    /// Chain key → entry hash of its latest entry.
    heads: HashMap<String, Digest>,
    /// Entry hash → the chains the entry joined.
    chains_of: HashMap<Digest, Vec<String>>,
    /// The head map, as the log's own sequencer keeps it.
    head_map: HeadMap,
    /// Every document key an entry names.
    documents: BTreeSet<String>,
}

impl ForgedLog {
    pub fn new(origin: &str) -> ForgedLog {
        ForgedLog {
            origin: origin.into(),
            key: SecretKey::from_seed(&[7; 32]),
            entries: Vec::new(),
            tree: MemoryTree::default(),
            heads: HashMap::new(),
            chains_of: HashMap::new(),
            head_map: HeadMap::default(),
            documents: BTreeSet::new(),
        }
    }

    /// The key a verifier pins.
    pub fn log_key(&self) -> LogKey {
        LogKey {
            name: Some(self.origin.clone()),
            key: self.key.public(),
        }
    }

    /// The whole log as an export (FORMAT.md §9): header, entries, one checkpoint.
    pub fn export(&self) -> String {
        let size = self.entries.len() as u64;
        let checkpoint = self.checkpoint();
        let verifier = LogKey::verifier_key(&self.origin, &self.key.public());
        let mut text = json!({"format": "suyuan-export-v1", "origin": self.origin,
            "log_key": verifier, "size": size})
        .to_string();
        text.push('\n');
        for e in &self.entries {
            text.push_str(std::str::from_utf8(e).expect("entries are UTF-8"));
            text.push('\n');
        }
        text.push_str(&json!({ "checkpoint": checkpoint.note }).to_string());
        text.push('\n');
        text
    }

    /// A checkpoint of the whole log.
    pub fn checkpoint(&self) -> Checkpoint {
        let size = self.entries.len() as u64;
        Checkpoint::sign(
            &self.origin,
            size,
            self.tree.root(),
            self.head_map.root(),
            &self.key,
        )
    }

    /// The proof of a key's head in the whole log, as a bundle lists it.
    pub fn head(&self, index: HeadIndex, key: &str) -> Value {
        let proof = self.head_map.prove(&key_hash(index, key));
        serde_json::to_value(ProvenHead::new(index, key, &proof)).expect("serializes")
    }

    /// The verifier key of the log, as a verifier pins it.
    pub fn verifier_key(&self) -> String {
        LogKey::verifier_key(&self.origin, &self.key.public())
    }

    /// Appends `signed` as the next entry, admitted or not; returns its entry hash.
    pub fn append(&mut self, signed: &SignedEvent) -> Digest {
        let seq = self.entries.len() as u64;
        // One second apart, after every event time the kit uses.
        let recorded = format!("2026-06-01T00:{:02}:{:02}.000Z", seq / 60, seq % 60);
        self.append_recorded(signed, &recorded)
    }

    /// [`ForgedLog::append`] with the record time `recorded` (RFC 3339, UTC).
    pub fn append_recorded(&mut self, signed: &SignedEvent, recorded: &str) -> Digest {
        let seq = self.entries.len() as u64;
        let mut chains = signed.event.chain_keys();
        if let Body::Correction(c) = &signed.event.body {
            chains.extend(
                self.chains_of
                    .get(&c.corrects.0)
                    .cloned()
                    .unwrap_or_default(),
            );
            chains.sort();
            chains.dedup();
        }
        let prev: BTreeMap<String, Option<Digest>> = chains
            .iter()
            .map(|c| (c.clone(), self.heads.get(c).copied()))
            .collect();
        let bytes = entry::encode(
            seq,
            recorded,
            &signed.id,
            &prev,
            &signed.canonical_event,
            &signed.signature,
        );
        let hash = entry::entry_hash(&bytes);
        for chain in &chains {
            self.heads.insert(chain.clone(), hash);
        }
        let mut updates = HeadUpdates::default();
        updates.add_entry(seq, chains.iter().map(String::as_str), &signed.event);
        self.head_map = updates.apply(&self.head_map);
        for (kind, number) in signed.event.documents() {
            self.documents.insert(kind.key(&number));
        }
        self.chains_of.insert(hash, chains);
        self.tree.push(leaf_hash(&bytes));
        self.entries.push(bytes);
        hash
    }

    /// An evidence bundle of `item` holding every entry of the log, every chain given
    /// complete, against a checkpoint of the whole log.
    pub fn bundle(&self, item: &str) -> Value {
        let size = self.entries.len() as u64;
        let checkpoint = self.checkpoint();
        let listed = |seq: usize| {
            let proof: Vec<String> = merkle::inclusion_proof(&self.tree, seq as u64, size)
                .expect("the tree holds every leaf")
                .iter()
                .map(Digest::to_hex)
                .collect();
            let text = String::from_utf8(self.entries[seq].clone()).expect("entries are UTF-8");
            json!({"seq": seq, "entry": text, "proof": proof})
        };
        let is_registration = |bytes: &[u8]| {
            let v: Value = serde_json::from_slice(bytes).expect("entries are JSON");
            v["signed"]["event"]["type"] == "registration"
        };
        let (mut entries, mut registrations) = (Vec::new(), Vec::new());
        for (seq, bytes) in self.entries.iter().enumerate() {
            if is_registration(bytes) {
                registrations.push(listed(seq));
            } else {
                let mut e = listed(seq);
                e["via"] = json!("item");
                entries.push(e);
            }
        }
        let mut chains: Vec<&String> = self.heads.keys().collect();
        chains.sort();
        let heads: Vec<Value> = chains
            .iter()
            .map(|c| self.head(HeadIndex::Chain, c))
            .chain(
                self.documents
                    .iter()
                    .map(|d| self.head(HeadIndex::Document, d)),
            )
            .collect();
        json!({
            "heads": heads,
            "format": "suyuan-bundle-v1",
            "item": item,
            "origin": self.origin,
            "checkpoint": checkpoint.note,
            "chains": chains,
            "entries": entries,
            "registrations": registrations,
        })
    }
}
