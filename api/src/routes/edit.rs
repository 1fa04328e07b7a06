//! `GET /edit`: the editors' workspace. The page is a shell; the script (`api/assets/edit/`)
//! is a client of the public GraphQL API at `/graphql`, with no other door into the server,
//! which keeps the API honest: whatever an editor can do here, any client can.
//!
//! The editor's token is kept in the script's memory, never in a cookie or in storage: the
//! server never acts on a credential a browser sends by itself, so no other site can make it
//! act for an editor (no CSRF to defend), and a script injected later cannot read a token
//! from storage. Closing the tab signs out; unsaved text survives a reload (it is kept per
//! tab, without the token) and an expired or revoked token asks to sign in again where the
//! editor is.

use super::assets::EDITOR;
use actix_web::HttpResponse;
use actix_web::http::header;

/// The page: the workspace's styles and script, loaded by digest (Subresource Integrity).
fn shell() -> String {
    let [script, styles] = &EDITOR;
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>visa-kb editors' workspace</title>
<link rel="stylesheet" href="{}" integrity="{}">
<script type="module" src="{}" integrity="{}"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="bar" id="bar"><strong>visa-kb</strong> editors' workspace</header>
<main id="main" tabindex="-1"><noscript>The workspace needs JavaScript. Editors can also use the GraphQL API at <a href="/graphql">/graphql</a>.</noscript><p id="loading">Loading…</p></main>
<div id="status" role="status" aria-live="polite" class="status"></div>
</body>
</html>
"##,
        styles.editor_path(),
        styles.integrity(),
        script.editor_path(),
        script.integrity(),
    )
}

/// `GET /edit`.
pub async fn workspace() -> HttpResponse {
    let mut response = super::page::html(shell(), Some("'self'"));
    let headers = response.headers_mut();
    // The shell names the script by digest: a new build must be seen at once.
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
    response
}
