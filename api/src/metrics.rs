//! Prometheus metrics and the health check.

use crate::Shared;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts,
    Registry, TextEncoder,
};
use std::time::Instant;

#[derive(Clone)]
pub struct Metrics {
    pub registry: Registry,
    /// Submissions by result (`accepted`, `refused`, `rejected` before admission).
    pub submissions: IntCounterVec,
    /// Refusals and rejections by code.
    pub refusals: IntCounterVec,
    /// Time of one group commit (admission, durable write, receipts).
    pub commit_seconds: Histogram,
    /// Submissions per group commit.
    pub batch_size: Histogram,
    /// Entries in the log.
    pub entries: IntGauge,
    pub store_errors: IntCounter,
    /// HTTP requests by route and status.
    pub http_requests: IntCounterVec,
    pub http_seconds: HistogramVec,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let submissions = IntCounterVec::new(
            Opts::new("suyuan_submissions_total", "Submitted events by result"),
            &["result"],
        )
        .unwrap();
        let refusals = IntCounterVec::new(
            Opts::new(
                "suyuan_refusals_total",
                "Submissions refused or rejected, by error code",
            ),
            &["code"],
        )
        .unwrap();
        let commit_seconds = Histogram::with_opts(
            HistogramOpts::new(
                "suyuan_commit_seconds",
                "Latency of one durable group commit",
            )
            .buckets(vec![
                0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0,
            ]),
        )
        .unwrap();
        let batch_size = Histogram::with_opts(
            HistogramOpts::new(
                "suyuan_commit_batch_size",
                "Submissions per durable group commit",
            )
            .buckets(vec![
                1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 4096.0,
            ]),
        )
        .unwrap();
        let entries = IntGauge::new("suyuan_log_entries", "Entries in the log").unwrap();
        let store_errors =
            IntCounter::new("suyuan_store_errors_total", "Failed group commits").unwrap();
        let http_requests = IntCounterVec::new(
            Opts::new(
                "suyuan_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )
        .unwrap();
        let http_seconds = HistogramVec::new(
            HistogramOpts::new(
                "suyuan_http_request_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1.0, 5.0,
            ]),
            &["route"],
        )
        .unwrap();
        for c in [
            Box::new(submissions.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(refusals.clone()),
            Box::new(commit_seconds.clone()),
            Box::new(batch_size.clone()),
            Box::new(entries.clone()),
            Box::new(store_errors.clone()),
            Box::new(http_requests.clone()),
            Box::new(http_seconds.clone()),
        ] {
            registry.register(c).expect("metric names are unique");
        }
        // Every label exists from the start, so dashboards see zeros rather than nothing.
        for r in ["accepted", "refused", "rejected"] {
            submissions.with_label_values(&[r]);
        }
        for c in [
            "malformed",
            "invalid",
            "unknown_actor",
            "key_not_registered",
            "key_revoked",
            "bad_signature",
            "wrong_role",
            "not_buyer",
            "client_id_reused",
            "future_time",
            "missing_reference",
            "conflict",
            "too_large",
            "private_part",
            "unsupported_media_type",
            "shutting_down",
            "disk_full",
        ] {
            refusals.with_label_values(&[c]);
        }
        Metrics {
            registry,
            submissions,
            refusals,
            commit_seconds,
            batch_size,
            entries,
            store_errors,
            http_requests,
            http_seconds,
        }
    }

    /// A submission turned away before admission (malformed, invalid, too large…).
    pub fn rejected(&self, code: &str, n: u64) {
        self.submissions.with_label_values(&["rejected"]).inc_by(n);
        self.refusals.with_label_values(&[code]).inc_by(n);
    }
}

/// Middleware: counts requests by matched route (never by raw path, to bound cardinality).
pub async fn track(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let m = &state.metrics;
    m.http_seconds
        .with_label_values(&[&route])
        .observe(start.elapsed().as_secs_f64());
    m.http_requests
        .with_label_values(&[&method, &route, resp.status().as_str()])
        .inc();
    resp
}

/// `GET /metrics`: Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<Shared>) -> Response {
    let mut buf = Vec::new();
    let families = state.metrics.registry.gather();
    if TextEncoder::new().encode(&families, &mut buf).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        buf,
    )
        .into_response()
}

/// `GET /readyz`: whether the server takes writes. 200 `ready`; 503 while the write side
/// is down (the last commit failed: `"write": "disk_full"` or `"failed"`, with the
/// reason) or shutting down. Reads are served either way (`/healthz`).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = crate::wire::Readiness), (status = 503, body = crate::wire::Readiness)))]
pub async fn readyz(State(state): State<Shared>) -> Response {
    let down = state.ledger.write_down();
    let (write, reason) = match (&down, state.shutting_down()) {
        (_, true) => ("shutting_down", Some("the server is draining".to_string())),
        (Some(d), false) if d.disk_full => ("disk_full", Some(d.reason.clone())),
        (Some(d), false) => ("failed", Some(d.reason.clone())),
        (None, false) => ("ok", None),
    };
    let code = if write == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = crate::wire::Readiness {
        status: if write == "ok" { "ready" } else { "not_ready" }.into(),
        write: write.into(),
        reason,
    };
    (code, axum::Json(body)).into_response()
}

/// `GET /healthz`: 200 while serving, 503 while shutting down or if the store fails.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, body = crate::wire::Health), (status = 503, body = crate::wire::Health)))]
pub async fn healthz(State(state): State<Shared>) -> Response {
    let size = state.ledger.latest_checkpoint().map(|c| c.size).ok();
    let shutting = state.shutting_down();
    let status = match (size, shutting) {
        (Some(_), false) => "ok",
        (_, true) => "shutting_down",
        (None, _) => "store_error",
    };
    let code = if status == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        axum::Json(crate::wire::Health {
            status: status.into(),
            entries: size.unwrap_or(0),
            origin: state.ledger.origin().to_string(),
            cache: state.cache_state().name().into(),
            write: if state.ledger.write_down().is_some() {
                "down"
            } else {
                "ok"
            }
            .into(),
        }),
    )
        .into_response()
}
