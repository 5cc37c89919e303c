//! `/console/departments/appraisal`: the department appraisal (承办单位测评) for a year, a
//! quarter or a month, ranked, the top five and the bottom three marked; plain HTML, readable
//! without JavaScript.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Utc};
use liaison_domain::clock::local_day;
use liaison_domain::department_appraisal::Mark;
use liaison_domain::{FieldError, Invalid};
use serde::Deserialize;

use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{choices, html, Choice, Layout};
use crate::console::session::Staff;
use crate::departments::appraisal::{appraise, appraiser_county, AppraisedDepartment};
use crate::period::PeriodQuery;
use crate::state::AppState;

/// Years offered back from this one: a deputies' term.
const YEARS: i32 = 5;

/// The query as typed, so that a bad value comes back beside its field.
#[derive(Debug, Default, Deserialize)]
pub struct AppraisalQuery {
    #[serde(default)]
    year: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    month: String,
}

/// A line as the table shows it: numbers already written out.
pub struct Line {
    pub department_id: i64,
    pub name: String,
    pub rank: String,
    pub assigned: u32,
    pub handled_on_time: u32,
    pub on_time_rate: String,
    pub reopened: u32,
    pub resident_rated: u32,
    pub satisfaction_rate: String,
    pub deputy_ratings: String,
    pub deputies_score: String,
    pub score: String,
    /// `top` or `bottom`, with its words.
    pub mark: Option<(&'static str, &'static str)>,
}

impl Line {
    fn of(d: AppraisedDepartment, m: &Messages) -> Self {
        let o = m.org;
        let shown = |value: Option<f64>| {
            value.map_or_else(|| o.appraisal_none.to_owned(), |v| format!("{v:.1}"))
        };
        let percent = |value: Option<f64>| {
            value.map_or_else(|| o.appraisal_none.to_owned(), |v| format!("{v:.1}%"))
        };
        let r = &d.deputy_ratings;
        Self {
            department_id: d.department_id,
            rank: d
                .rank
                .map_or_else(|| o.appraisal_unranked.to_owned(), |r| r.to_string()),
            assigned: d.assigned,
            handled_on_time: d.handled_on_time,
            on_time_rate: percent(d.on_time_rate),
            reopened: d.reopened,
            resident_rated: d.resident_rated,
            satisfaction_rate: percent(d.satisfaction_rate),
            deputy_ratings: format!(
                "{}/{}/{}",
                r.satisfied, r.basically_satisfied, r.unsatisfied
            ),
            deputies_score: shown(d.deputies_score),
            score: shown(d.score),
            mark: d.mark.map(|mark| match mark {
                Mark::Top => (mark.as_str(), o.appraisal_top),
                Mark::Bottom => (mark.as_str(), o.appraisal_bottom),
            }),
            name: d.name,
        }
    }
}

#[derive(Template)]
#[template(path = "console/appraisal.html")]
struct AppraisalPage {
    m: &'static Messages,
    layout: Layout,
    years: Vec<Choice>,
    quarters: Vec<Choice>,
    months: Vec<Choice>,
    /// The days counted, `2026-01-01 至 2026-12-31`, once the period was read.
    period: Option<String>,
    lines: Vec<Line>,
    errors: Vec<(String, String)>,
}

/// Reads a number the selects offer; anything else is wrong in its field.
fn number<T: std::str::FromStr>(field: &'static str, raw: &str) -> Result<Option<T>, FieldError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse()
        .map(Some)
        .map_err(|_| FieldError::new(field, "not_a_number", "choose a value from the list"))
}

fn period_of(query: &AppraisalQuery) -> Result<PeriodQuery, Invalid> {
    let year = number("year", &query.year);
    let quarter = number("quarter", &query.quarter);
    let month = number("month", &query.month);
    match (year, quarter, month) {
        (Ok(year), Ok(quarter), Ok(month)) => Ok(PeriodQuery {
            year,
            quarter,
            month,
            ..PeriodQuery::default()
        }),
        (year, quarter, month) => Err(Invalid(
            [year.err(), quarter.err(), month.err()]
                .into_iter()
                .flatten()
                .collect(),
        )),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<AppraisalQuery>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let o = m.org;
    // Who may is decided before anything asked is read.
    appraiser_county(&staff.actor)?;
    let this_year = local_day(Utc::now()).year();
    // Nothing chosen is this year so far, shown as this year.
    let chosen_year = if query.year.trim().is_empty()
        && query.quarter.trim().is_empty()
        && query.month.trim().is_empty()
    {
        this_year.to_string()
    } else {
        query.year.trim().to_owned()
    };
    let answered = match period_of(&query) {
        Ok(asked) => appraise(&state.db, &staff.actor, &asked).await,
        Err(invalid) => Err(AppError::Invalid(invalid)),
    };
    let (status, period, lines, errors) = match answered {
        Ok(appraisal) => (
            StatusCode::OK,
            Some(format!("{} 至 {}", appraisal.from, appraisal.to)),
            appraisal
                .departments
                .into_iter()
                .map(|d| Line::of(d, m))
                .collect(),
            Vec::new(),
        ),
        Err(AppError::Invalid(invalid)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Vec::new(),
            invalid
                .0
                .into_iter()
                .map(|e| (e.field.clone(), m.field_error(e.code).to_owned()))
                .collect(),
        ),
        Err(other) => return Err(other.into()),
    };
    let numbers = |range: std::ops::RangeInclusive<i32>| {
        range
            .map(|n| (n.to_string(), n.to_string()))
            .collect::<Vec<_>>()
    };
    let page = AppraisalPage {
        m,
        layout: Layout::of(&staff, m, "departments"),
        years: choices(
            (this_year - YEARS + 1..=this_year)
                .rev()
                .map(|y| (y.to_string(), y.to_string())),
            &chosen_year,
            o.appraisal_year,
        ),
        quarters: choices(numbers(1..=4), query.quarter.trim(), o.appraisal_whole),
        months: choices(numbers(1..=12), query.month.trim(), o.appraisal_whole),
        period,
        lines,
        errors,
    };
    Ok(html(status, &page))
}
