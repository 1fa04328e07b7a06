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
use sea_orm::sqlx::postgres::{PgRow, PgTypeInfo, Postgres};
use sea_orm::sqlx::{Row as _, Type};
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

    /// The value of column `name` in `row`, through SeaORM (any backend).
    fn read_named(self, row: &QueryResult, name: &str) -> Result<Value, DbErr> {
        Ok(match self {
            Kind::Int => Value::Int(row.try_get("", name)?),
            Kind::BigInt => Value::BigInt(row.try_get("", name)?),
            Kind::Text => Value::String(row.try_get("", name)?),
            Kind::Bool => Value::Bool(row.try_get("", name)?),
            Kind::Date => Value::ChronoDate(row.try_get("", name)?),
            Kind::TimeUtc => Value::ChronoDateTimeUtc(row.try_get("", name)?),
        })
    }

    /// The value at `at` in `row`, whose column [`Kind::fits`] this kind: the column's type is
    /// checked once per read, in [`Decoder::plan`], not again in every row.
    fn read(self, row: &PgRow, at: usize) -> Result<Value, sea_orm::sqlx::Error> {
        Ok(match self {
            Kind::Int => Value::Int(row.try_get_unchecked(at)?),
            Kind::BigInt => Value::BigInt(row.try_get_unchecked(at)?),
            Kind::Text => Value::String(row.try_get_unchecked(at)?),
            Kind::Bool => Value::Bool(row.try_get_unchecked(at)?),
            Kind::Date => Value::ChronoDate(row.try_get_unchecked(at)?),
            Kind::TimeUtc => Value::ChronoDateTimeUtc(row.try_get_unchecked(at)?),
        })
    }

    /// Whether a column of PostgreSQL type `ty` decodes as this kind (sqlx's own check, which
    /// `try_get` makes for every value).
    fn fits(self, ty: &PgTypeInfo) -> bool {
        match self {
            Kind::Int => <i32 as Type<Postgres>>::compatible(ty),
            Kind::BigInt => <i64 as Type<Postgres>>::compatible(ty),
            Kind::Text => <String as Type<Postgres>>::compatible(ty),
            Kind::Bool => <bool as Type<Postgres>>::compatible(ty),
            Kind::Date => <chrono::NaiveDate as Type<Postgres>>::compatible(ty),
            Kind::TimeUtc => <chrono::DateTime<chrono::Utc> as Type<Postgres>>::compatible(ty),
        }
    }
}

/// A column, its position in the rows, and how to read it.
type Step<E> = (<E as EntityTrait>::Column, usize, Kind);

/// Every column's [`Step`]; `None`: SeaORM decodes.
type Plan<E> = Option<Vec<Step<E>>>;

/// Decodes the rows of one read (so of one shape) into models of `E`, whose columns the rows
/// carry under names of their own.
pub struct Decoder<E: EntityTrait> {
    names: Names,
    /// Found in the first row decoded.
    plan: OnceLock<Plan<E>>,
}

/// Where the rows carry a model's columns.
enum Names {
    /// Each under its name after this prefix, as SeaORM itself names them.
    Prefix(String),
    /// Each under the name given for it, in the order of the entity's columns (a union's rows
    /// share their columns between arms: [`super::union`]).
    Given(Vec<String>),
}

impl Names {
    /// The name of the `n`th column, `column`, written into `name`.
    fn write(&self, n: usize, column: &str, name: &mut String) {
        name.clear();
        match self {
            Names::Prefix(prefix) => {
                name.push_str(prefix);
                name.push_str(column);
            }
            Names::Given(names) => name.push_str(names.get(n).map_or("", String::as_str)),
        }
    }
}

impl<E> Decoder<E>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
{
    /// A decoder for the rows of one read.
    pub fn new(prefix: &str) -> Self {
        Self {
            names: Names::Prefix(prefix.to_owned()),
            plan: OnceLock::new(),
        }
    }

    /// A decoder of rows that carry `E`'s columns under `names`, one per column in the order
    /// of `E::Column::iter()`.
    pub fn named(names: Vec<String>) -> Self {
        Self {
            names: Names::Given(names),
            plan: OnceLock::new(),
        }
    }

    fn plan(row: &PgRow, names: &Names) -> Plan<E> {
        use sea_orm::sqlx::Column as _;
        // By name through the row's own index of names, as SeaORM finds a column.
        let mut name = String::new();
        E::Column::iter()
            .enumerate()
            .map(|(n, column)| {
                names.write(n, column.as_str(), &mut name);
                let found = row.try_column(name.as_str()).ok()?;
                let kind = Kind::of(column.def().get_column_type())?;
                // A column of another type than its model's goes to SeaORM, which says so.
                kind.fits(found.type_info())
                    .then_some((column, found.ordinal(), kind))
            })
            .collect()
    }

    /// The plan and PostgreSQL's row, unless SeaORM is to decode `row`.
    fn planned<'r>(&self, row: &'r QueryResult) -> Option<(&[Step<E>], &'r PgRow)> {
        let pg = row.try_as_pg_row()?;
        let plan = self
            .plan
            .get_or_init(|| Self::plan(pg, &self.names))
            .as_deref()?;
        Some((plan, pg))
    }

    /// The model in `row`.
    pub fn decode(&self, row: &QueryResult) -> Result<E::Model, DbErr> {
        let Some((plan, pg)) = self.planned(row) else {
            return self.decode_by_name(row);
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
        let id = E::Column::iter()
            .position(|c| c.as_str() == "id")
            .unwrap_or(0);
        let mut name = String::new();
        self.names.write(id, "id", &mut name);
        row.try_get("", &name)
    }

    /// The model in `row`, its columns found by name (SQLite; PostgreSQL's rows go by position).
    fn decode_by_name(&self, row: &QueryResult) -> Result<E::Model, DbErr> {
        if let Names::Prefix(prefix) = &self.names {
            return E::Model::from_query_result(row, prefix);
        }
        let mut model = <E::ActiveModel as ActiveModelTrait>::default();
        let mut name = String::new();
        for (n, column) in E::Column::iter().enumerate() {
            self.names.write(n, column.as_str(), &mut name);
            let kind = Kind::of(column.def().get_column_type())
                .ok_or_else(|| DbErr::Type(format!("column {name}: no kind to read it as")))?;
            model.try_set(column, kind.read_named(row, &name)?)?;
        }
        model.try_into_model()
    }

    fn error(&self, column: E::Column, e: sea_orm::sqlx::Error) -> DbErr {
        let mut name = String::new();
        let n = E::Column::iter()
            .position(|c| c.as_str() == column.as_str())
            .unwrap_or(0);
        self.names.write(n, column.as_str(), &mut name);
        DbErr::Type(format!("column {name}: {e}"))
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
    fn a_kind_fits_the_postgresql_types_it_decodes_and_no_other() {
        // The types of the columns of a row, as sqlx resolves them: int2, int4, int8, text,
        // bool, date, timestamp, timestamptz.
        fn ty<T: Type<Postgres>>() -> PgTypeInfo {
            T::type_info()
        }
        use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
        assert!(Kind::Int.fits(&ty::<i32>()));
        assert!(!Kind::Int.fits(&ty::<i64>()) && !Kind::Int.fits(&ty::<i16>()));
        assert!(!Kind::Int.fits(&ty::<String>()));
        assert!(Kind::BigInt.fits(&ty::<i64>()) && !Kind::BigInt.fits(&ty::<i32>()));
        assert!(Kind::Text.fits(&ty::<String>()));
        assert!(!Kind::Text.fits(&ty::<i32>()) && !Kind::Text.fits(&ty::<bool>()));
        assert!(Kind::Bool.fits(&ty::<bool>()) && !Kind::Bool.fits(&ty::<i16>()));
        assert!(Kind::Date.fits(&ty::<NaiveDate>()));
        assert!(!Kind::Date.fits(&ty::<DateTime<Utc>>()));
        assert!(Kind::TimeUtc.fits(&ty::<DateTime<Utc>>()));
        assert!(!Kind::TimeUtc.fits(&ty::<NaiveDateTime>()));
    }

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
