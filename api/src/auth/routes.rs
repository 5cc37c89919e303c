//! `/auth/*` and `/me`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use super::caller::{Caller, TokenHolder};
use super::dto::{DevLogin, Me, PasswordLogin, RefreshRequest, TokenPair, WechatLogin};
use super::service;
use crate::client_ip;
use crate::error::responses::{
    BadRequest, Forbidden, NotFound, TooLarge, TooManyRequests, Unauthorized, Unavailable,
    Unprocessable, UnsupportedMediaType,
};
use crate::error::ApiResult;
use crate::extract::Json;
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(wechat_login)
        .service(password_login)
        .service(dev_login)
        .service(refresh)
        .service(logout)
        .service(me);
}

/// The client's address as rate limits count it: through trusted proxies only.
fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    client_ip::of_request(req, &state.trusted_proxies)
}

/// Mini-program login: exchanges the `wx.login` code for the resident's openid.
#[utoipa::path(
    tag = "auth",
    request_body = WechatLogin,
    responses(
        (status = 200, description = "Logged in; the resident is created on first login", body = TokenPair),
        BadRequest, Unauthorized, Forbidden, NotFound, TooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests, Unavailable,
    )
)]
#[post("/auth/wechat")]
async fn wechat_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<WechatLogin>,
) -> ApiResult<web::Json<TokenPair>> {
    let pair =
        service::wechat_login(&state.logins(), &body.0.code, &client_ip(&state, &req)).await?;
    Ok(web::Json(pair))
}

/// Staff login by phone and password. Attempts are limited per phone and per IP.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordLogin,
    responses(
        (status = 200, description = "Logged in", body = TokenPair),
        BadRequest, Unauthorized, TooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests,
    )
)]
#[post("/auth/password")]
async fn password_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<PasswordLogin>,
) -> ApiResult<web::Json<TokenPair>> {
    let body = body.0;
    let pair = service::password_login(
        &state.logins(),
        &body.phone,
        &body.password,
        &client_ip(&state, &req),
    )
    .await?;
    Ok(web::Json(pair))
}

/// Resident login without WeChat, for development and demos only.
#[utoipa::path(
    tag = "auth",
    request_body = DevLogin,
    responses(
        (status = 200, description = "Logged in as the resident with this openid", body = TokenPair),
        BadRequest, NotFound, TooLarge, UnsupportedMediaType, Unprocessable, TooManyRequests,
    )
)]
#[post("/auth/dev")]
async fn dev_login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<DevLogin>,
) -> ApiResult<web::Json<TokenPair>> {
    let pair =
        service::dev_login(&state.logins(), &body.0.openid, &client_ip(&state, &req)).await?;
    Ok(web::Json(pair))
}

/// Rotates the token pair. A refresh token works once; reusing one ends its whole session.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenPair),
        BadRequest, Unauthorized, TooLarge, UnsupportedMediaType, TooManyRequests,
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<RefreshRequest>,
) -> ApiResult<web::Json<TokenPair>> {
    let pair = service::refresh(
        &state.logins(),
        &body.0.refresh_token,
        &client_ip(&state, &req),
    )
    .await?;
    Ok(web::Json(pair))
}

/// Ends the caller's session: its refresh tokens and access tokens stop working.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        Unauthorized,
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    TokenHolder(caller): TokenHolder,
) -> ApiResult<HttpResponse> {
    service::logout(&state.sessions(), &caller.session).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller: id, role, name and scopes.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        Unauthorized,
    )
)]
#[get("/me")]
async fn me(caller: Caller) -> web::Json<Me> {
    web::Json(service::me(&caller.actor, &caller.name))
}
