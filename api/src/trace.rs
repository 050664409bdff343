//! `GET /v1/trace` and `GET /v1/recall-scope`: the trace of docs/FORMAT.md §11 as JSON
//! pages (every edge's entry with its inclusion proof) or CSV, and a recall's scope.

use crate::error::ApiError;
use crate::read::{query, read_ledger_long};
use crate::wire::ErrorBody;
use crate::Shared;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use suyuan_core::trace::{trace, Direction, TraceError, MAX_PAGE_EDGES};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct TraceQuery {
    /// A GS1 Digital Link path (01/GTIN[/10/LOT[/21/SERIAL]], 00/SSCC) or a document key
    /// (order:NO, waybill:NO, declaration:NO, payment:NO).
    pub key: String,
    /// `forward` (default) or `backward`.
    pub direction: Option<String>,
    /// `json` (default) or `csv` (every edge, one row each).
    pub format: Option<String>,
    /// Skip this many edges: the `next` of the previous page.
    pub after: Option<usize>,
    /// At most this many edges (default and most: 10,000).
    pub limit: Option<usize>,
}

/// A query string, or why it could not be read (answered 400 by [`query`]).
type QueryOf<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

pub fn trace_error(e: TraceError) -> ApiError {
    match e {
        TraceError::BadKey(why) => ApiError::new(StatusCode::BAD_REQUEST, "bad_key", why),
        TraceError::Unknown(key) => {
            ApiError::not_found("unknown_key", format!("{key} is not in the log"))
        }
        TraceError::Store(e) => e.into(),
    }
}

/// Where a lot, unit, parcel, product or order went (forward) or came from (backward):
/// nodes with their kind and state, and edges each naming the entry that makes it, with
/// that entry and its inclusion proof against the checkpoint given. Paged: `next` is the
/// `after` of the following page, `null` on the last.
#[utoipa::path(get, path = "/v1/trace", tag = "read", params(TraceQuery),
    responses((status = 200, description = "a page of the trace (JSON) or every edge (text/csv)"),
              (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn trace_route(
    State(state): State<Shared>,
    q: QueryOf<TraceQuery>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let direction = match q.direction.as_deref() {
        None | Some("forward") => Direction::Forward,
        Some("backward") => Direction::Backward,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "direction is {other:?}: forward or backward"
            )))
        }
    };
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "format is {other:?}: json or csv"
            )))
        }
    };
    if q.limit == Some(0) || q.limit.is_some_and(|l| l > MAX_PAGE_EDGES) {
        return Err(ApiError::bad_request(format!(
            "limit is 1 to {MAX_PAGE_EDGES}"
        )));
    }
    read_ledger_long(&state, move |ledger| {
        let reader = ledger.read()?;
        let t = trace(&reader, &q.key, direction).map_err(trace_error)?;
        if csv {
            return Ok(
                ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], t.csv()).into_response(),
            );
        }
        let page = t.page(
            &reader,
            q.after.unwrap_or(0),
            q.limit.unwrap_or(MAX_PAGE_EDGES),
        )?;
        Ok(Json(page).into_response())
    })
    .await
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ScopeQuery {
    /// The recalled lot (or any trace key).
    pub key: String,
}

/// A recall's forward scope: units and containers counted by state, the parcels customs
/// must hold now, the orders whose buyers must be told (buyer commitments only), and the
/// units the log cannot place.
#[utoipa::path(get, path = "/v1/recall-scope", tag = "read", params(ScopeQuery), responses(
    (status = 200, description = "the scope"), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recall_scope(
    State(state): State<Shared>,
    q: QueryOf<ScopeQuery>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    read_ledger_long(&state, move |ledger| {
        let t = trace(&ledger.read()?, &q.key, Direction::Forward).map_err(trace_error)?;
        Ok(Json(t.scope()).into_response())
    })
    .await
}
