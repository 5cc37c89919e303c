//! The outbox: messages for channels outside the database (WeChat subscribe messages,
//! webhooks), written in the transaction that changes a case and delivered by the dispatcher.
//! Also what those channels need: residents' subscribe-message grants and counties' webhooks.

use sea_orm_migration::prelude::*;

use crate::columns::{
    foreign_key, id, index, optional_reference, optional_text, optional_timestamp, reference, text,
    timestamp, unique_index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    Channel,
    CountyId,
    CaseId,
    RecipientId,
    WebhookId,
    Event,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseUntil,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum SubscriptionGrants {
    Table,
    Id,
    UserId,
    TemplateId,
    Remaining,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    CountyId,
    Url,
    Events,
    Secret,
    Active,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Cases {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(id(Webhooks::Id))
                    .col(reference(Webhooks::CountyId))
                    .col(text(Webhooks::Url))
                    // A JSON array of event kinds.
                    .col(text(Webhooks::Events))
                    // Sealed like contact phones: it signs, so it must be readable again.
                    .col(text(Webhooks::Secret))
                    .col(ColumnDef::new(Webhooks::Active).boolean().not_null())
                    .col(timestamp(Webhooks::CreatedAt))
                    .col(timestamp(Webhooks::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (Webhooks::Table, Webhooks::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "webhooks_county_idx",
                Webhooks::Table,
                [Webhooks::CountyId],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(id(Deliveries::Id))
                    .col(text(Deliveries::Channel))
                    .col(reference(Deliveries::CountyId))
                    .col(optional_reference(Deliveries::CaseId))
                    .col(optional_reference(Deliveries::RecipientId))
                    .col(optional_reference(Deliveries::WebhookId))
                    .col(text(Deliveries::Event))
                    .col(ColumnDef::new(Deliveries::Payload).text().not_null())
                    .col(text(Deliveries::Status))
                    .col(ColumnDef::new(Deliveries::Attempts).integer().not_null())
                    .col(timestamp(Deliveries::NextAttemptAt))
                    .col(optional_text(Deliveries::LeaseOwner))
                    .col(optional_timestamp(Deliveries::LeaseUntil))
                    .col(optional_text(Deliveries::LastError))
                    .col(timestamp(Deliveries::CreatedAt))
                    .col(optional_timestamp(Deliveries::FinishedAt))
                    .foreign_key(&mut foreign_key(
                        (Deliveries::Table, Deliveries::CountyId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Deliveries::Table, Deliveries::CaseId),
                        (Cases::Table, Cases::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Deliveries::Table, Deliveries::RecipientId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut foreign_key(
                        (Deliveries::Table, Deliveries::WebhookId),
                        (Webhooks::Table, Webhooks::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // The dispatcher's claim: pending messages whose time has come, oldest first.
        manager
            .create_index(index(
                "deliveries_due_idx",
                Deliveries::Table,
                [Deliveries::Status, Deliveries::NextAttemptAt],
            ))
            .await?;
        // The admins' list of dead letters in their county, newest first.
        manager
            .create_index(index(
                "deliveries_county_idx",
                Deliveries::Table,
                [Deliveries::CountyId, Deliveries::Status, Deliveries::Id],
            ))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SubscriptionGrants::Table)
                    .col(id(SubscriptionGrants::Id))
                    .col(reference(SubscriptionGrants::UserId))
                    .col(text(SubscriptionGrants::TemplateId))
                    .col(
                        ColumnDef::new(SubscriptionGrants::Remaining)
                            .integer()
                            .not_null(),
                    )
                    .col(timestamp(SubscriptionGrants::UpdatedAt))
                    .foreign_key(&mut foreign_key(
                        (SubscriptionGrants::Table, SubscriptionGrants::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(unique_index(
                "subscription_grants_user_template_key",
                SubscriptionGrants::Table,
                [SubscriptionGrants::UserId, SubscriptionGrants::TemplateId],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SubscriptionGrants::Table.into_iden(),
            Deliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
