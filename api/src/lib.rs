//! The Suyuan HTTP service: it translates HTTP to ledger calls and back.
//!
//! * `submit` — `POST /v1/events[/batch]`, through the group-commit [`writer`].
//! * `read` — histories with proofs, entries, proofs, checkpoints, actors, documents,
//!   evidence bundles.
//! * `resolver` — the GS1 Digital Link resolver (`/01/…`, `/00/…`) with content
//!   negotiation between the consumer [`page`] and a JSON linkset, and QR codes ([`qr`]).
//! * `ops` — `/healthz`, `/metrics` ([`metrics`]), `/openapi.json` ([`openapi`]).
//!
//! Nothing here decides what is true: validation, admission, proofs and bundles are the
//! ledger's. Wire types (what is served) live in [`wire`], apart from internal types.

pub mod error;
pub mod fast_json;
pub mod metrics;
pub mod openapi;
pub mod page;
pub mod qr;
pub mod read;
pub mod regulator;
pub mod resolver;
pub mod submit;
pub mod trace;
pub mod wire;
pub mod writer;

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;
use suyuan_store::Ledger;

/// Limits and settings of a server.
#[derive(Clone, Debug)]
pub struct Config {
    /// Largest body of `POST /v1/events` (one event with its private part).
    pub event_body_limit: usize,
    /// Largest body of `POST /v1/events/batch`.
    pub batch_body_limit: usize,
    /// Most events in one batch request.
    pub max_batch_events: usize,
    /// Base URL that QR codes and links use (e.g. `https://trace.example.com`, checked by
    /// [`public_url`]); when unset, `http://` and the address served. Never a request's
    /// Host header.
    pub public_base: Option<String>,
    /// How long a graceful shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
    /// How long a client may take to send a request's headers (on a new connection, or
    /// the next request on a kept-alive one) before its connection is closed.
    pub header_timeout: Duration,
    /// How long a whole request may take, body included, before it is answered 408.
    pub request_timeout: Duration,
    /// Connections served at once; further clients wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            event_body_limit: 256 * 1024,
            batch_body_limit: 16 * 1024 * 1024,
            max_batch_events: 1000,
            public_base: None,
            shutdown_grace: Duration::from_secs(20),
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// A public base URL as configured: `http://` or `https://`, a host, an optional path,
/// no query or fragment; returned without a trailing `/`.
pub fn public_url(url: &str) -> Result<String, String> {
    let bad = |why: &str| format!("public URL {url:?}: {why}");
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| bad("it must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
    {
        return Err(bad(
            "it needs a host name (letters, digits, '-', '.', a port)",
        ));
    }
    if rest.contains(['?', '#', ' ']) {
        return Err(bad("no query, fragment or spaces"));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// What every handler shares.
pub struct AppState {
    pub ledger: Arc<Ledger>,
    pub writer: writer::Writer,
    pub metrics: metrics::Metrics,
    pub config: Config,
    shutting_down: AtomicBool,
    /// Where the background pass of [`warm_cache`] is (a [`CacheState`]).
    cache: Arc<AtomicU8>,
}

/// The page cache's state, as `/healthz` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum CacheState {
    /// Not warmed (a server built without [`warm_cache`]).
    Cold = 0,
    Warming = 1,
    Warm = 2,
    /// The pass failed (and said why in the log); reads work, from the store.
    Failed = 3,
}

impl CacheState {
    pub fn name(self) -> &'static str {
        match self {
            CacheState::Cold => "cold",
            CacheState::Warming => "warming",
            CacheState::Warm => "warm",
            CacheState::Failed => "failed",
        }
    }
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }
    pub fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::SeqCst);
    }
    pub fn cache_state(&self) -> CacheState {
        match self.cache.load(Ordering::SeqCst) {
            1 => CacheState::Warming,
            2 => CacheState::Warm,
            3 => CacheState::Failed,
            _ => CacheState::Cold,
        }
    }
}

/// Fills the store's page cache on a background thread (see `suyuan_store::Warmed`);
/// requests are served meanwhile, and `/healthz` says when it is done. The thread holds
/// only the ledger, so a shutdown does not wait for it.
pub fn warm_cache(state: &Shared) {
    let (ledger, cache) = (state.ledger.clone(), state.cache.clone());
    cache.store(CacheState::Warming as u8, Ordering::SeqCst);
    let spawned = std::thread::Builder::new()
        .name("suyuan-warm".into())
        .spawn(move || {
            let start = std::time::Instant::now();
            let done = match ledger.warm_cache() {
                Ok(w) => {
                    tracing::info!(
                        rows = w.rows,
                        mib = w.page_bytes >> 20,
                        complete = w.complete,
                        seconds = start.elapsed().as_secs_f64(),
                        "page cache warmed"
                    );
                    CacheState::Warm
                }
                Err(e) => {
                    tracing::warn!("warming the page cache failed: {e}");
                    CacheState::Failed
                }
            };
            cache.store(done as u8, Ordering::SeqCst);
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the cache-warming thread: {e}");
        state
            .cache
            .store(CacheState::Failed as u8, Ordering::SeqCst);
    }
}

/// Builds the state and starts the group-commit writer thread. The writer stops once
/// every clone of the state is dropped and its queue is drained; join the handle then.
pub fn state(ledger: Arc<Ledger>, config: Config) -> (Shared, std::thread::JoinHandle<()>) {
    let metrics = metrics::Metrics::new();
    metrics.entries.set(ledger.size() as i64);
    let (writer, handle) = writer::Writer::start(ledger.clone(), metrics.clone());
    let state = Arc::new(AppState {
        ledger,
        writer,
        metrics,
        config,
        shutting_down: AtomicBool::new(false),
        cache: Arc::default(),
    });
    (state, handle)
}

/// The whole HTTP API.
pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v1/events", post(submit::submit_event))
        .route("/v1/events/batch", post(submit::submit_batch))
        .route("/v1/history/{*item}", get(read::history))
        .route("/v1/bundle/{*item}", get(read::bundle))
        .route("/v1/entries/{seq}", get(read::entry_by_seq))
        .route("/v1/entries/by-hash/{hash}", get(read::entry_by_hash))
        .route("/v1/proofs/inclusion", get(read::inclusion_proof))
        .route("/v1/proofs/consistency", get(read::consistency_proof))
        .route("/v1/proofs/head", get(read::head_proof))
        .route("/v1/trace", get(trace::trace_route))
        .route("/v1/recall-scope", get(trace::recall_scope))
        .route("/v1/regulator/export", get(regulator::export_route))
        .route("/v1/checkpoint", get(read::checkpoint))
        .route("/v1/checkpoint.json", get(read::checkpoint_json))
        .route("/checkpoint", get(read::checkpoint_text))
        .route("/v1/actors", get(read::actors))
        .route("/v1/actors/{id}", get(read::actor))
        .route("/v1/documents/{kind}/{number}", get(read::document))
        .route("/01/{*rest}", get(resolver::resolve))
        .route("/00/{*rest}", get(resolver::resolve))
        .route("/", get(resolver::home))
        .route("/lookup", get(resolver::lookup))
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::metrics))
        .route("/readyz", get(metrics::readyz))
        .route("/openapi.json", get(openapi::openapi_json))
        .fallback(resolver::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
        .with_state(state)
}

/// Serves until `shutdown` resolves, then drains: refuses new submissions with 503, lets
/// every request already received finish and be answered (up to the configured grace),
/// closing each connection after its answer, and answers connections that arrive
/// meanwhile with 503 rather than a reset.
///
/// Connections are served by hyper directly rather than through `axum::serve`, for the
/// limits a public server needs: at most `max_connections` at once (the rest wait in the
/// listen backlog), headers within `header_timeout` (a slow or half-open client is cut
/// off, and so is an idle kept-alive one), and every request within `request_timeout`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    let app = router(state.clone())
        .layer(axum::middleware::map_response_with_state(
            state.clone(),
            close_when_draining,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked));
    let max = config.max_connections;
    let permits = Arc::new(tokio::sync::Semaphore::new(max));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before accept: wait
                    // a moment rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Responses go out as soon as they are written: with Nagle's algorithm on, the
        // tail of a multi-segment response waits for the client's delayed ACK.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {e}");
        }
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(tcp), service);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!("connection: {e}");
            }
            drop(permit);
        });
    }
    state.begin_shutdown();
    tracing::info!("shutting down: draining in-flight requests; new requests are answered 503");
    // Every connection gives its permit back when it ends: after its current request
    // (answered with `Connection: close`), or at its header timeout when idle.
    let grace = config.shutdown_grace;
    let drained = permits.acquire_many(u32::try_from(max).unwrap_or(u32::MAX));
    let mut drained = std::pin::pin!(drained);
    let deadline = tokio::time::sleep(grace);
    let mut deadline = std::pin::pin!(deadline);
    let mut answering = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut drained => break,
            () = &mut deadline => {
                tracing::warn!("in-flight requests did not finish within {grace:?}; closing");
                break;
            }
            accepted = listener.accept() => {
                if let Ok((tcp, _)) = accepted {
                    answering.spawn(answer_draining(tcp));
                }
            }
        }
    }
    // Closing the listener resets every connection still in its backlog, so first answer
    // what is queued, until none has arrived for a moment (clients told 503 back off).
    let quiet = Duration::from_millis(100);
    let linger_until = tokio::time::Instant::now() + Duration::from_secs(2);
    while let Ok(Ok((tcp, _))) = tokio::time::timeout_at(
        (tokio::time::Instant::now() + quiet).min(linger_until),
        listener.accept(),
    )
    .await
    {
        answering.spawn(answer_draining(tcp));
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while answering.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// A handler that panicked answers 500 with the shared error shape, and the server stays
/// up (reads of a damaged store are already named errors; this is the last line).
fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    tracing::error!("a handler panicked: {message}");
    axum::response::IntoResponse::into_response(error::ApiError::internal(format!(
        "the request failed inside the server: {message}"
    )))
}

/// During the drain every answer closes its connection, so that connections end as
/// their requests do.
async fn close_when_draining(
    State(state): State<Shared>,
    mut response: axum::response::Response,
) -> axum::response::Response {
    if state.shutting_down() {
        response.headers_mut().insert(
            axum::http::header::CONNECTION,
            axum::http::HeaderValue::from_static("close"),
        );
    }
    response
}

/// Answers every request of a connection accepted during the drain with 503, closing it.
async fn answer_draining(tcp: tokio::net::TcpStream) {
    let service = hyper::service::service_fn(|_request| async {
        let body = serde_json::json!({"error": {
            "code": "shutting_down",
            "message": "the log is shutting down; nothing was stored; retry later"}});
        axum::http::Response::builder()
            .status(axum::http::StatusCode::SERVICE_UNAVAILABLE)
            .header(axum::http::header::CONTENT_TYPE, "application/json")
            .header(axum::http::header::RETRY_AFTER, "5")
            .header(axum::http::header::CONNECTION, "close")
            .body(axum::body::Body::from(body.to_string()))
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(false)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(2))
        .serve_connection(hyper_util::rt::TokioIo::new(tcp), service);
    let _ = connection.await;
}

/// Resolves on SIGINT or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Installs the tracing subscriber (`RUST_LOG` filters; default `info`).
pub fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

/// Runs a server on its own runtime until SIGINT/SIGTERM: binds `listen`, calls
/// `on_ready` with the bound address, serves, then drains the writer so that every
/// accepted submission is committed (or was refused) before returning.
pub fn run(
    ledger: Arc<Ledger>,
    listen: &str,
    config: Config,
    on_ready: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("suyuan-http")
        .build()?;
    let listener = rt.block_on(tokio::net::TcpListener::bind(listen));
    let listener = listener.map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let mut config = config;
    let public = config.public_base.get_or_insert_with(|| {
        // Without a configured public URL, the address served: never a client's Host
        // header, which anyone can set and which would then be printed in QR codes.
        let host = if addr.ip().is_unspecified() {
            tracing::warn!("no --public-url: QR codes and links name localhost; set it to the URL phones reach");
            format!("localhost:{}", addr.port())
        } else {
            addr.to_string()
        };
        format!("http://{host}")
    });
    tracing::info!(%addr, public = %public, "listening");
    let (state, writer_thread) = state(ledger, config);
    warm_cache(&state);
    let result = rt.block_on(async {
        on_ready(addr);
        serve(listener, state, signal()).await?;
        anyhow::Ok(())
    });
    // Dropping the runtime cancels any request still waiting; the writer finishes the
    // group it is committing and exits once its queue is empty and every sender is gone.
    rt.shutdown_timeout(Duration::from_secs(5));
    let _ = writer_thread.join();
    tracing::info!("stopped");
    result
}
