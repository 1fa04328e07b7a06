//! The access log: one line per request at `info` (target `access`), with its method, path (no
//! query string: it may hold a query's variables), status, duration, request id, client
//! address and, for GraphQL, the operations' names; and the same request counted in the
//! metrics (`routes::metrics`).

use super::state::{RequestConfig, client_ip};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, web};
use tracing_actix_web::RequestId;

/// The GraphQL operations a request ran, set by the GraphQL endpoint for this log.
#[derive(Debug, Clone)]
pub struct Operation(pub String);

/// The middleware: logs each request when its answer is ready.
pub async fn log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let config = req.app_data::<web::Data<RequestConfig>>().cloned();
    let client = config
        .as_ref()
        .and_then(|config| client_ip(req.request(), config));
    let response = next.call(req).await?;
    let extensions = response.request().extensions();
    let request_id = extensions.get::<RequestId>().map(ToString::to_string);
    let operation = extensions.get::<Operation>().map(|o| o.0.clone());
    drop(extensions);
    let status = response.status().as_u16();
    let took = started.elapsed();
    if let Some(config) = &config {
        let route = response.request().match_pattern();
        let route = route.as_deref().unwrap_or("unmatched");
        config
            .metrics
            .request(route, &method, status, took.as_secs_f64());
        if route == "/graphql" && method != "OPTIONS" {
            config.metrics.operation(operation.as_deref(), status);
        }
    }
    tracing::info!(
        target: "access",
        method,
        path,
        status,
        duration_ms = took.as_secs_f64() * 1000.0,
        request_id = request_id.as_deref().unwrap_or("-"),
        client = client.as_deref().unwrap_or("-"),
        operation = operation.as_deref().unwrap_or("-"),
        "request"
    );
    Ok(response)
}
