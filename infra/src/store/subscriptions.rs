//! Residents' subscribe-message grants: how many sends of each template a resident allowed.
//! Each "accept" in `wx.requestSubscribeMessage` adds one, each send spends one.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::entities::subscription_grants;

use subscription_grants::Column as C;

/// Adds one grant of each of `template_ids` to `user_id`'s, and answers what the user now
/// holds of them, in template order.
pub async fn add(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_ids: &[String],
    now: DateTime<Utc>,
) -> Result<Vec<subscription_grants::Model>, DbErr> {
    for id in template_ids {
        subscription_grants::Entity::insert(subscription_grants::ActiveModel {
            user_id: Set(user_id),
            template_id: Set(id.clone()),
            remaining: Set(1),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([C::UserId, C::TemplateId])
                .value(
                    C::Remaining,
                    Expr::col((subscription_grants::Entity, C::Remaining)).add(1),
                )
                .value(C::UpdatedAt, Expr::value(now))
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    subscription_grants::Entity::find()
        .filter(C::UserId.eq(user_id))
        .filter(C::TemplateId.is_in(template_ids.iter().map(String::as_str)))
        .order_by_asc(C::TemplateId)
        .all(db)
        .await
}

fn of(user_id: i64, template_id: &str) -> sea_orm::UpdateMany<subscription_grants::Entity> {
    subscription_grants::Entity::update_many()
        .filter(C::UserId.eq(user_id))
        .filter(C::TemplateId.eq(template_id))
}

/// Whether `user_id` holds a grant of `template_id` left.
pub async fn has_any(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> Result<bool, DbErr> {
    let found = subscription_grants::Entity::find()
        .filter(C::UserId.eq(user_id))
        .filter(C::TemplateId.eq(template_id))
        .filter(C::Remaining.gt(0))
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Takes one grant before a send; `false` when none is left. Taking first means two sends in
/// flight can never spend the same grant.
pub async fn spend(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> Result<bool, DbErr> {
    let result = of(user_id, template_id)
        .filter(C::Remaining.gt(0))
        .col_expr(C::Remaining, Expr::col(C::Remaining).sub(1))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives back a grant whose send failed in a way that left it unused.
pub async fn give_back(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> Result<(), DbErr> {
    of(user_id, template_id)
        .col_expr(C::Remaining, Expr::col(C::Remaining).add(1))
        .exec(db)
        .await?;
    Ok(())
}

/// Leaves `user_id` no grant of `template_id`: WeChat says none is left (43101), and it is
/// believed over the count.
pub async fn exhaust(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> Result<(), DbErr> {
    of(user_id, template_id)
        .col_expr(C::Remaining, Expr::value(0))
        .exec(db)
        .await?;
    Ok(())
}
