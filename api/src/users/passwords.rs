//! Passwords: an admin's reset (a one-time password, answered once and stored only as its
//! hash, that the account must replace at its next login), and anyone changing their own.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::text::bounded;
use liaison_domain::Invalid;
use liaison_infra::password;
use liaison_infra::revocation::{Revocation, Revocations};
use liaison_infra::store::{accounts, sessions};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::standing::changeable;
use crate::app_error::{AppError, AppResult};
use crate::audit;

#[derive(Serialize, ToSchema)]
pub struct OneTimePassword {
    /// Shown this once and never again: hand it to the account's holder, who must replace it
    /// at their next login.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordChange {
    /// The password now.
    pub current: String,
    /// 8–128 characters, not the current one.
    pub new: String,
}

async fn hashed(password: String) -> AppResult<String> {
    password::hash_off_workers(password)
        .await
        .map_err(AppError::internal)
}

/// Resets account `id`'s password: its sessions end, and the new password works once, to
/// choose another.
pub async fn reset<C>(
    db: &C,
    revocations: &Revocations,
    actor: &Actor,
    id: i64,
) -> AppResult<OneTimePassword>
where
    C: ConnectionTrait + TransactionTrait,
{
    let (user, covered, county_id) = changeable(db, actor, id).await?;
    if actor.user_id == id {
        return Err(AppError::invalid_field(
            "id",
            "oneself",
            "change your own password with POST /api/v1/me/password",
        ));
    }
    let one_time = password::one_time();
    let hash = hashed(one_time.clone()).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    accounts::set_password(&txn, id, hash, true, now).await?;
    let ended = sessions::end_all_of(&txn, id, now).await?;
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id,
            action: AuditAction::PasswordReset,
            target_id: id,
            summary: format!("{} ({})", user.name, user.role),
            station_ids: &covered,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    for session in ended {
        revocations
            .revoke(Revocation::Session { id: session })
            .await;
    }
    tracing::info!(user_id = id, "password reset");
    Ok(OneTimePassword { password: one_time })
}

/// The holder of `actor`'s account changes its password; a change an admin's reset asked for
/// lifts the refusal of every other request at once.
pub async fn change_own<C>(
    db: &C,
    revocations: &Revocations,
    actor: &Actor,
    change: PasswordChange,
) -> AppResult<()>
where
    C: ConnectionTrait + TransactionTrait,
{
    let user = accounts::find(db, actor.user_id)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let county_id = user
        .county_id
        .ok_or(AppError::Forbidden("only staff have passwords"))?;
    let new = bounded("new", &change.new, 8, 128);
    let same = (change.new == change.current).then(|| {
        Invalid::one(
            "new",
            "same_as_current",
            "the new password must differ from the current one",
        )
    });
    let new = match (new, same) {
        (Ok(new), None) => new,
        (new, same) => return Err(Invalid::merge([new.err(), same]).into()),
    };
    let stored = user.password_hash.clone();
    let current = change.current;
    let matches = password::off_workers(move || password::verify(&current, stored.as_deref()))
        .await
        .map_err(AppError::internal)?;
    if !matches {
        return Err(AppError::invalid_field(
            "current",
            "wrong_password",
            "the current password is wrong",
        ));
    }
    let hash = hashed(new).await?;
    let covered = accounts::stations_of(db, std::slice::from_ref(&user))
        .await?
        .remove(&user.id)
        .unwrap_or_default();
    let now = Utc::now();
    let txn = db.begin().await?;
    accounts::set_password(&txn, user.id, hash, false, now).await?;
    audit::record(
        &txn,
        actor,
        audit::Entry {
            county_id,
            action: AuditAction::PasswordChanged,
            target_id: user.id,
            summary: format!("{} ({})", user.name, user.role),
            station_ids: &covered,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    // Tokens that still say "change your password first" are read afresh on every node.
    revocations
        .revoke(Revocation::Account {
            user_id: user.id,
            at: now,
        })
        .await;
    tracing::info!(user_id = user.id, "own password changed");
    Ok(())
}
