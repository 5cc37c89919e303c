//! Access tokens (short-lived JWTs with a `kid`, so keys can rotate) and refresh tokens
//! (random, stored only as a hash).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use liaison_domain::actor::{Actor, Role};

use crate::app_error::{AppError, AppResult, Unauthenticated};

const ISSUER: &str = "liaison";

/// What an access token says: who, and what the account covered when it was signed, so that
/// a request is authenticated without asking the database. The revocation set tells every
/// node when to stop believing a token: its session ended, or its account changed since.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    pub role: Role,
    /// The session (refresh-token family) this token belongs to; logging out ends it.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    /// The name the timeline shows for the holder's steps.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub station_ids: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub township_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deputy_id: Option<i64>,
    /// An admin reset the password: the holder must choose a new one before anything else.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pcr: bool,
}

impl Claims {
    pub fn user_id(&self) -> AppResult<i64> {
        self.sub.parse().map_err(|_| invalid_token())
    }

    /// The holder as the token describes them.
    pub fn actor(&self) -> AppResult<Actor> {
        Ok(Actor {
            user_id: self.user_id()?,
            role: self.role,
            county_id: self.county_id,
            station_ids: self.station_ids.clone(),
            township_id: self.township_id,
            department_id: self.department_id,
            deputy_id: self.deputy_id,
        })
    }
}

pub struct TokenKeys {
    kid: String,
    signing: EncodingKey,
    verifying: Vec<(String, DecodingKey)>,
    access_ttl: Duration,
}

impl TokenKeys {
    /// Signs with `current`; verifies with `current` and every one of `previous`.
    pub fn new(current: &SecretString, previous: &[SecretString], access_ttl: Duration) -> Self {
        let kid = key_id(current);
        let verifying = std::iter::once(current)
            .chain(previous)
            .map(|secret| {
                (
                    key_id(secret),
                    DecodingKey::from_secret(secret.expose_secret().as_bytes()),
                )
            })
            .collect();
        Self {
            kid,
            signing: EncodingKey::from_secret(current.expose_secret().as_bytes()),
            verifying,
            access_ttl,
        }
    }

    pub fn access_ttl(&self) -> Duration {
        self.access_ttl
    }

    /// Signs a token for `actor`, named `name`, in `session`; `password_change_required` when
    /// the holder must change their password first.
    pub fn issue(
        &self,
        actor: &Actor,
        name: &str,
        session: &str,
        password_change_required: bool,
        now: DateTime<Utc>,
    ) -> AppResult<String> {
        let claims = Claims {
            sub: actor.user_id.to_string(),
            role: actor.role,
            sid: session.to_owned(),
            iat: now.timestamp(),
            exp: (now + self.access_ttl).timestamp(),
            iss: ISSUER.to_owned(),
            name: name.to_owned(),
            county_id: actor.county_id,
            station_ids: actor.station_ids.clone(),
            township_id: actor.township_id,
            department_id: actor.department_id,
            deputy_id: actor.deputy_id,
            pcr: password_change_required,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing).map_err(AppError::internal)
    }

    /// Checks signature, algorithm (HS256 only: `alg: none` and key confusion fail here),
    /// issuer and expiry.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid_token())?;
        let kid = header.kid.ok_or_else(invalid_token)?;
        let (_, key) = self
            .verifying
            .iter()
            .find(|(id, _)| *id == kid)
            .ok_or_else(invalid_token)?;
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        jsonwebtoken::decode::<Claims>(token, key, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    Unauthenticated::TokenExpired.into()
                }
                _ => invalid_token(),
            })
    }
}

fn invalid_token() -> AppError {
    Unauthenticated::InvalidToken.into()
}

/// A short public name for a key, so a token says which key signed it without revealing it.
fn key_id(secret: &SecretString) -> String {
    let digest = Sha256::digest(format!("kid:{}", secret.expose_secret()).as_bytes());
    digest[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// A new refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a refresh token.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::new(&SecretString::from(secret), &[], Duration::minutes(15))
    }

    fn holder(user_id: i64, role: Role) -> Actor {
        Actor {
            user_id,
            role,
            county_id: Some(3),
            station_ids: vec![10, 11],
            township_id: None,
            department_id: None,
            deputy_id: Some(5),
        }
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = keys("one secret of at least thirty-two chars");
        let actor = holder(42, Role::Deputy);
        let token = keys
            .issue(&actor, "王秀英", "fam", false, Utc::now())
            .unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.user_id().unwrap(), 42);
        assert_eq!(claims.role, Role::Deputy);
        assert_eq!(claims.sid, "fam");
        assert_eq!(claims.name, "王秀英");
        assert_eq!(claims.actor().unwrap(), actor);
    }

    #[test]
    fn expired_tokens_fail_with_their_own_code() {
        let keys = keys("s");
        let token = keys
            .issue(
                &holder(1, Role::Resident),
                "r",
                "f",
                false,
                Utc::now() - Duration::hours(1),
            )
            .unwrap();
        assert!(matches!(
            keys.verify(&token),
            Err(AppError::Unauthenticated(Unauthenticated::TokenExpired))
        ));
    }

    #[test]
    fn tokens_of_another_key_fail() {
        let token = keys("a")
            .issue(&holder(1, Role::Resident), "r", "f", false, Utc::now())
            .unwrap();
        assert!(matches!(
            keys("b").verify(&token),
            Err(AppError::Unauthenticated(Unauthenticated::InvalidToken))
        ));
    }

    #[test]
    fn rotated_keys_still_verify_old_tokens() {
        let old = SecretString::from("old");
        let token = TokenKeys::new(&old, &[], Duration::minutes(5))
            .issue(&holder(1, Role::Resident), "r", "f", false, Utc::now())
            .unwrap();
        let rotated = TokenKeys::new(&SecretString::from("new"), &[old], Duration::minutes(5));
        assert!(rotated.verify(&token).is_ok());
    }

    #[test]
    fn alg_none_is_refused() {
        let keys = keys("s");
        let token = keys
            .issue(&holder(1, Role::CountyAdmin), "c", "f", false, Utc::now())
            .unwrap();
        let payload = token.split('.').nth(1).unwrap();
        let header = URL_SAFE_NO_PAD.encode(format!(
            r#"{{"alg":"none","typ":"JWT","kid":"{}"}}"#,
            keys.kid
        ));
        assert!(keys.verify(&format!("{header}.{payload}.")).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let a = new_refresh_token();
        assert_ne!(a, new_refresh_token());
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
