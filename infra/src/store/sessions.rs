//! Sessions and account changes as the revocation set needs them.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entities::{refresh_tokens, users};
use crate::revocation::Revocation;

/// What was revoked after `since`: every session ended and every account changed.
pub async fn revoked_since(
    db: &impl ConnectionTrait,
    since: DateTime<Utc>,
) -> Result<Vec<Revocation>, DbErr> {
    let sessions: Vec<String> = refresh_tokens::Entity::find()
        .select_only()
        .column(refresh_tokens::Column::Family)
        .distinct()
        .filter(refresh_tokens::Column::RevokedAt.gt(since))
        .into_tuple()
        .all(db)
        .await?;
    let accounts: Vec<(i64, Option<DateTime<Utc>>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::ChangedAt)
        .filter(users::Column::ChangedAt.gt(since))
        .into_tuple()
        .all(db)
        .await?;
    Ok(sessions
        .into_iter()
        .map(|id| Revocation::Session { id })
        .chain(
            accounts
                .into_iter()
                .filter_map(|(user_id, at)| at.map(|at| Revocation::Account { user_id, at })),
        )
        .collect())
}

/// Records that what the account `user_id` covers changed at `at`.
pub async fn account_changed(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    users::Entity::update_many()
        .col_expr(
            users::Column::ChangedAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
