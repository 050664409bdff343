//! The OpenAPI document, generated from the handlers' annotations and the wire types.

use axum::Json;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    modifiers(&EveryRoute),
    info(title = "Suyuan 溯源 API", description = "Submit signed traceability events; read item histories with Merkle proofs; resolve GS1 Digital Link URIs."),
    paths(
        crate::submit::submit_event,
        crate::submit::submit_batch,
        crate::read::history,
        crate::read::bundle,
        crate::read::entry_by_seq,
        crate::read::entry_by_hash,
        crate::read::inclusion_proof,
        crate::read::head_proof,
        crate::trace::trace_route,
        crate::trace::recall_scope,
        crate::regulator::export_route,
        crate::read::consistency_proof,
        crate::read::checkpoint,
        crate::read::checkpoint_json,
        crate::read::actors,
        crate::read::actor,
        crate::read::document,
        crate::resolver::resolve,
        crate::metrics::healthz,
        crate::metrics::readyz,
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

/// The statuses any route can answer, whatever its handler does: 408 when the request
/// is not in within the request timeout, 500 when the store fails or names itself
/// damaged (a damaged index is reported, never served). Added to every operation.
struct EveryRoute;

impl Modify for EveryRoute {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        let common = [
            ("408", error("The request did not arrive within the request timeout; nothing stored")),
            ("500", error("The store failed or found itself damaged (the message says which); nothing stored, nothing wrong served")),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations: [&mut Option<Operation>; 3] =
                [&mut item.get, &mut item.post, &mut item.head];
            for op in operations.into_iter().flatten() {
                for (status, response) in &common {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| response.clone().into());
                }
            }
        }
    }
}

/// `GET /openapi.json`.
pub async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
