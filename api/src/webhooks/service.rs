//! Managing webhooks: a county admin lists, creates, changes and deletes its county's.
//! Anyone else is refused, and another county's webhook is not found.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::case::EventKind;
use liaison_domain::Invalid;
use liaison_infra::crypto::Sealer;
use liaison_infra::store::organisation::webhooks::{self as store, WebhookChange};
use liaison_infra::webhook::{self, WebhookSender};
use sea_orm::ConnectionTrait;

use super::dto::{CreatedWebhook, NewWebhook, Webhook, WebhookPatch};
use crate::app_error::{AppError, AppResult};
use crate::departments::service::administered_county;
use crate::pagination::{PageQuery, Paged};

/// Receivers' URLs are short; this bounds what is stored, resolved and shown.
const MAX_URL_LEN: usize = 2048;

pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    page: &PageQuery,
) -> AppResult<Paged<Webhook>> {
    // Who may not look learns that first, whatever the page asked for.
    let county_id = administered_county(actor)?;
    let page = page.page()?;
    let rows = store::list(db, county_id, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, Webhook::from))
}

/// One webhook of the actor's county, as the list shows it: for a form that changes it.
pub async fn find(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<Webhook> {
    let county_id = administered_county(actor)?;
    store::find(db, county_id, id)
        .await?
        .map(Webhook::from)
        .ok_or(AppError::NotFound("webhook"))
}

/// Creates the webhook with a new secret, sealed by `sealer` for storage; `sender` vets the
/// URL as it will when delivering.
pub async fn create(
    db: &impl ConnectionTrait,
    sender: &WebhookSender,
    sealer: &Sealer,
    actor: &Actor,
    new: NewWebhook,
) -> AppResult<CreatedWebhook> {
    let county_id = administered_county(actor)?;
    let (url, events) = match (check_url(sender, &new.url).await, parse_events(&new.events)) {
        (Ok(url), Ok(events)) => (url, events),
        (url, events) => return Err(Invalid::merge([url.err(), events.err()]).into()),
    };
    let secret = webhook::new_secret();
    let sealed = sealer.seal(&secret).map_err(AppError::internal)?;
    let new = store::NewWebhook {
        county_id,
        url,
        events,
        secret: sealed,
        active: new.active.unwrap_or(true),
    };
    let created = store::insert(db, new, Utc::now()).await?;
    Ok(CreatedWebhook {
        webhook: created.into(),
        secret,
    })
}

pub async fn update(
    db: &impl ConnectionTrait,
    sender: &WebhookSender,
    actor: &Actor,
    id: i64,
    patch: WebhookPatch,
) -> AppResult<Webhook> {
    let county_id = administered_county(actor)?;
    let found = store::find(db, county_id, id)
        .await?
        .ok_or(AppError::NotFound("webhook"))?;
    let url = match &patch.url {
        Some(raw) => check_url(sender, raw).await.map(Some),
        None => Ok(None),
    };
    let events = patch.events.as_deref().map(parse_events).transpose();
    let (url, events) = match (url, events) {
        (Ok(u), Ok(e)) => (u, e),
        (u, e) => return Err(Invalid::merge([u.err(), e.err()]).into()),
    };
    let change = WebhookChange {
        url,
        events,
        active: patch.active,
    };
    Ok(store::update(db, found, change, Utc::now()).await?.into())
}

/// Deleting a webhook deletes its deliveries with it (the schema cascades), sent or not.
pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<()> {
    let county_id = administered_county(actor)?;
    if store::delete(db, county_id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("webhook"))
    }
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
