//! What a committed change of a case tells the running system: the dispatcher that new
//! deliveries wait, and live consoles that the case moved.

use chrono::{DateTime, Utc};
use liaison_domain::case::access::Scope;
use liaison_domain::case::EventKind;
use liaison_infra::entities::cases;
use liaison_infra::store::cases::rules::scope_of;
use serde::{Deserialize, Serialize};

use super::Notifier;

/// A change of one case, as live consoles receive it. The scope travels along so that each
/// node can filter for its own listeners; it is never sent to a client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub case_id: i64,
    pub number: String,
    pub status: String,
    /// The events of the step, e.g. `["accepted"]`.
    pub events: Vec<String>,
    pub at: DateTime<Utc>,
    pub scope: Scope,
}

/// News of a step, written with the step and announced once its transaction committed:
/// announcing earlier could show consoles a change that then rolls back.
#[must_use = "announce the news once the transaction has committed"]
#[derive(Debug)]
pub struct News {
    change: Change,
}

impl News {
    pub fn of(case: &cases::Model, events: &[EventKind], at: DateTime<Utc>) -> Self {
        Self {
            change: Change {
                case_id: case.id,
                number: case.number.clone(),
                status: case.status.as_str().to_owned(),
                events: events.iter().map(|e| e.as_str().to_owned()).collect(),
                at,
                scope: scope_of(case),
            },
        }
    }

    /// Wakes the dispatcher and tells live consoles. Never fails the request: the change is
    /// committed, and a console that missed the news sees it when it next refetches.
    pub fn announce(self, notifier: &Notifier<'_>) {
        notifier.outbox_wake.notify_one();
        let message = match serde_json::to_string(&self.change) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, case_id = self.change.case_id, "could not encode live news");
                return;
            }
        };
        // Publishing waits on Redis, which the request that made the change need not do. Two
        // quick steps of one case may then arrive swapped; their `at` tells the order.
        let live = notifier.live.clone();
        let case_id = self.change.case_id;
        tokio::spawn(async move {
            if let Err(error) = live.publish(&message).await {
                tracing::warn!(%error, case_id, "could not publish live news; consoles will catch up when they refetch");
            }
        });
    }
}
