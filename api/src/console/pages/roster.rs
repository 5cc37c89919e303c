//! `/console/stations/{id}/roster`: a station's duty roster as a week grid, a column a day,
//! each shift a small form (change it, remove it) and each day a form to add one. Every form
//! asks the roster's use-case to rewrite the week with that one change, so the domain checks
//! the week as a whole; what it refuses comes back on the shift it is about, as typed.
//! A deputy who sits at the station reads the same grid without its forms.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc};
use liaison_domain::roster::{Period, Shift};
use liaison_domain::{policy, FieldError};
use liaison_infra::store::reference::Kind;
use serde::Deserialize;

use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::form::{Form, Input};
use crate::console::messages::Messages;
use crate::console::pages::{
    beijing, choices, from_local, html, id_of, reception_days, Choice, Layout,
};
use crate::console::session::Staff;
use crate::deputies::service as deputies;
use crate::groups::service as group_service;
use crate::state::AppState;
use crate::stations::dto::{RosterQuery, ShiftOut};
use crate::stations::roster::{self, Edit};
use crate::stations::service as stations;

const DAY: &str = "%Y-%m-%d";
const TIME: &str = "%H:%M";

#[derive(Debug, Default, Deserialize)]
pub struct WeekQuery {
    #[serde(default)]
    week: String,
    #[serde(default)]
    done: String,
}

/// What a shift's form sends, every field as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ShiftForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    week: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    deputy_id: String,
    #[serde(default)]
    starts: String,
    #[serde(default)]
    ends: String,
    /// A deputy group of the station, or empty for none.
    #[serde(default)]
    group_id: String,
    /// `remove` from the remove button; anything else saves.
    #[serde(default)]
    action: String,
}

/// One shift's form: a stored shift (`key` its id) or the day's new one (`key` `new-{day}`).
pub struct ShiftRow {
    pub key: String,
    pub action: String,
    pub stored: bool,
    pub day: String,
    pub deputies: Vec<Choice>,
    /// The station's groups to name beside the deputy; empty when it has none.
    pub groups: Vec<Choice>,
    pub starts: String,
    pub ends: String,
    /// Each deputy on duty whose attendance is known: held, late or missed.
    pub attendance: Vec<Presence>,
    /// The group the stored shift names, by name.
    pub group_name: Option<String>,
    pub deputy_error: Option<&'static str>,
    pub starts_error: Option<&'static str>,
    pub ends_error: Option<&'static str>,
    /// Errors on no field of this form (a shift naming nobody, say).
    pub errors: Vec<&'static str>,
}

/// One deputy's attendance on a shift, and when they checked in.
pub struct Presence {
    pub deputy: String,
    pub attendance: &'static str,
    pub checked_in: Option<String>,
}

pub struct Day {
    pub date: String,
    pub label: String,
    pub shifts: Vec<ShiftRow>,
    /// The form to add a shift, when the station has deputies to put on it.
    pub add: Option<ShiftRow>,
}

#[derive(Template)]
#[template(path = "console/roster.html")]
struct RosterPage {
    m: &'static Messages,
    layout: Layout,
    station_id: i64,
    station: String,
    week: String,
    prev: String,
    next: String,
    days: Vec<Day>,
    has_deputies: bool,
    /// Whether the reader runs the station: otherwise the grid is to read, without forms.
    editable: bool,
    /// The reception days as lines, the next one, and for those who run the station the form.
    reception_days: String,
    next_reception_day: Option<String>,
    form: Option<Form>,
    notice: Option<&'static str>,
}

/// The Monday of the week `raw` (any day of it) names on the county's clock; this week when
/// it names none.
fn monday_of(raw: &str) -> NaiveDate {
    let day = NaiveDate::parse_from_str(raw.trim(), DAY)
        .unwrap_or_else(|_| Utc::now().with_timezone(&beijing()).date_naive());
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn week_period(monday: NaiveDate) -> ConsoleResult<Period> {
    let from = from_local(monday, NaiveTime::MIN);
    Ok(Period::parse(from, from + Duration::days(7)).map_err(AppError::Invalid)?)
}

/// The shift a form describes, or the fields that cannot make one. No deputy chosen is "no
/// single deputy": the domain refuses it unless a group is chosen.
fn shift_of(form: &ShiftForm) -> Result<Shift, Vec<FieldError>> {
    let mut errors = Vec::new();
    let deputy_id = crate::console::form::optional(&form.deputy_id)
        .map(|d| {
            d.parse::<i64>()
                .map_err(|_| FieldError::new("deputy_id", "unknown", "choose a deputy"))
        })
        .transpose();
    let day = NaiveDate::parse_from_str(form.day.trim(), DAY)
        .map_err(|_| FieldError::new("starts_at", "invalid_date", "not a day"));
    let time = |field: &'static str, value: &str| {
        NaiveTime::parse_from_str(value.trim(), TIME)
            .map_err(|_| FieldError::new(field, "invalid_time", "not a time of day"))
    };
    let starts = time("starts_at", &form.starts);
    let ends = time("ends_at", &form.ends);
    // A group that is not a number names none of the station's: the domain says so.
    let group_id = crate::console::form::optional(&form.group_id).map(|g| g.parse().unwrap_or(0));
    match (deputy_id, day, starts, ends) {
        (Ok(deputy_id), Ok(day), Ok(starts), Ok(ends)) => Ok(Shift {
            deputy_id,
            group_id,
            starts_at: from_local(day, starts),
            ends_at: from_local(day, ends),
        }),
        (deputy_id, day, starts, ends) => {
            errors.extend(deputy_id.err());
            errors.extend(day.err());
            errors.extend(starts.err());
            errors.extend(ends.err());
            Err(errors)
        }
    }
}

/// What the last form posted: which row, what it held, and the errors by row key (the
/// domain names the others' too).
struct Posted<'a> {
    key: String,
    form: &'a ShiftForm,
    errors: Vec<FieldError>,
}

impl Posted<'_> {
    /// The errors on the row `key`, with the field names the row's inputs have.
    fn on(&self, key: &str) -> Vec<(String, &'static str)> {
        let own = if key == self.key { Some("new") } else { None };
        self.errors
            .iter()
            .filter_map(|e| match e.field.strip_prefix("shifts[") {
                Some(rest) => {
                    // `shifts[7].deputy_id` is on a field of row 7; `shifts[7]` on the row.
                    let (id, field) = rest.split_once(']')?;
                    let field = field.strip_prefix('.').unwrap_or(field);
                    let mine = id == key || (Some(id) == own);
                    mine.then(|| (field.to_owned(), e.code))
                }
                // Unnamed by the domain, or a field of the form itself: the posted row's.
                None => (key == self.key).then(|| (e.field.clone(), e.code)),
            })
            .collect()
    }
}

fn hm(at: DateTime<Utc>) -> String {
    at.with_timezone(&beijing()).format(TIME).to_string()
}

/// What a row shows: its fields' values, and of a stored shift its deputies' attendance.
#[derive(Default)]
struct Values {
    deputy_id: String,
    group_id: String,
    starts: String,
    ends: String,
    attendance: Vec<Presence>,
}

/// The choices of a row: the station's deputies and its groups.
struct Choices<'a> {
    deputies: &'a [(String, String)],
    groups: &'a [(String, String)],
}

fn row(
    m: &'static Messages,
    station_id: i64,
    key: String,
    day: &str,
    values: Values,
    options: &Choices<'_>,
    posted: Option<&Posted<'_>>,
) -> ShiftRow {
    let stored = !key.starts_with("new-");
    let action = if stored {
        format!("/console/stations/{station_id}/roster/shifts/{key}")
    } else {
        format!("/console/stations/{station_id}/roster/shifts")
    };
    let kept = posted.filter(|p| p.key == key);
    let (deputy_id, group_id, starts, ends) = match kept {
        Some(p) => (
            p.form.deputy_id.clone(),
            p.form.group_id.clone(),
            p.form.starts.clone(),
            p.form.ends.clone(),
        ),
        None => (
            values.deputy_id,
            values.group_id,
            values.starts,
            values.ends,
        ),
    };
    let errors = posted.map(|p| p.on(&key)).unwrap_or_default();
    let on = |field: &str| {
        errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, code)| m.field_error(code))
    };
    ShiftRow {
        deputy_error: on("deputy_id"),
        starts_error: on("starts_at"),
        ends_error: on("ends_at"),
        errors: errors
            .iter()
            .filter(|(f, _)| !["deputy_id", "starts_at", "ends_at"].contains(&f.as_str()))
            .map(|(_, code)| m.field_error(code))
            .collect(),
        // With groups to choose, no deputy is a choice of its own: the group's alone.
        deputies: choices(
            options.deputies.iter().cloned(),
            &deputy_id,
            if options.groups.is_empty() {
                m.choose
            } else {
                m.roster_no_deputy
            },
        ),
        groups: if options.groups.is_empty() {
            Vec::new()
        } else {
            choices(options.groups.iter().cloned(), &group_id, m.none)
        },
        attendance: values.attendance,
        group_name: None,
        key,
        action,
        stored,
        day: day.to_owned(),
        starts,
        ends,
    }
}

/// The week's grid for `staff`, with the last posted form's values and errors if any.
async fn render(
    state: &AppState,
    staff: &Staff,
    station_id: i64,
    week: &str,
    posted: Option<Posted<'_>>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let station = stations::find_with_roster(&state.db, &staff.actor, station_id).await?;
    // Deputies read their stations' rosters; only the station's admins change them.
    let editable = policy::may_administer_station(&staff.actor, station.county_id, station.id);
    let monday = monday_of(week);
    let period = week_period(monday)?;
    let query = RosterQuery {
        from: Some(period.from()),
        to: Some(period.to()),
    };
    let shifts = roster::read(&state.db, station_id, &query).await?.shifts;
    let sitting = deputies::at(&state.db, station_id).await?;
    let deputies: Vec<(String, String)> = sitting
        .into_iter()
        .map(|d| (d.id.to_string(), d.name))
        .collect();
    // The station's groups are its admins' to read; a deputy sees a shift's group by name.
    let groups: Vec<(String, String)> = if editable {
        group_service::list(&state.db, &staff.actor, station.id)
            .await?
            .into_iter()
            .map(|g| (g.id.to_string(), g.name))
            .collect()
    } else {
        Vec::new()
    };
    let options = Choices {
        deputies: &deputies,
        groups: &groups,
    };
    let posted = posted.as_ref();
    let days = (0..7)
        .map(|offset| {
            let date = monday + Duration::days(offset);
            let day = date.format(DAY).to_string();
            let on_day = |s: &&ShiftOut| s.starts_at.with_timezone(&beijing()).date_naive() == date;
            let shifts = shifts
                .iter()
                .filter(on_day)
                .map(|s| {
                    let values = Values {
                        deputy_id: s.deputy_id.map(|d| d.to_string()).unwrap_or_default(),
                        group_id: s.group_id.map(|g| g.to_string()).unwrap_or_default(),
                        starts: hm(s.starts_at),
                        ends: hm(s.ends_at),
                        attendance: s
                            .on_duty
                            .iter()
                            .filter_map(|d| {
                                Some(Presence {
                                    deputy: d.deputy_name.clone(),
                                    attendance: m.attendance(d.attendance.as_deref()?),
                                    checked_in: d.checked_in_at.map(hm),
                                })
                            })
                            .collect(),
                    };
                    let mut shown = row(
                        m,
                        station_id,
                        s.id.to_string(),
                        &day,
                        values,
                        &options,
                        posted,
                    );
                    shown.group_name = s.group_name.clone();
                    shown
                })
                .collect();
            let add = (editable && !deputies.is_empty()).then(|| {
                row(
                    m,
                    station_id,
                    format!("new-{day}"),
                    &day,
                    Values::default(),
                    &options,
                    posted,
                )
            });
            Day {
                label: format!("{} {}", m.weekdays[offset as usize], date.format("%m-%d")),
                date: day,
                shifts,
                add,
            }
        })
        .collect();
    let schedule = crate::stations::reception_days::read(&state.db, station.id).await?;
    let reception_text = reception_days::text(&schedule, m);
    let page = RosterPage {
        m,
        next_reception_day: reception_days::next(&schedule),
        form: editable.then(|| reception_days::form(station.id, reception_text.clone(), m)),
        reception_days: reception_text,
        layout: Layout::of(staff, m, "stations"),
        station_id,
        station: station.name,
        week: monday.format(DAY).to_string(),
        prev: (monday - Duration::days(7)).format(DAY).to_string(),
        next: (monday + Duration::days(7)).format(DAY).to_string(),
        has_deputies: !deputies.is_empty(),
        editable,
        days,
        notice,
    };
    Ok(html(status, &page))
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<WeekQuery>,
) -> ConsoleResult<HttpResponse> {
    let station_id = id_of(&id, "station")?;
    let notice = (!query.done.is_empty()).then_some(Messages::current().case_done);
    render(
        &state,
        &staff,
        station_id,
        &query.week,
        None,
        notice,
        StatusCode::OK,
    )
    .await
}

/// Adds a shift on the form's day.
pub async fn add(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    form: web::Form<ShiftForm>,
) -> ConsoleResult<HttpResponse> {
    let station_id = id_of(&id, "station")?;
    let form = form.into_inner();
    let key = format!("new-{}", form.day.trim());
    let edit = shift_of(&form).map(Edit::Add);
    write(&state, &staff, station_id, key, &form, edit).await
}

/// Changes or (with `action=remove`) removes the stored shift `shift_id`.
pub async fn change(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    form: web::Form<ShiftForm>,
) -> ConsoleResult<HttpResponse> {
    let (id, shift) = path.into_inner();
    let station_id = id_of(&id, "station")?;
    let shift_id = id_of(&shift, "shift")?;
    let form = form.into_inner();
    let edit = if form.action == "remove" {
        Ok(Edit::Remove(shift_id))
    } else {
        shift_of(&form).map(|shift| Edit::Change(shift_id, shift))
    };
    write(
        &state,
        &staff,
        station_id,
        shift_id.to_string(),
        &form,
        edit,
    )
    .await
}

/// Makes `edit` to the form's week, or shows the grid again with why not on row `key`.
async fn write(
    state: &AppState,
    staff: &Staff,
    station_id: i64,
    key: String,
    form: &ShiftForm,
    edit: Result<Edit, Vec<FieldError>>,
) -> ConsoleResult<HttpResponse> {
    staff.check_csrf(state, &form.csrf)?;
    let monday = monday_of(&form.week);
    let week = monday.format(DAY).to_string();
    let errors = match edit {
        Err(errors) => errors,
        Ok(edit) => {
            let period = week_period(monday)?;
            match roster::edit(&state.db, &staff.actor, station_id, period, edit).await {
                Ok(_) => {
                    state.reference.changed(Kind::Rosters).await;
                    let to = format!("/console/stations/{station_id}/roster?week={week}&done=1");
                    return Ok(HttpResponse::SeeOther()
                        .insert_header((header::LOCATION, to))
                        .finish());
                }
                Err(AppError::Invalid(invalid)) => invalid.0,
                Err(other) => return Err(other.into()),
            }
        }
    };
    let posted = Posted { key, form, errors };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    render(state, staff, station_id, &week, Some(posted), None, status).await
}
