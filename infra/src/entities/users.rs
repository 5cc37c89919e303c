//! The `users` table.

use liaison_domain::actor::Role;
use sea_orm::entity::prelude::*;

use super::Word;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub role: Word<Role>,
    pub name: String,
    pub openid: Option<String>,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub county_id: Option<i64>,
    pub department_id: Option<i64>,
    pub deputy_id: Option<i64>,
    /// The township region a township admin runs.
    pub region_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    /// When what the account covers last changed: access tokens signed before are read afresh.
    pub changed_at: Option<DateTimeUtc>,
    /// When the account was disabled; `None` while it may log in.
    pub disabled_at: Option<DateTimeUtc>,
    /// Set by an admin's password reset: the account must choose its own before anything else.
    pub password_change_required: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
