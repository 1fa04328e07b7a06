//! Stable permalinks and ready-to-paste citations of records.
//!
//! A program lives at `/programs/{slug}`; every other record at `/records/{global ID}` (the
//! same ID `node(id:)` takes). Both answer JSON-LD (schema.org) to `Accept: application/ld+json`.

use chrono::Utc;

/// The public base URL of this API (`VISA_KB_PUBLIC_URL`, else the scheme and host the request
/// came in on), without a trailing slash.
#[derive(Debug, Clone)]
pub struct PublicBase(pub String);

impl PublicBase {
    pub fn new(configured: Option<&str>, scheme: &str, host: &str) -> Self {
        Self(match configured {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("{scheme}://{host}"),
        })
    }

    /// The permalink of a program.
    pub fn program(&self, slug: &str) -> String {
        format!("{}/programs/{slug}", self.0)
    }

    /// The permalink of any other record, by its global ID.
    pub fn record(&self, global_id: &str) -> String {
        format!("{}/records/{global_id}", self.0)
    }
}

/// `visa-kb, 'China K visa', revision 7, retrieved 2026-11-29, https://…`
pub fn cite_as(title: &str, revision: i32, permalink: &str) -> String {
    format!(
        "visa-kb, '{}', revision {revision}, retrieved {}, {permalink}",
        title.replace('\'', "’"),
        Utc::now().date_naive().format("%Y-%m-%d")
    )
}

/// Text made safe inside HTML (elements and attribute values).
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
