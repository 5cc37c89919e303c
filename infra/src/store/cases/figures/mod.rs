//! The raw counts behind the figures (`liaison_domain::stats`), bucketed by group and by month
//! on the county's clock, so that the caller can add buckets up to months, groups and the
//! whole. Durations, whose medians cannot be added, come counted by the time they are reported
//! as (`stats::Durations`): a few thousand counts rather than a row per case.
//!
//! A closed day's counts come from its daily rollup (`rollup`) where the ask lets them (the
//! stations' cases, grouped by what a rollup row holds), the rest from the cases themselves
//! (`from_cases`): today, days a step restated since they were rolled up, and every ask the
//! rollup cannot answer. A restated day's durations still come from the rollup: a step
//! restates only who is judged for the resolution rate. Both count with the same statements;
//! a test holds them to the same answers.

mod from_cases;
pub mod rollup;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use liaison_domain::case::satisfaction::Ratings;
use liaison_domain::case::{EventKind, Outcome};
use liaison_domain::clock::{from_local, local_day};
use liaison_domain::stats::Durations;
use liaison_domain::vocabulary::Vocabulary;
use sea_orm::sea_query::{Condition, SelectStatement};
use sea_orm::{ConnectionTrait, DbErr, QueryResult};

use crate::db::Backend;
use from_cases::{Grain, Sql};

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

impl Key {
    /// Whether a rollup row (a station, a category, a channel) holds the key. A case's
    /// department and deputy are the ones it has now, which a later step changes for every
    /// day it counted on: those groups are counted from the cases.
    fn rolled_up(&self) -> bool {
        !matches!(self, Key::Department | Key::Deputy)
    }

    /// Whether the key is a station's or the stations' together: then the months' durations,
    /// kept per station, answer for whole months.
    fn by_station(&self) -> bool {
        matches!(self, Key::All | Key::Station | Key::Township(_))
    }
}

/// What to count: the cases `within` selects (what the actor oversees), steps and times in
/// `[from, to)`, and what is overdue at `now`.
pub struct Ask {
    pub within: Condition,
    /// The stations whose receptions count (those the actor oversees), or, for a deputy, the
    /// receptions they attended.
    pub reception_stations: Vec<i64>,
    pub deputy: Option<i64>,
    /// The stations whose cases `within` selects, all of them, when it selects nothing else:
    /// then the rollup can count closed days. `None` when it cannot (a deputy's own cases).
    pub rolled_stations: Option<Vec<i64>>,
    pub key: Key,
    /// Whether the counts are bucketed by month; otherwise every bucket is of no month (`""`),
    /// which spares the statements working out each row's month.
    pub by_month: bool,
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
    /// Cases judged for the resolution rate in the bucket, and those resolved.
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

    /// The `kind` steps counted.
    pub fn step(&self, kind: EventKind) -> u64 {
        self.steps.get(&kind).copied().unwrap_or(0)
    }

    /// The resolutions counted with `outcome`.
    pub fn outcome(&self, outcome: Outcome) -> u64 {
        self.resolved_by_outcome.get(&outcome).copied().unwrap_or(0)
    }
}

/// The counts of every bucket that has any.
pub async fn count(db: &impl ConnectionTrait, ask: &Ask) -> Result<HashMap<Bucket, Counts>, DbErr> {
    let backend = Backend::of_connection(db);
    let (first, last) = (local_day(ask.from), local_day(ask.to - Duration::days(1)));
    let reach = match &ask.rolled_stations {
        Some(_) if ask.key.rolled_up() => rollup::reach(db, first, last).await?,
        _ => rollup::Reach::default(),
    };
    let spans = from_cases_spans(first, last, &reach.counts);
    let duration_spans = from_cases_spans(first, last, reach.durations.as_slice());
    let sql = Sql {
        backend,
        ask,
        spans: &spans,
        duration_spans: &duration_spans,
        grain: Grain::Month,
    };
    let mut buckets = from_cases::count_cases(db, &sql).await?;
    if let (Some(stations), false) = (&ask.rolled_stations, reach.is_empty()) {
        let from_rollup = rollup::count(db, backend, ask, stations, &reach).await?;
        for (bucket, counts) in from_rollup {
            buckets.entry(bucket).or_default().absorb(&counts);
        }
    }
    from_cases::count_standing(db, &sql, &mut buckets).await?;
    Ok(buckets)
}

/// The instants of the days in `[first, last]` that no run of `rolled` covers, as runs.
fn from_cases_spans(
    first: NaiveDate,
    last: NaiveDate,
    rolled: &[(NaiveDate, NaiveDate)],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let start = |day: NaiveDate| from_local(day.and_time(chrono::NaiveTime::MIN));
    let mut spans = Vec::new();
    let mut next = first;
    for (from, to) in rolled {
        if *from > next {
            spans.push((start(next), start(*from)));
        }
        next = next.max(*to + Duration::days(1));
    }
    if next <= last {
        spans.push((start(next), start(last + Duration::days(1))));
    }
    spans
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

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    #[test]
    fn the_days_no_run_of_the_rollup_covers_are_counted_from_the_cases() {
        let start = |d: &str| from_local(day(d).and_time(chrono::NaiveTime::MIN));
        let (first, last) = (day("2025-01-01"), day("2025-12-31"));
        assert_eq!(
            from_cases_spans(first, last, &[]),
            [(start("2025-01-01"), start("2026-01-01"))]
        );
        let rolled = [
            (day("2025-01-01"), day("2025-03-09")),
            (day("2025-03-11"), day("2025-11-30")),
        ];
        assert_eq!(
            from_cases_spans(first, last, &rolled),
            [
                (start("2025-03-10"), start("2025-03-11")),
                (start("2025-12-01"), start("2026-01-01")),
            ]
        );
        let everything = [(first, last)];
        assert!(from_cases_spans(first, last, &everything).is_empty());
    }
}
