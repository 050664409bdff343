//! The consumer page behind each QR code: server-rendered, readable with JavaScript off,
//! in simplified Chinese, traditional Chinese or English. Its inline script (verify.js)
//! fetches the item's evidence bundle and checks, with the browser's WebCrypto only,
//! every shown entry's signature, its signer's registration, each inclusion proof and
//! the checkpoint signature against the log key pinned here; then it checks that what
//! the page shows is what the verified entries say, and only then says "verified".
//!
//! Every fact shown from an entry is marked `data-s="<seq>" data-p="<path>"
//! data-k="<kind>"`, and its text is exactly `display(kind, value)`; the script recomputes
//! that from the verified entry, so a page that shows something else fails. So are the
//! item's code at the top (`data-item-code`, `data-item-part`), the product's status
//! (`data-product`), a parcel's contents (`data-content`) and a failing result row
//! (`data-exceeds`): each is recomputed from the verified entries.
//!
//! The page keeps two things apart that a reader could confuse: the product's status
//! (recalled, failed test, or no known problem: its own block, first on screen) and the
//! check of the records (they are authentic and complete, which says nothing about the
//! product).
//!
//! The pages are askama templates (`api/templates/`, HTML auto-escaped); the facts they
//! show are laid out in [`view`], and which warnings they raise is decided by
//! [`suyuan_core::assessment::assess_events`]. The inline style and script are inserted verbatim,
//! as [`csp`] hashes them.

pub mod i18n;
#[cfg(test)]
mod tests;
mod view;

use askama::Template;
use i18n::{label, t, Lang};
use serde_json::{json, Value};
use suyuan_core::assessment::assess_events;
use suyuan_core::assessment::{AlertKind, Assessment};
use suyuan_core::history::History;
use suyuan_core::registry::Registry;
use suyuan_format::roles::EventType;
use view::{AlertView, Contents, Entry, Hero, KeyView, Section, Shown, Viewer};

pub const STYLE: &str = include_str!("style.css");
/// The page's one inline script: the key rule, then the verifier that uses it.
pub const SCRIPT: &str = concat!(include_str!("key_rule.js"), include_str!("verify.js"));

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

/// What every page's frame (`layout.html`) needs: its language, title and path (for the
/// language links).
struct Frame<'a> {
    lang: Lang,
    title: String,
    path: &'a str,
}

/// A link to the page in one language.
struct LangLink {
    tag: &'static str,
    name: &'static str,
    current: bool,
}

impl Frame<'_> {
    /// A word in the page's language.
    fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
    fn langs(&self) -> impl Iterator<Item = LangLink> + '_ {
        Lang::ALL.into_iter().map(|l| LangLink {
            tag: l.tag(),
            name: l.name(),
            current: l == self.lang,
        })
    }
}

/// The log the page is proven against.
struct LogView<'a> {
    origin: &'a str,
    size: u64,
    root: &'a str,
    key: &'a str,
}

/// The product's status as the page's status block shows it: a recall in force, else a
/// failed test in force, else none known. Warnings declared in error by a correction
/// are shown but are not in force. (verify.js derives the same from the warnings.)
fn product_state(assessment: &Assessment) -> &'static str {
    let in_force = |kind| {
        assessment
            .alerts
            .iter()
            .any(|a| a.kind == kind && !a.corrected)
    };
    if in_force(AlertKind::Recall) {
        "recalled"
    } else if in_force(AlertKind::FailedTest) {
        "failed"
    } else {
        "clear"
    }
}

#[derive(Template)]
#[template(path = "item.html", whitespace = "suppress")]
struct ItemPage<'a> {
    page: Frame<'a>,
    item: &'a str,
    key: KeyView,
    hero: Option<Hero>,
    qr_alt: String,
    /// `recalled`, `failed` or `clear`.
    state: &'static str,
    alerts: Vec<AlertView>,
    contents: Option<Contents>,
    sections: Vec<Section>,
    log: LogView<'a>,
    config: Value,
}

#[derive(Template)]
#[template(path = "message.html", whitespace = "suppress")]
struct MessagePage<'a> {
    page: Frame<'a>,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "home.html", whitespace = "suppress")]
struct HomePage<'a> {
    page: Frame<'a>,
    origin: &'a str,
    size: u64,
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

fn rendered(page: impl Template) -> String {
    page.render()
        .expect("rendering into a String does not fail")
}

/// Renders the consumer page.
pub fn render(d: &PageData<'_>) -> String {
    let lang = d.lang;
    let viewer = Viewer {
        lang,
        registry: d.registry,
    };
    let item = d.history.item.as_str();
    let events: Vec<Value> = d.history.entries.iter().map(|e| e.event()).collect();
    let assessment = assess_events(d.history, &events);
    let entries: Vec<Entry<'_>> = d
        .history
        .entries
        .iter()
        .zip(&events)
        .map(|(e, event)| Entry {
            seq: e.seq,
            event,
            via: &e.via,
            corrected_by: &e.corrected_by,
        })
        .collect();
    let cards = entries.iter().enumerate().map(|(i, e)| {
        let accepted_by: Vec<Entry<'_>> = assessment
            .acceptances_of(i)
            .iter()
            .map(|&j| entries[j])
            .collect();
        viewer.card(e, &accepted_by)
    });
    let key = viewer.key(item);
    // A parcel's or pallet's story holds the productions of every lot it carried: none
    // of them is what the container is, so it is headed by its code and its contents.
    let production = assessment
        .production
        .filter(|_| !key.container)
        .map(|i| &entries[i]);
    let heading = match production.and_then(|p| p.event["body"]["product"].as_str()) {
        Some(product) => product.to_string(),
        None if key.container => format!("{} {item}", t(lang, "container.title")),
        None => item.to_string(),
    };
    let page = ItemPage {
        page: Frame {
            lang,
            title: format!("{heading} · {}", t(lang, "title")),
            path: item,
        },
        item,
        hero: production.map(|p| viewer.hero(p)),
        qr_alt: format!("{}: {}", t(lang, "link.qr"), d.item_uri),
        state: product_state(&assessment),
        contents: viewer.contents(item, &entries),
        key,
        alerts: assessment
            .alerts
            .iter()
            .map(|a| viewer.alert(a, &entries[a.entry]))
            .collect(),
        sections: viewer.sections(cards.collect()),
        log: LogView {
            origin: d.origin,
            size: d.checkpoint_size,
            root: &d.checkpoint_root_hex,
            key: d.verifier_key,
        },
        config: json!({
            "item": item,
            "bundle": format!("/v1/bundle/{item}"),
            "log_key": d.verifier_key,
            "page_size": d.checkpoint_size,
            "policy": policy(),
            "words": i18n::table(lang),
        }),
    };
    rendered(page)
}

/// A plain page for an unknown or invalid item.
pub fn message_page(lang: Lang, path: &str, title_key: &str, body: &str) -> String {
    rendered(MessagePage {
        page: Frame {
            lang,
            title: t(lang, title_key).to_string(),
            path,
        },
        body,
    })
}

/// The home page: what this is, and a form to look an item up.
pub fn home_page(lang: Lang, origin: &str, size: u64) -> String {
    rendered(HomePage {
        page: Frame {
            lang,
            title: t(lang, "title").to_string(),
            path: "",
        },
        origin,
        size,
    })
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
