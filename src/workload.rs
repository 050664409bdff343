//! The synthetic, fixture-shaped workload the benchmarks ingest: fixed parties, and
//! "stories" of ten signed events each (a lot produced and tested, one unit sold, paid,
//! shipped, cleared, delivered and reviewed), all valid under the admission rules.

use serde_json::{json, Value};
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;
use suyuan_store::{Ledger, RegistrarSpec, Submission};

pub const GTIN: &str = "04710000000011";
/// Events per story.
pub const PER_STORY: usize = 10;

const ACTORS: [(&str, &str); 7] = [
    ("TW-PRODUCER-1", "producer"),
    ("TW-LAB-1", "lab"),
    ("CN-PLATFORM-1", "platform"),
    ("CN-PAY-1", "payment"),
    ("CN-CARRIER-1", "carrier"),
    ("CN-CUSTOMS-3511", "customs"),
    ("CONSUMER-1", "consumer"),
];

/// Entries a fresh workload store holds before its first story: the registrar's own
/// registration and one per party.
pub const SETUP_ENTRIES: usize = 1 + ACTORS.len();

/// The parties' keys, in the order of their roles above.
pub fn keys() -> Vec<SecretKey> {
    (0..ACTORS.len())
        .map(|i| SecretKey::from_seed(&[i as u8 + 1; 32]))
        .collect()
}

/// The unit item of story `k` (what a consumer would scan).
pub fn unit(k: usize) -> String {
    format!("01/{GTIN}/10/B{k}/21/{k}")
}

/// Creates a fresh log in `dir` and registers the workload's parties.
pub fn create_store(dir: &std::path::Path, keys: &[SecretKey]) -> anyhow::Result<Ledger> {
    let registrar = SecretKey::from_seed(&[0xAA; 32]);
    let ledger = Ledger::init(
        dir,
        Some("bench.suyuan.local/log"),
        RegistrarSpec {
            id: "registrar",
            name: "Bench registrar",
            jurisdiction: "CN",
            key: &registrar,
        },
    )?;
    let regs: Vec<Submission> = ACTORS
        .iter()
        .zip(keys)
        .map(|((id, role), key)| {
            let ev = json!({"type": "registration", "client_id": format!("reg-{id}"), "actor": "registrar",
                "key": registrar.public().to_string(), "time": "2026-01-01T00:00:00Z",
                "body": {"action": "register", "subject": id, "name": id, "jurisdiction": "CN",
                         "roles": [role], "keys": [key.public().to_string()]}});
            Submission {
                signed: SignedEvent::sign(ev, &registrar).expect("valid registration"),
                private: None,
            }
        })
        .collect();
    for r in ledger.append_batch(regs)?.results {
        r.map_err(|e| anyhow::anyhow!("workload registration refused: {e}"))?;
    }
    Ok(ledger)
}

/// The k-th story, signed by its parties.
pub fn story(k: usize, keys: &[SecretKey]) -> Vec<SignedEvent> {
    let lot = format!("01/{GTIN}/10/B{k}");
    let unit = unit(k);
    let (order, pay, bill) = (format!("O{k}"), format!("P{k}"), format!("W{k}"));
    let t = |h: usize| {
        format!(
            "2026-06-{:02}T{:02}:{:02}:00+08:00",
            1 + k % 28,
            8 + h,
            k % 60
        )
    };
    let cny = |v: &str| json!({"amount": v, "currency": "CNY"});
    let ev = |who: usize,
              cid: String,
              kind: &str,
              h: usize,
              items: Value,
              body: Value|
     -> (usize, Value) {
        (
            who,
            json!({"type": kind, "client_id": cid, "actor": ACTORS[who].0, "key": keys[who].public().to_string(),
               "time": t(h), "what": {"items": items}, "where": {"country": "CN", "place": "Pingtan, Fujian"}, "body": body}),
        )
    };
    let mut prod = ev(
        0,
        format!("p{k}"),
        "production",
        0,
        json!([lot]),
        json!({"product": "Alishan high-mountain oolong 150 g", "produced": "2026-05-20", "expiry": "2028-05-19",
               "origin": "Alishan, Chiayi County", "facility": "Shizhuo tea factory"}),
    );
    prod.1["what"]["quantity"] = json!({"value": "1200", "uom": "H87"});
    // The consumer is the order's buyer, and opens the commitment in its review.
    let salt = suyuan_format::hash::content_hash(format!("salt:{k}").as_bytes());
    let commitment = suyuan_core::admission::identity_commitment(&salt, ACTORS[6].0).to_hex();
    let logistics = |i: usize, status: &str, place: &str, temp: &str| {
        ev(
            4,
            format!("l{k}-{i}"),
            "logistics",
            5 + i,
            json!([unit]),
            json!({"waybill_no": bill, "order_no": order, "status": status, "mode": "sea",
                   "location": place, "temperature": {"value": temp, "uom": "CEL"}}),
        )
    };
    let events = vec![
        prod,
        ev(
            1,
            format!("i{k}"),
            "inspection",
            1,
            json!([lot]),
            json!({"lab": "Taichung Food Testing Lab", "standard": "GB 2763-2021", "sample": format!("S{k}"),
                   "report_no": format!("R{k}"), "report_hash": "9f2c".repeat(16), "verdict": "pass",
                   "results": [{"analyte": "chlorpyrifos", "value": "0.01", "limit": "0.1", "unit": "mg/kg", "below_loq": true},
                               {"analyte": "fipronil", "value": "0.002", "limit": "0.02", "unit": "mg/kg"}]}),
        ),
        ev(
            2,
            format!("o{k}"),
            "trade",
            2,
            json!([unit]),
            json!({"order_no": order, "trade_mode": "9610", "seller": "TW-PRODUCER-1", "buyer_commitment": commitment,
                   "lines": [{"gtin": GTIN, "description": "oolong tea 150 g", "hs_code": "0902300000", "quantity": "1", "unit_price": cny("368.00")}],
                   "goods": cny("368.00"), "freight": cny("20.00"), "tax": cny("35.69"), "total": cny("423.69")}),
        ),
        ev(
            3,
            format!("y{k}"),
            "payment",
            3,
            json!([]),
            json!({"payment_no": pay, "order_no": order, "payer_commitment": commitment, "amount": cny("423.69"), "status": "paid"}),
        ),
        logistics(0, "picked_up", "Taichung Port", "21.5"),
        logistics(1, "in_transit", "Taiwan Strait", "22.0"),
        ev(
            5,
            format!("c{k}"),
            "clearance",
            7,
            json!([unit]),
            json!({"declaration_no": format!("D{k}"), "customs_office": "3511 Pingtan Customs", "direction": "import",
                   "trade_mode": "9610", "hs_code": "0902300000", "status": "released",
                   "order_no": order, "payment_no": pay, "waybill_no": bill}),
        ),
        logistics(2, "arrived", "Pingtan", "20.5"),
        logistics(3, "delivered", "Fuzhou", "20.0"),
        ev(
            6,
            format!("r{k}"),
            "review",
            12,
            json!([unit]),
            json!({"kind": "rating", "rating": 5, "text": "香气清雅，回甘明显", "lang": "zh-Hans", "order_no": order,
                   "buyer_salt": salt.to_hex()}),
        ),
    ];
    debug_assert_eq!(events.len(), PER_STORY);
    events
        .into_iter()
        .map(|(who, e)| SignedEvent::sign(e, &keys[who]).expect("workload events are valid"))
        .collect()
}

/// The lot of `bench trace`: one production, then for each of `parcels` units its sale
/// (one order each), its packing into a parcel of its own and the parcel's departure.
pub fn recalled_lot(parcels: usize, keys: &[SecretKey]) -> (String, Vec<SignedEvent>) {
    use rayon::prelude::*;
    let lot = format!("01/{GTIN}/10/RECALL1");
    let ev = |who: usize, cid: String, kind: &str, what: Value, body: Value| {
        let e = json!({"type": kind, "client_id": cid, "actor": ACTORS[who].0,
            "key": keys[who].public().to_string(), "time": "2026-06-20T09:00:00+08:00",
            "what": what, "where": {"country": "CN", "place": "Pingtan, Fujian"}, "body": body});
        SignedEvent::sign(e, &keys[who]).expect("workload events are valid")
    };
    let production = ev(
        0,
        "recall-lot".into(),
        "production",
        json!({"items": [lot], "quantity": {"value": parcels.to_string(), "uom": "H87"}}),
        json!({"product": "Alishan high-mountain oolong 150 g", "produced": "2026-05-20",
               "origin": "Alishan, Chiayi County", "facility": "Shizhuo tea factory"}),
    );
    let cny = |v: &str| json!({"amount": v, "currency": "CNY"});
    let per_unit: Vec<SignedEvent> = (0..parcels)
        .into_par_iter()
        .flat_map_iter(|i| {
            let unit = format!("{lot}/21/{i}");
            let parcel = sscc(i);
            let order = format!("RO{i}");
            let trade = ev(2, format!("ro{i}"), "trade", json!({"items": [unit]}),
                json!({"order_no": order, "trade_mode": "9610", "seller": "TW-PRODUCER-1",
                       "buyer_commitment": "5f2b3c6a8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192",
                       "lines": [{"gtin": GTIN, "description": "oolong tea 150 g", "hs_code": "0902300000", "quantity": "1", "unit_price": cny("368.00")}],
                       "goods": cny("368.00"), "freight": cny("20.00"), "tax": cny("35.69"), "total": cny("423.69")}));
            let step = |id: String, what: Value, status: &str| {
                ev(4, id, "logistics", what,
                    json!({"waybill_no": format!("RW{i}"), "order_no": order, "status": status, "location": "Taichung Port"}))
            };
            let pack = step(format!("rp{i}"), json!({"items": [unit], "parent": parcel}), "packed");
            let depart = step(format!("rd{i}"), json!({"items": [parcel]}), "departed");
            [trade, pack, depart]
        })
        .collect();
    (lot, std::iter::once(production).chain(per_unit).collect())
}

/// The SSCC (`00/…`, with its check digit) of parcel `i`.
pub fn sscc(i: usize) -> String {
    let body = format!("0471000{i:010}");
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(p, d)| u32::from(d - b'0') * if p % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("00/{body}{}", (10 - sum % 10) % 10)
}

/// Appends `events`, valid and in order, in groups of 1,024 (as a busy server commits).
pub fn append_all(ledger: &Ledger, events: Vec<SignedEvent>) -> anyhow::Result<()> {
    let mut it = events.into_iter().peekable();
    while it.peek().is_some() {
        let group: Vec<Submission> = it
            .by_ref()
            .take(1024)
            .map(|signed| Submission {
                signed,
                private: None,
            })
            .collect();
        for r in ledger.append_batch(group)?.results {
            r.map_err(|e| anyhow::anyhow!("bench event refused: {e}"))?;
        }
    }
    Ok(())
}
