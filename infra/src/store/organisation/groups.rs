//! Deputy groups (代表小组): named groups of a station's deputies, on duty together.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use liaison_domain::roster::Group;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};

use crate::entities::{deputy_group_members, deputy_groups};

/// A group with its members, in the order they were named.
#[derive(Debug, Clone)]
pub struct Stored {
    pub group: deputy_groups::Model,
    pub deputy_ids: Vec<i64>,
}

/// The station's groups by name.
pub async fn of_station(db: &impl ConnectionTrait, station_id: i64) -> Result<Vec<Stored>, DbErr> {
    let groups = deputy_groups::Entity::find()
        .filter(deputy_groups::Column::StationId.eq(station_id))
        .order_by_asc(deputy_groups::Column::Name)
        .order_by_asc(deputy_groups::Column::Id)
        .all(db)
        .await?;
    with_members(db, groups).await
}

pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<Stored>, DbErr> {
    let Some(group) = deputy_groups::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    Ok(with_members(db, vec![group]).await?.pop())
}

async fn with_members(
    db: &impl ConnectionTrait,
    groups: Vec<deputy_groups::Model>,
) -> Result<Vec<Stored>, DbErr> {
    let mut members = members_of(db, groups.iter().map(|g| g.id)).await?;
    Ok(groups
        .into_iter()
        .map(|group| Stored {
            deputy_ids: members.remove(&group.id).unwrap_or_default(),
            group,
        })
        .collect())
}

async fn members_of(
    db: &impl ConnectionTrait,
    group_ids: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<i64>>, DbErr> {
    let rows = deputy_group_members::Entity::find()
        .filter(deputy_group_members::Column::GroupId.is_in(group_ids))
        .order_by_asc(deputy_group_members::Column::DeputyId)
        .all(db)
        .await?;
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in rows {
        members.entry(row.group_id).or_default().push(row.deputy_id);
    }
    Ok(members)
}

/// The groups as the roster reads them: who each puts on duty.
pub async fn on_duty_groups(
    db: &impl ConnectionTrait,
    group_ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<Group>, DbErr> {
    let members = members_of(db, group_ids).await?;
    Ok(members
        .into_iter()
        .map(|(id, deputy_ids)| Group { id, deputy_ids })
        .collect())
}

pub async fn insert(
    db: &impl ConnectionTrait,
    station_id: i64,
    name: String,
    deputy_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<Stored, DbErr> {
    let group = deputy_groups::ActiveModel {
        station_id: Set(station_id),
        name: Set(name),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    set_members(db, group.id, deputy_ids).await?;
    Ok(Stored {
        group,
        deputy_ids: deputy_ids.to_vec(),
    })
}

pub async fn rename(
    db: &impl ConnectionTrait,
    group: deputy_groups::Model,
    name: String,
) -> Result<deputy_groups::Model, DbErr> {
    let mut active: deputy_groups::ActiveModel = group.into();
    active.name = Set(name);
    active.update(db).await
}

/// Makes the group's members exactly `deputy_ids`.
pub async fn set_members(
    db: &impl ConnectionTrait,
    group_id: i64,
    deputy_ids: &[i64],
) -> Result<(), DbErr> {
    deputy_group_members::Entity::delete_many()
        .filter(deputy_group_members::Column::GroupId.eq(group_id))
        .exec(db)
        .await?;
    if deputy_ids.is_empty() {
        return Ok(());
    }
    deputy_group_members::Entity::insert_many(deputy_ids.iter().map(|deputy_id| {
        deputy_group_members::ActiveModel {
            group_id: Set(group_id),
            deputy_id: Set(*deputy_id),
        }
    }))
    .exec(db)
    .await?;
    Ok(())
}

pub async fn delete(db: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
    set_members(db, id, &[]).await?;
    deputy_groups::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}
