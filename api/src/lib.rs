//! The Suyuan HTTP service (axum on tokio): a thin translation of HTTP to ledger calls.
