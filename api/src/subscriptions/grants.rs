//! Residents' one-time subscribe-message grants: each "accept" in `wx.requestSubscribeMessage`
//! allows one send of that template, which a send spends.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::policy;
use liaison_domain::{FieldError, Invalid};
use liaison_infra::store::subscriptions;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::templates::Templates;
use crate::app_error::{AppError, AppResult};

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
) -> AppResult<Grants> {
    if !policy::may_grant_subscriptions(actor) {
        return Err(AppError::Forbidden(
            "subscribe messages are granted by residents in the mini-program",
        ));
    }
    let mut ids = new.template_ids;
    if ids.is_empty() {
        return Err(AppError::invalid_field(
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
    let grants = subscriptions::add(&txn, actor.user_id, &ids, now)
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
