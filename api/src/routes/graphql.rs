//! `/graphql`: queries over POST (JSON, single or batched) and GET, and GraphiQL for browsers.
//!
//! The body is read with actix's size limit (`VISA_KB_MAX_BODY_BYTES`, 413 beyond it) before it
//! is parsed, so an oversized request costs nothing.

use crate::graphql::AppSchema;
use crate::graphql::loaders::loaders;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse};
use sea_orm::DatabaseConnection;
use serde_json::json;

/// Most operations one batched request may carry.
const MAX_BATCH: usize = 10;

/// A request that is not a GraphQL request at all: 400 with a GraphQL-shaped error.
fn bad_request(message: String) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({
        "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }]
    }))
}

/// How long batched loads wait for more keys (`VISA_KB_LOADER_DELAY_US`).
#[derive(Debug, Clone, Copy)]
pub struct LoaderDelay(pub std::time::Duration);

/// Executes requests with this worker's pool, each with its own fresh loaders.
async fn run(
    schema: &AppSchema,
    db: &DatabaseConnection,
    delay: LoaderDelay,
    batch: BatchRequest,
) -> HttpResponse {
    let with_data = |request: async_graphql::Request| {
        request.data(loaders(db.clone(), delay.0)).data(db.clone())
    };
    let batch = match batch {
        BatchRequest::Single(request) => BatchRequest::Single(with_data(request)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(with_data).collect())
        }
    };
    let response: BatchResponse = schema.execute_batch(batch).await;
    HttpResponse::Ok()
        .content_type("application/json")
        .json(response)
}

/// `POST /graphql` with `{"query": ..., "variables": ...}` (or an array of them).
pub async fn post(
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    delay: web::Data<LoaderDelay>,
    body: web::Bytes,
) -> HttpResponse {
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(e) => return bad_request(format!("the body is not a GraphQL request in JSON: {e}")),
    };
    if let BatchRequest::Batch(requests) = &batch
        && (requests.is_empty() || requests.len() > MAX_BATCH)
    {
        return bad_request(format!("a batch holds 1 to {MAX_BATCH} operations"));
    }
    run(&schema, &db, **delay, batch).await
}

/// The GraphiQL page.
pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            GraphiQLSource::build()
                .endpoint("/graphql")
                .title("visa-kb GraphQL")
                .finish(),
        )
}

/// `GET /graphql`: GraphiQL for a browser (it asks for HTML), a query in the URL otherwise.
pub async fn get(
    req: HttpRequest,
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    delay: web::Data<LoaderDelay>,
) -> HttpResponse {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && req.query_string().is_empty() {
        return graphiql().await;
    }
    match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => run(&schema, &db, **delay, BatchRequest::Single(request)).await,
        Err(e) => bad_request(format!("the query string is not a GraphQL request: {e}")),
    }
}
