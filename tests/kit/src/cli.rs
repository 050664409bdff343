//! The `suyuan` binary, run as a user would run it, and a small store made through it.
//!
//! Only the root package's integration tests know where Cargo put the binary
//! (`env!("CARGO_BIN_EXE_suyuan")`), so they name it: `Cli::new(env!(...))`.

use crate::{events, Party};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `suyuan` binary at a path.
#[derive(Clone, Copy, Debug)]
pub struct Cli {
    bin: &'static str,
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

impl Cli {
    pub const fn new(bin: &'static str) -> Cli {
        Cli { bin }
    }

    /// A command running the binary, without backtraces in what it prints.
    pub fn command(self) -> Command {
        let mut c = Command::new(self.bin);
        c.env("RUST_BACKTRACE", "0");
        c
    }

    /// Runs the binary to its end.
    pub fn run(self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("suyuan runs")
    }

    /// Runs the binary, which must succeed; returns what it printed.
    pub fn run_ok(self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "suyuan {args:?} failed: {}{}",
            stdout(&o),
            stderr(&o)
        );
        stdout(&o)
    }

    /// `suyuan keygen --out OUT`: writes a new key file; returns its public key.
    pub fn keygen(self, out: &Path) -> String {
        self.run_ok(&["keygen", "--out", arg(out)])
            .trim()
            .to_string()
    }

    /// `suyuan init`: a new store whose registrar is `registrar_id` holding the key in
    /// `registrar_key`, under `origin` (or the default one); returns the log's key.
    pub fn init(
        self,
        store: &Path,
        registrar_key: &Path,
        registrar_id: &str,
        origin: Option<&str>,
    ) -> String {
        let mut args = vec!["init", "--data", arg(store)];
        if let Some(origin) = origin {
            args.extend(["--origin", origin]);
        }
        args.extend(["--registrar-key", arg(registrar_key)]);
        args.extend(["--registrar-id", registrar_id]);
        self.run_ok(&args).trim().to_string()
    }

    /// `suyuan export --data STORE --out OUT`: the whole log as JSON lines.
    pub fn export(self, store: &Path, out: &Path) -> Output {
        self.run(&["export", "--data", arg(store), "--out", arg(out)])
    }

    /// `suyuan export --data STORE --item ITEM --out OUT`: the item's evidence bundle.
    pub fn export_bundle(self, store: &Path, item: &str, out: &Path) -> Output {
        self.run(&[
            "export",
            "--data",
            arg(store),
            "--item",
            item,
            "--out",
            arg(out),
        ])
    }

    /// `suyuan verify --export FILE --log-key KEY`: an export audited offline.
    pub fn verify_export(self, file: &Path, log_key: &str) -> Output {
        self.run(&["verify", "--export", arg(file), "--log-key", log_key])
    }

    /// `suyuan verify --bundle FILE --log-key KEY`: an evidence bundle checked offline.
    pub fn verify_bundle(self, file: &Path, log_key: &str) -> Output {
        self.run(&["verify", "--bundle", arg(file), "--log-key", log_key])
    }
}

/// A fresh store whose registrar (`CN-REG`) has registered one producer, `TW-FARM`
/// (the kit's [`Party::farm`], with a key of its own), all through the binary.
pub struct FarmStore {
    pub store: PathBuf,
    /// The farm's key file, for `suyuan submit --key`.
    pub farm_key: PathBuf,
    /// The log's public key, as `init` prints it.
    pub log_key: String,
    /// The farm, holding the key in `farm_key`.
    pub farm: Party,
    cli: Cli,
}

impl FarmStore {
    /// Creates it in `dir/store`, with key files in `dir`.
    pub fn create(cli: Cli, dir: &Path) -> FarmStore {
        // Each key made by `keygen`, as a party holding it.
        let keygen = |name: &str, party: Party| {
            let path = dir.join(name);
            let printed = cli.keygen(&path);
            let key = suyuan_store::read_key_file(&path).expect("keygen writes a key file");
            let party = party.with_key(key);
            assert_eq!(
                printed,
                party.public_key(),
                "keygen prints the key it wrote"
            );
            (path, party)
        };
        let (registrar_key, registrar) = keygen("registrar.key", Party::registrar());
        let (farm_key, farm) = keygen("farm.key", Party::farm());
        let store = dir.join("store");
        let log_key = cli.init(&store, &registrar_key, &registrar.id, None);
        let reg = dir.join("reg.json");
        let registration = events::registration(&registrar, &farm);
        std::fs::write(&reg, registration.to_string()).unwrap();
        let (store_s, key_s) = (arg(&store), arg(&registrar_key));
        cli.run_ok(&["submit", "--data", store_s, "--key", key_s, arg(&reg)]);
        FarmStore {
            store,
            farm_key,
            log_key,
            farm,
            cli,
        }
    }

    /// `suyuan submit --group GROUP` of the farm's event files, to be added, with its key.
    pub fn submit(&self, group: usize) -> Command {
        let mut c = self.cli.command();
        c.args([
            "submit",
            "--data",
            arg(&self.store),
            "--key",
            arg(&self.farm_key),
        ]);
        c.args(["--group", &group.to_string()]);
        c
    }

    /// A fixture-shaped production event of the farm (unsigned, as `submit` takes it).
    pub fn production(&self, client_id: &str, lot: &str) -> serde_json::Value {
        events::production(&self.farm, client_id, lot)
    }
}
