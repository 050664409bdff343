//! A real store on disk, built through the append path as a deployment's would be.

use crate::{events, Party};
use std::path::Path;
use suyuan_core::admission::Refusal;
use suyuan_format::encoding::Digest;
use suyuan_format::event::SignedEvent;
use suyuan_format::receipt::Receipt;
use suyuan_store::{Ledger, RegistrarSpec, Submission};

/// The origin of the kit's logs.
pub const ORIGIN: &str = "test.suyuan.example/log";

/// A submission without a private part.
pub fn submission(signed: SignedEvent) -> Submission {
    Submission {
        signed,
        private: None,
    }
}

/// A new log in `dir` holding only the genesis of `registrar`.
pub fn init(dir: &Path, registrar: &Party) -> Ledger {
    Ledger::init(
        dir,
        Some(ORIGIN),
        RegistrarSpec {
            id: &registrar.id,
            name: &registrar.name,
            jurisdiction: &registrar.jurisdiction,
            key: &registrar.key,
        },
    )
    .expect("init")
}

/// A new log in `dir` whose `registrar` has registered `parties`, each with its roles.
pub fn ledger(dir: &Path, registrar: &Party, parties: &[&Party]) -> Ledger {
    let ledger = init(dir, registrar);
    let subs = parties
        .iter()
        .map(|p| submission(registrar.sign(events::registration(registrar, p))))
        .collect();
    for result in ledger.append_batch(subs).expect("append").results {
        result.expect("registration admitted");
    }
    ledger
}

/// Submits one event alone: its receipt, or the ledger's refusal.
pub fn submit(ledger: &Ledger, signed: SignedEvent) -> Result<Receipt, Refusal> {
    let outcome = ledger
        .append_batch(vec![submission(signed)])
        .expect("append");
    outcome.results.into_iter().next().expect("one result")
}

/// Appends one event and returns its entry hash; panics on a refusal.
pub fn append(ledger: &Ledger, signed: SignedEvent) -> Digest {
    let receipt = submit(ledger, signed).expect("admitted");
    Digest::from_hex(&receipt.entry_hash).expect("receipts name hex hashes")
}
