//! The department appraisal's read model: per department, the counts
//! `liaison_domain::department_appraisal` turns into figures, in one statement for every
//! department of a county (or of a township's stations). Deputies' ratings are counted, never
//! attributed: `department_ratings` names no rater.

use chrono::{DateTime, Utc};
use liaison_domain::case::{EventKind, Rating};
use liaison_domain::department_appraisal::{DeputyRatings, Tally};
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};

use super::numbered;

/// Whose cases are counted.
#[derive(Debug, Clone, Copy)]
pub enum Over<'a> {
    County(i64),
    /// The cases of these stations of the county (a township admin's).
    Stations(i64, &'a [i64]),
}

/// The counts of each department that had a round handed to it in `[from, to)`: a round is
/// counted in the period its first assignment to the department falls in.
pub async fn tallies(
    db: &impl ConnectionTrait,
    over: Over<'_>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(i64, Tally)>, DbErr> {
    let (county_id, stations) = match over {
        Over::County(county) => (county, None),
        Over::Stations(county, stations) => (county, Some(stations)),
    };
    if stations.is_some_and(<[i64]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut values: Vec<Value> = vec![county_id.into(), to.into()];
    let at_stations = match stations {
        Some(ids) => {
            values.extend(ids.iter().map(|id| Value::from(*id)));
            format!(" AND c.station_id IN ({})", vec!["?"; ids.len()].join(", "))
        }
        None => String::new(),
    };
    values.push(from.into());
    let backend = db.get_database_backend();
    let sql = numbered(backend, &statement(&at_stations));
    let rows = db
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter().map(tally_of).collect()
}

/// The statement, with `?` for each value: the county, the period's end, the stations, the
/// period's start. Inner: one row per handover (case, round, department) with its latest
/// deadline, the department's first report, the resident's and the deputy's rating of the
/// round; outer: those summed per department. The words are the domain's closed sets.
fn statement(at_stations: &str) -> String {
    let assigned = EventKind::Assigned.as_str();
    let handled = EventKind::Handled.as_str();
    let rated = EventKind::Rated.as_str();
    let satisfied = Rating::Satisfied.as_str();
    let basically = Rating::BasicallySatisfied.as_str();
    let unsatisfied = Rating::Unsatisfied.as_str();
    let count = |condition: &str| format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)");
    let reported = "h.handled_at IS NOT NULL";
    format!(
        "SELECT h.department_id AS department_id, COUNT(*) AS assigned, \
         {on_time} AS handled_on_time, {reopened} AS reopened, \
         {resident_rated} AS resident_rated, {resident_satisfied} AS resident_satisfied, \
         {deputies_satisfied} AS deputies_satisfied, \
         {deputies_basically} AS deputies_basically_satisfied, \
         {deputies_unsatisfied} AS deputies_unsatisfied \
         FROM (SELECT a.case_id, a.round, a.department_id, MAX(a.resolve_by) AS deadline, \
           (SELECT MIN(e.created_at) FROM case_events e WHERE e.case_id = a.case_id \
             AND e.round = a.round AND e.kind = '{handled}' \
             AND e.department_id = a.department_id) AS handled_at, \
           (SELECT MAX(r.text) FROM case_events r WHERE r.case_id = a.case_id \
             AND r.round = a.round AND r.kind = '{rated}') AS resident, \
           (SELECT MAX(d.rating) FROM department_ratings d WHERE d.case_id = a.case_id \
             AND d.round = a.round AND d.department_id = a.department_id) AS deputies \
           FROM case_events a JOIN cases c ON c.id = a.case_id \
           WHERE a.kind = '{assigned}' AND a.department_id IS NOT NULL \
             AND c.county_id = ? AND a.created_at < ?{at_stations} \
           GROUP BY a.case_id, a.round, a.department_id \
           HAVING MIN(a.created_at) >= ?) h \
         GROUP BY h.department_id",
        on_time = count(&format!("{reported} AND h.handled_at <= h.deadline")),
        reopened = count(&format!("h.resident = '{unsatisfied}'")),
        resident_rated = count(&format!("{reported} AND h.resident IS NOT NULL")),
        resident_satisfied = count(&format!(
            "{reported} AND h.resident IN ('{satisfied}', '{basically}')"
        )),
        deputies_satisfied = count(&format!("h.deputies = '{satisfied}'")),
        deputies_basically = count(&format!("h.deputies = '{basically}'")),
        deputies_unsatisfied = count(&format!("h.deputies = '{unsatisfied}'")),
    )
}

fn tally_of(row: &QueryResult) -> Result<(i64, Tally), DbErr> {
    let count = |column: &str| -> Result<u32, DbErr> {
        let n: i64 = row.try_get("", column)?;
        u32::try_from(n).map_err(|e| DbErr::Custom(format!("{column}: {e}")))
    };
    Ok((
        row.try_get("", "department_id")?,
        Tally {
            assigned: count("assigned")?,
            handled_on_time: count("handled_on_time")?,
            reopened: count("reopened")?,
            resident_rated: count("resident_rated")?,
            resident_satisfied: count("resident_satisfied")?,
            deputy_ratings: DeputyRatings {
                satisfied: count("deputies_satisfied")?,
                basically_satisfied: count("deputies_basically_satisfied")?,
                unsatisfied: count("deputies_unsatisfied")?,
            },
        },
    ))
}
