//! Deputies' ratings of departments' handling, one per case and round, stored without the
//! rater: nothing written here can name the deputy.

use chrono::{DateTime, Utc};
use liaison_domain::case::appraisal::RatedRound;
use liaison_domain::case::Rating;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::entities::{department_ratings, Word};

/// Records `rating` of the round; a second rating of the same round fails on the unique index
/// `department_ratings_case_round_idx`.
pub async fn insert(
    db: &impl ConnectionTrait,
    case_id: i64,
    rated: RatedRound,
    rating: Rating,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    department_ratings::Entity::insert(department_ratings::ActiveModel {
        case_id: Set(case_id),
        department_id: Set(rated.department_id),
        round: Set(round(rated.round)),
        rating: Set(Word(rating)),
        rated_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Whether the department's handling of the case's `round` is rated.
pub async fn is_rated(db: &impl ConnectionTrait, case_id: i64, of: u32) -> Result<bool, DbErr> {
    let count = department_ratings::Entity::find()
        .filter(department_ratings::Column::CaseId.eq(case_id))
        .filter(department_ratings::Column::Round.eq(round(of)))
        .count(db)
        .await?;
    Ok(count > 0)
}

fn round(round: u32) -> i32 {
    i32::try_from(round).unwrap_or(i32::MAX)
}
