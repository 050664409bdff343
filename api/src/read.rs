//! Reading and proving: histories with inclusion proofs, entries, proofs, checkpoints,
//! actors, documents and evidence bundles. Every answer comes from one read snapshot.

use crate::error::ApiError;
use crate::wire::*;
use crate::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use suyuan_core::history::{history as build_history, HistoryError};
use suyuan_core::storage::LogReader;
use suyuan_format::checkpoint::{Checkpoint, LogKey};
use suyuan_format::encoding::{b64, Digest};
use suyuan_format::entry::EntryView;
use suyuan_store::Ledger;
use suyuan_store::Reader;

/// Runs a read against the ledger, on the async worker itself. Reads are short (a
/// history with its proofs is about 0.2 ms of CPU, its pages in redb's cache or the OS
/// page cache); handing them to the blocking pool cost more in thread wake-ups and
/// context switches than the read (0.35 → 0.19 ms of server CPU per history together
/// with the read-path changes beside it).
pub fn read_ledger<T>(
    state: &Shared,
    f: impl FnOnce(&Ledger) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    f(&state.ledger)
}

/// Runs a long read (a trace, a recall scope, a regulator's export: seconds for a lot
/// that reached 100,000 parcels) on the blocking pool, so the async workers keep
/// answering histories and scans meanwhile.
pub async fn read_ledger_long<T: Send + 'static>(
    state: &Shared,
    f: impl FnOnce(&Ledger) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state.ledger))
        .await
        .map_err(|e| ApiError::internal(format!("a long read stopped: {e}")))?
}

/// The raw (still percent-encoded) tail of the request path after `prefix`.
pub fn raw_tail<'a>(uri: &'a Uri, prefix: &str) -> &'a str {
    uri.path().strip_prefix(prefix).unwrap_or("")
}

pub fn history_error(e: HistoryError) -> ApiError {
    match e {
        HistoryError::BadItem(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_item", e.to_string())
        }
        HistoryError::Unknown(item) => {
            ApiError::not_found("unknown_item", format!("item {item} is not in the log"))
        }
        HistoryError::Store(e) => e.into(),
    }
}

fn hexes(proof: Vec<Digest>) -> Vec<HexHash> {
    proof.into_iter().map(HexHash).collect()
}

fn entry_text(seq: u64, bytes: Vec<u8>) -> Result<String, ApiError> {
    String::from_utf8(bytes).map_err(|_| ApiError::internal(format!("entry {seq} is not UTF-8")))
}

/// An item's history with each entry's inclusion proof to the latest checkpoint.
pub fn history_body(reader: &Reader, item: &str) -> Result<HistoryBody, ApiError> {
    let h = build_history(reader, item).map_err(history_error)?;
    let (size, note) = reader.latest_checkpoint_note()?;
    let mut entries = Vec::with_capacity(h.entries.len());
    for e in h.entries {
        let proof = reader.inclusion_proof(e.seq, size)?;
        entries.push(HistoryEntryBody {
            seq: e.seq,
            recorded: e.recorded,
            entry_hash: e.entry_hash.to_hex(),
            event_id: e.event_id.to_hex(),
            via: e.via.describe(),
            corrected_by: e.corrected_by,
            signature: b64(&e.signature),
            event: e.event,
            entry: entry_text(e.seq, e.bytes)?,
            proof: hexes(proof),
        });
    }
    Ok(HistoryBody {
        item: h.item,
        chains: h.chains,
        entries,
        checkpoint: CheckpointRef { size, note },
    })
}

/// An item's history (as `suyuan history` shows it) with proofs and the checkpoint.
#[utoipa::path(get, path = "/v1/history/{item}", tag = "read",
    params(("item" = String, Path, description = "Digital Link path, e.g. 01/04719865001270/10/AL2604Q1/21/00001")),
    responses((status = 200, body = HistoryBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn history(State(state): State<Shared>, uri: Uri) -> Result<Response, ApiError> {
    let item = raw_tail(&uri, "/v1/history/").to_string();
    let body = read_ledger(&state, move |ledger| history_body(&ledger.read()?, &item))?;
    // About 3 KB an entry (its bytes escaped, its event, its proof): written into one
    // buffer of that size rather than one that doubles its way there.
    let mut buf = Vec::with_capacity(1024 + 4096 * body.entries.len());
    crate::fast_json::write_history(&body, &mut buf);
    Ok(([(header::CONTENT_TYPE, "application/json")], buf).into_response())
}

/// An item's evidence bundle, for `suyuan verify --bundle` or `--server` and the page.
#[utoipa::path(get, path = "/v1/bundle/{item}", tag = "read",
    params(("item" = String, Path, description = "Digital Link path")),
    responses((status = 200, body = BundleBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn bundle(State(state): State<Shared>, uri: Uri) -> Result<Response, ApiError> {
    let item = raw_tail(&uri, "/v1/bundle/").to_string();
    let v = read_ledger(&state, move |ledger| {
        suyuan_core::bundle::create(&ledger.read()?, &item).map_err(history_error)
    })?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(v)).into_response())
}

fn entry_body(seq: u64, bytes: Vec<u8>) -> Result<EntryBody, ApiError> {
    let view = EntryView::parse_stored(&bytes)
        .map_err(|e| ApiError::internal(format!("entry {seq}: {e}")))?;
    let (hash, leaf) = (view.hash().to_hex(), view.leaf_hash().to_hex());
    let (recorded, event_id, signature) = (
        view.recorded.clone(),
        view.event_id.to_hex(),
        b64(&view.signature),
    );
    let event = view.event;
    Ok(EntryBody {
        seq,
        entry: entry_text(seq, bytes)?,
        entry_hash: hash,
        leaf_hash: leaf,
        recorded,
        event_id,
        event,
        signature,
    })
}

/// An entry by sequence number.
#[utoipa::path(get, path = "/v1/entries/{seq}", tag = "read",
    params(("seq" = u64, Path, description = "Sequence number")),
    responses((status = 200, body = EntryBody), (status = 404, body = ErrorBody)))]
pub async fn entry_by_seq(
    State(state): State<Shared>,
    Path(seq): Path<String>,
) -> Result<Json<EntryBody>, ApiError> {
    let seq: u64 = seq.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{seq:?} is not a sequence number"),
        )
    })?;
    read_ledger(&state, move |ledger| {
        let bytes = ledger
            .entry(seq)?
            .ok_or_else(|| ApiError::not_found("unknown_entry", format!("no entry {seq}")))?;
        entry_body(seq, bytes)
    })
    .map(Json)
}

/// An entry by its entry hash (BLAKE3, hex).
#[utoipa::path(get, path = "/v1/entries/by-hash/{hash}", tag = "read",
    params(("hash" = String, Path, description = "Entry hash, 64 hex digits")),
    responses((status = 200, body = EntryBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn entry_by_hash(
    State(state): State<Shared>,
    Path(hash): Path<String>,
) -> Result<Json<EntryBody>, ApiError> {
    let digest = Digest::from_hex(&hash).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "an entry hash is 64 hex digits",
        )
    })?;
    read_ledger(&state, move |ledger| {
        let seq = ledger.seq_by_entry_hash(&digest)?.ok_or_else(|| {
            ApiError::not_found("unknown_entry", format!("no entry with hash {hash}"))
        })?;
        let bytes = ledger
            .entry(seq)?
            .ok_or_else(|| ApiError::internal(format!("entry {seq} missing")))?;
        entry_body(seq, bytes)
    })
    .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The entry's sequence number (or give `hash`).
    pub seq: Option<u64>,
    /// The entry's hash (hex), instead of `seq`.
    pub hash: Option<String>,
    /// Tree size to prove to (default: the latest checkpoint).
    pub size: Option<u64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct HeadQuery {
    /// `chain` (an item path, or `actor:ID`) or `document` (`order:NO` …).
    pub index: String,
    /// The chain or document key.
    pub key: String,
}

/// The head of a chain's or document's posting list (how many entries, the newest), or
/// its absence, proven against the head map root of the latest checkpoint
/// (docs/FORMAT.md §5.1): how a verifier knows it was shown every entry of a chain, or
/// that an item the log does not know really has no entries.
#[utoipa::path(get, path = "/v1/proofs/head", tag = "prove", params(HeadQuery),
    responses((status = 200, body = HeadProofBody), (status = 400, body = ErrorBody)))]
pub async fn head_proof(
    State(state): State<Shared>,
    q: Result<Query<HeadQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<HeadProofBody>, ApiError> {
    let q = query(q)?;
    let index = suyuan_format::heads::HeadIndex::parse(&q.index).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("index is {:?}: chain or document", q.index),
        )
    })?;
    read_ledger(&state, move |ledger| {
        let reader = ledger.read()?;
        let (_, checkpoint) = reader.latest_checkpoint_note()?;
        let proof = reader.head_proof(index, &q.key)?;
        Ok(Json(HeadProofBody {
            checkpoint,
            head: suyuan_format::bundle::ProvenHead::new(index, &q.key, &proof),
        }))
    })
}

/// A query string as its handler takes it, or 400 naming what is wrong with it.
pub fn query<T>(
    q: Result<Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request(e.body_text()))
}

/// RFC 9162 inclusion proof of an entry in the tree of a given size.
#[utoipa::path(get, path = "/v1/proofs/inclusion", tag = "prove", params(InclusionQuery),
    responses((status = 200, body = InclusionProofBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn inclusion_proof(
    State(state): State<Shared>,
    q: Result<Query<InclusionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<InclusionProofBody>, ApiError> {
    let q = query(q)?;
    read_ledger(&state, move |ledger| {
        let reader = ledger.read()?;
        let seq = match (q.seq, &q.hash) {
            (Some(s), None) => s,
            (None, Some(h)) => {
                let d = Digest::from_hex(h).ok_or_else(|| {
                    ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        "hash is 64 hex digits",
                    )
                })?;
                reader.seq_by_entry_hash(&d)?.ok_or_else(|| {
                    ApiError::not_found("unknown_entry", format!("no entry with hash {h}"))
                })?
            }
            _ => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "give exactly one of seq or hash",
                ))
            }
        };
        let (latest, note) = reader.latest_checkpoint_note()?;
        let size = q.size.unwrap_or(latest);
        if seq >= size || size > reader.size() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!(
                    "no leaf {seq} in a tree of size {size} (the log has {} entries)",
                    reader.size()
                ),
            ));
        }
        let bytes = reader
            .entry(seq)?
            .ok_or_else(|| ApiError::internal(format!("entry {seq} missing")))?;
        let proof = reader.inclusion_proof(seq, size)?;
        Ok(InclusionProofBody {
            seq,
            size,
            leaf_hash: suyuan_format::hash::leaf_hash(&bytes).to_hex(),
            proof: hexes(proof),
            checkpoint: (size == latest).then_some(note),
        })
    })
    .map(Json)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    pub first: u64,
    /// Default: the latest checkpoint's size.
    pub second: Option<u64>,
}

/// RFC 9162 consistency proof between two tree sizes.
#[utoipa::path(get, path = "/v1/proofs/consistency", tag = "prove", params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyProofBody), (status = 400, body = ErrorBody)))]
pub async fn consistency_proof(
    State(state): State<Shared>,
    q: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ConsistencyProofBody>, ApiError> {
    let q = query(q)?;
    read_ledger(&state, move |ledger| {
        let reader = ledger.read()?;
        let (latest, _) = reader.latest_checkpoint_note()?;
        let second = q.second.unwrap_or(latest);
        if q.first > second || second > reader.size() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!(
                    "no consistency proof from {} to {second} (the log has {} entries)",
                    q.first,
                    reader.size()
                ),
            ));
        }
        let proof = reader.consistency_proof(q.first, second)?;
        Ok(ConsistencyProofBody {
            first: q.first,
            second,
            proof: hexes(proof),
        })
    })
    .map(Json)
}

async fn latest(state: &Shared) -> Result<Checkpoint, ApiError> {
    read_ledger(state, |ledger| Ok(ledger.latest_checkpoint()?))
}

fn checkpoint_body(state: &Shared, cp: Checkpoint) -> CheckpointBody {
    CheckpointBody {
        origin: cp.origin,
        size: cp.size,
        root: cp.root.to_hex(),
        note: cp.note,
        verifier_key: state.ledger.verifier_key(),
        log_public_key: state.ledger.log_public_key().to_string(),
    }
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json"))
}

/// The latest checkpoint: C2SP signed note as `text/plain`, or JSON when asked for.
#[utoipa::path(get, path = "/v1/checkpoint", tag = "prove",
    responses((status = 200, description = "C2SP tlog-checkpoint signed note", content_type = "text/plain", body = String),
              (status = 200, description = "with Accept: application/json", content_type = "application/json", body = CheckpointBody)))]
pub async fn checkpoint(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let cp = latest(&state).await?;
    if wants_json(&headers) {
        return Ok(Json(checkpoint_body(&state, cp)).into_response());
    }
    Ok(note_response(cp.note))
}

fn note_response(note: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        note,
    )
        .into_response()
}

/// The latest checkpoint as C2SP text (the tlog-tiles `/checkpoint` path).
pub async fn checkpoint_text(State(state): State<Shared>) -> Result<Response, ApiError> {
    Ok(note_response(latest(&state).await?.note))
}

/// The latest checkpoint as JSON, with the log's keys.
#[utoipa::path(get, path = "/v1/checkpoint.json", tag = "prove",
    responses((status = 200, body = CheckpointBody)))]
pub async fn checkpoint_json(
    State(state): State<Shared>,
) -> Result<Json<CheckpointBody>, ApiError> {
    let cp = latest(&state).await?;
    Ok(Json(checkpoint_body(&state, cp)))
}

/// Every registered actor with roles and keys.
#[utoipa::path(get, path = "/v1/actors", tag = "read", responses((status = 200, body = Vec<ActorBody>)))]
pub async fn actors(State(state): State<Shared>) -> Json<Vec<ActorBody>> {
    let registry = state.ledger.registry();
    let mut out: Vec<ActorBody> = registry.actors().map(ActorBody::from).collect();
    out.sort_by_key(|a| a.registered_seq);
    Json(out)
}

/// One actor with roles and keys.
#[utoipa::path(get, path = "/v1/actors/{id}", tag = "read",
    params(("id" = String, Path, description = "Actor id")),
    responses((status = 200, body = ActorBody), (status = 404, body = ErrorBody)))]
pub async fn actor(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<ActorBody>, ApiError> {
    let registry = state.ledger.registry();
    registry
        .actor(&id)
        .map(|a| Json(ActorBody::from(a)))
        .ok_or_else(|| {
            ApiError::not_found("unknown_actor", format!("actor {id} is not registered"))
        })
}

/// Entries naming a business document: `order`, `payment`, `waybill` or `declaration`.
#[utoipa::path(get, path = "/v1/documents/{kind}/{number}", tag = "read",
    params(("kind" = String, Path, description = "order, payment, waybill or declaration"),
           ("number" = String, Path, description = "Document number")),
    responses((status = 200, body = DocumentBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn document(
    State(state): State<Shared>,
    Path((kind, number)): Path<(String, String)>,
) -> Result<Json<DocumentBody>, ApiError> {
    let Some(doc_kind) = suyuan_format::event::DocKind::parse(&kind) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("{kind:?} is not a document kind (order, payment, waybill, declaration)"),
        ));
    };
    read_ledger(&state, move |ledger| {
        let reader = ledger.read()?;
        let seqs = reader.document(&doc_kind.key(&number))?;
        if seqs.is_empty() {
            return Err(ApiError::not_found(
                "unknown_document",
                format!("no entry names {kind} {number}"),
            ));
        }
        let mut entries = Vec::with_capacity(seqs.len());
        for seq in seqs {
            let bytes = reader
                .entry(seq)?
                .ok_or_else(|| ApiError::internal(format!("entry {seq} missing")))?;
            entries.push(entry_body(seq, bytes)?);
        }
        Ok(DocumentBody {
            kind,
            number,
            entries,
        })
    })
    .map(Json)
}

/// The log key as the page and verifiers pin it.
pub fn log_key(ledger: &Ledger) -> LogKey {
    LogKey {
        name: Some(ledger.origin().to_string()),
        key: ledger.log_public_key(),
    }
}
