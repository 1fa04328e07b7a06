//! Live changes over WebSocket (graphql-transport-ws): a published change reaches a subscriber
//! under the same rule as the `changes` query (drafts never), across replicas on PostgreSQL;
//! editors sign in on the connection; and the connection's limits and refusals.

use crate::common::TestApp;
use crate::editing::{change_state, create, program_input};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection to `base` (an `http://` URL).
async fn open(base: &str) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = format!("{}/graphql", base.replacen("http://", "ws://", 1));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(socket, _)| socket)
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next protocol message (pings answered by the library), or None after `wait`.
async fn next(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        match tokio::time::timeout(wait, socket.next()).await {
            Err(_) => return None,
            Ok(Some(Ok(Message::Text(text)))) => return Some(serde_json::from_str(&text).unwrap()),
            Ok(Some(Ok(Message::Close(frame)))) => {
                let frame = frame.map(|f| (u16::from(f.code), f.reason.to_string()));
                return Some(json!({"type": "closed", "frame": frame}));
            }
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(_)) | None) => return Some(json!({"type": "closed"})),
        }
    }
}

const SOON: Duration = Duration::from_secs(10);

/// Connects and signs in (`payload`): the connection acknowledged.
async fn connect(base: &str, payload: Value) -> Socket {
    let mut socket = open(base).await.unwrap();
    send(
        &mut socket,
        json!({"type": "connection_init", "payload": payload}),
    )
    .await;
    let ack = next(&mut socket, SOON).await.unwrap();
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    socket
}

async fn subscribe(socket: &mut Socket, id: &str, query: &str) {
    send(
        socket,
        json!({"id": id, "type": "subscribe", "payload": {"query": query}}),
    )
    .await;
}

const PUBLIC: &str = "subscription { changes { kind record { ... on Program { slug } } } }";

async fn publish(app: &TestApp, token: &str, slug: &str) -> Value {
    let draft = create(app, token, "Program", program_input(slug)).await;
    change_state(app, token, "publish", &draft).await
}

backend_test!(
    a_published_change_reaches_subscribers_and_a_draft_never,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let mut socket = connect(&app.base, json!({})).await;
        subscribe(&mut socket, "1", PUBLIC).await;
        // Only programs: a source written meanwhile is not announced.
        subscribe(
            &mut socket,
            "2",
            "subscription { changes(recordTypes: [SOURCE]) { kind } }",
        )
        .await;
        // Give the subscriptions a moment to start before writing.
        tokio::time::sleep(Duration::from_millis(300)).await;

        // A draft is not public: nothing. Then its publication: one change.
        let draft = create(app, &token, "Program", program_input("zz-live-1")).await;
        assert_eq!(
            next(&mut socket, Duration::from_millis(700)).await,
            None,
            "a draft was announced"
        );
        change_state(app, &token, "publish", &draft).await;
        let event = next(&mut socket, SOON).await.unwrap();
        assert_eq!(event["type"], "next", "{event}");
        assert_eq!(event["id"], "1");
        assert_eq!(
            event["payload"]["data"]["changes"],
            json!({"kind": "NEW", "record": {"slug": "zz-live-1"}})
        );
        // Each change once, in order.
        publish(app, &token, "zz-live-2").await;
        let event = next(&mut socket, SOON).await.unwrap();
        assert_eq!(
            event["payload"]["data"]["changes"]["record"]["slug"], "zz-live-2",
            "{event}"
        );
        assert_eq!(next(&mut socket, Duration::from_millis(700)).await, None);

        // Stopping a subscription completes it; the other still runs.
        send(&mut socket, json!({"id": "1", "type": "complete"})).await;
        let done = next(&mut socket, SOON).await.unwrap();
        assert_eq!(done, json!({"type": "complete", "id": "1"}));
        publish(app, &token, "zz-live-3").await;
        assert_eq!(next(&mut socket, Duration::from_millis(700)).await, None);
    }
);

backend_test!(
    editors_sign_in_on_the_connection,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let editorial = "subscription { editorialChanges { action summary author { email } } }";

        // Anonymous: the subscription is refused, the connection stays.
        let mut anonymous = connect(&app.base, json!({})).await;
        subscribe(&mut anonymous, "1", editorial).await;
        let refused = next(&mut anonymous, SOON).await.unwrap();
        let errors = refused["payload"]["errors"]
            .as_array()
            .or_else(|| refused["payload"].as_array())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            errors[0]["extensions"]["code"], "UNAUTHENTICATED",
            "{refused}"
        );

        // A bad token closes the connection with 4403.
        let mut forged = open(&app.base).await.unwrap();
        send(
            &mut forged,
            json!({"type": "connection_init", "payload": {"authorization": "Bearer forged"}}),
        )
        .await;
        let closed = next(&mut forged, SOON).await.unwrap();
        assert_eq!(closed["frame"][0], 4403, "{closed}");

        // Signed in: every write, drafts included.
        let mut editor = connect(
            &app.base,
            json!({"authorization": format!("Bearer {token}")}),
        )
        .await;
        subscribe(&mut editor, "1", editorial).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        create(app, &token, "Program", program_input("zz-live-draft")).await;
        let event = next(&mut editor, SOON).await.unwrap();
        assert_eq!(
            event["payload"]["data"]["editorialChanges"]["action"], "create",
            "{event}"
        );
        let email = event["payload"]["data"]["editorialChanges"]["author"]["email"].as_str();
        assert!(email.is_some_and(|e| e.starts_with("editor")), "{event}");
    }
);

backend_test!(sockets_have_limits, seeded, |app| async move {
    // Queries go over HTTP.
    let mut socket = connect(&app.base, json!({})).await;
    subscribe(&mut socket, "q", "{ programs { totalCount } }").await;
    let refused = next(&mut socket, SOON).await.unwrap();
    assert!(refused.to_string().contains("BAD_REQUEST"), "{refused}");
    // A refused operation is complete at once.
    assert_eq!(next(&mut socket, SOON).await.unwrap()["type"], "complete");

    // Subscriptions per connection (20 by default): the 21st is refused.
    for i in 0..20 {
        subscribe(&mut socket, &format!("s{i}"), PUBLIC).await;
    }
    subscribe(&mut socket, "one-too-many", PUBLIC).await;
    // The refusal, past anything the 20 running subscriptions may say first (on a loaded
    // machine one of them can report a busy database).
    let mut refused = next(&mut socket, SOON).await.unwrap();
    for _ in 0..20 {
        if refused["id"] == "one-too-many" {
            break;
        }
        refused = next(&mut socket, SOON).await.unwrap();
    }
    assert_eq!(refused["id"], "one-too-many", "{refused}");
    assert!(
        refused.to_string().contains("TOO_MANY_SUBSCRIPTIONS"),
        "{refused}"
    );

    // No connection_init: closed with 4408 after 10 s is too slow to wait for here; a
    // garbage message closes at once.
    let mut garbage = open(&app.base).await.unwrap();
    send(&mut garbage, json!({"type": "no-such-type"})).await;
    let closed = next(&mut garbage, SOON).await.unwrap();
    assert_eq!(closed["type"], "closed", "{closed}");

    // Connections per address (8 by default): the 9th upgrade is refused.
    let mut open_sockets = vec![socket];
    for _ in 0..7 {
        open_sockets.push(connect(&app.base, json!({})).await);
    }
    match open(&app.base).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 429);
        }
        other => panic!("a 9th connection was not refused: {:?}", other.map(|_| ())),
    }
    // Closing one frees a place.
    let mut first = open_sockets.remove(0);
    first.close(None).await.unwrap();
    drop(first);
    let mut again = None;
    for _ in 0..50 {
        if let Ok(socket) = open(&app.base).await {
            again = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(again.is_some(), "a closed connection's place was not freed");
});

/// A burst of messages larger than the server's queue slows the client down; it does not
/// cut it off (a client may well open its 20 subscriptions at once).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_messages_is_answered_in_full() {
    let Some(app) = TestApp::empty(crate::common::Backend::Sqlite).await else {
        return;
    };
    let mut socket = connect(&app.base, json!({})).await;
    const BURST: usize = 200;
    let pings: Vec<_> = (0..BURST)
        .map(|i| {
            Ok(Message::Text(
                json!({"type": "ping", "payload": {"n": i}})
                    .to_string()
                    .into(),
            ))
        })
        .collect();
    socket
        .send_all(&mut futures::stream::iter(pings))
        .await
        .unwrap();
    for i in 0..BURST {
        let pong = next(&mut socket, SOON).await.unwrap();
        assert_eq!(pong["type"], "pong", "answer {i}: {pong}");
    }
    // Still open: a subscription after the burst is taken.
    subscribe(&mut socket, "after", PUBLIC).await;
    assert_eq!(next(&mut socket, Duration::from_millis(300)).await, None);
    app.db.drop_db().await;
}

/// A change made through one replica reaches a subscriber of another (PostgreSQL's NOTIFY).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_cross_replicas() {
    let Some(app) = TestApp::seeded(crate::common::Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL is not set: cross-replica subscription test not run");
        return;
    };
    let other = app.replica().await;
    let mut socket = connect(&other, json!({})).await;
    subscribe(&mut socket, "1", PUBLIC).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let token = app.editor().await;
    publish(&app, &token, "zz-elsewhere").await;
    let event = next(&mut socket, SOON).await.unwrap();
    assert_eq!(
        event["payload"]["data"]["changes"]["record"]["slug"], "zz-elsewhere",
        "{event}"
    );
    app.stop().await;
}

/// What `eligiblePrograms` ranks is kept between requests; a publication through another
/// replica reaches it on this one (by NOTIFY, or by the database's version), and so does one
/// through this server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eligibility_follows_changes_made_through_any_replica() {
    let Some(app) = TestApp::seeded(crate::common::Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL is not set: cross-replica eligibility test not run");
        return;
    };
    let other = app.replica().await;
    const ELIGIBLE: &str = "{ eligiblePrograms(profile: { age: 30 }, first: 100) { edges { node { program { slug } } } } }";
    let slugs_on = |base: String| {
        let app = &app;
        async move {
            let (status, body) = app.post_to(&base, None, ELIGIBLE, json!({})).await;
            assert_eq!(status, 200, "{body}");
            body["data"]["eligiblePrograms"]["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| {
                    e["node"]["program"]["slug"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect::<Vec<_>>()
        }
    };
    // Both servers keep the ranking's candidates before the change.
    for base in [&app.base, &other] {
        let before = slugs_on(base.clone()).await;
        assert!(!before.is_empty());
        assert!(!before.iter().any(|s| s == "zz-eligible-here"));
    }
    let token = app.editor().await;
    publish(&app, &token, "zz-eligible-here").await;
    // This server sees its own write at once.
    assert!(
        slugs_on(app.base.clone())
            .await
            .iter()
            .any(|s| s == "zz-eligible-here")
    );
    // The other sees it as soon as it hears the commit.
    let mut seen = false;
    for _ in 0..50 {
        if slugs_on(other.clone())
            .await
            .iter()
            .any(|s| s == "zz-eligible-here")
        {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        seen,
        "the other replica still ranks the content before the publication"
    );
    app.stop().await;
}
