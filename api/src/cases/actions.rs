//! Every step of a case after it is raised: the domain decides, this stores the decision with
//! its events in one transaction, and only if nobody changed the case meanwhile.

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::{self, By, Command, ReassignTo, Step, Transition};
use liaison_infra::entities::cases;
use liaison_infra::store::cases::events::Author;
use liaison_infra::store::cases::{self as store, rules::scope_of, steps};
use sea_orm::{ConnectionTrait, DatabaseTransaction, TransactionTrait};

use super::access::find_visible;
use super::Cases;
use crate::app_error::{AppError, AppResult, Conflict};
use crate::departments::service::check_takes_work;
use crate::notifications::{self, News};

/// The system, as the timeline names it when it takes a step by itself.
pub(crate) const SYSTEM: Author<'static> = Author {
    actor_id: None,
    role: "system",
    name: "系统",
};

/// A step asked of a case that the caller may ask: the case is visible to them, their role
/// may take the step and the case's state allows it. The command itself is read after this, so
/// a caller without the right learns that first, whatever the body holds.
pub struct Attempt {
    stored: cases::Model,
    case: case::Case,
}

/// Whether `actor` may attempt `step` on the case: 404 if it is hidden, 403 or 409 as
/// `case::may_attempt` says.
pub async fn attempt(
    cases: &Cases<'_>,
    actor: &Actor,
    case_id: i64,
    step: Step,
) -> AppResult<Attempt> {
    // Read outside the write transaction: the version check in `record` catches any change in
    // between, and SQLite would refuse to turn a transaction that read an older snapshot into
    // a writer instead of waiting its turn.
    let stored = find_visible(cases.db, actor, case_id).await?;
    let case = to_domain(cases, &stored).await?;
    case::may_attempt(&case, step, actor)?;
    Ok(Attempt { stored, case })
}

impl Attempt {
    /// Issues `command` (of the attempted step) as `actor`, named `actor_name` on the timeline.
    pub async fn issue(
        self,
        cases: &Cases<'_>,
        actor: &Actor,
        actor_name: &str,
        command: Command,
    ) -> AppResult<cases::Model> {
        let Attempt { stored, case } = self;
        let now = Utc::now();
        let transition = case::apply(&case, &command, By::Person(actor), now, cases.rules)?;
        // After the domain: who may not take the step learns that first, not that an id is wrong.
        check_references(cases, &stored, &command).await?;
        let author = Author {
            actor_id: Some(actor.user_id),
            role: actor.role.as_str(),
            name: actor_name,
        };
        let txn = cases.db.begin().await?;
        let (updated, news) = record(&txn, cases, &stored, &transition, author, now).await?;
        txn.commit().await?;
        news.announce(&cases.notifier);
        tracing::info!(case_id = stored.id, command = command.name(), status = %updated.status, "case changed");
        Ok(updated)
    }
}

/// Issues a command already read on the case as `actor` (named `actor_name` on the timeline).
pub async fn act(
    cases: &Cases<'_>,
    actor: &Actor,
    actor_name: &str,
    case_id: i64,
    command: Command,
) -> AppResult<cases::Model> {
    attempt(cases, actor, case_id, command.step())
        .await?
        .issue(cases, actor, actor_name, command)
        .await
}

/// Closes resolved cases left unrated past the configured delay, as the system.
pub async fn close_unrated(cases: &Cases<'_>, now: DateTime<Utc>) -> AppResult<usize> {
    let cutoff = now - cases.rules.close_unrated_after;
    let mut closed = 0;
    for stored in store::awaiting_rating(cases.db, cutoff).await? {
        let domain_case = to_domain(cases, &stored).await?;
        let Ok(transition) = case::apply(
            &domain_case,
            &Command::AutoClose,
            By::System,
            now,
            cases.rules,
        ) else {
            continue;
        };
        let txn = cases.db.begin().await?;
        // Rated or changed meanwhile: it is no longer this sweep's business.
        if store_system_step(txn, cases, &stored, &transition, now).await? {
            closed += 1;
        }
    }
    Ok(closed)
}

/// Stores a step the system takes (closing, marking overdue) in `txn`, which may already hold
/// related writes, commits and announces it. `false`, with everything rolled back, when someone
/// changed the case meanwhile: a sweep then leaves it to its next round.
pub(crate) async fn store_system_step(
    txn: DatabaseTransaction,
    cases: &Cases<'_>,
    stored: &cases::Model,
    transition: &Transition,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    match record(&txn, cases, stored, transition, SYSTEM, now).await {
        Ok((_, news)) => {
            txn.commit().await?;
            news.announce(&cases.notifier);
            Ok(true)
        }
        Err(AppError::Conflict(Conflict::CaseChanged)) => {
            txn.rollback().await?;
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

/// What only the database knows: the department is of the case's county, the deputy sits at
/// the case's station.
async fn check_references(
    cases: &Cases<'_>,
    stored: &cases::Model,
    command: &Command,
) -> AppResult<()> {
    match command {
        Command::Reassign {
            to: ReassignTo::Department { id, .. },
        } => check_takes_work(cases.db, "department_id", *id, stored.county_id).await,
        Command::Assign { department_id, .. } => {
            check_takes_work(cases.db, "department_id", *department_id, stored.county_id).await
        }
        Command::Reassign {
            to: ReassignTo::Deputy { id: deputy_id, .. },
        } => {
            // The cached members of the station: who sits there changes rarely, and every
            // change drops the cache.
            let members = cases.reference.members(cases.db, stored.station_id).await?;
            if members.contains(deputy_id) {
                Ok(())
            } else {
                Err(AppError::invalid_field(
                    "deputy_id",
                    "not_at_station",
                    "the deputy does not sit at this case's station",
                ))
            }
        }
        _ => Ok(()),
    }
}

/// The case as the domain's machine reads it.
pub(crate) async fn to_domain(cases: &Cases<'_>, stored: &cases::Model) -> AppResult<case::Case> {
    Ok(case::Case {
        status: *stored.status,
        scope: scope_of(stored),
        reopen_count: u32::try_from(stored.reopen_count).unwrap_or(0),
        escalated: stored.escalated,
        resolve_by: stored.resolve_by,
        // What the case was given, not what its category says now: a limit changed since
        // applies to new cases only.
        resolve_within: Duration::days(i64::from(stored.resolve_within_days)),
        first_response_at: stored.first_response_at,
        resolved_at: stored.resolved_at,
        closed_at: stored.closed_at,
        for_visitor: stored.for_visitor(),
        reassign_by: cases
            .reference
            .reassign_by(cases.db, stored.county_id)
            .await?,
    })
}

/// Writes the transition if the case is still at the version read, with everything its events
/// imply; `Conflict::CaseChanged` when another request changed it first (two deputies
/// accepting at once: one wins).
pub(crate) async fn record(
    db: &impl ConnectionTrait,
    cases: &Cases<'_>,
    stored: &cases::Model,
    transition: &Transition,
    author: Author<'_>,
    now: DateTime<Utc>,
) -> AppResult<(cases::Model, News)> {
    let updated = steps::record(db, stored, transition, author, now)
        .await?
        .ok_or(Conflict::CaseChanged)?;
    let kinds: Vec<_> = transition.events.iter().map(|e| e.kind).collect();
    let news =
        notifications::tell(db, &cases.notifier, &updated, &kinds, author.actor_id, now).await?;
    Ok((updated, news))
}
