//! Township admins: the township region an account of role `township_admin` runs, and the role
//! among the words `users.role` accepts.

use liaison_domain::actor::Role;
use sea_orm_migration::prelude::*;

use crate::closed_sets::{self, Rule};
use crate::columns::{index, optional_reference};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    RegionId,
}

const USERS_REGION: &str = "users_region_id_idx";

fn roles() -> [Rule; 1] {
    [Rule::of::<Role>("users", "role")]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(optional_reference(Users::RegionId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(USERS_REGION, Users::Table, [Users::RegionId]))
            .await?;
        closed_sets::renew(manager, &roles()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(USERS_REGION)
                    .table(Users::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::RegionId)
                    .to_owned(),
            )
            .await
    }
}
