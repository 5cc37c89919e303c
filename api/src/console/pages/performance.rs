//! `/console/scoring-schemes`, `/console/deputies/{id}/performance` and
//! `/console/deputies/performance`: the county's scoring schemes (计分办法) with the form that
//! publishes a new version, a deputy's performance record (履职档案) item by item with their
//! stars, and the ranking, through the same use-cases as the API.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::Utc;
use liaison_domain::performance::{star_text, Item};
use liaison_domain::{policy, FieldError};
use serde::Deserialize;

use crate::app_error::AppError;
use crate::console::error::ConsoleResult;
use crate::console::form::{checked, Form, Input, Posted};
use crate::console::messages::Messages;
use crate::console::once::{once, outcome, Outcome};
use crate::console::pages::{html, id_of, see_other, Layout};
use crate::console::session::Staff;
use crate::performance::dto::{NewScoringScheme, Performance, RankedDeputy, ScoringScheme};
use crate::performance::service;
use crate::state::AppState;

const PATH: &str = "/console/scoring-schemes";
const RANKING: &str = "/console/deputies/performance";

/// The year as typed, so that a bad one comes back beside its field.
#[derive(Debug, Default, Deserialize)]
pub struct YearAsked {
    #[serde(default)]
    year: String,
    #[serde(default)]
    done: String,
}

impl YearAsked {
    /// Blank is this year.
    fn year(&self) -> Option<&str> {
        Some(self.year.trim()).filter(|y| !y.is_empty())
    }
}

/// The errors of a use-case that refused what was asked, as (field, message); any other
/// error is the page's.
fn messages(error: AppError, m: &Messages) -> Result<Vec<(String, String)>, AppError> {
    match error {
        AppError::Invalid(invalid) => Ok(invalid
            .0
            .into_iter()
            .map(|e| (e.field, m.field_error(e.code).to_owned()))
            .collect()),
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "console/scoring_schemes.html")]
struct SchemesPage {
    m: &'static Messages,
    layout: Layout,
    year: String,
    /// Where the year's form asks (`console/year_form.html`).
    year_action: &'static str,
    versions: Vec<ScoringScheme>,
    form: Option<Form>,
    errors: Vec<(String, String)>,
    notice: Option<&'static str>,
}

/// The publishing form, for the county's admins; the weights start at those of the scheme in
/// force, if any.
fn publish_form(staff: &Staff, year: &str, in_force: Option<&ScoringScheme>) -> Option<Form> {
    if !policy::may_publish_scoring_scheme(&staff.actor) {
        return None;
    }
    let m = Messages::current();
    let s = m.stars;
    let weight = |item: Item| {
        in_force
            .and_then(|scheme| scheme.weights.iter().find(|w| w.item == item))
            .map_or(0, |w| w.weight)
    };
    let mut form = Form::new("scheme", PATH, s.scheme_publish)
        .creating()
        .field("year", s.year, Input::Number, |f| f.required().value(year));
    for item in Item::ALL {
        form = form.field(item.as_str(), s.item(*item), Input::Number, |f| {
            f.value(weight(*item).to_string())
                .hint(s.scheme_weight_hint)
        });
    }
    let thresholds = in_force
        .map(|scheme| {
            scheme
                .thresholds
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    Some(form.field("thresholds", s.thresholds, Input::Text, |f| {
        f.required().value(thresholds).hint(s.thresholds_hint)
    }))
}

async fn render_schemes(
    state: &AppState,
    staff: &Staff,
    asked: &YearAsked,
    posted: Option<(&Posted, &[FieldError])>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let (mut status, year, versions, errors) =
        match service::list(&state.db, &staff.actor, asked.year(), Utc::now()).await {
            Ok(listed) => (
                StatusCode::OK,
                listed.year.to_string(),
                listed.items,
                Vec::new(),
            ),
            Err(error) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                asked.year.clone(),
                Vec::new(),
                messages(error, m)?,
            ),
        };
    let mut form = publish_form(staff, &year, versions.first());
    if let Some((sent, refused)) = posted {
        form = form.map(|f| f.again(sent, refused, m));
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let page = SchemesPage {
        m,
        layout: Layout::of(staff, m, "deputies"),
        year,
        year_action: PATH,
        versions,
        form,
        errors,
        notice: (!asked.done.is_empty()).then_some(m.stars.scheme_published),
    };
    Ok(html(status, &page))
}

pub async fn schemes(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<YearAsked>,
) -> ConsoleResult<HttpResponse> {
    render_schemes(&state, &staff, &query, None).await
}

/// The scheme the form typed: blank weights are 0; thresholds are numbers separated by commas
/// (or spaces, or the Chinese comma).
fn typed(sent: &Posted) -> Result<NewScoringScheme, Vec<FieldError>> {
    let mut errors = Vec::new();
    let year = match sent.one("year").trim().parse::<i32>() {
        Ok(year) => Some(year),
        Err(_) => {
            errors.push(FieldError::new("year", "out_of_range", "a year"));
            None
        }
    };
    let mut weights = std::collections::BTreeMap::new();
    for item in Item::ALL {
        let raw = sent.one(item.as_str()).trim();
        match raw.parse::<i64>() {
            Ok(weight) => {
                weights.insert(item.as_str().to_owned(), weight);
            }
            Err(_) if raw.is_empty() => {}
            Err(_) => errors.push(FieldError::new(item.as_str(), "not_a_number", "a number")),
        }
    }
    let thresholds: Result<Vec<i64>, _> = sent
        .one("thresholds")
        .split([',', '，', ' ', '、'])
        .filter(|t| !t.trim().is_empty())
        .map(|t| t.trim().parse::<i64>())
        .collect();
    let thresholds = thresholds.unwrap_or_else(|_| {
        errors.push(FieldError::new("thresholds", "not_rising", "numbers"));
        Vec::new()
    });
    if errors.is_empty() {
        Ok(NewScoringScheme {
            year,
            weights,
            thresholds,
        })
    } else {
        Err(errors)
    }
}

pub async fn publish(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<Vec<(String, String)>>,
) -> ConsoleResult<HttpResponse> {
    let sent = checked(&state, &staff, form)?;
    // Who may is decided before anything typed is read.
    let county_id = service::publisher_county(&staff.actor)?;
    let work = async {
        let scheme = match typed(&sent) {
            Ok(scheme) => scheme,
            Err(errors) => return Ok(Outcome::Refused(errors)),
        };
        let done = service::publish(&state.db, &staff.actor, county_id, scheme, Utc::now()).await;
        // The domain names a weight `weights.<item>`; the form's field is the item.
        Ok(match outcome(done)? {
            Outcome::Refused(errors) => Outcome::Refused(
                errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: e.field.trim_start_matches("weights.").to_owned(),
                        ..e
                    })
                    .collect(),
            ),
            done => done,
        })
    };
    let asked = YearAsked {
        year: sent.one("year").trim().to_owned(),
        done: String::new(),
    };
    match once(&state, &staff, sent.once(), work).await? {
        Outcome::Done => Ok(see_other(format!(
            "{PATH}?year={}&done=1",
            url::form_urlencoded::byte_serialize(asked.year.as_bytes()).collect::<String>()
        ))),
        Outcome::Refused(errors) => {
            render_schemes(&state, &staff, &asked, Some((&sent, &errors))).await
        }
    }
}

/// A line of the record: an item's count and, under a scheme, its weight and points.
pub struct RecordLine {
    pub item: &'static str,
    pub word: &'static str,
    pub count: i64,
    pub weight: Option<i64>,
    pub points: Option<i64>,
}

#[derive(Template)]
#[template(path = "console/performance.html")]
struct RecordPage {
    m: &'static Messages,
    layout: Layout,
    year: String,
    year_action: String,
    record: Option<Performance>,
    lines: Vec<RecordLine>,
    stars: Option<String>,
    ranks: bool,
    errors: Vec<(String, String)>,
}

fn lines_of(record: &Performance, m: &Messages) -> Vec<RecordLine> {
    let f = &record.facts;
    let counts = [
        f.receptions_attended,
        f.cases_accepted,
        f.cases_resolved,
        f.shifts_held,
        f.shifts_late,
        f.shifts_missed,
        f.cases_satisfied,
        f.cases_basically_satisfied,
        f.cases_unsatisfied,
        f.activities,
        f.trainings,
        f.proposals_filed,
        f.report_back_score,
    ];
    Item::ALL
        .iter()
        .zip(counts)
        .map(|(item, count)| {
            let line = record
                .breakdown
                .as_ref()
                .and_then(|b| b.iter().find(|l| l.item == *item));
            RecordLine {
                item: item.as_str(),
                word: m.stars.item(*item),
                count,
                weight: line.map(|l| l.weight),
                points: line.map(|l| l.points),
            }
        })
        .collect()
}

pub async fn record(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    query: web::Query<YearAsked>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let deputy_id = id_of(&id, "deputy")?;
    let asked = service::record(&state.db, &staff.actor, deputy_id, query.year(), Utc::now());
    let (status, year, record, errors) = match asked.await {
        Ok(record) => (
            StatusCode::OK,
            record.year.to_string(),
            Some(record),
            Vec::new(),
        ),
        Err(error) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            query.year.clone(),
            None,
            messages(error, m)?,
        ),
    };
    let page = RecordPage {
        m,
        layout: Layout::of(&staff, m, "deputies"),
        year_action: format!("/console/deputies/{deputy_id}/performance"),
        year,
        lines: record.as_ref().map(|r| lines_of(r, m)).unwrap_or_default(),
        stars: record.as_ref().and_then(|r| r.stars).map(star_text),
        record,
        ranks: policy::may_rank_performance(&staff.actor),
        errors,
    };
    Ok(html(status, &page))
}

/// A deputy in the ranking as the table shows them.
pub struct RankLine {
    pub deputy: RankedDeputy,
    pub stars: String,
}

#[derive(Template)]
#[template(path = "console/performance_ranking.html")]
struct RankingPage {
    m: &'static Messages,
    layout: Layout,
    year: String,
    year_action: &'static str,
    scheme: bool,
    lines: Vec<RankLine>,
    errors: Vec<(String, String)>,
}

pub async fn ranking(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<YearAsked>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let asked = service::ranking(&state.db, &staff.actor, query.year(), None, Utc::now());
    let page = match asked.await {
        Ok(ranking) => RankingPage {
            m,
            layout: Layout::of(&staff, m, "deputies"),
            year: ranking.year.to_string(),
            year_action: RANKING,
            scheme: ranking.scheme.is_some(),
            lines: ranking
                .deputies
                .into_iter()
                .map(|deputy| RankLine {
                    stars: deputy.stars.map(star_text).unwrap_or_default(),
                    deputy,
                })
                .collect(),
            errors: Vec::new(),
        },
        Err(error) => RankingPage {
            m,
            layout: Layout::of(&staff, m, "deputies"),
            year: query.year.clone(),
            year_action: RANKING,
            scheme: false,
            lines: Vec::new(),
            errors: messages(error, m)?,
        },
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(html(status, &page))
}
