//! Stable permalinks and ready-to-paste citations of records.
//!
//! A program lives at `/programs/{slug}`; every other record at `/records/{global ID}` (the
//! same ID `node(id:)` takes). Both answer JSON-LD (schema.org) to `Accept: application/ld+json`.

use chrono::{Datelike, NaiveDate, Utc};

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
    text(title, revision, Utc::now().date_naive(), permalink)
}

fn text(title: &str, revision: i32, accessed: NaiveDate, permalink: &str) -> String {
    format!(
        "visa-kb, '{}', revision {revision}, retrieved {}, {permalink}",
        title.replace('\'', "’"),
        accessed.format("%Y-%m-%d")
    )
}

/// A record's citation in the forms reference managers read: the `citeAs` text, BibTeX, RIS
/// and CSL-JSON. The author is visa-kb; the date is the revision's, the access date today's.
pub struct Citation<'a> {
    /// A key for the entry (`visa-kb-cn-k-visa`).
    pub key: String,
    pub title: &'a str,
    pub revision: i32,
    pub permalink: &'a str,
    /// The day this revision was written.
    pub updated: NaiveDate,
    /// The day the reader retrieved it.
    pub accessed: NaiveDate,
}

impl Citation<'_> {
    /// The `citeAs` text.
    pub fn text(&self) -> String {
        text(self.title, self.revision, self.accessed, self.permalink)
    }

    /// A BibTeX `@misc` entry.
    pub fn bibtex(&self) -> String {
        format!(
            "@misc{{{key},\n  title = {{{{{title}}}}},\n  author = {{{{visa-kb}}}},\n  \
             year = {{{year}}},\n  month = {{{month}}},\n  note = {{Revision {rev}}},\n  \
             howpublished = {{\\url{{{link}}}}},\n  urldate = {{{accessed}}}\n}}\n",
            key = self.key,
            title = tex(self.title),
            year = self.updated.format("%Y"),
            month = self.updated.format("%b").to_string().to_lowercase(),
            rev = self.revision,
            link = self.permalink,
            accessed = self.accessed.format("%Y-%m-%d"),
        )
    }

    /// An RIS record (a web page), lines ending in CR LF as the format asks.
    pub fn ris(&self) -> String {
        let line = |tag: &str, value: &str| format!("{tag}  - {}\r\n", one_line(value));
        [
            line("TY", "ELEC"),
            line("TI", self.title),
            line("AU", "visa-kb"),
            line("PY", &self.updated.format("%Y").to_string()),
            line("DA", &self.updated.format("%Y/%m/%d").to_string()),
            line("ET", &format!("Revision {}", self.revision)),
            line("UR", self.permalink),
            line("Y2", &self.accessed.format("%Y/%m/%d").to_string()),
            line("DB", "visa-kb"),
            "ER  - \r\n".to_owned(),
        ]
        .concat()
    }

    /// A CSL-JSON item list of one `webpage`.
    pub fn csl_json(&self) -> serde_json::Value {
        let parts =
            |d: NaiveDate| serde_json::json!({ "date-parts": [[d.year(), d.month(), d.day()]] });
        serde_json::json!([{
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "author": [{ "literal": "visa-kb" }],
            "container-title": "visa-kb",
            "version": self.revision.to_string(),
            "issued": parts(self.updated),
            "accessed": parts(self.accessed),
            "URL": self.permalink,
        }])
    }
}

/// Text with TeX's special characters escaped, for BibTeX.
fn tex(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text on one line: line breaks would end an RIS field or a BibTeX value.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
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
    use super::{Citation, PublicBase};
    use chrono::NaiveDate;

    fn k_visa() -> Citation<'static> {
        let day = |d: &str| d.parse::<NaiveDate>().unwrap_or_default();
        Citation {
            key: "visa-kb-cn-k-visa".to_owned(),
            title: "K visa & \"young\" talent_100%",
            revision: 7,
            permalink: "https://kb.example.org/programs/cn-k-visa",
            updated: day("2026-10-01"),
            accessed: day("2026-12-06"),
        }
    }

    #[test]
    fn citations_come_in_the_formats_reference_managers_read() {
        let c = k_visa();
        assert_eq!(
            c.text(),
            "visa-kb, 'K visa & \"young\" talent_100%', revision 7, retrieved 2026-12-06, \
             https://kb.example.org/programs/cn-k-visa"
        );
        let bib = c.bibtex();
        assert!(bib.starts_with("@misc{visa-kb-cn-k-visa,\n"), "{bib}");
        assert!(
            bib.contains("title = {{K visa \\& \"young\" talent\\_100\\%}}"),
            "{bib}"
        );
        assert!(bib.contains("year = {2026},\n  month = {oct}"), "{bib}");
        assert!(bib.contains("urldate = {2026-12-06}"), "{bib}");
        let ris = c.ris();
        assert!(ris.starts_with("TY  - ELEC\r\n"), "{ris}");
        assert!(ris.contains("\r\nDA  - 2026/10/01\r\n"), "{ris}");
        assert!(ris.contains("\r\nY2  - 2026/12/06\r\n"), "{ris}");
        assert!(ris.ends_with("ER  - \r\n"), "{ris}");
        let csl = c.csl_json();
        assert_eq!(csl[0]["type"], "webpage");
        assert_eq!(csl[0]["issued"]["date-parts"][0][1], 10);
        assert_eq!(csl[0]["accessed"]["date-parts"][0][2], 6);
        assert_eq!(csl[0]["URL"], "https://kb.example.org/programs/cn-k-visa");
    }

    #[test]
    fn a_title_on_two_lines_stays_one_field() {
        let c = Citation {
            title: "K visa\nER  - injected",
            ..k_visa()
        };
        assert_eq!(c.ris().matches("ER  - ").count(), 1);
    }

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
