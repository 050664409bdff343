//! The consumer page behind each QR code: server-rendered, readable with JavaScript off,
//! in simplified Chinese, traditional Chinese or English. Its inline script (verify.js)
//! fetches the item's evidence bundle and checks, with the browser's WebCrypto only,
//! every shown entry's signature, its signer's registration, each inclusion proof and
//! the checkpoint signature against the log key pinned here; then it checks that what
//! the page shows is what the verified entries say, and only then says "verified".
//!
//! Every fact shown from an entry is marked `data-s="<seq>" data-p="<path>"
//! data-k="<kind>"`, and its text is exactly `display(kind, value)`; the script recomputes
//! that from the verified entry, so a page that shows something else fails.

pub mod i18n;

use i18n::{label, t, Lang};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;
use suyuan_core::history::{History, Via};
use suyuan_core::registry::Registry;
use suyuan_format::roles::EventType;

pub const STYLE: &str = include_str!("style.css");
pub const SCRIPT: &str = include_str!("verify.js");

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Looks up `a.b[2].c` in a JSON value.
pub fn get<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        let (name, idx) = match part.find('[') {
            Some(i) => (&part[..i], Some(&part[i..])),
            None => (part, None),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        if let Some(mut rest) = idx {
            while let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']')?;
                cur = cur.get(r[..end].parse::<usize>().ok()?)?;
                rest = &r[end + 1..];
            }
        }
    }
    if cur.is_null() {
        None
    } else {
        Some(cur)
    }
}

/// What a marked value shows; verify.js has the same function.
pub fn display(lang: Lang, kind: &str, v: &Value) -> String {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match kind {
        "d" => text(v).replacen('T', " ", 1),
        "q" => format!(
            "{} {}",
            text(&v["value"]),
            label(lang, "uom", &text(&v["uom"]))
        ),
        "m" => format!("{} {}", text(&v["amount"]), text(&v["currency"])),
        "r" => {
            let n = v.as_u64().unwrap_or(0).min(5) as usize;
            format!("{}{}", "★".repeat(n), "☆".repeat(5 - n))
        }
        k if k.starts_with("e:") => label(lang, &k[2..], &text(v)),
        _ => text(v),
    }
}

struct Ctx<'a> {
    lang: Lang,
    registry: &'a Registry,
}

impl Ctx<'_> {
    /// A marked value, or None when the event lacks it.
    fn val(&self, seq: u64, ev: &Value, path: &str, kind: &str) -> Option<String> {
        let v = get(ev, path)?;
        Some(format!(
            "<span data-s=\"{seq}\" data-p=\"{}\" data-k=\"{}\">{}</span>",
            esc(path),
            esc(kind),
            esc(&display(self.lang, kind, v))
        ))
    }
    fn actor(&self, id: &str) -> String {
        let name = self
            .registry
            .actor(id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| id.to_string());
        format!(
            "<span class=\"who\" data-actor=\"{}\">{}</span>",
            esc(id),
            esc(&name)
        )
    }
    fn row(&self, out: &mut String, label_key: &str, value: Option<String>) {
        if let Some(v) = value {
            let _ = write!(out, "<dt>{}</dt><dd>{v}</dd>", t(self.lang, label_key));
        }
    }
}

struct Card {
    kind: String,
    html: String,
}

fn section_of(kind: &str) -> &'static str {
    match kind {
        "production" => "sec.origin",
        "inspection" | "acceptance" => "sec.tests",
        "trade" | "payment" => "sec.trade",
        "clearance" => "sec.clearance",
        "logistics" => "sec.logistics",
        "review" => "sec.reviews",
        "recall" => "sec.recall",
        _ => "sec.other",
    }
}

/// Acceptances (采信) of inspection entries, by the inspection's entry hash.
type Acceptances<'a> = BTreeMap<String, Vec<(u64, &'a Value)>>;

fn card(
    c: &Ctx<'_>,
    seq: u64,
    ev: &Value,
    via: &Via,
    corrected_by: &[u64],
    hash: &str,
    acceptances: &Acceptances<'_>,
) -> Card {
    let lang = c.lang;
    let kind = ev["type"].as_str().unwrap_or("").to_string();
    let mut dl = String::new();
    let v = |p: &str, k: &str| c.val(seq, ev, p, k);
    match kind.as_str() {
        "production" => {
            c.row(&mut dl, "f.product", v("body.product", "t"));
            c.row(&mut dl, "f.origin", v("body.origin", "t"));
            c.row(&mut dl, "f.facility", v("body.facility", "t"));
            c.row(&mut dl, "f.produced", v("body.produced", "t"));
            c.row(&mut dl, "f.expiry", v("body.expiry", "t"));
            c.row(&mut dl, "f.quantity", v("what.quantity", "q"));
        }
        "inspection" => {
            c.row(
                &mut dl,
                "f.verdict",
                v("body.verdict", "e:verdict").map(|s| {
                    format!(
                        "<strong class=\"verdict {}\">{s}</strong>",
                        esc(ev["body"]["verdict"].as_str().unwrap_or(""))
                    )
                }),
            );
            c.row(&mut dl, "f.lab", v("body.lab", "t"));
            if get(ev, "body.accreditation").is_some() {
                let acc = [
                    v("body.accreditation.body", "t"),
                    v("body.accreditation.number", "t"),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                c.row(&mut dl, "f.accreditation", Some(acc));
            }
            c.row(&mut dl, "f.standard", v("body.standard", "t"));
            c.row(&mut dl, "f.sample", v("body.sample", "t"));
            c.row(&mut dl, "f.report", v("body.report_no", "t"));
            if let Some(accs) = acceptances.get(hash) {
                let list: Vec<String> = accs
                    .iter()
                    .map(|(aseq, aev)| {
                        format!(
                            "<a href=\"#e{aseq}\"><strong class=\"decision {}\">{}</strong></a> · {}",
                            esc(aev["body"]["decision"].as_str().unwrap_or("")),
                            c.val(*aseq, aev, "body.decision", "e:decision").unwrap_or_default(),
                            c.actor(aev["actor"].as_str().unwrap_or(""))
                        )
                    })
                    .collect();
                c.row(&mut dl, "f.acceptance", Some(list.join("<br>")));
            }
            if let Some(results) = ev["body"]["results"].as_array() {
                let mut table = format!(
                    "<table class=\"results\"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
                    t(lang, "f.analyte"),
                    t(lang, "f.value"),
                    t(lang, "f.limit")
                );
                for i in 0..results.len() {
                    let p = |f: &str| format!("body.results[{i}].{f}");
                    let _ = write!(
                        table,
                        "<tr><td>{}</td><td>{} {}</td><td>{}</td></tr>",
                        v(&p("analyte"), "t").unwrap_or_default(),
                        v(&p("value"), "t").unwrap_or_default(),
                        v(&p("unit"), "t").unwrap_or_default(),
                        v(&p("limit"), "t").unwrap_or_else(|| "—".into()),
                    );
                }
                table.push_str("</tbody></table>");
                let _ = write!(
                    dl,
                    "<dt class=\"wide\">{}</dt><dd class=\"wide\">{table}</dd>",
                    t(lang, "f.analyte")
                );
            }
        }
        "acceptance" => {
            c.row(
                &mut dl,
                "f.decision",
                v("body.decision", "e:decision").map(|s| {
                    format!(
                        "<strong class=\"decision {}\">{s}</strong>",
                        esc(ev["body"]["decision"].as_str().unwrap_or(""))
                    )
                }),
            );
            c.row(&mut dl, "f.basis", v("body.basis", "t"));
        }
        "trade" => {
            c.row(&mut dl, "f.order", v("body.order_no", "t"));
            c.row(
                &mut dl,
                "f.trade_mode",
                v("body.trade_mode", "e:trade_mode"),
            );
            c.row(&mut dl, "f.total", v("body.total", "m"));
        }
        "payment" => {
            c.row(&mut dl, "f.payment", v("body.payment_no", "t"));
            c.row(&mut dl, "f.order", v("body.order_no", "t"));
            c.row(&mut dl, "f.amount", v("body.amount", "m"));
            c.row(&mut dl, "f.status", v("body.status", "e:payment_status"));
        }
        "logistics" => {
            c.row(
                &mut dl,
                "f.status",
                v("body.status", "e:logistics_status").map(|s| format!("<strong>{s}</strong>")),
            );
            c.row(
                &mut dl,
                "f.place",
                v("body.location", "t").or_else(|| v("where.place", "t")),
            );
            c.row(&mut dl, "f.temperature", v("body.temperature", "q"));
            c.row(&mut dl, "f.mode", v("body.mode", "e:mode"));
            c.row(&mut dl, "f.container", v("what.parent", "t"));
            c.row(&mut dl, "f.waybill", v("body.waybill_no", "t"));
        }
        "clearance" => {
            c.row(
                &mut dl,
                "f.status",
                v("body.status", "e:clearance_status").map(|s| {
                    format!(
                        "<strong class=\"cstatus {}\">{s}</strong>",
                        esc(ev["body"]["status"].as_str().unwrap_or(""))
                    )
                }),
            );
            c.row(&mut dl, "f.office", v("body.customs_office", "t"));
            c.row(&mut dl, "f.declaration", v("body.declaration_no", "t"));
            c.row(&mut dl, "f.direction", v("body.direction", "e:direction"));
            c.row(
                &mut dl,
                "f.trade_mode",
                v("body.trade_mode", "e:trade_mode"),
            );
            c.row(&mut dl, "f.hs", v("body.hs_code", "t"));
            c.row(&mut dl, "f.note", v("body.note", "t"));
        }
        "review" => {
            c.row(&mut dl, "f.kind", v("body.kind", "e:review_kind"));
            c.row(
                &mut dl,
                "f.rating",
                v("body.rating", "r").map(|s| format!("<span class=\"stars\">{s}</span>")),
            );
            c.row(&mut dl, "f.text", v("body.text", "t"));
        }
        "recall" => {
            c.row(&mut dl, "f.severity", v("body.severity", "e:severity"));
            c.row(&mut dl, "f.reason", v("body.reason", "t"));
            c.row(&mut dl, "f.action", v("body.action", "t"));
            c.row(&mut dl, "f.notice", v("body.notice_no", "t"));
        }
        "correction" => {
            c.row(&mut dl, "f.reason", v("body.reason", "e:correction_reason"));
            c.row(&mut dl, "f.explanation", v("body.explanation", "t"));
        }
        "registration" => {
            c.row(&mut dl, "f.subject", v("body.subject", "t"));
        }
        _ => {}
    }
    c.row(
        &mut dl,
        "f.place",
        if kind == "logistics" {
            None
        } else {
            v("where.place", "t")
        },
    );
    let via_text = match via {
        Via::Item => None,
        Via::Lot(l) => Some(format!("{} {}", t(lang, "via.lot"), esc(l))),
        Via::Container(x) => Some(format!("{} {}", t(lang, "via.container"), esc(x))),
        Via::Order(o) => Some(format!("{} {}", t(lang, "via.order"), esc(o))),
    };
    c.row(&mut dl, "f.via", via_text);
    let corrected = !corrected_by.is_empty();
    let mut html = String::new();
    let _ = write!(
        html,
        "<article class=\"card t-{k}{cls}\" id=\"e{seq}\" data-card=\"{seq}\"><header><span class=\"type\">{tl}</span> <time>{time}</time> <span class=\"vb\" data-vb=\"{seq}\"></span></header>",
        k = esc(&kind),
        cls = if corrected { " corrected" } else { "" },
        tl = label(lang, "type", &kind),
        time = v("time", "d").unwrap_or_default(),
    );
    if corrected {
        let _ = write!(
            html,
            "<p class=\"corr\">{} (#{})</p>",
            t(lang, "corrected"),
            corrected_by
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", #")
        );
    }
    let _ = write!(
        html,
        "<dl>{dl}</dl><footer>{} {} · #{seq}</footer></article>",
        t(lang, "f.signer"),
        c.actor(ev["actor"].as_str().unwrap_or(""))
    );
    Card { kind, html }
}

/// Everything the page is made from.
pub struct PageData<'a> {
    pub history: &'a History,
    pub registry: &'a Registry,
    pub checkpoint_size: u64,
    pub checkpoint_root_hex: String,
    pub origin: &'a str,
    pub verifier_key: &'a str,
    pub lang: Lang,
    /// Absolute URI the QR code encodes.
    pub item_uri: &'a str,
}

fn head(lang: Lang, title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\"><title>{}</title><style>{STYLE}</style></head><body>",
        lang.tag(),
        esc(title)
    )
}

fn lang_nav(lang: Lang, path: &str) -> String {
    let mut s = String::from("<nav class=\"langs\">");
    for l in Lang::ALL {
        if l == lang {
            let _ = write!(s, "<strong>{}</strong>", l.name());
        } else {
            let _ = write!(
                s,
                "<a href=\"/{}?lang={}\" hreflang=\"{}\">{}</a>",
                esc(path),
                l.tag(),
                l.tag(),
                l.name()
            );
        }
    }
    s.push_str("</nav>");
    s
}

/// The role policy (which roles may sign which type) for the page's script.
pub fn policy() -> Value {
    let map: serde_json::Map<String, Value> = EventType::ALL
        .iter()
        .map(|t| {
            (
                t.as_str().to_string(),
                Value::Array(
                    t.allowed_roles()
                        .iter()
                        .map(|r| json!(r.as_str()))
                        .collect(),
                ),
            )
        })
        .collect();
    Value::Object(map)
}

/// Renders the consumer page.
pub fn render(d: &PageData<'_>) -> String {
    let lang = d.lang;
    let c = Ctx {
        lang,
        registry: d.registry,
    };
    let item = &d.history.item;
    let events: Vec<Value> = d.history.entries.iter().map(|e| e.event()).collect();
    let views: Vec<(u64, &Value, &Via, &[u64])> = d
        .history
        .entries
        .iter()
        .zip(&events)
        .map(|(e, ev)| (e.seq, ev, &e.via, e.corrected_by.as_slice()))
        .collect();
    let hashes: Vec<String> = d
        .history
        .entries
        .iter()
        .map(|e| e.entry_hash.to_hex())
        .collect();
    let mut acceptances: Acceptances<'_> = BTreeMap::new();
    for (seq, ev, _, _) in &views {
        if ev["type"] == "acceptance" {
            if let Some(h) = ev["body"]["inspection"].as_str() {
                acceptances
                    .entry(h.to_string())
                    .or_default()
                    .push((*seq, ev));
            }
        }
    }
    let cards: Vec<Card> = views
        .iter()
        .zip(&hashes)
        .map(|((s, ev, via, cb), h)| card(&c, *s, ev, via, cb, h, &acceptances))
        .collect();
    let production = views
        .iter()
        .find(|(_, ev, _, _)| ev["type"] == "production");
    let product_name = production
        .and_then(|(_, ev, _, _)| ev["body"]["product"].as_str())
        .unwrap_or(item.as_str());

    let mut out = head(lang, &format!("{} · {}", product_name, t(lang, "title")));
    let _ = write!(
        out,
        "<header class=\"top\"><a class=\"brand\" href=\"/\">溯源 <small>Suyuan</small></a>{}</header><main>",
        lang_nav(lang, item)
    );
    // Hero: what the item is, where and by whom it was made.
    out.push_str("<section class=\"hero\">");
    match production {
        Some((seq, ev, _, _)) => {
            let _ = write!(
                out,
                "<h1>{}</h1><dl class=\"facts\">",
                c.val(*seq, ev, "body.product", "t").unwrap_or_default()
            );
            c.row(&mut out, "f.origin", c.val(*seq, ev, "body.origin", "t"));
            c.row(
                &mut out,
                "f.producer",
                Some(c.actor(ev["actor"].as_str().unwrap_or(""))),
            );
            c.row(
                &mut out,
                "f.produced",
                c.val(*seq, ev, "body.produced", "t"),
            );
            c.row(&mut out, "f.expiry", c.val(*seq, ev, "body.expiry", "t"));
            out.push_str("</dl>");
        }
        None => {
            let _ = write!(out, "<h1>{}</h1>", esc(item));
        }
    }
    let _ = write!(
        out,
        "<p class=\"item\">{} <code>{}</code></p>",
        t(lang, "item"),
        esc(item)
    );
    let _ = write!(
        out,
        "<a class=\"qr\" href=\"/{p}/qr.svg\"><img src=\"/{p}/qr.svg\" alt=\"{alt}\" width=\"120\" height=\"120\"></a></section>",
        p = esc(item),
        alt = esc(&format!("{}: {}", t(lang, "link.qr"), d.item_uri))
    );
    // Warnings: every recall and every failed test reaching this item.
    out.push_str("<div id=\"sy-alerts\">");
    let mut alerting: Vec<&(u64, &Value, &Via, &[u64])> = views.iter().collect();
    alerting.sort_by_key(|(seq, ev, _, _)| (ev["type"] != "recall", *seq));
    for (seq, ev, _, cb) in alerting {
        let kind = ev["type"].as_str().unwrap_or("");
        let alert = match kind {
            "recall" => Some("recall"),
            "inspection" if ev["body"]["verdict"] == "fail" => Some("fail"),
            _ => None,
        };
        if let Some(a) = alert {
            let _ = write!(
                out,
                "<div class=\"alert\" role=\"alert\" data-alert=\"{a}\" data-alert-seq=\"{seq}\"><strong>⚠ {}</strong>",
                t(lang, &format!("alert.{a}"))
            );
            if a == "recall" {
                let parts: Vec<String> = [
                    "body.severity:e:severity",
                    "body.reason:t",
                    "body.action:t",
                    "body.notice_no:t",
                ]
                .iter()
                .filter_map(|spec| {
                    let (p, k) = spec.split_once(':').unwrap();
                    c.val(*seq, ev, p, k)
                })
                .collect();
                let _ = write!(
                    out,
                    "<p>{}</p><p>{} {}</p>",
                    parts.join(" · "),
                    t(lang, "f.signer"),
                    c.actor(ev["actor"].as_str().unwrap_or(""))
                );
            } else {
                let parts: Vec<String> = ["body.lab:t", "body.standard:t", "body.report_no:t"]
                    .iter()
                    .filter_map(|spec| {
                        let (p, k) = spec.split_once(':').unwrap();
                        c.val(*seq, ev, p, k)
                    })
                    .collect();
                let _ = write!(out, "<p>{}</p>", parts.join(" · "));
            }
            if !cb.is_empty() {
                let _ = write!(out, "<p>{}</p>", t(lang, "alert.corrected"));
            }
            let _ = write!(out, "<p><a href=\"#e{seq}\">#{seq}</a></p></div>");
        }
    }
    out.push_str("</div>");
    // Verification status, filled in by the script.
    let _ = write!(
        out,
        "<section class=\"verify\" id=\"sy-verify\"><h2>{}</h2><p id=\"sy-status\" data-state=\"unverified\">{}</p><ul id=\"sy-problems\"></ul></section>",
        t(lang, "v.title"),
        t(lang, "v.noscript")
    );
    // The story, section by section.
    let _ = write!(out, "<h2 class=\"story\">{}</h2>", t(lang, "story"));
    let order = [
        "sec.recall",
        "sec.origin",
        "sec.tests",
        "sec.trade",
        "sec.clearance",
        "sec.logistics",
        "sec.reviews",
        "sec.other",
    ];
    let mut by_section: BTreeMap<&str, Vec<&Card>> = BTreeMap::new();
    for card in &cards {
        by_section
            .entry(section_of(&card.kind))
            .or_default()
            .push(card);
    }
    for sec in order {
        let Some(list) = by_section.get(sec) else {
            continue;
        };
        let class = sec.trim_start_matches("sec.");
        let _ = write!(
            out,
            "<section class=\"sec {class}\"><h3>{}</h3>",
            t(lang, sec)
        );
        if sec == "sec.logistics" {
            out.push_str("<ol class=\"timeline\">");
            for card in list {
                let _ = write!(out, "<li>{}</li>", card.html);
            }
            out.push_str("</ol>");
        } else {
            for card in list {
                out.push_str(&card.html);
            }
        }
        out.push_str("</section>");
    }
    // The log this page is proven against.
    let _ = write!(
        out,
        "<section class=\"log\"><h3>{}</h3><dl><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd><code class=\"hash\">{}</code></dd><dt>{}</dt><dd><code class=\"hash\">{}</code></dd></dl>",
        t(lang, "sec.log"),
        t(lang, "log.origin"),
        esc(d.origin),
        t(lang, "log.size"),
        d.checkpoint_size,
        t(lang, "log.root"),
        esc(&d.checkpoint_root_hex),
        t(lang, "log.key"),
        esc(d.verifier_key),
    );
    let _ = write!(
        out,
        "<p class=\"links\">{}: <a href=\"/v1/history/{p}\">{}</a> · <a href=\"/v1/bundle/{p}\">{}</a> · <a href=\"/{p}/qr.svg\">{}</a></p></section></main>",
        t(lang, "links"),
        t(lang, "link.history"),
        t(lang, "link.bundle"),
        t(lang, "link.qr"),
        p = esc(item)
    );
    let config = json!({
        "item": item,
        "bundle": format!("/v1/bundle/{item}"),
        "log_key": d.verifier_key,
        "page_size": d.checkpoint_size,
        "policy": policy(),
        "words": i18n::table(lang),
    });
    let config = serde_json::to_string(&config)
        .expect("serializes")
        .replace("</", "<\\/")
        .replace("<!--", "<\\!--");
    let _ = write!(
        out,
        "<script id=\"sy-config\" type=\"application/json\">{config}</script><script>{SCRIPT}</script></body></html>"
    );
    out
}

/// A plain page for an unknown or invalid item.
pub fn message_page(lang: Lang, path: &str, title_key: &str, body: &str) -> String {
    let mut out = head(lang, t(lang, title_key));
    let _ = write!(
        out,
        "<header class=\"top\"><a class=\"brand\" href=\"/\">溯源 <small>Suyuan</small></a>{}</header><main><section class=\"hero notfound\"><h1>{}</h1><p>{}</p><p><code>/{}</code></p></section></main></body></html>",
        lang_nav(lang, path),
        t(lang, title_key),
        esc(body),
        esc(path)
    );
    out
}

/// The home page: what this is, and a form to look an item up.
pub fn home_page(lang: Lang, origin: &str, size: u64) -> String {
    let mut out = head(lang, t(lang, "title"));
    let _ = write!(
        out,
        "<header class=\"top\"><a class=\"brand\" href=\"/\">溯源 <small>Suyuan</small></a>{}</header><main><section class=\"hero\"><h1>溯源 Suyuan</h1><p>{}</p><form method=\"get\" action=\"/lookup\"><input name=\"item\" placeholder=\"01/04719865001270/10/AL2604Q1/21/00001\" aria-label=\"{}\"><button>{}</button></form></section><section class=\"log\"><dl><dt>{}</dt><dd><code>{}</code></dd><dt>{}</dt><dd>{}</dd></dl><p class=\"links\"><a href=\"/v1/checkpoint\">checkpoint</a> · <a href=\"/openapi.json\">OpenAPI</a> · <a href=\"/v1/actors\">actors</a></p></section></main></body></html>",
        lang_nav(lang, ""),
        t(lang, "home.lead"),
        t(lang, "item"),
        t(lang, "home.go"),
        t(lang, "log.origin"),
        esc(origin),
        t(lang, "log.size"),
        size
    );
    out
}

/// The Content-Security-Policy of pages: nothing from elsewhere, only this script.
pub fn csp() -> String {
    use suyuan_format::encoding::b64;
    use suyuan_format::hash::sha256;
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'sha256-{}'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        b64(&sha256(SCRIPT.as_bytes())),
        b64(&sha256(STYLE.as_bytes()))
    )
}
