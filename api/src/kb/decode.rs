//! Rows decoded into models without SeaORM's cost per column.
//!
//! SeaORM decodes an `Option` column by decoding its value and, when it is NULL, formatting an
//! error that names the column, only to drop it (upstream, SeaQL/sea-orm#3201). It also looks
//! each column up by its name in each row. A citation has four NULL record columns out of six,
//! and a source several more: profiled on a comparison of ten programs at 10,000 programs, the
//! reads' decoding took a fifth of the server's CPU, and those error strings a third of that.
//!
//! A [`Decoder`] finds the columns once per read, in the first row it decodes, then reads each as an
//! `Option` of its type straight from PostgreSQL's row, by position, as SeaORM itself would
//! read it. The model is built through its ActiveModel, so SeaORM's own conversions (enums
//! from their text, a NULL in a required column refused) still apply. On SQLite, or when a
//! column's type is not one of [`Kind`]'s, the rows go to SeaORM as before.

use sea_orm::sea_query::ColumnType;
use sea_orm::sqlx::Row as _;
use sea_orm::sqlx::postgres::PgRow;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    IdenStatic, Iterable, QueryResult, QueryTrait, Select, TryIntoModel, Value,
};
use std::sync::OnceLock;

/// How a column is read: the Rust type SeaORM gives its column type on PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    BigInt,
    Text,
    Bool,
    Date,
    TimeUtc,
}

impl Kind {
    fn of(ty: &ColumnType) -> Option<Kind> {
        Some(match ty {
            ColumnType::Integer => Kind::Int,
            ColumnType::BigInteger => Kind::BigInt,
            // Enums are stored as text (`db_type = "String(..)"`).
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Kind::Text,
            ColumnType::Boolean => Kind::Bool,
            ColumnType::Date => Kind::Date,
            ColumnType::TimestampWithTimeZone => Kind::TimeUtc,
            _ => return None,
        })
    }

    fn read(self, row: &PgRow, at: usize) -> Result<Value, sea_orm::sqlx::Error> {
        Ok(match self {
            Kind::Int => Value::Int(row.try_get(at)?),
            Kind::BigInt => Value::BigInt(row.try_get(at)?),
            Kind::Text => Value::String(row.try_get(at)?),
            Kind::Bool => Value::Bool(row.try_get(at)?),
            Kind::Date => Value::ChronoDate(row.try_get(at)?),
            Kind::TimeUtc => Value::ChronoDateTimeUtc(row.try_get(at)?),
        })
    }
}

/// A column, its position in the rows, and how to read it.
type Step<E> = (<E as EntityTrait>::Column, usize, Kind);

/// Every column's [`Step`]; `None`: SeaORM decodes.
type Plan<E> = Option<Vec<Step<E>>>;

/// Decodes the rows of one read (so of one shape) into models of `E`, whose columns the rows
/// carry under `prefix`.
pub struct Decoder<E: EntityTrait> {
    prefix: String,
    /// Found in the first row decoded.
    plan: OnceLock<Plan<E>>,
}

impl<E> Decoder<E>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    /// A decoder for the rows of one read.
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_owned(),
            plan: OnceLock::new(),
        }
    }

    fn plan(row: &PgRow, prefix: &str) -> Plan<E> {
        use sea_orm::sqlx::Column as _;
        // By name through the row's own index of names, as SeaORM finds a column.
        let mut name = String::new();
        E::Column::iter()
            .map(|column| {
                name.clear();
                name.push_str(prefix);
                name.push_str(column.as_str());
                let at = row.try_column(name.as_str()).ok()?.ordinal();
                Some((column, at, Kind::of(column.def().get_column_type())?))
            })
            .collect()
    }

    /// The plan and PostgreSQL's row, unless SeaORM is to decode `row`.
    fn planned<'r>(&self, row: &'r QueryResult) -> Option<(&[Step<E>], &'r PgRow)> {
        let pg = row.try_as_pg_row()?;
        let plan = self
            .plan
            .get_or_init(|| Self::plan(pg, &self.prefix))
            .as_deref()?;
        Some((plan, pg))
    }

    /// The model in `row`.
    pub fn decode(&self, row: &QueryResult) -> Result<E::Model, DbErr> {
        let Some((plan, pg)) = self.planned(row) else {
            return E::Model::from_query_result(row, &self.prefix);
        };
        let mut model = <E::ActiveModel as ActiveModelTrait>::default();
        for (column, at, kind) in plan {
            let value = kind.read(pg, *at).map_err(|e| self.error(*column, e))?;
            model.try_set(*column, value)?;
        }
        model.try_into_model()
    }

    /// The record's `id` in `row` (every table has an integer `id`): None where an outer join
    /// found no record.
    pub fn id(&self, row: &QueryResult) -> Result<Option<i32>, DbErr> {
        if let Some((plan, pg)) = self.planned(row)
            && let Some((column, at, _)) = plan.iter().find(|(c, _, _)| c.as_str() == "id")
        {
            return pg.try_get(*at).map_err(|e| self.error(*column, e));
        }
        row.try_get(&self.prefix, "id")
    }

    fn error(&self, column: E::Column, e: sea_orm::sqlx::Error) -> DbErr {
        DbErr::Type(format!("column {}{}: {e}", self.prefix, column.as_str()))
    }
}

impl<E> Default for Decoder<E>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    /// A decoder of rows that carry the columns under their own names.
    fn default() -> Self {
        Self::new("")
    }
}

/// The models `select` reads (as its `all` would), decoded by a [`Decoder`].
pub async fn all<E>(db: &impl ConnectionTrait, select: Select<E>) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    let rows = db.query_all(&select.into_query()).await?;
    let decoder = Decoder::<E>::new("");
    rows.iter().map(|row| decoder.decode(row)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{citation, program, source};

    #[test]
    fn every_column_of_the_read_models_has_a_kind() {
        // A column without one would send its whole table back to SeaORM's decoding.
        fn check<E: EntityTrait>() {
            for column in E::Column::iter() {
                assert!(
                    Kind::of(column.def().get_column_type()).is_some(),
                    "{}.{}",
                    E::default().as_str(),
                    column.as_str()
                );
            }
        }
        check::<program::Entity>();
        check::<citation::Entity>();
        check::<source::Entity>();
        check::<entity::requirement::Entity>();
        check::<entity::fee::Entity>();
        check::<entity::program_fact::Entity>();
        check::<entity::policy_event::Entity>();
        check::<entity::commentary::Entity>();
        check::<entity::person::Entity>();
        check::<entity::revision::Entity>();
    }
}
