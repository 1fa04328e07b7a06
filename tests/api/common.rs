//! Test harness: each test gets its own fresh database (SQLite always; PostgreSQL when
//! `TEST_DATABASE_URL` is set), migrated by the real migrations, and a real server on a random
//! port, spoken to over HTTP.

#![allow(dead_code)]

use api::config::Settings;
use api::startup::Application;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The token key of test servers (tests sign their own forged tokens with it or without it).
pub const TEST_JWT_SECRET: &str = "visa-kb test key, not for production use";
/// The password of every account tests create.
pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database of one backend.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Database { admin_url: String, name: String },
}

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("visa_kb_test_{}_{n}_{nanos}", std::process::id())
}

impl TestDb {
    /// `None` for PostgreSQL when `TEST_DATABASE_URL` is not set.
    pub async fn create(backend: Backend) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique_name()));
                Some(Self {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    cleanup: Cleanup::File(path),
                })
            }
            Backend::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").ok()?;
                Some(Self::create_on(&admin_url).await)
            }
        }
    }

    /// A fresh database on the PostgreSQL server of `admin_url` (a database URL).
    pub async fn create_on(admin_url: &str) -> Self {
        let admin_url = admin_url.to_owned();
        let name = unique_name();
        let admin = Database::connect(&admin_url)
            .await
            .expect("connect to the PostgreSQL server");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create test database");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .expect("the admin URL names a database");
        Self {
            url: format!("{base}/{name}"),
            cleanup: Cleanup::Database { admin_url, name },
        }
    }

    pub async fn drop_db(&self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(admin) = Database::connect(admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    admin.close().await.ok();
                }
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(&self.url)
            .await
            .expect("connect to the test database")
    }
}

fn test_settings(url: &str, seed: bool) -> Settings {
    let mut settings = Settings::for_tests(url);
    settings.seed = seed;
    settings.jwt_secret = Some(TEST_JWT_SECRET.to_owned().into());
    settings
}

/// A running server on a fresh database.
pub struct TestApp {
    pub backend: Backend,
    pub base: String,
    pub db: TestDb,
    pub client: reqwest::Client,
    /// Number of SQL statements the server's HTTP workers ran so far.
    pub statements: Arc<AtomicUsize>,
    /// The SQL of those statements, in order.
    pub statement_log: Arc<std::sync::Mutex<Vec<String>>>,
}

impl TestApp {
    /// Starts a server on an empty, migrated database.
    pub async fn empty(backend: Backend) -> Option<Self> {
        Self::start(backend, false).await
    }

    /// Starts a server on a database seeded with the bundled content.
    pub async fn seeded(backend: Backend) -> Option<Self> {
        Self::start(backend, true).await
    }

    /// Starts a seeded server whose trusted reverse proxy is 127.0.0.1 (the tests themselves).
    pub async fn seeded_behind_proxy(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| {
            s.trusted_proxies = "127.0.0.1".to_owned()
        })
        .await
    }

    /// Starts a seeded server behind a trusted proxy (127.0.0.1) that lets each client address
    /// send 5 anonymous requests at once, one more a second.
    pub async fn seeded_rate_limited(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| {
            s.trusted_proxies = "127.0.0.1".to_owned();
            s.rate_limit_per_second = 1;
            s.rate_limit_burst = 5;
        })
        .await
    }

    /// Starts a seeded server that stops any GraphQL request after 1 ms.
    pub async fn seeded_impatient(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| s.limits.request_timeout_ms = 1).await
    }

    /// Starts a seeded server that sends no GraphQL answer over 2,000 bytes.
    pub async fn seeded_terse(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| s.limits.max_response_bytes = 2000).await
    }

    /// Starts a seeded server without the response cache: every request runs.
    pub async fn seeded_uncached(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| s.response_cache_mb = 0).await
    }

    /// Starts a seeded server with the production loaders (`DEFAULT_LOADER_DELAY_US`), so
    /// that the statement counts measure how lists are batched there.
    pub async fn seeded_batching(backend: Backend) -> Option<Self> {
        Self::start_with(backend, true, |s| {
            s.loader_delay_us = api::config::DEFAULT_LOADER_DELAY_US
        })
        .await
    }

    async fn start(backend: Backend, seed: bool) -> Option<Self> {
        Self::start_with(backend, seed, |_| {}).await
    }

    /// Starts a server with the test settings changed by `tweak`.
    pub async fn start_with(
        backend: Backend,
        seed: bool,
        tweak: impl FnOnce(&mut Settings),
    ) -> Option<Self> {
        let db = TestDb::create(backend).await?;
        Some(Self::start_on(db, backend, seed, tweak).await)
    }

    /// Starts a server on `db` with the test settings changed by `tweak`.
    pub async fn start_on(
        db: TestDb,
        backend: Backend,
        seed: bool,
        tweak: impl FnOnce(&mut Settings),
    ) -> Self {
        let mut settings = test_settings(&db.url, seed);
        tweak(&mut settings);
        let statements = Arc::new(AtomicUsize::new(0));
        let counter = statements.clone();
        let statement_log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = statement_log.clone();
        let hook: api::startup::StatementHook = Arc::new(move |sql: &str| {
            counter.fetch_add(1, Ordering::SeqCst);
            if let Ok(mut log) = log.lock() {
                log.push(sql.to_owned());
            }
        });
        let app = Application::build_with_hook(settings, Some(hook))
            .await
            .expect("build the application");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        Self {
            backend,
            base,
            db,
            client: reqwest::Client::new(),
            statements,
            statement_log,
        }
    }

    /// POSTs a GraphQL query and returns the whole response body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("send the GraphQL request");
        response.json().await.expect("a JSON response")
    }

    /// GETs `path` (e.g. `/export/programs.json?country=CN`) and returns its JSON body.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("send the GET request");
        response.json().await.expect("a JSON response")
    }

    /// GETs `path` and returns its body as text (feeds, CSV, HTML).
    pub async fn get_text(&self, path: &str) -> String {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("send the GET request")
            .text()
            .await
            .expect("a text response")
    }

    /// Runs a query that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Runs a query that must fail and returns the `extensions.code` of its first error.
    pub async fn error_code(&self, query: &str, variables: Value) -> String {
        let body = self.graphql(query, variables).await;
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("expected an error with a code: {body:#}"))
            .to_owned()
    }

    /// Starts another server on this app's database (a second replica); returns its base URL.
    pub async fn replica(&self) -> String {
        let app = Application::build(test_settings(&self.db.url, false))
            .await
            .expect("build the second server");
        let base = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        base
    }

    /// Creates an account directly in the database (as `visa-kb user create` does).
    pub async fn create_user(&self, email: &str, role: entity::enums::Role) {
        let db = self.db.connect().await;
        let meta = api::auth::RequestMeta::default();
        api::auth::accounts::create(
            &db,
            api::auth::accounts::NewUser {
                email: email.to_owned(),
                display_name: email.split('@').next().unwrap_or_default().to_owned(),
                role,
                password: TEST_PASSWORD.to_owned().into(),
            },
            api::audit::Actor::cli(&meta),
        )
        .await
        .expect("create a test account");
        db.close().await.ok();
    }

    /// Signs in and returns the token.
    pub async fn login(&self, email: &str) -> String {
        let data = self
            .data(
                "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                json!({ "e": email, "p": TEST_PASSWORD }),
            )
            .await;
        data["login"]["token"].as_str().expect("a token").to_owned()
    }

    /// A new editor account, signed in.
    pub async fn editor(&self) -> String {
        let email = format!(
            "editor{}@example.org",
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        self.create_user(&email, entity::enums::Role::Editor).await;
        self.login(&email).await
    }

    /// A new admin account, signed in.
    pub async fn admin(&self) -> String {
        let email = format!(
            "admin{}@example.org",
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        self.create_user(&email, entity::enums::Role::Admin).await;
        self.login(&email).await
    }

    /// POSTs a GraphQL request to `base` with an optional `Authorization` header value;
    /// returns the HTTP status and the body.
    pub async fn post_to(
        &self,
        base: &str,
        authorization: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{base}/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        let response = request.send().await.expect("send the GraphQL request");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON response"))
    }

    /// A GraphQL request signed in with `token`; returns the whole body.
    pub async fn graphql_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (status, body) = self
            .post_to(
                &self.base,
                Some(&format!("Bearer {token}")),
                query,
                variables,
            )
            .await;
        assert_eq!(status, 200, "{body:#}");
        body
    }

    /// As [`TestApp::data`], signed in with `token`.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(token, query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// As [`TestApp::error_code`], signed in with `token`; returns the first error.
    pub async fn error_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let body = self.graphql_as(token, query, variables).await;
        assert!(
            body["errors"][0]["extensions"]["code"].is_string(),
            "expected an error: {body:#}"
        );
        body["errors"][0].clone()
    }

    pub async fn stop(self) {
        self.db.drop_db().await;
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL (the latter only when
/// `TEST_DATABASE_URL` is set): `backend_test!(name, seeded, |app| async move { ... });`
#[macro_export]
macro_rules! backend_test {
    ($name:ident, $start:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run(backend: $crate::common::Backend) {
                let Some($app) = $crate::common::TestApp::$start(backend).await else {
                    eprintln!("TEST_DATABASE_URL is not set: PostgreSQL variant not run");
                    return;
                };
                let $app = &$app;
                $body.await;
                // Reached only when the body passed; a failed test keeps its database to inspect.
                let app: &$crate::common::TestApp = $app;
                app.db.drop_db().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::common::Backend::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::common::Backend::Postgres).await;
            }
        }
    };
}
