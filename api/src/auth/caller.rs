//! Who is calling: the bearer token checked against the revocation set, which needs no
//! statement. A token whose session ended is refused; one signed before its account changed
//! has the account read afresh from the database, so a changed scope applies at once.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use liaison_domain::actor::Actor;
use liaison_domain::policy::{self, Writes};
use liaison_infra::store::accounts;

use crate::app_error::{AppError, AppResult, Unauthenticated};
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry;

/// An authenticated caller. Extracting it answers 401 without a valid token.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub name: String,
    /// The session (refresh-token family) of the token used.
    pub session: String,
    /// An admin reset the password and it is not changed yet.
    pub password_change_required: bool,
}

impl Caller {
    /// 403 unless the caller's role makes this kind of write at all: asked before the body is
    /// opened (see `extract::Deferred`).
    pub fn gate(&self, writes: Writes) -> AppResult<()> {
        if policy::may_write(self.actor.role, writes) {
            Ok(())
        } else {
            Err(AppError::Forbidden("your role may not do this"))
        }
    }
}

/// The holder of a valid token, even one who must change their password first: for the few
/// endpoints that such a holder may still call (changing the password, logging out).
pub struct TokenHolder(pub Caller);

/// A caller if a token was sent; public endpoints use it to show more to staff in scope.
/// A token that was sent but is invalid still answers 401: a client should know.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = authenticate(state, token).await?;
            telemetry::record_actor(caller.actor.user_id, caller.actor.role.as_str());
            if caller.password_change_required {
                return Err(AppError::PasswordChangeRequired.into());
            }
            Ok(caller)
        })
    }
}

/// A caller whom the request's log line does not name: for a step whose point is that nobody
/// can tell who took it (a deputy's rating of a department).
pub struct UnnamedCaller(pub Caller);

impl FromRequest for UnnamedCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = authenticate(state, token).await?;
            if caller.password_change_required {
                return Err(AppError::PasswordChangeRequired.into());
            }
            Ok(UnnamedCaller(caller))
        })
    }
}

impl FromRequest for TokenHolder {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let caller = authenticate(state, token).await?;
            telemetry::record_actor(caller.actor.user_id, caller.actor.role.as_str());
            Ok(TokenHolder(caller))
        })
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if bearer(req).is_none() {
            return Box::pin(async { Ok(MaybeCaller(None)) });
        }
        let caller = Caller::from_request(req, payload);
        Box::pin(async move { caller.await.map(|c| MaybeCaller(Some(c))) })
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn authenticate(
    state: Option<web::Data<AppState>>,
    token: Option<String>,
) -> AppResult<Caller> {
    let token = token.ok_or(Unauthenticated::MissingToken)?;
    let state =
        state.ok_or_else(|| AppError::internal(anyhow::anyhow!("application state missing")))?;
    authenticate_token(&state, &token).await
}

/// The holder of access token `token`, as every edge believes it: signature and expiry, then
/// the revocation set, then the account read afresh if it changed since the token was signed.
pub async fn authenticate_token(state: &AppState, token: &str) -> AppResult<Caller> {
    let claims = state.tokens.verify(token)?;
    let user_id = claims.user_id()?;
    if state.revocations.session_ended(&claims.sid) {
        return Err(Unauthenticated::SessionEnded.into());
    }
    if !state.revocations.account_changed_since(user_id, claims.iat) {
        return Ok(Caller {
            actor: claims.actor()?,
            name: claims.name,
            session: claims.sid,
            password_change_required: claims.pcr,
        });
    }
    let (user, actor) = accounts::actor(&state.db, user_id)
        .await?
        .ok_or(Unauthenticated::InvalidToken)?;
    // Disabling ends every session too; this holds should the revocation of one be late.
    if user.disabled_at.is_some() {
        return Err(Unauthenticated::SessionEnded.into());
    }
    Ok(Caller {
        actor,
        name: user.name,
        session: claims.sid,
        password_change_required: user.password_change_required,
    })
}
