//! Signed editor tokens: HS256 JWTs with pinned algorithm, issuer, audience and expiry, and a
//! token version that revokes old tokens when an account is disabled or its password changes.

use crate::config::{MIN_JWT_SECRET_BYTES, Settings};
use crate::kb::error::{ApiError, ApiResult};
use chrono::{DateTime, Utc};
use entity::user;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand_core::RngCore;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

/// `iss` of every token.
pub const ISSUER: &str = "visa-kb";
/// `aud` of every token: this API.
pub const AUDIENCE: &str = "visa-kb-api";

/// How far replicas' clocks may disagree, in seconds.
const LEEWAY_SECS: u64 = 30;

/// What a token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The role when the token was issued (informational: the stored role is what counts).
    pub role: String,
    pub iat: i64,
    /// Not valid before (checked when present; every token visa-kb issues has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    /// The account's token version when the token was issued.
    pub tv: i32,
}

/// The key and rules for issuing and checking tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: chrono::Duration,
}

impl TokenKeys {
    /// From `VISA_KB_JWT_SECRET`, or a random key (with a warning) when it is not set.
    pub fn from_settings(settings: &Settings) -> Self {
        let secret = match &settings.jwt_secret {
            Some(secret) => secret.expose_secret().as_bytes().to_vec(),
            None => {
                tracing::warn!(
                    "VISA_KB_JWT_SECRET is not set: signing editor tokens with a random key; \
                     tokens will not survive a restart nor work across replicas"
                );
                let mut key = vec![0u8; 2 * MIN_JWT_SECRET_BYTES];
                rand_core::OsRng.fill_bytes(&mut key);
                key
            }
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        // Replicas' clocks may differ by a little, never by minutes.
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(&secret),
            decoding: DecodingKey::from_secret(&secret),
            validation,
            ttl: chrono::Duration::seconds(i64::try_from(settings.jwt_ttl_secs).unwrap_or(3600)),
        }
    }

    /// A token for `user`, and when it expires.
    pub fn issue(&self, user: &user::Model) -> ApiResult<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let expires = now + self.ttl;
        let claims = Claims {
            sub: user.id.to_string(),
            role: user.role.as_str(),
            iat: now.timestamp(),
            nbf: Some(now.timestamp()),
            exp: expires.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            tv: user.token_version,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Internal(format!("cannot sign a token: {e}")))?;
        Ok((token, expires))
    }

    /// The claims of a well-signed, current token for this API; the error says why not.
    pub fn verify(&self, token: &str) -> Result<Claims, &'static str> {
        use jsonwebtoken::errors::ErrorKind;
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => "the token has expired; sign in again",
                ErrorKind::InvalidSignature => "the token's signature is not valid",
                ErrorKind::InvalidAudience => "the token is not for this API",
                ErrorKind::InvalidIssuer => "the token was not issued by visa-kb",
                ErrorKind::InvalidAlgorithm => "the token is not signed with HS256",
                ErrorKind::MissingRequiredClaim(_) => "the token lacks a required claim",
                ErrorKind::ImmatureSignature => "the token is not valid yet",
                _ => "the token is malformed",
            })?;
        // A well-signed token still may not outlive the configured lifetime, nor claim to be
        // issued in the future (a key that leaked must not mint tokens for a year).
        let leeway = i64::try_from(LEEWAY_SECS).unwrap_or(30);
        if claims.exp - claims.iat > self.ttl.num_seconds() + leeway {
            return Err("the token lives longer than this server allows");
        }
        if claims.iat > Utc::now().timestamp() + leeway {
            return Err("the token was issued in the future");
        }
        Ok(claims)
    }
}
