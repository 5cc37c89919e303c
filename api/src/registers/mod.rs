//! The five registers (五簿) of a deputy and year: read with their automatic entries (from the
//! facts, computed now) and manual ones, added to, edited until verified, verified by an admin,
//! and taken away as one workbook. Who may is decided before a body or a year is read.

pub mod dto;
pub mod export;
pub mod routes;

use chrono::{Datelike, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::attendance::Attendance;
use liaison_domain::audit::AuditAction;
use liaison_domain::clock::local_day;
use liaison_domain::period;
use liaison_domain::policy;
use liaison_domain::register::{self, EntrySource, Refusal, RegisterKind};
use liaison_infra::entities::deputies;
use liaison_infra::store::registers::{self as store, Facts, Stored};
use sea_orm::ConnectionTrait;

use crate::app_error::{AppError, AppResult, Conflict};
use crate::audit::service::{self as audit, Entry as AuditEntry};
use crate::deputies::service::find as find_deputy;
use dto::{NewRegisterEntry, Register, RegisterEntry, RegisterEntryPatch, Registers};

/// A deputy whose registers the actor keeps, with the stations they sit at.
pub struct Kept {
    deputy: deputies::Model,
    station_ids: Vec<i64>,
}

impl Kept {
    pub fn deputy_id(&self) -> i64 {
        self.deputy.id
    }
}

/// The deputy, if `actor` keeps their registers: 404 for no such deputy, 403 for anyone
/// else (the directory shows every deputy, so hiding one would pretend).
pub async fn keeping(db: &impl ConnectionTrait, actor: &Actor, deputy_id: i64) -> AppResult<Kept> {
    let (deputy, station_ids) = find_deputy(db, deputy_id).await?;
    if !policy::may_keep_registers(actor, deputy.county_id, deputy.id, &station_ids) {
        return Err(AppError::Forbidden(
            "a deputy's registers are for the deputy and the admins of their stations",
        ));
    }
    Ok(Kept {
        deputy,
        station_ids,
    })
}

/// The year asked for, this year (Beijing time) when none.
pub fn year_of(asked: Option<&str>) -> AppResult<i32> {
    Ok(period::record_year(asked, local_day(Utc::now()).year())?)
}

/// The five registers of the deputy for `year`.
pub async fn read(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kept: &Kept,
    year: i32,
) -> AppResult<Registers> {
    let facts = store::facts(db, kept.deputy.id, year, Utc::now()).await?;
    let manual = store::manual(db, &[kept.deputy.id], year).await?;
    let mut automatic = automatic(&facts);
    let mut written: Vec<RegisterEntry> = manual.iter().map(manual_entry).collect();
    let registers = RegisterKind::ALL
        .iter()
        .map(|kind| {
            let mut entries: Vec<RegisterEntry> = automatic
                .extract_if(.., |e| e.kind == *kind)
                .chain(written.extract_if(.., |e| e.kind == *kind))
                .collect();
            entries.sort_by_key(|e| e.date);
            Register {
                kind: *kind,
                name: kind.title().to_owned(),
                entries,
            }
        })
        .collect();
    Ok(Registers {
        deputy_id: kept.deputy.id,
        deputy_name: kept.deputy.name.clone(),
        year,
        may_verify: policy::may_verify_registers(actor, kept.deputy.county_id, &kept.station_ids),
        registers,
    })
}

/// An entry with every field empty but where it comes from and what it says.
fn blank(
    source: EntrySource,
    kind: RegisterKind,
    date: chrono::NaiveDate,
    title: String,
) -> RegisterEntry {
    RegisterEntry {
        source,
        id: None,
        kind,
        date,
        title,
        detail: None,
        reception_id: None,
        case_id: None,
        case_number: None,
        shift_id: None,
        attendance: None,
        activity_kind: None,
        proposal_kind: None,
        answer: None,
        answered_on: None,
        satisfaction: None,
        attendees: None,
        score: None,
        verified: source == EntrySource::Auto,
        verified_by: None,
        verified_at: None,
    }
}

/// How a shift went, in the registers' words.
pub fn attendance_words(attendance: Attendance) -> &'static str {
    match attendance {
        Attendance::Held => "按时到岗",
        Attendance::Late => "迟到",
        Attendance::Missed => "缺勤",
    }
}

fn automatic(facts: &Facts) -> Vec<RegisterEntry> {
    let auto = EntrySource::Auto;
    let receptions = facts.receptions.iter().map(|r| RegisterEntry {
        reception_id: Some(r.reception_id),
        detail: Some(format!("来访 {} 人次", r.visitors)),
        ..blank(
            auto,
            RegisterKind::Reception,
            local_day(r.held_at),
            "接待选民".to_owned(),
        )
    });
    let cases = facts.cases.iter().map(|c| RegisterEntry {
        case_id: Some(c.case_id),
        case_number: Some(c.number.clone()),
        detail: Some(c.title.clone()),
        ..blank(
            auto,
            RegisterKind::Performance,
            local_day(c.accepted_at),
            format!("受理诉求 {}", c.number),
        )
    });
    let shifts = facts.shifts.iter().map(|s| RegisterEntry {
        shift_id: Some(s.shift_id),
        attendance: Some(s.attendance),
        detail: Some(format!(
            "{} 至 {}",
            liaison_domain::clock::local_time(s.starts_at),
            liaison_domain::clock::local_time(s.ends_at)
        )),
        ..blank(
            auto,
            RegisterKind::Performance,
            local_day(s.starts_at),
            format!("坐班:{}", attendance_words(s.attendance)),
        )
    });
    receptions.chain(cases).chain(shifts).collect()
}

fn manual_entry(stored: &Stored) -> RegisterEntry {
    let e = &stored.entry;
    RegisterEntry {
        id: Some(stored.id),
        detail: e.detail.clone(),
        activity_kind: e.activity_kind,
        proposal_kind: e.proposal_kind,
        answer: e.answer.clone(),
        answered_on: e.answered_on,
        satisfaction: e.satisfaction,
        attendees: e.attendees,
        score: e.score,
        verified: stored.verified(),
        verified_by: stored.verified_by,
        verified_at: stored.verified_at,
        ..blank(EntrySource::Manual, e.kind, e.date, e.title.clone())
    }
}

/// Adds a manual entry to the deputy's registers.
pub async fn add(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kept: &Kept,
    new: NewRegisterEntry,
) -> AppResult<RegisterEntry> {
    let entry = new.entry()?;
    let stored = store::insert(db, kept.deputy.id, &entry, actor.user_id, Utc::now()).await?;
    tracing::info!(
        user_id = actor.user_id,
        deputy_id = kept.deputy.id,
        entry_id = stored.id,
        "register entry added"
    );
    Ok(manual_entry(&stored))
}

/// A manual entry and its deputy, for whoever keeps the deputy's registers; 404 for anyone
/// else: an entry is not public.
pub async fn entry(
    db: &impl ConnectionTrait,
    actor: &Actor,
    entry_id: i64,
) -> AppResult<(Stored, Kept)> {
    let hidden = AppError::NotFound("register entry");
    let Some(stored) = store::find(db, entry_id).await? else {
        return Err(hidden);
    };
    match keeping(db, actor, stored.deputy_id).await {
        Ok(kept) => Ok((stored, kept)),
        Err(AppError::Forbidden(_)) => Err(hidden),
        Err(other) => Err(other),
    }
}

fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Verified => Conflict::RegisterEntryVerified.into(),
        Refusal::AlreadyVerified => Conflict::RegisterEntryAlreadyVerified.into(),
    }
}

/// Edits a manual entry until it is verified (409 after).
pub async fn edit(
    db: &impl ConnectionTrait,
    actor: &Actor,
    stored: Stored,
    patch: RegisterEntryPatch,
) -> AppResult<RegisterEntry> {
    register::edit(stored.verified()).map_err(refused)?;
    let entry = patch.applied_to(stored.entry.clone())?;
    if !store::update(db, stored.id, &entry, Utc::now()).await? {
        return Err(refused(Refusal::Verified));
    }
    tracing::info!(
        user_id = actor.user_id,
        entry_id = stored.id,
        "register entry edited"
    );
    let edited = store::find(db, stored.id)
        .await?
        .ok_or(AppError::NotFound("register entry"))?;
    Ok(manual_entry(&edited))
}

/// Verifies a manual entry: an admin of the deputy's stations, once (409 after).
pub async fn verify(
    db: &impl ConnectionTrait,
    actor: &Actor,
    stored: Stored,
    kept: &Kept,
) -> AppResult<RegisterEntry> {
    if !policy::may_verify_registers(actor, kept.deputy.county_id, &kept.station_ids) {
        return Err(AppError::Forbidden(
            "register entries are verified by the admins of the deputy's stations",
        ));
    }
    register::verify(stored.verified()).map_err(refused)?;
    if !store::verify(db, stored.id, actor.user_id, Utc::now()).await? {
        return Err(refused(Refusal::AlreadyVerified));
    }
    tracing::info!(
        user_id = actor.user_id,
        entry_id = stored.id,
        "register entry verified"
    );
    let verified = store::find(db, stored.id)
        .await?
        .ok_or(AppError::NotFound("register entry"))?;
    Ok(manual_entry(&verified))
}

/// The registers as a workbook, the download on the audit list.
pub async fn export(
    db: &impl ConnectionTrait,
    actor: &Actor,
    kept: &Kept,
    year: i32,
) -> AppResult<(Registers, Vec<u8>)> {
    let registers = read(db, actor, kept, year).await?;
    let workbook = export::workbook(&registers)?;
    let now = Utc::now();
    let entry = AuditEntry {
        county_id: kept.deputy.county_id,
        action: AuditAction::RegistersExported,
        target_id: kept.deputy.id,
        summary: format!("{} {year}", kept.deputy.name),
        station_ids: &kept.station_ids,
    };
    audit::record(db, actor, entry, now).await?;
    tracing::info!(
        user_id = actor.user_id,
        deputy_id = kept.deputy.id,
        year,
        "registers exported"
    );
    Ok((registers, workbook))
}
