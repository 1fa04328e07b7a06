//! HTML pages (permalinks, GraphiQL): every one is sent with a Content-Security-Policy that
//! allows no inline code but its own, by hash (no `unsafe-inline`), and JSON embedded in a page
//! is escaped so that no text in it can end its `<script>` element.

use actix_web::HttpResponse;
use actix_web::http::header;
use base64::Engine;
use sha2::{Digest, Sha256};

/// JSON made safe inside a `<script>` element: `<`, `>` and `&` appear only inside JSON
/// strings, where their `\u` escapes mean the same; `</script>` and `<!--` cannot occur.
pub fn embedded_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The `'sha256-…'` sources of the inline `<tag>` elements of `html` (those without `src`).
fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end_of_tag) = after.find('>') else {
            break;
        };
        let attributes = &after[..end_of_tag];
        let body = &after[end_of_tag + 1..];
        let Some(end) = body.find(&close) else {
            break;
        };
        if !attributes.contains("src=") {
            let digest = Sha256::digest(&body.as_bytes()[..end]);
            hashes.push(format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &body[end + close.len()..];
    }
    hashes
}

/// The policy of a page: nothing but its own inline scripts and styles (by hash), requests to
/// this API, and `remote` (an origin the page loads its code from, e.g. GraphiQL's CDN).
pub fn content_security_policy(html: &str, remote: Option<&str>) -> String {
    let remote = remote.unwrap_or_default();
    let scripts = inline_hashes(html, "script").join(" ");
    let styles = inline_hashes(html, "style").join(" ");
    let code = |inline: &str| {
        let sources = format!("{inline} {remote}");
        let sources = sources.trim();
        if sources.is_empty() {
            "'none'".to_owned()
        } else {
            sources.to_owned()
        }
    };
    // A page that loads code (GraphiQL, from this server) loads its fonts as `data:` URLs.
    let fonts = if remote.is_empty() {
        "'none'".to_owned()
    } else {
        format!("{remote} data:")
    };
    format!(
        "default-src 'none'; script-src {}; style-src {}; font-src {fonts}; img-src 'self' data: {remote}; \
         connect-src 'self'; worker-src 'self' blob: {remote}; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        code(&scripts),
        code(&styles),
    )
    .replace("  ", " ")
    .replace(" ;", ";")
}

/// `200 OK` with `html` and its policy.
pub fn html(body: String, remote: Option<&str>) -> HttpResponse {
    let policy = content_security_policy(&body, remote);
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, policy))
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_json_cannot_close_its_script_element() {
        let json = serde_json::json!({ "name": "<!--<script>x</script>&" });
        let text = embedded_json(&json);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, json, "the escaped JSON means the same");
    }

    #[test]
    fn the_policy_hashes_inline_code_and_allows_no_other() {
        let page = "<script type=\"module\">go()</script><script src=\"x.js\"></script>\
                    <style>p{}</style>";
        let policy = content_security_policy(page, None);
        let go = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"go()"));
        assert!(
            policy.contains(&format!("script-src 'sha256-{go}';")),
            "{policy}"
        );
        assert!(policy.contains("style-src 'sha256-"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.starts_with("default-src 'none';"), "{policy}");
        let plain = content_security_policy("<p>hi</p>", None);
        assert!(plain.contains("script-src 'none';"), "{plain}");
    }
}
