//! Bundle verification applies the log's own admission rules: a bundle of entries that
//! the ledger would have refused is refused, even when every hash, chain link, proof
//! and the checkpoint signature are right (a forged log, as an operator who skipped the
//! rules could publish it).

use suyuan_core::bundle;
use suyuan_testkit::events::{correction, genesis, lot_path, production, registration};
use suyuan_testkit::{ForgedLog, Party};

/// A forged log with its registrar, a farm, a platform and a regulator registered, and
/// the farm's production of lot `AL2605`; returns the log and the production's hash.
fn log_with_production() -> (ForgedLog, Party, suyuan_format::encoding::Digest) {
    let (registrar, farm) = (Party::registrar(), Party::farm());
    let mut log = ForgedLog::new("forged.example/log");
    log.append(&registrar.sign(genesis(&registrar)));
    for party in [&farm, &Party::platform(), &Party::regulator()] {
        log.append(&registrar.sign(registration(&registrar, party)));
    }
    let produced = log.append(&farm.sign(production(&farm, "lot-1", "AL2605")));
    (log, farm, produced)
}

fn failures(log: &ForgedLog) -> Vec<String> {
    let report = bundle::verify(&log.bundle(&lot_path("AL2605")), &log.log_key());
    report.failures.iter().map(|f| f.to_string()).collect()
}

/// The log's bundle fails for one reason only, which starts with `says`.
fn assert_one_failure(log: &ForgedLog, says: &str) {
    let failures = failures(log);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].starts_with(says), "{failures:#?}");
}

#[test]
fn a_bundle_of_admissible_entries_verifies() {
    let (mut log, farm, produced) = log_with_production();
    // The author may correct its own entry; so may a regulator.
    log.append(&farm.sign(correction(&farm, "fix-1", &produced)));
    let regulator = Party::regulator();
    log.append(&regulator.sign(correction(&regulator, "fix-2", &produced)));
    assert_eq!(failures(&log), Vec::<String>::new());
}

#[test]
fn a_correction_by_a_party_without_the_role_is_refused() {
    let (mut log, _, produced) = log_with_production();
    let platform = Party::platform();
    log.append(&platform.sign(correction(&platform, "fix-1", &produced)));
    assert_one_failure(
        &log,
        "entry 5: would have been refused: actor CN-PLATFORM (roles: platform) may not record correction events",
    );
}

#[test]
fn a_reused_client_id_is_refused() {
    let (mut log, farm, _) = log_with_production();
    // Another event of the same lot under the client id of the production.
    let mut again = production(&farm, "lot-1", "AL2605");
    again["what"]["quantity"]["value"] = "120".into();
    log.append(&farm.sign(again));
    assert_one_failure(
        &log,
        "entry 5: would have been refused: client id \"lot-1\" of actor TW-FARM was already used",
    );
}

#[test]
fn the_same_event_twice_is_refused() {
    let (mut log, farm, _) = log_with_production();
    log.append(&farm.sign(production(&farm, "lot-1", "AL2605")));
    let failures = failures(&log);
    assert!(
        failures.iter().any(
            |f| f.starts_with("entry 5: would have been refused: event ")
                && f.contains("is already recorded as entry 4")
        ),
        "{failures:#?}"
    );
}

#[test]
fn an_event_time_past_the_clock_skew_is_refused() {
    let (mut log, farm, _) = log_with_production();
    // Recorded at 00:00:05 on 1 June; the event says an hour later.
    let mut late = production(&farm, "lot-2", "AL2605");
    late["time"] = "2026-06-01T01:00:05Z".into();
    log.append(&farm.sign(late));
    assert_one_failure(&log, "entry 5: would have been refused: event time 2026-06-01T01:00:05Z is more than 300 s after");
}

#[test]
fn a_record_time_before_the_previous_entrys_is_refused() {
    let (mut log, farm, _) = log_with_production();
    log.append_recorded(
        &farm.sign(production(&farm, "lot-2", "AL2605")),
        "2026-05-31T23:00:00.000Z",
    );
    assert_one_failure(&log, "entry 5: would have been refused: record time 2026-05-31T23:00:00.000Z is earlier than that of the entry before");
}
