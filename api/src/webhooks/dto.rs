//! Webhook bodies.

use chrono::{DateTime, Utc};
use liaison_infra::entities::webhooks;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A webhook as the console sees it: its secret is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Webhook {
    pub id: i64,
    pub county_id: i64,
    #[schema(example = "https://12345.example.gov.cn/liaison/events")]
    pub url: String,
    /// The case event kinds it receives.
    #[schema(example = json!(["submitted", "resolved", "escalated"]))]
    pub events: Vec<String>,
    /// A switched-off webhook receives nothing, and messages already waiting are dropped.
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<webhooks::Model> for Webhook {
    fn from(m: webhooks::Model) -> Self {
        Self {
            events: stored_events(&m.events),
            id: m.id,
            county_id: m.county_id,
            url: m.url,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// The event kinds stored as a JSON array; this server writes it, so a damaged value is
/// read as subscribing to nothing rather than failing every list.
pub fn stored_events(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// A webhook just created, with its signing secret.
// No `Debug`: the secret must not reach a log.
#[derive(Serialize, ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret, shown this once: 64 hex digits, used as they are (their ASCII bytes)
    /// as the HMAC-SHA256 key. To change it, delete the webhook and create it again.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewWebhook {
    /// An http or https URL, at most 2048 characters, whose host is public (unless the server
    /// allows private targets).
    pub url: String,
    /// At least one case event kind: `submitted`, `accepted`, `declined`, `replied`, `assigned`,
    /// `handled`, `urged`, `reassigned`, `noted`, `resolved`, `rated`, `reopened`,
    /// `escalated`, `closed`, `overdue`.
    pub events: Vec<String>,
    /// Defaults to `true`.
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookPatch {
    pub url: Option<String>,
    /// Replaces the whole list; at least one kind.
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}
