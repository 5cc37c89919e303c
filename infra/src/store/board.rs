//! The public board (公示) of a station, a read model: its figures per month, the results its
//! residents agreed to publish, and its deputies' public work summary. Nothing here selects a
//! column that could point to a resident (no resident, phone, visitor's name or location).

use chrono::{DateTime, Utc};
use liaison_domain::case::satisfaction::Ratings;
use liaison_domain::case::{CaseStatus, EventKind, Outcome, Rating};
use liaison_domain::deputy::{DeputyLevel, DeputyStatus};
use sea_orm::sea_query::{
    Alias, CaseStatement, Condition, Expr, Order, Query, SelectStatement, SimpleExpr,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, FromQueryResult, StatementBuilder};

use crate::entities::{
    case_events, cases, deputies, deputy_stations, duty_shifts, reception_deputies, receptions,
    shift_check_ins, users, Word,
};

/// The most published results a board shows.
pub const PUBLISHED: u64 = 20;

/// The figures of one month of the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Month {
    /// Cases raised at the station.
    pub received: u64,
    /// Cases whose `resolved_at` falls in the month.
    pub resolved: u64,
    /// The ratings given in the month: an unsatisfied one that sent a case back among them,
    /// which the case's own `rating` would lose at the next round.
    pub ratings: Ratings,
}

/// A resolved case its resident agreed to publish, as the board shows it.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct Published {
    pub number: String,
    pub title: String,
    pub outcome: Option<Word<Outcome>>,
    /// The text of the case's last `resolved` event.
    pub summary: Option<String>,
    pub resolved_at: DateTime<Utc>,
}

/// A serving deputy of the station with the counts, in the period and at the station, that
/// the five registers (五簿: reception, performance, activity...) will be built from once they
/// exist: receptions attended, cases accepted, duty shifts checked in for (on time or late).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct DeputyWork {
    pub id: i64,
    pub name: String,
    pub level: Word<DeputyLevel>,
    pub receptions: i64,
    pub accepted: i64,
    pub shifts: i64,
}

/// The figures per month of the station, month `i` covering `[bounds[i], bounds[i + 1])`
/// (`Period::month_bounds`): two statements, each counting with GROUP BY over the bucket a
/// timestamp falls in.
pub async fn months(
    db: &impl ConnectionTrait,
    station_id: i64,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<Month>, DbErr> {
    let mut months = vec![Month::default(); bounds.len().saturating_sub(1)];
    let (Some(&from), Some(&to)) = (bounds.first(), bounds.last()) else {
        return Ok(months);
    };

    #[derive(FromQueryResult)]
    struct Flow {
        received_in: Option<i32>,
        resolved_in: Option<i32>,
        n: i64,
    }
    let created = || Expr::col((cases::Entity, cases::Column::CreatedAt));
    let resolved = || Expr::col((cases::Entity, cases::Column::ResolvedAt));
    let flows = Query::select()
        .expr_as(bucket(created, bounds), Alias::new("received_in"))
        .expr_as(bucket(resolved, bounds), Alias::new("resolved_in"))
        .expr_as(Expr::col(cases::Column::Id).count(), Alias::new("n"))
        .from(cases::Entity)
        .and_where(cases::Column::StationId.eq(station_id))
        .cond_where(
            Condition::any()
                .add(within(created, from, to))
                .add(within(resolved, from, to)),
        )
        .group_by_col(Alias::new("received_in"))
        .group_by_col(Alias::new("resolved_in"))
        .to_owned();
    for flow in Flow::find_by_statement(build(db, &flows)).all(db).await? {
        let n = u64::try_from(flow.n).unwrap_or(0);
        if let Some(month) = flow.received_in.and_then(|i| at(&mut months, i)) {
            month.received += n;
        }
        if let Some(month) = flow.resolved_in.and_then(|i| at(&mut months, i)) {
            month.resolved += n;
        }
    }

    #[derive(FromQueryResult)]
    struct Given {
        rated_in: Option<i32>,
        given: Option<String>,
        n: i64,
    }
    let rated = || Expr::col((case_events::Entity, case_events::Column::CreatedAt));
    let given = Query::select()
        .expr_as(bucket(rated, bounds), Alias::new("rated_in"))
        .expr_as(
            Expr::col((case_events::Entity, case_events::Column::Text)),
            Alias::new("given"),
        )
        .expr_as(
            Expr::col((case_events::Entity, case_events::Column::Id)).count(),
            Alias::new("n"),
        )
        .from(case_events::Entity)
        .inner_join(
            cases::Entity,
            Expr::col((cases::Entity, cases::Column::Id))
                .equals((case_events::Entity, case_events::Column::CaseId)),
        )
        .and_where(Expr::col((cases::Entity, cases::Column::StationId)).eq(station_id))
        .and_where(
            Expr::col((case_events::Entity, case_events::Column::Kind)).eq(Word(EventKind::Rated)),
        )
        .cond_where(within(rated, from, to))
        .group_by_col(Alias::new("rated_in"))
        .group_by_col((case_events::Entity, case_events::Column::Text))
        .to_owned();
    for row in Given::find_by_statement(build(db, &given)).all(db).await? {
        // A rated event's text is the rating's word (`case::machine`).
        let rating = row.given.as_deref().and_then(|w| Rating::parse(w).ok());
        let month = row.rated_in.and_then(|i| at(&mut months, i));
        if let (Some(rating), Some(month)) = (rating, month) {
            month.ratings.add(rating, u64::try_from(row.n).unwrap_or(0));
        }
    }
    Ok(months)
}

/// The newest results resolved in `[from, to)` at the station that their residents agreed to
/// publish, at most `PUBLISHED`: resolved, or closed after the resolution. A case moderation
/// flagged for a human look stays off the board, its texts unchecked.
pub async fn published(
    db: &impl ConnectionTrait,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Published>, DbErr> {
    let resolved = || Expr::col((cases::Entity, cases::Column::ResolvedAt));
    let summary = Query::select()
        .column((case_events::Entity, case_events::Column::Text))
        .from(case_events::Entity)
        .and_where(
            Expr::col((case_events::Entity, case_events::Column::CaseId))
                .equals((cases::Entity, cases::Column::Id)),
        )
        .and_where(
            Expr::col((case_events::Entity, case_events::Column::Kind))
                .eq(Word(EventKind::Resolved)),
        )
        .order_by((case_events::Entity, case_events::Column::Id), Order::Desc)
        .limit(1)
        .to_owned();
    let query = Query::select()
        .columns([
            (cases::Entity, cases::Column::Number),
            (cases::Entity, cases::Column::Title),
            (cases::Entity, cases::Column::Outcome),
            (cases::Entity, cases::Column::ResolvedAt),
        ])
        .expr_as(sub_query(summary), Alias::new("summary"))
        .from(cases::Entity)
        .and_where(cases::Column::StationId.eq(station_id))
        .and_where(cases::Column::Publishable.eq(true))
        .and_where(cases::Column::Flagged.eq(false))
        .and_where(
            cases::Column::Status.is_in([Word(CaseStatus::Resolved), Word(CaseStatus::Closed)]),
        )
        .cond_where(within(resolved, from, to))
        .order_by((cases::Entity, cases::Column::ResolvedAt), Order::Desc)
        .order_by((cases::Entity, cases::Column::Id), Order::Desc)
        .limit(PUBLISHED)
        .to_owned();
    Published::find_by_statement(build(db, &query))
        .all(db)
        .await
}

/// The deputies who sit at the station and serve, in id order, each with their counts at the
/// station in `[from, to)`: one statement, a counting subquery per count.
pub async fn deputies_work(
    db: &impl ConnectionTrait,
    station_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<DeputyWork>, DbErr> {
    let deputy = || Expr::col((deputies::Entity, deputies::Column::Id));
    let held_at = || Expr::col((receptions::Entity, receptions::Column::HeldAt));
    let attended = Query::select()
        .expr(
            Expr::col((
                reception_deputies::Entity,
                reception_deputies::Column::ReceptionId,
            ))
            .count(),
        )
        .from(reception_deputies::Entity)
        .inner_join(
            receptions::Entity,
            Expr::col((receptions::Entity, receptions::Column::Id)).equals((
                reception_deputies::Entity,
                reception_deputies::Column::ReceptionId,
            )),
        )
        .and_where(
            Expr::col((
                reception_deputies::Entity,
                reception_deputies::Column::DeputyId,
            ))
            .eq(deputy()),
        )
        .and_where(Expr::col((receptions::Entity, receptions::Column::StationId)).eq(station_id))
        .cond_where(within(held_at, from, to))
        .to_owned();
    // A case event names the account that acted (`actor_id`), a deputy's through its user.
    let accepted_at = || Expr::col((case_events::Entity, case_events::Column::CreatedAt));
    let accepted = Query::select()
        .expr(Expr::col((case_events::Entity, case_events::Column::Id)).count())
        .from(case_events::Entity)
        .inner_join(
            users::Entity,
            Expr::col((users::Entity, users::Column::Id))
                .equals((case_events::Entity, case_events::Column::ActorId)),
        )
        .inner_join(
            cases::Entity,
            Expr::col((cases::Entity, cases::Column::Id))
                .equals((case_events::Entity, case_events::Column::CaseId)),
        )
        .and_where(Expr::col((users::Entity, users::Column::DeputyId)).eq(deputy()))
        .and_where(Expr::col((cases::Entity, cases::Column::StationId)).eq(station_id))
        .and_where(
            Expr::col((case_events::Entity, case_events::Column::Kind))
                .eq(Word(EventKind::Accepted)),
        )
        .cond_where(within(accepted_at, from, to))
        .to_owned();
    let starts_at = || Expr::col((duty_shifts::Entity, duty_shifts::Column::StartsAt));
    let shifts = Query::select()
        .expr(Expr::col((shift_check_ins::Entity, shift_check_ins::Column::ShiftId)).count())
        .from(shift_check_ins::Entity)
        .inner_join(
            duty_shifts::Entity,
            Expr::col((duty_shifts::Entity, duty_shifts::Column::Id))
                .equals((shift_check_ins::Entity, shift_check_ins::Column::ShiftId)),
        )
        .and_where(
            Expr::col((shift_check_ins::Entity, shift_check_ins::Column::DeputyId)).eq(deputy()),
        )
        .and_where(Expr::col((duty_shifts::Entity, duty_shifts::Column::StationId)).eq(station_id))
        .cond_where(within(starts_at, from, to))
        .to_owned();
    let sitting = Query::select()
        .column(deputy_stations::Column::DeputyId)
        .from(deputy_stations::Entity)
        .and_where(deputy_stations::Column::StationId.eq(station_id))
        .to_owned();
    let query = Query::select()
        .columns([
            (deputies::Entity, deputies::Column::Id),
            (deputies::Entity, deputies::Column::Name),
            (deputies::Entity, deputies::Column::Level),
        ])
        .expr_as(sub_query(attended), Alias::new("receptions"))
        .expr_as(sub_query(accepted), Alias::new("accepted"))
        .expr_as(sub_query(shifts), Alias::new("shifts"))
        .from(deputies::Entity)
        .and_where(deputy().in_subquery(sitting))
        .and_where(
            Expr::col((deputies::Entity, deputies::Column::Status))
                .is_in(DeputyStatus::serving().map(Word)),
        )
        .order_by((deputies::Entity, deputies::Column::Id), Order::Asc)
        .to_owned();
    DeputyWork::find_by_statement(build(db, &query))
        .all(db)
        .await
}

/// Which month of `bounds` the timestamp falls in, as its index; NULL outside the period.
fn bucket(at: impl Fn() -> Expr, bounds: &[DateTime<Utc>]) -> SimpleExpr {
    let mut case = CaseStatement::new();
    for (i, pair) in bounds.windows(2).enumerate() {
        let index = i32::try_from(i).unwrap_or(i32::MAX);
        case = case.case(within(&at, pair[0], pair[1]), Expr::val(index));
    }
    case.into()
}

fn within(at: impl Fn() -> Expr, from: DateTime<Utc>, to: DateTime<Utc>) -> Condition {
    Condition::all().add(at().gte(from)).add(at().lt(to))
}

fn at(months: &mut [Month], index: i32) -> Option<&mut Month> {
    usize::try_from(index).ok().and_then(|i| months.get_mut(i))
}

fn sub_query(select: SelectStatement) -> SimpleExpr {
    SimpleExpr::SubQuery(None, Box::new(select.into_sub_query_statement()))
}

fn build(db: &impl ConnectionTrait, query: &impl StatementBuilder) -> sea_orm::Statement {
    query.build(&db.get_database_backend())
}
