//! `ProgramOrder`: the GraphQL input of `programs(orderBy:)`; the ordering itself is
//! `kb::programs::Order`.

use super::super::enums::SortDirection;
use crate::kb::keyset::Ordering;
use crate::kb::programs::{Order, OrderField};
use async_graphql::{Enum, InputObject};
use sea_orm::DbBackend;

/// What to sort programs by.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq, Default)]
pub enum ProgramOrderField {
    /// Name in English.
    #[default]
    Name,
    /// Country code, then name.
    Country,
    /// In-force date (unknown dates last), then name.
    InForceOn,
    /// Last change.
    UpdatedAt,
}

/// Sort order of a program list.
#[derive(InputObject, Debug, Default, Clone, Copy)]
pub struct ProgramOrder {
    /// The field to sort by.
    #[graphql(default)]
    pub field: ProgramOrderField,
    /// Ascending or descending.
    #[graphql(default)]
    pub direction: SortDirection,
}

impl From<ProgramOrder> for Order {
    fn from(o: ProgramOrder) -> Self {
        Self {
            field: match o.field {
                ProgramOrderField::Name => OrderField::Name,
                ProgramOrderField::Country => OrderField::Country,
                ProgramOrderField::InForceOn => OrderField::InForceOn,
                ProgramOrderField::UpdatedAt => OrderField::UpdatedAt,
            },
            descending: o.direction == SortDirection::Desc,
        }
    }
}

impl ProgramOrder {
    /// The reading order this input asks for (the id breaks ties, unknown dates last).
    pub fn ordering(self, backend: DbBackend) -> Ordering {
        Order::from(self).ordering(backend)
    }
}
