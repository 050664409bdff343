//! A real store on disk, built through the append path as a deployment's would be.

use crate::{events, Party};
use std::path::Path;
use suyuan_format::event::SignedEvent;
use suyuan_store::{Ledger, RegistrarSpec, Submission};

/// A submission without a private part.
pub fn submission(signed: SignedEvent) -> Submission {
    Submission {
        signed,
        private: None,
    }
}

/// A new log in `dir` whose `registrar` has registered `parties`, each with its roles.
pub fn ledger(dir: &Path, registrar: &Party, parties: &[&Party]) -> Ledger {
    let ledger = Ledger::init(
        dir,
        Some("test.suyuan.example/log"),
        RegistrarSpec {
            id: &registrar.id,
            name: &registrar.name,
            jurisdiction: &registrar.jurisdiction,
            key: &registrar.key,
        },
    )
    .expect("init");
    let subs = parties
        .iter()
        .map(|p| submission(registrar.sign(events::registration(registrar, p))))
        .collect();
    for result in ledger.append_batch(subs).expect("append").results {
        result.expect("registration admitted");
    }
    ledger
}

/// Appends one event and returns its entry hash; panics on a refusal.
pub fn append(ledger: &Ledger, signed: SignedEvent) -> suyuan_format::encoding::Digest {
    let outcome = ledger
        .append_batch(vec![submission(signed)])
        .expect("append");
    let receipt = outcome.results.into_iter().next().expect("one result");
    let receipt = receipt.expect("admitted");
    suyuan_format::encoding::Digest::from_hex(&receipt.entry_hash)
        .expect("receipts name hex hashes")
}
