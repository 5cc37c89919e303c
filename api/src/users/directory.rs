//! Reading staff accounts: the list an admin oversees, filtered, and one account, found only
//! within the admin's reach (404 outside it).

use liaison_domain::account::AccountStatus;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::policy::{self, AccountScope, Reach};
use liaison_infra::entities::users;
use liaison_infra::store::accounts::{self, Filter};
use sea_orm::ConnectionTrait;
use serde::Deserialize;
use utoipa::IntoParams;

use super::service::{view, User};
use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    #[param(schema_with = crate::words::role)]
    pub role: Option<String>,
    /// Accounts covering this station: its admins and the deputies who sit there.
    pub station_id: Option<i64>,
    pub department_id: Option<i64>,
    #[param(schema_with = crate::words::account_status)]
    pub status: Option<String>,
    /// Part of the name or of the phone number.
    pub q: Option<String>,
}

/// What the actor oversees: only admins read accounts.
pub fn reach_of(actor: &Actor) -> AppResult<Reach> {
    policy::reach(actor).ok_or(AppError::Forbidden("only admins read accounts"))
}

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &UserFilter,
    page: Page,
) -> AppResult<Paged<User>> {
    let reach = reach_of(actor)?;
    let q = filter
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned);
    let filter = Filter {
        role: filter.role.as_deref().map(Role::parse).transpose()?,
        station_id: filter.station_id,
        department_id: filter.department_id,
        status: filter
            .status
            .as_deref()
            .map(AccountStatus::parse)
            .transpose()?,
        q,
    };
    let rows = accounts::list(db, &reach, &filter, page).await?;
    let stations = accounts::stations_of(db, &rows).await?;
    Ok(Paged::finish(
        page,
        rows,
        |row| row.id,
        |row| {
            let covered = stations.get(&row.id).cloned().unwrap_or_default();
            view(row, covered)
        },
    ))
}

/// A staff account within the actor's reach, with the stations it covers; 404 for one outside
/// it, as for one that does not exist.
pub async fn in_reach(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<(users::Model, Vec<i64>)> {
    let reach = reach_of(actor)?;
    let user = accounts::find(db, id)
        .await?
        .filter(|u| u.role.is_staff())
        .ok_or(AppError::NotFound("account"))?;
    let covered = accounts::stations_of(db, std::slice::from_ref(&user))
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    let county_id = user.county_id.ok_or(AppError::NotFound("account"))?;
    if !reach.sees_account(county_id, &AccountScope::of(*user.role, &covered)) {
        return Err(AppError::NotFound("account"));
    }
    Ok((user, covered))
}

pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<User> {
    let (user, covered) = in_reach(db, actor, id).await?;
    Ok(view(user, covered))
}
