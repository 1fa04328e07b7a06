//! What every route shares for a request: the configuration the server started with.

use crate::auth::TokenKeys;
use std::sync::Arc;

/// Per-process settings every request uses.
pub struct RequestConfig {
    /// How long batched loads wait for more keys (`VISA_KB_LOADER_DELAY_US`).
    pub delay: std::time::Duration,
    /// The editor token keys.
    pub keys: Arc<TokenKeys>,
    /// `VISA_KB_PUBLIC_URL`.
    pub public_url: Option<String>,
    /// Public responses by request (`VISA_KB_RESPONSE_CACHE_MB`).
    pub cache: super::cache::ResponseCache,
}

/// The base URL for permalinks: `VISA_KB_PUBLIC_URL`, else how this request reached us.
pub fn public_base(
    req: &actix_web::HttpRequest,
    configured: Option<&str>,
) -> crate::permalink::PublicBase {
    let info = req.connection_info();
    crate::permalink::PublicBase::new(configured, info.scheme(), info.host())
}
