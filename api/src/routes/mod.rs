//! HTTP endpoints.

pub mod cache;
pub mod export;
pub mod feed;
pub mod graphql;
pub mod health;
pub mod permalink;

/// The base URL for permalinks: `VISA_KB_PUBLIC_URL`, else how this request reached us.
pub fn public_base(
    req: &actix_web::HttpRequest,
    configured: Option<&str>,
) -> crate::permalink::PublicBase {
    let info = req.connection_info();
    crate::permalink::PublicBase::new(configured, info.scheme(), info.host())
}
