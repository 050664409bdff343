//! `suyuan`: the command-line face of the Suyuan ledger.

mod commands;
mod cpu_probe;
mod load;
mod progress;
mod scenario;
mod workload;

use clap::{Parser, Subcommand};

/// The ledger allocates many small JSON values per entry; mimalloc keeps that cheap on
/// every core.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "suyuan",
    version,
    about = "Suyuan (溯源): a signed, Merkle-committed product-traceability ledger"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate an ed25519 key file; prints the public key.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Create a new log in DIR; prints the log public key.
    Init {
        #[arg(long)]
        data: PathBuf,
        /// Log origin (checkpoint first line and signed-note key name).
        #[arg(long)]
        origin: Option<String>,
        /// Key file of the registrar named by the genesis entry (default: a new DIR/registrar.key).
        #[arg(long)]
        registrar_key: Option<PathBuf>,
        #[arg(long, default_value = "registrar")]
        registrar_id: String,
        #[arg(long, default_value = "Suyuan registrar")]
        registrar_name: String,
        #[arg(long, default_value = "CN")]
        jurisdiction: String,
    },
    /// Load a scenario (fixtures/scenario by default) into DIR, creating the log if needed.
    Seed {
        #[arg(long)]
        data: PathBuf,
        scenario: Option<PathBuf>,
    },
    /// Sign event files with KEYFILE and append them; prints one receipt per event.
    Submit {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        key: PathBuf,
        /// Commit in groups of this many events, printing each group's receipts once
        /// it is durable (default: all in one group).
        #[arg(long)]
        group: Option<usize>,
        #[arg(required = true)]
        events: Vec<PathBuf>,
    },
    /// Print an item's history, oldest first.
    History {
        #[arg(long)]
        data: PathBuf,
        /// Digital Link path, e.g. 01/04712345678903/10/LOT1/21/0001
        item: String,
        #[arg(long)]
        json: bool,
    },
    /// Where a lot, unit, parcel, product or order went (--forward, the default) or came
    /// from (--backward): nodes and the edges between them, each edge naming the entry
    /// that makes it (docs/FORMAT.md §11).
    Trace {
        /// A GS1 Digital Link path or URL (01/GTIN[/10/LOT[/21/SERIAL]], 00/SSCC), or a
        /// document key (order:NO, waybill:NO, declaration:NO, payment:NO).
        key: String,
        #[arg(long, conflicts_with = "backward")]
        forward: bool,
        #[arg(long)]
        backward: bool,
        /// The answer as JSON: nodes, edges and each edge's entry with its inclusion proof.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// One row per edge.
        #[arg(long)]
        csv: bool,
        #[arg(long, required_unless_present = "server", conflicts_with = "server")]
        data: Option<PathBuf>,
        /// A running server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        server: Option<String>,
        /// Skip this many edges (the `next` of the previous page).
        #[arg(long, default_value_t = 0)]
        after: usize,
        /// At most this many edges (default and most: 10,000).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// A recall's forward scope: units and parcels by state, the parcels customs must hold,
    /// the orders whose buyers must be told, and what the log cannot place.
    RecallScope {
        /// The recalled lot (or any trace key).
        key: String,
        #[arg(long)]
        json: bool,
        #[arg(long, required_unless_present = "server", conflicts_with = "server")]
        data: Option<PathBuf>,
        #[arg(long)]
        server: Option<String>,
    },
    /// Export the whole log (JSON Lines), one item's evidence bundle with --item, or with
    /// --regulator the FSMA 204 sortable spreadsheet (one row per critical tracking event
    /// and lot) of a lot or product (--item), or of every lot, within --from/--to.
    Export {
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        item: Option<String>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        regulator: bool,
        /// First day, YYYY-MM-DD (with --regulator).
        #[arg(long, requires = "regulator")]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (with --regulator).
        #[arg(long, requires = "regulator")]
        to: Option<String>,
        /// csv or xlsx (with --regulator; default: by --out's extension).
        #[arg(long, requires = "regulator")]
        format: Option<String>,
        /// Header language: en, zh or both (with --regulator).
        #[arg(long, requires = "regulator", default_value = "both")]
        headers: String,
    },
    /// Rebuild the derived tables (indexes, actor records) of DIR from its entries, which
    /// are the truth: the repair when `verify --data` names differences in derived tables.
    /// Run it while no server uses DIR.
    Reindex {
        #[arg(long)]
        data: PathBuf,
    },
    /// Audit a data directory, an export or an evidence bundle. Exit 0: verified; 1: any
    /// verification failure (named); 2: usage only.
    Verify {
        /// Fetch an item's evidence from a running server (with --item and --log-key).
        #[arg(long, conflicts_with_all = ["data", "export", "bundle"])]
        server: Option<String>,
        #[arg(long, requires = "server")]
        item: Option<String>,
        #[arg(long, conflicts_with_all = ["export", "bundle"])]
        data: Option<PathBuf>,
        #[arg(long, conflicts_with = "bundle")]
        export: Option<PathBuf>,
        #[arg(long)]
        bundle: Option<PathBuf>,
        /// A trace answer (`suyuan trace --json`, `GET /v1/trace`): its checkpoint, every
        /// entry's signature and inclusion, and every edge against its entry.
        #[arg(long, conflicts_with_all = ["data", "export", "bundle"])]
        trace: Option<PathBuf>,
        /// The log's public key: `ed25519:<base64>` or a C2SP verifier key.
        #[arg(long)]
        log_key: Option<String>,
    },
    /// Serve the log over HTTP (creates the store if needed).
    Serve {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Page cache in MiB, filled in the background at start; size it to the store
        /// file (or to the memory you can give) so that random reads are cached.
        #[arg(long, default_value_t = 4096)]
        cache_mb: usize,
        /// Connections served at once; more clients wait in the listen backlog.
        #[arg(long, default_value_t = 1024)]
        max_connections: usize,
        /// Seconds a client may take to send a request's headers before its connection
        /// is closed (a slow or half-open client cannot hold the server).
        #[arg(long, default_value_t = 10.0)]
        header_timeout: f64,
        /// Seconds a whole request may take, body included, before it is answered 408.
        #[arg(long, default_value_t = 30.0)]
        request_timeout: f64,
        /// The URL phones reach the server at (https://trace.example.com), which QR codes
        /// and links name; default: http:// and the address served.
        #[arg(long, env = "SUYUAN_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Create and seed a demo store if none exists, serve it, and print consumer URLs.
    Demo {
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// As for `serve`.
        #[arg(long, env = "SUYUAN_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// Write the QR code (SVG or PNG, by extension) encoding an item's Digital Link URI.
    Qr {
        item: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base: String,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Group-commit ingest and full audit of N fixture-shaped events.
    Ingest {
        #[arg(long, default_value_t = 200_000)]
        events: usize,
        /// Events per durable group commit (what a busy server gathers per commit).
        #[arg(long, default_value_t = 4096)]
        group: usize,
        /// Where to build the store (default: a temporary directory).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Forward trace and recall scope of one lot that reached --parcels parcels, in a
    /// store of --entries entries; an item's history beside them.
    Trace {
        #[arg(long, default_value_t = 1_000_000)]
        entries: usize,
        #[arg(long, default_value_t = 100_000)]
        parcels: usize,
        /// Where to keep the store (default: a temporary directory); reused if there.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// HTTP ingest and consumer-history reads against a local server.
    Serve {
        #[arg(long, default_value_t = 1_000_000)]
        entries: usize,
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// History reads measured (after a warm-up of 2,000).
        #[arg(long, default_value_t = 25_000)]
        reads: usize,
        /// Where to keep the store (default: a temporary directory). A store left there
        /// by an earlier `bench serve` is reused rather than rebuilt.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// mimalloc's `mi_option_purge_delay` (index 15 in both its v2 and v3 mimalloc.h); the
/// Rust bindings do not name it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Keep freed memory instead of returning it to the OS after 10 ms: the auditor and the
    // group-commit path free and reallocate megabytes per chunk, and re-faulting those
    // pages cost a sixth of an audit.
    // SAFETY: sets a process-wide allocator option; no allocation is in flight.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    // The store turns its engine's panics on a damaged file into named errors; those
    // need no backtrace. Every other panic is reported as usual.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !suyuan_store::panic_is_guarded() {
            report(info)
        }
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen { out } => commands::keygen::run(&out),
        Command::Init {
            data,
            origin,
            registrar_key,
            registrar_id,
            registrar_name,
            jurisdiction,
        } => commands::init::run(
            &data,
            origin.as_deref(),
            registrar_key.as_deref(),
            &registrar_id,
            &registrar_name,
            &jurisdiction,
        ),
        Command::Seed { data, scenario } => commands::seed::run(&data, scenario.as_deref()),
        Command::Submit {
            data,
            key,
            group,
            events,
        } => commands::submit::run(&data, &key, &events, group.unwrap_or(events.len())),
        Command::History { data, item, json } => commands::history::run(&data, &item, json),
        Command::Export {
            data,
            item,
            out,
            regulator: true,
            from,
            to,
            format,
            headers,
        } => commands::export::run_regulator(
            &data,
            commands::export::RegulatorArgs {
                key: item.as_deref(),
                from: from.as_deref(),
                to: to.as_deref(),
                format: format.as_deref(),
                headers: &headers,
            },
            &out,
        ),
        Command::Export {
            data, item, out, ..
        } => commands::export::run(&data, item.as_deref(), &out),
        Command::Reindex { data } => commands::reindex::run(&data),
        Command::Trace {
            key,
            forward: _,
            backward,
            json,
            csv,
            data,
            server,
            after,
            limit,
        } => {
            use commands::trace::{Output, Source};
            let source = Source::of(data.as_deref(), server.as_deref());
            let direction = if backward {
                suyuan_core::trace::Direction::Backward
            } else {
                suyuan_core::trace::Direction::Forward
            };
            let output = match (json, csv) {
                (true, _) => Output::Json,
                (_, true) => Output::Csv,
                _ => Output::Text,
            };
            commands::trace::run(source, &key, direction, output, after, limit)
        }
        Command::RecallScope {
            key,
            json,
            data,
            server,
        } => {
            let source = commands::trace::Source::of(data.as_deref(), server.as_deref());
            commands::trace::run_scope(source, &key, json)
        }
        Command::Verify {
            server,
            item,
            data,
            export,
            bundle,
            trace,
            log_key,
        } => {
            if let Some(server) = server {
                return commands::verify::run_server(&server, item.as_deref(), log_key.as_deref());
            }
            return commands::verify::run(
                data.as_deref(),
                export.as_deref(),
                bundle.as_deref(),
                trace.as_deref(),
                log_key.as_deref(),
            );
        }
        Command::Serve {
            data,
            listen,
            cache_mb,
            max_connections,
            header_timeout,
            request_timeout,
            public_url,
        } => commands::serve::limits(max_connections, header_timeout, request_timeout)
            .and_then(|config| commands::serve::with_public_url(config, public_url.as_deref()))
            .and_then(|config| match cache_mb.checked_mul(1 << 20) {
                Some(bytes) => commands::serve::serve(&data, &listen, bytes, config),
                None => Err(anyhow::anyhow!("--cache-mb {cache_mb} is too large")),
            }),
        Command::Demo {
            data,
            listen,
            public_url,
        } => commands::serve::with_public_url(suyuan_api::Config::default(), public_url.as_deref())
            .and_then(|config| commands::serve::demo(data.as_deref(), &listen, config)),
        Command::Qr { item, out, base } => commands::qr::run(&item, &out, &base),
        Command::Bench {
            what: BenchCommand::Ingest { events, group, dir },
        } => commands::bench::ingest(events, group, dir.as_deref()),
        Command::Bench {
            what:
                BenchCommand::Serve {
                    entries,
                    clients,
                    reads,
                    dir,
                },
        } => commands::bench_serve::run(entries, clients, reads, dir.as_deref()),
        Command::Bench {
            what:
                BenchCommand::Trace {
                    entries,
                    parcels,
                    dir,
                },
        } => commands::bench_trace::run(entries, parcels, dir.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            // A damaged store is a failure of what was read (1), not of the command (2).
            if is_damage(&e) {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

/// Whether an error says a store is damaged.
fn is_damage(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<suyuan_store::StoreError>(),
            Some(suyuan_store::StoreError::Corrupt(_))
        ) || matches!(
            cause.downcast_ref::<suyuan_core::storage::StorageError>(),
            Some(suyuan_core::storage::StorageError::Corrupt(_))
        ) || matches!(
            cause.downcast_ref::<suyuan_store::LedgerError>(),
            Some(suyuan_store::LedgerError::Store(
                suyuan_store::StoreError::Corrupt(_)
            ))
        ) || matches!(
            cause.downcast_ref::<suyuan_core::history::HistoryError>(),
            Some(suyuan_core::history::HistoryError::Store(
                suyuan_core::storage::StorageError::Corrupt(_)
            ))
        )
    })
}
