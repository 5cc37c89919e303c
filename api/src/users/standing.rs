//! Disabling and enabling accounts. A disabled account's sessions end at once on every node,
//! it may not log in, and a deputy's open cases go back to their stations' queues.

use chrono::Utc;
use liaison_domain::account;
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::policy::{self, AccountScope};
use liaison_infra::entities::users;
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::{accounts, sessions};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::directory::in_reach;
use super::service::{view, User};
use crate::app_error::{AppError, AppResult};
use crate::audit;
use crate::cases::{release, Cases};

/// The reason the timeline gives for cases released from a disabled account.
const RELEASED_WITH_ACCOUNT: &str = "代表账号已停用，诉求退回联络站";

/// The account `id` within the actor's reach, if the actor may change it: 404 outside the
/// reach, 403 for one that reaches stations the actor does not run.
pub(super) async fn changeable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<(users::Model, Vec<i64>, i64)> {
    let (user, covered) = in_reach(db, actor, id).await?;
    let county_id = user.county_id.ok_or(AppError::NotFound("account"))?;
    let scope = AccountScope::of(*user.role, &covered);
    if !policy::may_change_account(actor, county_id, &scope, &scope) {
        return Err(AppError::Forbidden("this account is outside your stations"));
    }
    Ok((user, covered, county_id))
}

pub async fn disable(
    cases: &Cases<'_>,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
) -> AppResult<User> {
    let db = cases.db;
    let (user, covered, county_id) = changeable(db, actor, id).await?;
    if user.disabled_at.is_some() {
        return Ok(view(user, covered));
    }
    let others = accounts::other_county_admins(db, county_id, id).await?;
    account::check_disable(actor.user_id, id, *user.role, others)?;
    let now = Utc::now();
    let txn = db.begin().await?;
    accounts::set_disabled(&txn, id, Some(now), now).await?;
    let ended = sessions::end_all_of(&txn, id, now).await?;
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id,
            action: AuditAction::AccountDisabled,
            target_id: id,
            summary: format!("{} ({})", user.name, user.role),
            station_ids: &covered,
        },
        now,
    )
    .await?;
    let released = match user.deputy_id {
        Some(deputy_id) => {
            Some(release::held_by(&txn, cases, deputy_id, RELEASED_WITH_ACCOUNT, now).await?)
        }
        None => None,
    };
    let updated = accounts::find(&txn, id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    txn.commit().await?;
    for session in ended {
        revocations
            .revoke(Revocation::Session { id: session })
            .await;
    }
    revocations
        .revoke(Revocation::Account {
            user_id: id,
            at: now,
        })
        .await;
    if let Some(released) = released {
        released.announce(cases);
    }
    tracing::info!(user_id = id, "account disabled");
    Ok(view(updated, covered))
}

pub async fn enable<C>(db: &C, actor: &Actor, id: i64) -> AppResult<User>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (user, covered, county_id) = changeable(db, actor, id).await?;
    if user.disabled_at.is_none() {
        return Ok(view(user, covered));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    accounts::set_disabled(&txn, id, None, now).await?;
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id,
            action: AuditAction::AccountEnabled,
            target_id: id,
            summary: format!("{} ({})", user.name, user.role),
            station_ids: &covered,
        },
        now,
    )
    .await?;
    let updated = accounts::find(&txn, id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    txn.commit().await?;
    tracing::info!(user_id = id, "account enabled");
    Ok(view(updated, covered))
}
