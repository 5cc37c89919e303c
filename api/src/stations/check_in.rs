//! Duty check-in (签到): a deputy on a shift checks in and out from the phone.

use chrono::{DateTime, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::attendance::{self, Record};
use liaison_domain::policy;
use liaison_domain::roster::{self, Shift};
use liaison_domain::Invalid;
use liaison_infra::store::organisation::{groups, rosters};
use sea_orm::ConnectionTrait;

use super::dto::CheckIn;
use super::service::find;
use crate::app_error::{AppError, AppResult};

/// Which end of the shift is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    In,
    Out,
}

impl Step {
    /// The domain's rule for this step.
    fn allowed(self, shift: &Shift, record: Record, now: DateTime<Utc>) -> Result<(), Invalid> {
        match self {
            Step::In => attendance::check_in(shift, record, now),
            Step::Out => attendance::check_out(shift, record, now),
        }
    }
}

/// Checks the actor in or out of shift `id` now, for themselves: each deputy the shift puts
/// on duty (its deputy, or a member of its group) has their own check-in. A shift the actor is
/// not on duty for is not found (another deputy's shifts are none of theirs); a time outside
/// the window is refused (422) and changes nothing.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    step: Step,
) -> AppResult<CheckIn> {
    let row = rosters::find(db, id)
        .await?
        .ok_or(AppError::NotFound("shift"))?;
    let station = find(db, row.station_id).await?;
    let shift = rosters::shift_of(&row);
    let groups = groups::on_duty_groups(db, row.group_id).await?;
    let serves = |deputy_id: i64| roster::serves(&shift, &groups, deputy_id);
    // A deputy of another county holds no shift here, whatever the ids say.
    let deputy_id = match actor.deputy_id {
        Some(deputy_id)
            if actor.in_county(station.county_id) && policy::may_check_in(actor, serves) =>
        {
            deputy_id
        }
        _ => return Err(AppError::NotFound("shift")),
    };
    let now = Utc::now();
    step.allowed(&shift, rosters::record(db, id, deputy_id).await?, now)?;
    let stored = match step {
        Step::In => rosters::check_in(db, id, deputy_id, now).await?,
        Step::Out => rosters::check_out(db, id, deputy_id, now).await?,
    };
    let record = rosters::record(db, id, deputy_id).await?;
    if !stored {
        // Another request of the same deputy recorded the same step between the read and the
        // write: the rule refuses as it would have.
        step.allowed(&shift, record, now)?;
        return Err(AppError::internal(anyhow::anyhow!(
            "shift {id}: the check-in write found nothing to change, yet the rule allows it"
        )));
    }
    Ok(CheckIn {
        shift_id: id,
        deputy_id,
        checked_in_at: record.checked_in_at,
        checked_out_at: record.checked_out_at,
        attendance: attendance::attendance(&shift, record, now).map(|a| a.as_str().to_owned()),
    })
}
