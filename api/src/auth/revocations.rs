//! Keeping this node's revocation set complete. Pub/sub tells it of revocations at once but
//! may drop one while Redis is away, and a node that just started heard nothing: so it sweeps
//! the database at start for every revocation a live token could still carry, then every few
//! seconds for what came since.

use std::time::Duration;

use actix_web::web;
use chrono::{DateTime, Utc};
use liaison_infra::store::sessions;
use sea_orm::DbErr;

use crate::state::AppState;

/// How far each sweep looks back past the last one: commits land out of order and clocks of
/// nodes differ a little.
pub const OVERLAP: chrono::Duration = chrono::Duration::seconds(30);
const EVERY: Duration = Duration::from_secs(5);

/// Applies every revocation recorded after `since`.
pub async fn catch_up(state: &AppState, since: DateTime<Utc>) -> Result<(), DbErr> {
    for revocation in sessions::revoked_since(&state.db, since).await? {
        state.revocations.apply(revocation);
    }
    Ok(())
}

/// The first sweep: everything an access token signed before now could be refused for.
pub async fn at_start(state: &AppState) -> Result<(), DbErr> {
    let lifetime = state.tokens.access_ttl();
    catch_up(state, Utc::now() - lifetime - OVERLAP).await
}

/// Sweeps until the process is asked to stop.
pub async fn run(state: web::Data<AppState>) {
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = Utc::now();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            () = state.shutdown.cancelled() => return,
        }
        let now = Utc::now();
        match catch_up(&state, last - OVERLAP).await {
            Ok(()) => last = now,
            Err(error) => {
                tracing::warn!(%error, "could not sweep revocations; will retry");
            }
        }
    }
}
