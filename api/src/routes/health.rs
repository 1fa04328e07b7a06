//! Probes for orchestrators.

use actix_web::{HttpResponse, web};
use sea_orm::DatabaseConnection;

/// `GET /healthz`: the process is up and serving HTTP.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// How long the readiness probe waits for the database: orchestrators time probes out
/// (Kubernetes after 1 s by default), and a probe that hangs says nothing.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_millis(800);

/// `GET /readyz`: the database answers within 0.8 s; 503 otherwise (also when every pooled
/// connection is busy that long).
pub async fn readyz(db: web::Data<DatabaseConnection>) -> HttpResponse {
    let why = match tokio::time::timeout(READY_WITHIN, db.ping()).await {
        Ok(Ok(())) => return HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer within {READY_WITHIN:?}"),
    };
    tracing::warn!(error = %why, "readiness check: database unreachable");
    HttpResponse::ServiceUnavailable()
        .insert_header((
            actix_web::http::header::RETRY_AFTER,
            super::error::RETRY_AFTER_SECS.to_string(),
        ))
        .content_type("text/plain")
        .body("database unreachable")
}
