//! Deputies and the stations they sit at (四级代表进站).

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entities::{deputies, deputy_stations};

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<deputies::Model>, DbErr> {
    deputies::Entity::find_by_id(id).one(db).await
}

/// The stations each of `deputy_ids` sits at, in id order; a deputy at none is absent.
pub async fn stations_of(
    db: &impl ConnectionTrait,
    deputy_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let links: Vec<(i64, i64)> = deputy_stations::Entity::find()
        .select_only()
        .column(deputy_stations::Column::DeputyId)
        .column(deputy_stations::Column::StationId)
        .filter(deputy_stations::Column::DeputyId.is_in(deputy_ids.iter().copied()))
        .order_by_asc(deputy_stations::Column::StationId)
        .into_tuple()
        .all(db)
        .await?;
    let mut stations: HashMap<i64, Vec<i64>> = HashMap::new();
    for (deputy_id, station_id) in links {
        stations.entry(deputy_id).or_default().push(station_id);
    }
    Ok(stations)
}
