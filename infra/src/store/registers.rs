//! The five registers (五簿) of a deputy and year: the automatic entries read from the facts
//! (receptions attended, cases accepted, shifts held, late or missed) each time they are
//! asked for, and the manual entries of `register_entries`. [`counts`] is what the
//! performance record (履职档案) reads of them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::attendance::{self, Attendance};
use liaison_domain::case::EventKind;
use liaison_domain::period::Period;
use liaison_domain::reception::ReceptionKind;
use liaison_domain::register::{Counts, Entry, Fact};
use sea_orm::sea_query::{Expr, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use crate::entities::{
    case_events, cases, deputy_group_members, duty_shifts, reception_deputies, receptions,
    register_entries, shift_check_ins, users, Word,
};
use crate::store::organisation::rosters;

/// A reception the deputy attended (`reception` register).
#[derive(Debug, Clone)]
pub struct AttendedReception {
    pub reception_id: i64,
    pub station_id: i64,
    pub kind: ReceptionKind,
    pub held_at: DateTime<Utc>,
    pub visitors: i64,
}

/// A case the deputy accepted (`performance` register).
#[derive(Debug, Clone)]
pub struct AcceptedCase {
    pub case_id: i64,
    pub number: String,
    pub title: String,
    pub accepted_at: DateTime<Utc>,
}

/// A shift of the deputy's that is over or checked in (`performance` register).
#[derive(Debug, Clone)]
pub struct HeldShift {
    pub shift_id: i64,
    pub station_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub attendance: Attendance,
}

/// The automatic entries of a year, each list in time order.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub receptions: Vec<AttendedReception>,
    pub cases: Vec<AcceptedCase>,
    pub shifts: Vec<HeldShift>,
}

impl Facts {
    /// What the counts read of them.
    pub fn counted(&self) -> impl Iterator<Item = Fact> + '_ {
        let receptions = self.receptions.iter().map(|_| Fact::ReceptionAttended);
        let cases = self.cases.iter().map(|_| Fact::CaseAccepted);
        let shifts = self.shifts.iter().map(|s| Fact::Shift(s.attendance));
        receptions.chain(cases).chain(shifts)
    }
}

/// A stored manual entry.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub deputy_id: i64,
    pub entry: Entry,
    pub created_at: DateTime<Utc>,
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTime<Utc>>,
}

impl Stored {
    pub fn verified(&self) -> bool {
        self.verified_at.is_some()
    }
}

/// The automatic entries of `deputy_id` in `year`, as of `now`: a shift still to come has
/// no attendance yet and is left out.
pub async fn facts(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    year: i32,
    now: DateTime<Utc>,
) -> Result<Facts, DbErr> {
    let (from, to) = Period::year(year).instants();
    let attended = Query::select()
        .column(reception_deputies::Column::ReceptionId)
        .from(reception_deputies::Entity)
        .and_where(reception_deputies::Column::DeputyId.eq(deputy_id))
        .to_owned();
    let receptions = receptions::Entity::find()
        .filter(receptions::Column::Id.in_subquery(attended))
        .filter(receptions::Column::HeldAt.gte(from))
        .filter(receptions::Column::HeldAt.lt(to))
        .order_by_asc(receptions::Column::HeldAt)
        .order_by_asc(receptions::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|r| AttendedReception {
            reception_id: r.id,
            station_id: r.station_id,
            kind: *r.kind,
            held_at: r.held_at,
            visitors: r.visitors,
        })
        .collect();
    // The deputy acts through their account(s): a case event names the account.
    let accounts = Query::select()
        .column(users::Column::Id)
        .from(users::Entity)
        .and_where(users::Column::DeputyId.eq(deputy_id))
        .to_owned();
    let accepted = case_events::Entity::find()
        .filter(case_events::Column::Kind.eq(Word(EventKind::Accepted)))
        .filter(case_events::Column::ActorId.in_subquery(accounts))
        .filter(case_events::Column::CreatedAt.gte(from))
        .filter(case_events::Column::CreatedAt.lt(to))
        .order_by_asc(case_events::Column::CreatedAt)
        .order_by_asc(case_events::Column::Id)
        .all(db)
        .await?;
    let accepted_cases = cases::Entity::find()
        .filter(cases::Column::Id.is_in(accepted.iter().map(|e| e.case_id)))
        .all(db)
        .await?;
    let cases = accepted
        .iter()
        .filter_map(|event| {
            let case = accepted_cases.iter().find(|c| c.id == event.case_id)?;
            Some(AcceptedCase {
                case_id: case.id,
                number: case.number.clone(),
                title: case.title.clone(),
                accepted_at: event.created_at,
            })
        })
        .collect();
    Ok(Facts {
        receptions,
        cases,
        shifts: shifts(db, deputy_id, from, to, now).await?,
    })
}

/// The deputy's shifts starting in `[from, to)`: named on it, on duty through a group they
/// are a member of now (as `attendance::of_shift` reads membership), or checked in on it.
async fn shifts(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<HeldShift>, DbErr> {
    let groups = Query::select()
        .column(deputy_group_members::Column::GroupId)
        .from(deputy_group_members::Entity)
        .and_where(deputy_group_members::Column::DeputyId.eq(deputy_id))
        .to_owned();
    let checked_in = Query::select()
        .column(shift_check_ins::Column::ShiftId)
        .from(shift_check_ins::Entity)
        .and_where(shift_check_ins::Column::DeputyId.eq(deputy_id))
        .to_owned();
    let rows = duty_shifts::Entity::find()
        .filter(
            Condition::any()
                .add(duty_shifts::Column::DeputyId.eq(deputy_id))
                .add(duty_shifts::Column::GroupId.in_subquery(groups))
                .add(duty_shifts::Column::Id.in_subquery(checked_in)),
        )
        .filter(duty_shifts::Column::StartsAt.gte(from))
        .filter(duty_shifts::Column::StartsAt.lt(to))
        .filter(duty_shifts::Column::StartsAt.lte(now))
        .order_by_asc(duty_shifts::Column::StartsAt)
        .order_by_asc(duty_shifts::Column::Id)
        .all(db)
        .await?;
    let records = rosters::check_ins(db, rows.iter().map(|s| s.id)).await?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let record = records
                .get(&row.id)
                .and_then(|r| r.iter().find(|(d, _)| *d == deputy_id))
                .map(|(_, record)| *record)
                .unwrap_or_default();
            let attendance = attendance::attendance(&rosters::shift_of(row), record, now)?;
            Some(HeldShift {
                shift_id: row.id,
                station_id: row.station_id,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                attendance,
            })
        })
        .collect())
}

fn stored(row: register_entries::Model) -> Stored {
    Stored {
        id: row.id,
        deputy_id: row.deputy_id,
        entry: Entry {
            kind: *row.kind,
            date: row.date,
            title: row.title,
            detail: row.detail,
            activity_kind: row.activity_kind.map(|w| *w),
            proposal_kind: row.proposal_kind.map(|w| *w),
            answer: row.answer,
            answered_on: row.answered_on,
            satisfaction: row.satisfaction.map(|w| *w),
            attendees: row.attendees.and_then(|n| u32::try_from(n).ok()),
            score: row.score.and_then(|n| u32::try_from(n).ok()),
        },
        created_at: row.created_at,
        verified_by: row.verified_by,
        verified_at: row.verified_at,
    }
}

/// The deputies' manual entries of `year`, by date then as written.
pub async fn manual(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
    year: i32,
) -> Result<Vec<Stored>, DbErr> {
    manual_where(db, deputy_ids, register_entries::Column::Year.eq(year)).await
}

async fn manual_where(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
    within: SimpleExpr,
) -> Result<Vec<Stored>, DbErr> {
    Ok(register_entries::Entity::find()
        .filter(register_entries::Column::DeputyId.is_in(deputy_ids.iter().copied()))
        .filter(within)
        .order_by_asc(register_entries::Column::Date)
        .order_by_asc(register_entries::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(stored)
        .collect())
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Stored>, DbErr> {
    Ok(register_entries::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(stored))
}

/// The entry's fields as columns (its year from its date).
fn fields(entry: &Entry, now: DateTime<Utc>) -> register_entries::ActiveModel {
    let number = |n: Option<u32>| n.and_then(|n| i32::try_from(n).ok());
    register_entries::ActiveModel {
        year: Set(entry.year()),
        kind: Set(Word(entry.kind)),
        date: Set(entry.date),
        title: Set(entry.title.clone()),
        detail: Set(entry.detail.clone()),
        activity_kind: Set(entry.activity_kind.map(Word)),
        proposal_kind: Set(entry.proposal_kind.map(Word)),
        answer: Set(entry.answer.clone()),
        answered_on: Set(entry.answered_on),
        satisfaction: Set(entry.satisfaction.map(Word)),
        attendees: Set(number(entry.attendees)),
        score: Set(number(entry.score)),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Writes a checked manual entry for `deputy_id`, by account `created_by`.
pub async fn insert(
    db: &impl ConnectionTrait,
    deputy_id: i64,
    entry: &Entry,
    created_by: i64,
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let mut row = fields(entry, now);
    row.deputy_id = Set(deputy_id);
    row.created_by = Set(created_by);
    row.created_at = Set(now);
    Ok(stored(row.insert(db).await?))
}

/// Replaces entry `id`'s fields if it is not verified; `false` if it was (meanwhile).
pub async fn update(
    db: &impl ConnectionTrait,
    id: i64,
    entry: &Entry,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = register_entries::Entity::update_many()
        .set(fields(entry, now))
        .filter(register_entries::Column::Id.eq(id))
        .filter(register_entries::Column::VerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Marks entry `id` verified by `admin` if it was not; `false` if it already was.
pub async fn verify(
    db: &impl ConnectionTrait,
    id: i64,
    admin: i64,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = register_entries::Entity::update_many()
        .col_expr(register_entries::Column::VerifiedBy, Expr::value(admin))
        .col_expr(register_entries::Column::VerifiedAt, Expr::value(now))
        .filter(register_entries::Column::Id.eq(id))
        .filter(register_entries::Column::VerifiedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// What `deputy_id`'s registers of `year` count, as of now: every automatic entry, and the
/// manual entries an admin verified (`Counts::of`). The one reading of the registers the
/// performance record (履职档案) needs.
pub async fn counts(db: &impl ConnectionTrait, deputy_id: i64, year: i32) -> Result<Counts, DbErr> {
    let facts = facts(db, deputy_id, year, Utc::now()).await?;
    let manual = manual(db, &[deputy_id], year).await?;
    Ok(Counts::of(
        facts.counted(),
        manual.iter().map(|s| (&s.entry, s.verified())),
    ))
}

/// What the manual entries dated in `period` count for each of `deputy_ids` (the verified
/// ones, as `Counts::of` reads them), in one statement for any number of deputies: the
/// registers' part of the performance record and of the public board, whose automatic counts
/// are found in the cases for all deputies at once.
pub async fn manual_counts(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
    period: &Period,
) -> Result<HashMap<i64, Counts>, DbErr> {
    let dated = register_entries::Column::Date.between(period.first, period.last);
    let mut by_deputy: HashMap<i64, Vec<Stored>> = HashMap::new();
    for stored in manual_where(db, deputy_ids, dated).await? {
        by_deputy.entry(stored.deputy_id).or_default().push(stored);
    }
    Ok(deputy_ids
        .iter()
        .map(|id| {
            let entries = by_deputy.get(id).map(Vec::as_slice).unwrap_or_default();
            let counts = Counts::of([], entries.iter().map(|s| (&s.entry, s.verified())));
            (*id, counts)
        })
        .collect())
}
