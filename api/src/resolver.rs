//! The GS1 Digital Link resolver: `/01/{gtin}[/10/{lot}][/21/{serial}]` and `/00/{sscc}`.
//! Browsers get the consumer page; API clients (`Accept: application/json` or
//! `application/linkset+json`) get an RFC 9264 linkset; `…/qr.svg` (and `…/qr.png`) is
//! the QR code of the item's Digital Link URI.

use crate::error::ApiError;
use crate::page::{self, i18n::Lang};
use crate::read::read_ledger;
use crate::Shared;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use suyuan_core::history::{history, HistoryError};
use suyuan_core::storage::LogReader;
use suyuan_format::gs1::Item;

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub lang: Option<String>,
    pub item: Option<String>,
}

/// The base URL links and QR codes use: the configured public URL (the server sets one
/// at start), never the request's Host header.
pub fn base_url(state: &Shared) -> String {
    state
        .config
        .public_base
        .clone()
        .unwrap_or_else(|| "http://localhost".into())
}

fn lang_of(q: &PageQuery, headers: &HeaderMap) -> Lang {
    Lang::negotiate(
        q.lang.as_deref(),
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// What the client prefers: the page, or JSON.
fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut best_json = -1.0f32;
    let mut best_html = -1.0f32;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let mime = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .filter_map(|p| p.trim().strip_prefix("q="))
            .next()
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        match mime.as_str() {
            "application/json" | "application/linkset+json" => best_json = best_json.max(q),
            "text/html" | "application/xhtml+xml" => best_html = best_html.max(q),
            _ => {}
        }
    }
    best_json > 0.0 && best_json > best_html
}

fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&page::csp()) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

enum Suffix {
    None,
    QrSvg,
    QrPng,
}

/// Resolves a Digital Link URI.
#[utoipa::path(get, path = "/01/{gtin}", tag = "resolver",
    params(("gtin" = String, Path, description = "GTIN-14, optionally followed by /10/{lot} and/or /21/{serial}; /00/{sscc} works alike; append /qr.svg for the QR code")),
    responses(
        (status = 200, description = "The consumer page (Accept: text/html)", content_type = "text/html"),
        (status = 200, description = "RFC 9264 linkset (Accept: application/json or application/linkset+json)", content_type = "application/linkset+json"),
        (status = 301, description = "Redirect to the canonical path"),
        (status = 400, description = "Not a valid Digital Link path"),
        (status = 404, description = "No such item in the log"),
    ))]
pub async fn resolve(
    State(state): State<Shared>,
    uri: Uri,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|q| q.0).unwrap_or_default();
    let lang = lang_of(&q, &headers);
    let json = wants_json(&headers);
    let raw = uri.path().trim_start_matches('/');
    let (path, suffix) = if let Some(p) = raw.strip_suffix("/qr.svg") {
        (p, Suffix::QrSvg)
    } else if let Some(p) = raw.strip_suffix("/qr.png") {
        (p, Suffix::QrPng)
    } else {
        (raw, Suffix::None)
    };
    let item = match Item::parse(path) {
        Ok(i) => i,
        Err(e) => {
            let msg = format!("{e}");
            if json {
                return ApiError::new(StatusCode::BAD_REQUEST, "bad_item", msg).into_response();
            }
            return html(
                StatusCode::BAD_REQUEST,
                page::message_page(lang, path, "bad.title", &msg),
            );
        }
    };
    let canonical = item.to_string();
    if canonical != path {
        let tail = match suffix {
            Suffix::None => "",
            Suffix::QrSvg => "/qr.svg",
            Suffix::QrPng => "/qr.png",
        };
        let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
        return Redirect::permanent(&format!("/{canonical}{tail}{query}")).into_response();
    }
    let base = base_url(&state);
    let item_uri = crate::qr::item_uri(&base, &canonical);
    match suffix {
        Suffix::QrSvg => {
            return match crate::qr::svg(&item_uri) {
                Ok(svg) => (
                    [
                        (header::CONTENT_TYPE, "image/svg+xml"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    svg,
                )
                    .into_response(),
                Err(e) => ApiError::internal(e).into_response(),
            }
        }
        Suffix::QrPng => {
            return match crate::qr::png(&item_uri, 8) {
                Ok(png) => (
                    [
                        (header::CONTENT_TYPE, "image/png"),
                        (header::CACHE_CONTROL, "public, max-age=86400"),
                    ],
                    png,
                )
                    .into_response(),
                Err(e) => ApiError::internal(e).into_response(),
            }
        }
        Suffix::None => {}
    }
    if json {
        let c = canonical.clone();
        let known = read_ledger(&state, move |ledger| {
            Ok(!ledger.read()?.chain(&c)?.is_empty())
        });
        return match known {
            Ok(true) => {
                let body = json!({"linkset": [{
                    "anchor": item_uri,
                    "https://gs1.org/voc/defaultLink": [{"href": item_uri, "type": "text/html", "title": "Consumer page"}],
                    "https://gs1.org/voc/traceability": [{"href": format!("{base}/v1/history/{canonical}"), "type": "application/json", "title": "History with inclusion proofs"}],
                    "describedby": [{"href": format!("{base}/v1/bundle/{canonical}"), "type": "application/json", "title": "Evidence bundle (suyuan-bundle-v1)"}],
                    "https://gs1.org/voc/qrCode": [{"href": format!("{item_uri}/qr.svg"), "type": "image/svg+xml", "title": "QR code"}],
                }]});
                (
                    [
                        (header::CONTENT_TYPE, "application/linkset+json"),
                        (header::VARY, "Accept"),
                    ],
                    body.to_string(),
                )
                    .into_response()
            }
            Ok(false) => ApiError::not_found(
                "unknown_item",
                format!("item {canonical} is not in the log"),
            )
            .into_response(),
            Err(e) => e.into_response(),
        };
    }
    let c = canonical.clone();
    let verifier_key = state.ledger.verifier_key();
    let origin = state.ledger.origin().to_string();
    let rendered = read_ledger(&state, move |ledger| {
        let reader = ledger.read()?;
        let h = match history(&reader, &c) {
            Ok(h) => h,
            Err(HistoryError::Unknown(_)) => return Ok(None),
            Err(HistoryError::BadItem(e)) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_item",
                    e.to_string(),
                ))
            }
            Err(HistoryError::Store(e)) => return Err(e.into()),
        };
        let (size, _) = reader.latest_checkpoint_note()?;
        let root = reader.root(size)?;
        let registry = ledger.registry();
        Ok(Some(page::render(&page::PageData {
            history: &h,
            registry: &registry,
            checkpoint_size: size,
            checkpoint_root_hex: root.to_hex(),
            origin: &origin,
            verifier_key: &verifier_key,
            lang,
            item_uri: &item_uri,
        })))
    });
    match rendered {
        Ok(Some(body)) => html(StatusCode::OK, body),
        Ok(None) => html(
            StatusCode::NOT_FOUND,
            page::message_page(lang, &canonical, "nf.title", page::i18n::t(lang, "nf.body")),
        ),
        Err(e) => html(
            e.status,
            page::message_page(lang, &canonical, "bad.title", &e.message),
        ),
    }
}

/// `GET /`: what this is, with a lookup form.
pub async fn home(
    State(state): State<Shared>,
    headers: HeaderMap,
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = q.map(|q| q.0).unwrap_or_default();
    let lang = lang_of(&q, &headers);
    html(
        StatusCode::OK,
        page::home_page(lang, state.ledger.origin(), state.ledger.size()),
    )
}

/// `GET /lookup?item=…`: the home page's form, redirected to the item's page.
pub async fn lookup(
    q: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let item = q.ok().and_then(|q| q.0.item).unwrap_or_default();
    let item = item
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    // Accept a pasted URI: keep only the path from the first "/01/" or "/00/".
    let path = ["01/", "00/"]
        .iter()
        .filter_map(|p| {
            if item.starts_with(p) {
                Some(item)
            } else {
                item.find(&format!("/{p}")).map(|i| &item[i + 1..])
            }
        })
        .next();
    match path.and_then(|p| Item::parse(p).ok()) {
        Some(i) => Redirect::to(&format!("/{i}")).into_response(),
        None => Redirect::to("/").into_response(),
    }
}

/// Anything else: a JSON 404 under `/v1/`, a page elsewhere.
pub async fn not_found(uri: Uri, headers: HeaderMap) -> Response {
    if uri.path().starts_with("/v1/") || wants_json(&headers) {
        return ApiError::not_found("not_found", format!("no such resource: {}", uri.path()))
            .into_response();
    }
    let lang = Lang::negotiate(
        None,
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    html(
        StatusCode::NOT_FOUND,
        page::message_page(lang, uri.path().trim_start_matches('/'), "nf.title", "404"),
    )
}
