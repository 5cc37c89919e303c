//! Counties: the top of the region tree. Only the command line (and the demo) create one,
//! since no account exists yet that could do it through the API.

use chrono::{DateTime, Utc};
use liaison_domain::region::RegionLevel;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entities::{regions, Word};

/// The region, of any level, that holds `code`.
pub async fn holder_of_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<regions::Model>, DbErr> {
    regions::Entity::find()
        .filter(regions::Column::Code.eq(code))
        .one(db)
        .await
}

/// Writes a county: a root of the tree, with the letters its case numbers start with.
pub async fn insert(
    db: &impl ConnectionTrait,
    name: &str,
    code: &str,
    now: DateTime<Utc>,
) -> Result<regions::Model, DbErr> {
    regions::ActiveModel {
        name: Set(name.to_owned()),
        level: Set(Word(RegionLevel::County)),
        parent_id: Set(None),
        county_id: Set(None),
        code: Set(Some(code.to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
}
