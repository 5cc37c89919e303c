//! Idempotency keys of submits: the first answer to a key, kept to replay it to a retry.

use sea_orm::{ConnectionTrait, DbErr, EntityTrait};

use crate::entities::idempotency_keys;

/// Keeps the answer under its key, in the transaction of the case it answers. A key already
/// taken (a retry, or a twin racing this one) fails on the primary key and so rolls the whole
/// case back.
pub async fn remember(
    db: &impl ConnectionTrait,
    answer: idempotency_keys::Model,
) -> Result<(), DbErr> {
    idempotency_keys::Entity::insert(idempotency_keys::ActiveModel::from(answer))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What `user_id` was first answered under `key`.
pub async fn find(
    db: &impl ConnectionTrait,
    user_id: i64,
    key: &str,
) -> Result<Option<idempotency_keys::Model>, DbErr> {
    idempotency_keys::Entity::find_by_id((user_id, key.to_owned()))
        .one(db)
        .await
}
