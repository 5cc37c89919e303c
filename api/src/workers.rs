//! The background work of a node, run beside the HTTP server by `liaison serve` and alone by
//! `liaison worker`: housekeeping, the outbox dispatcher, the deadline watcher and the
//! figures' rollup. All of it
//! stops when `AppState::shutdown` is cancelled; the dispatcher first finishes (within its
//! drain bound) what it has in flight and hands back its claims.

use actix_web::web;

use crate::outbox::dispatcher::Dispatcher;
use crate::state::AppState;
use crate::{deadlines, housekeeping, stats};

pub async fn run(state: web::Data<AppState>) {
    let dispatcher = Dispatcher::new(&state.settings.outbox);
    tokio::join!(
        housekeeping::run(state.clone()),
        dispatcher.run(&state),
        deadlines::run(state.clone()),
        stats::rollup::run(state.clone()),
    );
}
