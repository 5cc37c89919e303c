//! The dispatcher: claims due messages in batches under a lease (`store::outbox::claim`, which
//! lets nodes claim side by side), delivers each through its channel, and records how the
//! attempt ended. A node that dies holding a claim loses it when the lease runs out, and
//! another node takes the messages back: delivery is at least once, and receivers drop
//! duplicates by the delivery id.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::stream::{self, StreamExt};
use liaison_domain::delivery::{Backoff, Channel, DeliveryStatus, NextStep};
use liaison_infra::entities::deliveries;
use liaison_infra::store::outbox::{self, Attempted};
use sea_orm::{ConnectionTrait, DbErr};

use super::{Attempt, Failure, Outcome};
use crate::settings::OutboxSettings;
use crate::state::AppState;
use crate::{subscriptions, webhooks};

pub struct Dispatcher {
    /// Names this process's claims, so it releases its own and only its own.
    owner: String,
    backoff: Backoff,
    lease: Duration,
    batch: u64,
    concurrency: usize,
    poll: Duration,
    gather: Duration,
    drain: Duration,
}

impl Dispatcher {
    pub fn new(settings: &OutboxSettings) -> Self {
        Self {
            owner: format!("{}-{:016x}", std::process::id(), rand::random::<u64>()),
            backoff: Backoff {
                base: Duration::from_millis(settings.base_backoff_ms),
                cap: Duration::from_millis(settings.max_backoff_ms),
                max_attempts: settings.max_attempts.max(1),
            },
            lease: Duration::from_secs(settings.lease_seconds.max(1)),
            batch: settings.batch.max(1),
            concurrency: settings.concurrency.max(1),
            poll: Duration::from_millis(settings.poll_ms.max(10)),
            gather: Duration::from_millis(settings.gather_ms),
            drain: Duration::from_secs(settings.drain_seconds),
        }
    }

    /// Delivers until the process is asked to stop; then lets attempts in flight finish within
    /// the drain bound and hands back every claim it still holds, so nothing waits for a lease.
    pub async fn run(&self, state: &AppState) {
        tracing::info!(owner = %self.owner, "outbox dispatcher started");
        while !state.shutdown.is_cancelled() {
            let claimed_at = tokio::time::Instant::now();
            // A full batch means more may wait: claim again at once. A short one emptied what
            // was due, so wait for news.
            let idle = match self.dispatch_once(state).await {
                Ok(claimed) => claimed < usize::try_from(self.batch).unwrap_or(usize::MAX),
                Err(error) => {
                    tracing::warn!(%error, "could not claim deliveries; will retry");
                    true
                }
            };
            if idle {
                tokio::select! {
                    () = state.outbox_wake.notified() => {
                        // Woken by a commit: let the commits of the next moment gather, so that
                        // one claim takes them all.
                        tokio::select! {
                            () = tokio::time::sleep_until(claimed_at + self.gather) => {}
                            () = state.shutdown.cancelled() => {}
                        }
                    }
                    () = tokio::time::sleep(self.poll) => {}
                    () = state.shutdown.cancelled() => {}
                }
            }
        }
        match self.release(&state.db).await {
            Ok(released) => tracing::info!(released, "outbox dispatcher stopped"),
            Err(error) => {
                tracing::warn!(%error, "could not hand back claims; their leases will expire");
            }
        }
    }

    /// Claims one batch of due messages and delivers it; answers how many it claimed.
    pub async fn dispatch_once(&self, state: &AppState) -> Result<usize, DbErr> {
        let now = Utc::now();
        let lease = chrono::Duration::from_std(self.lease).unwrap_or(chrono::Duration::MAX);
        state.metrics.claimed();
        let claimed = outbox::claim(&state.db, &self.owner, self.batch, now, now + lease).await?;
        let count = claimed.len();
        let work = stream::iter(claimed).for_each_concurrent(self.concurrency, |delivery| {
            self.attempt_and_record(state, delivery)
        });
        let drained = async {
            state.shutdown.cancelled().await;
            tokio::time::sleep(self.drain).await;
        };
        tokio::select! {
            () = work => {}
            // Attempts still running are abandoned; `run` hands their claims back.
            () = drained => tracing::warn!("deliveries still in flight at the drain bound"),
        }
        Ok(count)
    }

    async fn attempt_and_record(&self, state: &AppState, delivery: deliveries::Model) {
        if state.shutdown.is_cancelled() {
            // Not started: `run` hands the claim back on its way out.
            return;
        }
        // An attempt never outlives its claim, whatever the channel's own timeouts.
        let bound = self.lease / 2;
        let attempt = match tokio::time::timeout(bound, attempt(state, &delivery)).await {
            Ok(attempt) => attempt,
            Err(_) => Err(Failure::Retry(format!("no answer within {bound:?}"))),
        };
        if let Err(error) = self.record(state, &delivery, attempt).await {
            tracing::warn!(
                delivery_id = delivery.id,
                %error,
                "could not record a delivery attempt; its lease will bring it back"
            );
        }
    }

    async fn record(
        &self,
        state: &AppState,
        delivery: &deliveries::Model,
        attempt: Attempt,
    ) -> Result<(), DbErr> {
        let now = Utc::now();
        let attempts = u32::try_from(delivery.attempts).unwrap_or(0);
        let (status, error, next) = match attempt {
            Ok(Outcome::Delivered) => (DeliveryStatus::Delivered, None, None),
            Ok(Outcome::Skipped(reason)) => (DeliveryStatus::Skipped, Some(reason), None),
            Err(failure) => {
                let (reason, last) = match failure {
                    Failure::Retry(reason) => (reason, false),
                    Failure::Final(reason) => (reason, true),
                };
                match self
                    .backoff
                    .after_failure(attempts, last, rand::random::<f64>())
                {
                    NextStep::RetryAfter(wait) => {
                        let wait =
                            chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX);
                        (DeliveryStatus::Pending, Some(reason), Some(now + wait))
                    }
                    NextStep::Dead => (DeliveryStatus::Dead, Some(reason), None),
                }
            }
        };
        log_outcome(delivery, status, error.as_deref(), next);
        let attempted = Attempted {
            status,
            error: error.as_deref(),
            retry_at: next,
        };
        outbox::record(&state.db, delivery.id, &self.owner, attempted, now).await?;
        let outcome = match status {
            DeliveryStatus::Pending => "retry",
            other => other.as_str(),
        };
        state.metrics.delivery(delivery.channel.as_str(), outcome);
        Ok(())
    }

    /// Frees this node's claims on messages it has not finished, so that another node (or this
    /// one after a restart) takes them at once instead of after the lease.
    pub async fn release(&self, db: &impl ConnectionTrait) -> Result<u64, DbErr> {
        outbox::release(db, &self.owner).await
    }
}

async fn attempt(state: &AppState, delivery: &deliveries::Model) -> Attempt {
    match *delivery.channel {
        Channel::Wechat => subscriptions::delivery::deliver(state, delivery).await,
        Channel::Webhook => webhooks::delivery::deliver(state, delivery).await,
    }
}

fn log_outcome(
    delivery: &deliveries::Model,
    status: DeliveryStatus,
    error: Option<&str>,
    next: Option<DateTime<Utc>>,
) {
    let (id, channel, attempts) = (delivery.id, delivery.channel.as_str(), delivery.attempts);
    match status {
        DeliveryStatus::Delivered => tracing::debug!(delivery_id = id, channel, "delivered"),
        DeliveryStatus::Skipped => {
            tracing::info!(
                delivery_id = id,
                channel,
                reason = error,
                "delivery skipped"
            );
        }
        DeliveryStatus::Pending => tracing::warn!(
            delivery_id = id,
            channel,
            attempts,
            error,
            next_attempt_at = ?next,
            "delivery failed; will retry"
        ),
        DeliveryStatus::Dead => tracing::error!(
            delivery_id = id,
            channel,
            attempts,
            error,
            "delivery failed for good; it waits in the dead letters"
        ),
    }
}
