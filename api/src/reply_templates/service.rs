//! Reading and keeping saved replies. A county's staff read the county's and their stations';
//! county admins write the county's, whoever administers a station writes the station's
//! (`policy::may_read_reply_template`, `may_write_reply_template`).

use chrono::Utc;
use liaison_domain::actor::Actor;
use liaison_domain::case::text;
use liaison_domain::{policy, Invalid};
use liaison_infra::entities::reply_templates;
use liaison_infra::store::organisation::stations;
use liaison_infra::store::reply_templates::{
    self as store, NewReplyTemplate as NewRow, ReplyTemplateChange, Stations,
};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app_error::{AppError, AppResult};
use crate::pagination::{Page, Paged, MAX_LIMIT};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReplyTemplate {
    pub id: i64,
    pub county_id: i64,
    /// `null` for the county's own; else the station whose it is.
    pub station_id: Option<i64>,
    #[schema(example = "已转交承办单位")]
    pub title: String,
    /// The reply as it will be sent, before it is edited.
    pub body: String,
}

impl From<reply_templates::Model> for ReplyTemplate {
    fn from(m: reply_templates::Model) -> Self {
        Self {
            id: m.id,
            county_id: m.county_id,
            station_id: m.station_id,
            title: m.title,
            body: m.body,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewReplyTemplate {
    /// A station of the caller's county, for a station's own; absent for the county's.
    pub station_id: Option<i64>,
    /// 1–100 characters.
    pub title: String,
    /// 1–2000 characters: what a reply may hold.
    pub body: String,
}

/// A change to a saved reply; an absent field is kept. Whose it is does not change.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReplyTemplatePatch {
    pub title: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReplyTemplateFilter {
    /// Only the county's own and this station's (a case's station, for its reply form).
    pub station_id: Option<i64>,
}

/// The county of a staff member who may read its saved replies, or 403.
fn readable_county(actor: &Actor) -> AppResult<i64> {
    actor
        .county_id
        .filter(|county| policy::may_read_reply_template(actor, *county, None))
        .ok_or(AppError::Forbidden(
            "saved replies are for the county's staff",
        ))
}

/// The saved replies the actor reads: the county's, and those of the stations they work at
/// or administer (or only of `station_id`, when the filter names one they read).
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    filter: &ReplyTemplateFilter,
    page: Page,
) -> AppResult<Paged<ReplyTemplate>> {
    let county_id = readable_county(actor)?;
    let stations = match filter.station_id {
        Some(station) if policy::may_read_reply_template(actor, county_id, Some(station)) => {
            // Asked of the station's own county: another county's admin reads none of it.
            if county_of(db, station)
                .await?
                .is_some_and(|of| of != county_id)
            {
                return Err(AppError::Forbidden(
                    "that station's saved replies are not yours to read",
                ));
            }
            Stations::Only(vec![station])
        }
        Some(_) => {
            return Err(AppError::Forbidden(
                "that station's saved replies are not yours to read",
            ))
        }
        None if policy::may_administer_county(actor, county_id) => Stations::All,
        None => Stations::Only(
            actor
                .station_ids
                .iter()
                .copied()
                .filter(|station| policy::may_read_reply_template(actor, county_id, Some(*station)))
                .collect(),
        ),
    };
    let rows = store::list(db, county_id, &stations, page).await?;
    Ok(Paged::finish(page, rows, |r| r.id, ReplyTemplate::from))
}

/// The saved replies offered in the reply form of a case at `station_id` of `county_id`: the
/// county's and the station's, as far as the actor reads them (none for who reads none).
pub async fn offered(
    db: &impl ConnectionTrait,
    actor: &Actor,
    county_id: i64,
    station_id: i64,
) -> AppResult<Vec<ReplyTemplate>> {
    if !policy::may_read_reply_template(actor, county_id, None) {
        return Ok(Vec::new());
    }
    let station = policy::may_read_reply_template(actor, county_id, Some(station_id));
    let stations = Stations::Only(station.then_some(station_id).into_iter().collect());
    let page = Page {
        limit: MAX_LIMIT,
        after: None,
    };
    let rows = store::list(db, county_id, &stations, page).await?;
    Ok(rows
        .into_iter()
        .take(MAX_LIMIT as usize)
        .map(ReplyTemplate::from)
        .collect())
}

/// One saved reply the actor reads; 404 for one they do not (or no such one).
pub async fn find(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<ReplyTemplate> {
    Ok(readable(db, actor, id).await?.into())
}

async fn readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<reply_templates::Model> {
    store::find(db, id)
        .await?
        .filter(|t| policy::may_read_reply_template(actor, t.county_id, t.station_id))
        .ok_or(AppError::NotFound("reply_template"))
}

/// A saved reply the actor reads and may change: 404 when they do not read it, 403 when
/// they read it but may not write it.
async fn writable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
) -> AppResult<reply_templates::Model> {
    let found = readable(db, actor, id).await?;
    if policy::may_write_reply_template(actor, found.county_id, found.station_id) {
        Ok(found)
    } else {
        Err(AppError::Forbidden(
            "this saved reply is kept by the admins of its county or station",
        ))
    }
}

pub async fn create(
    db: &impl ConnectionTrait,
    actor: &Actor,
    new: NewReplyTemplate,
) -> AppResult<ReplyTemplate> {
    let county_id = actor.county_id.ok_or(AppError::Forbidden(
        "saved replies are for the county's staff",
    ))?;
    if !policy::may_write_reply_template(actor, county_id, new.station_id) {
        return Err(AppError::Forbidden(match new.station_id {
            None => "the county's saved replies are kept by its county admins",
            Some(_) => "a station's saved replies are kept by its admins",
        }));
    }
    let (title, body) = texts(Some(&new.title), Some(&new.body))?;
    // An admin writes into its own county: another county's station is a field named wrong.
    if let Some(station_id) = new.station_id {
        if county_of(db, station_id).await? != Some(county_id) {
            return Err(AppError::invalid_field(
                "station_id",
                "unknown",
                "no station of your county has this id",
            ));
        }
    }
    let row = NewRow {
        county_id,
        station_id: new.station_id,
        title: title.unwrap_or_default(),
        body: body.unwrap_or_default(),
    };
    Ok(store::insert(db, row, Utc::now()).await?.into())
}

/// The county of station `station_id`, if there is such a station.
async fn county_of(db: &impl ConnectionTrait, station_id: i64) -> AppResult<Option<i64>> {
    Ok(stations::find(db, station_id).await?.map(|s| s.county_id))
}

pub async fn update(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: i64,
    patch: ReplyTemplatePatch,
) -> AppResult<ReplyTemplate> {
    let found = writable(db, actor, id).await?;
    let (title, body) = texts(patch.title.as_deref(), patch.body.as_deref())?;
    let change = ReplyTemplateChange { title, body };
    Ok(store::update(db, found, change, Utc::now()).await?.into())
}

pub async fn delete(db: &impl ConnectionTrait, actor: &Actor, id: i64) -> AppResult<()> {
    let found = writable(db, actor, id).await?;
    if store::delete(db, found.id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound("reply_template"))
    }
}

/// The title and body given, checked together so that both errors show at once.
fn texts(
    title: Option<&str>,
    body: Option<&str>,
) -> Result<(Option<String>, Option<String>), Invalid> {
    match (
        title.map(text::title).transpose(),
        body.map(|b| text::content("body", b)).transpose(),
    ) {
        (Ok(title), Ok(body)) => Ok((title, body)),
        (title, body) => Err(Invalid::merge([title.err(), body.err()])),
    }
}
