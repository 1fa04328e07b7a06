//! Joined reads decoded at the cost of their distinct records.
//!
//! SeaORM's `find_also_related` and `find_with_related` select the joined tables' columns under
//! prefixes (`A_`, `B_`) and decode every model from every row. A prefixed column name is then
//! formatted anew for each column of each row, and a record that many rows repeat (a source
//! cited by ten facts, a program beside each of its facts) is decoded each time. Profiled on a
//! comparison of ten programs at 10,000 programs: decoding the joined rows took 26% of the
//! server's CPU, and formatting the names alone 7%.
//!
//! Here a row's own table keeps its column names, so it decodes without formatting any, and
//! the one joined table's columns come under [`JOINED`]; a joined record is decoded once per
//! id, however many rows carry it. Every table of the schema has an integer `id`.

use super::decode::Decoder;
use sea_orm::sea_query::{Alias, SelectStatement};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IdenStatic, Iterable, QueryResult,
    TryIntoModel,
};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Arc;

/// The prefix of the joined table's columns.
const JOINED: &str = "joined_";

/// Adds the columns of `R` to `statement`, each under [`JOINED`] and its name (with the cast
/// SeaORM gives an enum column, as when it selects them).
pub fn select_joined<R: EntityTrait>(statement: &mut SelectStatement) {
    for column in R::Column::iter() {
        statement.expr_as(
            column.select_as(column.into_expr()),
            Alias::new(format!("{JOINED}{}", column.as_str())),
        );
    }
}

/// A row of a joined read: its own record (`None` where an outer join found none), the joined
/// record (one `Arc` per distinct record), and what else the caller reads from the row.
pub type Row<E, R, X> = (
    Option<<E as EntityTrait>::Model>,
    Option<Arc<<R as EntityTrait>::Model>>,
    X,
);

/// The rows of `statement`, each as its own record of `E` (a NULL `id` for none), the record of
/// `R` joined to it by [`select_joined`], and `extra` of the row.
pub async fn read<E, R, X>(
    db: &impl ConnectionTrait,
    statement: &SelectStatement,
    extra: impl Fn(&QueryResult) -> Result<X, DbErr>,
) -> Result<Vec<Row<E, R, X>>, DbErr>
where
    E: EntityTrait,
    R: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
    R::ActiveModel: TryIntoModel<R::Model>,
{
    let rows = db.query_all(statement).await?;
    let (own_decoder, joined_decoder) = (Decoder::<E>::new(""), Decoder::<R>::new(JOINED));
    let mut seen: HashMap<i32, Arc<R::Model>> = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let own = match own_decoder.id(row)? {
            Some(_) => Some(own_decoder.decode(row)?),
            None => None,
        };
        let joined = match joined_decoder.id(row)? {
            Some(id) => Some(match seen.entry(id) {
                Entry::Occupied(known) => Arc::clone(known.get()),
                Entry::Vacant(new) => Arc::clone(new.insert(Arc::new(joined_decoder.decode(row)?))),
            }),
            None => None,
        };
        out.push((own, joined, extra(row)?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::QueryTrait;

    #[test]
    fn the_joined_columns_come_under_their_prefix() {
        let mut statement = entity::citation::Entity::find().into_query();
        select_joined::<entity::source::Entity>(&mut statement);
        let sql = statement.to_string(sea_orm::sea_query::PostgresQueryBuilder);
        assert!(sql.contains(r#""citation"."id","#), "{sql}");
        assert!(sql.contains(r#""source"."id" AS "joined_id""#), "{sql}");
        assert!(
            sql.contains(r#""source"."title" AS "joined_title""#),
            "{sql}"
        );
    }
}
