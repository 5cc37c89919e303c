//! Cases: every query of the case aggregate (a case with its events, deadline marks, numbers
//! and idempotency keys), and the SQL forms of the domain's rules about cases (`rules`).
//! Attachments have their store beside this one (`store::attachments`).

pub mod counters;
pub mod deadlines;
pub mod department_ratings;
pub mod events;
pub mod figures;
pub mod keys;
pub mod queue;
pub mod rules;
mod search;
pub mod steps;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::case::{CaseStatus, Channel};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TryIntoModel,
};

use crate::entities::{cases, users, Word};

/// The case `id`.
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<cases::Model>, DbErr> {
    cases::Entity::find_by_id(id).one(db).await
}

/// Whether any case was ever raised here.
pub async fn any(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    let first: Option<i64> = cases::Entity::find()
        .select_only()
        .column(cases::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    Ok(first.is_some())
}

/// The case `id` with the resident who raised it, read in the same statement.
pub async fn find_with_resident(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<(cases::Model, Option<users::Model>)>, DbErr> {
    cases::Entity::find_by_id(id)
        .find_also_related(users::Entity)
        .one(db)
        .await
}

/// The account of the resident `user_id`, who raises or raised cases.
pub async fn resident(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Option<users::Model>, DbErr> {
    users::Entity::find_by_id(user_id).one(db).await
}

/// Cases resolved at or before `cutoff` and still waiting for the resident's rating.
pub async fn awaiting_rating(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> Result<Vec<cases::Model>, DbErr> {
    cases::Entity::find()
        .filter(cases::Column::Status.eq(Word(CaseStatus::Resolved)))
        .filter(cases::Column::ResolvedAt.lte(cutoff))
        .all(db)
        .await
}

/// The cases in progress assigned to `deputy_id`, oldest first: what goes back to the station
/// queue when the deputy stops serving.
pub async fn held_by(
    db: &impl ConnectionTrait,
    deputy_id: i64,
) -> Result<Vec<cases::Model>, DbErr> {
    cases::Entity::find()
        .filter(cases::Column::AssigneeId.eq(deputy_id))
        .filter(rules::in_progress())
        .order_by_asc(cases::Column::Id)
        .all(db)
        .await
}

/// How many cases in progress each of `deputies` holds; a deputy holding none is left out.
pub async fn loads(
    db: &impl ConnectionTrait,
    deputies: &[i64],
) -> Result<HashMap<i64, i64>, DbErr> {
    let rows: Vec<(i64, i64)> = cases::Entity::find()
        .select_only()
        .column(cases::Column::AssigneeId)
        .column_as(Expr::col(cases::Column::Id).count(), "open")
        .filter(cases::Column::AssigneeId.is_in(deputies.iter().copied()))
        .filter(cases::Column::Status.is_in(CaseStatus::in_progress().map(Word)))
        .group_by(cases::Column::AssigneeId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// A case as the resident raises it: what the submit decided. It starts `submitted`,
/// unanswered, unrated, with no department, at version 0.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub number: String,
    pub station_id: i64,
    pub county_id: i64,
    pub category_id: i64,
    pub resident_id: i64,
    /// The deputy on duty it reached; `None` for the station queue.
    pub assignee_id: Option<i64>,
    pub title: String,
    pub content: String,
    pub location: Option<String>,
    pub search_terms: String,
    pub anonymous: bool,
    /// Already sealed.
    pub contact_phone: Option<String>,
    pub channel: Channel,
    /// Already sealed.
    pub visitor_name: Option<String>,
    /// The reception a visitor's case was raised in, at the same station.
    pub reception_id: Option<i64>,
    /// The resident agreed that its result be published on the station's board.
    pub publishable: bool,
    /// Moderation asked for a human look.
    pub flagged: bool,
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    /// What the category gave it, kept for a reopen.
    pub resolve_within_days: i32,
    pub created_at: DateTime<Utc>,
}

/// Writes a new case and answers it as stored. The row is not read back: everything but the
/// id is known here, and `created_at` should already be at the precision the database keeps.
pub async fn insert(db: &impl ConnectionTrait, new: NewCase) -> Result<cases::Model, DbErr> {
    let mut row = cases::ActiveModel {
        number: Set(new.number),
        station_id: Set(new.station_id),
        county_id: Set(new.county_id),
        category_id: Set(new.category_id),
        resident_id: Set(new.resident_id),
        assignee_id: Set(new.assignee_id),
        department_id: Set(None),
        title: Set(new.title),
        content: Set(new.content),
        location: Set(new.location),
        search_terms: Set(new.search_terms),
        anonymous: Set(new.anonymous),
        contact_phone: Set(new.contact_phone),
        status: Set(Word(CaseStatus::Submitted)),
        flagged: Set(new.flagged),
        reopen_count: Set(0),
        escalated: Set(false),
        respond_by: Set(new.respond_by),
        resolve_by: Set(new.resolve_by),
        resolve_within_days: Set(new.resolve_within_days),
        first_response_at: Set(None),
        resolved_at: Set(None),
        closed_at: Set(None),
        rating: Set(None),
        rating_comment: Set(None),
        reception_id: Set(new.reception_id),
        outcome: Set(None),
        planned_on: Set(None),
        outcome_reason: Set(None),
        version: Set(0),
        created_at: Set(new.created_at),
        updated_at: Set(new.created_at),
        channel: Set(Word(new.channel)),
        visitor_name: Set(new.visitor_name),
        claimed_at: Set(None),
        publishable: Set(new.publishable),
        ..Default::default()
    };
    let inserted = cases::Entity::insert(row.clone()).exec(db).await?;
    row.id = Set(inserted.last_insert_id);
    row.try_into_model()
}

/// Makes `resident_id` the resident of visitor's case `case_id` (see
/// `liaison_domain::case::channel::for_visitor`, whose SQL form the filter is); answers
/// whether it did, which it does once: a second claim finds the case claimed.
pub async fn claim(
    db: &impl ConnectionTrait,
    case_id: i64,
    resident_id: i64,
    at: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let claimed = cases::Entity::update_many()
        .col_expr(cases::Column::ResidentId, Expr::value(resident_id))
        .col_expr(cases::Column::ClaimedAt, Expr::value(at))
        .col_expr(cases::Column::UpdatedAt, Expr::value(at))
        .col_expr(
            cases::Column::Version,
            Expr::col(cases::Column::Version).add(1),
        )
        .filter(cases::Column::Id.eq(case_id))
        .filter(cases::Column::Channel.ne(Word(Channel::MiniProgram)))
        .filter(cases::Column::ClaimedAt.is_null())
        .exec(db)
        .await?;
    Ok(claimed.rows_affected == 1)
}
