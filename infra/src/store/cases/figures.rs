//! The raw counts behind the figures (`liaison_domain::stats`): a few grouped statements over
//! the cases an actor oversees, each bucketed by group and by month on the county's clock, so
//! that the caller can add buckets up to months, groups and the whole. Durations, whose
//! medians cannot be added, come counted by the hundredth of an hour they come to
//! (`stats::Durations`): a few thousand counts rather than a row per case.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::case::satisfaction::Ratings;
use liaison_domain::case::{EventKind, Outcome, Rating};
use liaison_domain::stats::{Durations, HUNDREDTH_OF_HOUR_SECS};
use liaison_domain::vocabulary::Vocabulary;
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};

use super::rules::overdue;
use crate::db::Backend;
use crate::entities::{case_events, cases, reception_deputies, receptions};

/// How the cases are keyed into groups: a column of the case, or a station's township.
#[derive(Debug, Clone)]
pub enum Key {
    /// One group of everything.
    All,
    Station,
    /// Each station's township (`liaison_domain::region::township_of`), worked out by the
    /// caller; a station under the county itself has none.
    Township(HashMap<i64, i64>),
    Category,
    Department,
    /// The case's deputy now.
    Deputy,
    Channel,
}

/// What to count: the cases `within` selects (what the actor oversees), steps and times in
/// `[from, to)`, and what is overdue at `now`.
pub struct Ask {
    pub within: Condition,
    /// The stations whose receptions count (those the actor oversees), or, for a deputy, the
    /// receptions they attended.
    pub reception_stations: Vec<i64>,
    pub deputy: Option<i64>,
    pub key: Key,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub now: DateTime<Utc>,
}

/// A group's key (none: cases without a department or a deputy, or stations in no township)
/// and a month, `2026-03`.
pub type Bucket = (Option<String>, String);

/// The counts of one bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub received: u64,
    pub steps: HashMap<EventKind, u64>,
    pub resolved_by_outcome: HashMap<Outcome, u64>,
    pub ratings: Ratings,
    /// Overdue now: in the bucket of no month (`""`), a standing rather than a step.
    pub overdue: u64,
    /// Cases due to be answered in the bucket, and those answered by then.
    pub due_to_respond: u64,
    pub answered_in_time: u64,
    /// Cases due to be resolved or closed in the bucket, and those resolved.
    pub due_to_resolve: u64,
    pub resolved_of_due: u64,
    /// Time from raising to the first answer, and to each resolution.
    pub first_response: Durations,
    pub resolution: Durations,
    /// `None` when the grouping has no receptions (by category, department or channel).
    pub receptions: Option<u64>,
    pub visitors: Option<u64>,
}

impl Counts {
    /// Adds another bucket's counts to these: months into a group, groups into the whole.
    pub fn absorb(&mut self, other: &Counts) {
        self.received += other.received;
        for (kind, n) in &other.steps {
            *self.steps.entry(*kind).or_default() += n;
        }
        for (outcome, n) in &other.resolved_by_outcome {
            *self.resolved_by_outcome.entry(*outcome).or_default() += n;
        }
        self.ratings.add_all(other.ratings);
        self.overdue += other.overdue;
        self.due_to_respond += other.due_to_respond;
        self.answered_in_time += other.answered_in_time;
        self.due_to_resolve += other.due_to_resolve;
        self.resolved_of_due += other.resolved_of_due;
        self.first_response.absorb(&other.first_response);
        self.resolution.absorb(&other.resolution);
        let add = |mine: &mut Option<u64>, theirs: Option<u64>| {
            if let Some(n) = theirs {
                *mine.get_or_insert(0) += n;
            }
        };
        add(&mut self.receptions, other.receptions);
        add(&mut self.visitors, other.visitors);
    }
}

/// The counts of every bucket that has any.
pub async fn count(db: &impl ConnectionTrait, ask: &Ask) -> Result<HashMap<Bucket, Counts>, DbErr> {
    let backend = Backend::of_connection(db);
    let sql = Sql { backend, ask };
    let mut buckets: HashMap<Bucket, Counts> = HashMap::new();

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
    for row in rows(db, sql.overdue()).await? {
        buckets.entry(bucket(&row)?).or_default().overdue += number(&row, "n")?;
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
    if let Some(receptions) = sql.receptions() {
        for row in rows(db, receptions).await? {
            let counts = buckets.entry(bucket(&row)?).or_default();
            *counts.receptions.get_or_insert(0) += number(&row, "n")?;
            *counts.visitors.get_or_insert(0) += number(&row, "visitors")?;
        }
    }
    Ok(buckets)
}

async fn rows(
    db: &impl ConnectionTrait,
    select: SelectStatement,
) -> Result<Vec<QueryResult>, DbErr> {
    db.query_all(db.get_database_backend().build(&select)).await
}

fn bucket(row: &QueryResult) -> Result<Bucket, DbErr> {
    Ok((row.try_get("", "k")?, row.try_get("", "m")?))
}

fn number(row: &QueryResult, column: &str) -> Result<u64, DbErr> {
    let n: Option<i64> = row.try_get("", column)?;
    Ok(u64::try_from(n.unwrap_or(0)).unwrap_or(0))
}

/// A stored word of a closed set; one outside it is an error naming it, never a guess.
fn word<V: Vocabulary>(row: &QueryResult, column: &str) -> Result<V, DbErr> {
    optional_word(row, column)?
        .ok_or_else(|| DbErr::Custom(format!("{column} is empty where a word was expected")))
}

fn optional_word<V: Vocabulary>(row: &QueryResult, column: &str) -> Result<Option<V>, DbErr> {
    let text: Option<String> = row.try_get("", column)?;
    text.map(|t| {
        V::parse(&t).map_err(|_| DbErr::Custom(format!("{column} holds an unknown word {t:?}")))
    })
    .transpose()
}

/// The township (as text) of the station in `station`, from the caller's map: a CASE over the
/// county's stations, none for a station in no township.
fn township(map: &HashMap<i64, i64>, station: &str) -> String {
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
struct Sql<'a> {
    backend: Backend,
    ask: &'a Ask,
}

impl Sql<'_> {
    /// The group's key of a case, as text.
    fn key(&self) -> String {
        let text = |column: &str| format!(r#"CAST("cases"."{column}" AS TEXT)"#);
        match &self.ask.key {
            Key::All => "''".to_owned(),
            Key::Station => text("station_id"),
            Key::Township(map) => township(map, r#""cases"."station_id""#),
            Key::Category => text("category_id"),
            Key::Department => text("department_id"),
            Key::Deputy => text("assignee_id"),
            Key::Channel => r#""cases"."channel""#.to_owned(),
        }
    }

    /// The month `column` falls in on the county's clock (UTC+8), `2026-03`.
    fn month(&self, column: &str) -> String {
        match self.backend {
            Backend::Postgres => {
                format!("to_char(({column} AT TIME ZONE 'UTC') + INTERVAL '8 hours', 'YYYY-MM')")
            }
            Backend::Sqlite => format!("strftime('%Y-%m', {column}, '+8 hours')"),
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

    fn in_period(&self, column: &str) -> Condition {
        let column = || Expr::expr(Expr::cust(column.to_owned()));
        Condition::all()
            .add(column().gte(self.ask.from))
            .add(column().lt(self.ask.to))
    }

    /// The backend's mark of the `n`th value of a custom expression (numbered on PostgreSQL,
    /// in order on SQLite).
    fn mark(&self, n: usize) -> String {
        match self.backend {
            Backend::Postgres => format!("${n}"),
            Backend::Sqlite => "?".to_owned(),
        }
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
        self.in_period(deadline).add(
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

    /// Due to be resolved in the period, or closed in it: bucketed by whichever falls in it,
    /// the deadline first.
    fn due_to_resolve(&self) -> SelectStatement {
        let (from, to) = (self.ask.from, self.ask.to);
        let when = Expr::cust_with_values(
            format!(
                r#"CASE WHEN "cases"."resolve_by" >= {} AND "cases"."resolve_by" < {} THEN "cases"."resolve_by" ELSE "cases"."closed_at" END"#,
                self.mark(1),
                self.mark(2)
            ),
            [from, to],
        );
        let mut select = Query::select();
        let month = self.month("\"w\"");
        let mut inner = Query::select();
        inner
            .expr_as(Expr::cust(self.key()), Alias::new("k"))
            .expr_as(when, Alias::new("w"))
            .expr_as(
                Expr::cust(r#"CASE WHEN "cases"."resolved_at" IS NOT NULL THEN 1 ELSE 0 END"#),
                Alias::new("done"),
            )
            .from(cases::Entity)
            .cond_where(self.ask.within.clone())
            .cond_where(
                Condition::any()
                    .add(self.judged(r#""cases"."resolve_by""#, r#""cases"."resolved_at""#))
                    .add(self.in_period(r#""cases"."closed_at""#)),
            );
        select
            .expr_as(Expr::cust("\"k\""), Alias::new("k"))
            .expr_as(Expr::cust(month), Alias::new("m"))
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .expr_as(
                Expr::cust("CAST(SUM(\"done\") AS BIGINT)"),
                Alias::new("kept"),
            )
            .from_subquery(inner, Alias::new("due"));
        Self::grouped(select, &[])
    }

    fn first_responses(&self) -> SelectStatement {
        let at = r#""cases"."first_response_at""#;
        let mut select = self.cases(at);
        select.cond_where(self.in_period(at));
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
            .cond_where(self.in_period(at));
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
            .cond_where(self.in_period(at));
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
