//! Publishing a scoring scheme (计分办法) is on the audit list: a new action and a new kind of
//! target among the words the audit list's columns accept.

use liaison_domain::audit::{AuditAction, AuditTarget};
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn rules() -> [Rule; 2] {
    [
        Rule::of::<AuditAction>("audit_entries", "action"),
        Rule::of::<AuditTarget>("audit_entries", "target_kind"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::renew(manager, &rules()).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The rules stay as they are: older code never writes the new words, and entries
        // already written keep them.
        Ok(())
    }
}
