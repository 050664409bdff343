//! Helpers for the end-to-end tests: run the `suyuan` binary, seed the scenario.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_suyuan"));
    c.env("RUST_BACKTRACE", "0");
    c
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("suyuan runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenario")
}

/// Seeds the scenario into `dir/store`; returns (store dir, log public key).
pub fn seeded(dir: &Path) -> (PathBuf, String) {
    let store = dir.join("store");
    let o = run(&[
        "seed",
        "--data",
        store.to_str().unwrap(),
        scenario_dir().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "seed failed: {}", stderr(&o));
    (store, stdout(&o).trim().to_string())
}

/// A fresh store whose registrar (`CN-REG`) has registered one producer, `TW-FARM`.
pub struct FarmStore {
    pub store: PathBuf,
    pub farm_key: PathBuf,
    /// The log's public key, as `init` prints it.
    pub log_key: String,
}

impl FarmStore {
    /// Creates it in `dir/store`, with key files in `dir`.
    pub fn create(dir: &Path) -> FarmStore {
        let keygen = |name: &str| {
            let path = dir.join(name);
            let o = run(&["keygen", "--out", path.to_str().unwrap()]);
            assert!(o.status.success(), "{}", stderr(&o));
            (path, stdout(&o).trim().to_string())
        };
        let (registrar_key, _) = keygen("registrar.key");
        let (farm_key, farm_pub) = keygen("farm.key");
        let store = dir.join("store");
        let o = run(&[
            "init",
            "--data",
            store.to_str().unwrap(),
            "--registrar-key",
            registrar_key.to_str().unwrap(),
            "--registrar-id",
            "CN-REG",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let log_key = stdout(&o).trim().to_string();
        let reg = dir.join("reg.json");
        std::fs::write(&reg, serde_json::json!({"type": "registration", "client_id": "reg-farm", "actor": "CN-REG", "time": "2026-01-01T00:00:00Z",
            "body": {"action": "register", "subject": "TW-FARM", "name": "Mingfeng tea", "jurisdiction": "TW", "roles": ["producer"], "keys": [farm_pub]}}).to_string()).unwrap();
        let o = run(&[
            "submit",
            "--data",
            store.to_str().unwrap(),
            "--key",
            registrar_key.to_str().unwrap(),
            reg.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        FarmStore {
            store,
            farm_key,
            log_key,
        }
    }

    /// A fixture-shaped production event of `TW-FARM` (unsigned, as `submit` takes it).
    pub fn production(client_id: &str, lot: &str) -> serde_json::Value {
        serde_json::json!({"type": "production", "client_id": client_id, "actor": "TW-FARM", "time": "2026-05-04T15:00:00+08:00",
            "what": {"items": [format!("01/04719865001270/10/{lot}")], "quantity": {"value": "300", "uom": "H87"}},
            "where": {"country": "TW", "place": "Alishan"},
            "body": {"product": "Alishan oolong 150 g", "produced": "2026-05-04", "origin": "Alishan, Chiayi", "facility": "Mingfeng"}})
    }
}
