//! `/graphql`: queries over POST and GET, and GraphiQL for browsers.

use crate::graphql::AppSchema;
use crate::graphql::loaders::loaders;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use async_graphql::http::GraphiQLSource;
use async_graphql_actix_web::{GraphQLRequest, GraphQLResponse};
use sea_orm::DatabaseConnection;

/// Executes one GraphQL request with this worker's pool and fresh per-request loaders.
pub async fn execute(
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let db = db.get_ref().clone();
    let request = request.into_inner().data(loaders(db.clone())).data(db);
    schema.execute(request).await.into()
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

/// `GET /graphql`: GraphiQL for a browser (it asks for HTML), a query for anyone else.
pub async fn get(
    req: HttpRequest,
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    request: Result<GraphQLRequest, actix_web::Error>,
) -> HttpResponse {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && req.query_string().is_empty() {
        return graphiql().await;
    }
    match request {
        Ok(request) => {
            use actix_web::Responder;
            execute(schema, db, request)
                .await
                .respond_to(&req)
                .map_into_boxed_body()
        }
        Err(err) => err.error_response(),
    }
}
