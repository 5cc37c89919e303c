//! The deadline watcher (超期督办): finds cases past `respond_by` or `resolve_by`, records an
//! `overdue` step once per missed deadline for the deputy and the station admins, and sends a
//! deadline still missed after `deadlines.escalate_after_hours` to the county admins.
//!
//! One node watches at a time, holding a lease in the database rather than in Redis, so that
//! a Redis outage does not stop it. The lease saves work; it is not what keeps a deadline from
//! being marked twice: the unique key of `deadline_marks` and the conditional update of
//! `escalated_at` do that, so two watchers that overlap (a lease expired mid-sweep) still act
//! once.

use std::time::Duration as StdDuration;

use actix_web::web;
use chrono::{DateTime, Duration, Utc};
use liaison_domain::case::deadline::{self, Deadline, Lapse};
use liaison_infra::entities::{cases, deadline_marks};
use liaison_infra::lease;
use liaison_infra::store::cases::{self as store, deadlines as marks};
use sea_orm::TransactionTrait;

use crate::app_error::{AppError, AppResult};
use crate::cases::actions::{store_system_step, to_domain};
use crate::cases::Cases;
use crate::state::AppState;

/// The lease that makes one node the watcher.
const LEASE: &str = "deadline_watcher";

/// Cases one query takes; the rest wait for the next sweep, which keeps a sweep short (well
/// within the lease) after a long outage.
const BATCH: u64 = 200;

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Missed deadlines recorded as `overdue`.
    pub overdue: usize,
    /// Missed deadlines sent to the county admins.
    pub escalated: usize,
}

/// Runs until `state.shutdown` is cancelled, sweeping every `deadlines.check_every_seconds`
/// while this node holds the watcher's lease. Spawn it beside the server or the worker.
pub async fn run(state: web::Data<AppState>) {
    // tokio's interval refuses a zero period; a sweep a second is the most anyone needs.
    let seconds = state.settings.deadlines.check_every_seconds.max(1);
    let every = StdDuration::from_secs(u64::from(seconds));
    // Three intervals: a slow sweep or a missed tick does not hand the watch to another node.
    let ttl = Duration::seconds(3 * i64::from(seconds));
    let holder = uuid::Uuid::new_v4().to_string();
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => break,
            _ = ticks.tick() => {}
        }
        let now = Utc::now();
        match lease::acquire(&state.db, LEASE, &holder, ttl, now).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::warn!(%error, "could not take the deadline watcher's lease; will retry");
                continue;
            }
        }
        match sweep(&state, now).await {
            Ok(Swept {
                overdue: 0,
                escalated: 0,
            }) => {}
            Ok(swept) => tracing::info!(
                overdue = swept.overdue,
                escalated = swept.escalated,
                "marked cases overdue and escalated those still overdue"
            ),
            Err(error) => tracing::warn!(%error, "could not sweep deadlines; will retry"),
        }
    }
    // Another node may take over at once instead of waiting for the lease to run out.
    if let Err(error) = lease::release(&state.db, LEASE, &holder).await {
        tracing::warn!(%error, "could not release the deadline watcher's lease");
    }
}

/// Records every deadline missed at `now` that has no mark yet, then escalates the marks that
/// stayed missed past the delay. Safe to run on several nodes at once.
pub async fn sweep(state: &AppState, now: DateTime<Utc>) -> AppResult<Swept> {
    let cases = state.cases();
    let mut swept = Swept::default();
    for deadline in Deadline::ALL {
        for stored in marks::unmarked(cases.db, *deadline, now, BATCH).await? {
            // One case that cannot be stored must not hold up every other case's deadline.
            match mark_overdue(&cases, &stored, *deadline, now).await {
                Ok(true) => swept.overdue += 1,
                Ok(false) => {}
                Err(error) => tracing::warn!(
                    case_id = stored.id,
                    deadline = deadline.as_str(),
                    %error,
                    "could not mark a case overdue; will retry"
                ),
            }
        }
    }
    let escalate_after = Duration::hours(i64::from(state.settings.deadlines.escalate_after_hours));
    for mark in marks::unescalated(cases.db, now - escalate_after, BATCH).await? {
        match escalate(&cases, &mark, escalate_after, now).await {
            Ok(true) => swept.escalated += 1,
            Ok(false) => {}
            Err(error) => tracing::warn!(
                case_id = mark.case_id,
                deadline = %mark.deadline,
                %error,
                "could not escalate an overdue case; will retry"
            ),
        }
    }
    Ok(swept)
}

/// What `stored` misses at `now`, as the domain sees it.
fn lapses(stored: &cases::Model, now: DateTime<Utc>) -> Vec<Lapse> {
    deadline::lapsed(
        *stored.status,
        stored.respond_by,
        stored.resolve_by,
        stored.first_response_at,
        now,
    )
}

/// Records that `stored` missed `deadline`: the mark and the `overdue` step in one transaction.
/// `false` when there is nothing to do after all, or another watcher did it first.
async fn mark_overdue(
    cases: &Cases<'_>,
    stored: &cases::Model,
    deadline: Deadline,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let Some(lapse) = lapses(stored, now)
        .into_iter()
        .find(|l| l.deadline == deadline)
    else {
        return Ok(false);
    };
    let transition = deadline::overdue(&to_domain(stored), deadline);
    let txn = cases.db.begin().await?;
    // First, so that a second watcher on the same deadline stops here, before any step.
    if !marks::mark(&txn, stored.id, deadline, lapse.due_at, now).await? {
        txn.rollback().await?;
        tracing::debug!(
            case_id = stored.id,
            deadline = deadline.as_str(),
            "another watcher marked this deadline first"
        );
        return Ok(false);
    }
    // Someone working the case meanwhile: the next sweep looks at it afresh.
    let stored_it = store_system_step(txn, cases, stored, &transition, now).await?;
    if stored_it {
        tracing::info!(
            case_id = stored.id,
            deadline = deadline.as_str(),
            "case overdue"
        );
    }
    Ok(stored_it)
}

/// Sends the case of `mark` to the county admins if its deadline is still missed, and
/// records on the mark that it did. `false` when settled meanwhile or done by another watcher.
async fn escalate(
    cases: &Cases<'_>,
    mark: &deadline_marks::Model,
    escalate_after: Duration,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let deadline = Deadline::parse(&mark.deadline).map_err(|_| {
        AppError::internal(anyhow::anyhow!("mark {} has an unknown deadline", mark.id))
    })?;
    let Some(stored) = store::find(cases.db, mark.case_id).await? else {
        return Ok(false);
    };
    let lapse = Lapse {
        deadline,
        due_at: mark.due_at,
    };
    if !deadline::escalation_due(lapse, &lapses(&stored, now), escalate_after, now) {
        return Ok(false);
    }
    let transition = deadline::escalate(&to_domain(&stored), deadline);
    let txn = cases.db.begin().await?;
    if !marks::escalated(&txn, mark.id, now).await? {
        txn.rollback().await?;
        tracing::debug!(
            case_id = stored.id,
            deadline = deadline.as_str(),
            "another watcher escalated this deadline first"
        );
        return Ok(false);
    }
    let stored_it = store_system_step(txn, cases, &stored, &transition, now).await?;
    if stored_it {
        tracing::info!(
            case_id = stored.id,
            deadline = deadline.as_str(),
            "overdue case escalated"
        );
    }
    Ok(stored_it)
}
