//! Storing a step of a case: the domain's transition, with its events, written only over the
//! version of the case it was decided on, and the closed days of the figures it restates.

use chrono::{DateTime, Utc};
use liaison_domain::case::Transition;
use liaison_domain::stats::resolution_judged;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::events::{self, Author};
use super::figures::rollup;
use crate::entities::{cases, Word};

/// Writes `transition` over `stored` if the case is still at the version read, and appends
/// its events. The case as it now stands; `None`, with nothing written, when another writer
/// changed it first (two deputies accepting at once: one wins).
pub async fn record(
    db: &impl ConnectionTrait,
    stored: &cases::Model,
    transition: &Transition,
    author: Author<'_>,
    now: DateTime<Utc>,
) -> Result<Option<cases::Model>, DbErr> {
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
    if let Some(resolution) = &transition.resolution {
        update = update
            .col_expr(
                cases::Column::Outcome,
                Expr::value(Word(resolution.outcome())),
            )
            .col_expr(
                cases::Column::PlannedOn,
                Expr::value(resolution.planned_on()),
            )
            .col_expr(
                cases::Column::OutcomeReason,
                Expr::value(resolution.reason().map(str::to_owned)),
            );
    }
    let result = update
        .filter(cases::Column::Id.eq(stored.id))
        .filter(cases::Column::Version.eq(stored.version))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(None);
    }
    events::append(db, stored.id, author, &transition.events, now).await?;
    let judged = |closed_at, resolve_by, resolved_at| {
        resolution_judged(closed_at, resolve_by, resolved_at, now)
    };
    rollup::restate(
        db,
        judged(stored.closed_at, stored.resolve_by, stored.resolved_at),
        judged(next.closed_at, next.resolve_by, next.resolved_at),
        now,
    )
    .await?;
    // Read back rather than built here: the database keeps `now` at its own precision.
    let updated = super::find(db, stored.id)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("case {} vanished in its step", stored.id)))?;
    Ok(Some(updated))
}
