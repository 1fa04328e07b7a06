//! A cache of public GraphQL responses, so that the same question from many readers is
//! answered once per change of the content.
//!
//! Every entry remembers the content version it was computed at, and is used only while the
//! content is still at that version. On PostgreSQL, while the listener hears every replica's
//! commits (`live`), the version is what it has heard, and a hit costs no database round trip;
//! otherwise (SQLite, the listener lost or silent) it is the newest revision's id, which every
//! write of every replica, and every import, moves on: one indexed query instead of the whole
//! request. Entries also carry the day they were computed on, since "current" fees change
//! at midnight. Only requests without a token are cached, and only answers without errors.

use chrono::{NaiveDate, Utc};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;

/// The content version an answer was computed at.
pub use crate::kb::read::ContentVersion as Version;

/// A response computed at a content version on a day.
pub struct Cached {
    pub version: Version,
    pub day: NaiveDate,
    pub body: actix_web::web::Bytes,
    /// The operations' names, for the access log and the metrics of a hit.
    pub operation: Option<Box<str>>,
}

#[derive(Clone)]
struct BySize;

impl Weighter<actix_web::web::Bytes, Arc<Cached>> for BySize {
    fn weight(&self, key: &actix_web::web::Bytes, value: &Arc<Cached>) -> u64 {
        (key.len() + value.body.len() + 64) as u64
    }
}

/// Responses by request (the exact body or query string), bounded in bytes.
pub struct ResponseCache {
    entries: Option<Cache<actix_web::web::Bytes, Arc<Cached>, BySize>>,
}

impl ResponseCache {
    /// A cache of at most `megabytes` (0: no cache).
    pub fn new(megabytes: u64) -> Self {
        let bytes = megabytes * 1024 * 1024;
        Self {
            entries: (bytes > 0).then(|| Cache::with_weighter(1024, bytes, BySize)),
        }
    }

    pub fn enabled(&self) -> bool {
        self.entries.is_some()
    }

    /// The cached answer to `request`, if it is still current at `version`.
    pub fn get(&self, request: &actix_web::web::Bytes, version: Version) -> Option<Arc<Cached>> {
        let hit = self.entries.as_ref()?.get(request)?;
        (hit.version == version && hit.day == Utc::now().date_naive()).then_some(hit)
    }

    /// Keeps copies of exactly the bytes of `request` and `body`: the originals may be views of
    /// larger buffers (the connection's read buffer, a serialiser's grown `Vec`), which would
    /// otherwise stay allocated, unweighed, as long as the entry.
    pub fn put(&self, request: &[u8], version: Version, body: &[u8], operation: Option<&str>) {
        if let Some(entries) = &self.entries {
            let day = Utc::now().date_naive();
            let body = actix_web::web::Bytes::copy_from_slice(body);
            let key = actix_web::web::Bytes::copy_from_slice(request);
            let operation = operation.map(Box::from);
            entries.insert(
                key,
                Arc::new(Cached {
                    version,
                    day,
                    body,
                    operation,
                }),
            );
        }
    }
}
