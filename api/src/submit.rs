//! Submitting signed events. Receipts are returned only after the group commit holding
//! the entries is durable; nothing is stored for a refused submission.

use crate::error::{refusal_status, ApiError};
use crate::wire::{BatchItem, BatchResponse, SubmitResponse};
use crate::writer::WriteError;
use crate::Shared;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::value::RawValue;
use suyuan_format::submission::{self, Submission};

/// Checks the content type and that the body is UTF-8 text; the callers parse it.
/// Reads a request body of at most `limit` bytes. A longer one is refused with 413, but
/// only after the rest has been read and dropped (up to [`LINGER_BYTES`]): closing the
/// connection while the client is still sending would reset it before it reads the
/// answer (a "lingering close", as servers do for HTTP/1.1).
async fn read_body(state: &Shared, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut bytes = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            state.metrics.rejected("malformed", 1);
            ApiError::malformed(format!("reading the request body: {e}"))
        })?;
        let Some(data) = frame.data_ref() else {
            continue;
        };
        seen += data.len();
        if seen <= limit {
            bytes.extend_from_slice(data);
        } else if seen > LINGER_BYTES {
            break;
        }
    }
    if seen > limit {
        state.metrics.rejected("too_large", 1);
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("request body over the limit of {limit} bytes"),
        ));
    }
    Ok(Bytes::from(bytes))
}

/// How much of an oversized body is read and dropped before its 413 goes out.
const LINGER_BYTES: usize = 64 << 20;

fn json_text(state: &Shared, headers: &HeaderMap, body: Bytes) -> Result<Bytes, ApiError> {
    let reject = |e: ApiError| {
        state.metrics.rejected(&e.code, 1);
        e
    };
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ctype.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(reject(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("Content-Type must be application/json, not {ctype:?}"),
        )));
    }
    if let Some(charset) = ctype
        .split(';')
        .skip(1)
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .next()
    {
        if !charset.trim_matches('"').eq_ignore_ascii_case("utf-8") {
            return Err(reject(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                format!("JSON must be UTF-8, not {charset}"),
            )));
        }
    }
    if std::str::from_utf8(&body).is_err() {
        return Err(reject(ApiError::malformed("the body is not valid UTF-8")));
    }
    Ok(body)
}

fn not_json(e: serde_json::Error) -> ApiError {
    ApiError::malformed(format!("the body is not JSON: {e}"))
}

/// Reads one submission (see [`suyuan_format::submission`]); `prefix` names its place
/// in a batch.
fn parse_submission(raw: &RawValue, prefix: &str) -> Result<Submission, ApiError> {
    submission::parse(raw.get(), prefix).map_err(|e| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code, e.message).with_field(e.field)
    })
}

fn write_error(state: &Shared, e: WriteError, n: u64) -> ApiError {
    match e {
        WriteError::Closed => {
            state.metrics.rejected("shutting_down", n);
            ApiError::shutting_down()
        }
        WriteError::Store(m) => ApiError::internal(format!(
            "the log could not store the submission (nothing was stored): {m}"
        )),
        WriteError::DiskFull(m) => {
            state.metrics.rejected("disk_full", n);
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "disk_full",
                format!(
                    "the log's disk is full: nothing was stored; reads still work; retry once space is freed ({m})"
                ),
            )
        }
    }
}

/// Submit one signed event.
#[utoipa::path(post, path = "/v1/events", tag = "submit",
    request_body(content = crate::wire::SubmissionBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Durably recorded (or already recorded: a receipt for the same entry)", body = SubmitResponse),
        (status = 400, description = "Malformed JSON or body", body = crate::wire::ErrorBody),
        (status = 401, description = "The signature does not verify", body = crate::wire::ErrorBody),
        (status = 403, description = "Unknown actor, unregistered or revoked key, a role that may not record this type, or a review by neither its order's buyer nor its platform", body = crate::wire::ErrorBody),
        (status = 409, description = "The client id was already used for another event", body = crate::wire::ErrorBody),
        (status = 413, description = "Body or entry over the limit", body = crate::wire::ErrorBody),
        (status = 415, description = "Not application/json", body = crate::wire::ErrorBody),
        (status = 422, description = "Invalid event, missing reference, future time, conflict, or private part mismatch", body = crate::wire::ErrorBody),
        (status = 503, description = "Shutting down; nothing stored", body = crate::wire::ErrorBody),
        (status = 507, description = "The disk is full; nothing stored; retry after Retry-After seconds", body = crate::wire::ErrorBody),
    ))]
pub async fn submit_event(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let limit = state.config.event_body_limit;
    let body = json_text(&state, &headers, read_body(&state, body, limit).await?)?;
    let text = std::str::from_utf8(&body).expect("checked UTF-8");
    let sub = serde_json::from_str::<&RawValue>(text)
        .map_err(not_json)
        .and_then(|raw| parse_submission(raw, ""))
        .inspect_err(|e| state.metrics.rejected(&e.code, 1))?;
    if state.shutting_down() {
        state.metrics.rejected("shutting_down", 1);
        return Err(ApiError::shutting_down());
    }
    let committed = state
        .writer
        .submit(vec![sub])
        .await
        .map_err(|e| write_error(&state, e, 1))?;
    match committed.results.into_iter().next() {
        Some(Ok(receipt)) => Ok(Json(SubmitResponse { receipt }).into_response()),
        Some(Err(refusal)) => Err(ApiError::from(&refusal)),
        None => Err(ApiError::internal("no result from the writer")),
    }
}

/// Submit many signed events at once (a JSON array). Every event is parsed first; if any
/// is malformed or invalid, the whole batch is refused and nothing is stored. The rest
/// are admitted in order in one group commit; each gets its receipt or its refusal.
#[utoipa::path(post, path = "/v1/events/batch", tag = "submit",
    request_body(content = Vec<crate::wire::SubmissionBody>, content_type = "application/json"),
    responses(
        (status = 200, description = "Per-event receipts or refusals", body = BatchResponse),
        (status = 400, description = "Malformed JSON", body = crate::wire::ErrorBody),
        (status = 413, description = "Body or batch over the limit", body = crate::wire::ErrorBody),
        (status = 415, description = "Not application/json", body = crate::wire::ErrorBody),
        (status = 422, description = "An event is invalid (field names which); nothing stored", body = crate::wire::ErrorBody),
        (status = 503, description = "Shutting down; nothing stored", body = crate::wire::ErrorBody),
        (status = 507, description = "The disk is full; nothing stored", body = crate::wire::ErrorBody),
    ))]
pub async fn submit_batch(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let limit = state.config.batch_body_limit;
    let body = json_text(&state, &headers, read_body(&state, body, limit).await?)?;
    let text = std::str::from_utf8(&body).expect("checked UTF-8");
    let items: Vec<&RawValue> = match serde_json::from_str(text) {
        Ok(items) => items,
        Err(_) => {
            // Valid JSON of another shape is a 422; anything else is not JSON at all.
            let error = match serde_json::from_str::<&RawValue>(text) {
                Err(e) => not_json(e),
                Ok(_) => ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "a batch is a JSON array of submissions",
                ),
            };
            state.metrics.rejected(&error.code, 1);
            return Err(error);
        }
    };
    let max = state.config.max_batch_events;
    if items.len() > max {
        state.metrics.rejected("too_large", items.len() as u64);
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a batch holds at most {max} events, not {}", items.len()),
        ));
    }
    if items.is_empty() {
        state.metrics.rejected("invalid", 1);
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "the batch is empty",
        ));
    }
    let n = items.len() as u64;
    let subs = items
        .into_iter()
        .enumerate()
        .map(|(i, raw)| parse_submission(raw, &format!("[{i}].")))
        .collect::<Result<Vec<_>, _>>()
        .inspect_err(|e| state.metrics.rejected(&e.code, n))?;
    if state.shutting_down() {
        state.metrics.rejected("shutting_down", n);
        return Err(ApiError::shutting_down());
    }
    let committed = state
        .writer
        .submit(subs)
        .await
        .map_err(|e| write_error(&state, e, n))?;
    let mut accepted = 0;
    let results: Vec<BatchItem> = committed
        .results
        .into_iter()
        .map(|r| match r {
            Ok(receipt) => {
                accepted += 1;
                BatchItem {
                    receipt: Some(receipt),
                    error: None,
                    status: 200,
                }
            }
            Err(refusal) => BatchItem {
                receipt: None,
                error: Some(ApiError::from(&refusal).detail()),
                status: refusal_status(&refusal).as_u16(),
            },
        })
        .collect();
    let refused = results.len() - accepted;
    let body = BatchResponse {
        results,
        accepted,
        refused,
        checkpoint: committed.checkpoint.note,
    };
    // About 3 KB a receipt, written into one buffer of that size (see `fast_json`).
    let mut buf = Vec::with_capacity(512 + 3072 * body.results.len());
    crate::fast_json::write_batch(&body, &mut buf);
    Ok(([(header::CONTENT_TYPE, "application/json")], buf).into_response())
}
