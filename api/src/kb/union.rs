//! Several lists read in one statement, as a `UNION ALL` of one arm per list.
//!
//! A program's detail asks for its requirements, fees, facts, events, citations and the
//! commentary about it: six lists under one parent. Read one by one they cost six round trips
//! and six statements for the database to parse, plan and run. As arms of one `UNION ALL` they
//! cost one.
//!
//! Each arm keeps its list's own filter, joins and order ([`super::read`] defines them once,
//! for both ways of reading). The arms must line up column by column, so they share their
//! columns by type: an arm's `n`th text column (its own, then a joined table's) is the union's
//! column `text{n}`, and an arm without one fills it with a NULL. The union is then as wide as
//! its widest arm, not as the sum of them: a detail's rows carry 45 columns instead of 160
//! (and 12 KB of SQL instead of 33), and pgbench ran the statement 1.6-1.7 times as often a
//! second (2,000 programs).
//! Those NULLs are cast to the column's type, because PostgreSQL types a `UNION` pairwise from
//! the left, and two untyped NULLs would make a text column that the next arm's integer cannot
//! join.
//!
//! The `arm` column says which arm a row comes from; the rows come by arm, each arm in its own
//! order. That order is by columns of its own too: the `i`th key of every arm whose `i`th key
//! is of one type is the union's column `k{i}_{type}`, NULL in the other arms. Since the rows
//! are sorted by arm first, a key column that is NULL throughout an arm does not reorder it.

use super::decode::Decoder;
use quick_cache::sync::Cache;
use sea_orm::sea_query::{
    Alias, ColumnType, Expr, NullOrdering, Order, SelectStatement, SimpleExpr, UnionType,
};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, IdenStatic, Iterable, QueryResult, QueryTrait, Select,
    TryIntoModel,
};
use sea_orm::{DbBackend, Statement};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

/// The column that names a row's arm.
const ARM: &str = "arm";

/// One list of the union.
pub struct Arm {
    /// FROM, joins and WHERE of the list.
    statement: SelectStatement,
    /// What the arm selects, under its aliases.
    slots: Vec<Slot>,
    /// Its order, by alias, ascending, unknown values last.
    order: Vec<String>,
    /// Its number among the arms: the prefix of its aliases, and its `arm` value.
    tag: usize,
    /// The slots of each table it selects, in `slots`: its own, then each joined one.
    tables: Vec<Range<usize>>,
}

struct Slot {
    /// Its name in the arm's own terms (`a2_id`, `a2j0_title`), by which the arm finds it.
    alias: String,
    /// The union's column that carries it: the `n`th of its type in the arm (`integer3`).
    column: String,
    expr: SimpleExpr,
    ty: ColumnType,
}

/// The prefix of arm `tag`'s own columns.
fn own(tag: usize) -> String {
    format!("a{tag}_")
}

/// The prefix of the columns of the `n`th table joined to arm `tag`.
fn joined(tag: usize, n: usize) -> String {
    format!("a{tag}j{n}_")
}

/// The name of the union's `n`th column of type `ty`.
fn shared(ty: &str, n: usize) -> String {
    format!("{}{n}", ty.replace(' ', "_"))
}

/// The name of the union's column for the `i`th key of the arms whose `i`th key is of `ty`.
fn key(i: usize, ty: &str) -> String {
    format!("k{i}_{}", ty.replace(' ', "_"))
}

impl Arm {
    /// The rows `select` picks (its filter and joins; its columns are replaced), as arm `tag`,
    /// with `E`'s columns, ordered by `order` (ascending, unknown values last).
    pub fn new<E: EntityTrait>(tag: usize, select: Select<E>, order: &[E::Column]) -> Self {
        let mut statement = select.into_query();
        statement.clear_selects();
        let mut arm = Self {
            statement,
            slots: Vec::new(),
            order: Vec::new(),
            tag,
            tables: Vec::new(),
        };
        arm.columns::<E>(&own(tag));
        arm.order = order
            .iter()
            .map(|c| format!("{}{}", own(tag), c.as_str()))
            .collect();
        arm
    }

    /// Also the columns of `J`, a table the arm's select joins (see [`Self::joined_decoder`]).
    pub fn with_joined<J: EntityTrait>(mut self) -> Self {
        let prefix = joined(self.tag, self.tables.len() - 1);
        self.columns::<J>(&prefix);
        self
    }

    /// Also `expr` as `name` (of type `ty`), read back with [`Self::extra`]; the arm's rows
    /// are then ordered by it after their own order when `ordered`.
    pub fn with_extra(
        mut self,
        name: &str,
        expr: SimpleExpr,
        ty: ColumnType,
        ordered: bool,
    ) -> Self {
        let alias = format!("{}{name}", own(self.tag));
        if ordered {
            self.order.push(alias.clone());
        }
        self.push(alias, expr, ty);
        self
    }

    fn columns<E: EntityTrait>(&mut self, prefix: &str) {
        let first = self.slots.len();
        for column in E::Column::iter() {
            self.push(
                format!("{prefix}{}", column.as_str()),
                // The cast SeaORM gives an enum column, as when it selects it.
                column.select_as(column.into_expr()),
                column.def().get_column_type().clone(),
            );
        }
        self.tables.push(first..self.slots.len());
    }

    /// Adds a slot, in the next of the union's columns of its type.
    fn push(&mut self, alias: String, expr: SimpleExpr, ty: ColumnType) {
        let name = sql_type(&ty);
        let n = self
            .slots
            .iter()
            .filter(|s| sql_type(&s.ty) == name)
            .count();
        self.slots.push(Slot {
            alias,
            column: shared(name, n),
            expr,
            ty,
        });
    }

    /// The slot the arm calls `alias`.
    fn slot(&self, alias: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.alias == alias)
    }

    /// The union's columns that carry the columns of the arm's `n`th table (0: its own; a
    /// table's slots follow the order of its entity's columns).
    fn names(&self, n: usize) -> Vec<String> {
        let slots = self.tables.get(n).and_then(|r| self.slots.get(r.clone()));
        slots
            .unwrap_or_default()
            .iter()
            .map(|s| s.column.clone())
            .collect()
    }

    /// A decoder of the arm's own records, for the rows of one read.
    pub fn decoder<E>(&self) -> Decoder<E>
    where
        E: EntityTrait,
        E::ActiveModel: TryIntoModel<E::Model>,
    {
        Decoder::named(self.names(0))
    }

    /// A decoder of the records of the `n`th joined table, for [`Arm::joined`].
    pub fn joined_decoder<J>(&self, n: usize) -> Decoder<J>
    where
        J: EntityTrait,
        J::ActiveModel: TryIntoModel<J::Model>,
    {
        Decoder::named(self.names(n + 1))
    }

    /// The joined record `decoder` reads in `row`, if the join found one (a NULL `id`: none),
    /// as the one `Arc` of it in `seen`: each distinct record is decoded once.
    pub fn joined<J>(
        row: &QueryResult,
        decoder: &Decoder<J>,
        seen: &mut HashMap<i32, Arc<J::Model>>,
    ) -> Result<Option<Arc<J::Model>>, DbErr>
    where
        J: EntityTrait,
        J::ActiveModel: TryIntoModel<J::Model>,
    {
        let Some(id) = decoder.id(row)? else {
            return Ok(None);
        };
        Ok(Some(match seen.entry(id) {
            Entry::Occupied(known) => Arc::clone(known.get()),
            Entry::Vacant(new) => Arc::clone(new.insert(Arc::new(decoder.decode(row)?))),
        }))
    }

    /// The extra column `name` of `row`.
    pub fn extra<T: sea_orm::TryGetable>(&self, row: &QueryResult, name: &str) -> Result<T, DbErr> {
        let alias = format!("{}{name}", own(self.tag));
        let slot = self
            .slot(&alias)
            .ok_or_else(|| DbErr::Type(format!("arm {} has no column {name}", self.tag)))?;
        row.try_get("", &slot.column)
    }

    /// The keys of its order: each its expression and the SQL type of its column.
    fn keys(&self) -> impl Iterator<Item = (usize, &Slot)> {
        self.order
            .iter()
            .filter_map(|alias| self.slot(alias))
            .enumerate()
    }
}

/// The arm a row of [`statement`] comes from.
pub fn arm_of(row: &QueryResult) -> Result<usize, DbErr> {
    let tag: i32 = row.try_get("", ARM)?;
    usize::try_from(tag).map_err(|_| DbErr::Type(format!("arm {tag}")))
}

/// The `UNION ALL` of `arms` (numbered 0, 1, … in this order), by arm, each in its own order.
/// None without arms.
pub fn statement(arms: &[Arm]) -> Option<SelectStatement> {
    // The union's columns: as many of each type as the arm with the most of them has.
    let mut widths: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keys: BTreeSet<(usize, &str)> = BTreeSet::new();
    for arm in arms {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for slot in &arm.slots {
            *counts.entry(sql_type(&slot.ty)).or_default() += 1;
        }
        for (ty, n) in counts {
            let width = widths.entry(ty).or_default();
            *width = (*width).max(n);
        }
        keys.extend(arm.keys().map(|(i, slot)| (i, sql_type(&slot.ty))));
    }
    let null = |ty: &str| Expr::cust(format!("CAST(NULL AS {ty})"));
    let mut union: Option<SelectStatement> = None;
    for arm in arms {
        let mut select = arm.statement.clone();
        // A literal, not a parameter: every arm's value then has the same type, integer.
        select.expr_as(Expr::cust(arm.tag.to_string()), Alias::new(ARM));
        for (ty, width) in &widths {
            for n in 0..*width {
                let column = shared(ty, n);
                let expr = match arm.slots.iter().find(|s| s.column == column) {
                    Some(slot) => slot.expr.clone(),
                    None => null(ty),
                };
                select.expr_as(expr, Alias::new(column));
            }
        }
        for (i, ty) in &keys {
            let expr = match arm.keys().find(|(k, s)| k == i && sql_type(&s.ty) == *ty) {
                Some((_, slot)) => slot.expr.clone(),
                None => null(ty),
            };
            select.expr_as(expr, Alias::new(key(*i, ty)));
        }
        match union.as_mut() {
            None => union = Some(select),
            Some(first) => {
                first.union(UnionType::All, select);
            }
        }
    }
    let mut union = union?;
    // The union's order: its output columns, by their aliases (the only names an ORDER BY of
    // a compound statement may use on both backends).
    union.order_by(Alias::new(ARM), Order::Asc);
    for (i, ty) in &keys {
        union.order_by_with_nulls(Alias::new(key(*i, ty)), Order::Asc, NullOrdering::Last);
    }
    Some(union)
}

/// The `UNION ALL` of `arms` for `backend`, as [`statement`] renders it, with its SQL taken
/// from the statements already rendered for the same shape of arms. None without arms.
///
/// A detail's union is about 33 KB of SQL, most of it the typed NULLs that pad each arm to
/// every other arm's columns: building, rendering and dropping it took 15-20% of the server's
/// CPU for one program with everything. Its shape (which arms, what each filters on, how many
/// ids) repeats from one request to the next; only the ids change. So each arm is rendered
/// alone, which gives its values and names its shape, and the union's SQL is rendered once per
/// shape. The union adds no value of its own (its `arm` column, padding and order are written
/// out), so its values are the arms' values, arm after arm.
pub fn cached_statement(arms: &[Arm], backend: DbBackend) -> Option<Statement> {
    if arms.is_empty() {
        return None;
    }
    let mut shape = format!("{backend:?}");
    let mut values = Vec::new();
    for arm in arms {
        let own = backend.build(&arm.statement);
        let _ = write!(shape, "\n{}/{}:{}", arm.tag, arm.tables.len(), own.sql);
        for slot in &arm.slots {
            let _ = write!(shape, " {}={}", slot.alias, slot.column);
        }
        let _ = write!(shape, " by {}", arm.order.join(","));
        values.extend(own.values.map(|v| v.0).unwrap_or_default());
    }
    let sql = match SHAPES.get(&shape) {
        Some(sql) => sql,
        None => {
            let union = statement(arms)?;
            let built = backend.build(&union);
            // The assumption above, checked where it is cheap: once per shape.
            if built.values.as_ref().map_or(0, |v| v.0.len()) != values.len() {
                tracing::error!(shape = %shape, "a union adds values of its own; not cached");
                return Some(built);
            }
            let sql: Arc<str> = built.sql.into();
            SHAPES.insert(shape, Arc::clone(&sql));
            sql
        }
    };
    Some(Statement::from_sql_and_values(backend, &*sql, values))
}

/// The union's SQL by shape. Details ask for a few dozen shapes at most (which of the six
/// lists, how many records' citations); the bound keeps odd ones from growing it.
static SHAPES: LazyLock<Cache<String, Arc<str>>> = LazyLock::new(|| Cache::new(256));

/// The SQL type a NULL of `ty` is cast to: PostgreSQL's name for it (SQLite takes any name).
fn sql_type(ty: &ColumnType) -> &'static str {
    match ty {
        ColumnType::TinyInteger | ColumnType::SmallInteger => "smallint",
        ColumnType::Integer => "integer",
        ColumnType::BigInteger => "bigint",
        ColumnType::Boolean => "boolean",
        ColumnType::Date => "date",
        ColumnType::Timestamp | ColumnType::DateTime => "timestamp",
        ColumnType::TimestampWithTimeZone => "timestamptz",
        ColumnType::Float => "real",
        ColumnType::Double => "double precision",
        ColumnType::Json | ColumnType::JsonBinary => "jsonb",
        // Strings, and the enums stored as strings.
        _ => "text",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::{citation, fee, requirement, source};
    use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
    use sea_orm::{ColumnTrait, QueryFilter, RelationTrait};

    fn arms() -> Vec<Arm> {
        arms_of(1)
    }

    fn arms_of(id: i32) -> Vec<Arm> {
        vec![
            Arm::new(
                0,
                requirement::Entity::find().filter(requirement::Column::ProgramId.eq(id)),
                &[requirement::Column::Position, requirement::Column::Id],
            ),
            Arm::new(
                1,
                fee::Entity::find().filter(fee::Column::ProgramId.eq(id)),
                &[fee::Column::EffectiveFrom, fee::Column::Id],
            ),
            Arm::new(
                2,
                citation::Entity::find()
                    .filter(citation::Column::ProgramId.eq(id))
                    .join(
                        sea_orm::JoinType::InnerJoin,
                        citation::Relation::Source.def(),
                    ),
                &[citation::Column::Id],
            )
            .with_joined::<source::Entity>(),
        ]
    }

    use sea_orm::QuerySelect;

    #[test]
    fn the_arms_share_their_columns_by_type_and_pad_them_with_typed_nulls() {
        let sql = statement(&arms()).unwrap().to_string(PostgresQueryBuilder);
        // The first arm: its own columns, the `n`th of each type in the union's `n`th column
        // of that type; a typed NULL where another arm has more of a type.
        assert!(
            sql.starts_with(r#"SELECT 0 AS "arm", "requirement"."min_income_e4" AS "bigint0""#),
            "{sql}"
        );
        assert!(sql.contains(r#""requirement"."id" AS "integer0""#), "{sql}");
        assert!(sql.contains(r#"CAST(NULL AS date) AS "date1""#), "{sql}");
        assert!(
            sql.contains(r#"UNION ALL (SELECT 1 AS "arm", "fee"."amount_e4" AS "bigint0""#),
            "{sql}"
        );
        assert!(sql.contains(r#""fee"."id" AS "integer0""#), "{sql}");
        // A joined table's columns follow the arm's own in the same count.
        assert!(sql.contains(r#""source"."id" AS "integer8""#), "{sql}");
        assert!(sql.contains(r#""source"."title" AS "text5""#), "{sql}");
        // As wide as the widest arm (the citations with their sources), not the sum.
        let select = sql.split(" FROM ").next().unwrap();
        assert_eq!(
            select.matches(" AS \"").count(),
            1 + 1 + 1 + 3 + 10 + 16 + 4 + 3
        );
        // Each arm's keys in columns of their own, NULL in the arms whose keys differ.
        assert!(
            sql.contains(r#""fee"."effective_from" AS "k0_date", CAST(NULL AS integer) AS "k0_integer", "fee"."id" AS "k1_integer""#),
            "{sql}"
        );
        assert!(
            sql.ends_with(
                r#"ORDER BY "arm" ASC, "k0_date" ASC NULLS LAST, "k0_integer" ASC NULLS LAST, "k1_integer" ASC NULLS LAST"#
            ),
            "{sql}"
        );
    }

    #[test]
    fn sqlite_gets_its_compound_form() {
        // SQLite refuses parentheses around the arms of a compound SELECT.
        let sql = statement(&arms()).unwrap().to_string(SqliteQueryBuilder);
        assert!(sql.contains(" UNION ALL SELECT 1 AS "), "{sql}");
        assert!(!sql.contains("UNION ALL ("), "{sql}");
    }

    #[test]
    fn no_arms_no_statement() {
        assert!(statement(&[]).is_none());
        assert!(cached_statement(&[], DbBackend::Postgres).is_none());
    }

    #[test]
    fn the_cached_statement_is_the_union_with_this_requests_values() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            // The first call renders the union for the shape; the next ones reuse its SQL.
            for id in [7, 8, 9] {
                let direct = backend.build(&statement(&arms_of(id)).unwrap());
                let cached = cached_statement(&arms_of(id), backend).unwrap();
                assert_eq!(cached.sql, direct.sql);
                assert_eq!(cached.values, direct.values);
                assert_eq!(
                    cached.values.map(|v| v.0),
                    Some(vec![id.into(), id.into(), id.into()])
                );
            }
        }
    }
}
