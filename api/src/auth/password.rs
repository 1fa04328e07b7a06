//! Password rules and hashing with argon2id at OWASP's recommended parameters.
//!
//! Hashing is deliberately slow (tens of milliseconds), so it runs on tokio's blocking pool and
//! never stalls a request worker.

use crate::kb::error::{ApiError, ApiResult};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::OnceLock;

/// Shortest password: length beats composition rules (NIST SP 800-63B).
pub const MIN_CHARS: usize = 12;
/// Longest password: bounds the hashing work an attacker can ask for.
pub const MAX_CHARS: usize = 128;

/// argon2id, 19 MiB, 2 passes, 1 lane: OWASP's Password Storage Cheat Sheet.
fn argon2() -> ApiResult<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| ApiError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Checks the length rules; the error names `field`.
pub fn check_rules(field: &str, password: &SecretString) -> ApiResult<()> {
    let chars = password.expose_secret().chars().count();
    if chars < MIN_CHARS {
        return Err(ApiError::bad_input(
            field,
            format!("a password has at least {MIN_CHARS} characters"),
        ));
    }
    if chars > MAX_CHARS {
        return Err(ApiError::bad_input(
            field,
            format!("a password has at most {MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

fn hash_now(password: &SecretString) -> ApiResult<String> {
    let salt = SaltString::generate(&mut rand_core::OsRng);
    argon2()?
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Internal(format!("argon2 hashing: {e}")))
}

/// A hash to verify against when the account does not exist, so that a login for an unknown
/// email costs the same time as one for a known email.
fn decoy_hash() -> ApiResult<&'static str> {
    static DECOY: OnceLock<String> = OnceLock::new();
    if let Some(hash) = DECOY.get() {
        return Ok(hash);
    }
    let hash = hash_now(&SecretString::from("decoy password, never valid"))?;
    Ok(DECOY.get_or_init(|| hash))
}

fn verify_now(password: &SecretString, hash: Option<&str>) -> ApiResult<bool> {
    let (hash, real) = match hash {
        Some(hash) => (hash, true),
        None => (decoy_hash()?, false),
    };
    let parsed = PasswordHash::new(hash)
        .map_err(|e| ApiError::Internal(format!("stored password hash is unreadable: {e}")))?;
    let matches = argon2()?
        .verify_password(password.expose_secret().as_bytes(), &parsed)
        .is_ok();
    Ok(matches && real)
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("password hashing task failed: {e}")))?
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`) to store.
pub async fn hash(password: SecretString) -> ApiResult<String> {
    blocking(move || hash_now(&password)).await
}

/// Whether `password` matches `hash`; with no hash it does the same work and answers false.
pub async fn verify(password: SecretString, hash: Option<String>) -> ApiResult<bool> {
    blocking(move || verify_now(&password, hash.as_deref())).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_unknown_accounts_never_match() {
        let pw = SecretString::from("correct horse battery staple");
        let hash = hash_now(&pw).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_now(&pw, Some(&hash)).unwrap());
        assert!(!verify_now(&SecretString::from("wrong password!"), Some(&hash)).unwrap());
        assert!(!verify_now(&SecretString::from("decoy password, never valid"), None).unwrap());
    }

    #[test]
    fn length_rules() {
        assert!(check_rules("password", &SecretString::from("short")).is_err());
        assert!(check_rules("password", &SecretString::from("x".repeat(129))).is_err());
        assert!(check_rules("password", &SecretString::from("twelve chars")).is_ok());
    }
}
