//! What every route shares for a request: the configuration the server started with, and the
//! public base URL of permalinks (which headers may decide it).

use crate::auth::TokenKeys;
use crate::kb::bounds::Bounds;
use crate::permalink::PublicBase;
use actix_web::HttpRequest;
use actix_web::http::header;
use ipnet::IpNet;
use std::sync::Arc;

/// Per-process settings every request uses.
pub struct RequestConfig {
    /// How long batched loads wait for more keys (`VISA_KB_LOADER_DELAY_US`).
    pub delay: std::time::Duration,
    /// The editor token keys.
    pub keys: Arc<TokenKeys>,
    /// `VISA_KB_PUBLIC_URL`, else the address the server listens on.
    pub base: PublicBase,
    /// Whether `base` was configured (then no header is read at all).
    pub base_configured: bool,
    /// `VISA_KB_TRUSTED_PROXIES`: peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Public responses by request (`VISA_KB_RESPONSE_CACHE_MB`).
    pub cache: super::cache::ResponseCache,
    /// The GraphQL limits (cost budget, page sizes, timeout, response size).
    pub limits: crate::config::Limits,
    /// The data's list bounds a request's cost is counted with.
    pub bounds: ListBounds,
    /// The anonymous rate limit (`VISA_KB_RATE_LIMIT_*`).
    pub limit: super::limit::AnonymousLimit,
    /// Query texts of automatic persisted queries, by hash.
    pub persisted: super::graphql::PersistedQueries,
    /// Parsed GraphQL documents, by text.
    pub documents: crate::graphql::DocumentCache,
    /// The schema for documents validated before (`graphql::prevalidated_schema`).
    pub prevalidated: crate::graphql::AppSchema,
    /// Prometheus metrics (`/metrics`).
    pub metrics: super::metrics::Metrics,
    /// Open WebSocket connections per client address.
    pub sockets: super::graphql::SocketSlots,
    /// `VISA_KB_MAX_SOCKETS_PER_CLIENT`.
    pub max_sockets_per_client: usize,
    /// `VISA_KB_MAX_SUBSCRIPTIONS_PER_SOCKET`.
    pub max_subscriptions_per_socket: usize,
    /// `VISA_KB_REVERIFY_AFTER_DAYS`.
    pub reverify_after: crate::kb::reverify::AfterDays,
    /// `VISA_KB_HTTP_*`: how long public answers may be kept by browsers and a CDN.
    pub freshness: super::http_cache::Freshness,
    /// What `eligiblePrograms` ranks on, shared by every worker (`kb::eligibility`).
    pub eligibility: Arc<crate::kb::eligibility::EligibilityIndex>,
    /// Live changes: mutations wake subscribers through it.
    pub live: crate::live::LiveChanges,
}

/// How old the list bounds may be before a request reads them again.
const BOUNDS_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// `kb::bounds` of the data, read again when older than a minute (one statement of grouped
/// counts).
///
/// Once known, they are read again in the background, by one task, while every request goes
/// on with the last known: at 10,000 programs the statement took 1.3-2.2 s under load, and when
/// every request that found them old ran it and waited, the whole server paused for about two
/// seconds once a minute. Before they are known (the start-up read failed), one request at a
/// time reads them while the others count with generous defaults.
#[derive(Default, Clone)]
pub struct ListBounds {
    current: Arc<std::sync::RwLock<Option<(Bounds, std::time::Instant)>>>,
    /// Set while one read is under way.
    reading: Arc<std::sync::atomic::AtomicBool>,
}

/// The one read under way; lets the next one start when dropped, also when the read failed or
/// its task panicked (else the bounds would never be read again).
struct Reading(Arc<std::sync::atomic::AtomicBool>);

impl Drop for Reading {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

impl ListBounds {
    /// Starts from bounds read at start-up.
    pub fn new(initial: Option<Bounds>) -> Self {
        Self {
            current: Arc::new(std::sync::RwLock::new(
                initial.map(|b| (b, std::time::Instant::now())),
            )),
            reading: Arc::default(),
        }
    }

    /// The last known bounds (read again in the background when older than a minute), or,
    /// when none are known yet, the bounds now (generous defaults when the database cannot
    /// say, or while another request reads them).
    pub async fn get(&self, db: &sea_orm::DatabaseConnection) -> Bounds {
        let known = self.current.read().ok().and_then(|c| *c);
        let Some((bounds, at)) = known else {
            return match self.start_reading() {
                Some(_reading) => self.read(db).await.unwrap_or_default(),
                None => Bounds::default(),
            };
        };
        if at.elapsed() >= BOUNDS_MAX_AGE
            && let Some(reading) = self.start_reading()
        {
            let again = self.clone();
            let db = db.clone();
            actix_web::rt::spawn(async move {
                let _reading = reading;
                // On failure the last known stay, and a later request tries again.
                let _ = again.read(&db).await;
            });
        }
        bounds
    }

    /// The right to read, when no other read is under way.
    fn start_reading(&self) -> Option<Reading> {
        let taken = self.reading.swap(true, std::sync::atomic::Ordering::SeqCst);
        (!taken).then(|| Reading(Arc::clone(&self.reading)))
    }

    /// Reads the bounds and keeps them.
    async fn read(&self, db: &sea_orm::DatabaseConnection) -> Option<Bounds> {
        match crate::kb::bounds::load(db).await {
            Ok(bounds) => {
                if let Ok(mut current) = self.current.write() {
                    *current = Some((bounds, std::time::Instant::now()));
                }
                Some(bounds)
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the list bounds; using the last known");
                None
            }
        }
    }
}

/// The base URL for permalinks and citations: `VISA_KB_PUBLIC_URL`; else, for a request that
/// came through a trusted proxy, the scheme and host it forwarded (when well formed); else the
/// listening address. A client's own `Host`, `Forwarded` or `X-Forwarded-*` never decide it:
/// the URLs end up in cached answers that other readers get.
pub fn public_base(req: &HttpRequest, config: &RequestConfig) -> PublicBase {
    if config.base_configured {
        return config.base.clone();
    }
    let trusted = req.peer_addr().is_some_and(|peer| {
        config
            .trusted_proxies
            .iter()
            .any(|net| net.contains(&peer.ip()))
    });
    if !trusted {
        return config.base.clone();
    }
    forwarded(req).unwrap_or_else(|| config.base.clone())
}

/// The client's address: the peer, or for a request through a trusted proxy the first address
/// it forwards (`Forwarded: for=`, else `X-Forwarded-For`) when that is an IP address. Sign-in
/// throttling and the audit log count by it.
pub fn client_ip(req: &HttpRequest, config: &RequestConfig) -> Option<String> {
    let peer = req.peer_addr()?.ip();
    if !config.trusted_proxies.iter().any(|net| net.contains(&peer)) {
        return Some(peer.to_string());
    }
    let headers = req.headers();
    let forwarded_for = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',').next()?.split(';').find_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        })
        .or_else(|| {
            headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(|v| v.trim().to_owned())
        });
    // `[2001:db8::1]:4711` and `192.0.2.1:4711` name the address with a port.
    let parsed = forwarded_for.and_then(|text| {
        text.parse::<std::net::IpAddr>()
            .ok()
            .or_else(|| text.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
            .or_else(|| {
                text.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse()
                    .ok()
            })
    });
    Some(parsed.unwrap_or(peer).to_string())
}

/// What a proxy says readers used: `Forwarded` (RFC 7239, its first element), else
/// `X-Forwarded-Proto`/`-Host`; the host defaults to the `Host` the proxy sent, the scheme to
/// http. None when the result is not a well-formed web base.
fn forwarded(req: &HttpRequest) -> Option<PublicBase> {
    let headers = req.headers();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let first = |v: &str| v.split(',').next().unwrap_or_default().trim().to_owned();
    let mut scheme = get("x-forwarded-proto").map(first);
    let mut host = get("x-forwarded-host").map(first);
    if let Some(value) = headers.get(header::FORWARDED).and_then(|v| v.to_str().ok()) {
        let element = value.split(',').next().unwrap_or_default();
        for pair in element.split(';') {
            let Some((key, v)) = pair.split_once('=') else {
                continue;
            };
            let v = v.trim().trim_matches('"').to_owned();
            match key.trim().to_ascii_lowercase().as_str() {
                "proto" => scheme = Some(v),
                "host" => host = Some(v),
                _ => {}
            }
        }
    }
    let host = host.or_else(|| get("host").map(str::to_owned))?;
    PublicBase::forwarded(scheme.as_deref().unwrap_or("http"), &host)
}

#[cfg(test)]
mod tests {
    use super::ListBounds;

    #[test]
    fn one_read_of_the_bounds_at_a_time_and_the_next_after_it() {
        let bounds = ListBounds::new(None);
        let reading = bounds.start_reading();
        assert!(reading.is_some());
        assert!(
            bounds.start_reading().is_none(),
            "a second read while one is under way"
        );
        drop(reading);
        assert!(
            bounds.start_reading().is_some(),
            "the next read after it ended"
        );
    }

    #[test]
    fn a_read_that_panicked_does_not_stop_the_next() {
        let bounds = ListBounds::new(None);
        let reading = bounds.start_reading();
        let ended = std::thread::spawn(move || {
            let _reading = reading;
            panic!("the read failed badly");
        })
        .join();
        assert!(ended.is_err());
        assert!(bounds.start_reading().is_some());
    }
}
