//! Stable permalinks and ready-to-paste citations of records.
//!
//! A program lives at `/programs/{slug}`; every other record at `/records/{global ID}` (the
//! same ID `node(id:)` takes). Both answer JSON-LD (schema.org) to `Accept: application/ld+json`.

use chrono::Utc;

/// The public base URL of this API, without a trailing slash: `VISA_KB_PUBLIC_URL`, what a
/// trusted proxy says readers used, or the address the server listens on. Never a host or
/// scheme a client merely claims: these URLs go into cached answers other readers get.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicBase(pub String);

impl PublicBase {
    /// The configured `VISA_KB_PUBLIC_URL`.
    pub fn configured(url: &str) -> Self {
        Self(url.trim_end_matches('/').to_owned())
    }

    /// The address the server listens on (`localhost` for a wildcard address, which names no
    /// one host).
    pub fn listening(addr: std::net::SocketAddr) -> Self {
        let port = addr.port();
        Self(match addr.ip() {
            ip if ip.is_unspecified() => format!("http://localhost:{port}"),
            std::net::IpAddr::V6(ip) => format!("http://[{ip}]:{port}"),
            ip => format!("http://{ip}:{port}"),
        })
    }

    /// A scheme and host forwarded by a trusted proxy, when both are well formed: `http` or
    /// `https`, and a DNS name or IP literal with an optional port. None otherwise.
    pub fn forwarded(scheme: &str, host: &str) -> Option<Self> {
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let url = url::Url::parse(&format!("{scheme}://{host}/")).ok()?;
        let parsed_host = url.host_str()?;
        // Nothing but a host and port: no user info, path, query or fragment smuggled in.
        let authority = match url.port() {
            Some(port) => format!("{parsed_host}:{port}"),
            None => parsed_host.to_owned(),
        };
        let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
        (url.path() == "/"
            && url.username().is_empty()
            && url.query().is_none()
            && url.fragment().is_none()
            && authority.eq_ignore_ascii_case(host)
            && host.chars().all(plain))
        .then(|| Self(format!("{scheme}://{}", host.to_ascii_lowercase())))
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

#[cfg(test)]
mod tests {
    use super::PublicBase;

    #[test]
    fn only_well_formed_forwarded_hosts_and_web_schemes_make_a_base() {
        let ok = |scheme: &str, host: &str| PublicBase::forwarded(scheme, host).map(|b| b.0);
        assert_eq!(
            ok("https", "kb.example.org"),
            Some("https://kb.example.org".into())
        );
        assert_eq!(
            ok("HTTP", "Kb.Example.org:8443"),
            Some("http://kb.example.org:8443".into())
        );
        assert_eq!(ok("http", "[::1]:8080"), Some("http://[::1]:8080".into()));
        for (scheme, host) in [
            ("javascript", "evil.example"),
            ("https", "evil.example/path"),
            ("https", "user@evil.example"),
            ("https", "evil.example?x=1"),
            ("https", "evil.example#x"),
            ("https", "evil example"),
            ("https", ""),
            ("https", "evil.example:99999"),
            ("https", "<script>"),
        ] {
            assert_eq!(ok(scheme, host), None, "{scheme}://{host}");
        }
    }

    #[test]
    fn the_listening_address_names_a_host() {
        let at = |a: &str| PublicBase::listening(a.parse().unwrap_or_else(|_| unreachable!())).0;
        assert_eq!(at("127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(at("0.0.0.0:8080"), "http://localhost:8080");
        assert_eq!(at("[::1]:80"), "http://[::1]:80");
    }
}
