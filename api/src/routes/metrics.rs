//! Prometheus metrics at `GET /metrics`: requests by route, method and status, latency
//! histograms, GraphQL operations by name and status, database pool usage, response-cache hits
//! and misses, and rate-limited requests. (The `prometheus` crate, TiKV's: an explicit
//! registry, the text format, no global state to reset between tests.)
//!
//! Only clients in `VISA_KB_METRICS_ALLOW` (the scrapers' networks; behind a trusted proxy, the
//! forwarded client) may read it: operation names and traffic are not for the public.

use super::state::{RequestConfig, client_ip};
use actix_web::{HttpRequest, HttpResponse, web};
use ipnet::IpNet;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry,
    TextEncoder,
};
use sea_orm::{DatabaseConnection, DbBackend};
use std::collections::HashSet;
use std::sync::Mutex;

/// At most this many distinct operation names get their own series; later ones count as
/// `other` (clients choose the names: they must not grow the series without bound).
const MAX_OPERATION_NAMES: usize = 200;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    duration: HistogramVec,
    operations: IntCounterVec,
    cache: IntCounterVec,
    rate_limited: IntCounter,
    pool: IntGaugeVec,
    /// Every worker's pool, read when scraped.
    pools: Mutex<Vec<DatabaseConnection>>,
    names: Mutex<HashSet<String>>,
    allow: Vec<IpNet>,
}

impl Metrics {
    /// The metrics, readable from the networks in `allow`.
    pub fn new(allow: Vec<IpNet>) -> Result<Self, prometheus::Error> {
        let registry = Registry::new_custom(Some("visa_kb".to_owned()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time from a request's arrival to its answer, by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ]),
            &["route"],
        )?;
        let operations = IntCounterVec::new(
            Opts::new(
                "graphql_operations_total",
                "GraphQL requests by operation name and HTTP status",
            ),
            &["operation", "status"],
        )?;
        let cache = IntCounterVec::new(
            Opts::new(
                "response_cache_total",
                "Public GraphQL answers: cache hits and misses",
            ),
            &["result"],
        )?;
        let rate_limited = IntCounter::new(
            "rate_limited_total",
            "Anonymous requests refused by the rate limit (429)",
        )?;
        let pool = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database connections of all worker pools, in use or idle",
            ),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        registry.register(Box::new(operations.clone()))?;
        registry.register(Box::new(cache.clone()))?;
        registry.register(Box::new(rate_limited.clone()))?;
        registry.register(Box::new(pool.clone()))?;
        Ok(Self {
            registry,
            requests,
            duration,
            operations,
            cache,
            rate_limited,
            pool,
            pools: Mutex::default(),
            names: Mutex::default(),
            allow,
        })
    }

    /// A worker's pool, to be reported.
    pub fn watch_pool(&self, db: &DatabaseConnection) {
        if let Ok(mut pools) = self.pools.lock() {
            pools.push(db.clone());
        }
    }

    /// One answered request. `route` is the matched pattern (`/programs/{slug}`), never the
    /// path, so that series stay few.
    pub fn request(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let status = status.to_string();
        self.requests
            .with_label_values(&[route, method, &status])
            .inc();
        self.duration.with_label_values(&[route]).observe(seconds);
    }

    /// One GraphQL request with its operations' names (comma-separated; `None`: anonymous).
    pub fn operation(&self, names: Option<&str>, status: u16) {
        let name = self.bounded(names.unwrap_or("anonymous"));
        self.operations
            .with_label_values(&[&name, &status.to_string()])
            .inc();
    }

    pub fn cache_hit(&self, hit: bool) {
        self.cache
            .with_label_values(&[if hit { "hit" } else { "miss" }])
            .inc();
    }

    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    fn bounded(&self, name: &str) -> String {
        let plausible = !name.is_empty()
            && name.len() <= 100
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ',');
        if !plausible {
            return "other".to_owned();
        }
        let Ok(mut names) = self.names.lock() else {
            return "other".to_owned();
        };
        if names.contains(name) || names.len() < MAX_OPERATION_NAMES {
            names.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".to_owned()
        }
    }

    /// The text exposition of every metric, the pools read now.
    fn render(&self) -> Result<String, prometheus::Error> {
        let (mut size, mut idle) = (0_i64, 0_i64);
        if let Ok(pools) = self.pools.lock() {
            for db in pools.iter() {
                let (s, i) = pool_usage(db);
                size += s;
                idle += i;
            }
        }
        self.pool.with_label_values(&["in_use"]).set(size - idle);
        self.pool.with_label_values(&["idle"]).set(idle);
        let mut out = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut out)?;
        String::from_utf8(out).map_err(|e| prometheus::Error::Msg(e.to_string()))
    }
}

/// Open and idle connections of one pool.
fn pool_usage(db: &DatabaseConnection) -> (i64, i64) {
    let count = |size: u32, idle: usize| (i64::from(size), i64::try_from(idle).unwrap_or(0));
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            count(pool.size(), pool.num_idle())
        }
        DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            count(pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}

/// `GET /metrics`, for the networks allowed; 404 for everyone else (nothing to see here).
pub async fn scrape(req: HttpRequest, config: web::Data<RequestConfig>) -> HttpResponse {
    let metrics = &config.metrics;
    let allowed = client_ip(&req, &config)
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| metrics.allow.iter().any(|net| net.contains(&ip)));
    if !allowed {
        return HttpResponse::NotFound().json(serde_json::json!({ "error": "not found" }));
    }
    match metrics.render() {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .body(text),
        Err(e) => {
            tracing::error!(error = %e, "cannot render the metrics");
            HttpResponse::InternalServerError()
                .json(serde_json::json!({ "error": "internal error" }))
        }
    }
}
