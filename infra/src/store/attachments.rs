//! Attachments: uploaded photos, free until the one case they belong to claims them.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Condition, Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::entities::attachments;

/// Writes a photo of `uploader_id` that no case has claimed yet.
pub async fn insert(
    db: &impl ConnectionTrait,
    uploader_id: i64,
    content_type: &str,
    size: i64,
    storage_key: &str,
    now: DateTime<Utc>,
) -> Result<attachments::Model, DbErr> {
    attachments::ActiveModel {
        uploader_id: Set(uploader_id),
        case_id: Set(None),
        content_type: Set(content_type.to_owned()),
        size: Set(size),
        storage_key: Set(storage_key.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<attachments::Model>, DbErr> {
    attachments::Entity::find_by_id(id).one(db).await
}

/// The attachments of `ids` that exist, in no particular order.
pub async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[i64],
) -> Result<Vec<attachments::Model>, DbErr> {
    attachments::Entity::find()
        .filter(attachments::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await
}

/// Ties every one of `ids` (distinct) to case `case_id` if every one is `uploader_id`'s and
/// free; otherwise ties none. One statement, which checks the conditions as it writes, so two
/// cases racing for one photo cannot both get it. Whether they were tied.
pub async fn claim(
    db: &impl ConnectionTrait,
    uploader_id: i64,
    case_id: i64,
    ids: &[i64],
) -> Result<bool, DbErr> {
    let free = || {
        Condition::all()
            .add(attachments::Column::Id.is_in(ids.iter().copied()))
            .add(attachments::Column::CaseId.is_null())
            .add(attachments::Column::UploaderId.eq(uploader_id))
    };
    let qualifying = Query::select()
        .expr(Expr::col(attachments::Column::Id).count())
        .from(attachments::Entity)
        .cond_where(free())
        .to_owned();
    let wanted = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let claimed = attachments::Entity::update_many()
        .col_expr(attachments::Column::CaseId, Expr::value(case_id))
        .filter(free())
        .filter(
            Expr::expr(SimpleExpr::SubQuery(
                None,
                Box::new(qualifying.into_sub_query_statement()),
            ))
            .eq(wanted),
        )
        .exec(db)
        .await?;
    Ok(usize::try_from(claimed.rows_affected).ok() == Some(ids.len()))
}

/// The photos of case `case_id`, oldest first.
pub async fn of_case(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<attachments::Model>, DbErr> {
    attachments::Entity::find()
        .filter(attachments::Column::CaseId.eq(case_id))
        .order_by_asc(attachments::Column::Id)
        .all(db)
        .await
}

/// Photos no case claimed that were uploaded before `cutoff`.
pub async fn unclaimed_before(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Vec<attachments::Model>, DbErr> {
    attachments::Entity::find()
        .filter(attachments::Column::CaseId.is_null())
        .filter(attachments::Column::CreatedAt.lt(cutoff))
        .all(db)
        .await
}

/// Deletes the photo `id` if it is still unclaimed: a case may take it at this very moment.
/// Whether it went.
pub async fn delete_unclaimed(db: &impl ConnectionTrait, id: i64) -> Result<bool, DbErr> {
    let deleted = attachments::Entity::delete_many()
        .filter(attachments::Column::Id.eq(id))
        .filter(attachments::Column::CaseId.is_null())
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
