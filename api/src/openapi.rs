//! The OpenAPI document, generated from the handlers' annotations and the wire types.

use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Suyuan 溯源 API", description = "Submit signed traceability events; read item histories with Merkle proofs; resolve GS1 Digital Link URIs."),
    paths(
        crate::submit::submit_event,
        crate::submit::submit_batch,
        crate::read::history,
        crate::read::bundle,
        crate::read::entry_by_seq,
        crate::read::entry_by_hash,
        crate::read::inclusion_proof,
        crate::read::consistency_proof,
        crate::read::checkpoint,
        crate::read::checkpoint_json,
        crate::read::actors,
        crate::read::actor,
        crate::read::document,
        crate::resolver::resolve,
        crate::metrics::healthz,
        crate::metrics::metrics,
    ),
    tags(
        (name = "submit", description = "Signed events in; receipts out once durable, each proving its entry into a signed checkpoint"),
        (name = "read", description = "Histories, entries, actors, documents, evidence bundles"),
        (name = "prove", description = "Checkpoints and RFC 9162 proofs"),
        (name = "resolver", description = "GS1 Digital Link resolver and consumer page"),
        (name = "operations", description = "Health and metrics"),
    )
)]
pub struct ApiDoc;

/// `GET /openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
