//! The HTTP tests' log: a store made by `suyuan init` in a temporary directory, the
//! parties of a cross-border sale (producer, lab, customs, carrier, platform) to
//! register over HTTP, and their events, an hour old, signed as clients post them.

use crate::cli::{arg, Cli};
use crate::events::{registration, time_ago};
use crate::http::{post, Server};
use crate::Party;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The GTIN of the HTTP tests' oolong.
pub const GTIN: &str = "04710000000011";

/// An unsigned event of `actor` (its key filled in), an hour ago in Pingtan.
pub fn event(actor: &Party, kind: &str, client_id: &str, items: Value, body: Value) -> Value {
    let event = json!({"type": kind, "client_id": client_id, "actor": actor.id,
        "time": time_ago(3600), "what": {"items": items},
        "where": {"country": "CN", "place": "Pingtan, Fujian"}, "body": body});
    actor.keyed(event)
}

/// A log whose registrar `REG` is its only party yet; the others are registered with
/// [`World::register_all`].
pub struct World {
    pub registrar: Party,
    pub producer: Party,
    pub lab: Party,
    pub customs: Party,
    pub carrier: Party,
    pub platform: Party,
    /// The log's public key, as `init` prints it.
    pub log_key: String,
    /// The store's data directory.
    pub dir: PathBuf,
    cli: Cli,
    _tmp: tempfile::TempDir,
}

impl World {
    /// Creates the log (origin `test.suyuan.local/log`) in a new temporary directory.
    pub fn create(cli: Cli) -> World {
        World::create_in(cli, &std::env::temp_dir())
    }

    /// [`World::create`] in a new directory below `parent` (a small filesystem, say).
    pub fn create_in(cli: Cli, parent: &std::path::Path) -> World {
        let tmp = tempfile::tempdir_in(parent).unwrap();
        let dir = tmp.path().join("log");
        let registrar = Party::new("REG", "CN", &["registrar"]);
        std::fs::create_dir_all(&dir).unwrap();
        let key_path = dir.with_extension("registrar.key");
        suyuan_store::write_key_file(&registrar.key, &key_path).unwrap();
        let origin = Some("test.suyuan.local/log");
        let log_key = cli.init(&dir, &key_path, &registrar.id, origin);
        let party = |id: &str, role: &str| Party::new(id, "CN", &[role]);
        World {
            registrar,
            producer: party("PRODUCER-1", "producer"),
            lab: party("LAB-1", "lab"),
            customs: party("CUSTOMS-1", "customs"),
            carrier: party("CARRIER-1", "carrier"),
            platform: party("PLATFORM-1", "platform"),
            log_key,
            dir,
            cli,
            _tmp: tmp,
        }
    }

    /// `suyuan serve` on the log.
    pub fn start(&self) -> Server {
        Server::start(self.cli, &self.dir)
    }

    /// `suyuan verify --data` of the log; panics unless it passes.
    pub fn verify(&self) -> String {
        self.cli.run_ok(&["verify", "--data", arg(&self.dir)])
    }

    /// Registers every party over HTTP.
    pub fn register_all(&self, server: &Server) {
        for p in [
            &self.producer,
            &self.lab,
            &self.customs,
            &self.carrier,
            &self.platform,
        ] {
            let signed = self.registrar.sign(registration(&self.registrar, p));
            let r = post(&server.url("/v1/events"), &signed.to_json());
            assert_eq!(r.status, 200, "registering {}: {}", p.id, r.text());
        }
    }

    /// A production of lot `lot`, signed.
    pub fn production(&self, lot: &str, client_id: &str) -> Value {
        self.producer
            .sign(self.production_event(lot, client_id))
            .to_json()
    }

    /// An unsigned production event of the producer.
    pub fn production_event(&self, lot: &str, client_id: &str) -> Value {
        let mut ev = event(
            &self.producer,
            "production",
            client_id,
            json!([format!("01/{GTIN}/10/{lot}")]),
            json!({"product": "Alishan oolong 150 g", "produced": "2026-05-20", "expiry": "2028-05-19",
                   "origin": "Alishan, Chiayi County", "facility": "Tea factory"}),
        );
        ev["what"]["quantity"] = json!({"value": "100", "uom": "H87"});
        ev
    }

    /// The lab's test of lot `lot`, signed.
    pub fn inspection(&self, lot: &str, client_id: &str, verdict: &str) -> Value {
        let ev = event(
            &self.lab,
            "inspection",
            client_id,
            json!([format!("01/{GTIN}/10/{lot}")]),
            json!({"lab": "Taichung Food Testing Lab", "standard": "GB 2763-2021", "sample": format!("S-{client_id}"),
                   "report_no": format!("R-{client_id}"), "report_hash": "9f2c".repeat(16), "verdict": verdict,
                   "results": [{"analyte": "chlorpyrifos", "value": "0.01", "limit": "0.1", "unit": "mg/kg"}]}),
        );
        self.lab.sign(ev).to_json()
    }

    /// The platform's sale of `unit` under order `order`, signed.
    pub fn trade(&self, order: &str, unit: &str, client_id: &str) -> Value {
        let cny = |v: &str| json!({"amount": v, "currency": "CNY"});
        let ev = event(
            &self.platform,
            "trade",
            client_id,
            json!([unit]),
            json!({"order_no": order, "trade_mode": "9610", "seller": self.producer.id,
                   "buyer_commitment": "5f2b3c6a8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192",
                   "lines": [{"gtin": GTIN, "description": "oolong tea 150 g", "hs_code": "0902300000", "quantity": "1", "unit_price": cny("368.00")}],
                   "goods": cny("368.00"), "freight": cny("20.00"), "tax": cny("35.69"), "total": cny("423.69")}),
        );
        self.platform.sign(ev).to_json()
    }

    /// The carrier's step `status` of `unit` for order `order`, signed.
    pub fn logistics(&self, unit: &str, order: &str, client_id: &str, status: &str) -> Value {
        let ev = event(
            &self.carrier,
            "logistics",
            client_id,
            json!([unit]),
            json!({"waybill_no": format!("W-{order}"), "order_no": order, "status": status, "mode": "sea",
                   "location": "Taichung Port", "temperature": {"value": "18.5", "uom": "CEL"}}),
        );
        self.carrier.sign(ev).to_json()
    }
}
