//! Shared helpers of the HTTP end-to-end tests: a real `suyuan serve` process on a free
//! loopback port, a small fresh log with registered actors, and signed events.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use suyuan_format::event::SignedEvent;
use suyuan_format::keys::SecretKey;

pub const BIN: &str = env!("CARGO_BIN_EXE_suyuan");
pub const GTIN: &str = "04710000000011";

/// A running `suyuan serve`, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--data"])
            .arg(dir)
            .args(["--listen", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting suyuan serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            while let Some(Ok(line)) = lines.next() {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("suyuan serve did not report its address");
        Server {
            child,
            base,
            dir: dir.to_path_buf(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM and waits for a clean exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn kill9(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-KILL", &pid]).status().unwrap();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(60))
        .build()
}

/// A response: status, content type and body.
pub struct Resp {
    pub status: u16,
    pub ctype: String,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body[..self.body.len().min(500)])
            )
        })
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The error code of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

fn finish(r: Result<ureq::Response, ureq::Error>) -> Resp {
    let resp = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("request failed: {e}"),
    };
    let status = resp.status();
    let ctype = resp.header("content-type").unwrap_or("").to_string();
    let mut body = Vec::new();
    resp.into_reader()
        .take(64 << 20)
        .read_to_end(&mut body)
        .unwrap();
    Resp {
        status,
        ctype,
        body,
    }
}

pub fn get(url: &str, accept: &str) -> Resp {
    finish(agent().get(url).set("Accept", accept).call())
}

fn post_request(url: &str, ctype: &str) -> ureq::Request {
    agent().post(url).set("Content-Type", ctype)
}

pub fn post_raw(url: &str, ctype: &str, body: &[u8]) -> Resp {
    finish(post_request(url, ctype).send_bytes(body))
}

/// A body over the server's limit: the server answers 413 once it has read as much as it
/// allows and closes the connection, so a client still writing the rest may see the
/// connection reset before it reads the answer. That is HTTP/1.1 as it is (the answer was
/// sent; this client lost it), so only such transport errors are tried again.
pub fn post_oversized(url: &str, ctype: &str, body: &[u8]) -> Resp {
    let mut last = String::new();
    for _ in 0..5 {
        match post_request(url, ctype).send_bytes(body) {
            Err(ureq::Error::Transport(e)) => last = e.to_string(),
            r => return finish(r),
        }
    }
    panic!("request failed five times: {last}")
}

pub fn post(url: &str, body: &Value) -> Resp {
    post_raw(url, "application/json", body.to_string().as_bytes())
}

/// An actor with its key.
pub struct Actor {
    pub id: String,
    pub key: SecretKey,
}

impl Actor {
    pub fn new(id: &str, seed: u8) -> Actor {
        Actor {
            id: id.into(),
            key: SecretKey::from_seed(&[seed; 32]),
        }
    }
    pub fn public(&self) -> String {
        self.key.public().to_string()
    }
    /// An event by this actor, an hour ago.
    pub fn event(&self, kind: &str, client_id: &str, items: Value, body: Value) -> Value {
        json!({"type": kind, "client_id": client_id, "actor": self.id, "key": self.public(),
               "time": time_ago(3600), "what": {"items": items},
               "where": {"country": "CN", "place": "Pingtan, Fujian"}, "body": body})
    }
    /// Signs any JSON as an event, valid or not.
    pub fn sign_raw(&self, event: Value) -> Value {
        let bytes = suyuan_format::jcs::canonicalize(&event);
        let sig = self.key.sign(suyuan_format::keys::EVENT_CONTEXT, &bytes);
        json!({"event": event, "signature": suyuan_format::encoding::b64(&sig)})
    }

    pub fn sign(&self, event: Value) -> Value {
        SignedEvent::sign(event, &self.key)
            .expect("valid test event")
            .to_json()
    }
}

pub fn time_ago(seconds: i64) -> String {
    let t = time::OffsetDateTime::now_utc() - time::Duration::seconds(seconds);
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(&f).unwrap()
}

/// The test log: registrar, producer, lab, customs, platform, carrier, consumer.
pub struct World {
    pub registrar: Actor,
    pub producer: Actor,
    pub lab: Actor,
    pub customs: Actor,
    pub carrier: Actor,
    pub platform: Actor,
    pub log_key: String,
}

pub fn run_ok(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "suyuan {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Creates a log in `dir` (registrar `REG`) and returns the actors to register.
pub fn init_world(dir: &Path) -> World {
    let registrar = Actor::new("REG", 1);
    std::fs::create_dir_all(dir).unwrap();
    let key_path = dir.with_extension("registrar.key");
    let _ = std::fs::remove_file(&key_path);
    suyuan_store::write_key_file(&registrar.key, &key_path).unwrap();
    let log_key = run_ok(&[
        "init",
        "--data",
        dir.to_str().unwrap(),
        "--origin",
        "test.suyuan.local/log",
        "--registrar-key",
        key_path.to_str().unwrap(),
        "--registrar-id",
        "REG",
    ])
    .trim()
    .to_string();
    World {
        registrar,
        producer: Actor::new("PRODUCER-1", 2),
        lab: Actor::new("LAB-1", 3),
        customs: Actor::new("CUSTOMS-1", 4),
        carrier: Actor::new("CARRIER-1", 5),
        platform: Actor::new("PLATFORM-1", 6),
        log_key,
    }
}

impl World {
    pub fn registration(&self, who: &Actor, role: &str) -> Value {
        let ev = self.registrar.event(
            "registration",
            &format!("reg-{}", who.id),
            json!([]),
            json!({"action": "register", "subject": who.id, "name": format!("{} Co., Ltd.", who.id),
                   "jurisdiction": "CN", "roles": [role], "keys": [who.public()]}),
        );
        self.registrar.sign(ev)
    }

    /// Registers every actor over HTTP.
    pub fn register_all(&self, server: &Server) {
        for (a, role) in [
            (&self.producer, "producer"),
            (&self.lab, "lab"),
            (&self.customs, "customs"),
            (&self.carrier, "carrier"),
            (&self.platform, "platform"),
        ] {
            let r = post(&server.url("/v1/events"), &self.registration(a, role));
            assert_eq!(r.status, 200, "registering {}: {}", a.id, r.text());
        }
    }

    pub fn production(&self, lot: &str, client_id: &str) -> Value {
        self.producer.sign(self.production_event(lot, client_id))
    }

    /// An unsigned production event of the producer.
    pub fn production_event(&self, lot: &str, client_id: &str) -> Value {
        let mut ev = self.producer.event(
            "production",
            client_id,
            json!([format!("01/{GTIN}/10/{lot}")]),
            json!({"product": "Alishan oolong 150 g", "produced": "2026-05-20", "expiry": "2028-05-19",
                   "origin": "Alishan, Chiayi County", "facility": "Tea factory"}),
        );
        ev["what"]["quantity"] = json!({"value": "100", "uom": "H87"});
        ev
    }

    pub fn inspection(&self, lot: &str, client_id: &str, verdict: &str) -> Value {
        let ev = self.lab.event(
            "inspection",
            client_id,
            json!([format!("01/{GTIN}/10/{lot}")]),
            json!({"lab": "Taichung Food Testing Lab", "standard": "GB 2763-2021", "sample": format!("S-{client_id}"),
                   "report_no": format!("R-{client_id}"), "report_hash": "9f2c".repeat(16), "verdict": verdict,
                   "results": [{"analyte": "chlorpyrifos", "value": "0.01", "limit": "0.1", "unit": "mg/kg"}]}),
        );
        self.lab.sign(ev)
    }

    pub fn trade(&self, order: &str, unit: &str, client_id: &str) -> Value {
        let cny = |v: &str| json!({"amount": v, "currency": "CNY"});
        let ev = self.platform.event(
            "trade",
            client_id,
            json!([unit]),
            json!({"order_no": order, "trade_mode": "9610", "seller": "PRODUCER-1",
                   "buyer_commitment": "5f2b3c6a8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192",
                   "lines": [{"gtin": GTIN, "description": "oolong tea 150 g", "hs_code": "0902300000", "quantity": "1", "unit_price": cny("368.00")}],
                   "goods": cny("368.00"), "freight": cny("20.00"), "tax": cny("35.69"), "total": cny("423.69")}),
        );
        self.platform.sign(ev)
    }

    pub fn logistics(&self, unit: &str, order: &str, client_id: &str, status: &str) -> Value {
        let ev = self.carrier.event(
            "logistics",
            client_id,
            json!([unit]),
            json!({"waybill_no": format!("W-{order}"), "order_no": order, "status": status, "mode": "sea",
                   "location": "Taichung Port", "temperature": {"value": "18.5", "uom": "CEL"}}),
        );
        self.carrier.sign(ev)
    }
}

/// The latest checkpoint size.
pub fn size(server: &Server) -> u64 {
    get(&server.url("/v1/checkpoint.json"), "application/json").json()["size"]
        .as_u64()
        .unwrap()
}

/// Sends raw bytes over one connection and reads the response (status, whole text).
pub fn raw(base: &str, request: &[u8]) -> (u16, String) {
    use std::io::Write;
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A GET with a path sent exactly as given (no client-side normalization).
pub fn raw_get(base: &str, path: &str, accept: &str) -> (u16, String) {
    raw(
        base,
        format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: {accept}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}
