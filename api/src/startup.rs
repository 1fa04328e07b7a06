//! Building and running the server: `Application::build` does all I/O of start-up (database,
//! migrations, seed, socket) and `run_until_stopped` serves until a signal.

use crate::auth::TokenKeys;
use crate::config::Settings;
use crate::db;
use crate::graphql::{self, AppSchema};
use crate::routes;
use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::{App, HttpServer, http, middleware, web};
use sea_orm::{DatabaseConnection, DbErr};
use std::net::TcpListener;
use std::sync::Arc;
use tracing_actix_web::TracingLogger;

/// Room for the texts of automatic persisted queries (a few thousand typical queries).
const PERSISTED_QUERY_BYTES: u64 = 4 * 1024 * 1024;
/// Room for parsed documents: about 150 documents the size of a full program page.
const DOCUMENT_CACHE_BYTES: u64 = 4 * 1024 * 1024;

/// Start-up failed; the message says which step.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to the database: {0}")]
    Connect(DbErr),
    #[error("cannot migrate the database: {0}")]
    Migrate(DbErr),
    #[error("cannot seed the database: {0}")]
    Seed(#[from] crate::import::ImportError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
}

/// Called with the SQL of every statement the server's pools run (tests count them).
pub type StatementHook = Arc<dyn Fn(&str) + Send + Sync>;

/// A server bound to its port, ready to run.
pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Connects, migrates, seeds an empty database (when configured) and binds the socket.
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        Self::build_with_hook(settings, None).await
    }

    /// As [`Application::build`], with a hook on every SQL statement of the HTTP workers.
    pub async fn build_with_hook(
        settings: Settings,
        hook: Option<StatementHook>,
    ) -> Result<Self, StartupError> {
        let setup = db::connect(&settings.database_url, 2, settings.db_acquire_timeout())
            .await
            .map_err(StartupError::Connect)?;
        db::migrate(&setup).await.map_err(StartupError::Migrate)?;
        if settings.seed {
            match crate::seed::seed_if_empty(&setup).await? {
                Some(report) => {
                    tracing::info!(?report, "seeded the empty database from the bundled data")
                }
                None => tracing::debug!("database already has content; not seeding"),
            }
        }
        if crate::kb::visibility::kept::ensure(&setup)
            .await
            .map_err(StartupError::Migrate)?
        {
            tracing::info!("kept what readers may see on the change list (an upgraded database)");
        }
        crate::search::ensure_index(&setup)
            .await
            .map_err(StartupError::Migrate)?;
        let bounds = match crate::kb::bounds::load(&setup).await {
            Ok(bounds) => Some(bounds),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the list bounds at start; reading them later");
                None
            }
        };
        let backend = setup.get_database_backend();
        setup.close().await.map_err(StartupError::Connect)?;

        let listener =
            TcpListener::bind(&settings.addr).map_err(|source| StartupError::Listen {
                addr: settings.addr.clone(),
                source,
            })?;
        let local = listener
            .local_addr()
            .map_err(|source| StartupError::Listen {
                addr: settings.addr.clone(),
                source,
            })?;
        let schema = web::Data::new(graphql::schema(settings.limits));
        // Live changes: on PostgreSQL a listener on a connection of its own hears every
        // replica's commits; on SQLite the writers here wake the subscribers.
        let live = crate::live::LiveChanges::new(backend);
        if backend == sea_orm::DbBackend::Postgres {
            // One connection listens, the other sends the heartbeat.
            let listening = db::connect(&settings.database_url, 2, settings.db_acquire_timeout())
                .await
                .map_err(StartupError::Connect)?;
            live.listen(listening);
        }
        let server =
            serve(listener, schema, live, settings.clone(), hook, bounds).map_err(|source| {
                StartupError::Listen {
                    addr: settings.addr.clone(),
                    source,
                }
            })?;
        tracing::info!(address = %format!("http://{local}"), workers = settings.workers, "visa-kb is listening (GraphQL at /graphql, GraphiQL at /)");
        Ok(Self {
            port: local.port(),
            server,
        })
    }

    /// The port the server listens on (useful with port 0).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is told to stop.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Browser apps on other origins may read the API (GET/POST, JSON bodies, bearer tokens, and
/// the headers of common clients, `VISA_KB_CORS_ALLOW_HEADERS`).
fn cors(origins: &str, allow_headers: &str) -> Cors {
    let extra = allow_headers
        .split(',')
        .map(str::trim)
        .filter_map(|h| http::header::HeaderName::from_bytes(h.as_bytes()).ok());
    let cors = Cors::default()
        .allowed_methods([http::Method::GET, http::Method::HEAD, http::Method::POST])
        .allowed_headers(
            [
                http::header::CONTENT_TYPE,
                http::header::AUTHORIZATION,
                http::header::ACCEPT,
            ]
            .into_iter()
            .chain(extra),
        )
        // Browser apps may read when to retry and how much of their rate is left.
        .expose_headers([
            http::header::RETRY_AFTER,
            http::header::HeaderName::from_static("ratelimit-limit"),
            http::header::HeaderName::from_static("ratelimit-remaining"),
            http::header::HeaderName::from_static("ratelimit-reset"),
            http::header::HeaderName::from_static("x-request-id"),
        ])
        .max_age(3600);
    if origins.trim() == "*" {
        cors.allow_any_origin()
    } else {
        origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .fold(cors, |cors, origin| cors.allowed_origin(origin))
    }
}

/// 405 for a method a route does not answer, saying which it does.
async fn not_allowed(allow: &'static str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::MethodNotAllowed()
        .insert_header((http::header::ALLOW, allow))
        .json(serde_json::json!({ "errors": [{
            "message": format!("this route answers {allow}"),
            "extensions": { "code": "METHOD_NOT_ALLOWED" }
        }]}))
}

/// A read-only route: GET and HEAD.
fn readable<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler.clone()))
        .route(web::head().to(handler))
        .default_service(web::route().to(|| not_allowed("GET, HEAD")))
}

/// A read-only route of public content: validated and kept by HTTP caches
/// (`routes::http_cache`).
fn public<F, Args>(
    path: &str,
    handler: F,
) -> actix_web::Resource<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<actix_web::body::BoxBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    F: actix_web::Handler<Args> + Clone,
    Args: actix_web::FromRequest + 'static,
    F::Output: actix_web::Responder + 'static,
{
    readable(path, handler).wrap(middleware::from_fn(routes::http_cache::validate))
}

fn serve(
    listener: TcpListener,
    schema: web::Data<AppSchema>,
    live: crate::live::LiveChanges,
    settings: Settings,
    hook: Option<StatementHook>,
    bounds: Option<crate::kb::bounds::Bounds>,
) -> std::io::Result<Server> {
    let workers = settings.workers;
    let body_limit = settings.limits.max_body_bytes;
    let invalid = |e: crate::config::ConfigError| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string())
    };
    let trusted_proxies = settings.trusted_proxy_nets().map_err(invalid)?;
    let limit = routes::limit::AnonymousLimit::new(
        settings.rate_limit_per_second,
        settings.rate_limit_burst,
        settings.rate_limit_exempt_nets().map_err(invalid)?,
    );
    let metrics = routes::metrics::Metrics::new(settings.metrics_allow_nets().map_err(invalid)?)
        .map_err(std::io::Error::other)?;
    let base = match &settings.public_url {
        Some(url) => crate::permalink::PublicBase::configured(url),
        None => {
            let base = crate::permalink::PublicBase::listening(listener.local_addr()?);
            tracing::warn!(
                base = %base.0,
                "VISA_KB_PUBLIC_URL is not set: permalinks and citations use the listening \
                 address (or what a trusted proxy forwards); set it in production"
            );
            base
        }
    };
    // One key for the process: every worker must accept the tokens any worker issued.
    let config = web::Data::new(routes::state::RequestConfig {
        delay: std::time::Duration::from_micros(settings.loader_delay_us),
        keys: Arc::new(TokenKeys::from_settings(&settings)),
        limits: settings.limits,
        bounds: routes::state::ListBounds::new(bounds),
        limit,
        base_configured: settings.public_url.is_some(),
        base,
        trusted_proxies,
        cache: routes::cache::ResponseCache::new(settings.response_cache_mb),
        persisted: routes::graphql::PersistedQueries::new(PERSISTED_QUERY_BYTES),
        documents: graphql::DocumentCache::new(DOCUMENT_CACHE_BYTES),
        prevalidated: graphql::prevalidated_schema(settings.limits),
        metrics,
        sockets: routes::graphql::SocketSlots::default(),
        max_sockets_per_client: settings.max_sockets_per_client,
        max_subscriptions_per_socket: settings.max_subscriptions_per_socket,
        reverify_after: crate::kb::reverify::AfterDays(settings.reverify_after_days),
        freshness: routes::http_cache::Freshness {
            max_age: std::time::Duration::from_secs(settings.http_max_age_secs),
            stale_while_revalidate: std::time::Duration::from_secs(
                settings.http_stale_while_revalidate_secs,
            ),
        },
        eligibility: Arc::default(),
        live,
    });
    let server = HttpServer::new(move || {
        let settings = settings.clone();
        let hook = hook.clone();
        let pools_of = config.clone();
        App::new()
            // Before any work (the cache included) a flood is refused; inside CORS, so that a
            // browser app can read the 429, and preflights are not counted.
            .wrap(middleware::from_fn(routes::limit::anonymous))
            .wrap(cors(&settings.cors_origins, &settings.cors_allow_headers))
            // Large lists compress well; clients that send Accept-Encoding get gzip.
            .wrap(middleware::Compress::default())
            // Inside the request-id middleware (listed after it), which has set the id by then.
            .wrap(middleware::from_fn(routes::access::log))
            .wrap(TracingLogger::default())
            // Every answer: no content sniffing, no referrer to other sites.
            .wrap(
                middleware::DefaultHeaders::new()
                    .add((http::header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                    .add((
                        http::header::REFERRER_POLICY,
                        "strict-origin-when-cross-origin",
                    )),
            )
            .app_data(schema.clone())
            .app_data(config.clone())
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(web::JsonConfig::default().limit(body_limit))
            // One pool per worker: its connections stay on the runtime that opened them.
            .data_factory(move || {
                let settings = settings.clone();
                let hook = hook.clone();
                let config_for_pool = pools_of.clone();
                async move {
                    let mut db: DatabaseConnection = db::connect(
                        &settings.database_url,
                        settings.db_max_connections,
                        settings.db_acquire_timeout(),
                    )
                    .await
                    .map_err(|e| {
                        tracing::error!(error = %e, "worker cannot connect to the database");
                        e
                    })?;
                    if let Some(hook) = hook {
                        db.set_metric_callback(move |info| hook(&info.statement.sql));
                    }
                    config_for_pool.metrics.watch_pool(&db);
                    Ok::<_, DbErr>(db)
                }
            })
            // Every GET route answers HEAD too (actix drops the body); any other method is
            // 405 with `Allow`.
            .service(
                web::resource("/graphql")
                    // Every answer's media type (and GET's GraphiQL) depends on `Accept`.
                    .wrap(middleware::DefaultHeaders::new().add((http::header::VARY, "Accept")))
                    .wrap(middleware::from_fn(routes::http_cache::validate))
                    .route(web::post().to(routes::graphql::post))
                    .route(
                        web::get()
                            .guard(actix_web::guard::fn_guard(routes::graphql::is_upgrade))
                            .to(routes::graphql::subscribe),
                    )
                    .route(web::get().to(routes::graphql::get))
                    .route(web::head().to(routes::graphql::get))
                    .default_service(web::route().to(|| not_allowed("GET, HEAD, POST"))),
            )
            .service(readable("/", routes::graphql::graphiql))
            .service(readable("/assets/{version}/{name}", routes::assets::file))
            .service(readable("/edit", routes::edit::workspace))
            .service(public("/export/programs.csv", routes::export::csv))
            .service(public("/export/programs.json", routes::export::json))
            .service(public("/feed.atom", routes::feed::atom))
            .service(public("/programs/{slug}", routes::permalink::program))
            .service(public(
                "/programs/{slug}/cite.ris",
                routes::permalink::cite_ris,
            ))
            .service(public(
                "/programs/{slug}/cite.csl.json",
                routes::permalink::cite_csl_json,
            ))
            .service(public("/records/{id}", routes::permalink::record))
            .service(public("/compare", routes::web::compare))
            .service(public("/programs", routes::web::programs))
            .service(public("/timeline", routes::web::timeline))
            .service(public("/changes", routes::web::changes))
            .service(public("/search", routes::web::search))
            .service(readable("/healthz", routes::health::healthz))
            .service(readable("/readyz", routes::health::readyz))
            .service(readable("/metrics", routes::metrics::scrape))
    })
    .workers(workers)
    .listen(listener)?
    .run();
    Ok(server)
}
