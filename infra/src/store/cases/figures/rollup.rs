//! The figures' daily rollup: what each closed day counted, per station, category and channel
//! (`figure_days`, `figure_durations`), so that a county's year is a few hundred thousand small
//! rows added up rather than a million cases and their steps.
//!
//! A leased worker keeps it ([`roll`]): it rolls each day up once the day has been over for
//! [`GRACE`], and rolls again the closed days a step restated since. A closed day's counts are
//! fixed but for the resolution rate, which judges a case again when it is resolved, reopened,
//! given a new deadline or closed (`stats::restated_days`); the step that does so marks the
//! days it restates in its own transaction ([`restate`]). The figures count a restated day
//! from the cases until the worker has rolled it again, so they never read a stale day.
//!
//! Once every day of a month is rolled up, the worker adds the month's durations up per
//! station ([`build_months`]): the medians of whole months are read from a few thousand
//! counts per station rather than one per duration (durations of a closed day never change).
//!
//! The worker counts outside a transaction and writes in a short one (SQLite has one writer).
//! A mark carries a stamp that each restatement raises: the worker clears only the stamp it
//! read before counting, so a step that lands while it counts leaves the day restated.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use liaison_domain::case::{Channel, EventKind, Outcome};
use liaison_domain::clock::{from_local, local_day};
use liaison_domain::stats::{restated_days, Judged, Measure};
use sea_orm::sea_query::{Alias, Condition, Expr, OnConflict, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};

use super::from_cases::{self, Grain, Sql};
use super::{bucket, number, rows, word, Ask, Bucket, Counts, Key};
use crate::db::Backend;
use crate::entities::{
    figure_days, figure_durations, figure_month_durations, figure_months, figure_restated_days,
    figure_rollup, Word,
};
use crate::store::seeding::insert_all;

/// How long after a day ends it is rolled up: longer than any step's transaction, so that
/// none still writing that day's facts commits after the day was counted.
pub const GRACE: Duration = Duration::minutes(10);

/// Days counted at once when the rollup catches up, and restated days rolled again per pass.
const DAYS_PER_PASS: i64 = 31;

/// Months whose durations are built per pass.
const MONTHS_PER_PASS: usize = 12;

/// The one row of `figure_rollup`.
const ROLLUP_ROW: i64 = 1;

/// Days `[first, last]`, both included.
pub type Run = (NaiveDate, NaiveDate);

/// What the rollup answers for in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    /// The runs of days rolled up and not restated since: their counts.
    pub counts: Vec<Run>,
    /// Every day rolled up, restated or not: their durations, which no step changes.
    pub durations: Option<Run>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        self.durations.is_none()
    }
}

/// What the rollup answers for in `[first, last]`.
pub async fn reach(
    db: &impl ConnectionTrait,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Reach, DbErr> {
    let Some(until) = rolled_until(db).await? else {
        return Ok(Reach::default());
    };
    let last = last.min(until - Duration::days(1));
    if last < first {
        return Ok(Reach::default());
    }
    let restated: Vec<NaiveDate> = figure_restated_days::Entity::find()
        .select_only()
        .column(figure_restated_days::Column::Day)
        .filter(figure_restated_days::Column::Day.between(first, last))
        .order_by_asc(figure_restated_days::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Reach {
        counts: runs_between(first, last, &restated),
        durations: Some((first, last)),
    })
}

/// `[first, last]` as runs of days around the `holes` (in order).
fn runs_between(
    first: NaiveDate,
    last: NaiveDate,
    holes: &[NaiveDate],
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs = Vec::new();
    let mut next = first;
    for hole in holes {
        if *hole > next {
            runs.push((next, *hole - Duration::days(1)));
        }
        next = next.max(*hole + Duration::days(1));
    }
    if next <= last {
        runs.push((next, last));
    }
    runs
}

async fn rolled_until(db: &impl ConnectionTrait) -> Result<Option<NaiveDate>, DbErr> {
    Ok(figure_rollup::Entity::find_by_id(ROLLUP_ROW)
        .one(db)
        .await?
        .map(|row| row.rolled_until))
}

/// The counts of the `stations`' cases on the days the rollup `reach`es, keyed as the ask
/// says (never by department or deputy) and bucketed by month if it asks.
pub(super) async fn count(
    db: &impl ConnectionTrait,
    backend: Backend,
    ask: &Ask,
    stations: &[i64],
    reach: &Reach,
) -> Result<HashMap<Bucket, Counts>, DbErr> {
    let key = &ask.key;
    let of = |table: &str, time: &str, within: Condition| {
        let month = match ask.by_month {
            true => month_of(backend, table, time),
            false => "''".to_owned(),
        };
        let mut select = Query::select();
        select
            .expr_as(Expr::cust(from_cases::key_of(key, table)), Alias::new("k"))
            .expr_as(Expr::cust(month), Alias::new("m"))
            .from(Alias::new(table))
            .cond_where(
                Expr::col((Alias::new(table), Alias::new("station_id")))
                    .is_in(stations.iter().copied()),
            )
            .cond_where(within)
            .group_by_col(Alias::new("k"))
            .group_by_col(Alias::new("m"));
        select
    };
    let days_of = |table: &str, runs: &[(NaiveDate, NaiveDate)]| {
        let within = runs.iter().fold(Condition::any(), |any, (first, last)| {
            any.add(Expr::col((Alias::new(table), Alias::new("day"))).between(*first, *last))
        });
        of(table, "day", within)
    };
    let mut buckets: HashMap<Bucket, Counts> = HashMap::new();
    if !reach.counts.is_empty() {
        let mut days = days_of("figure_days", &reach.counts);
        for column in COUNTED {
            days.expr_as(
                Expr::cust(format!(r#"CAST(SUM("figure_days"."{column}") AS BIGINT)"#)),
                Alias::new(*column),
            );
        }
        for row in rows(db, days).await? {
            let mut n = HashMap::new();
            for column in COUNTED {
                n.insert(*column, number(&row, column)?);
            }
            buckets
                .entry(bucket(&row)?)
                .or_default()
                .absorb(&counts_of(&n));
        }
    }
    // The medians of whole months built read their months, the days around them their days.
    let (months, day_runs) = match reach.durations {
        Some((first, last)) if key.by_station() => {
            months_within(&[(first, last)], &built_months(db, first, last).await?)
        }
        Some(run) => (Vec::new(), vec![run]),
        None => (Vec::new(), Vec::new()),
    };
    let mut durations = Vec::new();
    if !day_runs.is_empty() {
        durations.push(days_of("figure_durations", &day_runs));
    }
    if !months.is_empty() {
        let table = "figure_month_durations";
        let within = Condition::all()
            .add(Expr::col((Alias::new(table), Alias::new("month"))).is_in(months.iter().copied()));
        durations.push(of(table, "month", within));
    }
    for mut select in durations {
        select
            .column(Alias::new("measure"))
            .expr_as(Expr::col(Alias::new("hundredths")), Alias::new("h"))
            .expr_as(Expr::cust(r#"CAST(SUM("n") AS BIGINT)"#), Alias::new("n"))
            .group_by_col(Alias::new("measure"))
            .group_by_col(Alias::new("h"));
        for row in rows(db, select).await? {
            let (hundredths, n) = (row.try_get("", "h")?, number(&row, "n")?);
            let counts = buckets.entry(bucket(&row)?).or_default();
            match word::<Measure>(&row, "measure")? {
                Measure::FirstResponse => counts.first_response.add(hundredths, n),
                Measure::Resolution => counts.resolution.add(hundredths, n),
            }
        }
    }
    Ok(buckets)
}

/// The month, `2026-03`, of the date in `table`'s `column`.
fn month_of(backend: Backend, table: &str, column: &str) -> String {
    match backend {
        Backend::Postgres => format!(r#"to_char("{table}"."{column}", 'YYYY-MM')"#),
        Backend::Sqlite => format!(r#"strftime('%Y-%m', "{table}"."{column}")"#),
    }
}

/// The first day of `day`'s month.
fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The first day of the month after `month`'s.
fn next_month(month: NaiveDate) -> NaiveDate {
    first_of_month(first_of_month(month) + Duration::days(32))
}

/// The months of `built` (their first days) that lie wholly inside a run of `runs`, and the
/// runs of days around them.
fn months_within(
    runs: &[(NaiveDate, NaiveDate)],
    built: &HashSet<NaiveDate>,
) -> (Vec<NaiveDate>, Vec<(NaiveDate, NaiveDate)>) {
    let (mut months, mut days) = (Vec::new(), Vec::new());
    for (first, last) in runs {
        let mut next = *first;
        let mut month = first_of_month(*first);
        while month <= *last {
            let end = next_month(month) - Duration::days(1);
            if month >= *first && end <= *last && built.contains(&month) {
                if month > next {
                    days.push((next, month - Duration::days(1)));
                }
                months.push(month);
                next = end + Duration::days(1);
            }
            month = next_month(month);
        }
        if next <= *last {
            days.push((next, *last));
        }
    }
    (months, days)
}

/// The months between `first` and `last` whose durations are built.
async fn built_months(
    db: &impl ConnectionTrait,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<HashSet<NaiveDate>, DbErr> {
    let months: Vec<NaiveDate> = figure_months::Entity::find()
        .select_only()
        .column(figure_months::Column::Month)
        .filter(figure_months::Column::Month.between(first_of_month(first), last))
        .into_tuple()
        .all(db)
        .await?;
    Ok(months.into_iter().collect())
}

/// The columns of `figure_days` that are counts, as [`counts_of`] and [`row_of`] read them.
const COUNTED: &[&str] = &[
    "received",
    "accepted",
    "declined",
    "assigned",
    "resolved",
    "implemented",
    "explained",
    "planned",
    "not_feasible",
    "reopened",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "due_to_respond",
    "answered_in_time",
    "due_to_resolve",
    "resolved_of_due",
];

/// The counts a rollup row's columns (by name) hold.
fn counts_of(n: &HashMap<&str, u64>) -> Counts {
    let at = |column: &str| n.get(column).copied().unwrap_or(0);
    let mut counts = Counts {
        received: at("received"),
        due_to_respond: at("due_to_respond"),
        answered_in_time: at("answered_in_time"),
        due_to_resolve: at("due_to_resolve"),
        resolved_of_due: at("resolved_of_due"),
        ..Counts::default()
    };
    for kind in ROLLED_STEPS {
        counts.steps.insert(*kind, at(kind.as_str()));
    }
    for outcome in Outcome::ALL {
        counts
            .resolved_by_outcome
            .insert(*outcome, at(outcome.as_str()));
    }
    counts.ratings.satisfied = at("satisfied");
    counts.ratings.basically_satisfied = at("basically_satisfied");
    counts.ratings.unsatisfied = at("unsatisfied");
    counts
}

/// The steps a rollup row counts, each in the column of its word.
const ROLLED_STEPS: &[EventKind] = &[
    EventKind::Accepted,
    EventKind::Declined,
    EventKind::Assigned,
    EventKind::Resolved,
    EventKind::Reopened,
];

/// A rollup cell, `station:category:channel` as the cases' statements key it.
fn cell(key: &str) -> Result<(i64, i64, Channel), DbErr> {
    let bad = || DbErr::Custom(format!("{key:?} is no rollup cell"));
    let mut parts = key.splitn(3, ':');
    let mut id =
        || -> Result<i64, DbErr> { parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad) };
    let (station, category) = (id()?, id()?);
    let channel = parts
        .next()
        .and_then(|c| Channel::parse(c).ok())
        .ok_or_else(bad)?;
    Ok((station, category, channel))
}

/// A day's row of `counts` for a cell.
fn row_of(
    day: NaiveDate,
    (station, category, channel): (i64, i64, Channel),
    counts: &Counts,
) -> figure_days::ActiveModel {
    let n = |n: u64| Set(i64::try_from(n).unwrap_or(i64::MAX));
    figure_days::ActiveModel {
        day: Set(day),
        station_id: Set(station),
        category_id: Set(category),
        channel: Set(Word(channel)),
        received: n(counts.received),
        accepted: n(counts.step(EventKind::Accepted)),
        declined: n(counts.step(EventKind::Declined)),
        assigned: n(counts.step(EventKind::Assigned)),
        resolved: n(counts.step(EventKind::Resolved)),
        implemented: n(counts.outcome(Outcome::Implemented)),
        explained: n(counts.outcome(Outcome::Explained)),
        planned: n(counts.outcome(Outcome::Planned)),
        not_feasible: n(counts.outcome(Outcome::NotFeasible)),
        reopened: n(counts.step(EventKind::Reopened)),
        satisfied: n(counts.ratings.satisfied),
        basically_satisfied: n(counts.ratings.basically_satisfied),
        unsatisfied: n(counts.ratings.unsatisfied),
        due_to_respond: n(counts.due_to_respond),
        answered_in_time: n(counts.answered_in_time),
        due_to_resolve: n(counts.due_to_resolve),
        resolved_of_due: n(counts.resolved_of_due),
    }
}

/// Marks the closed days whose figures a step of a case restates, judged before and after it
/// at `now` (`stats::restated_days`); nothing when it restates none, as a step on a case
/// raised today does.
pub async fn restate(
    db: &impl ConnectionTrait,
    before: Option<Judged>,
    after: Option<Judged>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let days = restated_days(before, after, local_day(now));
    if days.is_empty() {
        return Ok(());
    }
    let table = Alias::new("figure_restated_days");
    let stamp = Alias::new("stamp");
    let mut insert = Query::insert();
    insert
        .into_table(table.clone())
        .columns([Alias::new("day"), stamp.clone()]);
    for day in days {
        insert
            .values([day.into(), 1.into()])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    insert.on_conflict(
        OnConflict::column(Alias::new("day"))
            .value(stamp.clone(), Expr::col((table, stamp)).add(1))
            .to_owned(),
    );
    db.execute(db.get_database_backend().build(&insert)).await?;
    Ok(())
}

/// What one pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rolled {
    /// Days rolled up for the first time.
    pub new: i64,
    /// Restated days rolled up again.
    pub again: usize,
    /// Months whose durations were built.
    pub months: usize,
}

/// One pass of the worker at `now`: rolls up again the restated days it finds (a bounded
/// number), then up to [`DAYS_PER_PASS`] days not rolled up yet, from the first case's day
/// to the last day over for [`GRACE`]. Call it again while it rolls anything.
pub async fn roll<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Rolled, DbErr> {
    let closed_until = local_day(now - GRACE);
    // Read before counting: a restatement that lands meanwhile raises a stamp and stays.
    let restated = figure_restated_days::Entity::find()
        .order_by_asc(figure_restated_days::Column::Day)
        .all(db)
        .await?;
    let start = match rolled_until(db).await? {
        Some(until) => Some(until),
        None => first_day(db).await?,
    };
    let mut rolled = Rolled::default();
    let mut again = restated
        .iter()
        .filter(|mark| start.is_some_and(|until| mark.day < until))
        .take(usize::try_from(DAYS_PER_PASS).unwrap_or(usize::MAX));
    for mark in again.by_ref() {
        write(
            db,
            mark.day,
            mark.day + Duration::days(1),
            now,
            &[mark],
            None,
        )
        .await?;
        rolled.again += 1;
    }
    let Some(start) = start else {
        return Ok(rolled);
    };
    let end = closed_until.min(start + Duration::days(DAYS_PER_PASS));
    if start < end {
        // Marks on days not rolled up yet are settled by rolling them up.
        let settled: Vec<&figure_restated_days::Model> = restated
            .iter()
            .filter(|mark| start <= mark.day && mark.day < end)
            .collect();
        write(db, start, end, now, &settled, Some(end)).await?;
        rolled.new = (end - start).num_days();
    }
    rolled.months = build_months(db).await?;
    Ok(rolled)
}

/// Builds the durations of the months not built yet whose every day is rolled up, oldest
/// first, [`MONTHS_PER_PASS`] at most: a month's daily rows added up per station, read
/// outside a transaction and written in a short one. A closed day's durations never change
/// (restating a day changes only who is judged for the resolution rate), so a built month
/// stands until the rollup is forgotten.
async fn build_months<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<usize, DbErr> {
    let (Some(until), Some(first)) = (rolled_until(db).await?, first_day(db).await?) else {
        return Ok(0);
    };
    let built: HashSet<NaiveDate> = figure_months::Entity::find()
        .select_only()
        .column(figure_months::Column::Month)
        .into_tuple::<NaiveDate>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut month = first_of_month(first);
    let mut done = 0;
    while next_month(month) <= until && done < MONTHS_PER_PASS {
        if !built.contains(&month) {
            build_month(db, month).await?;
            done += 1;
        }
        month = next_month(month);
    }
    Ok(done)
}

async fn build_month<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    month: NaiveDate,
) -> Result<(), DbErr> {
    let table = Alias::new("figure_durations");
    let mut select = Query::select();
    select
        .columns([
            figure_durations::Column::StationId,
            figure_durations::Column::Measure,
            figure_durations::Column::Hundredths,
        ])
        .expr_as(Expr::cust(r#"CAST(SUM("n") AS BIGINT)"#), Alias::new("n"))
        .from(table)
        .and_where(
            figure_durations::Column::Day.between(month, next_month(month) - Duration::days(1)),
        )
        .group_by_col(figure_durations::Column::StationId)
        .group_by_col(figure_durations::Column::Measure)
        .group_by_col(figure_durations::Column::Hundredths);
    let mut counted = Vec::new();
    for row in rows(db, select).await? {
        counted.push(figure_month_durations::ActiveModel {
            month: Set(month),
            station_id: Set(row.try_get("", "station_id")?),
            measure: Set(Word(word::<Measure>(&row, "measure")?)),
            hundredths: Set(row.try_get("", "hundredths")?),
            n: Set(i64::try_from(number(&row, "n")?).unwrap_or(i64::MAX)),
        });
    }
    let txn = db.begin().await?;
    figure_month_durations::Entity::delete_many()
        .filter(figure_month_durations::Column::Month.eq(month))
        .exec(&txn)
        .await?;
    insert_all(&txn, counted).await?;
    figure_months::Entity::insert(figure_months::ActiveModel { month: Set(month) })
        .exec_without_returning(&txn)
        .await?;
    txn.commit().await
}

/// Forgets the rollup, which the worker then builds again from the first case: for cases
/// written around the steps (the seeder's, a repair by hand).
pub async fn forget<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    figure_rollup::Entity::delete_many().exec(&txn).await?;
    figure_restated_days::Entity::delete_many()
        .exec(&txn)
        .await?;
    figure_months::Entity::delete_many().exec(&txn).await?;
    figure_month_durations::Entity::delete_many()
        .exec(&txn)
        .await?;
    figure_durations::Entity::delete_many().exec(&txn).await?;
    figure_days::Entity::delete_many().exec(&txn).await?;
    txn.commit().await
}

/// The day the first case was raised on, where the rollup starts.
async fn first_day(db: &impl ConnectionTrait) -> Result<Option<NaiveDate>, DbErr> {
    use crate::entities::cases;
    let first: Option<Option<DateTime<Utc>>> = cases::Entity::find()
        .select_only()
        .column_as(cases::Column::CreatedAt.min(), "first")
        .into_tuple()
        .one(db)
        .await?;
    Ok(first.flatten().map(local_day))
}

/// Counts the days `[first, end)` from the cases and writes them over what the rollup held,
/// clearing the restatements `settled` whose stamps are unchanged, and moving the rollup's
/// reach to `reach` if given.
async fn write<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    first: NaiveDate,
    end: NaiveDate,
    now: DateTime<Utc>,
    settled: &[&figure_restated_days::Model],
    reach: Option<NaiveDate>,
) -> Result<(), DbErr> {
    let start = |day: NaiveDate| from_local(day.and_time(chrono::NaiveTime::MIN));
    let ask = Ask {
        within: Condition::all(),
        reception_stations: Vec::new(),
        deputy: None,
        rolled_stations: None,
        key: Key::All,
        by_month: false,
        from: start(first),
        to: start(end),
        now,
    };
    let spans = [(ask.from, ask.to)];
    let sql = Sql {
        backend: Backend::of_connection(db),
        ask: &ask,
        spans: &spans,
        duration_spans: &spans,
        grain: Grain::Cell,
    };
    let cells = from_cases::count_cases(db, &sql).await?;
    let mut days = Vec::new();
    let mut durations = Vec::new();
    for ((key, day), counts) in &cells {
        let key = key.as_deref().unwrap_or_default();
        let (station, category, channel) = cell(key)?;
        let day: NaiveDate = day
            .parse()
            .map_err(|_| DbErr::Custom(format!("{day:?} is no day")))?;
        days.push(row_of(day, (station, category, channel), counts));
        for (measure, of) in [
            (Measure::FirstResponse, &counts.first_response),
            (Measure::Resolution, &counts.resolution),
        ] {
            for (hundredths, n) in of.iter() {
                durations.push(figure_durations::ActiveModel {
                    day: Set(day),
                    station_id: Set(station),
                    category_id: Set(category),
                    channel: Set(Word(channel)),
                    measure: Set(Word(measure)),
                    hundredths: Set(hundredths),
                    n: Set(i64::try_from(n).unwrap_or(i64::MAX)),
                });
            }
        }
    }
    let txn = db.begin().await?;
    let last = end - Duration::days(1);
    figure_days::Entity::delete_many()
        .filter(figure_days::Column::Day.between(first, last))
        .exec(&txn)
        .await?;
    figure_durations::Entity::delete_many()
        .filter(figure_durations::Column::Day.between(first, last))
        .exec(&txn)
        .await?;
    insert_all(&txn, days).await?;
    insert_all(&txn, durations).await?;
    for mark in settled {
        figure_restated_days::Entity::delete_many()
            .filter(figure_restated_days::Column::Day.eq(mark.day))
            .filter(figure_restated_days::Column::Stamp.eq(mark.stamp))
            .exec(&txn)
            .await?;
    }
    if let Some(until) = reach {
        let row = figure_rollup::ActiveModel {
            id: Set(ROLLUP_ROW),
            rolled_until: Set(until),
        };
        figure_rollup::Entity::insert(row)
            .on_conflict(
                OnConflict::column(figure_rollup::Column::Id)
                    .update_column(figure_rollup::Column::RolledUntil)
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn the_rollup_answers_for_the_runs_between_restated_days() {
        let (first, last) = (day("2025-03-01"), day("2025-03-31"));
        assert_eq!(runs_between(first, last, &[]), [(first, last)]);
        assert_eq!(
            runs_between(
                first,
                last,
                &[first, day("2025-03-10"), day("2025-03-11"), last]
            ),
            [
                (day("2025-03-02"), day("2025-03-09")),
                (day("2025-03-12"), day("2025-03-30")),
            ]
        );
    }

    #[test]
    fn whole_months_built_are_read_as_months_and_the_days_around_them_as_days() {
        let built: HashSet<NaiveDate> = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-12-01"]
            .into_iter()
            .map(day)
            .collect();
        // A year: every month built is read whole, the rest day by day.
        let year = [(day("2025-01-01"), day("2025-12-31"))];
        assert_eq!(
            months_within(&year, &built),
            (
                vec![
                    day("2025-01-01"),
                    day("2025-02-01"),
                    day("2025-03-01"),
                    day("2025-12-01")
                ],
                vec![(day("2025-04-01"), day("2025-11-30"))]
            )
        );
        // A month cut by a restated day, or by the period, is read day by day.
        let cut = [
            (day("2025-01-10"), day("2025-02-14")),
            (day("2025-02-16"), day("2025-04-02")),
        ];
        assert_eq!(
            months_within(&cut, &built),
            (
                vec![day("2025-03-01")],
                vec![
                    (day("2025-01-10"), day("2025-02-14")),
                    (day("2025-02-16"), day("2025-02-28")),
                    (day("2025-04-01"), day("2025-04-02")),
                ]
            )
        );
        assert_eq!(next_month(day("2025-01-31")), day("2025-02-01"));
        assert_eq!(next_month(day("2025-12-01")), day("2026-01-01"));
    }

    #[test]
    fn a_cell_is_read_back_as_the_cases_statements_key_it() {
        assert_eq!(cell("3:12:walk_in").unwrap(), (3, 12, Channel::WalkIn));
        assert!(cell("3:12").is_err());
        assert!(cell("3:x:walk_in").is_err());
        assert!(cell("3:12:fax").is_err());
    }
}
