//! Per-client rate limiting of anonymous traffic: a token bucket per client address (the
//! `governor` crate's GCRA, a well-kept implementation of it), so that one client sending as
//! fast as it can does not slow everyone else down. Requests with a valid editor token are not
//! counted here (editors are few and known; their sign-in has its own throttle); a request with
//! a token that does not verify counts as anonymous, so a made-up `Authorization` header does
//! not get around the limit.
//!
//! Each replica keeps its own buckets. The limit protects a replica's own CPU and database
//! pool, which is what a flood exhausts; a bucket shared through PostgreSQL or Redis would add a
//! round trip to every request, the very cost being limited, and the sign-in throttle, which
//! must hold across replicas, already lives in PostgreSQL. With N replicas a client may send N
//! times the rate in all, each replica still serving its share.
//!
//! Answers carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (the IETF
//! draft's fields); a refused request gets 429 with `Retry-After` and the code `RATE_LIMITED`.

use super::state::{RequestConfig, client_ip};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use ipnet::IpNet;
use std::net::IpAddr;
use std::num::NonZeroU32;

type Buckets =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// Forget idle clients once this many are tracked (their buckets are full again anyway).
const RETAIN_ABOVE: usize = 10_000;

/// The anonymous rate limit of this process.
pub struct AnonymousLimit {
    buckets: Option<Buckets>,
    burst: u32,
    per_second: u32,
    exempt: Vec<IpNet>,
}

impl AnonymousLimit {
    /// `per_second` requests per second per client, bursts of `burst`; 0 turns it off.
    /// Clients in `exempt` are never limited.
    pub fn new(per_second: u32, burst: u32, exempt: Vec<IpNet>) -> Self {
        let quota = NonZeroU32::new(per_second).and_then(|rate| {
            let burst = NonZeroU32::new(burst.max(1))?;
            Some(Quota::per_second(rate).allow_burst(burst))
        });
        Self {
            buckets: quota.map(|q| RateLimiter::keyed(q).with_middleware()),
            burst: burst.max(1),
            per_second,
            exempt,
        }
    }

    /// Counts a request of `client`: Ok with the remaining capacity, or Err with the seconds
    /// to wait. None when the limit is off for this client.
    fn check(&self, client: IpAddr) -> Option<Result<u32, u64>> {
        let buckets = self.buckets.as_ref()?;
        if self.exempt.iter().any(|net| net.contains(&client)) {
            return None;
        }
        if buckets.len() > RETAIN_ABOVE {
            buckets.retain_recent();
            buckets.shrink_to_fit();
        }
        Some(match buckets.check_key(&client) {
            Ok(state) => Ok(state.remaining_burst_capacity()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
            }
        })
    }

    /// Seconds until an idle client's bucket is full again.
    fn reset_secs(&self, remaining: u32) -> u64 {
        let missing = u64::from(self.burst.saturating_sub(remaining));
        missing.div_ceil(u64::from(self.per_second.max(1)))
    }
}

fn set(response: &mut actix_web::HttpResponseBuilder, name: &'static str, value: u64) {
    response.insert_header((name, value.to_string()));
}

fn put(headers: &mut header::HeaderMap, name: &'static str, value: u64) {
    if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

/// Whether the request carries an editor token that verifies (signature and claims only: the
/// account is checked later, by the route).
fn has_valid_token(req: &ServiceRequest, config: &RequestConfig) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| config.keys.verify(token.trim()).is_ok())
}

/// The middleware: counts anonymous requests per client and refuses those over the limit.
pub async fn anonymous(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(config) = req.app_data::<web::Data<RequestConfig>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Orchestrators' probes are never limited.
    let probe = matches!(req.path(), "/healthz" | "/readyz");
    let client = client_ip(req.request(), &config).and_then(|ip| ip.parse::<IpAddr>().ok());
    let outcome = match client {
        Some(client) if !probe && !has_valid_token(&req, &config) => config.limit.check(client),
        _ => None,
    };
    let limit = &config.limit;
    match outcome {
        None => Ok(next.call(req).await?.map_into_boxed_body()),
        Some(Err(wait)) => {
            config.metrics.rate_limited();
            let mut response = HttpResponse::TooManyRequests();
            set(&mut response, "retry-after", wait.max(1));
            set(&mut response, "ratelimit-limit", u64::from(limit.burst));
            set(&mut response, "ratelimit-remaining", 0);
            set(&mut response, "ratelimit-reset", wait.max(1));
            let body = serde_json::json!({ "errors": [{
                "message": format!(
                    "too many requests from this address: at most {} a second (bursts of {}); \
                     wait {} s", limit.per_second, limit.burst, wait.max(1)),
                "extensions": { "code": "RATE_LIMITED", "retryAfterSeconds": wait.max(1) }
            }]});
            Ok(req.into_response(response.json(body)))
        }
        Some(Ok(remaining)) => {
            let mut response = next.call(req).await?.map_into_boxed_body();
            let headers = response.headers_mut();
            put(headers, "ratelimit-limit", u64::from(limit.burst));
            put(headers, "ratelimit-remaining", u64::from(remaining));
            put(headers, "ratelimit-reset", limit.reset_secs(remaining));
            Ok(response)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_others_are_not_affected() {
        let limit = AnonymousLimit::new(1, 3, vec!["127.0.0.1/32".parse().unwrap()]);
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert_eq!(limit.check(a), Some(Ok(2)));
        assert_eq!(limit.check(a), Some(Ok(1)));
        assert_eq!(limit.check(a), Some(Ok(0)));
        assert!(matches!(limit.check(a), Some(Err(wait)) if wait >= 1));
        assert_eq!(
            limit.check(b),
            Some(Ok(2)),
            "another client has its own bucket"
        );
        assert_eq!(limit.check("127.0.0.1".parse().unwrap()), None, "exempt");
        assert_eq!(AnonymousLimit::new(0, 3, vec![]).check(a), None, "off");
    }
}
