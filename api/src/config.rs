//! Typed configuration, read once at start-up: defaults, then an optional TOML file, then the
//! environment. This is the only module that reads environment variables.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Where the embedded default keeps its data: a SQLite file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://visa-kb.db?mode=rwc";

/// Batched loads wait this long for sibling keys. None: every nested list goes through one
/// loader key, so the keys of one level register in one pass and batch without a wait. With
/// 500 µs (the default while each kind of list had a key of its own and siblings finished
/// apart) a detail query took 0.8-1.4 ms longer alone and served as many or fewer a second.
pub const DEFAULT_LOADER_DELAY_US: u64 = 0;

/// Headers common GraphQL clients and tracing send (Apollo, Sentry, W3C trace context): a
/// preflight that refused them would make those clients fail before their first request.
pub const DEFAULT_CORS_ALLOW_HEADERS: &str = "apollographql-client-name,apollographql-client-version,\
x-request-id,x-apollo-operation-name,apollo-require-preflight,sentry-trace,baggage,traceparent,tracestate";

/// Cached public responses take at most this much memory by default.
pub const DEFAULT_RESPONSE_CACHE_MB: u64 = 8;

/// A public answer is fresh for a minute: a correction reaches every reader within a minute of
/// its publication, whatever caches are in between.
pub const DEFAULT_HTTP_MAX_AGE_SECS: u64 = 60;

/// After that, a cache may serve it for five more minutes while it revalidates (a 304 when
/// nothing changed).
pub const DEFAULT_HTTP_STALE_WHILE_REVALIDATE_SECS: u64 = 300;

/// Who may read `/metrics` by default: this host and the private networks a scraper runs in.
pub const DEFAULT_METRICS_ALLOW: &str =
    "127.0.0.1/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";

/// Every setting of the server. See README.md for the table of variables.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://...` or `postgres://...`. Kept secret: it may hold a password.
    pub database_url: SecretString,
    /// `VISA_KB_ADDR`: the address to listen on; port 0 picks a free port (tests do).
    pub addr: String,
    /// `VISA_KB_WORKERS`: HTTP worker threads, each with its own database pool.
    pub workers: usize,
    /// `VISA_KB_DB_MAX_CONNECTIONS`: connections per worker pool. Four by default: with a
    /// worker per core, PostgreSQL then runs about four statements per core at once. Ten each
    /// (twenty backends on two cores) gave the same throughput and a longer tail: at 10,000
    /// programs and 16 clients, p99 30-35 ms against 25 for filtered lists, 36-39 against
    /// 31-33 for comparisons (`bench/README.md`, twelfth round).
    pub db_max_connections: u32,
    /// `VISA_KB_DB_ACQUIRE_TIMEOUT_MS`: how long a request waits for a pooled connection (or a
    /// new one) before it is told the database is unavailable (503).
    pub db_acquire_timeout_ms: u64,
    /// `VISA_KB_MAX_SOCKETS_PER_CLIENT`: open WebSocket (subscription) connections one client
    /// address may hold at once; another is refused with 429 (0: no WebSockets at all).
    pub max_sockets_per_client: usize,
    /// `VISA_KB_MAX_SUBSCRIPTIONS_PER_SOCKET`: subscriptions running at once on one
    /// connection; another is refused with TOO_MANY_SUBSCRIPTIONS.
    pub max_subscriptions_per_socket: usize,
    /// `VISA_KB_REVERIFY_AFTER_DAYS`: a value whose newest source is older than this many days
    /// is on the editors' re-verification list (`valuesToReverify`).
    pub reverify_after_days: u32,
    /// `VISA_KB_SEED`: seed an empty database from the bundled data on start.
    pub seed: bool,
    /// `VISA_KB_CORS_ORIGINS`: origins (comma-separated) whose browser apps may call the API;
    /// `*` allows any. The API is public and uses no cookies, so `*` is safe and the default.
    pub cors_origins: String,
    /// `VISA_KB_LOADER_DELAY_US`: how long a batched load waits for more keys (0: it runs as
    /// soon as the resolvers that asked for it yield).
    pub loader_delay_us: u64,
    /// `VISA_KB_RESPONSE_CACHE_MB`: memory for cached public responses (0: no cache). Each
    /// entry is checked against the database's content version before use, so replicas never
    /// serve what another replica has changed.
    pub response_cache_mb: u64,
    /// `VISA_KB_HTTP_MAX_AGE_SECS`: how long browsers and a CDN may keep a public answer
    /// (pages, permalinks, exports, the feed, GraphQL GET) before asking again with its ETag.
    pub http_max_age_secs: u64,
    /// `VISA_KB_HTTP_STALE_WHILE_REVALIDATE_SECS`: how long after that they may still serve it
    /// while they ask.
    pub http_stale_while_revalidate_secs: u64,
    /// `VISA_KB_PUBLIC_URL`: the base URL readers reach the API at (for permalinks, citations
    /// and the feed); default: the scheme and host of each request.
    pub public_url: Option<String>,
    /// `VISA_KB_LOG_FORMAT`: `auto` (JSON unless stderr is a terminal), `json` or `pretty`.
    pub log_format: String,
    /// `VISA_KB_CORS_ALLOW_HEADERS`: request headers (comma-separated) browser apps may send,
    /// besides `Content-Type`, `Authorization` and `Accept`.
    pub cors_allow_headers: String,
    /// `VISA_KB_TRUSTED_PROXIES`: addresses or CIDR ranges (comma-separated) of the reverse
    /// proxies in front of the server. Only a request from one of them may say, in `Forwarded`
    /// or `X-Forwarded-Host`/`-Proto`, under which host and scheme readers reached the API;
    /// anyone else's headers are ignored, so a stranger cannot put their host into permalinks.
    pub trusted_proxies: String,
    /// `VISA_KB_RATE_LIMIT_PER_SECOND`: anonymous requests per second per client address
    /// (0: no limit).
    pub rate_limit_per_second: u32,
    /// `VISA_KB_RATE_LIMIT_BURST`: how many anonymous requests a client may send at once.
    pub rate_limit_burst: u32,
    /// `VISA_KB_RATE_LIMIT_EXEMPT`: addresses or CIDR ranges never limited (by default this
    /// machine's own, for health checks, benchmarks and a server-side frontend on the host).
    pub rate_limit_exempt: String,
    /// `VISA_KB_METRICS_ALLOW`: networks (CIDR, comma-separated) whose clients may read
    /// `/metrics`; behind a trusted proxy, the forwarded client counts.
    pub metrics_allow: String,
    /// `VISA_KB_OTLP_ENDPOINT`: an OTLP/HTTP collector (`http://collector:4318`) to send
    /// traces to; none when unset.
    pub otlp_endpoint: Option<String>,
    /// `VISA_KB_JWT_SECRET`: the HS256 key of editor tokens, at least 32 bytes. Without it the
    /// server makes a random key at start: tokens then die with the process and are not
    /// accepted by other replicas.
    pub jwt_secret: Option<SecretString>,
    /// `VISA_KB_JWT_TTL_SECS`: how long a token is valid.
    pub jwt_ttl_secs: u64,
    /// GraphQL limits.
    #[serde(flatten)]
    pub limits: Limits,
}

/// Every setting's key (`VISA_KB_<KEY>` or `key` in the file), and `config` (the file's own
/// name, `VISA_KB_CONFIG`, which the environment source also reads).
const KNOWN_KEYS: [&str; 34] = [
    "config",
    "database_url",
    "addr",
    "workers",
    "db_max_connections",
    "db_acquire_timeout_ms",
    "max_sockets_per_client",
    "max_subscriptions_per_socket",
    "reverify_after_days",
    "seed",
    "cors_origins",
    "cors_allow_headers",
    "loader_delay_us",
    "response_cache_mb",
    "http_max_age_secs",
    "http_stale_while_revalidate_secs",
    "public_url",
    "trusted_proxies",
    "rate_limit_per_second",
    "rate_limit_burst",
    "rate_limit_exempt",
    "metrics_allow",
    "otlp_endpoint",
    "jwt_secret",
    "jwt_ttl_secs",
    "max_depth",
    "max_complexity",
    "max_aliases",
    "max_page_size",
    "default_page_size",
    "max_body_bytes",
    "request_timeout_ms",
    "max_response_bytes",
    "log_format",
];

/// Shortest accepted token key: HS256 is only as strong as its key.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Bounds on what one GraphQL request may ask for.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Limits {
    /// `VISA_KB_MAX_DEPTH`: deepest selection nesting (the introspection query needs 13).
    pub max_depth: usize,
    /// `VISA_KB_MAX_COMPLEXITY`: the cost budget of one HTTP request (all its operations):
    /// fields counted once per object, lists by the rows they may return (`graphql::cost`).
    pub max_complexity: usize,
    /// `VISA_KB_MAX_ALIASES`: aliased fields in one document.
    pub max_aliases: usize,
    /// `VISA_KB_MAX_PAGE_SIZE`: largest `first`/`last`.
    pub max_page_size: u64,
    /// `VISA_KB_DEFAULT_PAGE_SIZE`: page size when neither `first` nor `last` is given.
    pub default_page_size: u64,
    /// `VISA_KB_MAX_BODY_BYTES`: largest request body.
    pub max_body_bytes: usize,
    /// `VISA_KB_REQUEST_TIMEOUT_MS`: a GraphQL request still running after this is stopped and
    /// answered TIMEOUT.
    pub request_timeout_ms: u64,
    /// `VISA_KB_MAX_RESPONSE_BYTES`: largest GraphQL answer; a larger one is not sent
    /// (RESPONSE_TOO_LARGE).
    pub max_response_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 16,
            max_complexity: 50_000,
            max_aliases: 40,
            max_page_size: 100,
            default_page_size: 20,
            max_body_bytes: 256 * 1024,
            request_timeout_ms: 10_000,
            max_response_bytes: 4 * 1024 * 1024,
        }
    }
}

/// A comma-separated list of IP addresses or CIDR ranges (`setting` names it in errors).
fn networks(setting: &str, list: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| {
                    ConfigError(format!(
                        "{setting}: `{item}` is not an IP address or CIDR range"
                    ))
                })
        })
        .collect()
}

/// Configuration could not be read; the message names the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Settings {
    /// Reads defaults, the file named by `VISA_KB_CONFIG` (if any), then `VISA_KB_*` and
    /// `DATABASE_URL` from the environment.
    pub fn load() -> Result<Self, ConfigError> {
        let limits = Limits::default();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut builder = config::Config::builder()
            .set_default("database_url", DEFAULT_DATABASE_URL)
            .and_then(|b| b.set_default("addr", "127.0.0.1:8080"))
            .and_then(|b| b.set_default("workers", workers as u64))
            .and_then(|b| b.set_default("db_max_connections", 4))
            .and_then(|b| b.set_default("db_acquire_timeout_ms", 2000))
            .and_then(|b| b.set_default("max_sockets_per_client", 8))
            .and_then(|b| b.set_default("max_subscriptions_per_socket", 20))
            .and_then(|b| {
                b.set_default(
                    "reverify_after_days",
                    crate::kb::reverify::DEFAULT_AFTER_DAYS,
                )
            })
            .and_then(|b| b.set_default("seed", true))
            .and_then(|b| b.set_default("cors_origins", "*"))
            .and_then(|b| b.set_default("cors_allow_headers", DEFAULT_CORS_ALLOW_HEADERS))
            .and_then(|b| b.set_default("log_format", "auto"))
            .and_then(|b| b.set_default("trusted_proxies", ""))
            .and_then(|b| b.set_default("rate_limit_per_second", 20))
            .and_then(|b| b.set_default("rate_limit_burst", 40))
            .and_then(|b| b.set_default("rate_limit_exempt", "127.0.0.1/8,::1/128"))
            .and_then(|b| b.set_default("metrics_allow", DEFAULT_METRICS_ALLOW))
            .and_then(|b| b.set_default("loader_delay_us", DEFAULT_LOADER_DELAY_US))
            .and_then(|b| b.set_default("jwt_ttl_secs", 3600))
            .and_then(|b| b.set_default("response_cache_mb", DEFAULT_RESPONSE_CACHE_MB))
            .and_then(|b| b.set_default("http_max_age_secs", DEFAULT_HTTP_MAX_AGE_SECS))
            .and_then(|b| {
                b.set_default(
                    "http_stale_while_revalidate_secs",
                    DEFAULT_HTTP_STALE_WHILE_REVALIDATE_SECS,
                )
            })
            .and_then(|b| b.set_default("max_depth", limits.max_depth as u64))
            .and_then(|b| b.set_default("max_complexity", limits.max_complexity as u64))
            .and_then(|b| b.set_default("max_aliases", limits.max_aliases as u64))
            .and_then(|b| b.set_default("max_page_size", limits.max_page_size))
            .and_then(|b| b.set_default("default_page_size", limits.default_page_size))
            .and_then(|b| b.set_default("max_body_bytes", limits.max_body_bytes as u64))
            .and_then(|b| b.set_default("request_timeout_ms", limits.request_timeout_ms))
            .and_then(|b| b.set_default("max_response_bytes", limits.max_response_bytes as u64))
            .map_err(|e| ConfigError(e.to_string()))?;
        if let Ok(path) = std::env::var("VISA_KB_CONFIG") {
            builder = builder.add_source(config::File::with_name(&path).required(true));
        }
        builder = builder
            .add_source(
                config::Environment::with_prefix("VISA_KB")
                    .prefix_separator("_")
                    .try_parsing(true),
            )
            .set_override_option("database_url", std::env::var("DATABASE_URL").ok())
            .map_err(|e| ConfigError(e.to_string()))?;
        let config = builder.build().map_err(|e| ConfigError(e.to_string()))?;
        // A misspelt setting (`max_dept`) would otherwise be ignored in silence.
        let keys = config
            .clone()
            .try_deserialize::<std::collections::HashMap<String, config::Value>>()
            .map_err(|e| ConfigError(e.to_string()))?;
        if let Some(unknown) = keys.keys().find(|k| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(ConfigError(format!(
                "unknown setting `{unknown}` (VISA_KB_{} or `{unknown}` in the file); \
                 the settings are listed in README.md",
                unknown.to_uppercase()
            )));
        }
        let settings: Settings = config
            .try_deserialize()
            .map_err(|e| ConfigError(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Settings for an in-process server: the given database, a free port, defaults elsewhere.
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            database_url: SecretString::from(database_url.to_owned()),
            addr: "127.0.0.1:0".to_owned(),
            workers: 2,
            db_max_connections: 5,
            db_acquire_timeout_ms: 2000,
            max_sockets_per_client: 8,
            max_subscriptions_per_socket: 20,
            reverify_after_days: crate::kb::reverify::DEFAULT_AFTER_DAYS,
            seed: false,
            cors_origins: "*".to_owned(),
            loader_delay_us: 0,
            response_cache_mb: DEFAULT_RESPONSE_CACHE_MB,
            http_max_age_secs: DEFAULT_HTTP_MAX_AGE_SECS,
            http_stale_while_revalidate_secs: DEFAULT_HTTP_STALE_WHILE_REVALIDATE_SECS,
            public_url: None,
            cors_allow_headers: DEFAULT_CORS_ALLOW_HEADERS.to_owned(),
            log_format: "auto".to_owned(),
            trusted_proxies: String::new(),
            // Every test client is one address; the tests of the limit turn it on.
            rate_limit_per_second: 0,
            rate_limit_burst: 40,
            rate_limit_exempt: String::new(),
            metrics_allow: DEFAULT_METRICS_ALLOW.to_owned(),
            otlp_endpoint: None,
            jwt_secret: None,
            jwt_ttl_secs: 3600,
            limits: Limits::default(),
        }
    }

    /// `VISA_KB_TRUSTED_PROXIES` as networks (a bare address is a network of one).
    pub fn trusted_proxy_nets(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        networks("VISA_KB_TRUSTED_PROXIES", &self.trusted_proxies)
    }

    /// `VISA_KB_RATE_LIMIT_EXEMPT` as networks.
    pub fn rate_limit_exempt_nets(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        networks("VISA_KB_RATE_LIMIT_EXEMPT", &self.rate_limit_exempt)
    }

    pub fn metrics_allow_nets(&self) -> Result<Vec<ipnet::IpNet>, ConfigError> {
        networks("VISA_KB_METRICS_ALLOW", &self.metrics_allow)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let url = self.database_url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(ConfigError(
                "DATABASE_URL must start with sqlite:, postgres:// or postgresql://".to_owned(),
            ));
        }
        if self.workers == 0 || self.db_max_connections == 0 {
            return Err(ConfigError(
                "VISA_KB_WORKERS and VISA_KB_DB_MAX_CONNECTIONS must be at least 1".to_owned(),
            ));
        }
        if self.reverify_after_days == 0 {
            return Err(ConfigError(
                "VISA_KB_REVERIFY_AFTER_DAYS must be at least 1".to_owned(),
            ));
        }
        if self.db_acquire_timeout_ms == 0 {
            return Err(ConfigError(
                "VISA_KB_DB_ACQUIRE_TIMEOUT_MS must be at least 1".to_owned(),
            ));
        }
        if self.limits.default_page_size == 0
            || self.limits.default_page_size > self.limits.max_page_size
        {
            return Err(ConfigError(
                "VISA_KB_DEFAULT_PAGE_SIZE must be between 1 and VISA_KB_MAX_PAGE_SIZE".to_owned(),
            ));
        }
        if let Some(secret) = &self.jwt_secret
            && secret.expose_secret().len() < MIN_JWT_SECRET_BYTES
        {
            return Err(ConfigError(format!(
                "VISA_KB_JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes"
            )));
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(ConfigError(
                "VISA_KB_PUBLIC_URL must start with http:// or https://".to_owned(),
            ));
        }
        self.trusted_proxy_nets()?;
        self.rate_limit_exempt_nets()?;
        self.metrics_allow_nets()?;
        if let Some(endpoint) = &self.otlp_endpoint
            && !url::Url::parse(endpoint).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        {
            return Err(ConfigError(format!(
                "VISA_KB_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318, \
                 not `{endpoint}`"
            )));
        }
        if crate::telemetry::LogFormat::parse(&self.log_format).is_none() {
            return Err(ConfigError(
                "VISA_KB_LOG_FORMAT must be auto, json or pretty".to_owned(),
            ));
        }
        if self.limits.request_timeout_ms == 0 || self.limits.max_response_bytes == 0 {
            return Err(ConfigError(
                "VISA_KB_REQUEST_TIMEOUT_MS and VISA_KB_MAX_RESPONSE_BYTES must be at least 1"
                    .to_owned(),
            ));
        }
        if self.jwt_ttl_secs == 0 || self.jwt_ttl_secs > 7 * 24 * 3600 {
            return Err(ConfigError(
                "VISA_KB_JWT_TTL_SECS must be between 1 and 604800 (a week)".to_owned(),
            ));
        }
        Ok(())
    }
}

impl Settings {
    /// `db_acquire_timeout_ms` as a duration.
    pub fn db_acquire_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.db_acquire_timeout_ms)
    }
}
