//! Subscriptions over WebSocket at `/graphql`, with the graphql-transport-ws protocol (the
//! `graphql-ws` client, Apollo Client's `GraphQLWsLink`, urql, Relay).
//!
//! - Only subscriptions: queries and mutations go over HTTP, where caching, rate limits and
//!   the audit trail live. Each subscription is priced like an HTTP request (the same budget).
//! - Editors sign in on the connection: `connection_init` with `{"authorization": "Bearer
//!   <token>"}` (or the upgrade request's `Authorization` header). A bad token closes the
//!   connection with 4403; without `connection_init` within 10 s it is closed with 4408.
//! - Limits: `VISA_KB_MAX_SOCKETS_PER_CLIENT` connections per client address (another upgrade
//!   is 429 RATE_LIMITED), `VISA_KB_MAX_SUBSCRIPTIONS_PER_SOCKET` subscriptions at once on one
//!   connection (another gets TOO_MANY_SUBSCRIPTIONS), 64 KiB per message; a peer that stops
//!   answering pings is dropped. A client sending faster than it is answered is slowed down
//!   (the socket is not read meanwhile), not disconnected.

use super::super::state::{RequestConfig, client_ip, public_base};
use super::http_error;
use crate::auth::viewer::{AuthFailure, authenticate};
use crate::auth::{RequestMeta, Viewer};
use crate::graphql::cost::CostModel;
use crate::graphql::loaders::loaders;
use crate::graphql::{AppSchema, ConnectionToken, inspect};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason};
use async_graphql::http::{WebSocket, WebSocketProtocols as Protocols, WsMessage};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures::StreamExt;
use futures::stream::BoxStream;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing_actix_web::RequestId;

/// The one protocol spoken.
const PROTOCOL: &str = "graphql-transport-ws";
/// Largest client message.
const MAX_MESSAGE: usize = 64 * 1024;
/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// How often the server pings; a peer that has not answered the previous ping is dropped.
const HEARTBEAT: Duration = Duration::from_secs(30);

/// Open connections per client address.
#[derive(Default)]
pub struct SocketSlots(Arc<Mutex<HashMap<String, usize>>>);

/// A held place; dropping it frees the place.
pub struct SocketSlot {
    slots: Arc<Mutex<HashMap<String, usize>>>,
    client: String,
}

impl SocketSlots {
    /// A place for `client` when it holds fewer than `max`.
    fn enter(&self, client: &str, max: usize) -> Option<SocketSlot> {
        let mut open = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(client.to_owned()).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(SocketSlot {
            slots: self.0.clone(),
            client: client.to_owned(),
        })
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        let mut open = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}

/// Whether the request asks to become a WebSocket (the `/graphql` GET route's guard).
pub fn is_upgrade(req: &actix_web::guard::GuardContext<'_>) -> bool {
    req.head()
        .headers()
        .get(actix_web::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn offers_protocol(req: &HttpRequest) -> bool {
    req.headers()
        .get_all(actix_web::http::header::SEC_WEBSOCKET_PROTOCOL)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == PROTOCOL)
}

/// `GET /graphql` with `Upgrade: websocket`.
pub async fn subscribe(
    req: HttpRequest,
    body: web::Payload,
    schema: web::Data<AppSchema>,
    db: web::Data<DatabaseConnection>,
    config: web::Data<RequestConfig>,
    request_id: RequestId,
) -> HttpResponse {
    if !offers_protocol(&req) {
        return http_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "subscriptions speak graphql-transport-ws: send `Sec-WebSocket-Protocol: graphql-transport-ws`",
        );
    }
    let client = client_ip(&req, &config).unwrap_or_default();
    let Some(slot) = config.sockets.enter(&client, config.max_sockets_per_client) else {
        let mut response = http_error(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            "too many open subscription connections from this address; close one first",
        );
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from_static("5"),
        );
        return response;
    };
    let (response, session, stream) = match actix_ws::handle_with_protocols(&req, body, &[PROTOCOL])
    {
        Ok(parts) => parts,
        Err(e) => return HttpResponse::from_error(e),
    };
    let stream = stream
        .max_frame_size(MAX_MESSAGE)
        .aggregate_continuations()
        .max_continuation_size(MAX_MESSAGE);
    let db: DatabaseConnection = db.get_ref().clone();
    let header_token = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let model = CostModel {
        default_page_size: config.limits.default_page_size,
        max_page_size: config.limits.max_page_size,
        bounds: config.bounds.get(&db).await,
    };
    let mut data = Data::default();
    // Each event reads afresh: a connection lives long, a cache would go stale.
    let connection_loaders = loaders(db.clone(), config.delay);
    connection_loaders.enable_all_cache(false);
    data.insert(connection_loaders);
    data.insert(db.clone());
    data.insert(config.keys.clone());
    data.insert(public_base(&req, &config));
    data.insert(RequestMeta {
        request_id: Some(request_id.to_string()),
        ip: Some(client),
    });
    data.insert(config.live.clone());
    let executor = Guarded {
        schema: schema.get_ref().clone(),
        config: config.clone(),
        model: Arc::new(model),
        running: Arc::new(AtomicUsize::new(0)),
    };
    let refused = Arc::new(AtomicBool::new(false));
    let init = {
        let (db, keys, refused) = (db, config.keys.clone(), refused.clone());
        move |payload: serde_json::Value| async move {
            let token = ["authorization", "Authorization"]
                .iter()
                .find_map(|k| payload.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
                .or(header_token);
            let mut data = Data::default();
            let Some(header) = token else {
                data.insert(Viewer::PUBLIC);
                return Ok(data);
            };
            match authenticate(&db, &keys, Some(&header)).await {
                Ok(viewer) => {
                    let bare = header
                        .strip_prefix("Bearer ")
                        .or_else(|| header.strip_prefix("bearer "))
                        .unwrap_or(&header)
                        .trim()
                        .to_owned();
                    data.insert(viewer);
                    data.insert(ConnectionToken(bare));
                    Ok(data)
                }
                Err(AuthFailure::Refused(why)) => {
                    refused.store(true, Ordering::Relaxed);
                    Err(async_graphql::Error::new(why))
                }
                Err(AuthFailure::Db(e)) => {
                    tracing::warn!(error = %e, "cannot look up the account of a socket's token");
                    Err(async_graphql::Error::new(
                        "the service is unavailable; retry",
                    ))
                }
            }
        }
    };
    let (to_graphql, from_client) = futures::channel::mpsc::channel::<String>(16);
    let protocol = WebSocket::new(executor, from_client, Protocols::GraphQLWS)
        .connection_data(data)
        .on_connection_init(init);
    actix_web::rt::spawn(serve(session, stream, to_graphql, protocol, refused, slot));
    response
}

/// Carries messages between the socket and the protocol until either side ends.
async fn serve(
    mut session: actix_ws::Session,
    mut socket: actix_ws::AggregatedMessageStream,
    mut to_graphql: futures::channel::mpsc::Sender<String>,
    protocol: impl futures::Stream<Item = WsMessage> + Unpin,
    refused: Arc<AtomicBool>,
    _slot: SocketSlot,
) {
    let mut protocol = protocol;
    let mut acknowledged = false;
    let init_deadline = tokio::time::sleep(INIT_TIMEOUT);
    tokio::pin!(init_deadline);
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    let mut answered = true;
    // A message the protocol has no room for yet. While one waits, the socket is not read:
    // the client is slowed by TCP instead of cut off (a burst of its 20 subscriptions is
    // legitimate), and the protocol keeps being polled so it can make room.
    let mut waiting: Option<String> = None;
    let close = loop {
        tokio::select! {
            room = futures::future::poll_fn(|cx| to_graphql.poll_ready(cx)), if waiting.is_some() => {
                let sent = room.and_then(|()| match waiting.take() {
                    Some(text) => to_graphql.start_send(text),
                    None => Ok(()),
                });
                if sent.is_err() {
                    break None;
                }
            }
            message = socket.next(), if waiting.is_none() => match message {
                Some(Ok(AggregatedMessage::Text(text))) => {
                    match to_graphql.try_send(text.to_string()) {
                        Ok(()) => {}
                        Err(full) if full.is_full() => waiting = Some(full.into_inner()),
                        Err(_) => break None,
                    }
                }
                Some(Ok(AggregatedMessage::Binary(_))) => {
                    break Some(reason(4400, "messages are JSON text"));
                }
                Some(Ok(AggregatedMessage::Ping(bytes))) => {
                    if session.pong(&bytes).await.is_err() {
                        break None;
                    }
                }
                Some(Ok(AggregatedMessage::Pong(_))) => answered = true,
                Some(Ok(AggregatedMessage::Close(_))) | None => break None,
                Some(Err(e)) => {
                    tracing::debug!(error = %e, "websocket protocol error");
                    break Some(reason(1009, "message too large or malformed"));
                }
            },
            out = protocol.next() => match out {
                Some(WsMessage::Text(text)) => {
                    acknowledged |= text.contains("\"connection_ack\"");
                    if session.text(text).await.is_err() {
                        break None;
                    }
                }
                Some(WsMessage::Close(code, message)) => {
                    // A refused sign-in is 4403 Forbidden in graphql-transport-ws.
                    let code = if refused.load(Ordering::Relaxed) { 4403 } else { code };
                    break Some(reason(code, &message));
                }
                None => break None,
            },
            () = &mut init_deadline, if !acknowledged => {
                break Some(reason(4408, "Connection initialisation timeout"));
            }
            _ = heartbeat.tick() => {
                if !answered {
                    break None;
                }
                answered = false;
                if session.ping(b"").await.is_err() {
                    break None;
                }
            }
        }
    };
    let _ = session.close(close).await;
}

fn reason(code: u16, description: &str) -> CloseReason {
    CloseReason {
        code: CloseCode::Other(code),
        description: Some(description.to_owned()),
    }
}

/// The schema behind one connection: checks each operation before it runs.
#[derive(Clone)]
struct Guarded {
    schema: AppSchema,
    config: web::Data<RequestConfig>,
    model: Arc<CostModel>,
    /// Subscriptions running on this connection.
    running: Arc<AtomicUsize>,
}

fn refusal(code: &str, message: impl Into<String>) -> BoxStream<'static, Response> {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    futures::stream::once(async move { Response::from_errors(vec![error]) }).boxed()
}

/// Gives back a running subscription's place when its stream is dropped.
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Executor for Guarded {
    async fn execute(&self, _request: Request) -> Response {
        // The protocol runs every operation as a stream; nothing calls this.
        Response::from_errors(vec![ServerError::new(
            "send queries and mutations over HTTP",
            None,
        )])
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let limits = self.config.limits;
        let mut inspection = inspect(
            &request.query,
            request.operation_name.as_deref(),
            &request.variables,
            &self.model,
            &self.config.documents,
        );
        if let Some(mut err) = inspection.parse_error.take() {
            err.extensions
                .get_or_insert_with(Default::default)
                .set("code", "GRAPHQL_PARSE_FAILED");
            return futures::stream::once(async move { Response::from_errors(vec![err]) }).boxed();
        }
        if let Some(err) = inspection.bad_input.take() {
            let error = async_graphql::Error::from(err).into_server_error(Default::default());
            return futures::stream::once(async move { Response::from_errors(vec![error]) })
                .boxed();
        }
        let Some(document) = inspection.document.take() else {
            return refusal("GRAPHQL_PARSE_FAILED", "the document does not parse");
        };
        let subscription = match &document.operations {
            DocumentOperations::Single(op) => op.node.ty == OperationType::Subscription,
            DocumentOperations::Multiple(ops) => request
                .operation_name
                .as_deref()
                .and_then(|name| ops.get(name))
                .is_some_and(|op| op.node.ty == OperationType::Subscription),
        };
        if !subscription {
            return refusal(
                "BAD_REQUEST",
                "only subscriptions run over WebSocket: send queries and mutations over HTTP",
            );
        }
        let budget = u64::try_from(limits.max_complexity).unwrap_or(u64::MAX);
        if inspection.cost > budget {
            return refusal(
                "COST_LIMIT_EXCEEDED",
                format!(
                    "this subscription costs {} and the budget is {budget}: ask for fewer fields",
                    inspection.cost
                ),
            );
        }
        let max = self.config.max_subscriptions_per_socket;
        if self.running.fetch_add(1, Ordering::Relaxed) >= max {
            self.running.fetch_sub(1, Ordering::Relaxed);
            return refusal(
                "TOO_MANY_SUBSCRIPTIONS",
                format!("at most {max} subscriptions run at once on one connection"),
            );
        }
        let running = Running(self.running.clone());
        request.set_parsed_query(document);
        let query = std::mem::take(&mut request.query);
        let stream = self
            .schema
            .execute_stream_with_session_data(request, session.unwrap_or_default());
        stream
            .map(move |mut response| {
                // Held as long as the stream runs.
                let _running = &running;
                let request_error = crate::graphql::error::is_request_error(&response);
                crate::graphql::error::give_codes(&mut response, request_error, &query);
                response
            })
            .boxed()
    }
}
