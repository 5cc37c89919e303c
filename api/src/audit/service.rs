//! Writing and reading audit entries.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::policy;
use liaison_infra::store::{accounts, audit as store};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged};

/// One change to put on the audit list, by the actor of the use-case.
pub struct Entry<'a> {
    pub county_id: i64,
    pub action: AuditAction,
    pub target_id: i64,
    /// For people: names and words, never a password or a phone number.
    pub summary: String,
    /// The stations the target reached before or after the change: their admins read it.
    pub station_ids: &'a [i64],
}

/// Writes `entry` in `db`, the transaction of the change it records.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry: Entry<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    store::record(
        db,
        store::NewEntry {
            county_id: entry.county_id,
            actor_id: Some(actor.user_id),
            action: entry.action,
            target_id: entry.target_id,
            summary: entry.summary,
            station_ids: entry.station_ids,
            at: now,
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that made the change; `null` when it is gone.
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    #[schema(schema_with = crate::words::audit_action)]
    pub action: String,
    /// `account` or `deputy`.
    #[schema(schema_with = crate::words::audit_target)]
    pub target_kind: String,
    pub target_id: i64,
    pub summary: String,
}

/// The entries the actor oversees, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: Page,
) -> AppResult<Paged<AuditEntry>> {
    let reach =
        policy::reach(actor).ok_or(AppError::Forbidden("only admins read the audit list"))?;
    let rows = store::page(db, &reach, page).await?;
    let names = accounts::names(db, rows.iter().filter_map(|r| r.actor_id)).await?;
    Ok(Paged::finish(
        page,
        rows,
        |row| row.id,
        |row| AuditEntry {
            id: row.id,
            at: row.at,
            actor_name: row.actor_id.and_then(|id| names.get(&id).cloned()),
            actor_id: row.actor_id,
            action: row.action.as_str().to_owned(),
            target_kind: row.target_kind.as_str().to_owned(),
            target_id: row.target_id,
            summary: row.summary,
        },
    ))
}
