//! "This column is one of these values", written so that the statement's text is the same
//! for any number of values but one.
//!
//! `column IN ($1, $2, …)` is a different statement for every length of the list. Each one is
//! prepared again on each connection (sqlx keeps 100 per connection, then drops the oldest),
//! and PostgreSQL plans the first five executions of each with their values before it settles
//! on a generic plan: planning a comparison's citations took 1.5 ms, more than running them
//! (10,000 programs). The lengths follow the data (how many requirements the programs on a
//! page have, how many programs a comparison names), so on real data most reads were new
//! statements. On PostgreSQL the values are one array parameter, `column = ANY($1)`: one
//! statement whatever the length, prepared once per connection and planned once. SQLite has no
//! arrays and keeps `IN`.
//!
//! One value is `column = $1`, not an array of one: a detail names one program, and an array
//! of one costs PostgreSQL more than the plain parameter, to receive and to search. A detail's
//! union (thirteen lists of one id) bound in 0.147 ms and ran in 0.139, against 0.186 and 0.174
//! with arrays of one (PostgreSQL's statement log, 2,000 programs).

use sea_orm::sea_query::{Expr, ExprTrait, PgFunc, SimpleExpr, Value, ValueType};
use sea_orm::{ColumnTrait, DbBackend};

/// `column` is one of `values` (none: no row): `= ANY($1)` on PostgreSQL (`= $1` for one
/// value), `IN` elsewhere.
pub fn one_of<C, V>(
    backend: DbBackend,
    column: C,
    values: impl IntoIterator<Item = V>,
) -> SimpleExpr
where
    C: ColumnTrait,
    V: Into<Value> + ValueType,
{
    let column = Expr::col(column.as_column_ref());
    match backend {
        DbBackend::Postgres => {
            let mut values: Vec<Value> = values.into_iter().map(Into::into).collect();
            if values.len() == 1
                && let Some(value) = values.pop()
            {
                return column.eq(value);
            }
            let array = Value::Array(V::array_type(), Some(Box::new(values)));
            column.eq(PgFunc::any(Expr::val(array)))
        }
        _ => column.is_in(values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::requirement;
    use sea_orm::{EntityTrait, QueryFilter, QueryTrait};

    fn rendered(backend: DbBackend, ids: Vec<i32>) -> (String, usize) {
        let statement = requirement::Entity::find()
            .filter(one_of(backend, requirement::Column::ProgramId, ids))
            .build(backend);
        let values = statement.values.map_or(0, |v| v.0.len());
        let sql = statement.sql;
        let condition = sql[sql.find(" WHERE ").unwrap_or(0)..].to_owned();
        (condition, values)
    }

    #[test]
    fn on_postgresql_any_number_of_ids_is_one_statement_with_one_parameter() {
        let (two, n2) = rendered(DbBackend::Postgres, vec![1, 2]);
        let (fifty, n50) = rendered(DbBackend::Postgres, (1..=50).collect());
        let (none, n0) = rendered(DbBackend::Postgres, vec![]);
        assert_eq!(two, r#" WHERE "requirement"."program_id" = ANY($1)"#);
        assert_eq!((fifty, none), (two.clone(), two));
        assert_eq!((n2, n50, n0), (1, 1, 1));
    }

    #[test]
    fn on_postgresql_one_id_is_a_plain_parameter() {
        let (one, n1) = rendered(DbBackend::Postgres, vec![7]);
        assert_eq!(one, r#" WHERE "requirement"."program_id" = $1"#);
        assert_eq!(n1, 1);
    }

    #[test]
    fn on_sqlite_the_ids_are_a_list() {
        let (two, n2) = rendered(DbBackend::Sqlite, vec![1, 2]);
        assert_eq!(two, r#" WHERE "requirement"."program_id" IN (?, ?)"#);
        assert_eq!(n2, 2);
    }
}
