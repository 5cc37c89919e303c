//! The revocation set: sessions ended and accounts changed, known to every node, so that a
//! request is authenticated from its signed access token alone, without a statement.
//!
//! A node applies its own revocations at once and publishes them on a [`LiveBus`] (Redis
//! pub/sub across nodes, this process alone without Redis); every node applies what it hears.
//! Pub/sub can drop a message while Redis is away, so the application also sweeps the
//! database for recent revocations at start and every few seconds, and applies them here.
//! An entry is kept as long as an access token signed before it could still be presented;
//! after that the token's own expiry refuses it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::live::{Heard, LiveBus};

/// One thing every node must stop trusting tokens for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Revocation {
    /// A session (refresh-token family) ended: logout, or a reused refresh token.
    Session { id: String },
    /// What an account covers changed (or it was disabled): tokens signed up to `at` no longer
    /// say the truth about it.
    Account { user_id: i64, at: DateTime<Utc> },
}

#[derive(Clone)]
pub struct Revocations {
    known: Arc<RwLock<Known>>,
    bus: LiveBus,
    /// How long an entry matters: the life of an access token.
    keep: Duration,
}

#[derive(Default)]
struct Known {
    sessions: HashMap<String, Instant>,
    accounts: HashMap<i64, (DateTime<Utc>, Instant)>,
}

impl Revocations {
    /// A set fed by what `bus` carries from now on; entries are kept for `keep`.
    pub fn new(bus: LiveBus, keep: Duration) -> Self {
        let revocations = Self {
            known: Arc::default(),
            bus,
            keep,
        };
        let heard = revocations.clone();
        revocations
            .bus
            .listen("revocation", move |news| match news {
                Heard::News(revocation) => heard.apply(revocation),
                // What was missed is in the database: the next sweep brings it.
                Heard::Missed(missed) => {
                    tracing::warn!(
                        missed,
                        "revocations were missed; the next sweep brings them"
                    );
                }
            });
        revocations
    }

    /// Whether the session `id` has ended.
    pub fn session_ended(&self, id: &str) -> bool {
        self.read().sessions.contains_key(id)
    }

    /// Whether the account changed at or after `issued_at`, the second a token was signed: a
    /// token signed in the same second as the change is read afresh too, to be safe.
    pub fn account_changed_since(&self, user_id: i64, issued_at: i64) -> bool {
        self.read()
            .accounts
            .get(&user_id)
            .is_some_and(|(at, _)| at.timestamp() >= issued_at)
    }

    /// Applies `revocation` here at once and tells the other nodes. Telling them may fail
    /// (Redis away); they then learn it from their next sweep of the database.
    pub async fn revoke(&self, revocation: Revocation) {
        self.apply(revocation.clone());
        let message = match serde_json::to_string(&revocation) {
            Ok(message) => message,
            Err(error) => {
                tracing::error!(%error, "could not encode a revocation");
                return;
            }
        };
        if let Err(error) = self.bus.publish(&message).await {
            tracing::warn!(%error, "could not publish a revocation; other nodes learn it from their next sweep");
        }
    }

    /// Records `revocation` on this node only: for what a sweep of the database found.
    pub fn apply(&self, revocation: Revocation) {
        let now = Instant::now();
        let forget_at = now + self.keep;
        let mut known = self
            .known
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        known.sessions.retain(|_, until| *until > now);
        known.accounts.retain(|_, (_, until)| *until > now);
        match revocation {
            Revocation::Session { id } => {
                known.sessions.insert(id, forget_at);
            }
            Revocation::Account { user_id, at } => {
                let latest = known
                    .accounts
                    .get(&user_id)
                    .map_or(at, |(seen, _)| (*seen).max(at));
                known.accounts.insert(user_id, (latest, forget_at));
            }
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Known> {
        // A panic while holding the lock leaves plain maps behind, still fit to read.
        self.known
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[tokio::test]
    async fn a_revocation_applies_at_once_and_reaches_other_listeners() {
        let bus = LiveBus::memory(16);
        let here = Revocations::new(bus.clone(), Duration::from_secs(60));
        let there = Revocations::new(bus, Duration::from_secs(60));
        tokio::task::yield_now().await;
        here.revoke(Revocation::Session { id: "s1".into() }).await;
        assert!(here.session_ended("s1"), "applied before revoke returns");
        for _ in 0..100 {
            if there.session_ended("s1") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(there.session_ended("s1"));
        assert!(!there.session_ended("s2"));
    }

    #[tokio::test]
    async fn tokens_signed_up_to_a_change_are_stale() {
        let revocations = Revocations::new(LiveBus::memory(4), Duration::from_secs(60));
        let changed = at("2026-12-01T08:00:00Z");
        revocations.apply(Revocation::Account {
            user_id: 7,
            at: changed,
        });
        let second = changed.timestamp();
        assert!(revocations.account_changed_since(7, second - 60));
        assert!(revocations.account_changed_since(7, second));
        assert!(!revocations.account_changed_since(7, second + 1));
        assert!(!revocations.account_changed_since(8, second - 60));
        // An older change heard late does not hide the newer one.
        revocations.apply(Revocation::Account {
            user_id: 7,
            at: changed - chrono::Duration::hours(1),
        });
        assert!(revocations.account_changed_since(7, second));
    }

    #[tokio::test]
    async fn entries_are_forgotten_once_no_token_could_carry_them() {
        let revocations = Revocations::new(LiveBus::memory(4), Duration::from_millis(20));
        revocations.apply(Revocation::Session { id: "old".into() });
        tokio::time::sleep(Duration::from_millis(40)).await;
        revocations.apply(Revocation::Session { id: "new".into() });
        assert!(!revocations.session_ended("old"));
        assert!(revocations.session_ended("new"));
    }

    #[test]
    fn revocations_travel_as_tagged_json() {
        let text = serde_json::to_string(&Revocation::Session { id: "f".into() }).unwrap();
        assert_eq!(text, r#"{"kind":"session","id":"f"}"#);
    }
}
