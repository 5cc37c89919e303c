//! Logging in, rotating refresh tokens and ending sessions.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::{Actor, Role};
use liaison_domain::phone::Phone;
use liaison_infra::entities::Word;
use liaison_infra::entities::{refresh_tokens, users};
use liaison_infra::password;
use liaison_infra::rate_limit::Decision;
use liaison_infra::revocation::Revocation;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};

use super::caller::{load_actor, Caller};
use super::dto::{Me, Scopes, TokenPair};
use super::tokens::{hash_refresh_token, new_refresh_token};
use crate::error::{is_unique_violation, ApiError, ApiResult};
use crate::state::AppState;

/// The display name a resident gets until they set one.
const RESIDENT_NAME: &str = "微信用户";

pub async fn wechat_login(state: &AppState, code: &str, ip: &str) -> ApiResult<TokenPair> {
    let wechat = state.wechat.as_ref().ok_or_else(|| {
        ApiError::not_found("login method: WeChat is not configured on this server")
    })?;
    let code = code.trim();
    // wx.login codes are short opaque strings; anything else cannot be one, so WeChat is spared.
    if code.is_empty() || code.len() > 128 {
        return Err(ApiError::invalid_field(
            "code",
            "invalid_code",
            "code must be the string wx.login returned",
        ));
    }
    limit(
        state,
        &format!("login:ip:{ip}"),
        state.settings.auth.login_attempts_per_ip,
    )
    .await?;
    let session = wechat.code_to_session(code).await?;
    resident_session(state, &session.openid).await
}

pub async fn dev_login(state: &AppState, openid: &str) -> ApiResult<TokenPair> {
    if !state.settings.auth.dev_login {
        return Err(ApiError::not_found("route"));
    }
    let openid = openid.trim();
    if openid.is_empty() || openid.len() > 64 {
        return Err(ApiError::invalid_field(
            "openid",
            "invalid_openid",
            "openid must have 1 to 64 characters",
        ));
    }
    resident_session(state, openid).await
}

/// Finds or creates the resident with `openid` and opens a session for them.
async fn resident_session(state: &AppState, openid: &str) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let existing = users::Entity::find()
        .filter(users::Column::Openid.eq(openid))
        .one(&state.db)
        .await?;
    let user = match existing {
        Some(user) => user,
        None => {
            let created = users::ActiveModel {
                role: Set(Word(Role::Resident)),
                name: Set(RESIDENT_NAME.to_owned()),
                openid: Set(Some(openid.to_owned())),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&state.db)
            .await;
            match created {
                Ok(user) => user,
                // Two first logins raced: the other one created the resident.
                Err(e) if is_unique_violation(&e) => users::Entity::find()
                    .filter(users::Column::Openid.eq(openid))
                    .one(&state.db)
                    .await?
                    .ok_or_else(|| ApiError::internal(e))?,
                Err(e) => return Err(e.into()),
            }
        }
    };
    if *user.role != Role::Resident {
        return Err(ApiError::forbidden(
            "this WeChat account belongs to a staff member",
        ));
    }
    open_session(state, user.id, now).await
}

pub async fn password_login(
    state: &AppState,
    phone: &str,
    given: &str,
    ip: &str,
) -> ApiResult<TokenPair> {
    let phone = Phone::parse(phone)?;
    let auth = &state.settings.auth;
    limit(state, &format!("login:ip:{ip}"), auth.login_attempts_per_ip).await?;
    limit(
        state,
        &format!("login:phone:{}", phone.as_str()),
        auth.login_attempts_per_phone_ip,
    )
    .await?;

    let user = users::Entity::find()
        .filter(users::Column::Phone.eq(phone.as_str()))
        .one(&state.db)
        .await?;
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let given = given.to_owned();
    // Hashing is deliberately slow; keep it off the async workers.
    let matches = actix_web::web::block(move || password::verify(&given, stored.as_deref()))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(user) if matches => user,
        _ => {
            tracing::info!(phone = %phone.masked(), "password login refused");
            return Err(ApiError::unauthorized(
                "auth.invalid_credentials",
                "phone or password is wrong",
            ));
        }
    };
    let now = Utc::now();
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Expr::value(now))
        .filter(users::Column::Id.eq(user.id))
        .exec(&state.db)
        .await?;
    tracing::info!(user_id = user.id, role = %user.role, "staff logged in");
    open_session(state, user.id, now).await
}

async fn limit(state: &AppState, key: &str, per_window: u64) -> ApiResult<()> {
    let window = StdDuration::from_secs(state.settings.auth.login_window_seconds);
    match state.limiter.check(key, per_window, window).await {
        Decision::Allowed => Ok(()),
        Decision::Limited { retry_after } => Err(ApiError::too_many_requests(retry_after)),
    }
}

/// Starts a new refresh-token family for the user and answers the token pair.
async fn open_session(state: &AppState, user_id: i64, now: DateTime<Utc>) -> ApiResult<TokenPair> {
    let family = uuid::Uuid::new_v4().to_string();
    let refresh_token =
        store_refresh_token(&state.db, user_id, &family, now, refresh_ttl(state)).await?;
    pair(state, user_id, &family, refresh_token, now).await
}

async fn store_refresh_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    family: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> ApiResult<String> {
    let token = new_refresh_token();
    refresh_tokens::ActiveModel {
        user_id: Set(user_id),
        family: Set(family.to_owned()),
        token_hash: Set(hash_refresh_token(&token)),
        expires_at: Set(now + ttl),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn refresh_ttl(state: &AppState) -> Duration {
    Duration::days(state.settings.auth.refresh_token_days)
}

async fn pair(
    state: &AppState,
    user_id: i64,
    family: &str,
    refresh_token: String,
    now: DateTime<Utc>,
) -> ApiResult<TokenPair> {
    let (user, actor) = load_actor(&state.db, user_id).await?.ok_or_else(|| {
        ApiError::unauthorized("auth.invalid_token", "the account no longer exists")
    })?;
    let access_token = state.tokens.issue(&actor, &user.name, family, now)?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: state.tokens.access_ttl().num_seconds(),
        user: me_of(&actor, user.name),
    })
}

/// Rotates a refresh token. Presenting one that was already rotated means it leaked (or a
/// client misbehaves): the whole family is revoked, so the thief's copy dies with it.
pub async fn refresh(state: &AppState, token: &str) -> ApiResult<TokenPair> {
    let now = Utc::now();
    let invalid = || {
        ApiError::unauthorized(
            "auth.invalid_refresh_token",
            "the refresh token is not valid",
        )
    };
    let row = refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(hash_refresh_token(token)))
        .one(&state.db)
        .await?
        .ok_or_else(invalid)?;
    if row.revoked_at.is_some() {
        return Err(ApiError::unauthorized(
            "auth.session_ended",
            "this session has ended; log in again",
        ));
    }
    if row.rotated_at.is_some() {
        return Err(reuse_detected(state, &row, now).await);
    }
    if row.expires_at <= now {
        return Err(ApiError::unauthorized(
            "auth.refresh_expired",
            "the refresh token has expired; log in again",
        ));
    }
    let txn = state.db.begin().await?;
    // Conditional on not yet rotated, so two concurrent refreshes cannot both succeed.
    let rotated = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RotatedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Id.eq(row.id))
        .filter(refresh_tokens::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if rotated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(reuse_detected(state, &row, now).await);
    }
    let next = store_refresh_token(&txn, row.user_id, &row.family, now, refresh_ttl(state)).await?;
    txn.commit().await?;
    pair(state, row.user_id, &row.family, next, now).await
}

async fn reuse_detected(
    state: &AppState,
    row: &refresh_tokens::Model,
    now: DateTime<Utc>,
) -> ApiError {
    tracing::warn!(
        user_id = row.user_id,
        "a rotated refresh token was reused; revoking its session"
    );
    if let Err(e) = revoke_family(state, &row.family, now).await {
        return e;
    }
    ApiError::unauthorized(
        "auth.refresh_reused",
        "this refresh token was already used; the session is ended",
    )
}

/// Ends the session `family` in the database, where sweeps find it, and in the revocation
/// set, which refuses its access tokens on every node from now on.
async fn revoke_family(state: &AppState, family: &str, now: DateTime<Utc>) -> ApiResult<()> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(now))
        .filter(refresh_tokens::Column::Family.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(&state.db)
        .await?;
    state
        .revocations
        .revoke(Revocation::Session {
            id: family.to_owned(),
        })
        .await;
    Ok(())
}

pub async fn logout(state: &AppState, caller: &Caller) -> ApiResult<()> {
    revoke_family(state, &caller.session, Utc::now()).await
}

pub fn me(caller: &Caller) -> Me {
    me_of(&caller.actor, caller.name.clone())
}

fn me_of(actor: &Actor, name: String) -> Me {
    Me {
        id: actor.user_id,
        role: actor.role,
        name,
        scopes: Scopes {
            county_id: actor.county_id,
            station_ids: actor.station_ids.clone(),
            department_id: actor.department_id,
            deputy_id: actor.deputy_id,
        },
    }
}
