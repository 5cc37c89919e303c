//! Deadline marks: the deadlines the watcher found missed, once per deadline's value, and when
//! it sent them on to the county admins. The unique key of a mark and the conditional write of
//! its escalation are what keep two watchers that overlap from acting twice.

use chrono::{DateTime, Utc};
use liaison_domain::case::deadline::Deadline;
use liaison_domain::case::CaseStatus;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef, Set, SqlErr,
};

use super::rules::{column, lapsed};
use crate::entities::{cases, deadline_marks, Word};

/// Up to `limit` cases, oldest first, that missed `deadline` at `now` with no mark for the
/// deadline's current value. The SQL only narrows; `deadline::lapsed` decides.
pub async fn unmarked(
    db: &impl ConnectionTrait,
    deadline: Deadline,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<cases::Model>, DbErr> {
    let marked = Query::select()
        .expr(Expr::val(1))
        .from(deadline_marks::Entity)
        .and_where(
            Expr::col((deadline_marks::Entity, deadline_marks::Column::CaseId))
                .equals((cases::Entity, cases::Column::Id)),
        )
        .and_where(
            Expr::col((deadline_marks::Entity, deadline_marks::Column::Deadline))
                .eq(deadline.as_str()),
        )
        .and_where(
            Expr::col((deadline_marks::Entity, deadline_marks::Column::DueAt))
                .equals((cases::Entity, column(deadline))),
        )
        .to_owned();
    cases::Entity::find()
        .filter(lapsed(deadline, now))
        .filter(Expr::exists(marked).not())
        .order_by_asc(cases::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Up to `limit` marks, oldest first, not escalated yet, of deadlines passed by `cutoff` that
/// their case still misses (the same value, the case in progress, `respond_by` still
/// unanswered). The SQL narrows; `deadline::escalation_due` decides.
pub async fn unescalated(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<deadline_marks::Model>, DbErr> {
    let due_at = || Expr::col((deadline_marks::Entity, deadline_marks::Column::DueAt));
    let of_case: RelationDef = deadline_marks::Entity::belongs_to(cases::Entity)
        .from(deadline_marks::Column::CaseId)
        .to(cases::Column::Id)
        .into();
    deadline_marks::Entity::find()
        .join(JoinType::InnerJoin, of_case)
        .filter(deadline_marks::Column::EscalatedAt.is_null())
        .filter(deadline_marks::Column::DueAt.lte(cutoff))
        .filter(cases::Column::Status.is_in(CaseStatus::in_progress().map(Word)))
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(deadline_marks::Column::Deadline.eq(Deadline::Respond.as_str()))
                        .add(cases::Column::FirstResponseAt.is_null())
                        .add(due_at().equals((cases::Entity, cases::Column::RespondBy))),
                )
                .add(
                    Condition::all()
                        .add(deadline_marks::Column::Deadline.eq(Deadline::Resolve.as_str()))
                        .add(due_at().equals((cases::Entity, cases::Column::ResolveBy))),
                ),
        )
        .order_by_asc(deadline_marks::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// Marks that case `case_id` missed `deadline`, due at `due_at`, as found at `now`. `false`
/// when that deadline already has its mark: another watcher got there first.
pub async fn mark(
    db: &impl ConnectionTrait,
    case_id: i64,
    deadline: Deadline,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let inserted = deadline_marks::Entity::insert(deadline_marks::ActiveModel {
        case_id: Set(case_id),
        deadline: Set(deadline.as_str().to_owned()),
        due_at: Set(due_at),
        overdue_at: Set(now),
        escalated_at: Set(None),
        ..Default::default()
    })
    .exec(db)
    .await;
    match inserted {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(false)
        }
        Err(error) => Err(error),
    }
}

/// Records at `now` that mark `mark_id` was escalated. `false` when it already was: another
/// watcher got there first.
pub async fn escalated(
    db: &impl ConnectionTrait,
    mark_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = deadline_marks::Entity::update_many()
        .col_expr(deadline_marks::Column::EscalatedAt, Expr::value(now))
        .filter(deadline_marks::Column::Id.eq(mark_id))
        .filter(deadline_marks::Column::EscalatedAt.is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}
