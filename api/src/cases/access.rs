//! Finding a case the actor may see: anything else is simply not found.

use liaison_domain::actor::Actor;
use liaison_domain::case::access::can_see;
use liaison_infra::entities::{cases, users};
use liaison_infra::store::cases::{self as store, rules::scope_of};
use sea_orm::ConnectionTrait;

use crate::app_error::{AppError, AppResult};

/// The case, if it exists and the actor may see it; not found otherwise, never forbidden, so
/// that a hidden case cannot be told from an absent one.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    actor: &Actor,
    case_id: i64,
) -> AppResult<cases::Model> {
    store::find(db, case_id)
        .await?
        .filter(|case| can_see(actor, &scope_of(case)))
        .ok_or(AppError::NotFound("case"))
}

/// `find_visible`, with the resident who raised the case read in the same statement.
pub async fn find_visible_with_resident(
    db: &impl ConnectionTrait,
    actor: &Actor,
    case_id: i64,
) -> AppResult<(cases::Model, Option<users::Model>)> {
    store::find_with_resident(db, case_id)
        .await?
        .filter(|(case, _)| can_see(actor, &scope_of(case)))
        .ok_or(AppError::NotFound("case"))
}
