//! What an item's story means for whoever holds the item: the warnings it must carry (a
//! recall, a failed test), whether any of them is still in force, where the item comes
//! from, and which acceptances (采信) answer each of its tests.
//!
//! These are decisions over the entries of a [`History`], made here once so that every
//! view of a history (the consumer page, and anything else that shows one) raises the same
//! warnings. The result is plain data, indices into [`History::entries`]: no text, no
//! language, no markup.

use crate::history::History;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use suyuan_format::event::EventType;

/// What kind of warning an entry raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AlertKind {
    /// A recall of the item or of anything it belongs to.
    Recall,
    /// An inspection whose verdict is `fail`.
    FailedTest,
}

impl AlertKind {
    /// A stable name (the consumer page's `data-alert`; its script derives the same).
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::Recall => "recall",
            AlertKind::FailedTest => "fail",
        }
    }
}

/// One warning and the entry that raises it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub kind: AlertKind,
    /// Index of the entry in [`History::entries`].
    pub entry: usize,
    pub seq: u64,
    /// A correction declares the entry in error: the warning is still shown, marked so,
    /// and is no longer in force.
    pub corrected: bool,
}

/// The decisions a view of a history shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    /// Every recall and every failed test in the history (corrected or not), recalls
    /// first, then in log order.
    pub alerts: Vec<Alert>,
    /// The entry the item comes from: the first production in the history.
    pub production: Option<usize>,
    /// For each inspection entry that has any, its acceptances (entries whose
    /// `body.inspection` is that entry's hash), in log order.
    pub acceptances: BTreeMap<usize, Vec<usize>>,
}

impl Assessment {
    /// The acceptances of the inspection at `entry`, in log order.
    pub fn acceptances_of(&self, entry: usize) -> &[usize] {
        self.acceptances.get(&entry).map_or(&[], Vec::as_slice)
    }
}

/// The members of an event these decisions read.
struct Facts<'a> {
    kind: Option<EventType>,
    body: &'a Value,
}

/// Assesses an item's history; a deterministic function of its entries.
pub fn assess(history: &History) -> Assessment {
    let events: Vec<Value> = history.entries.iter().map(|e| e.event()).collect();
    assess_events(history, &events)
}

/// [`assess`], given the entries' events already parsed (`events[i]` is entry `i`'s), as
/// a view that shows them has them: the events are read once.
pub fn assess_events(history: &History, events: &[Value]) -> Assessment {
    let facts: Vec<Facts<'_>> = events
        .iter()
        .map(|v| Facts {
            kind: EventType::deserialize(&v["type"]).ok(),
            body: &v["body"],
        })
        .collect();
    let mut alerts: Vec<Alert> = history
        .entries
        .iter()
        .zip(&facts)
        .enumerate()
        .filter_map(|(i, (e, f))| {
            let kind = match f.kind? {
                EventType::Recall => AlertKind::Recall,
                EventType::Inspection if f.body["verdict"] == "fail" => AlertKind::FailedTest,
                _ => return None,
            };
            Some(Alert {
                kind,
                entry: i,
                seq: e.seq,
                corrected: !e.corrected_by.is_empty(),
            })
        })
        .collect();
    alerts.sort_by_key(|a| (a.kind, a.seq));
    let production = facts
        .iter()
        .position(|f| f.kind == Some(EventType::Production));
    let inspections: BTreeMap<String, usize> = history
        .entries
        .iter()
        .zip(&facts)
        .enumerate()
        .filter(|(_, (_, f))| f.kind == Some(EventType::Inspection))
        .map(|(i, (e, _))| (e.entry_hash.to_hex(), i))
        .collect();
    let mut acceptances: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, f) in facts.iter().enumerate() {
        if f.kind != Some(EventType::Acceptance) {
            continue;
        }
        if let Some(&target) = f.body["inspection"]
            .as_str()
            .and_then(|h| inspections.get(h))
        {
            acceptances.entry(target).or_default().push(i);
        }
    }
    Assessment {
        alerts,
        production,
        acceptances,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{HistoryEntry, Via};
    use serde_json::{json, value::RawValue};
    use suyuan_format::encoding::Digest;

    fn hash(seq: u64) -> Digest {
        Digest([seq as u8 + 1; 32])
    }

    fn entry(seq: u64, event: Value, corrected_by: &[u64]) -> HistoryEntry {
        HistoryEntry {
            seq,
            bytes: vec![],
            recorded: String::new(),
            entry_hash: hash(seq),
            event_id: Digest([0; 32]),
            event: RawValue::from_string(event.to_string()).unwrap(),
            signature: [0; 64],
            via: Via::Item,
            corrected_by: corrected_by.to_vec(),
        }
    }

    fn history(entries: Vec<HistoryEntry>) -> History {
        History {
            item: "01/04719865001270/10/L1/21/1".into(),
            entries,
            chains: vec![],
            documents: vec![],
        }
    }

    fn inspection(verdict: &str) -> Value {
        json!({"type": "inspection", "body": {"verdict": verdict, "lab": "L"}})
    }

    fn acceptance(of: u64, decision: &str) -> Value {
        json!({"type": "acceptance", "body": {"inspection": hash(of).to_hex(), "decision": decision}})
    }

    fn alert(kind: AlertKind, entry: usize, seq: u64, corrected: bool) -> Alert {
        Alert {
            kind,
            entry,
            seq,
            corrected,
        }
    }

    #[test]
    fn a_clean_story_has_no_warnings() {
        let h = history(vec![
            entry(
                3,
                json!({"type": "production", "body": {"product": "tea"}}),
                &[],
            ),
            entry(5, inspection("pass"), &[]),
            entry(6, acceptance(5, "accepted"), &[]),
            entry(
                9,
                json!({"type": "logistics", "body": {"status": "departed"}}),
                &[],
            ),
        ]);
        let a = assess(&h);
        assert!(a.alerts.is_empty());
        assert_eq!(a.production, Some(0));
        assert_eq!(a.acceptances_of(1), &[2]);
        assert_eq!(a.acceptances_of(0), &[] as &[usize]);
    }

    #[test]
    fn recalls_come_first_then_failed_tests_in_log_order() {
        let h = history(vec![
            entry(2, inspection("fail"), &[]),
            entry(4, inspection("inconclusive"), &[]),
            entry(
                7,
                json!({"type": "recall", "body": {"severity": "class_i"}}),
                &[],
            ),
            entry(8, inspection("fail"), &[]),
            entry(11, json!({"type": "recall", "body": {}}), &[]),
        ]);
        let a = assess(&h);
        assert_eq!(
            a.alerts,
            vec![
                alert(AlertKind::Recall, 2, 7, false),
                alert(AlertKind::Recall, 4, 11, false),
                alert(AlertKind::FailedTest, 0, 2, false),
                alert(AlertKind::FailedTest, 3, 8, false),
            ]
        );
        assert_eq!(a.production, None);
    }

    #[test]
    fn a_warning_declared_in_error_is_shown_but_not_in_force() {
        let recall = json!({"type": "recall", "body": {}});
        let h = history(vec![
            entry(1, inspection("fail"), &[]),
            entry(2, recall.clone(), &[3]),
            entry(3, json!({"type": "correction", "body": {}}), &[]),
        ]);
        let a = assess(&h);
        assert_eq!(a.alerts[0], alert(AlertKind::Recall, 1, 2, true));

        let h = history(vec![
            entry(1, inspection("fail"), &[4]),
            entry(2, recall, &[5]),
        ]);
        let a = assess(&h);
        assert_eq!(a.alerts.len(), 2);
        assert!(a.alerts.iter().all(|a| a.corrected));
    }

    #[test]
    fn acceptances_attach_to_the_inspection_they_name() {
        let h = history(vec![
            entry(1, inspection("pass"), &[]),
            entry(2, inspection("fail"), &[]),
            entry(3, acceptance(2, "rejected"), &[]),
            entry(4, acceptance(1, "accepted"), &[]),
            entry(5, acceptance(2, "accepted"), &[]),
            // Names an entry outside the history, and one that is no inspection.
            entry(6, acceptance(40, "accepted"), &[]),
            entry(7, acceptance(3, "accepted"), &[]),
        ]);
        let a = assess(&h);
        assert_eq!(a.acceptances.len(), 2);
        assert_eq!(a.acceptances_of(0), &[3]);
        assert_eq!(a.acceptances_of(1), &[2, 4]);
        assert_eq!(a.acceptances_of(2), &[] as &[usize]);
    }

    #[test]
    fn the_first_production_is_the_origin() {
        let p = |n: &str| json!({"type": "production", "body": {"product": n}});
        let h = history(vec![
            entry(1, json!({"type": "registration", "body": {}}), &[]),
            entry(2, p("a"), &[]),
            entry(3, p("b"), &[]),
        ]);
        assert_eq!(assess(&h).production, Some(1));
    }

    #[test]
    fn only_a_string_verdict_of_fail_fails() {
        let h = history(vec![
            entry(
                1,
                json!({"type": "inspection", "body": {"verdict": ["fail"]}}),
                &[],
            ),
            entry(2, json!({"type": "inspection", "body": "fail"}), &[]),
            entry(3, json!({"type": "inspection"}), &[]),
            entry(4, json!({"type": ["recall"], "body": {}}), &[]),
        ]);
        let a = assess(&h);
        assert!(a.alerts.is_empty());
    }

    #[test]
    fn alert_names_match_the_page_script() {
        assert_eq!(AlertKind::Recall.as_str(), "recall");
        assert_eq!(AlertKind::FailedTest.as_str(), "fail");
    }
}
