//! The deputy's rating of a department's handling (承办单位测评): the domain says who may rate
//! which round; this stores the rating without the rater. Nothing here logs or records the
//! deputy, and the case gets no timeline event, whose author would name them.

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::case::appraisal::{department_rating, RatedRound};
use liaison_domain::case::{machine, CaseStatus, Rating};
use liaison_infra::entities::cases;
use liaison_infra::store::cases::department_ratings;

use super::access::find_visible;
use super::actions::to_domain;
use super::Cases;
use crate::app_error::{AppError, AppResult};

/// A round of a department's work that `actor` may rate: checked before the rating is read,
/// so a caller without the right learns that first.
pub struct Ratable {
    case: cases::Model,
    round: RatedRound,
}

/// Whether `actor` may rate the department's handling of the case's current round: 404 if
/// the case is hidden from them, 403 or 409 as the domain says.
pub async fn ratable(cases: &Cases<'_>, actor: &Actor, case_id: i64) -> AppResult<Ratable> {
    let case = find_visible(cases.db, actor, case_id).await?;
    let round = department_rating(&to_domain(cases, &case).await?, actor)?;
    Ok(Ratable { case, round })
}

impl Ratable {
    /// Stores `rating`, once per round (409 again); answers the case as it stands.
    pub async fn rate(self, cases: &Cases<'_>, rating: Rating) -> AppResult<cases::Model> {
        let Ratable { case, round } = self;
        department_ratings::insert(cases.db, case.id, round, rating, Utc::now())
            .await
            .map_err(|error| {
                AppError::on_unique(error, &[("department_ratings", "rating", "already_rated")])
            })?;
        tracing::info!(case_id = case.id, round = round.round, "department rated");
        Ok(case)
    }
}

/// Rates the department's handling of the case's current round as `actor`, with a rating
/// already read.
pub async fn rate_department(
    cases: &Cases<'_>,
    actor: &Actor,
    case_id: i64,
    rating: Rating,
) -> AppResult<cases::Model> {
    ratable(cases, actor, case_id)
        .await?
        .rate(cases, rating)
        .await
}

/// Whether `actor` may rate the department's handling of the case now: what a page offers.
pub async fn may_rate(cases: &Cases<'_>, actor: &Actor, case: &cases::Model) -> AppResult<bool> {
    let allowed = department_rating(&to_domain(cases, case).await?, actor).is_ok();
    Ok(allowed && !is_rated(cases, case).await?)
}

/// Whether the department's handling of the case's current round is rated. Only a resolved
/// or closed round of a department can be: any other case is answered without a query.
pub async fn is_rated(cases: &Cases<'_>, case: &cases::Model) -> AppResult<bool> {
    let ratable = matches!(*case.status, CaseStatus::Resolved | CaseStatus::Closed);
    if !ratable || case.department_id.is_none() {
        return Ok(false);
    }
    let round = machine::round(u32::try_from(case.reopen_count).unwrap_or(0));
    Ok(department_ratings::is_rated(cases.db, case.id, round).await?)
}
