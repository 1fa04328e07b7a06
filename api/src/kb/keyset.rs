//! Positions in an ordered list, by key: a reader's place is the sort key of the last row seen
//! (ending with its id), not how many rows came before it. A record published or unpublished
//! ahead of that place does not move it, so the next page neither repeats nor skips a row.
//!
//! Each list names its reading order once ([`Ordering`]); the same keys give the SQL `ORDER BY`,
//! the "after this row" and "before this row" conditions, and the opaque cursor of each row.
//! Unknown values (nullable keys) come last in either direction, on both backends.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sea_orm::sea_query::{
    Alias, Condition, Expr, ExprTrait, NullOrdering, Order, SelectStatement, SimpleExpr,
};
use sea_orm::{
    DbBackend, DbErr, EntityTrait, IdenStatic, Iterable, QueryResult, QueryTrait, Select, Value,
};
use serde_json::Value as Json;

/// A list whose statement must see every row to rank any of them (search groups every match)
/// may carry the number of all its rows on each row in this column (`COUNT(*) OVER ()`, computed
/// before a cursor's conditions apply): a page then knows its connection's total without
/// counting again.
pub const TOTAL_COLUMN: &str = "total_rows";

/// The type of a key's values, as they are read from a row and written in a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// Whole numbers (ids, scores): read as 64-bit.
    Int,
    /// Text compared byte-wise.
    Text,
    /// A calendar date.
    Date,
    /// A UTC moment, to the microsecond the databases keep.
    Timestamp,
}

/// One key of an ordering.
#[derive(Debug, Clone)]
pub struct SortKey {
    expr: SimpleExpr,
    ty: KeyType,
    descending: bool,
    nullable: bool,
}

impl SortKey {
    /// Smallest first.
    pub fn asc(expr: impl Into<SimpleExpr>, ty: KeyType) -> Self {
        Self {
            expr: expr.into(),
            ty,
            descending: false,
            nullable: false,
        }
    }

    /// Largest first.
    pub fn desc(expr: impl Into<SimpleExpr>, ty: KeyType) -> Self {
        Self {
            descending: true,
            ..Self::asc(expr, ty)
        }
    }

    /// Ascending unless `descending`.
    pub fn by(expr: impl Into<SimpleExpr>, ty: KeyType, descending: bool) -> Self {
        Self {
            descending,
            ..Self::asc(expr, ty)
        }
    }

    /// The key may be unknown (NULL); unknown values come after every known one.
    pub fn nulls_last(self) -> Self {
        Self {
            nullable: true,
            ..self
        }
    }

    /// `table.column` as text in byte order on both backends: PostgreSQL would otherwise
    /// compare in the database's locale (an index serves the order only with the same
    /// collation, see the migrations).
    pub fn text_bytes(table: &str, column: &str, backend: DbBackend, descending: bool) -> Self {
        let expr = match backend {
            DbBackend::Postgres => Expr::cust(format!("\"{table}\".\"{column}\" COLLATE \"C\"")),
            _ => Expr::col((Alias::new(table), Alias::new(column))),
        };
        Self::by(expr, KeyType::Text, descending)
    }

    fn sql_order(&self, backward: bool) -> Order {
        if self.descending != backward {
            Order::Desc
        } else {
            Order::Asc
        }
    }

    /// Rows strictly further along this key than `value`, reading forward or backward.
    fn beyond(&self, value: &Option<KeyValue>, forward: bool) -> Condition {
        let e = || self.expr.clone();
        match (value, forward) {
            // Nothing comes after the unknowns; every known value comes before them.
            (None, true) => Condition::all().add(Expr::val(1).eq(0)),
            (None, false) => Condition::all().add(e().is_not_null()),
            (Some(v), _) => {
                let v = v.to_value();
                let ahead = if self.descending == forward {
                    e().lt(v)
                } else {
                    e().gt(v)
                };
                let mut c = Condition::any().add(ahead);
                if self.nullable && forward {
                    c = c.add(e().is_null());
                }
                c
            }
        }
    }

    fn equal(&self, value: &Option<KeyValue>) -> SimpleExpr {
        match value {
            None => self.expr.clone().is_null(),
            Some(v) => self.expr.clone().eq(v.to_value()),
        }
    }

    fn read(&self, row: &QueryResult, column: &str) -> Result<Option<KeyValue>, DbErr> {
        Ok(match self.ty {
            KeyType::Int => row.try_get::<Option<i64>>("", column)?.map(KeyValue::Int),
            KeyType::Text => row
                .try_get::<Option<String>>("", column)?
                .map(KeyValue::Text),
            KeyType::Date => row
                .try_get::<Option<NaiveDate>>("", column)?
                .map(KeyValue::Date),
            KeyType::Timestamp => row
                .try_get::<Option<DateTime<Utc>>>("", column)?
                .map(KeyValue::Timestamp),
        })
    }

    fn parse(&self, json: &Json) -> Option<Option<KeyValue>> {
        if json.is_null() {
            return self.nullable.then_some(None);
        }
        let value = match self.ty {
            KeyType::Int => KeyValue::Int(json.as_i64()?),
            KeyType::Text => KeyValue::Text(json.as_str()?.to_owned()),
            KeyType::Date => KeyValue::Date(json.as_str()?.parse().ok()?),
            KeyType::Timestamp => KeyValue::Timestamp(
                DateTime::parse_from_rfc3339(json.as_str()?)
                    .ok()?
                    .with_timezone(&Utc),
            ),
        };
        Some(Some(value))
    }
}

/// A key's value in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
}

impl KeyValue {
    fn to_value(&self) -> Value {
        match self {
            Self::Int(n) => Value::from(*n),
            Self::Text(s) => Value::from(s.clone()),
            Self::Date(d) => Value::from(*d),
            Self::Timestamp(t) => Value::from(*t),
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Self::Int(n) => Json::from(*n),
            Self::Text(s) => Json::from(s.as_str()),
            Self::Date(d) => Json::from(d.to_string()),
            Self::Timestamp(t) => Json::from(t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        }
    }
}

/// Where a row stands in an ordering: its value of each key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position(Vec<Option<KeyValue>>);

impl Position {
    /// A position from its keys' values (a list ordered in memory names its places so).
    pub fn new(values: Vec<Option<KeyValue>>) -> Self {
        Self(values)
    }

    /// The value of key `i` when it is a known text.
    pub fn text(&self, i: usize) -> Option<&str> {
        match self.0.get(i) {
            Some(Some(KeyValue::Text(s))) => Some(s),
            _ => None,
        }
    }

    /// The value of key `i` when it is a known whole number (a score read with the page).
    pub fn int(&self, i: usize) -> Option<i64> {
        match self.0.get(i) {
            Some(Some(KeyValue::Int(n))) => Some(*n),
            _ => None,
        }
    }
}

/// The reading order of a list: its keys, the last of which is unique (the id), so that every
/// row has its own position.
#[derive(Debug, Clone)]
pub struct Ordering {
    /// Names the list and order in cursors: a cursor of one order is refused by another.
    name: String,
    keys: Vec<SortKey>,
    /// The table whose rows the list reads and the columns it reads of them, when its last
    /// key is their `id` ([`Ordering::of_table`]).
    table: Option<(&'static str, Vec<&'static str>)>,
}

/// The column a key is read from.
fn key_column(i: usize) -> String {
    format!("_key{i}")
}

impl Ordering {
    pub fn new(name: impl Into<String>, keys: Vec<SortKey>) -> Self {
        Self {
            name: name.into(),
            keys,
            table: None,
        }
    }

    /// The list reads rows of `E` (its model's columns), and its last key is their `id`: a
    /// first page counted in the same read ([`Ordering::counted_window`]) then sorts and
    /// counts the matches' keys only, and reads the page's rows by id.
    pub fn of_table<E: EntityTrait>(self) -> Self {
        let columns = E::Column::iter().map(|c| c.as_str()).collect();
        Self {
            table: Some((E::default().table_name(), columns)),
            ..self
        }
    }

    /// Orders `statement` by the keys: in reading order, or from the end when `backward`
    /// (unknowns then come first, as they are last in reading order).
    pub fn order(&self, statement: &mut SelectStatement, backward: bool) {
        self.order_by(statement, backward, |_, key| key.expr.clone());
    }

    /// Orders `statement` by each key's `expr` (the key, or the column it was selected as).
    fn order_by(
        &self,
        statement: &mut SelectStatement,
        backward: bool,
        expr: impl Fn(usize, &SortKey) -> SimpleExpr,
    ) {
        for (i, key) in self.keys.iter().enumerate() {
            let order = key.sql_order(backward);
            if key.nullable {
                let nulls = if backward {
                    NullOrdering::First
                } else {
                    NullOrdering::Last
                };
                statement.order_by_expr_with_nulls(expr(i, key), order, nulls);
            } else {
                statement.order_by_expr(expr(i, key), order);
            }
        }
    }

    /// `select` in reading order (for lists read whole, not a page at a time).
    pub fn sort<E: EntityTrait>(&self, mut select: Select<E>) -> Select<E> {
        self.order(QueryTrait::query(&mut select), false);
        select
    }

    /// Adds each key as a column of the result, to read rows' positions from.
    pub fn select_keys(&self, statement: &mut SelectStatement) {
        for (i, key) in self.keys.iter().enumerate() {
            let expr = match key.ty {
                // Both backends then hand back the same integer type (ids are 32-bit, sums 64).
                KeyType::Int => key.expr.clone().cast_as(Alias::new("BIGINT")),
                _ => key.expr.clone(),
            };
            statement.expr_as(expr, Alias::new(key_column(i)));
        }
    }

    /// The position of a row selected with [`Ordering::select_keys`].
    pub fn position(&self, row: &QueryResult) -> Result<Position, DbErr> {
        self.keys
            .iter()
            .enumerate()
            .map(|(i, key)| key.read(row, &key_column(i)))
            .collect::<Result<_, _>>()
            .map(Position)
    }

    /// Rows after `at` in reading order.
    pub fn after(&self, at: &Position) -> Condition {
        self.beyond(at, true)
    }

    /// Rows before `at` in reading order.
    pub fn before(&self, at: &Position) -> Condition {
        self.beyond(at, false)
    }

    /// The row at `at`, or any row before it.
    pub fn at_or_before(&self, at: &Position) -> Condition {
        Condition::any().add(self.before(at)).add(self.at(at))
    }

    /// The row at `at`, or any row after it.
    pub fn at_or_after(&self, at: &Position) -> Condition {
        Condition::any().add(self.after(at)).add(self.at(at))
    }

    fn at(&self, at: &Position) -> Condition {
        self.keys
            .iter()
            .zip(&at.0)
            .fold(Condition::all(), |c, (key, v)| c.add(key.equal(v)))
    }

    /// Lexicographic: further along the first key, or equal on it and further along the next...
    fn beyond(&self, at: &Position, forward: bool) -> Condition {
        let mut any = Condition::any();
        let mut equal_so_far = Condition::all();
        for (key, value) in self.keys.iter().zip(&at.0) {
            any = any.add(equal_so_far.clone().add(key.beyond(value, forward)));
            equal_so_far = equal_so_far.add(key.equal(value));
        }
        // The same bound on the first key alone, redundant but plain: an index on the keys
        // can start its scan there instead of at the start of the list.
        match (self.keys.first(), at.0.first()) {
            (Some(first), Some(Some(v))) if !first.nullable => {
                let e = first.expr.clone();
                let v = v.to_value();
                let bound = if first.descending == forward {
                    e.lte(v)
                } else {
                    e.gte(v)
                };
                Condition::all().add(bound).add(any)
            }
            _ => any,
        }
    }

    /// The position the cursor `cursor` (the argument `field`) names, when one is given; a bad
    /// cursor is the client's error at that field.
    pub fn cursor(
        &self,
        field: &str,
        cursor: Option<&str>,
    ) -> super::error::ApiResult<Option<Position>> {
        cursor
            .map(|c| {
                self.decode(c)
                    .map_err(|e| super::error::ApiError::bad_input(field, format!("`{c}` {e}")))
            })
            .transpose()
    }

    /// `list` cut to the rows strictly between `after` and `before`, in reading order or from
    /// the back when `backward`, with its keys selected and one row more than `size`: whether
    /// that row comes back says if there is more on that side ([`Ordering::read_window`]).
    pub fn window(
        &self,
        list: &SelectStatement,
        after: Option<&Position>,
        before: Option<&Position>,
        size: u64,
        backward: bool,
    ) -> SelectStatement {
        let mut page = list.clone();
        self.select_keys(&mut page);
        if let Some(after) = after {
            page.cond_where(self.after(after));
        }
        if let Some(before) = before {
            page.cond_where(self.before(before));
        }
        self.order(&mut page, backward);
        page.limit(size + 1);
        page
    }

    /// As [`Ordering::window`], with the number of all of `list`'s rows on every row, in
    /// [`TOTAL_COLUMN`]. `read_whole`: the list's statement reads every match anyway (a filter
    /// by words), so a first page counts them in the same read.
    pub fn counted_window(
        &self,
        list: &SelectStatement,
        after: Option<&Position>,
        before: Option<&Position>,
        size: u64,
        backward: bool,
        read_whole: bool,
    ) -> SelectStatement {
        if read_whole && after.is_none() && before.is_none() {
            return self.counted_first_window(list, size, backward);
        }
        let mut page = self.window(list, after, before, size, backward);
        Self::count_on_page(&mut page, list);
        page
    }

    /// Makes `page`, a [`Ordering::window`] of `list`, carry the number of all of `list`'s
    /// rows in [`TOTAL_COLUMN`], with an uncorrelated subquery that both backends compute once
    /// for the statement (a window function past a cursor would count only the rows past it).
    fn count_on_page(page: &mut SelectStatement, list: &SelectStatement) {
        let mut matching = list.clone();
        matching.clear_order_by();
        use sea_orm::sea_query::QueryStatementBuilder;
        let count = sea_orm::sea_query::Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(matching, Alias::new("matching"))
            .to_owned();
        page.expr_as(
            SimpleExpr::SubQuery(None, Box::new(count.into_sub_query_statement())),
            Alias::new(TOTAL_COLUMN),
        );
    }

    /// The first [`Ordering::window`] of `list` (no cursor), carrying the number of all of its
    /// rows in [`TOTAL_COLUMN`], for a list whose statement reads every match anyway (a filter
    /// by words: a trigram bitmap gives the set of matches, never their order). The matches are
    /// counted with a window function in the same read, then sorted and cut outside it.
    ///
    /// Why outside: with the count, order and limit in one `SELECT`, PostgreSQL costs the
    /// limit as if it could stop early. Planning with the values (a connection's first
    /// executions of a statement), it then walks the list's index in order, testing every
    /// program against the words (EXPLAIN ANALYZE at 10,000 programs, `program 3` in one
    /// category: 3.7 ms, against 0.9 ms for the bitmap of the matches and a sort of them).
    ///
    /// With the list's table known ([`Ordering::of_table`]), the matches carry only their keys
    /// through the count and the sort, and the page's rows are read by id after the cut: a
    /// window function keeps every row it counts, and a program's row is 1.5 KB (its summary,
    /// its description). pgbench over the filtered-programs load's mix at 10,000 programs:
    /// 1.42-1.72 ms a statement with whole rows, 1.19-1.35 with keys.
    fn counted_first_window(
        &self,
        list: &SelectStatement,
        size: u64,
        backward: bool,
    ) -> SelectStatement {
        use sea_orm::sea_query::{Asterisk, JoinType, Query};
        let mut matches = list.clone();
        matches.clear_order_by();
        if self.table.is_some() {
            matches.clear_selects();
        }
        self.select_keys(&mut matches);
        matches.expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL_COLUMN));
        let mut cut = Query::select();
        cut.column(Asterisk)
            .from_subquery(matches, Alias::new("matches"));
        // The keys as the subquery's columns: they keep their type and collation.
        self.order_by(&mut cut, backward, |i, _| {
            Expr::col(Alias::new(key_column(i)))
        });
        cut.limit(size + 1);
        let Some((table, columns)) = &self.table else {
            return cut;
        };
        let (table, page) = (Alias::new(*table), Alias::new("page"));
        let id = key_column(self.keys.len() - 1);
        let mut rows = Query::select();
        for column in columns {
            rows.column((table.clone(), Alias::new(*column)));
        }
        rows.column((page.clone(), Asterisk))
            .from(table.clone())
            .join_subquery(
                JoinType::InnerJoin,
                cut,
                page.clone(),
                Expr::col((table, Alias::new("id"))).equals((page.clone(), Alias::new(id))),
            );
        self.order_by(&mut rows, backward, |i, _| {
            Expr::col((page.clone(), Alias::new(key_column(i))))
        });
        rows
    }

    /// The total a page of [`Ordering::counted_window`] carries; None when it has no row (a
    /// page past the end), which must then be counted apart.
    pub fn carried_total(rows: &[QueryResult]) -> Option<i64> {
        rows.first()
            .and_then(|row| row.try_get::<i64>("", TOTAL_COLUMN).ok())
    }

    /// The rows of a [`Ordering::window`] of `size` (at most `size` of them, in the window's
    /// order), and whether there were more.
    pub async fn read_window(
        db: &impl sea_orm::ConnectionTrait,
        window: &SelectStatement,
        size: u64,
    ) -> Result<(Vec<QueryResult>, bool), DbErr> {
        let mut rows = db.query_all(window).await?;
        let more = rows.len() as u64 > size;
        rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        Ok((rows, more))
    }

    /// The opaque cursor of a position.
    pub fn encode(&self, at: &Position) -> String {
        let mut parts = Vec::with_capacity(at.0.len() + 1);
        parts.push(Json::from(self.name.as_str()));
        parts.extend(
            at.0.iter()
                .map(|v| v.as_ref().map_or(Json::Null, KeyValue::to_json)),
        );
        URL_SAFE_NO_PAD.encode(Json::Array(parts).to_string())
    }

    /// The position a cursor of this ordering names; an error for anything else (garbage, or
    /// a cursor of another list or order).
    pub fn decode(&self, cursor: &str) -> Result<Position, CursorError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| CursorError::Malformed)?;
        let json: Json = serde_json::from_slice(&bytes).map_err(|_| CursorError::Malformed)?;
        let parts = json.as_array().ok_or(CursorError::Malformed)?;
        let (name, values) = parts.split_first().ok_or(CursorError::Malformed)?;
        if name.as_str() != Some(self.name.as_str()) {
            return Err(CursorError::OtherOrder);
        }
        if values.len() != self.keys.len() {
            return Err(CursorError::Malformed);
        }
        self.keys
            .iter()
            .zip(values)
            .map(|(key, v)| key.parse(v).ok_or(CursorError::Malformed))
            .collect::<Result<_, _>>()
            .map(Position)
    }
}

/// Why a cursor was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    #[error("is not a cursor this API gave out")]
    Malformed,
    #[error("belongs to another list or another order")]
    OtherOrder,
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::sea_query::{Query, SqliteQueryBuilder};

    fn ordering() -> Ordering {
        Ordering::new(
            "test.when",
            vec![
                SortKey::asc(Expr::col(Alias::new("said_on")), KeyType::Date).nulls_last(),
                SortKey::asc(Expr::col(Alias::new("id")), KeyType::Int),
            ],
        )
    }

    #[test]
    fn cursors_round_trip_and_refuse_others() {
        let o = ordering();
        let at = Position(vec![
            Some(KeyValue::Date(
                NaiveDate::from_ymd_opt(2025, 9, 21).unwrap_or_default(),
            )),
            Some(KeyValue::Int(42)),
        ]);
        assert_eq!(o.decode(&o.encode(&at)), Ok(at.clone()));
        let unknown = Position(vec![None, Some(KeyValue::Int(7))]);
        assert_eq!(o.decode(&o.encode(&unknown)), Ok(unknown));
        assert_eq!(o.decode("garbage"), Err(CursorError::Malformed));
        let other = Ordering::new("other", vec![]);
        assert_eq!(o.decode(&other.encode(&at)), Err(CursorError::OtherOrder));
        // An id key may not be unknown.
        let bad = Position(vec![None, None]);
        assert_eq!(o.decode(&o.encode(&bad)), Err(CursorError::Malformed));
    }

    #[test]
    fn after_a_known_date_includes_the_unknowns_and_after_an_unknown_only_later_ids() {
        let o = ordering();
        let sql = |c: Condition| {
            Query::select()
                .expr(Expr::val(1))
                .cond_where(c)
                .to_string(SqliteQueryBuilder)
        };
        let known = Position(vec![
            Some(KeyValue::Date(
                NaiveDate::from_ymd_opt(2025, 9, 21).unwrap_or_default(),
            )),
            Some(KeyValue::Int(42)),
        ]);
        assert_eq!(
            sql(o.after(&known)),
            "SELECT 1 WHERE \"said_on\" > '2025-09-21' OR \"said_on\" IS NULL \
             OR (\"said_on\" = '2025-09-21' AND \"id\" > 42)"
        );
        let unknown = Position(vec![None, Some(KeyValue::Int(7))]);
        assert_eq!(
            sql(o.after(&unknown)),
            "SELECT 1 WHERE 1 = 0 OR (\"said_on\" IS NULL AND \"id\" > 7)"
        );
        assert_eq!(
            sql(o.before(&unknown)),
            "SELECT 1 WHERE \"said_on\" IS NOT NULL OR (\"said_on\" IS NULL AND \"id\" < 7)"
        );
    }
}
