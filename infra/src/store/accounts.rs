//! Accounts: residents (found by openid, created on first login), staff (the one way one is
//! written, whoever creates it: the command line's first county admin, an admin through the
//! API, the demo), what an account covers as authentication sees it, and the mark that what
//! one covers has changed when the organisation moves under it.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use liaison_domain::account::AccountStatus;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::policy::Reach;
use sea_orm::sea_query::{Expr, LikeExpr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, SqlErr,
};

use crate::entities::{deputy_stations, user_stations, users, Word};
use crate::store::organisation::{deputies, stations};
use crate::store::{sessions, Page};

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
        password_change_required: Set(false),
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
        password_change_required: Set(false),
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

/// Which accounts a list holds; every filter given must hold.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub role: Option<Role>,
    pub station_id: Option<i64>,
    pub department_id: Option<i64>,
    pub status: Option<AccountStatus>,
    /// Part of the name or of the phone number.
    pub q: Option<String>,
}

/// The accounts that reach one of `station_ids`: station admins running one, deputies sitting
/// at one. `Reach::sees_account` in SQL.
fn reaching(station_ids: &[i64]) -> Condition {
    let runs: SelectStatement = Query::select()
        .column(user_stations::Column::UserId)
        .from(user_stations::Entity)
        .and_where(user_stations::Column::StationId.is_in(station_ids.iter().copied()))
        .to_owned();
    let sits: SelectStatement = Query::select()
        .column(deputy_stations::Column::DeputyId)
        .from(deputy_stations::Entity)
        .and_where(deputy_stations::Column::StationId.is_in(station_ids.iter().copied()))
        .to_owned();
    Condition::any()
        .add(
            Condition::all()
                .add(users::Column::Role.eq(Word(Role::StationAdmin)))
                .add(users::Column::Id.in_subquery(runs)),
        )
        .add(
            Condition::all()
                .add(users::Column::Role.eq(Word(Role::Deputy)))
                .add(users::Column::DeputyId.in_subquery(sits)),
        )
}

/// A page of the staff accounts within `reach` that `filter` keeps, in id order.
pub async fn list(
    db: &impl ConnectionTrait,
    reach: &Reach,
    filter: &Filter,
    page: Page,
) -> Result<Vec<users::Model>, DbErr> {
    let mut query = users::Entity::find()
        .filter(users::Column::Role.ne(Word(Role::Resident)))
        .order_by_asc(users::Column::Id);
    query = match reach {
        Reach::County(county_id) => query.filter(users::Column::CountyId.eq(*county_id)),
        Reach::Stations {
            county_id,
            station_ids,
        } => query
            .filter(users::Column::CountyId.eq(*county_id))
            .filter(reaching(station_ids)),
    };
    if let Some(role) = filter.role {
        query = query.filter(users::Column::Role.eq(Word(role)));
    }
    if let Some(station_id) = filter.station_id {
        query = query.filter(reaching(&[station_id]));
    }
    if let Some(department_id) = filter.department_id {
        query = query.filter(users::Column::DepartmentId.eq(department_id));
    }
    match filter.status {
        Some(AccountStatus::Active) => query = query.filter(users::Column::DisabledAt.is_null()),
        Some(AccountStatus::Disabled) => {
            query = query.filter(users::Column::DisabledAt.is_not_null());
        }
        None => {}
    }
    if let Some(q) = filter.q.as_deref() {
        // LIKE's own wildcards in the words are matched as themselves.
        let escaped = q
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        query = query.filter(
            Condition::any()
                .add(
                    Expr::col(users::Column::Name)
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(Expr::col(users::Column::Phone).like(LikeExpr::new(pattern).escape('\\'))),
        );
    }
    if let Some(after) = page.after {
        query = query.filter(users::Column::Id.gt(after));
    }
    query.limit(page.fetch()).all(db).await
}

/// The stations each account reaches (a station admin's it runs, a deputy's it sits at), in
/// id order; an account reaching none is absent.
pub async fn stations_of(
    db: &impl ConnectionTrait,
    accounts: &[users::Model],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let admins: Vec<i64> = accounts
        .iter()
        .filter(|u| *u.role == Role::StationAdmin)
        .map(|u| u.id)
        .collect();
    let runs: Vec<(i64, i64)> = user_stations::Entity::find()
        .select_only()
        .column(user_stations::Column::UserId)
        .column(user_stations::Column::StationId)
        .filter(user_stations::Column::UserId.is_in(admins))
        .order_by_asc(user_stations::Column::StationId)
        .into_tuple()
        .all(db)
        .await?;
    let mut stations: HashMap<i64, Vec<i64>> = HashMap::new();
    for (user_id, station_id) in runs {
        stations.entry(user_id).or_default().push(station_id);
    }
    let deputy_of: Vec<(i64, i64)> = accounts
        .iter()
        .filter(|u| *u.role == Role::Deputy)
        .filter_map(|u| u.deputy_id.map(|d| (u.id, d)))
        .collect();
    let deputy_ids: Vec<i64> = deputy_of.iter().map(|(_, d)| *d).collect();
    let mut seats = deputies::stations_of(db, &deputy_ids).await?;
    for (user_id, deputy_id) in deputy_of {
        if let Some(ids) = seats.remove(&deputy_id) {
            stations.insert(user_id, ids);
        }
    }
    Ok(stations)
}

/// What a change of an account sets; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct AccountChange<'a> {
    pub name: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub department_id: Option<i64>,
    /// A station admin's stations, replaced.
    pub station_ids: Option<&'a BTreeSet<i64>>,
}

/// Applies `change` to account `id` and records that what it covers changed at `at`, so that
/// tokens signed before are read afresh. A phone already taken fails on its unique index.
pub async fn change(
    db: &impl ConnectionTrait,
    id: i64,
    change: AccountChange<'_>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::ChangedAt, Expr::value(at))
        .filter(users::Column::Id.eq(id));
    if let Some(name) = change.name {
        update = update.col_expr(users::Column::Name, Expr::value(name));
    }
    if let Some(phone) = change.phone {
        update = update.col_expr(users::Column::Phone, Expr::value(phone));
    }
    if let Some(department_id) = change.department_id {
        update = update.col_expr(users::Column::DepartmentId, Expr::value(department_id));
    }
    update.exec(db).await?;
    if let Some(station_ids) = change.station_ids {
        user_stations::Entity::delete_many()
            .filter(user_stations::Column::UserId.eq(id))
            .exec(db)
            .await?;
        if !station_ids.is_empty() {
            user_stations::Entity::insert_many(station_ids.iter().map(|station_id| {
                user_stations::ActiveModel {
                    user_id: Set(id),
                    station_id: Set(*station_id),
                }
            }))
            .exec_without_returning(db)
            .await?;
        }
    }
    Ok(())
}

/// Disables account `id` at `at` (`Some`) or enables it again (`None`), marking it changed.
pub async fn set_disabled(
    db: &impl ConnectionTrait,
    id: i64,
    disabled_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::DisabledAt, Expr::value(disabled_at))
        .col_expr(users::Column::ChangedAt, Expr::value(at))
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a new password hash for account `id`; `must_change` when an admin set it, for the
/// holder to replace at once.
pub async fn set_password(
    db: &impl ConnectionTrait,
    id: i64,
    password_hash: String,
    must_change: bool,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(
            users::Column::PasswordChangeRequired,
            Expr::value(must_change),
        )
        .col_expr(users::Column::ChangedAt, Expr::value(at))
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// How many enabled county admins of `county_id` there are besides account `except`.
pub async fn other_county_admins(
    db: &impl ConnectionTrait,
    county_id: i64,
    except: i64,
) -> Result<u64, DbErr> {
    users::Entity::find()
        .filter(users::Column::Role.eq(Word(Role::CountyAdmin)))
        .filter(users::Column::CountyId.eq(county_id))
        .filter(users::Column::DisabledAt.is_null())
        .filter(users::Column::Id.ne(except))
        .count(db)
        .await
}

/// The account tied to deputy `deputy_id`, if it has one.
pub async fn of_deputy(
    db: &impl ConnectionTrait,
    deputy_id: i64,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find()
        .filter(users::Column::DeputyId.eq(deputy_id))
        .one(db)
        .await
}

/// The names of the accounts of `ids` that exist.
pub async fn names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let names: Vec<(i64, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::Name)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(names.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use liaison_domain::policy::AccountScope;
    use sea_orm::{ConnectionTrait, Schema};

    use super::*;
    use crate::db::testing::scratch_databases;

    /// The accounts of every kind, each with the stations it reaches.
    const ACCOUNTS: &[(Role, &[i64])] = &[
        (Role::CountyAdmin, &[]),
        (Role::StationAdmin, &[10]),
        (Role::StationAdmin, &[10, 12]),
        (Role::StationAdmin, &[12]),
        (Role::Deputy, &[10]),
        (Role::Deputy, &[11, 12]),
        (Role::Deputy, &[]),
        (Role::Handler, &[]),
        (Role::TownshipAdmin, &[]),
    ];

    /// `list` finds exactly the accounts `Reach::sees_account` sees, for every reach.
    #[tokio::test]
    async fn the_list_holds_what_the_reach_sees() {
        let (_dir, databases) = scratch_databases().await;
        let now: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        for db in &databases {
            let backend = db.get_database_backend();
            let schema = Schema::new(backend);
            for table in [
                schema.create_table_from_entity(users::Entity),
                schema.create_table_from_entity(user_stations::Entity),
                schema.create_table_from_entity(deputy_stations::Entity),
            ] {
                db.execute(backend.build(&table)).await.unwrap();
            }
            let mut expected: Vec<(i64, Role, &[i64])> = Vec::new();
            for (index, (role, stations)) in ACCOUNTS.iter().enumerate() {
                let deputy_id = (*role == Role::Deputy).then_some(index as i64 + 100);
                let staff = NewStaff {
                    role: *role,
                    name: "某人",
                    phone: &format!("1380000{index:04}"),
                    password_hash: String::new(),
                    county_id: 1,
                    department_id: None,
                    deputy_id,
                    township_id: (*role == Role::TownshipAdmin).then_some(5),
                    station_ids: if *role == Role::StationAdmin {
                        stations
                    } else {
                        &[]
                    },
                };
                let id = insert_staff(db, staff, now).await.unwrap();
                if let Some(deputy_id) = deputy_id {
                    for station_id in *stations {
                        deputy_stations::ActiveModel {
                            deputy_id: Set(deputy_id),
                            station_id: Set(*station_id),
                        }
                        .insert(db)
                        .await
                        .unwrap();
                    }
                }
                expected.push((id, *role, stations));
            }
            let page = Page {
                limit: 100,
                after: None,
            };
            for reach in [
                Reach::County(1),
                Reach::County(2),
                Reach::Stations {
                    county_id: 1,
                    station_ids: vec![10],
                },
                Reach::Stations {
                    county_id: 1,
                    station_ids: vec![11, 12],
                },
                Reach::Stations {
                    county_id: 2,
                    station_ids: vec![10],
                },
            ] {
                let found: Vec<i64> = list(db, &reach, &Filter::default(), page)
                    .await
                    .unwrap()
                    .iter()
                    .map(|u| u.id)
                    .collect();
                let seen: Vec<i64> = expected
                    .iter()
                    .filter(|(_, role, stations)| {
                        reach.sees_account(1, &AccountScope::of(*role, stations))
                    })
                    .map(|(id, _, _)| *id)
                    .collect();
                assert_eq!(found, seen, "{reach:?}");
            }
        }
    }
}
