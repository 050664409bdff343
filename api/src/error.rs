//! API errors: `{"error": {"code", "message", "field"?}}` with a fitting status.

use crate::wire::{ErrorBody, ErrorDetail};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use suyuan_core::admission::Refusal;
use suyuan_format::event::ValidationError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
        }
    }
    pub fn with_field(mut self, field: impl Into<String>) -> ApiError {
        self.field = Some(field.into());
        self
    }
    pub fn malformed(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, "malformed", message)
    }
    /// 400 `bad_request`: a malformed query or path, the message naming what is wrong.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
    pub fn not_found(code: &str, message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
    pub fn shutting_down() -> ApiError {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the log is shutting down; nothing was stored; retry later",
        )
    }
    pub fn invalid(e: &ValidationError) -> ApiError {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string())
            .with_field(e.field.clone())
    }

    pub fn detail(&self) -> ErrorDetail {
        ErrorDetail {
            code: self.code.clone(),
            message: self.message.clone(),
            field: self.field.clone(),
        }
    }
}

/// The HTTP status of a ledger refusal.
pub fn refusal_status(r: &Refusal) -> StatusCode {
    match r.code() {
        "bad_signature" => StatusCode::UNAUTHORIZED,
        "unknown_actor" | "key_not_registered" | "key_revoked" | "wrong_role" | "not_buyer" => {
            StatusCode::FORBIDDEN
        }
        "client_id_reused" => StatusCode::CONFLICT,
        "too_large" => StatusCode::PAYLOAD_TOO_LARGE,
        "malformed" => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<&Refusal> for ApiError {
    fn from(r: &Refusal) -> ApiError {
        ApiError {
            status: refusal_status(r),
            code: r.code().into(),
            message: r.to_string(),
            field: r.field().map(String::from),
        }
    }
}

impl From<suyuan_store::StoreError> for ApiError {
    fn from(e: suyuan_store::StoreError) -> ApiError {
        tracing::error!(error = %e, "store error");
        ApiError::internal(format!("storage error: {e}"))
    }
}

impl From<suyuan_core::storage::StorageError> for ApiError {
    fn from(e: suyuan_core::storage::StorageError) -> ApiError {
        tracing::error!(error = %e, "store error");
        ApiError::internal(format!("storage error: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.detail(),
            }),
        )
            .into_response();
        // Unavailable for now (draining, or the disk is full): say when to come back.
        if self.status == StatusCode::SERVICE_UNAVAILABLE
            || self.status == StatusCode::INSUFFICIENT_STORAGE
        {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}
