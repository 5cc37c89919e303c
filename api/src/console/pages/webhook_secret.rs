//! A new webhook's secret, carried once from the create form to the page it leads to. The
//! form answers with a redirect, so that a reload never creates a second webhook; the secret
//! rides along in a cookie sealed with the server's key (encrypted and authenticated, as the
//! stored secret is), bound to the session, good for a few minutes, sent only to the webhooks
//! page and removed by the page that shows it. The console never reads a secret back from the
//! database: what this cookie carries is the only secret it ever shows.

use actix_web::cookie::{time, Cookie};
use actix_web::HttpRequest;
use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::webhooks::PATH;
use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::session::{self, Staff};
use crate::state::AppState;
use crate::webhooks::dto::CreatedWebhook;

pub const COOKIE: &str = "liaison_console_secret";
/// Long enough for the redirect to be followed on a slow line; short, should it not be.
const LIFETIME_SECONDS: i64 = 300;

/// What the cookie holds, sealed.
#[derive(Serialize, Deserialize)]
struct Carried {
    /// The session it was created in: no other session's page shows it.
    sid: String,
    id: i64,
    url: String,
    secret: String,
    /// Unix seconds after which it is not shown.
    until: i64,
}

/// The webhook just created, with its secret, to show this once.
pub struct Shown {
    pub id: i64,
    pub url: String,
    pub secret: String,
}

/// The sealed value of the cookie that carries `created`'s secret to the next page of
/// `staff`'s session.
pub fn seal(state: &AppState, staff: &Staff, created: &CreatedWebhook) -> ConsoleResult<String> {
    let carried = Carried {
        sid: staff.session.clone(),
        id: created.webhook.id,
        url: created.webhook.url.clone(),
        secret: created.secret.clone(),
        until: Utc::now().timestamp() + LIFETIME_SECONDS,
    };
    let json = serde_json::to_string(&carried).map_err(AppError::internal)?;
    Ok(state.sealer.seal(&json).map_err(AppError::internal)?)
}

/// The cookie that carries the secret `sealed` holds (`seal`).
pub fn carry(state: &AppState, sealed: String) -> Cookie<'static> {
    let mut cookie = session::build(state, COOKIE, sealed);
    // Sent to the list the create form leads back to, and to no other page.
    cookie.set_path(PATH);
    cookie.set_max_age(time::Duration::seconds(LIFETIME_SECONDS));
    cookie
}

/// Whether the request carries the cookie at all, good or not: the page then removes it.
pub fn sent(req: &HttpRequest) -> bool {
    req.cookie(COOKIE).is_some()
}

/// The secret the request carries for `staff`'s session, while it is good.
pub fn take(state: &AppState, staff: &Staff, req: &HttpRequest) -> Option<Shown> {
    let cookie = req.cookie(COOKIE)?;
    let json = state.sealer.open(cookie.value()).ok()?;
    let carried: Carried = serde_json::from_str(&json).ok()?;
    let good = carried.sid == staff.session && Utc::now().timestamp() <= carried.until;
    good.then_some(Shown {
        id: carried.id,
        url: carried.url,
        secret: carried.secret,
    })
}

/// The cookie that removes the carrier from the browser.
pub fn removal(state: &AppState) -> Cookie<'static> {
    let mut cookie = session::build(state, COOKIE, String::new());
    cookie.set_path(PATH);
    cookie.set_max_age(time::Duration::ZERO);
    cookie
}
