//! Request and response bodies of the auth endpoints.

use liaison_domain::actor::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
pub struct WechatLogin {
    /// The code from `wx.login`, single use, valid about five minutes.
    pub code: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordLogin {
    #[schema(example = "13800000001")]
    pub phone: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DevLogin {
    /// Any string standing in for a WeChat openid (1–64 characters).
    pub openid: String,
}

#[derive(Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    /// Single use: each refresh answers a new one; reusing an old one ends the session.
    pub refresh_token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: Me,
    /// An admin reset the password: until it is changed (`POST /api/v1/me/password`), every
    /// other request but logging out answers 403 `auth.password_change_required`.
    pub password_change_required: bool,
    /// The session (refresh-token family) the pair belongs to, for an edge that keeps the
    /// session itself (the console's cookie). Never sent: the access token names it.
    #[serde(skip)]
    pub session: String,
}

/// The caller as the server sees them now.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    #[schema(value_type = String, example = "station_admin")]
    pub role: Role,
    pub name: String,
    pub scopes: Scopes,
}

/// What the caller covers: the county of staff, a station admin's or deputy's stations (a
/// township admin's: every station of its township), a township admin's township, a
/// handler's department, the deputy record of a deputy account.
#[derive(Serialize, ToSchema)]
pub struct Scopes {
    pub county_id: Option<i64>,
    pub station_ids: Vec<i64>,
    pub region_id: Option<i64>,
    pub department_id: Option<i64>,
    pub deputy_id: Option<i64>,
}
