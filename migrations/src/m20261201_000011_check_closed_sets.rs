//! Every column that holds a word of a closed set (a status, a role, a kind, a level, a
//! rating) refuses any other word, whoever writes it (see `closed_sets`).

use liaison_domain::actor::Role;
use liaison_domain::case::{CaseStatus, EventKind, Rating};
use liaison_domain::delivery::{Channel, DeliveryStatus};
use liaison_domain::deputy::DeputyLevel;
use liaison_domain::region::RegionLevel;
use liaison_domain::station::StationKind;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn rules() -> Vec<Rule> {
    vec![
        Rule::of::<CaseStatus>("cases", "status"),
        Rule::optional::<Rating>("cases", "rating"),
        Rule::of::<EventKind>("case_events", "kind"),
        Rule::of::<EventKind>("notifications", "kind"),
        Rule::of::<EventKind>("deliveries", "event"),
        Rule::of::<DeliveryStatus>("deliveries", "status"),
        Rule::of::<Channel>("deliveries", "channel"),
        Rule::of::<Role>("users", "role"),
        Rule::of::<StationKind>("stations", "kind"),
        Rule::of::<RegionLevel>("regions", "level"),
        Rule::of::<DeputyLevel>("deputies", "level"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::add(manager, &rules()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        closed_sets::drop(manager, &rules()).await
    }
}
