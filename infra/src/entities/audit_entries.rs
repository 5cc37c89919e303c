//! The `audit_entries` table.

use liaison_domain::audit::{AuditAction, AuditTarget};
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub county_id: i64,
    /// `None` once the acting account is gone, or for the command line.
    pub actor_id: Option<i64>,
    pub action: Word<AuditAction>,
    pub target_kind: Word<AuditTarget>,
    pub target_id: i64,
    pub summary: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
