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
pub mod resolver;
pub mod submit;
pub mod wire;
pub mod writer;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use axum::Router;
use std::future::{Future, IntoFuture};
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
    /// Base URL that QR codes and links use (e.g. `https://trace.example.com`); when
    /// unset, `http://` and the request's Host header.
    pub public_base: Option<String>,
    /// How long a graceful shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            event_body_limit: 256 * 1024,
            batch_body_limit: 16 * 1024 * 1024,
            max_batch_events: 1000,
            public_base: std::env::var("SUYUAN_PUBLIC_URL").ok(),
            shutdown_grace: Duration::from_secs(20),
        }
    }
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
    let event_limit = state.config.event_body_limit;
    let batch_limit = state.config.batch_body_limit;
    Router::new()
        .route(
            "/v1/events",
            post(submit::submit_event).layer(DefaultBodyLimit::max(event_limit)),
        )
        .route(
            "/v1/events/batch",
            post(submit::submit_batch).layer(DefaultBodyLimit::max(batch_limit)),
        )
        .route("/v1/history/{*item}", get(read::history))
        .route("/v1/bundle/{*item}", get(read::bundle))
        .route("/v1/entries/{seq}", get(read::entry_by_seq))
        .route("/v1/entries/by-hash/{hash}", get(read::entry_by_hash))
        .route("/v1/proofs/inclusion", get(read::inclusion_proof))
        .route("/v1/proofs/consistency", get(read::consistency_proof))
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

/// Serves until `shutdown` resolves, then stops accepting, refuses new submissions with
/// 503, and waits (up to the configured grace) for in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Shared,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state.clone());
    let grace = state.config.shutdown_grace;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let st = state.clone();
    // Responses go out as soon as they are written: with Nagle's algorithm on, the tail of
    // a multi-segment response waits for the client's delayed ACK (40 ms on Linux).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("cannot set TCP_NODELAY: {e}");
        }
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        st.begin_shutdown();
        tracing::info!("shutting down: no new connections; refusing new submissions");
        let _ = tx.send(());
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        r = &mut server => r,
        _ = async {
            let _ = rx.await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("in-flight requests did not finish within {grace:?}; closing");
            Ok(())
        }
    }
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
    let (state, writer_thread) = state(ledger, config);
    warm_cache(&state);
    let result = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "listening");
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
