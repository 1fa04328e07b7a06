//! `/graphql`: queries over POST (JSON, single or batched) and GET, and GraphiQL for browsers,
//! as the GraphQL over HTTP spec says (`media`: `Accept` chooses between
//! `application/graphql-response+json` and `application/json`).
//!
//! The body is read with actix's size limit (`VISA_KB_MAX_BODY_BYTES`, 413 beyond it) before it
//! is parsed, so an oversized request costs nothing.

mod media;
mod persisted;
mod ws;

use media::{Answer, Media};
pub use persisted::PersistedQueries;
pub use ws::{SocketSlots, is_upgrade, subscribe};

use super::cache::Version;
use super::state::RequestConfig;
use crate::auth::viewer::{AuthFailure, authenticate};
use crate::auth::{RequestMeta, TokenKeys, Viewer};
use crate::graphql::AppSchema;
use crate::graphql::cost::CostModel;
use crate::graphql::loaders::loaders;
use crate::graphql::{Inspection, Validation, inspect};
use crate::permalink::PublicBase;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, BatchResponse};
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::sync::Arc;
use tracing_actix_web::RequestId;

/// Most operations one batched request may carry.
const MAX_BATCH: usize = 10;

/// An error outside GraphQL execution, shaped like a GraphQL error.
fn http_error(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({
        "errors": [{ "message": message, "extensions": { "code": code } }]
    }))
}

/// A request that is not a GraphQL request at all: 400, in the media type the client accepts.
fn bad_request(media: Media, message: String) -> HttpResponse {
    let mut response = http_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message);
    set_media(&mut response, media);
    response
}

/// The database is out of reach: 503 with `Retry-After`, as on every route.
pub(crate) fn unavailable() -> HttpResponse {
    let mut response = http_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "the database is unavailable; try again shortly",
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(super::error::RETRY_AFTER_SECS),
    );
    response
}

fn set_media(response: &mut HttpResponse, media: Media) {
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(media.content_type()),
    );
}

/// Everything a request needs besides its body.
pub struct Shared {
    pub schema: web::Data<AppSchema>,
    pub db: web::Data<DatabaseConnection>,
    pub config: web::Data<RequestConfig>,
    /// The media type of the answer.
    media: Media,
}

/// Who is asking and from where; a present but bad token is a 401, never public access.
async fn identify(
    req: &HttpRequest,
    db: &DatabaseConnection,
    config: &RequestConfig,
    request_id: RequestId,
) -> Result<(Viewer, RequestMeta), HttpResponse> {
    let keys: &TokenKeys = &config.keys;
    let header = match req.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| unauthorized("the Authorization header must be `Bearer <token>`"))?,
        ),
    };
    let viewer = match authenticate(db, keys, header).await {
        Ok(viewer) => viewer,
        Err(AuthFailure::Refused(why)) => return Err(unauthorized(why)),
        Err(AuthFailure::Db(e)) => {
            tracing::warn!(error = %e, "cannot look up the account of a token");
            return Err(unavailable());
        }
    };
    let meta = RequestMeta {
        request_id: Some(request_id.to_string()),
        ip: super::state::client_ip(req, config),
    };
    Ok((viewer, meta))
}

fn unauthorized(why: &str) -> HttpResponse {
    let mut response = http_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", why);
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// A public question that may be answered from the cache: no token, one operation, no
/// mutation (`login` must never be cached), keyed by everything its answer depends on: its
/// exact text and the base URL of the permalinks in it.
fn cache_key(
    req: &HttpRequest,
    config: &RequestConfig,
    base: &PublicBase,
    request: &web::Bytes,
) -> Option<web::Bytes> {
    let public = !req.headers().contains_key(header::AUTHORIZATION);
    let may_mutate = request
        .windows(b"mutation".len())
        .any(|w| w.eq_ignore_ascii_case(b"mutation"));
    let batch = request.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
    (config.cache.enabled() && public && !may_mutate && !batch).then(|| {
        let mut key = Vec::with_capacity(base.0.len() + 1 + request.len());
        key.extend_from_slice(base.0.as_bytes());
        key.push(b'\n');
        key.extend_from_slice(request);
        web::Bytes::from(key)
    })
}

/// The cached answer to a public request at the current content version, or that version.
/// The cached answer to a public request (`request`: its body or query string), or, on a
/// miss, where to put the answer (its key and the content version).
async fn lookup(
    shared: &Shared,
    req: &HttpRequest,
    base: &PublicBase,
    request: &web::Bytes,
    request_id: RequestId,
) -> Result<HttpResponse, Option<(web::Bytes, Version)>> {
    let Some(key) = cache_key(req, &shared.config, base, request) else {
        return Err(None);
    };
    match cached(shared, req, &key, request_id).await {
        Ok(hit) => Ok(hit),
        Err(version) => Err(version.map(|v| (key, v))),
    }
}

async fn cached(
    shared: &Shared,
    req: &HttpRequest,
    key: &web::Bytes,
    request_id: RequestId,
) -> Result<HttpResponse, Option<Version>> {
    match Version::now(shared.config.live.heard(), shared.db.get_ref()).await {
        Ok(version) => match shared.config.cache.get(key, version) {
            Some(hit) => Ok({
                shared.config.metrics.cache_hit(true);
                if let Some(names) = &hit.operation {
                    req.extensions_mut()
                        .insert(super::access::Operation(names.to_string()));
                }
                HttpResponse::Ok()
            }
            .content_type(shared.media.content_type())
            .insert_header(("x-request-id", request_id.to_string()))
            .body(hit.body.clone())),
            None => {
                shared.config.metrics.cache_hit(false);
                Err(Some(version))
            }
        },
        Err(e) => {
            // The cache is an optimisation: without the version, answer from the database.
            tracing::warn!(error = %e, "cannot read the content version; not using the cache");
            Err(None)
        }
    }
}

async fn run(
    shared: &Shared,
    req: &HttpRequest,
    request_id: RequestId,
    batch: BatchRequest,
    base: PublicBase,
    cache: Option<(web::Bytes, Version)>,
) -> HttpResponse {
    let (viewer, meta) = match identify(req, &shared.db, &shared.config, request_id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let db: &DatabaseConnection = &shared.db;
    let limits = shared.config.limits;
    // One budget for the whole request: a batch's operations share it.
    let model = CostModel {
        default_page_size: limits.default_page_size,
        max_page_size: limits.max_page_size,
        bounds: shared.config.bounds.get(db).await,
    };
    let media = shared.media;
    let one = |r: &async_graphql::Request| {
        inspect(
            &r.query,
            r.operation_name.as_deref(),
            &r.variables,
            &model,
            &shared.config.documents,
        )
    };
    let mut inspections: Vec<Inspection> = match &batch {
        BatchRequest::Single(r) => vec![one(r)],
        BatchRequest::Batch(rs) => rs.iter().map(one).collect(),
    };
    // For the access log: the operations asked for (the name sent, else the document's).
    let names: Vec<String> = match &batch {
        BatchRequest::Single(r) => vec![r.operation_name.clone()],
        BatchRequest::Batch(rs) => rs.iter().map(|r| r.operation_name.clone()).collect(),
    }
    .into_iter()
    .zip(&inspections)
    .filter_map(|(sent, found)| sent.or_else(|| found.operations.first().cloned()))
    .collect();
    if !names.is_empty() {
        req.extensions_mut()
            .insert(super::access::Operation(names.join(",")));
    }
    if let Some(err) = inspections.iter().find_map(|i| i.parse_error.clone()) {
        let mut err = err;
        err.extensions
            .get_or_insert_with(Default::default)
            .set("code", "GRAPHQL_PARSE_FAILED");
        return refused_before_running(media, &batch, json!({ "errors": [err] }));
    }
    if let Some(err) = inspections.iter().find_map(|i| i.bad_input.clone()) {
        return refused_before_running(media, &batch, crate::graphql::error::body(err));
    }
    // One guess per request: a batch (or aliases) of sign-ins would try passwords faster than
    // the throttle counts them.
    let logins: usize = inspections.iter().map(|i| i.logins).sum();
    if logins > 1 || (logins == 1 && inspections.len() > 1) {
        return http_error(
            StatusCode::BAD_REQUEST,
            "LOGIN_MUST_BE_ALONE",
            "send `login` alone: one sign-in per request, not batched or aliased",
        );
    }
    let cost = Cost {
        requested: inspections
            .iter()
            .map(|i| i.cost)
            .fold(0, u64::saturating_add),
        limit: u64::try_from(limits.max_complexity).unwrap_or(u64::MAX),
    };
    if cost.requested > cost.limit {
        return over_budget(media, &batch, cost);
    }
    let delay = shared.config.delay;
    let keys: Arc<TokenKeys> = shared.config.keys.clone();
    // The executor runs the document parsed above instead of parsing the text again, so the
    // text moves out, kept to name the argument of an executor's coercion error (`give_codes`).
    let mut documents = inspections.iter_mut().map(|i| i.document.take());
    let mut texts: Vec<String> = Vec::new();
    let mut with_data = |mut request: async_graphql::Request| {
        if let Some(Some(document)) = documents.next() {
            request.set_parsed_query(document);
            texts.push(std::mem::take(&mut request.query));
        } else {
            texts.push(request.query.clone());
        }
        request
            .data(loaders(db.clone(), delay))
            .data(db.clone())
            .data(viewer.clone())
            .data(meta.clone())
            .data(keys.clone())
            .data(base.clone())
            .data(shared.config.live.clone())
            .data(shared.config.reverify_after)
            .data(Arc::clone(&shared.config.eligibility))
    };
    let batch = match batch {
        BatchRequest::Single(request) => BatchRequest::Single(with_data(request)),
        BatchRequest::Batch(requests) => {
            BatchRequest::Batch(requests.into_iter().map(with_data).collect())
        }
    };
    // Documents all validated before run on the schema that only checks their limits.
    let schema = if inspections
        .iter()
        .all(|i| matches!(i.validation, Validation::Passed))
    {
        &shared.config.prevalidated
    } else {
        shared.schema.get_ref()
    };
    let timeout = std::time::Duration::from_millis(limits.request_timeout_ms);
    // Dropping the execution on timeout stops its work at its next await (its statements
    // included).
    let Ok(mut response) = tokio::time::timeout(timeout, schema.execute_batch(batch)).await else {
        tracing::warn!(request_id = %request_id, ?timeout, "GraphQL request timed out");
        return http_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "TIMEOUT",
            &format!(
                "the request ran longer than {} ms and was stopped",
                limits.request_timeout_ms
            ),
        );
    };
    cost.report(&mut response);
    let single = matches!(response, BatchResponse::Single(_));
    let responses = match &mut response {
        BatchResponse::Single(r) => std::slice::from_mut(r),
        BatchResponse::Batch(rs) => rs.as_mut_slice(),
    };
    let request_errors: Vec<bool> = responses
        .iter_mut()
        .zip(&texts)
        .zip(&inspections)
        .map(|((r, query), inspection)| {
            let request_error = crate::graphql::error::is_request_error(r);
            inspection.validation.learn(request_error);
            crate::graphql::error::give_codes(r, request_error, query);
            request_error
        })
        .collect();
    let answers: Vec<Answer> = responses
        .iter()
        .zip(&request_errors)
        .map(|(r, request_error)| Answer::new(r, *request_error))
        .collect();
    let mut body = CappedBody::new(limits.max_response_bytes);
    let written = match answers.as_slice() {
        [one] if single => serde_json::to_writer(&mut body, one),
        all => serde_json::to_writer(&mut body, all),
    };
    if let Err(e) = written {
        if body.exceeded {
            return http_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "RESPONSE_TOO_LARGE",
                &format!(
                    "the answer is larger than {} bytes; ask for fewer rows or fields",
                    limits.max_response_bytes
                ),
            );
        }
        tracing::error!(error = %e, "cannot serialise a GraphQL response");
        return http_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL_SERVER_ERROR",
            "internal error",
        );
    }
    let body = web::Bytes::from(body.bytes);
    if let Some((key, version)) = cache
        && response.is_ok()
    {
        let names = (!names.is_empty()).then(|| names.join(","));
        shared
            .config
            .cache
            .put(&key, version, &body, names.as_deref());
    }
    let mut answer = match retry_after(&response) {
        Some((status, seconds)) => {
            let mut answer = HttpResponse::build(status);
            answer.insert_header((header::RETRY_AFTER, seconds.to_string()));
            answer
        }
        None if single && request_errors.first() == Some(&true) => {
            HttpResponse::build(media.request_error_status())
        }
        None => HttpResponse::Ok(),
    };
    if req.method() == actix_web::http::Method::GET
        && let Some(never) = get_cache_control(req, response.is_ok())
    {
        answer.insert_header(never);
    }
    answer
        .content_type(media.content_type())
        .insert_header(("x-request-id", request_id.to_string()))
        .body(body)
}

/// `Cache-Control` of a GET answer that must never be stored (an editor's view, an error, an
/// outage); None for an anonymous answer without errors, which `routes::http_cache` validates
/// and makes public (`VISA_KB_HTTP_MAX_AGE_SECS`).
fn get_cache_control(
    req: &HttpRequest,
    ok: bool,
) -> Option<(header::HeaderName, header::HeaderValue)> {
    let public = ok && !req.headers().contains_key(header::AUTHORIZATION);
    (!public).then(|| {
        (
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        )
    })
}

/// `POST /graphql` with `{"query": ..., "variables": ...}` (or an array of them).
pub async fn post(
    req: HttpRequest,
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    config: web::Data<RequestConfig>,
    request_id: RequestId,
    body: web::Bytes,
) -> HttpResponse {
    if !is_json(&req) {
        // Not a CORS "simple" request either: a web page elsewhere cannot make its visitors'
        // browsers send one without a preflight the CORS policy answers.
        return http_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "send GraphQL requests as `Content-Type: application/json`",
        );
    }
    let media = Media::negotiate(&req);
    let shared = Shared {
        schema,
        db,
        config,
        media,
    };
    let base = super::state::public_base(&req, &shared.config);
    let cache = match lookup(&shared, &req, &base, &body, request_id).await {
        Ok(hit) => return hit,
        Err(miss) => miss,
    };
    let batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(batch) => batch,
        Err(e) => {
            return bad_request(
                media,
                format!("the body is not a GraphQL request in JSON: {e}"),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch
        && (requests.is_empty() || requests.len() > MAX_BATCH)
    {
        return bad_request(media, format!("a batch holds 1 to {MAX_BATCH} operations"));
    }
    let mut batch = batch;
    if let Some(refused) = complete(&shared, &mut batch) {
        return refused;
    }
    run(&shared, &req, request_id, batch, base, cache).await
}

/// Fills in persisted queries' texts; a request still without a query is a 400. Returns the
/// answer of a refused request.
fn complete(shared: &Shared, batch: &mut BatchRequest) -> Option<HttpResponse> {
    let mut refused = None;
    for request in batch.iter_mut() {
        if let Err(refusal) = shared.config.persisted.resolve(request) {
            refused = Some(refusal);
            break;
        }
        if request.query.trim().is_empty() {
            return Some(bad_request(
                shared.media,
                "the request has no `query` (nor a known persisted query)".to_owned(),
            ));
        }
    }
    refused.map(|refusal| {
        let one = json!({
            "errors": [{ "message": refusal.message(), "extensions": { "code": refusal.code() } }]
        });
        refused_before_running(shared.media, batch, one)
    })
}

/// The GraphiQL page: its libraries from this server (`routes::assets`, embedded, pinned, with
/// integrity hashes), its one inline script allowed by hash. Works offline.
pub async fn graphiql() -> HttpResponse {
    super::page::html(graphiql_page(), Some("'self'"))
}

/// Starts GraphiQL with the explorer, queries over HTTP and subscriptions over WebSocket, both
/// at this server's `/graphql`.
const GRAPHIQL_START: &str = r#"
const socket = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/graphql';
const fetcher = GraphiQL.createFetcher({ url: '/graphql', subscriptionUrl: socket });
const explorer = GraphiQLPluginExplorer.explorerPlugin();
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, plugins: [explorer], defaultEditorToolbar: true }));
"#;

fn graphiql_page() -> String {
    let (styles, scripts) = super::assets::graphiql_elements();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>visa-kb GraphQL explorer</title>
{styles}<style>body{{margin:0}}#graphiql{{height:100vh}}</style>
</head>
<body>
<div id="graphiql">Loading the explorer…</div>
{scripts}<script>{GRAPHIQL_START}</script>
</body>
</html>
"#
    )
}

/// `GET /graphql`: GraphiQL for a browser (it asks for HTML), a query in the URL otherwise
/// (its text, or a persisted query's hash in `extensions`).
pub async fn get(
    req: HttpRequest,
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    config: web::Data<RequestConfig>,
    request_id: RequestId,
) -> HttpResponse {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && req.query_string().is_empty() {
        return graphiql().await;
    }
    let media = Media::negotiate(&req);
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(e) => {
            return bad_request(
                media,
                format!("the query string is not a GraphQL request: {e}"),
            );
        }
    };
    let shared = Shared {
        schema,
        db,
        config,
        media,
    };
    let base = super::state::public_base(&req, &shared.config);
    let key = web::Bytes::copy_from_slice(req.query_string().as_bytes());
    // Only answers to queries that ran are cached: a hit is never a mutation.
    let cache = match lookup(&shared, &req, &base, &key, request_id).await {
        Ok(mut hit) => {
            if let Some((name, value)) = get_cache_control(&req, true) {
                hit.headers_mut().insert(name, value);
            }
            return hit;
        }
        Err(miss) => miss,
    };
    let mut batch = BatchRequest::Single(request);
    if let Some(refused) = complete(&shared, &mut batch) {
        return refused;
    }
    // A link must not change anything: mutations only over POST.
    if batch.iter().any(|r| is_mutation(&r.query)) {
        let mut response = http_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_REQUEST",
            "mutations must be sent with POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        set_media(&mut response, media);
        return response;
    }
    run(&shared, &req, request_id, batch, base, cache).await
}

/// The status and wait of an answer that says "try again later": a throttled sign-in
/// (`TOO_MANY_REQUESTS` with `extensions.retryAfterSeconds`) is 429, a database out of reach
/// (`SERVICE_UNAVAILABLE`) is 503, both with `Retry-After`.
fn retry_after(response: &BatchResponse) -> Option<(StatusCode, i64)> {
    let responses = match response {
        BatchResponse::Single(r) => std::slice::from_ref(r),
        BatchResponse::Batch(rs) => rs.as_slice(),
    };
    let codes = || {
        responses
            .iter()
            .flat_map(|r| r.errors.iter())
            .filter_map(|e| e.extensions.as_ref())
    };
    let code = |x: &async_graphql::ErrorExtensionValues, code: &str| {
        x.get("code") == Some(&async_graphql::Value::from(code))
    };
    if codes().any(|x| code(x, "SERVICE_UNAVAILABLE")) {
        let wait = i64::try_from(super::error::RETRY_AFTER_SECS).unwrap_or(5);
        return Some((StatusCode::SERVICE_UNAVAILABLE, wait));
    }
    codes()
        .filter(|x| code(x, "TOO_MANY_REQUESTS"))
        .find_map(|x| match x.get("retryAfterSeconds") {
            Some(async_graphql::Value::Number(n)) => n.as_i64(),
            _ => None,
        })
        .map(|wait| (StatusCode::TOO_MANY_REQUESTS, wait))
}

/// What a request costs and may cost (`graphql::cost`), reported in every answer's
/// `extensions.cost` as GitHub and Shopify do.
#[derive(Debug, Clone, Copy)]
struct Cost {
    requested: u64,
    limit: u64,
}

impl Cost {
    fn value(self) -> async_graphql::Value {
        async_graphql::value!({ "requested": self.requested, "limit": self.limit })
    }

    fn report(self, response: &mut BatchResponse) {
        let responses = match response {
            BatchResponse::Single(r) => std::slice::from_mut(r),
            BatchResponse::Batch(rs) => rs.as_mut_slice(),
        };
        for r in responses {
            r.extensions.insert("cost".to_owned(), self.value());
        }
    }
}

/// The same answer for each operation of a request refused before anything ran: a request
/// error (no `data`).
fn refused_before_running(
    media: Media,
    batch: &BatchRequest,
    one: serde_json::Value,
) -> HttpResponse {
    let (status, body) = match batch {
        BatchRequest::Single(_) => (media.request_error_status(), one),
        BatchRequest::Batch(rs) => (StatusCode::OK, json!(vec![one; rs.len()])),
    };
    HttpResponse::build(status)
        .content_type(media.content_type())
        .body(body.to_string())
}

/// The answer to a request over its cost budget: nothing ran.
fn over_budget(media: Media, batch: &BatchRequest, cost: Cost) -> HttpResponse {
    let one = json!({
        "errors": [{
            "message": format!(
                "this request may cost {} (each field once per object, lists by the rows they \
                 may return); the limit is {}: ask for fewer rows, fewer fields or fewer operations",
                cost.requested, cost.limit
            ),
            "extensions": { "code": "COST_LIMIT_EXCEEDED" }
        }],
        "extensions": { "cost": { "requested": cost.requested, "limit": cost.limit } }
    });
    refused_before_running(media, batch, one)
}

/// A serialisation buffer that refuses to grow past `cap` bytes, so an oversized answer costs
/// no more memory than the cap.
struct CappedBody {
    bytes: Vec<u8>,
    cap: usize,
    exceeded: bool,
}

impl CappedBody {
    fn new(cap: usize) -> Self {
        Self {
            bytes: Vec::new(),
            cap,
            exceeded: false,
        }
    }
}

impl std::io::Write for CappedBody {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.cap {
            self.exceeded = true;
            return Err(std::io::Error::other("response too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether the body is declared JSON (`application/json`, with any parameters).
fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether a document holds a mutation (an unparsable one is left to the executor's error).
fn is_mutation(query: &str) -> bool {
    async_graphql::parser::parse_query(query).is_ok_and(|doc| {
        doc.operations
            .iter()
            .any(|(_, op)| op.node.ty == OperationType::Mutation)
    })
}
