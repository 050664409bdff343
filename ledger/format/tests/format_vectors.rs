//! Vectors for independent verifiers (fixtures/vectors/suyuan/vectors.json): a small log
//! built from fixed keys and fixed record times, with every intermediate value a verifier
//! in another language needs to reproduce. The test rebuilds them and fails if they differ
//! from the committed file (`UPDATE_VECTORS=1 cargo test --test format_vectors` rewrites it),
//! then checks the file's proofs and signatures with the verification functions.

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use suyuan_format::bundle::ProvenHead;
use suyuan_format::checkpoint::{key_id, Checkpoint, LogKey};
use suyuan_format::encoding::{b64, Digest};
use suyuan_format::entry::{encode, entry_hash, EntryView};
use suyuan_format::event::SignedEvent;
use suyuan_format::hash::leaf_hash;
use suyuan_format::heads::{key_hash, HeadIndex};
use suyuan_format::keys::{SecretKey, EVENT_CONTEXT};
use suyuan_format::merkle::{consistency_proof, inclusion_proof, root, MemoryTree, NodeSource};
use suyuan_format::receipt::Receipt;

const ORIGIN: &str = "vectors.suyuan.example/log";

/// Hashes (a proof) as the vectors write them, in hex.
fn hex_all(hashes: &[Digest]) -> Vec<String> {
    hashes.iter().map(Digest::to_hex).collect()
}

fn events(registrar: &SecretKey, farm: &SecretKey, lab: &SecretKey) -> Vec<(Value, &'static str)> {
    let r = registrar.public().to_string();
    let reg = |n: u32, subject: &str, name: &str, cc: &str, role: &str, key: &SecretKey| {
        json!({"type": "registration", "client_id": format!("reg-{n}"), "actor": "CN-REGISTRAR", "key": r,
               "time": "2026-01-05T09:00:00+08:00",
               "body": {"action": "register", "subject": subject, "name": name, "jurisdiction": cc,
                        "roles": [role], "keys": [key.public().to_string()]}})
    };
    let lot = "01/04712345678900/10/AL2026A";
    vec![
        (
            json!({"type": "registration", "client_id": "genesis", "actor": "CN-REGISTRAR", "key": r,
                "time": "2026-01-01T08:00:00+08:00",
                "body": {"action": "genesis", "subject": "CN-REGISTRAR", "name": "Pingtan traceability registry",
                         "jurisdiction": "CN", "roles": ["registrar"], "keys": [r]}}),
            "registrar",
        ),
        (
            reg(
                1,
                "TW-87654321",
                "阿里山茶園 Alishan Tea Garden",
                "TW",
                "producer",
                farm,
            ),
            "registrar",
        ),
        (
            reg(
                2,
                "TW-LAB-0001",
                "Taichung Food Testing Laboratory",
                "TW",
                "lab",
                lab,
            ),
            "registrar",
        ),
        (
            json!({"type": "production", "client_id": "harvest-2026-spring", "actor": "TW-87654321",
                "key": farm.public().to_string(), "time": "2026-04-12T06:30:00+08:00",
                "what": {"items": [lot], "quantity": {"value": "420.5", "uom": "KGM"}},
                "where": {"country": "TW", "place": "阿里山鄉, 嘉義縣"},
                "why": {"biz_step": "commissioning", "disposition": "active"},
                "body": {"product": "高山烏龍茶 High-mountain oolong", "produced": "2026-04-12",
                         "expiry": "2028-04-11", "origin": "Alishan, Chiayi County", "facility": "Shizhuo factory"}}),
            "farm",
        ),
        (
            json!({"type": "inspection", "client_id": "TFTL-2026-0412", "actor": "TW-LAB-0001",
                "key": lab.public().to_string(), "time": "2026-04-20T15:00:00+08:00",
                "what": {"items": [lot]}, "where": {"country": "TW", "place": "Taichung"},
                "body": {"lab": "Taichung Food Testing Laboratory", "standard": "GB 2763-2021",
                         "sample": "S-0412-01", "report_no": "TFTL-2026-0412",
                         "report_hash": "0f5e8b0d0c5d5fd3b8e1c9a6b0f2d4e6a8c0e2f4a6b8d0f2e4c6a8b0d2f4e6a8",
                         "results": [{"analyte": "fipronil", "value": "0.002", "limit": "0.02", "unit": "mg/kg"}],
                         "verdict": "pass"}}),
            "lab",
        ),
    ]
}

fn build() -> Value {
    let log_key = SecretKey::from_seed(&[1; 32]);
    let registrar = SecretKey::from_seed(&[2; 32]);
    let farm = SecretKey::from_seed(&[3; 32]);
    let lab = SecretKey::from_seed(&[4; 32]);
    let keys: HashMap<&str, &SecretKey> =
        [("registrar", &registrar), ("farm", &farm), ("lab", &lab)].into();
    let mut tree = MemoryTree::default();
    let mut heads: HashMap<String, Digest> = HashMap::new();
    let mut out_entries = Vec::new();
    let mut entry_bytes: Vec<Vec<u8>> = Vec::new();
    let mut head_map = suyuan_format::heads::HeadMap::default();
    let mut head_keys = std::collections::BTreeSet::new();
    for (seq, (event, signer)) in events(&registrar, &farm, &lab).into_iter().enumerate() {
        let signed = SignedEvent::sign(event, keys[signer]).expect("valid vector event");
        let prev: BTreeMap<String, Option<Digest>> = signed
            .event
            .chain_keys()
            .into_iter()
            .map(|k| {
                let h = heads.get(&k).copied();
                (k, h)
            })
            .collect();
        let recorded = format!("2026-05-01T00:00:{:02}.000Z", seq);
        let bytes = encode(
            seq as u64,
            &recorded,
            &signed.id,
            &prev,
            &signed.canonical_event,
            &signed.signature,
        );
        let hash = entry_hash(&bytes);
        for k in prev.keys() {
            heads.insert(k.clone(), hash);
        }
        let mut updates = suyuan_format::heads::HeadUpdates::default();
        updates.add_entry(seq as u64, prev.keys().map(String::as_str), &signed.event);
        head_map = updates.apply(&head_map);
        head_keys.extend(prev.keys().map(|k| (HeadIndex::Chain, k.clone())));
        head_keys.extend(
            signed
                .event
                .documents()
                .into_iter()
                .map(|(kind, number)| (HeadIndex::Document, kind.key(&number))),
        );
        let leaf = leaf_hash(&bytes);
        tree.push(leaf);
        out_entries.push(json!({
            "seq": seq,
            "signer_public_key": keys[signer].public().to_string(),
            "canonical_event": String::from_utf8(signed.canonical_event.clone()).unwrap(),
            "signed_message_hex": hex::encode([EVENT_CONTEXT, &signed.canonical_event].concat()),
            "signature": b64(&signed.signature),
            "event_id": signed.id.to_hex(),
            "entry": String::from_utf8(bytes.clone()).unwrap(),
            "entry_hash": hash.to_hex(),
            "leaf_hash": leaf.to_hex(),
        }));
        entry_bytes.push(bytes);
    }
    let n = tree.size();
    let mut nodes = Vec::new();
    for level in 0..8u8 {
        for index in 0.. {
            match tree.node(level, index) {
                Ok(h) => nodes.push(json!({"level": level, "index": index, "hash": h.to_hex()})),
                Err(_) => break,
            }
        }
    }
    let roots: Vec<Value> = (0..=n)
        .map(|s| json!({"size": s, "root": root(&tree, s).unwrap().to_hex()}))
        .collect();
    let mut inclusion = Vec::new();
    for size in 1..=n {
        for index in 0..size {
            let p = hex_all(&inclusion_proof(&tree, index, size).unwrap());
            inclusion.push(json!({"index": index, "size": size, "proof": p}));
        }
    }
    let mut consistency = Vec::new();
    for second in 1..=n {
        for first in 1..=second {
            let p = hex_all(&consistency_proof(&tree, first, second).unwrap());
            consistency.push(json!({"first": first, "second": second, "proof": p}));
        }
    }
    let cp = Checkpoint::sign(ORIGIN, n, tree.root(), head_map.root(), &log_key);
    // Each entry's receipt, proven against the final checkpoint.
    for (seq, bytes) in entry_bytes.iter().enumerate() {
        let proof = inclusion_proof(&tree, seq as u64, n).unwrap();
        out_entries[seq]["receipt"] = json!(Receipt::new(ORIGIN, bytes, &proof, &cp));
    }
    json!({
        "description": "Suyuan format vectors: see docs/FORMAT.md. All keys are ed25519 seeds given in hex; record times are fixed.",
        "origin": ORIGIN,
        "log_key": {"seed_hex": hex::encode(log_key.seed()), "public_key": log_key.public().to_string(),
                    "key_id_hex": format!("{:08x}", key_id(ORIGIN, &log_key.public())),
                    "verifier_key": LogKey::verifier_key(ORIGIN, &log_key.public())},
        "signer_seeds_hex": {"registrar": hex::encode(registrar.seed()), "farm": hex::encode(farm.seed()), "lab": hex::encode(lab.seed())},
        "event_context": String::from_utf8(EVENT_CONTEXT.to_vec()).unwrap(),
        "entries": out_entries,
        "tree": {"size": n, "nodes": nodes, "roots": roots},
        "inclusion_proofs": inclusion,
        "consistency_proofs": consistency,
        "head_map_root": head_map.root().to_hex(),
        "head_proofs": head_keys.iter().map(|(index, key)| {
            ProvenHead::new(*index, key, &head_map.prove(&key_hash(*index, key)))
        }).collect::<Vec<_>>(),
        "checkpoint": cp.note,
    })
}

fn path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/vectors/suyuan/vectors.json")
}

#[test]
fn vectors_are_current() {
    let built = serde_json::to_string_pretty(&build()).unwrap() + "\n";
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path().parent().unwrap()).unwrap();
        std::fs::write(path(), &built).unwrap();
    }
    let committed = std::fs::read_to_string(path())
        .expect("fixtures/vectors/suyuan/vectors.json (UPDATE_VECTORS=1 writes it)");
    assert!(committed == built, "format vectors changed: the wire format moved; review and regenerate with UPDATE_VECTORS=1");
}

#[test]
fn committed_vectors_verify() {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path()).unwrap()).unwrap();
    let log_key = LogKey::parse(v["log_key"]["verifier_key"].as_str().unwrap()).unwrap();
    let cp = Checkpoint::verify(v["checkpoint"].as_str().unwrap(), &log_key).unwrap();
    for e in v["entries"].as_array().unwrap() {
        let bytes = e["entry"].as_str().unwrap().as_bytes();
        let view = EntryView::parse(bytes).unwrap();
        assert_eq!(
            view.event_bytes,
            e["canonical_event"].as_str().unwrap().as_bytes()
        );
        let key = suyuan_format::keys::PublicKey::parse(e["signer_public_key"].as_str().unwrap())
            .unwrap();
        key.verify(EVENT_CONTEXT, &view.event_bytes, &view.signature)
            .unwrap();
        let seq = e["seq"].as_u64().unwrap();
        let proof: Vec<Digest> = v["inclusion_proofs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["index"] == seq && p["size"] == cp.size)
            .unwrap()["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| Digest::from_hex(h.as_str().unwrap()).unwrap())
            .collect();
        suyuan_format::merkle::verify_inclusion(&view.leaf_hash(), seq, cp.size, &proof, &cp.root)
            .unwrap();
        let receipt: Receipt = serde_json::from_value(e["receipt"].clone()).unwrap();
        receipt.verify(&log_key.key).unwrap();
    }
}
