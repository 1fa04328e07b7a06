//! A database outage under load, against a PostgreSQL cluster this test starts, stops and
//! starts again on its own port (never the main one): requests fail fast with one answer (503,
//! `Retry-After`, SERVICE_UNAVAILABLE) on every route, `/readyz` answers within a second,
//! service is back within a second of the database, and no acknowledged write is lost.

use crate::common::{Backend, TestApp, TestDb};
use serde_json::{Value, json};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A throwaway PostgreSQL cluster (Debian's `pg_createcluster`), dropped with the test.
struct Cluster {
    version: String,
    name: String,
    port: u16,
}

impl Cluster {
    /// `None` where this machine has no `pg_createcluster` (the test says so and does not run).
    fn create() -> Option<Self> {
        let version = std::fs::read_dir("/etc/postgresql")
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .max()?;
        Command::new("pg_createcluster")
            .arg("--help")
            .output()
            .ok()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let cluster = Self {
            version,
            name: format!("visakb_outage_{}_{port}", std::process::id()),
            port,
        };
        let created = Command::new("pg_createcluster")
            .args([&cluster.version, &cluster.name, "-p", &port.to_string()])
            .args(["--start", "--", "--auth-local=trust", "--auth-host=trust"])
            .output()
            .expect("run pg_createcluster");
        assert!(
            created.status.success(),
            "pg_createcluster: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        Some(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn ctl(&self, action: &str) {
        let out = Command::new("pg_ctlcluster")
            .args([
                "--skip-systemctl-redirect",
                &self.version,
                &self.name,
                action,
            ])
            .args(["-m", "fast"].iter().filter(|_| action == "stop"))
            .output()
            .expect("run pg_ctlcluster");
        assert!(
            out.status.success(),
            "pg_ctlcluster {action}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("pg_dropcluster")
            .args(["--stop", &self.version, &self.name])
            .output();
    }
}

/// One request of the load: when it started (since the load began), how long it took, its
/// status, its error code, and its `Retry-After`.
#[derive(Debug, Clone)]
struct Outcome {
    started: Duration,
    took: Duration,
    status: u16,
    code: Option<String>,
    retry_after: bool,
    written: Option<String>,
}

async fn send(app: &TestApp, token: Option<&str>, body: Value) -> (u16, Value, bool) {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .timeout(Duration::from_secs(20))
        .json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let retry = response.headers().contains_key("retry-after");
    (status, response.json().await.unwrap_or(Value::Null), retry)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_under_load() {
    let Some(cluster) = Cluster::create() else {
        eprintln!("no pg_createcluster on this machine: the outage test did not run");
        return;
    };
    let db = TestDb::create_on(&cluster.url()).await;
    let app = Arc::new(
        TestApp::start_on(db, Backend::Postgres, true, |s| {
            // The response cache would answer repeated reads without the database.
            s.response_cache_mb = 0;
        })
        .await,
    );
    let token = app.editor().await;
    let began = Instant::now();
    let outcomes: Arc<Mutex<Vec<Outcome>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut load = Vec::new();
    for worker in 0..5 {
        let (app, token, outcomes, stop) =
            (app.clone(), token.clone(), outcomes.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                n += 1;
                let started = began.elapsed();
                let clock = Instant::now();
                // Four readers and one writer, each recording what it was told.
                let (status, body, retry_after, written) = if worker == 0 {
                    let name = format!("Outage writer {n}");
                    let (status, body, retry) = send(
                        &app,
                        Some(&token),
                        json!({
                            "query": "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
                            "variables": {"i": {"name": name}}
                        }),
                    )
                    .await;
                    let ok = body["data"]["createPerson"]["id"].is_string();
                    (status, body, retry, ok.then_some(name))
                } else {
                    let (status, body, retry) = send(
                        &app,
                        None,
                        json!({"query": "{ program(slug: \"cn-k-visa\") { name fees { label } } programs(first: 5) { totalCount } }"}),
                    )
                    .await;
                    (status, body, retry, None)
                };
                outcomes.lock().unwrap().push(Outcome {
                    started,
                    took: clock.elapsed(),
                    status,
                    code: body["errors"][0]["extensions"]["code"].as_str().map(str::to_owned),
                    retry_after,
                    written,
                });
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }));
    }

    tokio::time::sleep(Duration::from_secs(2)).await;
    let down_at = began.elapsed();
    cluster.ctl("stop");
    tokio::time::sleep(Duration::from_secs(2)).await;

    // While it is down: the probe and every route answer at once, the same way.
    let clock = Instant::now();
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    assert!(
        clock.elapsed() < Duration::from_secs(1),
        "/readyz took {:?}",
        clock.elapsed()
    );
    for path in [
        "/export/programs.csv",
        "/export/programs.json",
        "/programs/cn-k-visa",
        "/feed.atom",
    ] {
        let clock = Instant::now();
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 503, "{path}");
        assert!(response.headers().contains_key("retry-after"), "{path}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "SERVICE_UNAVAILABLE", "{path}: {body}");
        assert!(
            clock.elapsed() < Duration::from_secs(3),
            "{path} took {:?}",
            clock.elapsed()
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;

    cluster.ctl("start");
    // Once `pg_ctlcluster start` returns, the database accepts connections.
    let up_at = began.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for task in load {
        task.await.unwrap();
    }

    let outcomes = outcomes.lock().unwrap().clone();
    let failed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.status != 200 || o.code.is_some())
        .collect();
    assert!(!failed.is_empty(), "the outage was not seen");
    for o in &outcomes {
        assert!(o.took < Duration::from_secs(3), "a request hung: {o:?}");
    }
    for o in &failed {
        assert_eq!(o.status, 503, "{o:?}");
        assert_eq!(o.code.as_deref(), Some("SERVICE_UNAVAILABLE"), "{o:?}");
        assert!(o.retry_after, "{o:?}");
        assert!(
            o.started + o.took > down_at,
            "failed before the outage: {o:?}"
        );
        assert!(
            o.started < up_at + Duration::from_secs(1),
            "not recovered a second after the database: {o:?}"
        );
    }
    let before = outcomes
        .iter()
        .filter(|o| o.started + o.took < down_at && o.status == 200)
        .count();
    let after = outcomes
        .iter()
        .filter(|o| o.started > up_at + Duration::from_secs(1) && o.status == 200)
        .count();
    assert!(
        before > 0 && after > 0,
        "load ran before ({before}) and after ({after})"
    );

    // Every write the server acknowledged is there.
    let acknowledged: Vec<String> = outcomes.iter().filter_map(|o| o.written.clone()).collect();
    assert!(!acknowledged.is_empty());
    let conn = app.db.connect().await;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let stored = entity::person::Entity::find()
        .filter(entity::person::Column::Name.is_in(acknowledged.clone()))
        .all(&conn)
        .await
        .unwrap();
    assert_eq!(
        stored.len(),
        acknowledged.len(),
        "acknowledged writes were lost"
    );
    let slowest = outcomes.iter().map(|o| o.took).max().unwrap_or_default();
    let last_failure = failed
        .iter()
        .map(|o| o.started + o.took)
        .max()
        .unwrap_or_default();
    eprintln!(
        "outage: {} requests, {} answered 503, slowest {slowest:?}, last failure {:?} after the \
         database was back, {} writes acknowledged and kept",
        outcomes.len(),
        failed.len(),
        last_failure.saturating_sub(up_at),
        acknowledged.len()
    );
    drop(conn);
    if let Ok(app) = Arc::try_unwrap(app) {
        app.stop().await;
    }
}
