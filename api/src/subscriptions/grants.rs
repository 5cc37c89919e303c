//! Residents' one-time subscribe-message grants: each "accept" in `wx.requestSubscribeMessage`
//! allows one send of that template, which a send spends.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::{FieldError, Invalid};
use liaison_infra::entities::subscription_grants;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::templates::Templates;
use crate::app_error::AppResult;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewGrants {
    /// The template ids the resident just accepted in `wx.requestSubscribeMessage`.
    #[schema(example = json!(["tmpl-progress-id"]))]
    pub template_ids: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    pub template_id: String,
    /// Sends left for this template.
    pub remaining: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Grants {
    pub grants: Vec<Grant>,
}

/// Adds one grant per template id. Only residents receive subscribe messages, and only ids of
/// configured templates can ever be sent.
pub async fn record(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    templates: &Templates,
    new: NewGrants,
    now: DateTime<Utc>,
) -> ApiResult<Grants> {
    if !policy::may_grant_subscriptions(actor) {
        return Err(ApiError::forbidden(
            "subscribe messages are granted by residents in the mini-program",
        ));
    }
    let mut ids = new.template_ids;
    if ids.is_empty() {
        return Err(ApiError::invalid_field(
            "template_ids",
            "required",
            "template_ids must name at least one template",
        ));
    }
    let unknown: Vec<FieldError> = ids
        .iter()
        .enumerate()
        .filter(|(_, id)| !templates.knows_id(id))
        .map(|(i, _)| {
            FieldError::new(
                format!("template_ids[{i}]"),
                "unknown_template",
                "not a subscribe-message template of this server",
            )
        })
        .collect();
    if !unknown.is_empty() {
        return Err(Invalid(unknown).into());
    }
    ids.sort();
    ids.dedup();
    let txn = db.begin().await?;
    for id in &ids {
        subscription_grants::Entity::insert(subscription_grants::ActiveModel {
            user_id: Set(actor.user_id),
            template_id: Set(id.clone()),
            remaining: Set(1),
            updated_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([
                subscription_grants::Column::UserId,
                subscription_grants::Column::TemplateId,
            ])
            .value(
                subscription_grants::Column::Remaining,
                Expr::col((
                    subscription_grants::Entity,
                    subscription_grants::Column::Remaining,
                ))
                .add(1),
            )
            .value(subscription_grants::Column::UpdatedAt, Expr::value(now))
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    }
    let grants = subscription_grants::Entity::find()
        .filter(subscription_grants::Column::UserId.eq(actor.user_id))
        .filter(subscription_grants::Column::TemplateId.is_in(ids))
        .order_by_asc(subscription_grants::Column::TemplateId)
        .all(&txn)
        .await?
        .into_iter()
        .map(|g| Grant {
            template_id: g.template_id,
            remaining: g.remaining,
        })
        .collect();
    txn.commit().await?;
    Ok(Grants { grants })
}

fn of(user_id: i64, template_id: &str) -> sea_orm::UpdateMany<subscription_grants::Entity> {
    subscription_grants::Entity::update_many()
        .filter(subscription_grants::Column::UserId.eq(user_id))
        .filter(subscription_grants::Column::TemplateId.eq(template_id))
}

pub async fn has_any(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> AppResult<bool> {
    let found = subscription_grants::Entity::find()
        .filter(subscription_grants::Column::UserId.eq(user_id))
        .filter(subscription_grants::Column::TemplateId.eq(template_id))
        .filter(subscription_grants::Column::Remaining.gt(0))
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Takes one grant before a send; `false` when none is left. Taking first means two sends in
/// flight can never spend the same grant.
pub async fn spend(db: &impl ConnectionTrait, user_id: i64, template_id: &str) -> ApiResult<bool> {
    let column = subscription_grants::Column::Remaining;
    let result = of(user_id, template_id)
        .filter(column.gt(0))
        .col_expr(column, Expr::col(column).sub(1))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives back a grant whose send failed in a way worth retrying.
pub async fn give_back(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
) -> ApiResult<()> {
    let column = subscription_grants::Column::Remaining;
    of(user_id, template_id)
        .col_expr(column, Expr::col(column).add(1))
        .exec(db)
        .await?;
    Ok(())
}

/// WeChat says no grant is left (43101): believe it over our count.
pub async fn exhaust(db: &impl ConnectionTrait, user_id: i64, template_id: &str) -> ApiResult<()> {
    of(user_id, template_id)
        .col_expr(subscription_grants::Column::Remaining, Expr::value(0))
        .exec(db)
        .await?;
    Ok(())
}
