//! Changing an account's name, phone and scope (a station admin's stations, a handler's
//! department). A deputy account's stations are its deputy's, changed on the deputy.

use std::collections::BTreeSet;

use chrono::Utc;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::audit::AuditAction;
use liaison_domain::phone::Phone;
use liaison_domain::policy::{self, AccountScope};
use liaison_domain::text::Name;
use liaison_domain::Invalid;
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::accounts::{self, AccountChange};
use liaison_infra::store::organisation::departments;
use liaison_infra::store::reference::Reference;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::Deserialize;
use utoipa::ToSchema;

use super::directory::in_reach;
use super::service::{view, User};
use crate::app_error::{AppError, AppResult};
use crate::audit;

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UserPatch {
    pub name: Option<String>,
    /// The new login: an 11-digit mobile number, unique.
    pub phone: Option<String>,
    /// For a `station_admin`: replaces the stations it runs.
    pub station_ids: Option<Vec<i64>>,
    /// For a `handler`: its new department.
    pub department_id: Option<i64>,
}

/// Checks that `ids` are stations of `county_id`, at least one.
async fn stations_of_county(
    db: &impl ConnectionTrait,
    reference: &Reference,
    county_id: i64,
    ids: &[i64],
) -> AppResult<BTreeSet<i64>> {
    let ids: BTreeSet<i64> = ids.iter().copied().collect();
    if ids.is_empty() {
        return Err(AppError::invalid_field(
            "station_ids",
            "required",
            "a station admin runs at least one station",
        ));
    }
    for id in &ids {
        let here = reference
            .station(db, *id)
            .await?
            .is_some_and(|s| s.county_id == county_id);
        if !here {
            return Err(AppError::invalid_field(
                "station_ids",
                "unknown",
                "some stations do not exist in this county",
            ));
        }
    }
    Ok(ids)
}

fn not_for_role(field: &str, role: Role) -> AppError {
    AppError::invalid_field(
        field,
        "not_for_role",
        format!("a {role} account has no {field}"),
    )
}

pub async fn change<C>(
    db: &C,
    reference: &Reference,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
    patch: UserPatch,
) -> AppResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (user, covered) = in_reach(db, actor, id).await?;
    let role = *user.role;
    let county_id = user.county_id.ok_or(AppError::NotFound("account"))?;
    let current = AccountScope::of(role, &covered);
    // Before the body: an admin who may not change this account at all learns that first.
    if !policy::may_change_account(actor, county_id, &current, &current) {
        return Err(AppError::Forbidden("this account is outside your stations"));
    }
    let name = patch.name.as_deref().map(Name::parse).transpose();
    let phone = patch.phone.as_deref().map(Phone::parse).transpose();
    let (name, phone) = match (name, phone) {
        (Ok(n), Ok(p)) => (n, p),
        (n, p) => return Err(Invalid::merge([n.err(), p.err()]).into()),
    };
    let stations = match (&patch.station_ids, role) {
        (None, _) => None,
        (Some(ids), Role::StationAdmin) => {
            Some(stations_of_county(db, reference, county_id, ids).await?)
        }
        (Some(_), _) => return Err(not_for_role("station_ids", role)),
    };
    match (patch.department_id, role) {
        (None, _) | (Some(_), Role::Handler) => {}
        (Some(_), _) => return Err(not_for_role("department_id", role)),
    }
    if let Some(department_id) = patch.department_id {
        if !departments::is_of_county(db, department_id, county_id).await? {
            return Err(AppError::invalid_field(
                "department_id",
                "unknown",
                "no department of this county has this id",
            ));
        }
    }
    let proposed_ids: Vec<i64> = stations
        .as_ref()
        .map_or_else(|| covered.clone(), |ids| ids.iter().copied().collect());
    if !policy::may_change_account(
        actor,
        county_id,
        &current,
        &AccountScope::of(role, &proposed_ids),
    ) {
        return Err(AppError::Forbidden(
            "the account would reach stations outside yours",
        ));
    }
    let mut changed: Vec<&str> = Vec::new();
    if name.is_some() {
        changed.push("name");
    }
    if phone.is_some() {
        changed.push("phone");
    }
    if stations.is_some() {
        changed.push("station_ids");
    }
    if patch.department_id.is_some() {
        changed.push("department_id");
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let change = AccountChange {
        name: name.as_ref().map(Name::as_str),
        phone: phone.as_ref().map(Phone::as_str),
        department_id: patch.department_id,
        station_ids: stations.as_ref(),
    };
    accounts::change(&txn, id, change, now)
        .await
        .map_err(|e| AppError::on_unique(e, &[("phone", "phone", "user.phone_taken")]))?;
    let mut touched = covered.clone();
    touched.extend(proposed_ids.iter().copied());
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id,
            action: AuditAction::AccountChanged,
            target_id: id,
            summary: format!("{}: {}", user.name, changed.join(", ")),
            station_ids: &touched,
        },
        now,
    )
    .await?;
    let updated = accounts::find(&txn, id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    txn.commit().await?;
    // Tokens signed before say the old name and scope: every node reads the account afresh.
    revocations
        .revoke(Revocation::Account {
            user_id: id,
            at: now,
        })
        .await;
    tracing::info!(user_id = id, fields = %changed.join(","), "account changed");
    Ok(view(updated, proposed_ids))
}
