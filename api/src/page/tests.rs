//! The rendered pages: escaping by the template engine, the inline style and script as
//! the CSP hashes them, and the warnings suyuan-core decides.

use super::i18n::Lang;
use super::{csp, home_page, message_page, render, PageData, SCRIPT, STYLE};
use serde_json::{json, value::RawValue, Value};
use suyuan_core::history::{History, HistoryEntry, Via};
use suyuan_core::registry::{ActorRecord, Registry};
use suyuan_format::encoding::{b64, Digest};
use suyuan_format::hash::sha256;

const ITEM: &str = "01/04719865001270/10/L1/21/7";

fn entry(seq: u64, event: Value, via: Via, corrected_by: &[u64]) -> HistoryEntry {
    HistoryEntry {
        seq,
        bytes: vec![],
        recorded: String::new(),
        entry_hash: Digest([seq as u8; 32]),
        event_id: Digest([0; 32]),
        event: RawValue::from_string(event.to_string()).unwrap(),
        signature: [0; 64],
        via,
        corrected_by: corrected_by.to_vec(),
    }
}

fn registry() -> Registry {
    let mut r = Registry::default();
    for (id, name) in [("FARM", "Farm <b>&</b> \"Sons\""), ("LAB", "Lab's lab")] {
        r.insert_record(ActorRecord {
            id: id.into(),
            name: name.into(),
            jurisdiction: "TW".into(),
            roles: vec![],
            accreditation: None,
            registered_seq: 0,
            keys: vec![],
        });
    }
    r
}

fn history() -> History {
    let lot = Via::Lot("01/04719865001270/10/L1".into());
    History {
        item: ITEM.into(),
        entries: vec![
            entry(
                3,
                json!({"type": "production", "actor": "FARM", "time": "2026-04-01T08:00:00+08:00",
                       "body": {"product": "Tea <script>alert(1)</script>", "origin": "Alishan"}}),
                lot.clone(),
                &[],
            ),
            entry(
                4,
                json!({"type": "inspection", "actor": "LAB", "time": "2026-04-02T08:00:00+08:00",
                       "body": {"verdict": "fail", "lab": "L & L", "report_no": "R1",
                                "results": [{"analyte": "Pb", "value": "0.3", "unit": "mg/kg"}]}}),
                lot.clone(),
                &[],
            ),
            entry(
                5,
                json!({"type": "acceptance", "actor": "LAB", "time": "2026-04-03T08:00:00+08:00",
                       "body": {"inspection": Digest([4; 32]).to_hex(), "decision": "rejected"}}),
                lot.clone(),
                &[],
            ),
            entry(
                6,
                json!({"type": "recall", "actor": "FARM", "time": "2026-04-04T08:00:00+08:00",
                       "body": {"severity": "class_i", "reason": "lead"}}),
                lot,
                &[7],
            ),
        ],
        chains: vec![ITEM.into()],
        documents: vec![],
    }
}

fn page(lang: Lang, verifier_key: &str) -> String {
    let h = history();
    let r = registry();
    render(&PageData {
        history: &h,
        registry: &r,
        checkpoint_size: 8,
        checkpoint_root_hex: "ab".repeat(32),
        origin: "example.test/log",
        verifier_key,
        lang,
        item_uri: &format!("https://example.test/{ITEM}"),
    })
}

/// The page without the line breaks (and their indentation) the templates leave between
/// elements.
fn flat(page: &str) -> String {
    page.split('\n').map(str::trim_start).collect()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let from = s.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    &s[from..from + s[from..].find(end).unwrap()]
}

#[test]
fn text_and_attributes_are_escaped() {
    let p = flat(&page(Lang::En, "k+1+AA=="));
    assert!(!p.contains("<script>alert(1)"));
    assert!(p.contains(
        r#"<span data-s="3" data-p="body.product" data-k="t">Tea &#60;script&#62;alert(1)&#60;/script&#62;</span>"#
    ));
    assert!(
        p.contains("<title>Tea &#60;script&#62;alert(1)&#60;/script&#62; · Suyuan trace</title>")
    );
    assert!(p.contains(
        r#"<span class="who" data-actor="FARM">Farm &#60;b&#62;&#38;&#60;/b&#62; &#34;Sons&#34;</span>"#
    ));
    assert!(p.contains("Lab&#39;s lab"));
    let m = flat(&message_page(
        Lang::En,
        "01/<x>",
        "bad.title",
        "bad \"path\"",
    ));
    assert!(m.contains("<p>bad &#34;path&#34;</p><p><code>/01/&#60;x&#62;</code></p>"));
    assert!(m.contains(r#"<a href="/01/&#60;x&#62;?lang=zh-Hans" hreflang="zh-Hans">"#));
    assert!(home_page(Lang::Hant, "o<g>", 3).contains("<code>o&#60;g&#62;</code>"));
}

#[test]
fn the_inline_style_and_script_are_the_hashed_ones() {
    let p = page(Lang::Hans, "k+1+AA==");
    assert_eq!(between(&p, "<style>", "</style>"), STYLE);
    let script = between(&p, "<script>", "</script>");
    assert_eq!(script, SCRIPT);
    let policy = csp();
    assert!(policy.contains(&format!("'sha256-{}'", b64(&sha256(SCRIPT.as_bytes())))));
    assert!(policy.contains(&format!("'sha256-{}'", b64(&sha256(STYLE.as_bytes())))));
    assert_eq!(
        p.matches("<script").count(),
        2,
        "the config and verify.js only"
    );
}

#[test]
fn the_config_is_json_that_cannot_close_its_script() {
    let p = page(Lang::En, "k+1+AA==</script><b>");
    let text = between(
        &p,
        r#"<script id="sy-config" type="application/json">"#,
        "</script>",
    );
    assert!(!text.contains('<'));
    let config: Value = serde_json::from_str(text).unwrap();
    assert_eq!(config["item"], ITEM);
    assert_eq!(config["bundle"], format!("/v1/bundle/{ITEM}"));
    assert_eq!(config["log_key"], "k+1+AA==</script><b>");
    assert_eq!(config["page_size"], 8);
    assert_eq!(config["words"]["story"], "This item's story");
    assert_eq!(config["policy"], super::policy());
}

#[test]
fn warnings_are_core_s_in_its_order() {
    let p = flat(&page(Lang::En, "k+1+AA=="));
    let alerts = between(&p, r#"<div id="sy-alerts">"#, r#"<section class="verify""#);
    let recall = alerts
        .find(r#"data-alert="recall" data-alert-seq="6""#)
        .unwrap();
    let fail = alerts
        .find(r#"data-alert="fail" data-alert-seq="4""#)
        .unwrap();
    assert!(recall < fail);
    assert_eq!(alerts.matches(r#"class="alert""#).count(), 2);
    // The recall is declared in error by #7: still shown, and said so.
    assert_eq!(
        alerts
            .matches("(this record was declared in error)")
            .count(),
        1
    );
    assert!(p.contains(r#"<article class="card t-recall corrected" id="e6" data-card="6">"#));
    assert!(p.contains(r#"<p class="corr">declared in error by a correction (#7)</p>"#));
    // The rejected acceptance is listed under the test it answers.
    let test = between(&p, r#"id="e4""#, "</article>");
    assert!(test.contains(
        r##"<a href="#e5"><strong class="decision rejected"><span data-s="5" data-p="body.decision" data-k="e:decision">rejected</span></strong></a> · <span class="who" data-actor="LAB">"##
    ));
    assert!(test.contains(r#"<strong class="verdict fail"><span data-s="4" data-p="body.verdict" data-k="e:verdict">FAIL</span></strong>"#));
    assert!(test.contains(r#"<td><span data-s="4" data-p="body.results[0].value" data-k="t">0.3</span> <span data-s="4" data-p="body.results[0].unit" data-k="t">mg/kg</span></td><td>—</td>"#));
}

#[test]
fn sections_come_in_page_order() {
    let p = flat(&page(Lang::En, "k+1+AA=="));
    let order: Vec<usize> = ["sec recall", "sec origin", "sec tests"]
        .iter()
        .map(|c| p.find(&format!(r#"<section class="{c}">"#)).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert!(!p.contains(r#"class="sec logistics""#));
    assert!(p.contains("<dt>Reached via</dt><dd>its lot 01/04719865001270/10/L1</dd>"));
}
