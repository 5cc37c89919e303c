//! Webhooks: a county's other systems that receive its case events.

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::entities::webhooks;

/// Webhook `id` if it is of `county_id`.
pub async fn find(
    db: &impl ConnectionTrait,
    county_id: i64,
    id: i64,
) -> Result<Option<webhooks::Model>, DbErr> {
    webhooks::Entity::find_by_id(id)
        .filter(webhooks::Column::CountyId.eq(county_id))
        .one(db)
        .await
}
