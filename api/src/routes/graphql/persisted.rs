//! Automatic persisted queries (Apollo's protocol, which Apollo Client, urql and Relay speak): a
//! client sends a query's SHA-256 instead of its text, and the text only when the server asks
//! for it (`PERSISTED_QUERY_NOT_FOUND`). Requests shrink to a hash and their variables, and a
//! GET with a hash is a short URL a CDN can cache.
//!
//! Done here rather than with async-graphql's extension: any extension sends every field of
//! every answer through the executor's slower path.

use async_graphql::{Request, Value};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Why a persisted query cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The hash is not known here (yet, or no longer): the client sends the text with it.
    NotFound,
    /// A malformed `persistedQuery` extension, or a text that does not hash to its hash.
    Invalid(String),
}

impl Refusal {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::Invalid(_) => "BAD_REQUEST",
        }
    }

    /// Apollo Client recognises the first by this exact message.
    pub fn message(&self) -> String {
        match self {
            Self::NotFound => "PersistedQueryNotFound".to_owned(),
            Self::Invalid(why) => why.clone(),
        }
    }
}

#[derive(Clone)]
struct ByLength;

impl Weighter<[u8; 32], Arc<str>> for ByLength {
    fn weight(&self, _key: &[u8; 32], text: &Arc<str>) -> u64 {
        text.len() as u64 + 64
    }
}

/// Query texts by their SHA-256, bounded in bytes (least recently used go first). Per replica:
/// a replica that does not know a hash asks the client for the text once.
pub struct PersistedQueries {
    texts: Cache<[u8; 32], Arc<str>, ByLength>,
}

impl PersistedQueries {
    pub fn new(bytes: u64) -> Self {
        Self {
            texts: Cache::with_weighter(1024, bytes.max(1), ByLength),
        }
    }

    /// Fills in the text of a request that sends only a hash, and remembers a text sent with
    /// its hash. A request without the extension is left alone.
    pub fn resolve(&self, request: &mut Request) -> Result<(), Refusal> {
        let Some(extension) = request.extensions.0.remove("persistedQuery") else {
            return Ok(());
        };
        let hash = hash_of(&extension)?;
        if request.query.is_empty() {
            let text = self.texts.get(&hash).ok_or(Refusal::NotFound)?;
            request.query = text.to_string();
            return Ok(());
        }
        if <[u8; 32]>::from(Sha256::digest(request.query.as_bytes())) != hash {
            return Err(Refusal::Invalid(
                "the `sha256Hash` of `persistedQuery` is not the SHA-256 of `query`".to_owned(),
            ));
        }
        self.texts.insert(hash, Arc::from(request.query.as_str()));
        Ok(())
    }
}

/// The hash of `{"version": 1, "sha256Hash": "<64 hex digits>"}`.
fn hash_of(extension: &Value) -> Result<[u8; 32], Refusal> {
    let invalid = |why: &str| Refusal::Invalid(format!("`extensions.persistedQuery`: {why}"));
    let Value::Object(fields) = extension else {
        return Err(invalid(
            "expected an object with `version` and `sha256Hash`",
        ));
    };
    match fields.get("version") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        _ => return Err(invalid("only `version: 1` is supported")),
    }
    let Some(Value::String(hex)) = fields.get("sha256Hash") else {
        return Err(invalid("`sha256Hash` must be a string"));
    };
    let mut hash = [0_u8; 32];
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(invalid("`sha256Hash` must be 64 hexadecimal digits"));
    }
    for (byte, pair) in hash.iter_mut().zip(hex.as_bytes().chunks(2)) {
        let pair = std::str::from_utf8(pair).unwrap_or_default();
        *byte = u8::from_str_radix(pair, 16)
            .map_err(|_| invalid("`sha256Hash` must be 64 hexadecimal digits"))?;
    }
    Ok(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_hash(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        request.extensions.0.insert(
            "persistedQuery".to_owned(),
            async_graphql::value!({ "version": 1, "sha256Hash": hash }),
        );
        request
    }

    const QUERY: &str = "{ __typename }";

    fn hex(text: &str) -> String {
        Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn a_hash_is_asked_for_then_remembered() {
        let store = PersistedQueries::new(1 << 20);
        let hash = hex(QUERY);
        assert_eq!(
            store.resolve(&mut with_hash("", &hash)),
            Err(Refusal::NotFound)
        );
        let mut first = with_hash(QUERY, &hash);
        assert_eq!(store.resolve(&mut first), Ok(()));
        assert_eq!(first.query, QUERY);
        let mut later = with_hash("", &hash);
        assert_eq!(store.resolve(&mut later), Ok(()));
        assert_eq!(later.query, QUERY);
        assert!(later.extensions.0.is_empty());
    }

    #[test]
    fn a_wrong_or_malformed_hash_is_refused() {
        let store = PersistedQueries::new(1 << 20);
        let other = hex("{ programs { totalCount } }");
        assert!(matches!(
            store.resolve(&mut with_hash(QUERY, &other)),
            Err(Refusal::Invalid(_))
        ));
        assert!(matches!(
            store.resolve(&mut with_hash("", "zz")),
            Err(Refusal::Invalid(_))
        ));
        let mut plain = Request::new(QUERY);
        assert_eq!(store.resolve(&mut plain), Ok(()));
    }
}
