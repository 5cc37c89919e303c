//! Every step of a case after it is raised: the domain decides, this stores the decision with
//! its events in one transaction, and only if nobody changed the case meanwhile.

use chrono::{DateTime, Duration, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::case::{self, By, CaseError, Command, Transition};
use liaison_infra::entities::Word;
use liaison_infra::entities::{case_events, cases, categories, departments, deputy_stations};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use super::access::{find_visible, scope_of};
use crate::error::{ApiError, ApiResult};
use crate::notifications::{self, News};
use crate::state::AppState;

/// Issues `command` on the case as `actor` (named `actor_name` on the timeline).
pub async fn act(
    state: &AppState,
    actor: &Actor,
    actor_name: &str,
    case_id: i64,
    command: Command,
) -> ApiResult<cases::Model> {
    // Read outside the write transaction: the version check in `store` catches any change in
    // between, and SQLite would refuse to turn a transaction that read an older snapshot into
    // a writer instead of waiting its turn.
    let stored = find_visible(&state.db, actor, case_id).await?;
    let now = Utc::now();
    let domain_case = to_domain(&state.db, &stored).await?;
    let transition = case::apply(
        &domain_case,
        &command,
        By::Person(actor),
        now,
        &state.case_rules,
    )
    .map_err(refusal)?;
    // After the domain: who may not take the step learns that first, not that an id is wrong.
    check_references(&state.db, &stored, &command).await?;
    let txn = state.db.begin().await?;
    let (updated, news) = store(
        &txn,
        state,
        &stored,
        &transition,
        Some((actor, actor_name)),
        now,
    )
    .await?;
    txn.commit().await?;
    news.announce(&state.notifier());
    tracing::info!(case_id, command = command.name(), status = %updated.status, "case changed");
    Ok(updated)
}

/// Closes resolved cases left unrated past the configured delay, as the system.
pub async fn close_unrated(state: &AppState, now: DateTime<Utc>) -> ApiResult<usize> {
    let cutoff = now - state.case_rules.close_unrated_after;
    let due = cases::Entity::find()
        .filter(cases::Column::Status.eq(Word(case::CaseStatus::Resolved)))
        .filter(cases::Column::ResolvedAt.lte(cutoff))
        .all(&state.db)
        .await?;
    let mut closed = 0;
    for stored in due {
        let domain_case = to_domain(&state.db, &stored).await?;
        let Ok(transition) = case::apply(
            &domain_case,
            &Command::AutoClose,
            By::System,
            now,
            &state.case_rules,
        ) else {
            continue;
        };
        let txn = state.db.begin().await?;
        // Rated or changed meanwhile: it is no longer this sweep's business.
        if store_system_step(txn, state, &stored, &transition, now).await? {
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
    state: &AppState,
    stored: &cases::Model,
    transition: &Transition,
    now: DateTime<Utc>,
) -> ApiResult<bool> {
    match store(&txn, state, stored, transition, None, now).await {
        Ok((_, news)) => {
            txn.commit().await?;
            news.announce(&state.notifier());
            Ok(true)
        }
        Err(error) if error.code() == "case.conflict" => {
            txn.rollback().await?;
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

/// The answer to a refusal: 403 (visible but not yours to do), 409 (not in this state), 422.
fn refusal(error: CaseError) -> ApiError {
    match error {
        CaseError::Forbidden => ApiError::forbidden("your role may not do this on this case"),
        CaseError::InvalidTransition { status, command } => ApiError::conflict(
            "case.invalid_transition",
            format!("a {status} case cannot be asked to {command}"),
        ),
        CaseError::Invalid(invalid) => invalid.into(),
    }
}

/// What only the database knows: the department is of the case's county, the deputy sits at
/// the case's station.
async fn check_references(
    db: &impl ConnectionTrait,
    stored: &cases::Model,
    command: &Command,
) -> ApiResult<()> {
    match command {
        Command::Assign { department_id, .. } => {
            let here = departments::Entity::find_by_id(*department_id)
                .one(db)
                .await?
                .is_some_and(|d| d.county_id == stored.county_id);
            if !here {
                return Err(ApiError::invalid_field(
                    "department_id",
                    "unknown",
                    "no department of this county has this id",
                ));
            }
        }
        Command::Reassign { deputy_id } => {
            let sits_here = deputy_stations::Entity::find_by_id((*deputy_id, stored.station_id))
                .one(db)
                .await?
                .is_some();
            if !sits_here {
                return Err(ApiError::invalid_field(
                    "deputy_id",
                    "not_at_station",
                    "the deputy does not sit at this case's station",
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

pub(crate) async fn to_domain(
    db: &impl ConnectionTrait,
    stored: &cases::Model,
) -> ApiResult<case::Case> {
    let resolve_days = categories::Entity::find_by_id(stored.category_id)
        .one(db)
        .await?
        .map(|c| c.resolve_within_days)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("case {} has no category", stored.id)))?;
    Ok(case::Case {
        status: *stored.status,
        scope: scope_of(stored),
        reopen_count: u32::try_from(stored.reopen_count).unwrap_or(0),
        escalated: stored.escalated,
        resolve_by: stored.resolve_by,
        resolve_within: Duration::days(i64::from(resolve_days)),
        first_response_at: stored.first_response_at,
        resolved_at: stored.resolved_at,
        closed_at: stored.closed_at,
    })
}

/// Writes the transition if the case is still at the version read; 409 `case.conflict` when
/// another request changed it first (two deputies accepting at once: one wins).
pub(crate) async fn store(
    db: &impl ConnectionTrait,
    state: &AppState,
    stored: &cases::Model,
    transition: &Transition,
    actor: Option<(&Actor, &str)>,
    now: DateTime<Utc>,
) -> ApiResult<(cases::Model, News)> {
    let next = &transition.case;
    let mut update = cases::Entity::update_many()
        .col_expr(cases::Column::Status, Expr::value(Word(next.status)))
        .col_expr(
            cases::Column::AssigneeId,
            Expr::value(next.scope.assignee_id),
        )
        .col_expr(
            cases::Column::DepartmentId,
            Expr::value(next.scope.department_id),
        )
        .col_expr(
            cases::Column::ReopenCount,
            Expr::value(i32::try_from(next.reopen_count).unwrap_or(i32::MAX)),
        )
        .col_expr(cases::Column::Escalated, Expr::value(next.escalated))
        .col_expr(cases::Column::ResolveBy, Expr::value(next.resolve_by))
        .col_expr(
            cases::Column::FirstResponseAt,
            Expr::value(next.first_response_at),
        )
        .col_expr(cases::Column::ResolvedAt, Expr::value(next.resolved_at))
        .col_expr(cases::Column::ClosedAt, Expr::value(next.closed_at))
        .col_expr(cases::Column::Version, Expr::value(stored.version + 1))
        .col_expr(cases::Column::UpdatedAt, Expr::value(now));
    if let Some((rating, comment)) = &transition.rating {
        update = update
            .col_expr(cases::Column::Rating, Expr::value(Word(*rating)))
            .col_expr(
                cases::Column::RatingComment,
                Expr::value((!comment.is_empty()).then(|| comment.clone())),
            );
    }
    let result = update
        .filter(cases::Column::Id.eq(stored.id))
        .filter(cases::Column::Version.eq(stored.version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::conflict(
            "case.conflict",
            "the case changed meanwhile; reload it and try again",
        ));
    }
    let (actor_id, actor_role, actor_name) = match actor {
        Some((actor, name)) => (Some(actor.user_id), actor.role.as_str(), name.to_owned()),
        None => (None, "system", "系统".to_owned()),
    };
    for event in &transition.events {
        case_events::ActiveModel {
            case_id: Set(stored.id),
            kind: Set(Word(event.kind)),
            actor_id: Set(actor_id),
            actor_role: Set(actor_role.to_owned()),
            actor_name: Set(actor_name.clone()),
            text: Set(event.text.clone()),
            internal: Set(event.kind.is_internal()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    let updated = cases::Entity::find_by_id(stored.id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("case"))?;
    let kinds: Vec<_> = transition.events.iter().map(|e| e.kind).collect();
    let news = notifications::tell(db, &state.notifier(), &updated, &kinds, actor_id, now).await?;
    Ok((updated, news))
}
