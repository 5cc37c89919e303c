//! Sessions: the refresh tokens of each login (a family, rotated on every refresh), and what
//! the revocation set needs to know of ended sessions and changed accounts.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};

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
        .col_expr(users::Column::ChangedAt, Expr::value(at))
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a refresh token of session `family`, known only by its hash, valid until
/// `expires_at`.
pub async fn add_refresh_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    family: &str,
    token_hash: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_tokens::ActiveModel {
        user_id: Set(user_id),
        family: Set(family.to_owned()),
        token_hash: Set(token_hash),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The refresh token whose hash is `token_hash`, rotated, revoked or expired as it may be.
pub async fn find_refresh_token(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> Result<Option<refresh_tokens::Model>, DbErr> {
    refresh_tokens::Entity::find()
        .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
        .one(db)
        .await
}

/// Whether session `family` still holds at `now`: not ended, and one of its refresh tokens not
/// yet expired. A session that renews its access tokens without rotating (the console's
/// cookie) asks this each time it renews.
pub async fn is_live(
    db: &impl ConnectionTrait,
    family: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let ended_or_live: Vec<(Option<DateTime<Utc>>, DateTime<Utc>)> = refresh_tokens::Entity::find()
        .select_only()
        .column(refresh_tokens::Column::RevokedAt)
        .column(refresh_tokens::Column::ExpiresAt)
        .filter(refresh_tokens::Column::Family.eq(family))
        .into_tuple()
        .all(db)
        .await?;
    Ok(!ended_or_live.is_empty()
        && ended_or_live.iter().all(|(revoked, _)| revoked.is_none())
        && ended_or_live.iter().any(|(_, expires)| *expires > now))
}

/// Marks refresh token `id` used at `at`; `false` when it already was. Conditional on not yet
/// rotated, so that of two concurrent refreshes with one token only one succeeds.
pub async fn rotate(db: &impl ConnectionTrait, id: i64, at: DateTime<Utc>) -> Result<bool, DbErr> {
    let rotated = refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RotatedAt, Expr::value(at))
        .filter(refresh_tokens::Column::Id.eq(id))
        .filter(refresh_tokens::Column::RotatedAt.is_null())
        .exec(db)
        .await?;
    Ok(rotated.rows_affected == 1)
}

/// Ends session `family` at `at`: none of its refresh tokens works any more, and the sweeps
/// of `revoked_since` find it.
pub async fn end_family(
    db: &impl ConnectionTrait,
    family: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(at))
        .filter(refresh_tokens::Column::Family.eq(family))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every live session of account `user_id` at `at`; answers the sessions ended, for the
/// revocation set to name.
pub async fn end_all_of(
    db: &impl ConnectionTrait,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let families: Vec<String> = refresh_tokens::Entity::find()
        .select_only()
        .column(refresh_tokens::Column::Family)
        .distinct()
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    refresh_tokens::Entity::update_many()
        .col_expr(refresh_tokens::Column::RevokedAt, Expr::value(at))
        .filter(refresh_tokens::Column::UserId.eq(user_id))
        .filter(refresh_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(families)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use liaison_domain::actor::Role;
    use sea_orm::{ConnectionTrait, Schema};

    use super::*;
    use crate::db::testing::scratch_databases;
    use crate::entities::Word;

    #[tokio::test]
    async fn a_session_lives_until_it_ends_or_all_its_tokens_expire() {
        let (_dir, databases) = scratch_databases().await;
        let now: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        for db in &databases {
            let backend = db.get_database_backend();
            let schema = Schema::new(backend);
            for table in [
                schema.create_table_from_entity(users::Entity),
                schema.create_table_from_entity(refresh_tokens::Entity),
            ] {
                db.execute(backend.build(&table)).await.unwrap();
            }
            let user = users::ActiveModel {
                role: Set(Word(Role::StationAdmin)),
                name: Set("站长".to_owned()),
                created_at: Set(now),
                password_change_required: Set(false),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
            let day = Duration::days(1);
            add_refresh_token(db, user.id, "a", "h1".into(), now - day, now - day * 2)
                .await
                .unwrap();
            add_refresh_token(db, user.id, "a", "h2".into(), now + day, now)
                .await
                .unwrap();
            add_refresh_token(db, user.id, "old", "h3".into(), now - day, now - day * 2)
                .await
                .unwrap();
            assert!(is_live(db, "a", now).await.unwrap());
            assert!(
                !is_live(db, "old", now).await.unwrap(),
                "every token expired"
            );
            assert!(!is_live(db, "unknown", now).await.unwrap());
            end_family(db, "a", now).await.unwrap();
            assert!(!is_live(db, "a", now).await.unwrap(), "ended");
        }
    }
}
