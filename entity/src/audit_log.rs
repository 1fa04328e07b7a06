//! Who did what, when, from which request.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// None for actions of nobody signed in (a failed login) or of the command line.
    pub user_id: Option<i32>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<i32>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub created_at: DateTimeUtc,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
