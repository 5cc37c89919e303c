//! Scoring schemes (计分办法): publishing a county's new version for a year and reading them
//! back as the domain's `Scheme`. The store numbers the versions; the newest is in force.

use chrono::{DateTime, Utc};
use liaison_domain::performance::Scheme;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

use crate::entities::scoring_schemes;

/// One published version of a county's scheme for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub id: i64,
    pub county_id: i64,
    pub year: i32,
    pub version: i32,
    pub scheme: Scheme,
    pub published_at: DateTime<Utc>,
    pub published_by: i64,
}

/// Publishes `scheme` as the next version of the county's `year` (1 for the first). Two
/// publishers racing for one version meet the unique index: the loser's error is a conflict.
pub async fn publish(
    db: &(impl ConnectionTrait + TransactionTrait),
    county_id: i64,
    year: i32,
    scheme: &Scheme,
    by: i64,
    now: DateTime<Utc>,
) -> Result<Published, DbErr> {
    let weights: serde_json::Map<String, serde_json::Value> = scheme
        .weights()
        .filter(|(_, weight)| *weight != 0)
        .map(|(item, weight)| (item.as_str().to_owned(), weight.into()))
        .collect();
    let txn = db.begin().await?;
    let latest: Option<i32> = scoring_schemes::Entity::find()
        .select_only()
        .column_as(scoring_schemes::Column::Version.max(), "version")
        .filter(scoring_schemes::Column::CountyId.eq(county_id))
        .filter(scoring_schemes::Column::Year.eq(year))
        .into_tuple::<Option<i32>>()
        .one(&txn)
        .await?
        .flatten();
    let row = scoring_schemes::ActiveModel {
        id: NotSet,
        county_id: Set(county_id),
        year: Set(year),
        version: Set(latest.unwrap_or(0) + 1),
        weights: Set(serde_json::Value::Object(weights).to_string()),
        thresholds: Set(serde_json::json!(scheme.thresholds()).to_string()),
        published_at: Set(now),
        published_by: Set(by),
    };
    let inserted = scoring_schemes::Entity::insert(row)
        .exec_with_returning(&txn)
        .await?;
    txn.commit().await?;
    published(inserted)
}

/// Every version of the county's `year`, newest first.
pub async fn of_year(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: i32,
) -> Result<Vec<Published>, DbErr> {
    scoring_schemes::Entity::find()
        .filter(scoring_schemes::Column::CountyId.eq(county_id))
        .filter(scoring_schemes::Column::Year.eq(year))
        .order_by_desc(scoring_schemes::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(published)
        .collect()
}

/// The version in force for the county's `year`: the newest.
pub async fn in_force(
    db: &impl ConnectionTrait,
    county_id: i64,
    year: i32,
) -> Result<Option<Published>, DbErr> {
    scoring_schemes::Entity::find()
        .filter(scoring_schemes::Column::CountyId.eq(county_id))
        .filter(scoring_schemes::Column::Year.eq(year))
        .order_by_desc(scoring_schemes::Column::Version)
        .one(db)
        .await?
        .map(published)
        .transpose()
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Published>, DbErr> {
    scoring_schemes::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(published)
        .transpose()
}

/// A stored row as the domain's scheme; a row that no longer parses is a storage fault.
fn published(row: scoring_schemes::Model) -> Result<Published, DbErr> {
    let fault = |what: &str| DbErr::Custom(format!("scoring scheme {}: bad {what}", row.id));
    let weights: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.weights).map_err(|_| fault("weights"))?;
    let weights: Vec<(String, i64)> = weights
        .into_iter()
        .map(|(item, weight)| Some((item, weight.as_i64()?)))
        .collect::<Option<_>>()
        .ok_or_else(|| fault("weights"))?;
    let thresholds: Vec<i64> =
        serde_json::from_str(&row.thresholds).map_err(|_| fault("thresholds"))?;
    let scheme = Scheme::parse(&weights, &thresholds).map_err(|_| fault("scheme"))?;
    Ok(Published {
        id: row.id,
        county_id: row.county_id,
        year: row.year,
        version: row.version,
        scheme,
        published_at: row.published_at,
        published_by: row.published_by,
    })
}
