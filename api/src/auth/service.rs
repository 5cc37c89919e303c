//! Logging in, rotating refresh tokens and ending sessions.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::phone::Phone;
use liaison_infra::db::Db;
use liaison_infra::password;
use liaison_infra::rate_limit::{Decision, RateLimiter};
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::{accounts, sessions};
use liaison_infra::wechat::WechatClient;
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::caller::Caller;
use super::dto::{Me, Scopes, TokenPair};
use super::tokens::{hash_refresh_token, new_refresh_token, TokenKeys};
use crate::app_error::{AppError, AppResult, Unauthenticated};
use crate::settings::AuthSettings;
use crate::state::AppState;

/// The display name a resident gets until they set one.
const RESIDENT_NAME: &str = "微信用户";

/// What opening, rotating and ending sessions needs.
pub struct Sessions<'a> {
    pub db: &'a Db,
    pub tokens: &'a TokenKeys,
    /// Told of every session ended, so that its access tokens stop working on every node.
    pub revocations: &'a Revocations,
    /// How long a refresh token works.
    pub refresh_ttl: Duration,
}

/// What logging in needs besides the session: the limits on attempts, and WeChat (`None` when
/// it is not configured) for residents.
pub struct Logins<'a> {
    pub sessions: Sessions<'a>,
    pub limiter: &'a RateLimiter,
    pub settings: &'a AuthSettings,
    pub wechat: Option<&'a WechatClient>,
}

impl AppState {
    pub fn sessions(&self) -> Sessions<'_> {
        Sessions {
            db: &self.db,
            tokens: &self.tokens,
            revocations: &self.revocations,
            refresh_ttl: Duration::days(self.settings.auth.refresh_token_days),
        }
    }

    pub fn logins(&self) -> Logins<'_> {
        Logins {
            sessions: self.sessions(),
            limiter: &self.limiter,
            settings: &self.settings.auth,
            wechat: self.wechat.as_ref(),
        }
    }
}

/// Mini-program login: the `wx.login` code is exchanged for the resident's openid.
pub async fn wechat_login(logins: &Logins<'_>, code: &str, ip: &str) -> AppResult<TokenPair> {
    let wechat = logins.wechat.ok_or(AppError::NotFound(
        "login method: WeChat is not configured on this server",
    ))?;
    let code = code.trim();
    // wx.login codes are short opaque strings; anything else cannot be one, so WeChat is spared.
    if code.is_empty() || code.len() > 128 {
        return Err(AppError::invalid_field(
            "code",
            "invalid_code",
            "code must be the string wx.login returned",
        ));
    }
    limit(
        logins,
        &format!("login:ip:{ip}"),
        logins.settings.login_attempts_per_ip,
    )
    .await?;
    let session = wechat.code_to_session(code).await?;
    resident_session(&logins.sessions, &session.openid).await
}

/// Resident login without WeChat, for development and demos: a route only when enabled.
pub async fn dev_login(logins: &Logins<'_>, openid: &str, ip: &str) -> AppResult<TokenPair> {
    if !logins.settings.dev_login {
        return Err(AppError::NotFound("route"));
    }
    let per_ip = logins.settings.token_requests_per_ip;
    limit(logins, &format!("token:ip:{ip}"), per_ip).await?;
    let openid = openid.trim();
    if openid.is_empty() || openid.len() > 64 {
        return Err(AppError::invalid_field(
            "openid",
            "invalid_openid",
            "openid must have 1 to 64 characters",
        ));
    }
    resident_session(&logins.sessions, openid).await
}

/// Finds or creates the resident with `openid` and opens a session for them.
async fn resident_session(sessions: &Sessions<'_>, openid: &str) -> AppResult<TokenPair> {
    let now = Utc::now();
    let user = accounts::resident_of_openid(sessions.db, openid, RESIDENT_NAME, now).await?;
    if *user.role != Role::Resident {
        return Err(AppError::Forbidden(
            "this WeChat account belongs to a staff member",
        ));
    }
    open_session(sessions, user.id, now).await
}

/// Staff login by phone and password, limited per client address, and per phone from each
/// address: a stranger's wrong guesses cannot lock the owner out from elsewhere. Past a
/// ceiling of failures on one phone from anywhere, each further failure is answered slowly,
/// which bounds guessing from many addresses without locking anyone out.
pub async fn password_login(
    logins: &Logins<'_>,
    phone: &str,
    given: &str,
    ip: &str,
) -> AppResult<TokenPair> {
    let phone = Phone::parse(phone)?;
    let settings = logins.settings;
    limit(
        logins,
        &format!("login:ip:{ip}"),
        settings.login_attempts_per_ip,
    )
    .await?;
    limit(
        logins,
        &format!("login:phone:{}:ip:{ip}", phone.as_str()),
        settings.login_attempts_per_phone_ip,
    )
    .await?;

    let db = logins.sessions.db;
    let user = accounts::find_by_phone(db, phone.as_str()).await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let given = given.to_owned();
    let matches = password::off_workers(move || password::verify(&given, stored.as_deref()))
        .await
        .map_err(AppError::internal)?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            tracing::info!(phone = %phone.masked(), "password login refused");
            slow_down_guessing(logins, &phone).await;
            return Err(Unauthenticated::InvalidCredentials.into());
        }
    };
    // Said only to whoever knows the password: to anyone else the account is not there.
    if user.disabled_at.is_some() {
        tracing::info!(user_id = user.id, "login of a disabled account refused");
        return Err(Unauthenticated::AccountDisabled.into());
    }
    let now = Utc::now();
    accounts::logged_in(db, user.id, now).await?;
    tracing::info!(user_id = user.id, role = %user.role, "staff logged in");
    open_session(&logins.sessions, user.id, now).await
}

/// Counts a failure on `phone` from anywhere; past the ceiling, waits before answering.
async fn slow_down_guessing(logins: &Logins<'_>, phone: &Phone) {
    let settings = logins.settings;
    let key = format!("login:failures:{}", phone.as_str());
    if limit(logins, &key, settings.login_failures_per_phone)
        .await
        .is_err()
    {
        tokio::time::sleep(StdDuration::from_millis(settings.login_delay_ms)).await;
    }
}

async fn limit(logins: &Logins<'_>, key: &str, per_window: u64) -> AppResult<()> {
    let window = StdDuration::from_secs(logins.settings.login_window_seconds);
    match logins.limiter.check(key, per_window, window).await {
        Decision::Allowed => Ok(()),
        Decision::Limited { retry_after } => Err(AppError::RateLimited { retry_after }),
    }
}

/// Starts a new refresh-token family for the user and answers the token pair.
async fn open_session(
    sessions: &Sessions<'_>,
    user_id: i64,
    now: DateTime<Utc>,
) -> AppResult<TokenPair> {
    let family = uuid::Uuid::new_v4().to_string();
    let expires_at = now + sessions.refresh_ttl;
    let refresh_token = add_refresh_token(sessions.db, user_id, &family, expires_at, now).await?;
    pair(sessions, user_id, &family, refresh_token, now).await
}

/// A new refresh token of session `family`, of which the database keeps only the hash.
async fn add_refresh_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    family: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let token = new_refresh_token();
    sessions::add_refresh_token(
        db,
        user_id,
        family,
        hash_refresh_token(&token),
        expires_at,
        now,
    )
    .await?;
    Ok(token)
}

async fn pair(
    sessions: &Sessions<'_>,
    user_id: i64,
    family: &str,
    refresh_token: String,
    now: DateTime<Utc>,
) -> AppResult<TokenPair> {
    let (user, actor) = accounts::actor(sessions.db, user_id)
        .await?
        .ok_or(Unauthenticated::AccountGone)?;
    if user.disabled_at.is_some() {
        return Err(Unauthenticated::AccountDisabled.into());
    }
    let must_change = user.password_change_required;
    let access_token = sessions
        .tokens
        .issue(&actor, &user.name, family, must_change, now)?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: sessions.tokens.access_ttl().num_seconds(),
        user: me(&actor, &user.name),
        password_change_required: must_change,
        session: family.to_owned(),
    })
}

/// Rotates a refresh token. Presenting one that was already rotated means it leaked (or a
/// client misbehaves): the whole family is revoked, so the thief's copy dies with it.
pub async fn refresh(logins: &Logins<'_>, token: &str, ip: &str) -> AppResult<TokenPair> {
    let per_ip = logins.settings.token_requests_per_ip;
    limit(logins, &format!("token:ip:{ip}"), per_ip).await?;
    let sessions = &logins.sessions;
    let now = Utc::now();
    let row = sessions::find_refresh_token(sessions.db, &hash_refresh_token(token))
        .await?
        .ok_or(Unauthenticated::InvalidRefreshToken)?;
    if row.revoked_at.is_some() {
        return Err(Unauthenticated::SessionEnded.into());
    }
    if row.rotated_at.is_some() {
        return Err(reuse_detected(sessions, row.user_id, &row.family, now).await);
    }
    if row.expires_at <= now {
        return Err(Unauthenticated::RefreshExpired.into());
    }
    let txn = sessions.db.begin().await?;
    if !sessions::rotate(&txn, row.id, now).await? {
        txn.rollback().await?;
        return Err(reuse_detected(sessions, row.user_id, &row.family, now).await);
    }
    let expires_at = now + sessions.refresh_ttl;
    let next = add_refresh_token(&txn, row.user_id, &row.family, expires_at, now).await?;
    txn.commit().await?;
    pair(sessions, row.user_id, &row.family, next, now).await
}

async fn reuse_detected(
    sessions: &Sessions<'_>,
    user_id: i64,
    family: &str,
    now: DateTime<Utc>,
) -> AppError {
    tracing::warn!(
        user_id,
        "a rotated refresh token was reused; revoking its session"
    );
    match end_session(sessions, family, now).await {
        Ok(()) => Unauthenticated::RefreshReused.into(),
        Err(error) => error,
    }
}

/// Ends the session `family` in the database, where sweeps find it, and in the revocation
/// set, which refuses its access tokens on every node from now on.
async fn end_session(sessions: &Sessions<'_>, family: &str, now: DateTime<Utc>) -> AppResult<()> {
    sessions::end_family(sessions.db, family, now).await?;
    sessions
        .revocations
        .revoke(Revocation::Session {
            id: family.to_owned(),
        })
        .await;
    Ok(())
}

/// A fresh access token for session `session` of user `user_id`, for a holder that keeps no
/// refresh token of its own (the console's cookie, which must not race itself rotating one):
/// refused when the session ended (on any node: the database says so) or ran out, or the
/// account is gone or disabled. The token describes the account as it is now. Answers the
/// token and the caller it names.
pub async fn renew(
    sessions: &Sessions<'_>,
    user_id: i64,
    session: &str,
) -> AppResult<(String, Caller)> {
    let now = Utc::now();
    if sessions.revocations.session_ended(session)
        || !sessions::is_live(sessions.db, session, now).await?
    {
        return Err(Unauthenticated::SessionEnded.into());
    }
    let (user, actor) = accounts::actor(sessions.db, user_id)
        .await?
        .ok_or(Unauthenticated::AccountGone)?;
    if user.disabled_at.is_some() {
        return Err(Unauthenticated::SessionEnded.into());
    }
    let must_change = user.password_change_required;
    let token = sessions
        .tokens
        .issue(&actor, &user.name, session, must_change, now)?;
    let caller = Caller {
        actor,
        name: user.name,
        session: session.to_owned(),
        password_change_required: must_change,
    };
    Ok((token, caller))
}

/// Ends the session the caller's access token belongs to.
pub async fn logout(sessions: &Sessions<'_>, session: &str) -> AppResult<()> {
    end_session(sessions, session, Utc::now()).await
}

/// The actor as their token (or a fresh read) describes them, named `name`.
pub fn me(actor: &Actor, name: &str) -> Me {
    Me {
        id: actor.user_id,
        role: actor.role,
        name: name.to_owned(),
        scopes: Scopes {
            county_id: actor.county_id,
            station_ids: actor.station_ids.clone(),
            region_id: actor.township_id,
            department_id: actor.department_id,
            deputy_id: actor.deputy_id,
        },
    }
}
