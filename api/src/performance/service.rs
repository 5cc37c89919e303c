//! The use-cases of scoring schemes and performance records: who may is decided first (by
//! `domain::policy`), then the year and the body are read.

use chrono::{DateTime, Datelike, Utc};
use liaison_domain::actor::Actor;
use liaison_domain::audit::AuditAction;
use liaison_domain::clock::local_day;
use liaison_domain::performance::{self, Entry, Scheme};
use liaison_domain::period;
use liaison_domain::policy;
use liaison_infra::store::organisation::stations;
use liaison_infra::store::performance::{self as store, DeputyFacts, Over};
use liaison_infra::store::scoring_schemes::{self as schemes, Published};
use sea_orm::{ConnectionTrait, TransactionTrait};

use super::dto::{
    NewScoringScheme, Performance, PerformanceRanking, RankedDeputy, SchemeInForce, ScoreLine,
    ScoringScheme, ScoringSchemes,
};
use crate::app_error::{AppError, AppResult};
use crate::audit::service::{self as audit, Entry as AuditEntry};
use crate::deputies::service::find as find_deputy;

/// The year asked for, this year on the county's clock when absent.
pub fn year_of(asked: Option<&str>, now: DateTime<Utc>) -> AppResult<i32> {
    Ok(period::record_year(asked, local_day(now).year())?)
}

/// The county whose schemes `actor` reads: its staff's; else 403.
pub fn reader_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|_| policy::may_read_scoring_schemes(actor))
        .ok_or(AppError::Forbidden(
            "scoring schemes are for the county's staff",
        ))
}

/// The county `actor` publishes schemes for: a county admin's; else 403. Asked before the
/// body is opened.
pub fn publisher_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|_| policy::may_publish_scoring_scheme(actor))
        .ok_or(AppError::Forbidden(
            "only the county's admins publish a scoring scheme",
        ))
}

/// Every version of the county's schemes for the year asked, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    asked_year: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<ScoringSchemes> {
    let county_id = reader_county(actor)?;
    let year = year_of(asked_year, now)?;
    let versions = schemes::of_year(db, county_id, year).await?;
    Ok(ScoringSchemes {
        year,
        items: versions
            .into_iter()
            .enumerate()
            .map(|(i, published)| ScoringScheme::of(published, i == 0))
            .collect(),
    })
}

/// One version; another county's is 404.
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<ScoringScheme> {
    let county_id = reader_county(actor)?;
    let published = schemes::find(db, id)
        .await?
        .filter(|p| p.county_id == county_id)
        .ok_or(AppError::NotFound("scoring scheme"))?;
    let newest = schemes::in_force(db, county_id, published.year).await?;
    let in_force = newest.is_some_and(|n| n.id == published.id);
    Ok(ScoringScheme::of(published, in_force))
}

/// Publishes the next version of the county's scheme for the body's year.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    county_id: i64,
    body: NewScoringScheme,
    now: DateTime<Utc>,
) -> AppResult<ScoringScheme> {
    let year = match body.year {
        Some(y) if period::RECORD_YEARS.contains(&y) => y,
        Some(_) => {
            return Err(AppError::invalid_field(
                "year",
                "out_of_range",
                "a year from 2000 to 9999",
            ))
        }
        None => local_day(now).year(),
    };
    let weights: Vec<(String, i64)> = body.weights.into_iter().collect();
    let scheme = Scheme::parse(&weights, &body.thresholds)?;
    let txn = db.begin().await?;
    let published = schemes::publish(&txn, county_id, year, &scheme, actor.user_id, now)
        .await
        .map_err(|e| {
            AppError::on_unique(e, &[("scoring_schemes", "version", "published_meanwhile")])
        })?;
    // A new version re-scores every deputy of the county at once: who did it is on record.
    let entry = AuditEntry {
        county_id,
        action: AuditAction::ScoringSchemePublished,
        target_id: published.id,
        summary: format!("{year} v{}", published.version),
        station_ids: &[],
    };
    audit::record(&txn, actor, entry, now).await?;
    txn.commit().await?;
    Ok(ScoringScheme::of(published, true))
}

/// A deputy's record for `year`: the deputy themself and the admins in scope
/// (`policy::may_read_performance`); no such deputy is 404, anyone else 403.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    deputy_id: i64,
    asked_year: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Performance> {
    let (deputy, station_ids) = find_deputy(db, deputy_id).await?;
    if !policy::may_read_performance(actor, deputy.county_id, deputy.id, &station_ids) {
        return Err(AppError::Forbidden(
            "a performance record is for the deputy and the admins of their stations",
        ));
    }
    let year = year_of(asked_year, now)?;
    let counted = store::facts(db, Over::Deputy(deputy_id), year, now).await?;
    let facts = counted
        .into_iter()
        .next()
        .map(|c| c.facts)
        .ok_or(AppError::NotFound("deputy"))?;
    let in_force = schemes::in_force(db, deputy.county_id, year).await?;
    let scored = in_force.as_ref().map(|p| p.scheme.score(&facts));
    Ok(Performance {
        deputy_id,
        name: deputy.name,
        year,
        facts: facts.into(),
        scheme: in_force.as_ref().map(scheme_ref),
        score: scored.as_ref().map(|s| s.score),
        stars: scored.as_ref().map(|s| s.stars),
        breakdown: scored.map(|s| s.breakdown.into_iter().map(ScoreLine::from).collect()),
    })
}

/// The county whose deputies `actor` ranks (county and township admins); else 403.
pub fn ranker_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|_| policy::may_rank_performance(actor))
        .ok_or(AppError::Forbidden(
            "the ranking is for county and township admins",
        ))
}

/// The county's serving deputies ranked for `year`, ranks taken over the whole county and
/// within each township, then narrowed to what the actor oversees (a township admin: the
/// deputies placed in its township) and to `township_id` if asked.
pub async fn ranking(
    db: &impl ConnectionTrait,
    actor: &Actor,
    asked_year: Option<&str>,
    township_id: Option<i64>,
    now: DateTime<Utc>,
) -> AppResult<PerformanceRanking> {
    let county_id = ranker_county(actor)?;
    let year = year_of(asked_year, now)?;
    let township_id =
        policy::ranking_township(actor, township_id).ok_or(AppError::NotFound("township"))?;
    let counted = store::facts(db, Over::County(county_id), year, now).await?;
    let in_force = schemes::in_force(db, county_id, year).await?;
    let townships = stations::townships(db, county_id).await?;
    let mut deputies = ranked(counted, in_force.as_ref(), |station| {
        townships.get(&station).map(|t| (t.id, t.name.clone()))
    });
    if let Some(township) = township_id {
        deputies.retain(|d| d.township_id == Some(township));
    }
    Ok(PerformanceRanking {
        year,
        scheme: in_force.as_ref().map(scheme_ref),
        deputies,
    })
}

/// Scores and ranks the records: in the county, and in each township (`township_of` a
/// station). Without a scheme, the records by name with no score or rank.
fn ranked(
    counted: Vec<DeputyFacts>,
    in_force: Option<&Published>,
    township_of: impl Fn(i64) -> Option<(i64, String)>,
) -> Vec<RankedDeputy> {
    let mut lines: Vec<RankedDeputy> = counted
        .into_iter()
        .map(|c| {
            let scored = in_force.map(|p| p.scheme.score(&c.facts));
            let township = c.station_id.and_then(&township_of);
            RankedDeputy {
                deputy_id: c.deputy_id,
                name: c.name,
                township_id: township.as_ref().map(|t| t.0),
                township: township.map(|t| t.1),
                score: scored.as_ref().map(|s| s.score),
                stars: scored.map(|s| s.stars),
                rank_in_county: None,
                rank_in_township: None,
            }
        })
        .collect();
    if in_force.is_none() {
        lines.sort_by(|a, b| a.name.cmp(&b.name).then(a.deputy_id.cmp(&b.deputy_id)));
        return lines;
    }
    let entries = |lines: &[RankedDeputy]| -> Vec<Entry<(i64, usize)>> {
        lines
            .iter()
            .enumerate()
            .map(|(at, l)| Entry {
                key: (l.deputy_id, at),
                name: l.name.clone(),
                score: l.score.unwrap_or(0),
            })
            .collect()
    };
    let in_county = performance::rank(entries(&lines));
    let mut townships: Vec<Option<i64>> = lines.iter().map(|l| l.township_id).collect();
    townships.sort_unstable();
    townships.dedup();
    for township in townships.into_iter().flatten() {
        let members: Vec<Entry<(i64, usize)>> = entries(&lines)
            .into_iter()
            .filter(|e| lines[e.key.1].township_id == Some(township))
            .collect();
        for (place, entry) in performance::rank(members) {
            lines[entry.key.1].rank_in_township = Some(place);
        }
    }
    let order: Vec<usize> = in_county
        .iter()
        .map(|(place, entry)| {
            lines[entry.key.1].rank_in_county = Some(*place);
            entry.key.1
        })
        .collect();
    let mut slots: Vec<Option<RankedDeputy>> = lines.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|at| slots[at].take())
        .collect()
}

fn scheme_ref(published: &Published) -> SchemeInForce {
    SchemeInForce {
        id: published.id,
        version: published.version,
    }
}
