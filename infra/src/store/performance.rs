//! The performance record's read model (履职档案): each deputy's counts for a year, for one
//! deputy or every deputy a ranking covers, in a few statements whatever their number. The
//! counts found in the cases, receptions and shifts are here; the register counts come from
//! the registers' verified manual entries through [`register_counts`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::attendance::{self, Attendance, Record};
use liaison_domain::case::{EventKind, Rating};
use liaison_domain::deputy::DeputyStatus;
use liaison_domain::performance::{Facts, RegisterCounts};
use liaison_domain::period::Period;
use liaison_domain::roster::Shift;
use sea_orm::{ConnectionTrait, DbErr, FromQueryResult, Statement, Value};

use super::{numbered, registers};

/// Whose records are counted.
#[derive(Debug, Clone, Copy)]
pub enum Over {
    /// One deputy, whatever their status.
    Deputy(i64),
    /// The serving deputies of a county.
    County(i64),
}

/// One deputy's record for the year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeputyFacts {
    pub deputy_id: i64,
    pub name: String,
    /// The first station they sit at (lowest id): where a township ranking places them.
    pub station_id: Option<i64>,
    pub facts: Facts,
}

#[derive(FromQueryResult)]
struct Counted {
    deputy_id: i64,
    name: String,
    station_id: Option<i64>,
    receptions_attended: i64,
    cases_accepted: i64,
    cases_resolved: i64,
    cases_satisfied: i64,
    cases_basically_satisfied: i64,
    cases_unsatisfied: i64,
}

#[derive(FromQueryResult)]
struct OnDuty {
    deputy_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    checked_in_at: Option<DateTime<Utc>>,
}

/// The records of `over` for `year` on the county's clock, in deputy id order, as of `now` (a
/// shift not yet over and not checked in is neither held nor missed): one statement for the
/// cases and receptions, one for the shifts, and the registers'.
pub async fn facts(
    db: &impl ConnectionTrait,
    over: Over,
    year: i32,
    now: DateTime<Utc>,
) -> Result<Vec<DeputyFacts>, DbErr> {
    let (from, to) = Period::year(year).instants();
    let backend = db.get_database_backend();
    let (who, who_values) = deputies(over);
    let period = || [Value::from(from), Value::from(to)];

    let mut values: Vec<Value> = Vec::new();
    for _ in 0..6 {
        values.extend(period());
    }
    values.extend(who_values.clone());
    let counted = Counted::find_by_statement(Statement::from_sql_and_values(
        backend,
        numbered(backend, &counting(&who)),
        values,
    ))
    .all(db)
    .await?;

    let mut values: Vec<Value> = period().into();
    values.extend(who_values);
    let on_duty = OnDuty::find_by_statement(Statement::from_sql_and_values(
        backend,
        numbered(backend, &shifts(&who)),
        values,
    ))
    .all(db)
    .await?;

    let ids: Vec<i64> = counted.iter().map(|c| c.deputy_id).collect();
    let mut registers = register_counts(db, &ids, year).await?;
    let mut records: Vec<DeputyFacts> = counted
        .into_iter()
        .map(|c| DeputyFacts {
            deputy_id: c.deputy_id,
            name: c.name,
            station_id: c.station_id,
            facts: Facts {
                receptions_attended: c.receptions_attended,
                cases_accepted: c.cases_accepted,
                cases_resolved: c.cases_resolved,
                shifts_held: 0,
                shifts_late: 0,
                shifts_missed: 0,
                cases_satisfied: c.cases_satisfied,
                cases_basically_satisfied: c.cases_basically_satisfied,
                cases_unsatisfied: c.cases_unsatisfied,
                registers: registers.remove(&c.deputy_id).unwrap_or_default(),
            },
        })
        .collect();
    // Held, late or missed is the domain's rule (`attendance::attendance`), applied here to
    // the rows rather than restated in two SQL dialects of interval arithmetic.
    for duty in on_duty {
        let shift = Shift {
            deputy_id: None,
            group_id: None,
            starts_at: duty.starts_at,
            ends_at: duty.ends_at,
        };
        let record = Record {
            checked_in_at: duty.checked_in_at,
            checked_out_at: None,
        };
        let Some(record_of) = records.iter_mut().find(|r| r.deputy_id == duty.deputy_id) else {
            continue;
        };
        let facts = &mut record_of.facts;
        match attendance::attendance(&shift, record, now) {
            Some(Attendance::Held) => facts.shifts_held += 1,
            Some(Attendance::Late) => facts.shifts_late += 1,
            Some(Attendance::Missed) => facts.shifts_missed += 1,
            None => {}
        }
    }
    Ok(records)
}

/// The counts the five registers (五簿) hold for each of `deputy_ids` in `year`: activities,
/// trainings, proposals filed and the report-back score, from their verified manual entries.
pub async fn register_counts(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
    year: i32,
) -> Result<HashMap<i64, RegisterCounts>, DbErr> {
    Ok(
        registers::manual_counts(db, deputy_ids, &Period::year(year))
            .await?
            .into_iter()
            .map(|(id, counts)| (id, RegisterCounts::from(&counts)))
            .collect(),
    )
}

/// The condition on `d` (deputies) for `over`, with its values.
fn deputies(over: Over) -> (String, Vec<Value>) {
    let serving = DeputyStatus::serving()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    match over {
        Over::Deputy(id) => ("d.id = ?".to_owned(), vec![id.into()]),
        Over::County(county) => (
            format!("d.county_id = ? AND d.status IN ({serving})"),
            vec![county.into()],
        ),
    }
}

/// One row per deputy, a counting subquery per count, each taking the period's two bounds:
/// receptions attended; `accepted` and `resolved` steps the deputy's account took; the
/// residents' ratings, given in the period, of the rounds the deputy resolved.
fn counting(who: &str) -> String {
    let in_period = |at: &str| format!("{at} >= ? AND {at} < ?");
    let steps = |kind: EventKind| {
        format!(
            "(SELECT COUNT(*) FROM case_events e JOIN users u ON u.id = e.actor_id \
             WHERE u.deputy_id = d.id AND e.kind = '{kind}' AND {period})",
            kind = kind.as_str(),
            period = in_period("e.created_at"),
        )
    };
    let rated = |rating: Rating| {
        format!(
            "(SELECT COUNT(*) FROM case_events e WHERE e.kind = '{rated}' \
             AND e.text = '{rating}' AND {period} AND EXISTS (SELECT 1 FROM case_events x \
             JOIN users u ON u.id = x.actor_id WHERE x.case_id = e.case_id \
             AND x.round = e.round AND x.kind = '{resolved}' AND u.deputy_id = d.id))",
            rated = EventKind::Rated.as_str(),
            rating = rating.as_str(),
            period = in_period("e.created_at"),
            resolved = EventKind::Resolved.as_str(),
        )
    };
    format!(
        "SELECT d.id AS deputy_id, d.name AS name, \
         (SELECT MIN(s.station_id) FROM deputy_stations s WHERE s.deputy_id = d.id) AS station_id, \
         (SELECT COUNT(*) FROM reception_deputies rd JOIN receptions r ON r.id = rd.reception_id \
           WHERE rd.deputy_id = d.id AND {held}) AS receptions_attended, \
         {accepted} AS cases_accepted, {resolved} AS cases_resolved, \
         {satisfied} AS cases_satisfied, {basically} AS cases_basically_satisfied, \
         {unsatisfied} AS cases_unsatisfied \
         FROM deputies d WHERE {who} ORDER BY d.id",
        held = in_period("r.held_at"),
        accepted = steps(EventKind::Accepted),
        resolved = steps(EventKind::Resolved),
        satisfied = rated(Rating::Satisfied),
        basically = rated(Rating::BasicallySatisfied),
        unsatisfied = rated(Rating::Unsatisfied),
    )
}

/// One row per deputy and shift starting in the period that put them on duty (named, through
/// a group they are in now, or checked in anyway, as `attendance::of_shift` shows them), with
/// their check-in.
fn shifts(who: &str) -> String {
    format!(
        "SELECT d.id AS deputy_id, s.starts_at AS starts_at, s.ends_at AS ends_at, \
         c.checked_in_at AS checked_in_at \
         FROM deputies d JOIN duty_shifts s ON (s.deputy_id = d.id \
           OR s.group_id IN (SELECT m.group_id FROM deputy_group_members m WHERE m.deputy_id = d.id) \
           OR EXISTS (SELECT 1 FROM shift_check_ins k WHERE k.shift_id = s.id AND k.deputy_id = d.id)) \
         LEFT JOIN shift_check_ins c ON c.shift_id = s.id AND c.deputy_id = d.id \
         WHERE s.starts_at >= ? AND s.starts_at < ? AND {who}"
    )
}
