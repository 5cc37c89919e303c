//! `/console/cockpit`: the county's (or a township's) overview (驾驶舱) for a period: the
//! figures, the three rates against the period before, open cases by traffic light, cases by
//! month and by category as charts with their numbers below, the stations and the departments
//! ranked, and the deputies' stars for the period's year.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Utc};
use liaison_domain::clock::local_day;
use liaison_domain::policy;
use liaison_infra::store::cases::queue as store;
use serde::Deserialize;

use crate::app_error::AppError;
use crate::console::charts::{self, Bar, LineChart};
use crate::console::error::ConsoleResult;
use crate::console::messages::Messages;
use crate::console::pages::{choices, ok, Choice, Layout};
use crate::console::session::Staff;
use crate::departments::appraisal::appraise;
use crate::performance::service;
use crate::period::PeriodQuery;
use crate::state::AppState;
use crate::stats::dto::{Figures, Stats, StatsQuery};
use crate::stats::figures;
use liaison_domain::department_appraisal::Mark;
use liaison_domain::performance::star_text;

/// The period form as posted: empty fields are not given.
#[derive(Debug, Default, Deserialize)]
pub struct Asked {
    #[serde(default)]
    year: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    month: String,
}

/// A rate this period, the period before, and the change in percentage points.
pub struct Rate {
    pub name: &'static str,
    pub id: &'static str,
    pub now: String,
    pub before: String,
    /// `▲ 3.5` or `▼ 1.0`, nothing when either is unknown.
    pub change: String,
}

#[derive(Template)]
#[template(path = "console/cockpit.html")]
struct CockpitPage {
    m: &'static Messages,
    layout: Layout,
    years: Vec<Choice>,
    quarters: Vec<Choice>,
    months: Vec<Choice>,
    from: String,
    to: String,
    total: Figures,
    rates: Vec<Rate>,
    lights: Vec<(&'static str, &'static str, u64)>,
    by_month: LineChart,
    month_rows: Vec<(String, u64, u64)>,
    width: f64,
    height: f64,
    categories: Vec<Bar>,
    categories_height: f64,
    stations: Vec<(String, Figures)>,
    /// The departments ranked (承办单位测评): rank, name, score, mark and what it reads as.
    departments: Vec<(u32, String, String, &'static str, &'static str)>,
    /// The deputies with the most stars for the period's year (rank, name, score, ★★★☆☆);
    /// `None` without a scheme for it.
    stars: Option<Vec<(u32, String, i64, String)>>,
}

/// How many deputies the cockpit's stars table shows.
const TOP_DEPUTIES: usize = 10;

fn number(field: &'static str, text: &str) -> Result<Option<i64>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => text
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid_field(field, "not_a_number", "not a number")),
    }
}

fn shown(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn rate(name: &'static str, id: &'static str, now: Option<f64>, before: Option<f64>) -> Rate {
    let change = match (now, before) {
        (Some(now), Some(before)) => {
            let points = (now - before) * 100.0;
            let arrow = if points >= 0.0 { "▲" } else { "▼" };
            format!("{arrow} {:.1}", points.abs())
        }
        _ => String::new(),
    };
    Rate {
        name,
        id,
        now: shown(now),
        before: shown(before),
        change,
    }
}

pub async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    asked: web::Query<Asked>,
) -> ConsoleResult<HttpResponse> {
    let m = Messages::current();
    let actor = &staff.actor;
    if !policy::may_view_cockpit(actor) {
        return Err(AppError::Forbidden("the cockpit is the county's and the townships'").into());
    }
    let this_year = local_day(Utc::now()).year();
    let year = number("year", &asked.year)?.unwrap_or(i64::from(this_year));
    let period = PeriodQuery {
        year: i32::try_from(year).ok(),
        quarter: number("quarter", &asked.quarter)?.and_then(|q| u32::try_from(q).ok()),
        month: number("month", &asked.month)?.and_then(|m| u32::try_from(m).ok()),
        ..PeriodQuery::default()
    };
    let whole = StatsQuery {
        by_month: Some(true),
        ..StatsQuery::default()
    };
    let stats: Stats = figures(&state.db, actor, &period, &whole).await?;
    let before = {
        let previous = period.period()?.previous();
        let asked = PeriodQuery {
            from: Some(previous.first),
            to: Some(previous.last),
            ..PeriodQuery::default()
        };
        figures(&state.db, actor, &asked, &StatsQuery::default()).await?
    };
    let grouped = |by: &str| StatsQuery {
        group_by: Some(by.to_owned()),
        ..StatsQuery::default()
    };
    let by_category = figures(&state.db, actor, &period, &grouped("category")).await?;
    let by_station = figures(&state.db, actor, &period, &grouped("station")).await?;
    let departments = appraise(&state.db, actor, &period)
        .await?
        .departments
        .into_iter()
        .filter_map(|d| {
            let rank = d.rank?;
            let score = d
                .score
                .map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"));
            let (mark, label) = match d.mark {
                Some(Mark::Top) => ("top", m.cockpit_top),
                Some(Mark::Bottom) => ("bottom", m.cockpit_bottom),
                None => ("", ""),
            };
            Some((rank, d.name, score, mark, label))
        })
        .collect();
    let stars = deputies_stars(&state, actor, stats.from.year()).await?;
    let lights = store::lights(&state.db, actor, state.yellow_at, Utc::now())
        .await
        .map_err(AppError::from)?
        .into_iter()
        .map(|(light, n)| {
            let word = light.as_str();
            let label = m.light(word);
            (word, label, n)
        })
        .collect();

    let labels: Vec<String> = stats.months.iter().map(|mf| mf.month.clone()).collect();
    let received: Vec<u64> = stats.months.iter().map(|mf| mf.figures.received).collect();
    let resolved: Vec<u64> = stats.months.iter().map(|mf| mf.figures.resolved).collect();
    let month_rows = labels
        .iter()
        .zip(received.iter().zip(&resolved))
        .map(|(label, (r, d))| (label.clone(), *r, *d))
        .collect();
    let by_month = charts::lines(
        &labels,
        vec![
            (m.cockpit_received, "received", received),
            (m.cockpit_resolved, "resolved", resolved),
        ],
    );
    let categories = charts::bars(
        by_category
            .groups
            .iter()
            .map(|g| (g.name.clone(), g.figures.received))
            .collect(),
    );
    let mut stations: Vec<(String, Figures)> = by_station
        .groups
        .into_iter()
        .map(|g| (g.name, g.figures))
        .collect();
    // Most cases first; of as many, the better resolution rate.
    stations.sort_by(|a, b| {
        b.1.received.cmp(&a.1.received).then(
            b.1.resolution_rate
                .unwrap_or(0.0)
                .total_cmp(&a.1.resolution_rate.unwrap_or(0.0)),
        )
    });
    let years = (0..5).map(|back| {
        let y = (this_year - back).to_string();
        (y.clone(), y)
    });
    let total = stats.total;
    let rates = vec![
        rate(
            m.cockpit_response_rate,
            "response",
            total.response_rate,
            before.total.response_rate,
        ),
        rate(
            m.cockpit_resolution_rate,
            "resolution",
            total.resolution_rate,
            before.total.resolution_rate,
        ),
        rate(
            m.cockpit_satisfaction_rate,
            "satisfaction",
            total.satisfaction_rate,
            before.total.satisfaction_rate,
        ),
    ];
    let page = CockpitPage {
        m,
        layout: Layout::of(&staff, m, "cockpit"),
        years: choices(years, &year.to_string(), m.choose)
            .into_iter()
            .filter(|c| !c.value.is_empty())
            .collect(),
        quarters: choices(
            (1..=4).map(|q| (q.to_string(), format!("第{q}季度"))),
            asked.quarter.trim(),
            m.cockpit_whole_year,
        ),
        months: choices(
            (1..=12).map(|mo| (mo.to_string(), format!("{mo}月"))),
            asked.month.trim(),
            m.cockpit_whole_year,
        ),
        from: stats.from.to_string(),
        to: stats.to.to_string(),
        total,
        rates,
        lights,
        by_month,
        month_rows,
        width: charts::WIDTH,
        height: charts::HEIGHT,
        categories_height: charts::bars_height(categories.len()),
        categories,
        stations,
        departments,
        stars,
    };
    Ok(ok(&page))
}

/// The top of the deputies' ranking for `year`, as the cockpit's reader oversees it.
async fn deputies_stars(
    state: &AppState,
    actor: &liaison_domain::actor::Actor,
    year: i32,
) -> Result<Option<Vec<(u32, String, i64, String)>>, AppError> {
    // A period before the years schemes are kept for has no stars, rather than no cockpit.
    if !liaison_domain::period::RECORD_YEARS.contains(&year) {
        return Ok(None);
    }
    let year = year.to_string();
    let ranking = service::ranking(&state.db, actor, Some(&year), None, Utc::now()).await?;
    Ok(ranking.scheme.map(|_| {
        ranking
            .deputies
            .into_iter()
            .take(TOP_DEPUTIES)
            .filter_map(|d| {
                let stars = star_text(d.stars?);
                Some((d.rank_in_county?, d.name, d.score?, stars))
            })
            .collect()
    }))
}
