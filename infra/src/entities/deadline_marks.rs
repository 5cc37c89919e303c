//! The `deadline_marks` table: deadlines the watcher found passed, and when it escalated them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deadline_marks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: i64,
    /// `respond_by` or `resolve_by`.
    pub deadline: String,
    /// The deadline's value when it passed.
    pub due_at: DateTimeUtc,
    pub overdue_at: DateTimeUtc,
    pub escalated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
