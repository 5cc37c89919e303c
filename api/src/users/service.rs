//! Creating staff accounts, each tied to what it covers: a deputy account to its deputy, a
//! station admin to its stations, a township admin to its township, a handler to its
//! department.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use liaison_domain::account::AccountStatus;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::audit::AuditAction;
use liaison_domain::phone::{self, Phone};
use liaison_domain::policy::{self, AccountScope};
use liaison_domain::region::RegionLevel;
use liaison_domain::text::{bounded, Name};
use liaison_domain::Invalid;
use liaison_infra::entities::users;
use liaison_infra::password;
use liaison_infra::store::accounts::{self, NewStaff};
use liaison_infra::store::organisation::{departments, deputies, regions, stations};
use liaison_infra::store::reference::Reference;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app_error::{AppError, AppResult};
use crate::audit;

#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    /// `deputy`, `station_admin`, `township_admin`, `handler` or `county_admin`.
    #[schema(schema_with = crate::words::role)]
    pub role: String,
    pub name: String,
    /// The login: an 11-digit mobile number, unique.
    pub phone: String,
    /// 8–128 characters.
    pub password: String,
    /// For a `station_admin`: the stations it runs.
    #[serde(default)]
    pub station_ids: Vec<i64>,
    /// For a `handler`: its department.
    pub department_id: Option<i64>,
    /// For a `deputy`: its deputy record (one account per deputy).
    pub deputy_id: Option<i64>,
    /// For a `township_admin`: the township region it runs.
    pub region_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    #[schema(example = "station_admin")]
    #[schema(schema_with = crate::words::role)]
    pub role: String,
    pub name: String,
    /// Masked: `138****5678`.
    pub phone: String,
    pub county_id: Option<i64>,
    /// The stations the account covers: a station admin's it runs, a deputy's it sits at.
    pub station_ids: Vec<i64>,
    pub department_id: Option<i64>,
    pub deputy_id: Option<i64>,
    /// The township a `township_admin` runs.
    pub region_id: Option<i64>,
    /// `active`, or `disabled` (no login, no session).
    #[schema(schema_with = crate::words::account_status)]
    pub status: String,
    pub last_login_at: Option<DateTime<Utc>>,
    /// An admin reset the password and the account has not chosen its own yet.
    pub password_change_required: bool,
}

/// The account as the API shows it, covering `station_ids`.
pub fn view(user: users::Model, station_ids: Vec<i64>) -> User {
    let status = if user.disabled_at.is_some() {
        AccountStatus::Disabled
    } else {
        AccountStatus::Active
    };
    User {
        id: user.id,
        role: user.role.as_str().to_owned(),
        name: user.name,
        phone: user.phone.as_deref().map(phone::mask).unwrap_or_default(),
        county_id: user.county_id,
        station_ids,
        department_id: user.department_id,
        deputy_id: user.deputy_id,
        region_id: user.region_id,
        status: status.as_str().to_owned(),
        last_login_at: user.last_login_at,
        password_change_required: user.password_change_required,
    }
}

/// What the new account will be tied to, after checking that it exists.
struct Tie {
    county_id: i64,
    township_id: Option<i64>,
    station_ids: Vec<i64>,
    department_id: Option<i64>,
    deputy_id: Option<i64>,
    /// Stations the tied deputy sits at (for the policy).
    deputy_station_ids: Vec<i64>,
}

async fn tie(
    db: &impl ConnectionTrait,
    reference: &Reference,
    actor: &Actor,
    role: Role,
    new: &NewUser,
) -> AppResult<Tie> {
    let own_county = actor
        .county_id
        .ok_or(AppError::Forbidden("only admins create accounts"))?;
    let mut tie = Tie {
        county_id: own_county,
        township_id: None,
        station_ids: Vec::new(),
        department_id: None,
        deputy_id: None,
        deputy_station_ids: Vec::new(),
    };
    match role {
        Role::Resident => {
            return Err(AppError::invalid_field(
                "role",
                "not_staff",
                "residents sign in from the mini-program",
            ));
        }
        Role::CountyAdmin => {}
        Role::TownshipAdmin => {
            let id = new.region_id.ok_or_else(|| {
                AppError::invalid_field("region_id", "required", "a township admin runs a township")
            })?;
            let township = regions::find(db, id)
                .await?
                .filter(|r| r.county_id == Some(own_county) && *r.level == RegionLevel::Township);
            if township.is_none() {
                return Err(AppError::invalid_field(
                    "region_id",
                    "unknown",
                    "no township of your county has this id",
                ));
            }
            tie.township_id = Some(id);
            tie.station_ids = stations::of_township(db, own_county, id).await?;
        }
        Role::StationAdmin => {
            let ids: BTreeSet<i64> = new.station_ids.iter().copied().collect();
            if ids.is_empty() {
                return Err(AppError::invalid_field(
                    "station_ids",
                    "required",
                    "a station admin runs at least one station",
                ));
            }
            let mut all_here = true;
            for id in &ids {
                let station = reference.station(db, *id).await?;
                all_here &= station.is_some_and(|s| s.county_id == own_county);
            }
            if !all_here {
                return Err(AppError::invalid_field(
                    "station_ids",
                    "unknown",
                    "some stations do not exist in your county",
                ));
            }
            tie.station_ids = ids.into_iter().collect();
        }
        Role::Handler => {
            let id = new.department_id.ok_or_else(|| {
                AppError::invalid_field(
                    "department_id",
                    "required",
                    "a handler belongs to a department",
                )
            })?;
            if !departments::is_of_county(db, id, own_county).await? {
                return Err(AppError::invalid_field(
                    "department_id",
                    "unknown",
                    "no department of your county has this id",
                ));
            }
            tie.department_id = Some(id);
        }
        Role::Deputy => {
            let id = new.deputy_id.ok_or_else(|| {
                AppError::invalid_field(
                    "deputy_id",
                    "required",
                    "a deputy account is tied to a deputy",
                )
            })?;
            let here = deputies::find(db, id)
                .await?
                .is_some_and(|d| d.county_id == own_county);
            if !here {
                return Err(AppError::invalid_field(
                    "deputy_id",
                    "unknown",
                    "no deputy of your county has this id",
                ));
            }
            tie.deputy_id = Some(id);
            tie.deputy_station_ids = deputies::stations_of(db, &[id])
                .await?
                .remove(&id)
                .unwrap_or_default();
        }
    }
    Ok(tie)
}

pub async fn create<C>(
    db: &C,
    reference: &Reference,
    actor: &Actor,
    new: NewUser,
) -> AppResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    if !policy::may_create_accounts(actor) {
        return Err(AppError::Forbidden("only admins create accounts"));
    }
    let fields = (
        Role::parse(&new.role),
        Name::parse(&new.name),
        Phone::parse(&new.phone),
        bounded("password", &new.password, 8, 128),
    );
    let (role, name, phone, password) = match fields {
        (Ok(r), Ok(n), Ok(p), Ok(w)) => (r, n, p, w),
        (r, n, p, w) => return Err(Invalid::merge([r.err(), n.err(), p.err(), w.err()]).into()),
    };
    let tie = tie(db, reference, actor, role, &new).await?;
    // The stations the account covers, as its `/me` reports them.
    let covered = if role == Role::Deputy {
        tie.deputy_station_ids.clone()
    } else {
        tie.station_ids.clone()
    };
    if !policy::may_create_account(actor, tie.county_id, &AccountScope::of(role, &covered)) {
        return Err(AppError::Forbidden("you may not create this account"));
    }
    // Hashing is slow on purpose: it runs before the transaction, which it would hold open.
    let hash = password::hash_off_workers(password)
        .await
        .map_err(AppError::internal)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let staff = NewStaff {
        role,
        name: name.as_str(),
        phone: phone.as_str(),
        password_hash: hash,
        county_id: tie.county_id,
        department_id: tie.department_id,
        deputy_id: tie.deputy_id,
        township_id: tie.township_id,
        // A township admin's stations follow its township; they are not its own to list.
        station_ids: if role == Role::StationAdmin {
            &tie.station_ids
        } else {
            &[]
        },
    };
    let user_id = accounts::insert_staff(&txn, staff, now)
        .await
        .map_err(|e| {
            AppError::on_unique(
                e,
                &[
                    ("phone", "phone", "user.phone_taken"),
                    ("deputy", "deputy_id", "user.deputy_has_account"),
                ],
            )
        })?;
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id: tie.county_id,
            action: AuditAction::AccountCreated,
            target_id: user_id,
            summary: format!("{} ({role})", name.as_str()),
            station_ids: &covered,
        },
        now,
    )
    .await?;
    let created = accounts::find(&txn, user_id)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("account {user_id} vanished")))?;
    txn.commit().await?;
    tracing::info!(user_id, role = %role, phone = %phone.masked(), "staff account created");
    Ok(view(created, covered))
}
