//! Relay connections over any ordered query: `first`/`after`, `last`/`before`, `pageInfo` and a
//! lazily counted `totalCount` (one extra statement only when a client asks for it).
//!
//! Cursors are opaque positions in the ordered result. They are cheap and exact for a catalogue
//! that changes rarely; a record inserted before a cursor shifts later pages by one.

use crate::config::Limits;
use crate::kb::error::{ApiError, ApiResult};
use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Object, OutputType};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QuerySelect, QueryTrait, Select};

/// A position in an ordered list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetCursor(pub u64);

impl CursorType for OffsetCursor {
    type Error = String;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let bytes = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| "invalid cursor".to_owned())?;
        let text = String::from_utf8(bytes).map_err(|_| "invalid cursor".to_owned())?;
        text.strip_prefix("offset:")
            .and_then(|n| n.parse().ok())
            .map(OffsetCursor)
            .ok_or_else(|| "invalid cursor".to_owned())
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("offset:{}", self.0))
    }
}

/// The paging arguments of a connection field, as the client sent them.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    /// The four arguments, in the order resolvers declare them.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
        }
    }
}

/// Fields added to every connection.
pub struct ConnectionTotals {
    db: DatabaseConnection,
    count: SelectStatement,
}

/// Fields added to every connection.
#[Object]
impl ConnectionTotals {
    /// How many records match the filter, on all pages.
    async fn total_count(&self) -> ApiResult<u64> {
        self.total().await
    }
}

impl ConnectionTotals {
    /// Counts the rows of `query`, whatever its order (which is dropped: it cannot change a count).
    fn of(db: &DatabaseConnection, mut query: SelectStatement) -> Self {
        query.clear_order_by();
        Self {
            db: db.clone(),
            count: query,
        }
    }

    async fn total(&self) -> ApiResult<u64> {
        let query = Query::select()
            .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
            .from_subquery(self.count.clone(), Alias::new("matching"))
            .to_owned();
        let row = self.db.query_one(&query).await?;
        let n: i64 = match row {
            Some(row) => row.try_get("", "n")?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or_default())
    }
}

/// A page of `Node`s.
pub type Page<Node> = Connection<OffsetCursor, Node, ConnectionTotals>;

fn cursor(field: &str, value: Option<&String>) -> ApiResult<Option<u64>> {
    value
        .map(|c| {
            OffsetCursor::decode_cursor(c)
                .map(|c| c.0)
                .map_err(|_| ApiError::bad_input(field, format!("`{c}` is not a valid cursor")))
        })
        .transpose()
}

fn page_size(field: &str, value: Option<i32>, limits: &Limits) -> ApiResult<Option<u64>> {
    value
        .map(|n| {
            u64::try_from(n)
                .ok()
                .filter(|n| *n <= limits.max_page_size)
                .ok_or_else(|| {
                    ApiError::bad_input(
                        field,
                        format!("`{field}` must be between 0 and {}", limits.max_page_size),
                    )
                })
        })
        .transpose()
}

/// Which rows a page holds: `limit` rows from `start`, plus one probe row when asking whether
/// a next page exists.
struct Window {
    start: u64,
    limit: u64,
    probe_next: bool,
    before: Option<u64>,
}

async fn window(args: &PageArgs, limits: &Limits, totals: &ConnectionTotals) -> ApiResult<Window> {
    let first = page_size("first", args.first, limits)?;
    let last = page_size("last", args.last, limits)?;
    if first.is_some() && last.is_some() {
        return Err(ApiError::bad_input(
            "last",
            "give `first` or `last`, not both",
        ));
    }
    let after = cursor("after", args.after.as_ref())?;
    let before = cursor("before", args.before.as_ref())?;
    let start_bound = after.map_or(0, |a| a + 1);
    Ok(if let Some(last) = last {
        let end = match before {
            Some(b) => b,
            None => totals.total().await?,
        };
        let start = end.saturating_sub(last).max(start_bound);
        Window {
            start,
            limit: end.saturating_sub(start),
            probe_next: false,
            before,
        }
    } else {
        let n = first.unwrap_or(limits.default_page_size);
        let n = match before {
            Some(b) => n.min(b.saturating_sub(start_bound)),
            None => n,
        };
        Window {
            start: start_bound,
            limit: n,
            probe_next: true,
            before,
        }
    })
}

impl Window {
    fn is_empty(&self) -> bool {
        self.limit == 0 && !self.probe_next
    }

    /// Rows to fetch: the page and the probe.
    fn fetch(&self) -> u64 {
        self.limit + u64::from(self.probe_next)
    }

    fn into_page<Row, Node: OutputType>(
        self,
        rows: Vec<Row>,
        totals: ConnectionTotals,
        to_node: impl Fn(Row) -> Node,
    ) -> Page<Node> {
        let has_next = if self.probe_next {
            rows.len() as u64 > self.limit
        } else {
            self.before.is_some()
        };
        let mut connection = Connection::with_additional_fields(self.start > 0, has_next, totals);
        connection.edges.extend(
            rows.into_iter()
                .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
                .enumerate()
                .map(|(i, row)| Edge::new(OffsetCursor(self.start + i as u64), to_node(row))),
        );
        connection
    }
}

/// Runs `select` (already filtered and totally ordered) for the window the arguments ask for.
pub async fn paginate<E, Node>(
    db: &DatabaseConnection,
    select: Select<E>,
    args: PageArgs,
    limits: &Limits,
    to_node: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    Node: OutputType,
{
    let totals = ConnectionTotals::of(db, select.clone().into_query());
    let window = window(&args, limits, &totals).await?;
    let rows = if window.is_empty() {
        Vec::new()
    } else {
        select
            .offset(window.start)
            .limit(window.fetch())
            .all(db)
            .await?
    };
    Ok(window.into_page(rows, totals, to_node))
}

/// As [`paginate`], for a hand-built statement whose rows `to_node` reads.
pub async fn paginate_statement<Node: OutputType>(
    db: &DatabaseConnection,
    statement: SelectStatement,
    args: PageArgs,
    limits: &Limits,
    to_node: impl Fn(sea_orm::QueryResult) -> Node,
) -> ApiResult<Page<Node>> {
    let totals = ConnectionTotals::of(db, statement.clone());
    let window = window(&args, limits, &totals).await?;
    let rows = if window.is_empty() {
        Vec::new()
    } else {
        let mut page = statement;
        page.offset(window.start).limit(window.fetch());
        db.query_all(&page).await?
    };
    Ok(window.into_page(rows, totals, to_node))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = OffsetCursor(17);
        assert_eq!(OffsetCursor::decode_cursor(&c.encode_cursor()), Ok(c));
        assert!(OffsetCursor::decode_cursor("garbage").is_err());
        assert!(OffsetCursor::decode_cursor(&URL_SAFE_NO_PAD.encode("offset:-3")).is_err());
    }
}
