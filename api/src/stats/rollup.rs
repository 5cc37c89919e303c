//! The worker that keeps the figures' daily rollup (`store::cases::figures::rollup`): one node
//! at a time, holding a lease, rolls up each day once it is over and rolls again the days
//! steps restated. The lease saves work; two workers that overlap write the same rows.

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::{Duration, Utc};
use liaison_infra::lease;
use liaison_infra::store::cases::figures::rollup::{self, Rolled};

use crate::state::AppState;

const LEASE: &str = "figures_rollup";

/// How often the worker looks: a restated day is counted from the cases meanwhile, so this
/// bounds only how long such a day costs more to count, never what it counts.
const EVERY: StdDuration = StdDuration::from_secs(60);

/// Runs until `state.shutdown` is cancelled, catching the rollup up on every tick while this
/// node holds the lease.
pub async fn run(state: web::Data<AppState>) {
    let holder = uuid::Uuid::new_v4().to_string();
    let ttl = Duration::seconds(3 * 60);
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        match lease::acquire(&state.db, LEASE, &holder, ttl, Utc::now()).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, "could not take the figures rollup's lease; will retry");
                continue;
            }
        }
        // Pass after pass, each a month at most, keeping the lease, until nothing is left.
        loop {
            if state.shutdown.is_cancelled() {
                break;
            }
            match rollup::roll(&state.db, Utc::now()).await {
                Ok(rolled) if rolled == Rolled::default() => break,
                Ok(rolled) => {
                    tracing::info!(
                        days = rolled.new,
                        restated = rolled.again,
                        months = rolled.months,
                        "rolled the figures up"
                    );
                    if let Err(error) =
                        lease::acquire(&state.db, LEASE, &holder, ttl, Utc::now()).await
                    {
                        tracing::warn!(%error, "could not renew the figures rollup's lease");
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "could not roll the figures up; will retry");
                    break;
                }
            }
        }
    }
    if let Err(error) = lease::release(&state.db, LEASE, &holder).await {
        tracing::warn!(%error, "could not release the figures rollup's lease");
    }
}
