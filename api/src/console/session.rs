//! The console's cookie session. The cookie carries the same signed access token the API's
//! clients send, so it is believed exactly as they are (the revocation set, the account read
//! afresh when it changed), inside an envelope this server signs with when the session began
//! and when it was last used: the idle and absolute timeouts are checked against those. When
//! the access token runs out, the session renews it only after the database says the session
//! still holds; no refresh token is kept, so two tabs can never race one into reuse.

use actix_web::body::MessageBody;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, Error, FromRequest, HttpMessage, HttpRequest};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use futures_util::future::LocalBoxFuture;
use liaison_domain::actor::{Actor, Role};
use serde::{Deserialize, Serialize};

use super::csrf;
use super::error::{ConsoleError, ConsoleResult, LoginReason};
use crate::app_error::{AppError, Unauthenticated};
use crate::auth::caller::{authenticate_token, Caller};
use crate::auth::service::{logout, renew};
use crate::settings::ConsoleSettings;
use crate::state::AppState;
use crate::telemetry;

pub const COOKIE: &str = "liaison_console";
pub const PATH: &str = "/console";
/// How stale the last-used time may grow before the cookie is written again: the idle timeout
/// is this much coarse, and a busy session does not send a new cookie with every page.
const SEEN_EVERY_SECONDS: i64 = 60;

/// What the cookie holds, signed.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    /// The session (refresh-token family) and its user.
    sid: String,
    uid: i64,
    /// The access token, as the API's clients hold it.
    token: String,
    /// Unix seconds: logged in, last used.
    started: i64,
    seen: i64,
}

/// A staff member signed in to the console.
#[derive(Debug, Clone)]
pub struct Staff {
    pub actor: Actor,
    pub name: String,
    pub session: String,
    /// The token every form of this session carries.
    pub csrf: String,
    /// An admin reset the password: every page but changing it (and logging out) leads to
    /// the password page.
    pub password_change_required: bool,
}

impl Staff {
    /// Refuses a form that does not carry this session's token.
    pub fn check_csrf(&self, state: &AppState, given: &str) -> ConsoleResult<()> {
        if csrf::matches_session(state, &self.session, given) {
            Ok(())
        } else {
            Err(ConsoleError::Csrf)
        }
    }
}

/// The cookie to set once `response` leaves: a renewed token or a fresher last-used time.
struct Renewed(Cookie<'static>);

/// The session cookie for a login just made: `token` of session `sid` for user `uid`.
pub fn opened(
    state: &AppState,
    sid: &str,
    uid: i64,
    token: String,
) -> ConsoleResult<Cookie<'static>> {
    let now = Utc::now().timestamp();
    seal(
        state,
        &Envelope {
            sid: sid.to_owned(),
            uid,
            token,
            started: now,
            seen: now,
        },
    )
}

/// The cookie that removes the session cookie from the browser: for a logout, and for a
/// session that no longer holds, so that a stale cookie is not sent (and checked) again.
pub fn removal() -> Cookie<'static> {
    Cookie::build(COOKIE, "")
        .path(PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::ZERO)
        .finish()
}

/// A console cookie named `name`: never read by scripts, sent only to the console, over TLS
/// when the server is reached by https. Lax, so that a link to a case (in a message, say)
/// opens it logged in, while forms posted from elsewhere arrive without it.
pub fn build(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    Cookie::build(name, value)
        .path(PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.public_base_url.starts_with("https://"))
        .finish()
}

fn seal(state: &AppState, envelope: &Envelope) -> ConsoleResult<Cookie<'static>> {
    let json = serde_json::to_vec(envelope).map_err(AppError::internal)?;
    let payload = URL_SAFE_NO_PAD.encode(json);
    let tag = URL_SAFE_NO_PAD.encode(csrf::mac(state, "session", payload.as_bytes()));
    Ok(build(state, COOKIE, format!("{payload}.{tag}")))
}

fn unseal(state: &AppState, value: &str) -> Option<Envelope> {
    let (payload, tag) = value.split_once('.')?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    if !csrf::verify(state, "session", payload.as_bytes(), &tag) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

/// Where to come back to after logging in: the page asked for, when it was a page.
fn next_of(req: &HttpRequest) -> Option<String> {
    (req.method() == Method::GET).then(|| req.uri().to_string())
}

/// The staff member of this request's cookie, or why not.
async fn authenticate(state: &AppState, req: &HttpRequest) -> ConsoleResult<Staff> {
    let login = |reason| ConsoleError::LoginRequired {
        next: next_of(req),
        reason,
    };
    let envelope = req
        .cookie(COOKIE)
        .and_then(|cookie| unseal(state, cookie.value()))
        .ok_or_else(|| login(LoginReason::Required))?;
    let now = Utc::now().timestamp();
    if ran_out(&envelope, now, &state.settings.console) {
        // Ended for good, on every node: the cookie, kept somewhere, never works again.
        logout(&state.sessions(), &envelope.sid).await?;
        return Err(login(LoginReason::Expired));
    }
    let (caller, token) = match authenticate_token(state, &envelope.token).await {
        Ok(caller) if caller.session == envelope.sid => (caller, None),
        Ok(_) => return Err(login(LoginReason::Required)),
        Err(AppError::Unauthenticated(Unauthenticated::TokenExpired)) => {
            match renew(&state.sessions(), envelope.uid, &envelope.sid).await {
                Ok((token, caller)) => (caller, Some(token)),
                Err(AppError::Unauthenticated(_)) => return Err(login(LoginReason::Expired)),
                Err(other) => return Err(other.into()),
            }
        }
        Err(AppError::Unauthenticated(_)) => return Err(login(LoginReason::Expired)),
        Err(other) => return Err(other.into()),
    };
    if caller.actor.role == Role::Resident {
        return Err(login(LoginReason::Required));
    }
    let may_wait = matches!(req.path(), "/console/password" | "/console/logout");
    if caller.password_change_required && !may_wait {
        return Err(ConsoleError::PasswordChangeRequired);
    }
    if token.is_some() || now - envelope.seen >= SEEN_EVERY_SECONDS {
        let renewed = Envelope {
            token: token.unwrap_or(envelope.token),
            seen: now,
            ..envelope
        };
        let cookie = seal(state, &renewed)?;
        req.extensions_mut().insert(Renewed(cookie));
        return Ok(staff(state, caller, renewed.sid));
    }
    Ok(staff(state, caller, envelope.sid))
}

/// Whether the session has lasted longer than it may, or lain idle too long, at `now`.
fn ran_out(envelope: &Envelope, now: i64, limits: &ConsoleSettings) -> bool {
    now - envelope.started > limits.absolute_hours * 3600
        || now - envelope.seen > limits.idle_minutes * 60
}

fn staff(state: &AppState, caller: Caller, session: String) -> Staff {
    Staff {
        csrf: csrf::for_session(state, &session),
        actor: caller.actor,
        name: caller.name,
        session,
        password_change_required: caller.password_change_required,
    }
}

impl FromRequest for Staff {
    type Error = ConsoleError;
    type Future = LocalBoxFuture<'static, Result<Self, ConsoleError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
            let staff = authenticate(&state, &req).await?;
            telemetry::record_actor(staff.actor.user_id, staff.actor.role.as_str());
            Ok(staff)
        })
    }
}

/// Sets the cookie a request's authentication renewed, on whatever answer it got.
pub async fn carry(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(req).await?;
    let renewed = response.request().extensions_mut().remove::<Renewed>();
    if let Some(Renewed(cookie)) = renewed {
        // A page that logged out removed the cookie itself; it is not brought back.
        let removed = response.response().cookies().any(|c| c.name() == COOKIE);
        if !removed {
            response.response_mut().add_cookie(&cookie)?;
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_runs_out_when_idle_too_long_or_too_old_however_busy() {
        let limits = ConsoleSettings {
            idle_minutes: 30,
            absolute_hours: 12,
            ..ConsoleSettings::default()
        };
        let at = |started: i64, seen: i64| Envelope {
            sid: "s".to_owned(),
            uid: 1,
            token: String::new(),
            started,
            seen,
        };
        let now = 100_000;
        assert!(!ran_out(&at(now - 3600, now - 29 * 60), now, &limits));
        assert!(
            ran_out(&at(now - 3600, now - 31 * 60), now, &limits),
            "idle"
        );
        assert!(
            ran_out(&at(now - 12 * 3600 - 1, now - 10), now, &limits),
            "busy, but logged in too long ago"
        );
        assert!(!ran_out(&at(now - 12 * 3600, now), now, &limits));
    }
}
