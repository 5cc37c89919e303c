//! Who is calling: the bearer token checked against the revocation set, which needs no
//! statement. A token whose session ended is refused; one signed before its account changed
//! has the account read afresh from the database, so a changed scope applies at once.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::policy::{self, Writes};
use liaison_infra::entities::{deputy_stations, user_stations, users};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

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
}

impl Caller {
    /// 403 unless the caller's role makes this kind of write at all: asked before the body is
    /// opened (see `extract::Deferred`).
    pub fn gate(&self, writes: Writes) -> Result<(), ApiError> {
        if policy::may_write(self.actor.role, writes) {
            Ok(())
        } else {
            Err(ApiError::forbidden("your role may not do this"))
        }
    }
}

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
            let token = token.ok_or_else(|| {
                ApiError::unauthorized(
                    "auth.missing_token",
                    "send an access token: Authorization: Bearer ...",
                )
            })?;
            let state = state
                .ok_or_else(|| ApiError::internal(anyhow::anyhow!("application state missing")))?;
            let caller = authenticate(&state, &token).await?;
            telemetry::record_actor(caller.actor.user_id, caller.actor.role.as_str());
            Ok(caller)
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

async fn authenticate(state: &AppState, token: &str) -> Result<Caller, ApiError> {
    let claims = state.tokens.verify(token)?;
    let user_id = claims.user_id()?;
    if state.revocations.session_ended(&claims.sid) {
        return Err(ApiError::unauthorized(
            "auth.session_ended",
            "this session has ended; log in again",
        ));
    }
    if !state.revocations.account_changed_since(user_id, claims.iat) {
        return Ok(Caller {
            actor: claims.actor()?,
            name: claims.name,
            session: claims.sid,
        });
    }
    let (user, actor) = load_actor(&state.db, user_id).await?.ok_or_else(|| {
        ApiError::unauthorized("auth.invalid_token", "the access token is not valid")
    })?;
    Ok(Caller {
        actor,
        name: user.name,
        session: claims.sid,
    })
}

/// A user and what they cover now: a station admin's stations, a deputy's stations.
pub async fn load_actor(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<(users::Model, Actor)>, DbErr> {
    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let role = *user.role;
    let station_ids = match (role, user.deputy_id) {
        (Role::StationAdmin, _) => {
            user_stations::Entity::find()
                .select_only()
                .column(user_stations::Column::StationId)
                .filter(user_stations::Column::UserId.eq(user.id))
                .into_tuple::<i64>()
                .all(db)
                .await?
        }
        (Role::Deputy, Some(deputy_id)) => {
            deputy_stations::Entity::find()
                .select_only()
                .column(deputy_stations::Column::StationId)
                .filter(deputy_stations::Column::DeputyId.eq(deputy_id))
                .into_tuple::<i64>()
                .all(db)
                .await?
        }
        _ => Vec::new(),
    };
    let actor = Actor {
        user_id: user.id,
        role,
        county_id: user.county_id,
        station_ids,
        department_id: user.department_id,
        deputy_id: user.deputy_id,
    };
    Ok(Some((user, actor)))
}
