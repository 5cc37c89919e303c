//! Accounts: residents (found by openid, created on first login), staff (the one way one is
//! written, whoever creates it: the command line's first county admin, an admin through the
//! API, the demo), what an account covers as authentication sees it, and the mark that what
//! one covers has changed when the organisation moves under it.

use chrono::{DateTime, Utc};
use liaison_domain::actor::{Actor, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set, SqlErr,
};

use crate::entities::{user_stations, users, Word};
use crate::store::organisation::{deputies, stations};
use crate::store::sessions;

/// A staff account as it is stored: the password already hashed (slowly, before any
/// transaction), and what the account covers.
pub struct NewStaff<'a> {
    pub role: Role,
    pub name: &'a str,
    pub phone: &'a str,
    pub password_hash: String,
    pub county_id: i64,
    pub department_id: Option<i64>,
    pub deputy_id: Option<i64>,
    /// The township a township admin runs.
    pub township_id: Option<i64>,
    /// The stations a station admin runs.
    pub station_ids: &'a [i64],
}

/// Writes the account and its stations; answers its id. A phone or deputy already taken fails
/// on its unique index, for the caller to name.
pub async fn insert_staff(
    db: &impl ConnectionTrait,
    staff: NewStaff<'_>,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let inserted = users::Entity::insert(users::ActiveModel {
        role: Set(Word(staff.role)),
        name: Set(staff.name.to_owned()),
        phone: Set(Some(staff.phone.to_owned())),
        password_hash: Set(Some(staff.password_hash)),
        county_id: Set(Some(staff.county_id)),
        department_id: Set(staff.department_id),
        deputy_id: Set(staff.deputy_id),
        region_id: Set(staff.township_id),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let user_id = inserted.last_insert_id;
    if !staff.station_ids.is_empty() {
        let links = staff
            .station_ids
            .iter()
            .map(|station_id| user_stations::ActiveModel {
                user_id: Set(user_id),
                station_id: Set(*station_id),
            });
        user_stations::Entity::insert_many(links)
            .exec_without_returning(db)
            .await?;
    }
    Ok(user_id)
}

/// Records that what the account of deputy `deputy_id` covers changed at `at` (its stations
/// did), if the deputy has an account; answers the account's id, for the revocation to name.
pub async fn deputy_changed(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let account: Option<i64> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::DeputyId.eq(deputy_id))
        .into_tuple()
        .one(db)
        .await?;
    if let Some(user_id) = account {
        sessions::account_changed(db, user_id, at).await?;
    }
    Ok(account)
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(id).one(db).await
}

/// The account that logs in with `phone` (a normalised mobile number).
pub async fn find_by_phone(
    db: &impl ConnectionTrait,
    phone: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Phone.eq(phone))
        .one(db)
        .await
}

async fn find_by_openid(
    db: &impl ConnectionTrait,
    openid: &str,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Openid.eq(openid))
        .one(db)
        .await
}

/// The accounts that log in with one of `phones`, in no particular order.
pub async fn with_phones(
    db: &impl ConnectionTrait,
    phones: impl IntoIterator<Item = &str>,
) -> Result<Vec<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::Phone.is_in(phones))
        .all(db)
        .await
}

/// The account of the WeChat user `openid`; a first login creates it as a resident named
/// `name`. Two first logins at once both answer the one account: the loser of the race on
/// the unique openid reads the winner's row.
pub async fn resident_of_openid(
    db: &impl ConnectionTrait,
    openid: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<users::Model, DbErr> {
    if let Some(user) = find_by_openid(db, openid).await? {
        return Ok(user);
    }
    let created = users::ActiveModel {
        role: Set(Word(Role::Resident)),
        name: Set(name.to_owned()),
        openid: Set(Some(openid.to_owned())),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await;
    match created {
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            find_by_openid(db, openid).await?.ok_or(error)
        }
        other => other,
    }
}

/// Records a successful login.
pub async fn logged_in(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::LastLoginAt, Expr::value(at))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records that what the township admins of `township_id` cover changed at `at` (a station
/// came into or left the township); answers their ids, for the revocations to name.
pub async fn township_changed(
    db: &impl ConnectionTrait,
    township_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<i64>, DbErr> {
    let admins: Vec<i64> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Role.eq(Word(Role::TownshipAdmin)))
        .filter(users::Column::RegionId.eq(township_id))
        .into_tuple()
        .all(db)
        .await?;
    for user_id in &admins {
        sessions::account_changed(db, *user_id, at).await?;
    }
    Ok(admins)
}

/// An account and what it covers now: a station admin's stations, every station of a
/// township admin's township, a deputy's stations. This is what an access token says of its
/// holder, read afresh.
pub async fn actor(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<(users::Model, Actor)>, DbErr> {
    let Some(user) = find(db, user_id).await? else {
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
        (Role::Deputy, Some(deputy_id)) => deputies::stations_of(db, &[deputy_id])
            .await?
            .remove(&deputy_id)
            .unwrap_or_default(),
        (Role::TownshipAdmin, _) => match (user.county_id, user.region_id) {
            (Some(county_id), Some(township_id)) => {
                stations::of_township(db, county_id, township_id).await?
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let actor = Actor {
        user_id: user.id,
        role,
        county_id: user.county_id,
        station_ids,
        township_id: (role == Role::TownshipAdmin)
            .then_some(user.region_id)
            .flatten(),
        department_id: user.department_id,
        deputy_id: user.deputy_id,
    };
    Ok(Some((user, actor)))
}
