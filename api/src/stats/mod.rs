//! The figures (`GET /api/v1/stats`): for a period, over the cases the caller oversees, grouped
//! by station, township, category, department, deputy or channel, and by month if asked.
//! What each figure counts is `liaison_domain::stats`'s; the counting is the store's.

pub mod dto;
pub mod rollup;
pub mod routes;

use std::collections::{BTreeMap, HashMap};

use chrono::Utc;
use liaison_domain::actor::{Actor, Role};
use liaison_domain::case::{EventKind, Outcome};
use liaison_domain::policy;
use liaison_domain::stats::{rate, GroupBy};
use liaison_infra::entities::cases;
use liaison_infra::store::cases::figures::{self, Ask, Counts, Key};
use liaison_infra::store::cases::rules::visible;
use liaison_infra::store::organisation::{categories, departments, deputies, regions, stations};
use sea_orm::{ColumnTrait, ConnectionTrait};

use crate::app_error::{AppError, AppResult};
use crate::console::messages::Messages;
use crate::period::PeriodQuery;
use dto::{Figures, GroupFigures, MonthFigures, Outcomes, Stats, StatsQuery};

/// The figures `query` asks for over the period asked, as `actor` may see them. Who may is
/// asked before anything is read of the query.
pub async fn figures(
    db: &impl ConnectionTrait,
    actor: &Actor,
    period: &PeriodQuery,
    query: &StatsQuery,
) -> AppResult<Stats> {
    let Some(county_id) = actor.county_id.filter(|_| policy::may_read_figures(actor)) else {
        return Err(AppError::Forbidden(
            "figures are for admins, and for deputies of their own cases",
        ));
    };
    let period = period.period()?;
    let group_by = query.group_by.as_deref().map(GroupBy::parse).transpose()?;
    let county_stations = stations::of_county(db, county_id).await?;
    let overseen: Vec<i64> = match actor.role {
        Role::CountyAdmin => county_stations.iter().map(|s| s.id).collect(),
        _ => actor.station_ids.clone(),
    };
    let mut within = visible(actor);
    if actor.role == Role::Deputy {
        within = within.add(cases::Column::AssigneeId.eq(actor.deputy_id));
    }
    let reception_stations = match query.station_id {
        Some(id) if overseen.contains(&id) => {
            within = within.add(cases::Column::StationId.eq(id));
            vec![id]
        }
        // Another station's figures are not the caller's to know exist.
        Some(_) => return Err(AppError::NotFound("station")),
        None => overseen,
    };
    // An admin's cases are all the cases of the stations counted (every case of a county lies
    // at one of its stations); a deputy's are only their own, which no rollup row tells apart.
    let rolled_stations = (actor.role != Role::Deputy).then(|| reception_stations.clone());
    let townships: HashMap<i64, i64> = stations::townships(db, county_id)
        .await?
        .into_iter()
        .map(|(station, township)| (station, township.id))
        .collect();
    let key = match group_by {
        None => Key::All,
        Some(GroupBy::Station) => Key::Station,
        Some(GroupBy::Township) => Key::Township(townships),
        Some(GroupBy::Category) => Key::Category,
        Some(GroupBy::Department) => Key::Department,
        Some(GroupBy::Deputy) => Key::Deputy,
        Some(GroupBy::Channel) => Key::Channel,
    };
    let (from, to) = period.instants();
    let ask = Ask {
        within,
        reception_stations,
        deputy: (actor.role == Role::Deputy)
            .then_some(actor.deputy_id)
            .flatten(),
        rolled_stations,
        key,
        by_month: query.by_month.unwrap_or(false),
        from,
        to,
        now: Utc::now(),
    };
    let receptions = matches!(
        ask.key,
        Key::All | Key::Station | Key::Township(_) | Key::Deputy
    );
    let buckets = figures::count(db, &ask).await?;

    // Months into groups, groups into the whole.
    let mut total = Counts::default();
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    let mut groups: BTreeMap<Option<String>, (Counts, BTreeMap<String, Counts>)> = BTreeMap::new();
    for ((key, month), counts) in &buckets {
        total.absorb(counts);
        months.entry(month.clone()).or_default().absorb(counts);
        let (whole, by_month) = groups.entry(key.clone()).or_default();
        whole.absorb(counts);
        by_month.entry(month.clone()).or_default().absorb(counts);
    }
    let names = names(db, county_id, group_by, &groups).await?;
    let by_month = ask.by_month;
    let mut listed: Vec<GroupFigures> = match group_by {
        None => Vec::new(),
        Some(_) => groups
            .iter()
            .map(|(key, (whole, its_months))| GroupFigures {
                key: key.clone(),
                name: key
                    .as_ref()
                    .and_then(|k| names.get(k).cloned())
                    .unwrap_or_else(|| "（无）".to_owned()),
                figures: figures_of(whole, receptions),
                months: if by_month {
                    months_of(its_months, receptions)
                } else {
                    Vec::new()
                },
            })
            .collect(),
    };
    // Numbered keys in their number's order, the group of none last.
    listed.sort_by_key(|g| {
        (
            g.key.is_none(),
            g.key.as_ref().and_then(|k| k.parse::<i64>().ok()),
            g.key.clone(),
        )
    });
    let all_months = match by_month {
        true => months_of(&months, receptions),
        false => Vec::new(),
    };
    Ok(Stats {
        from: period.first,
        to: period.last,
        group_by: group_by.map(|g| g.as_str().to_owned()),
        total: figures_of(&total, receptions),
        months: all_months,
        groups: listed,
    })
}

/// The months' figures; the standing (overdue now) is in no month.
fn months_of(months: &BTreeMap<String, Counts>, receptions: bool) -> Vec<MonthFigures> {
    months
        .iter()
        .filter(|(month, _)| !month.is_empty())
        .map(|(month, counts)| MonthFigures {
            month: month.clone(),
            figures: figures_of(counts, receptions),
        })
        .collect()
}

/// The figures of `counts`, as the glossary defines them; receptions counted (none held is
/// 0) where the grouping has them.
pub fn figures_of(counts: &Counts, receptions: bool) -> Figures {
    let held = |n: Option<u64>| match receptions {
        true => Some(n.unwrap_or(0)),
        false => None,
    };
    let step = |kind: EventKind| counts.step(kind);
    let outcome = |o: Outcome| counts.outcome(o);
    Figures {
        received: counts.received,
        accepted: step(EventKind::Accepted),
        declined: step(EventKind::Declined),
        assigned: step(EventKind::Assigned),
        resolved: step(EventKind::Resolved),
        resolved_by_outcome: Outcomes {
            implemented: outcome(Outcome::Implemented),
            explained: outcome(Outcome::Explained),
            planned: outcome(Outcome::Planned),
            not_feasible: outcome(Outcome::NotFeasible),
        },
        reopened: step(EventKind::Reopened),
        overdue_now: counts.overdue,
        rated: counts.ratings.rated(),
        response_rate: rate(counts.answered_in_time, counts.due_to_respond),
        resolution_rate: rate(counts.resolved_of_due, counts.due_to_resolve),
        satisfaction_rate: counts.ratings.satisfaction_rate(),
        median_first_response_hours: counts.first_response.median_hours(),
        median_resolution_hours: counts.resolution.median_hours(),
        receptions: held(counts.receptions),
        visitors: held(counts.visitors),
    }
}

/// The names the groups' keys stand for.
async fn names<T>(
    db: &impl ConnectionTrait,
    county_id: i64,
    group_by: Option<GroupBy>,
    groups: &BTreeMap<Option<String>, T>,
) -> AppResult<HashMap<String, String>> {
    let ids = || {
        groups
            .keys()
            .flatten()
            .filter_map(|k| k.parse::<i64>().ok())
    };
    let named = |pairs: Vec<(i64, String)>| {
        pairs
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect::<HashMap<_, _>>()
    };
    Ok(match group_by {
        None => HashMap::new(),
        Some(GroupBy::Station) => named(
            stations::of_county(db, county_id)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect(),
        ),
        Some(GroupBy::Township) => named(
            regions::below(db, county_id)
                .await?
                .into_iter()
                .map(|r| (r.id, r.name))
                .collect(),
        ),
        Some(GroupBy::Category) => named(
            categories::of_county(db, county_id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
        ),
        Some(GroupBy::Department) => named(
            departments::of_county(db, county_id)
                .await?
                .into_iter()
                .map(|d| (d.id, d.name))
                .collect(),
        ),
        Some(GroupBy::Deputy) => named(deputies::names(db, ids()).await?.into_iter().collect()),
        Some(GroupBy::Channel) => {
            let m = Messages::current();
            groups
                .keys()
                .flatten()
                .map(|k| (k.clone(), m.case_channel(k).to_owned()))
                .collect()
        }
    })
}
