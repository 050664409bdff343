//! The rendered pages: escaping by the template engine, the inline style and script as
//! the CSP hashes them, the warnings suyuan-core decides and the status block apart from
//! the record check, a parcel's contents, the results table, and every language's words.

use super::i18n::{t, Lang, WORDS};
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
            customs_codes: vec![],
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
    page_of(&history(), lang, verifier_key)
}

fn page_of(h: &History, lang: Lang, verifier_key: &str) -> String {
    let r = registry();
    render(&PageData {
        history: h,
        registry: &r,
        checkpoint_size: 8,
        checkpoint_root_hex: "ab".repeat(32),
        origin: "example.test/log",
        verifier_key,
        lang,
        item_uri: &format!("https://example.test/{}", h.item),
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
    assert!(
        m.contains(r#"<a href="/01/&#60;x&#62;?lang=zh-Hans" hreflang="zh-Hans" lang="zh-Hans">"#)
    );
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
    assert!(test.contains(r#"<td class="value"><span class="num" data-s="4" data-p="body.results[0].value" data-k="t">0.3</span> <span class="unit"><span data-s="4" data-p="body.results[0].unit" data-k="t">mg/kg</span></span></td><td class="limit">—</td>"#));
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

/// A history of `item` with these entries.
fn story(item: &str, entries: Vec<HistoryEntry>) -> History {
    History {
        item: item.into(),
        entries,
        chains: vec![item.into()],
        documents: vec![],
    }
}

#[test]
fn the_product_status_is_a_block_of_its_own_apart_from_the_record_check() {
    let p = flat(&page(Lang::En, "k+1+AA=="));
    // The recall (#6) is declared in error by #7: the failed test (#4) is what is in force.
    let status = between(
        &p,
        r#"<section class="status failed" id="sy-product" data-product="failed""#,
        "</section>",
    );
    assert!(status.contains(r#"data-alert="recall" data-alert-seq="6" data-corrected-by="7">"#));
    assert!(status.contains(r#"data-alert="fail" data-alert-seq="4">"#));
    assert!(!status.contains("No known problem"));
    let verify = between(
        &p,
        r#"<section class="verify" id="sy-verify">"#,
        "</section>",
    );
    assert!(!verify.contains("data-alert"));
    assert!(verify.contains("not whether the product is safe"));
    assert!(p.find(r#"id="sy-product""#) < p.find(r#"<section class="hero">"#));
    assert!(p.find(r#"<section class="hero">"#) < p.find(r#"id="sy-verify""#));

    let lot = Via::Lot("01/04719865001270/10/L1".into());
    let h = history();
    let recalled = story(
        ITEM,
        h.entries
            .into_iter()
            .filter(|e| e.seq != 4)
            .map(|mut e| {
                e.corrected_by.clear();
                e
            })
            .collect(),
    );
    assert!(flat(&page_of(&recalled, Lang::En, "k")).contains(r#"data-product="recalled""#));
    let clear = story(
        ITEM,
        vec![entry(
            3,
            json!({"type": "production", "actor": "FARM", "time": "2026-04-01T08:00:00+08:00",
                   "body": {"product": "Tea"}}),
            lot,
            &[],
        )],
    );
    let p = flat(&page_of(&clear, Lang::Hant, "k"));
    assert!(p.contains(r#"<section class="status clear" id="sy-product" data-product="clear""#));
    assert!(p.contains(&format!("✓ {}", t(Lang::Hant, "status.clear"))));
}

#[test]
fn the_item_code_and_its_parts_are_marked_for_the_check() {
    let p = flat(&page(Lang::En, "k"));
    assert!(p.contains(&format!(r#"<code data-item-code>{ITEM}</code>"#)));
    for part in [
        r#"GTIN <strong data-item-part="gtin">04719865001270</strong>"#,
        r#"Lot <strong data-item-part="lot">L1</strong>"#,
        r#"Serial <strong data-item-part="serial">7</strong>"#,
    ] {
        assert!(p.contains(part), "{part}");
    }
}

#[test]
fn results_keep_numbers_whole_give_units_and_mark_a_failing_row_in_words() {
    let results = json!([
        {"analyte": "Pb", "value": "0.86", "unit": "µg/kg", "limit": "0.5"},
        {"analyte": "Cd", "value": "0.02", "unit": "mg/kg", "limit": "0.080"},
        {"analyte": "Hg", "value": "10", "unit": "mg/kg", "limit": "9.99", "below_loq": true},
        {"analyte": "As", "value": "0.50", "unit": "mg/kg", "limit": "0.5"},
    ]);
    let h = story(
        ITEM,
        vec![entry(
            4,
            json!({"type": "inspection", "actor": "LAB", "time": "2026-04-02T08:00:00+08:00",
                   "body": {"verdict": "fail", "lab": "L", "report_no": "R1", "results": results}}),
            Via::Item,
            &[],
        )],
    );
    let p = flat(&page_of(&h, Lang::Hans, "k"));
    assert!(p.contains(r#"<tr class="exceeds" data-result="4 0">"#));
    assert_eq!(
        p.matches(r#"<tr class="exceeds""#).count(),
        1,
        "only 0.86 > 0.5"
    );
    assert!(p.contains(r#"<strong class="exceeds-mark" data-exceeds>✗ 超过限量</strong>"#));
    // Value and limit each with the unit; numbers in nowrap spans.
    assert!(p.contains(r#"<td class="limit"><span class="num" data-s="4" data-p="body.results[0].limit" data-k="t">0.5</span> <span class="unit"><span data-s="4" data-p="body.results[0].unit" data-k="t">µg/kg</span></span></td>"#));
    assert!(STYLE.contains(".num{white-space:nowrap;font-variant-numeric:tabular-nums"));
    // A limit of quantification reads "<10", explained under the table.
    assert!(p.contains(r#"<span data-s="4" data-p="body.results[2].below_loq" data-k="e:loq">&#60;</span><span class="num""#));
    assert!(p.contains(&t(Lang::Hans, "loq.note").replace('<', "&#60;")));
}

const PARCEL: &str = "00/047188222605000120";
const UNIT_A: &str = "01/04719865001270/10/L1/21/1";
const UNIT_B: &str = "01/04719865001270/10/L1/21/2";

fn logistics(status: &str, items: &[&str], parent: &str) -> Value {
    json!({"type": "logistics", "actor": "FARM", "time": "2026-04-05T08:00:00+08:00",
           "what": {"items": items, "parent": parent}, "body": {"status": status}})
}

#[test]
fn a_parcel_lists_what_is_inside_it_and_names_an_unpacking_so() {
    let lot = Via::Lot("01/04719865001270/10/L1".into());
    let h = story(
        PARCEL,
        vec![
            entry(
                3,
                json!({"type": "production", "actor": "FARM", "time": "2026-04-01T08:00:00+08:00",
                       "what": {"items": ["01/04719865001270/10/L1"]}, "body": {"product": "Tea"}}),
                lot,
                &[],
            ),
            entry(
                10,
                logistics("packed", &[UNIT_A, UNIT_B], PARCEL),
                Via::Item,
                &[],
            ),
            entry(11, logistics("unpacked", &[UNIT_B], PARCEL), Via::Item, &[]),
            entry(
                12,
                logistics("packed", &[PARCEL], "00/347188222605900025"),
                Via::Item,
                &[],
            ),
        ],
    );
    let p = flat(&page_of(&h, Lang::En, "k"));
    // Headed as a parcel, not as the product of one lot it carried.
    assert!(p.contains("<title>Parcel or pallet 00/047188222605000120 · Suyuan trace</title>"));
    let contents = between(
        &p,
        r#"<section class="contents" id="sy-contents">"#,
        "</section>",
    );
    assert_eq!(contents.matches(r#"data-content="in""#).count(), 1);
    assert_eq!(contents.matches(r#"data-content="out""#).count(), 1);
    assert!(contents.contains(&format!(
        r#"<li data-content="in"><span class="product" data-content-product><span data-s="3" data-p="body.product" data-k="t">Tea</span></span><br><a href="/{UNIT_A}"><code><span data-s="10" data-p="what.items[0]" data-k="t">{UNIT_A}</span></code></a></li>"#
    )));
    assert!(contents.contains(r##"data-p="what.items[1]" data-k="t">01/04719865001270/10/L1/21/2</span></code></a> · <a href="#e11">#11</a></li>"##));
    // The unpacking is called one, and its parcel is what things came out of.
    let unpacking = between(
        &p,
        r#"<article class="card t-logistics s-unpacked" id="e11""#,
        "</article>",
    );
    assert!(unpacking.contains(r#"<span class="type"><span data-s="11" data-p="body.status" data-k="e:step">Unpacking</span></span>"#));
    assert!(unpacking.contains("<dt>Unpacked from</dt>"));
    assert!(!unpacking.contains("Packed into"));
    let packing = between(
        &p,
        r#"<article class="card t-logistics s-packed" id="e10""#,
        "</article>",
    );
    assert!(packing.contains(">Packing</span>") && packing.contains("<dt>Packed into</dt>"));
    // Packing the parcel into a pallet does not make it its own content.
    assert!(!contents.contains("what.items[0]\" data-k=\"t\">00/"));
}

#[test]
fn every_language_says_no_javascript_and_failure_in_its_own_words() {
    for lang in Lang::ALL {
        let p = flat(&page(lang, "k"));
        assert!(p.starts_with(&format!("<!doctype html><html lang=\"{}\">", lang.tag())));
        assert!(p.contains(&format!(
            r#"<noscript><p class="noscript" data-noscript>{}</p></noscript>"#,
            t(lang, "v.noscript")
        )));
        assert!(p.contains(&format!(
            r#"<p id="sy-status" data-state="unverified">{}</p>"#,
            t(lang, "v.pending")
        )));
        let config: Value = serde_json::from_str(between(
            &p,
            r#"<script id="sy-config" type="application/json">"#,
            "</script>",
        ))
        .unwrap();
        assert_eq!(config["words"]["v.failed"], t(lang, "v.failed"));
    }
    // What the script says is all in the table, in every language, and the Chinese
    // words are not the English ones.
    let mut used: Vec<String> = vec![];
    for (open, prefix) in [("w('", ""), ("fill('", ""), ("problem('", "e.")] {
        for (i, _) in SCRIPT.match_indices(open) {
            let rest = &SCRIPT[i + open.len()..];
            let key = &rest[..rest.find('\'').unwrap()];
            // `w('e.' + code)`: the codes are the problem() calls'.
            if !key.ends_with('.') {
                used.push(format!("{prefix}{key}"));
            }
        }
    }
    assert!(used.len() > 20, "{used:?}");
    for key in used.iter().chain(&["e.crypto".to_string()]) {
        let w = WORDS
            .iter()
            .find(|w| w.0 == key)
            .unwrap_or_else(|| panic!("no word {key}"));
        assert!(
            !w.1.is_empty() && !w.2.is_empty() && !w.3.is_empty(),
            "{key}"
        );
        if key.starts_with("v.") || key.starts_with("e.") {
            assert!(w.1 != w.3 && w.2 != w.3, "{key} is English in Chinese");
        }
    }
}

#[test]
fn the_chinese_pages_ask_for_their_own_script_s_fonts() {
    let rule =
        |lang: &str| between(STYLE, &format!(":lang({lang}){{font-family:"), "}").to_string();
    let (hant, hans) = (rule("zh-Hant"), rule("zh-Hans"));
    for f in [
        "\"PingFang TC\"",
        "\"Noto Sans CJK TC\"",
        "\"Microsoft JhengHei\"",
    ] {
        assert!(hant.contains(f) && !hans.contains(f), "{f}");
    }
    for f in [
        "\"PingFang SC\"",
        "\"Noto Sans CJK SC\"",
        "\"Microsoft YaHei\"",
    ] {
        assert!(hans.contains(f) && !hant.contains(f), "{f}");
    }
    // No system-ui before them: on a Chinese Windows it is a Simplified face.
    assert!(!hant.contains("system-ui"));
    let p = flat(&page(Lang::Hant, "k"));
    assert!(p.contains(r#"<a href="/01/04719865001270/10/L1/21/7?lang=zh-Hans" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>"#));
}
