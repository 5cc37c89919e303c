//! The five registers' (五簿) manual entries: one table for every register, the fields one
//! register keeps (an activity's kind, a proposal's answer, a report-back's attendees) left
//! empty in the others. Automatic entries are never stored: they are read from the facts.
//! Exporting a deputy's registers is on the audit list: its action joins the words allowed.

use liaison_domain::audit::AuditAction;
use liaison_domain::case::Rating;
use liaison_domain::register::{ActivityKind, ProposalKind, RegisterKind};
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::{
    foreign_key, id, index, optional_reference, optional_text, optional_timestamp, reference, text,
    timestamp,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum RegisterEntries {
    Table,
    Id,
    DeputyId,
    Year,
    Kind,
    Date,
    Title,
    Detail,
    ActivityKind,
    ProposalKind,
    Answer,
    AnsweredOn,
    Satisfaction,
    Attendees,
    Score,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    VerifiedBy,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum Deputies {
    Table,
    Id,
}

const BY_DEPUTY_YEAR: &str = "register_entries_deputy_year_idx";

fn new_rules() -> [Rule; 4] {
    [
        Rule::of::<RegisterKind>("register_entries", "kind"),
        Rule::optional::<ActivityKind>("register_entries", "activity_kind"),
        Rule::optional::<ProposalKind>("register_entries", "proposal_kind"),
        Rule::optional::<Rating>("register_entries", "satisfaction"),
    ]
}

fn audit_rules() -> [Rule; 1] {
    [Rule::of::<AuditAction>("audit_entries", "action")]
}

fn number<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).integer().null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RegisterEntries::Table)
                    .col(id(RegisterEntries::Id))
                    .col(reference(RegisterEntries::DeputyId))
                    // The date's year, kept so that a year's register is read by index.
                    .col(ColumnDef::new(RegisterEntries::Year).integer().not_null())
                    .col(text(RegisterEntries::Kind))
                    .col(ColumnDef::new(RegisterEntries::Date).date().not_null())
                    .col(text(RegisterEntries::Title))
                    .col(optional_text(RegisterEntries::Detail))
                    .col(optional_text(RegisterEntries::ActivityKind))
                    .col(optional_text(RegisterEntries::ProposalKind))
                    .col(optional_text(RegisterEntries::Answer))
                    .col(ColumnDef::new(RegisterEntries::AnsweredOn).date().null())
                    .col(optional_text(RegisterEntries::Satisfaction))
                    .col(number(RegisterEntries::Attendees))
                    .col(number(RegisterEntries::Score))
                    .col(reference(RegisterEntries::CreatedBy))
                    .col(timestamp(RegisterEntries::CreatedAt))
                    .col(timestamp(RegisterEntries::UpdatedAt))
                    .col(optional_reference(RegisterEntries::VerifiedBy))
                    .col(optional_timestamp(RegisterEntries::VerifiedAt))
                    .check(Expr::cust("score IS NULL OR (score >= 0 AND score <= 100)"))
                    .check(Expr::cust("attendees IS NULL OR attendees >= 0"))
                    .foreign_key(&mut foreign_key(
                        (RegisterEntries::Table, RegisterEntries::DeputyId),
                        (Deputies::Table, Deputies::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                BY_DEPUTY_YEAR,
                RegisterEntries::Table,
                [RegisterEntries::DeputyId, RegisterEntries::Year],
            ))
            .await?;
        closed_sets::add(manager, &new_rules()).await?;
        closed_sets::renew(manager, &audit_rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &new_rules()).await?;
        manager
            .drop_table(Table::drop().table(RegisterEntries::Table).to_owned())
            .await
        // The audit list's rule stays: entries already written keep the new word.
    }
}
