//! Work the server does by itself on a timer: closing resolved cases left unrated, removing
//! photos no case claimed.
//!
//! Every node may run it: each close is a versioned write, so two nodes closing the same case
//! at once leave one close and no error.

use std::time::Duration;

use actix_web::web;
use chrono::Utc;

use crate::attachments::service::purge_unclaimed;
use crate::cases::actions::close_unrated;
use crate::state::AppState;

const EVERY: Duration = Duration::from_secs(60);

/// Runs until the process is asked to stop.
pub async fn run(state: web::Data<AppState>) {
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = state.shutdown.cancelled() => return,
        }
        match close_unrated(&state.cases(), Utc::now()).await {
            Ok(0) => {}
            Ok(closed) => tracing::info!(closed, "closed resolved cases left unrated"),
            Err(error) => tracing::warn!(%error, "could not close unrated cases; will retry"),
        }
        match purge_unclaimed(&state.attachments(), Utc::now()).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "removed photos no case claimed"),
            Err(error) => tracing::warn!(%error, "could not remove unclaimed photos; will retry"),
        }
    }
}
