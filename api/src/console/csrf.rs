//! The console's signatures: of its session cookie, and of the CSRF tokens its forms carry.
//!
//! A form's token is a MAC of its session's id, so only this server can make one, a token of
//! another session never fits, and nothing needs storing. Before there is a session (the login
//! form) the token is a MAC of a random value kept in a cookie of its own: a page of another
//! site can neither read that cookie nor make the MAC. Keys are derived from the JWT secret
//! with a label per use, so the console needs no secret of its own.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::state::AppState;

/// The cookie holding the login form's random value.
pub const LOGIN_COOKIE: &str = "liaison_console_login";

type HmacSha256 = Hmac<Sha256>;

fn keyed(state: &AppState, label: &str, data: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
    let mut mac =
        HmacSha256::new_from_slice(state.settings.auth.jwt_secret.expose_secret().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(b"liaison console ");
    mac.update(label.as_bytes());
    mac.update(b"\0");
    mac.update(data);
    mac
}

/// The MAC of `data` for `label`.
pub fn mac(state: &AppState, label: &str, data: &[u8]) -> Vec<u8> {
    keyed(state, label, data).finalize().into_bytes().to_vec()
}

/// Whether `tag` is the MAC of `data` for `label`, compared in constant time.
pub fn verify(state: &AppState, label: &str, data: &[u8], tag: &[u8]) -> bool {
    keyed(state, label, data).verify_slice(tag).is_ok()
}

fn token(state: &AppState, label: &str, data: &str) -> String {
    URL_SAFE_NO_PAD.encode(mac(state, label, data.as_bytes()))
}

fn token_fits(state: &AppState, label: &str, data: &str, given: &str) -> bool {
    URL_SAFE_NO_PAD
        .decode(given.trim())
        .is_ok_and(|tag| verify(state, label, data.as_bytes(), &tag))
}

/// The token of every form of session `session`.
pub fn for_session(state: &AppState, session: &str) -> String {
    token(state, "csrf", session)
}

pub fn matches_session(state: &AppState, session: &str, given: &str) -> bool {
    token_fits(state, "csrf", session, given)
}

/// A fresh random value for the login form's cookie.
pub fn new_login_value() -> String {
    let mut bytes = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The login form's token for the value in its cookie.
pub fn for_login(state: &AppState, value: &str) -> String {
    token(state, "login", value)
}

pub fn matches_login(state: &AppState, value: &str, given: &str) -> bool {
    !value.is_empty() && token_fits(state, "login", value, given)
}
