//! Managing webhooks: a county admin lists, creates, changes and deletes its county's.
//! Anyone else is refused, and another county's webhook is not found.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::case::EventKind;
use liaison_domain::Invalid;
use liaison_infra::entities::webhooks;
use liaison_infra::webhook::{self, WebhookSender};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::dto::{CreatedWebhook, NewWebhook, Webhook, WebhookPatch};
use crate::departments::service::administered_county;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, Paged};
use crate::state::AppState;

/// Receivers' URLs are short; this bounds what is stored, resolved and shown.
const MAX_URL_LEN: usize = 2048;

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: Page,
) -> ApiResult<Paged<Webhook>> {
    let county_id = administered_county(actor)?;
    let mut query = webhooks::Entity::find()
        .filter(webhooks::Column::CountyId.eq(county_id))
        .order_by_asc(webhooks::Column::Id);
    if let Some(after) = page.after {
        query = query.filter(webhooks::Column::Id.gt(after));
    }
    let rows = query.limit(page.fetch()).all(db).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Webhook::from))
}

pub async fn create(state: &AppState, actor: &Actor, new: NewWebhook) -> ApiResult<CreatedWebhook> {
    let county_id = administered_county(actor)?;
    let (url, events) = match (
        check_url(&state.webhooks, &new.url).await,
        parse_events(&new.events),
    ) {
        (Ok(url), Ok(events)) => (url, events),
        (url, events) => return Err(Invalid::merge([url.err(), events.err()]).into()),
    };
    let secret = webhook::new_secret();
    let sealed = state.sealer.seal(&secret).map_err(ApiError::internal)?;
    let now = Utc::now();
    let created = webhooks::ActiveModel {
        county_id: Set(county_id),
        url: Set(url),
        events: Set(events),
        secret: Set(sealed),
        active: Set(new.active.unwrap_or(true)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok(CreatedWebhook {
        webhook: created.into(),
        secret,
    })
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    patch: WebhookPatch,
) -> ApiResult<Webhook> {
    let county_id = administered_county(actor)?;
    let found = find(&state.db, county_id, id).await?;
    let url = match &patch.url {
        Some(raw) => check_url(&state.webhooks, raw).await.map(Some),
        None => Ok(None),
    };
    let events = patch.events.as_deref().map(parse_events).transpose();
    let (url, events) = match (url, events) {
        (Ok(u), Ok(e)) => (u, e),
        (u, e) => return Err(Invalid::merge([u.err(), e.err()]).into()),
    };
    let mut active: webhooks::ActiveModel = found.into();
    if let Some(url) = url {
        active.url = Set(url);
    }
    if let Some(events) = events {
        active.events = Set(events);
    }
    if let Some(on) = patch.active {
        active.active = Set(on);
    }
    active.updated_at = Set(Utc::now());
    Ok(active.update(&state.db).await?.into())
}

/// Deleting a webhook deletes its deliveries with it (the schema cascades), sent or not.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> ApiResult<()> {
    let county_id = administered_county(actor)?;
    let deleted = webhooks::Entity::delete_many()
        .filter(webhooks::Column::Id.eq(id))
        .filter(webhooks::Column::CountyId.eq(county_id))
        .exec(db)
        .await?;
    if deleted.rows_affected == 0 {
        return Err(ApiError::not_found("webhook"));
    }
    Ok(())
}

/// A webhook of `county_id`; another county's answers as absent.
async fn find(db: &impl ConnectionTrait, county_id: i64, id: i64) -> ApiResult<webhooks::Model> {
    webhooks::Entity::find_by_id(id)
        .filter(webhooks::Column::CountyId.eq(county_id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("webhook"))
}

/// The URL in its normal form, once it is http(s) and (unless allowed) not internal, by its
/// literal address or by what its name resolves to now.
async fn check_url(sender: &WebhookSender, raw: &str) -> Result<String, Invalid> {
    if raw.len() > MAX_URL_LEN {
        return Err(Invalid::one(
            "url",
            "too_long",
            format!("url must be at most {MAX_URL_LEN} characters"),
        ));
    }
    sender
        .check_target(raw)
        .await
        .map(String::from)
        .map_err(|refused| Invalid::one("url", refused.code(), format!("url: {refused}")))
}

/// The event kinds as stored (a JSON array, each kind once, in the order given), or every
/// unknown kind named by its place: `events[2]`.
fn parse_events(raw: &[String]) -> Result<String, Invalid> {
    if raw.is_empty() {
        return Err(Invalid::one(
            "events",
            "required",
            "events must name at least one event kind",
        ));
    }
    let mut kinds: Vec<EventKind> = Vec::with_capacity(raw.len());
    let mut unknown = Vec::new();
    for (index, word) in raw.iter().enumerate() {
        match EventKind::parse(word) {
            Ok(kind) if !kinds.contains(&kind) => kinds.push(kind),
            Ok(_) => {}
            Err(invalid) => unknown.push(Some(invalid.renamed(&format!("events[{index}]")))),
        }
    }
    if !unknown.is_empty() {
        return Err(Invalid::merge(unknown));
    }
    let words: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
    Ok(serde_json::Value::from(words).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_stored_once_each_and_unknown_ones_named_by_place() {
        let words = |w: &[&str]| w.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            parse_events(&words(&["resolved", "submitted", "resolved"])).unwrap(),
            r#"["resolved","submitted"]"#
        );
        let invalid = parse_events(&words(&["submitted", "deleted", "x"])).unwrap_err();
        let fields: Vec<&str> = invalid.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["events[1]", "events[2]"]);
        assert!(invalid.0[0].message.starts_with("events[1] must be one of"));
        let empty = parse_events(&[]).unwrap_err();
        assert_eq!(
            (empty.0[0].field.as_str(), empty.0[0].code),
            ("events", "required")
        );
    }
}
