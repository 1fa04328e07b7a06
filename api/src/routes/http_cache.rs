//! HTTP validators and freshness for public reads: pages, permalinks, exports, the feed and
//! GraphQL GET answers carry an `ETag` and a `Last-Modified` made from the content version,
//! and a `Cache-Control` that lets browsers and a CDN keep them (`VISA_KB_HTTP_MAX_AGE_SECS`,
//! `VISA_KB_HTTP_STALE_WHILE_REVALIDATE_SECS`). A request whose `If-None-Match` names the
//! current tag gets `304 Not Modified` without the answer being computed again.
//!
//! The content version is the newest revision's id: every write of every replica and every
//! import appends one, so two answers to one URL at one version are the same, on any replica.
//! The day is part of the tag too, since "current" fees and terms change at midnight. The tag
//! is read *before* the answer is computed: a change landing in between leaves an answer newer
//! than its tag, which the next request replaces, never an old answer under a new tag.
//! Requests with a token (an editor's view) and answers other than 200, or marked `no-store`,
//! are left alone.

use crate::kb::read::last_revision;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue, HttpDate};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use std::time::{Duration, SystemTime};

/// How long browsers and shared caches may keep a public answer, and serve it stale while
/// they ask again.
#[derive(Debug, Clone, Copy)]
pub struct Freshness {
    pub max_age: Duration,
    pub stale_while_revalidate: Duration,
}

impl Freshness {
    fn cache_control(self) -> String {
        format!(
            "public, max-age={}, stale-while-revalidate={}",
            self.max_age.as_secs(),
            self.stale_while_revalidate.as_secs()
        )
    }
}

/// What an answer is validated by.
struct Validator {
    etag: String,
    last_modified: SystemTime,
}

impl Validator {
    /// The tag of an answer at revision `revision` on `day`, for a request that asked for
    /// `accept` (answers differ by media type: HTML or JSON-LD, GraphQL's two JSON types).
    fn new(revision: i32, written: Option<DateTime<Utc>>, today: NaiveDate, accept: &[u8]) -> Self {
        let variant = Sha256::digest(accept);
        let variant: String = variant[..4].iter().map(|b| format!("{b:02x}")).collect();
        let midnight = today.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let last = written.max(midnight).unwrap_or_else(Utc::now);
        Self {
            etag: format!("W/\"{revision}-{}-{variant}\"", today.format("%Y%m%d")),
            last_modified: SystemTime::from(last),
        }
    }

    /// Whether the client's copy is current: `If-None-Match` names this tag (compared weakly,
    /// as RFC 9110 asks for GET), or, without it, `If-Modified-Since` is at least a second
    /// after the last change (`Last-Modified` has whole seconds, and a change within the same
    /// second must not pass for the copy).
    fn matches(&self, headers: &HeaderMap) -> bool {
        if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
            let Ok(tags) = tags.to_str() else {
                return false;
            };
            let ours = self.etag.trim_start_matches("W/");
            return tags
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours);
        }
        let since = headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<HttpDate>().ok())
            .map(SystemTime::from);
        match since {
            Some(since) => self.last_modified + Duration::from_secs(1) <= since,
            None => false,
        }
    }

    fn apply(&self, headers: &mut HeaderMap, freshness: Freshness) {
        let pairs = [
            (header::ETAG, self.etag.clone()),
            (
                header::LAST_MODIFIED,
                HttpDate::from(self.last_modified).to_string(),
            ),
            (header::CACHE_CONTROL, freshness.cache_control()),
        ];
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        let varies = headers
            .get_all(header::VARY)
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains("accept"));
        if !varies {
            headers.append(header::VARY, HeaderValue::from_static("Accept"));
        }
    }
}

/// Whether a request reads public content: GET or HEAD, without a token, not a WebSocket.
fn is_public_read(req: &ServiceRequest) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD)
        && !req.headers().contains_key(header::AUTHORIZATION)
        && !req.headers().contains_key(header::UPGRADE)
}

/// The middleware: see the module's documentation.
pub async fn validate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let freshness = req
        .app_data::<web::Data<super::state::RequestConfig>>()
        .map(|config| config.freshness);
    let db = req.app_data::<web::Data<DatabaseConnection>>().cloned();
    let (Some(freshness), Some(db)) = (freshness, db) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !is_public_read(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let validator = match last_revision(db.get_ref()).await {
        Ok(last) => {
            let accept = req
                .headers()
                .get(header::ACCEPT)
                .map_or(&b""[..], HeaderValue::as_bytes);
            let (revision, written) = last.map_or((0, None), |(id, at)| (id, Some(at)));
            Validator::new(revision, written, Utc::now().date_naive(), accept)
        }
        Err(e) if crate::kb::error::is_unavailable(&e) => {
            // The route's own answer to an outage, now: it would wait for the pool again.
            tracing::warn!(error = %e, route = req.path(), "database unavailable");
            let response = if req.path().starts_with("/graphql") {
                super::graphql::unavailable()
            } else {
                super::error::unavailable()
            };
            return Ok(req.into_response(response));
        }
        Err(e) => {
            // The answer will say what is wrong; it is just not validated.
            tracing::error!(error = %e, "cannot read the content version for an ETag");
            return Ok(next.call(req).await?.map_into_boxed_body());
        }
    };
    if validator.matches(req.headers()) {
        let mut response = HttpResponse::build(StatusCode::NOT_MODIFIED).finish();
        validator.apply(response.headers_mut(), freshness);
        return Ok(req.into_response(response));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let stored = res
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| !v.contains("no-store") && !v.contains("private"));
    if res.status() == StatusCode::OK && stored {
        validator.apply(res.headers_mut(), freshness);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn a_tag_names_the_version_the_day_and_the_media_type() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let json = Validator::new(42, None, day, b"application/json");
        assert!(json.etag.starts_with("W/\"42-20261205-"), "{}", json.etag);
        assert_ne!(json.etag, Validator::new(42, None, day, b"text/html").etag);
        assert_ne!(
            json.etag,
            Validator::new(43, None, day, b"application/json").etag
        );
        let tomorrow = day.succ_opt().unwrap();
        assert_ne!(
            json.etag,
            Validator::new(42, None, tomorrow, b"application/json").etag
        );
    }

    #[test]
    fn a_copy_is_current_by_its_tag_or_a_second_after_the_last_change() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let written = day.and_hms_milli_opt(12, 0, 0, 500).unwrap().and_utc();
        let v = Validator::new(7, Some(written), day, b"");
        let tag = v.etag.clone();
        assert!(v.matches(&headers(&[(header::IF_NONE_MATCH, &tag)])));
        let strong = tag.trim_start_matches("W/").to_owned();
        assert!(v.matches(&headers(&[(
            header::IF_NONE_MATCH,
            &format!("\"x\", {strong}")
        )])));
        assert!(v.matches(&headers(&[(header::IF_NONE_MATCH, "*")])));
        assert!(!v.matches(&headers(&[(header::IF_NONE_MATCH, "W/\"6-20261205-x\"")])));
        // A tag that does not match wins over a date that would.
        assert!(!v.matches(&headers(&[
            (header::IF_NONE_MATCH, "W/\"6\""),
            (header::IF_MODIFIED_SINCE, "Sat, 05 Dec 2026 13:00:00 GMT"),
        ])));
        assert!(v.matches(&headers(&[(
            header::IF_MODIFIED_SINCE,
            "Sat, 05 Dec 2026 12:00:02 GMT"
        )])));
        // The change came within the second the client's copy is dated: not current.
        assert!(!v.matches(&headers(&[(
            header::IF_MODIFIED_SINCE,
            "Sat, 05 Dec 2026 12:00:00 GMT"
        )])));
        assert!(!v.matches(&headers(&[])));
    }
}
