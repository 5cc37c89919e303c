//! Reading the department appraisal (承办单位测评): the county's departments ranked over the
//! rounds handed to them in a period, within the cases the admin oversees. The figures and
//! the ranking are `liaison_domain::department_appraisal`'s; the raters are never named.

use chrono::NaiveDate;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::department_appraisal::{self as appraisal, Line, Mark};
use liaison_domain::period::Period;
use liaison_domain::policy;
use liaison_infra::store::department_appraisal::{self as store, Over};
use liaison_infra::store::organisation::departments;
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app_error::{AppError, AppResult};
use crate::period::PeriodQuery;

#[derive(Debug, Serialize, ToSchema)]
pub struct Appraisal {
    /// The first and the last day counted, both included (Beijing time).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Ranked departments best first, then those without a round in the period by name.
    pub departments: Vec<AppraisedDepartment>,
}

/// One department's figures; rates and scores are out of 100, to one decimal, and absent
/// when there is nothing to rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppraisedDepartment {
    pub department_id: i64,
    #[schema(example = "县住建局")]
    pub name: String,
    /// Rounds handed to the department in the period.
    pub assigned: u32,
    /// Of those, reported back on (`handled`) by the deadline.
    pub handled_on_time: u32,
    pub on_time_rate: Option<f64>,
    /// Rounds the resident rated `unsatisfied` (重新交办).
    pub reopened: u32,
    /// Rounds the department reported back on that the resident rated.
    pub resident_rated: u32,
    /// (`satisfied` + `basically_satisfied`) / `resident_rated`.
    pub satisfaction_rate: Option<f64>,
    /// The deputies' anonymous ratings of the rounds, counted.
    pub deputy_ratings: DeputyRatingCounts,
    /// `satisfied` 100, `basically_satisfied` 60, `unsatisfied` 0, averaged.
    pub deputies_score: Option<f64>,
    /// 40 % on-time rate, 30 % deputies' score, 30 % satisfaction rate; a part without
    /// ratings gives its weight to the others. Absent without a round in the period.
    pub score: Option<f64>,
    /// 1 for the best; absent without a round in the period.
    pub rank: Option<u32>,
    /// `top` (the first five) or `bottom` (the last three, never among the top five).
    #[schema(value_type = Option<String>, example = "top")]
    pub mark: Option<Mark>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeputyRatingCounts {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

impl From<Line<i64>> for AppraisedDepartment {
    fn from(line: Line<i64>) -> Self {
        let figures = line.figures;
        let tally = figures.tally;
        Self {
            department_id: line.department,
            name: line.name,
            assigned: tally.assigned,
            handled_on_time: tally.handled_on_time,
            on_time_rate: figures.on_time_rate,
            reopened: tally.reopened,
            resident_rated: tally.resident_rated,
            satisfaction_rate: figures.satisfaction_rate,
            deputy_ratings: DeputyRatingCounts {
                satisfied: tally.deputy_ratings.satisfied,
                basically_satisfied: tally.deputy_ratings.basically_satisfied,
                unsatisfied: tally.deputy_ratings.unsatisfied,
            },
            deputies_score: figures.deputies_score,
            score: figures.score,
            rank: line.rank,
            mark: line.mark,
        }
    }
}

/// The appraisal for `asked`, over the cases `actor` oversees: a county admin's county, a
/// township admin's stations. Who may is decided before the period is read.
pub async fn appraise(
    db: &impl ConnectionTrait,
    actor: &Actor,
    asked: &PeriodQuery,
) -> AppResult<Appraisal> {
    let county_id = appraiser_county(actor)?;
    let period = asked.period()?;
    Ok(appraisal_of(db, actor, county_id, period).await?)
}

/// The county whose departments `actor` may appraise, or 403.
pub fn appraiser_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|_| policy::may_read_department_appraisal(actor))
        .ok_or(AppError::Forbidden(
            "the appraisal is for county and township admins",
        ))
}

async fn appraisal_of(
    db: &impl ConnectionTrait,
    actor: &Actor,
    county_id: i64,
    period: Period,
) -> Result<Appraisal, sea_orm::DbErr> {
    let over = match actor.role {
        Role::CountyAdmin => Over::County(county_id),
        _ => Over::Stations(county_id, &actor.station_ids),
    };
    let (from, to) = period.instants();
    let mut tallies = store::tallies(db, over, from, to).await?;
    // Every active department is listed, and an inactive one that still had rounds.
    let listed = departments::of_county(db, county_id)
        .await?
        .into_iter()
        .filter_map(|department| {
            let found = tallies.iter().position(|(id, _)| *id == department.id);
            let tally = found.map(|at| tallies.swap_remove(at).1);
            (department.active || tally.is_some())
                .then(|| (department.id, department.name, tally.unwrap_or_default()))
        })
        .collect();
    Ok(Appraisal {
        from: period.first,
        to: period.last,
        departments: appraisal::rank(listed)
            .into_iter()
            .map(AppraisedDepartment::from)
            .collect(),
    })
}
