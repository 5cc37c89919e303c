//! The counts of the cases themselves: a few grouped statements over the cases an actor
//! oversees, their steps in the spans of days asked, and the standing (overdue now) and
//! receptions of the whole period. The worker that keeps the daily rollup counts closed days
//! with the same statements, keyed by the rollup's cells and bucketed by day.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::case::{EventKind, Outcome, Rating};
use liaison_domain::stats::HUNDREDTH_OF_HOUR_SECS;
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr};

use super::{bucket, number, optional_word, rows, word, Ask, Bucket, Counts, Key};
use crate::db::Backend;
use crate::entities::{case_events, cases, reception_deputies, receptions};
use crate::store::cases::rules::overdue;

/// The counts of the cases' facts in the spans asked: raised, steps, deadlines judged and
/// times measured.
pub(super) async fn count_cases(
    db: &impl ConnectionTrait,
    sql: &Sql<'_>,
) -> Result<HashMap<Bucket, Counts>, DbErr> {
    let mut buckets: HashMap<Bucket, Counts> = HashMap::new();
    if !sql.duration_spans.is_empty() {
        for row in rows(db, sql.first_responses()).await? {
            let (hundredths, n) = (row.try_get("", "h")?, number(&row, "n")?);
            let counts = buckets.entry(bucket(&row)?).or_default();
            counts.first_response.add(hundredths, n);
        }
        for row in rows(db, sql.resolutions()).await? {
            let (hundredths, n) = (row.try_get("", "h")?, number(&row, "n")?);
            let counts = buckets.entry(bucket(&row)?).or_default();
            counts.resolution.add(hundredths, n);
        }
    }
    if sql.spans.is_empty() {
        return Ok(buckets);
    }
    for row in rows(db, sql.received()).await? {
        buckets.entry(bucket(&row)?).or_default().received += number(&row, "n")?;
    }
    for row in rows(db, sql.steps()).await? {
        let counts = buckets.entry(bucket(&row)?).or_default();
        let n = number(&row, "n")?;
        let kind = word::<EventKind>(&row, "step_kind")?;
        *counts.steps.entry(kind).or_default() += n;
        if let Some(outcome) = optional_word::<Outcome>(&row, "step_outcome")? {
            *counts.resolved_by_outcome.entry(outcome).or_default() += n;
        }
        if kind == EventKind::Rated {
            if let Some(rating) = optional_word::<Rating>(&row, "step_rating")? {
                counts.ratings.add(rating, n);
            }
        }
    }
    for row in rows(db, sql.due_to_respond()).await? {
        let counts = buckets.entry(bucket(&row)?).or_default();
        counts.due_to_respond += number(&row, "n")?;
        counts.answered_in_time += number(&row, "kept")?;
    }
    for row in rows(db, sql.due_to_resolve()).await? {
        let counts = buckets.entry(bucket(&row)?).or_default();
        counts.due_to_resolve += number(&row, "n")?;
        counts.resolved_of_due += number(&row, "kept")?;
    }
    Ok(buckets)
}

/// Adds what is counted over the whole period whatever the rollup holds: the cases overdue
/// now, and the receptions held.
pub(super) async fn count_standing(
    db: &impl ConnectionTrait,
    sql: &Sql<'_>,
    buckets: &mut HashMap<Bucket, Counts>,
) -> Result<(), DbErr> {
    for row in rows(db, sql.overdue()).await? {
        buckets.entry(bucket(&row)?).or_default().overdue += number(&row, "n")?;
    }
    if let Some(receptions) = sql.receptions() {
        for row in rows(db, receptions).await? {
            let counts = buckets.entry(bucket(&row)?).or_default();
            *counts.receptions.get_or_insert(0) += number(&row, "n")?;
            *counts.visitors.get_or_insert(0) += number(&row, "visitors")?;
        }
    }
    Ok(())
}

/// How the cases' counts are keyed and bucketed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grain {
    /// Keyed as the ask says, bucketed by month.
    Month,
    /// Keyed by station, category and channel (`station:category:channel`), bucketed by day
    /// (`2026-03-10`): the rollup's rows.
    Cell,
}

/// The township (as text) of the station in `station`, from the caller's map: a CASE over the
/// county's stations, none for a station in no township.
pub(super) fn township(map: &HashMap<i64, i64>, station: &str) -> String {
    if map.is_empty() {
        return "NULL".to_owned();
    }
    let mut arms: Vec<String> = map
        .iter()
        .map(|(station, township)| format!("WHEN {station} THEN '{township}'"))
        .collect();
    arms.sort();
    format!("CASE {station} {} END", arms.join(" "))
}

/// The statements, in the backend's dialect where times are computed.
pub(super) struct Sql<'a> {
    pub backend: Backend,
    pub ask: &'a Ask,
    /// The instants whose facts are counted here, `[from, to)` each.
    pub spans: &'a [(DateTime<Utc>, DateTime<Utc>)],
    /// The instants whose durations are counted here: the rollup holds a restated day's
    /// durations, which no step changes, so these are `spans` but for the restated days.
    pub duration_spans: &'a [(DateTime<Utc>, DateTime<Utc>)],
    pub grain: Grain,
}

/// `column` in one of `spans`.
fn in_spans(spans: &[(DateTime<Utc>, DateTime<Utc>)], column: &str) -> Condition {
    spans.iter().fold(Condition::any(), |any, (from, to)| {
        any.add(between(column, *from, *to))
    })
}

/// The group's key of a row of `table` (the cases or the rollup's), as text.
pub(super) fn key_of(key: &Key, table: &str) -> String {
    let text = |column: &str| format!(r#"CAST("{table}"."{column}" AS TEXT)"#);
    match key {
        Key::All => "''".to_owned(),
        Key::Station => text("station_id"),
        Key::Township(map) => township(map, &format!(r#""{table}"."station_id""#)),
        Key::Category => text("category_id"),
        Key::Department => text("department_id"),
        Key::Deputy => text("assignee_id"),
        Key::Channel => format!(r#""{table}"."channel""#),
    }
}

impl Sql<'_> {
    /// The group's key of a case, as text.
    fn key(&self) -> String {
        match self.grain {
            Grain::Month => key_of(&self.ask.key, "cases"),
            Grain::Cell => r#"CAST("cases"."station_id" AS TEXT) || ':' || CAST("cases"."category_id" AS TEXT) || ':' || "cases"."channel""#.to_owned(),
        }
    }

    /// The month (or, for the rollup, the day) `column` falls in on the county's clock
    /// (UTC+8), `2026-03`.
    fn month(&self, column: &str) -> String {
        let (postgres, sqlite) = match self.grain {
            Grain::Month if !self.ask.by_month => return "''".to_owned(),
            Grain::Month => ("YYYY-MM", "%Y-%m"),
            Grain::Cell => ("YYYY-MM-DD", "%Y-%m-%d"),
        };
        match self.backend {
            Backend::Postgres => {
                format!("to_char(({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours', '{postgres}')")
            }
            Backend::Sqlite => format!("strftime('{sqlite}', {column}, '+8 hours')"),
        }
    }

    /// The hundredths of an hour from `earlier` to `later`, to the nearest
    /// (`stats::hundredths`; durations are never negative, so SQLite's truncating cast floors).
    fn hundredths(&self, later: &str, earlier: &str) -> String {
        let unit = HUNDREDTH_OF_HOUR_SECS;
        let half = unit / 2.0;
        match self.backend {
            Backend::Postgres => format!(
                "CAST(FLOOR((EXTRACT(EPOCH FROM ({later} - {earlier})) + {half:.1}) / {unit:.1}) AS BIGINT)"
            ),
            Backend::Sqlite => format!(
                "CAST(((julianday({later}) - julianday({earlier})) * 86400.0 + {half:.1}) / {unit:.1} AS INTEGER)"
            ),
        }
    }

    /// Durations from raising to `at`, counted by hundredth of an hour per bucket.
    fn durations(&self, mut select: SelectStatement, at: &str) -> SelectStatement {
        select
            .expr_as(
                Expr::cust(self.hundredths(at, r#""cases"."created_at""#)),
                Alias::new("h"),
            )
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"));
        Self::grouped(select, &["h"])
    }

    /// `column` in one of the spans counted here.
    fn in_period(&self, column: &str) -> Condition {
        in_spans(self.spans, column)
    }

    /// The cases asked about, keyed and bucketed by the month of `column`.
    fn cases(&self, month_of: &str) -> SelectStatement {
        let mut select = Query::select();
        select
            .expr_as(Expr::cust(self.key()), Alias::new("k"))
            .expr_as(Expr::cust(self.month(month_of)), Alias::new("m"))
            .from(cases::Entity)
            .cond_where(self.ask.within.clone());
        select
    }

    fn grouped(mut select: SelectStatement, extra: &[&str]) -> SelectStatement {
        select
            .group_by_col(Alias::new("k"))
            .group_by_col(Alias::new("m"));
        for column in extra {
            select.group_by_col(Alias::new(*column));
        }
        select
    }

    fn received(&self) -> SelectStatement {
        let mut select = self.cases(r#""cases"."created_at""#);
        select
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .cond_where(self.in_period(r#""cases"."created_at""#));
        Self::grouped(select, &[])
    }

    /// The steps counted, with a resolution's outcome and a rating's word.
    fn steps(&self) -> SelectStatement {
        let at = r#""case_events"."created_at""#;
        let mut select = self.cases(at);
        let counted = [
            EventKind::Accepted,
            EventKind::Declined,
            EventKind::Assigned,
            EventKind::Resolved,
            EventKind::Reopened,
            EventKind::Rated,
        ]
        .map(|k| format!("'{}'", k.as_str()))
        .join(", ");
        select
            .expr_as(
                Expr::cust(r#""case_events"."kind""#),
                Alias::new("step_kind"),
            )
            .expr_as(
                Expr::cust(r#""case_events"."outcome""#),
                Alias::new("step_outcome"),
            )
            .expr_as(
                Expr::cust(
                    r#"CASE WHEN "case_events"."kind" = 'rated' THEN "case_events"."text" END"#,
                ),
                Alias::new("step_rating"),
            )
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .inner_join(
                case_events::Entity,
                Expr::col((case_events::Entity, case_events::Column::CaseId))
                    .equals((cases::Entity, cases::Column::Id)),
            )
            .cond_where(Expr::cust(format!(
                r#""case_events"."kind" IN ({counted})"#
            )))
            .cond_where(self.in_period(at));
        Self::grouped(select, &["step_kind", "step_outcome", "step_rating"])
    }

    fn overdue(&self) -> SelectStatement {
        let mut select = Query::select();
        // Overdue is a standing, not a step: it belongs to no month.
        select
            .expr_as(Expr::cust(self.key()), Alias::new("k"))
            .expr_as(Expr::cust("''"), Alias::new("m"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from(cases::Entity)
            .cond_where(self.ask.within.clone())
            .cond_where(overdue(self.ask.now));
        Self::grouped(select, &[])
    }

    /// A deadline to judge: in the period, and come by now or met already (a deadline still
    /// ahead is nobody's failure yet).
    fn judged(&self, deadline: &str, met: &str) -> Condition {
        Condition::all().add(self.in_period(deadline)).add(
            Condition::any()
                .add(Expr::expr(Expr::cust(deadline.to_owned())).lt(self.ask.now))
                .add(Expr::expr(Expr::cust(met.to_owned())).is_not_null()),
        )
    }

    fn due_to_respond(&self) -> SelectStatement {
        let due = r#""cases"."respond_by""#;
        let mut select = self.cases(due);
        select
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(
                Expr::cust(
                    r#"CAST(SUM(CASE WHEN "cases"."first_response_at" <= "cases"."respond_by" THEN 1 ELSE 0 END) AS BIGINT)"#,
                ),
                Alias::new("kept"),
            )
            .cond_where(self.judged(due, r#""cases"."first_response_at""#));
        Self::grouped(select, &[])
    }

    /// The cases judged for the resolution rate (`stats::resolution_judged`): closed in the
    /// spans, or open with their deadline in them, come or met; bucketed where they are
    /// judged. Written as two terms, each on its own index, rather than over the judged
    /// instant, which no index holds.
    fn due_to_resolve(&self) -> SelectStatement {
        let (closed, resolve_by) = (r#""cases"."closed_at""#, r#""cases"."resolve_by""#);
        let mut select = self.cases(r#"COALESCE("cases"."closed_at", "cases"."resolve_by")"#);
        select
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(
                Expr::cust(
                    r#"CAST(SUM(CASE WHEN "cases"."resolved_at" IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT)"#,
                ),
                Alias::new("kept"),
            )
            .cond_where(judged_for_resolution(self.in_period(closed), self.in_period(resolve_by), self.ask.now));
        Self::grouped(select, &[])
    }

    fn first_responses(&self) -> SelectStatement {
        let at = r#""cases"."first_response_at""#;
        let mut select = self.cases(at);
        select.cond_where(in_spans(self.duration_spans, at));
        self.durations(select, at)
    }

    fn resolutions(&self) -> SelectStatement {
        let at = r#""case_events"."created_at""#;
        let mut select = self.cases(at);
        select
            .inner_join(
                case_events::Entity,
                Expr::col((case_events::Entity, case_events::Column::CaseId))
                    .equals((cases::Entity, cases::Column::Id)),
            )
            .cond_where(Expr::cust(format!(
                r#""case_events"."kind" = '{}'"#,
                EventKind::Resolved.as_str()
            )))
            .cond_where(in_spans(self.duration_spans, at));
        self.durations(select, at)
    }

    /// Receptions held and visitors counted, where the grouping has them: by station, by
    /// township, in all; by deputy, those each attended.
    fn receptions(&self) -> Option<SelectStatement> {
        let text = |column: &str| format!(r#"CAST("receptions"."{column}" AS TEXT)"#);
        let key = match &self.ask.key {
            Key::All => "''".to_owned(),
            Key::Station => text("station_id"),
            Key::Township(map) => township(map, r#""receptions"."station_id""#),
            Key::Deputy => r#"CAST("reception_deputies"."deputy_id" AS TEXT)"#.to_owned(),
            Key::Category | Key::Department | Key::Channel => return None,
        };
        let at = r#""receptions"."held_at""#;
        let mut select = Query::select();
        select
            .expr_as(Expr::cust(key), Alias::new("k"))
            .expr_as(Expr::cust(self.month(at)), Alias::new("m"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(
                Expr::cust(r#"CAST(SUM("receptions"."visitors") AS BIGINT)"#),
                Alias::new("visitors"),
            )
            .from(receptions::Entity)
            .cond_where(
                Expr::col((receptions::Entity, receptions::Column::StationId))
                    .is_in(self.ask.reception_stations.clone()),
            )
            .cond_where(between(at, self.ask.from, self.ask.to));
        let by_deputy = matches!(self.ask.key, Key::Deputy) || self.ask.deputy.is_some();
        if by_deputy {
            select.inner_join(
                reception_deputies::Entity,
                Expr::col((
                    reception_deputies::Entity,
                    reception_deputies::Column::ReceptionId,
                ))
                .equals((receptions::Entity, receptions::Column::Id)),
            );
        }
        if let Some(deputy) = self.ask.deputy {
            select.cond_where(
                Expr::col((
                    reception_deputies::Entity,
                    reception_deputies::Column::DeputyId,
                ))
                .eq(deputy),
            );
        }
        Some(Self::grouped(select, &[]))
    }
}

/// `column` in `[from, to)`.
fn between(column: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Condition {
    let column = || Expr::expr(Expr::cust(column.to_owned()));
    Condition::all()
        .add(column().gte(from))
        .add(column().lt(to))
}

/// `stats::resolution_judged` as SQL, for cases closed where `closed_in` says, or open with
/// their deadline where `due_in` says: judged at `now`.
pub(in crate::store::cases) fn judged_for_resolution(
    closed_in: Condition,
    due_in: Condition,
    now: DateTime<Utc>,
) -> Condition {
    let open_and_judged = Condition::all()
        .add(cases::Column::ClosedAt.is_null())
        .add(due_in)
        .add(
            Condition::any()
                .add(cases::Column::ResolveBy.lt(now))
                .add(cases::Column::ResolvedAt.is_not_null()),
        );
    Condition::any().add(closed_in).add(open_and_judged)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use liaison_domain::clock::local_day;
    use liaison_domain::stats::resolution_judged;
    use sea_orm::{EntityTrait, QueryFilter};

    use super::*;
    use crate::store::cases::rules::tests::{at, ids, loaded, table};

    /// The rules' table with closings and resolutions: every fourth case closed an hour
    /// before `at()`, every third resolved two hours before.
    fn closed(case: &mut cases::Model) {
        if case.id % 4 == 1 {
            case.closed_at = Some(at() - Duration::hours(1));
        }
        if case.id % 3 == 0 {
            case.resolved_at = Some(at() - Duration::hours(2));
        }
    }

    #[tokio::test]
    async fn the_sql_judgement_for_the_resolution_rate_is_the_domain_s() {
        let (_dir, databases) = loaded().await;
        let mut table = table();
        table.iter_mut().for_each(closed);
        for db in &databases {
            for case in &table {
                cases::Entity::update_many()
                    .col_expr(cases::Column::ClosedAt, Expr::value(case.closed_at))
                    .col_expr(cases::Column::ResolvedAt, Expr::value(case.resolved_at))
                    .filter(cases::Column::Id.eq(case.id))
                    .exec(db)
                    .await
                    .unwrap();
            }
            // Spans that cut through the table's deadlines and closings.
            let spans = [
                (at() - Duration::hours(30), at() - Duration::minutes(30)),
                (at() + Duration::minutes(30), at() + Duration::hours(30)),
            ];
            let within = |when: DateTime<Utc>| spans.iter().any(|(f, t)| *f <= when && when < *t);
            let in_spans = |column: &str| in_spans(&spans, column);
            for now in [
                at() - Duration::minutes(30),
                at(),
                at() + Duration::hours(2),
            ] {
                let expected: Vec<i64> = table
                    .iter()
                    .filter(|case| {
                        resolution_judged(case.closed_at, case.resolve_by, case.resolved_at, now)
                            .is_some_and(|judged| within(judged.at))
                    })
                    .map(|case| case.id)
                    .collect();
                let condition = judged_for_resolution(
                    in_spans(r#""cases"."closed_at""#),
                    in_spans(r#""cases"."resolve_by""#),
                    now,
                );
                let found = ids(db, condition).await;
                assert!(!expected.is_empty() && expected.len() < table.len());
                assert_eq!(found, expected, "at {now} ({})", local_day(now));
            }
        }
    }
}
