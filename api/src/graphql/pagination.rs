//! Relay connections over any list with a reading order (`kb::keyset`): `first`/`after`,
//! `last`/`before` as the cursor connections spec says, `pageInfo`, and `totalCount`, counted
//! only when a client asks for it: by the page's own statement for a list of one entity's
//! rows, by a statement of its own when the page is empty or the list is built otherwise.
//!
//! Cursors are keyset positions: the sort key and id of a row, opaque to clients. A record
//! published or unpublished ahead of a reader's cursor does not shift the next page.

use crate::config::Limits;
use crate::kb::decode::Decoder;
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::keyset::{Ordering, Position};
use async_graphql::connection::{Connection, CursorType, Edge};
use async_graphql::{Context, Object, OutputType};
use sea_orm::sea_query::{Alias, Condition, Expr, Query, SelectStatement};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryResult, QueryTrait, Select, TryIntoModel,
};

/// An edge's cursor: already encoded by the list's ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysetCursor(String);

impl CursorType for KeysetCursor {
    type Error = std::convert::Infallible;

    /// Cursors are decoded against the list's ordering, where the arguments are read.
    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        Ok(Self(s.to_owned()))
    }

    fn encode_cursor(&self) -> String {
        self.0.clone()
    }
}

/// The paging arguments of a connection field, as the client sent them, and which parts of
/// `pageInfo` it asked for (the optional ones cost a statement).
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    wants_previous: bool,
    wants_next: bool,
    /// The client asked for `totalCount`.
    wants_total: bool,
    /// The page's statement counts the list too (`TOTAL_COLUMN`): a list of one entity's rows
    /// ([`paginate`]) when `totalCount` is asked for, so the total costs no statement of its own.
    count_on_page: bool,
    /// The page reads every match anyway (a filter only a bitmap of matches can narrow, such
    /// as words): the first page then counts in that same read (a window), not in a second
    /// scan of the matches.
    matches_read_whole: bool,
}

impl PageArgs {
    /// The four arguments, in the order resolvers declare them, and the selection of the
    /// connection field being resolved.
    pub fn new(
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        let page_info = ctx.look_ahead().field("pageInfo");
        Self {
            first,
            after,
            last,
            before,
            wants_previous: page_info.field("hasPreviousPage").exists(),
            wants_next: page_info.field("hasNextPage").exists(),
            wants_total: ctx.look_ahead().field("totalCount").exists(),
            count_on_page: false,
            matches_read_whole: false,
        }
    }

    /// The same arguments for a list whose filter makes the page read every match anyway
    /// (see [`ProgramQuery::narrows_by_words`]): a first page's total is then counted by
    /// that read. At 10,000 programs, words and a category: 1,330 page or count statements a
    /// second each, 1,054 counted by the page's read, so a request takes one scan, not two.
    ///
    /// [`ProgramQuery::narrows_by_words`]: crate::kb::programs::ProgramQuery::narrows_by_words
    pub fn matches_read_whole(self, yes: bool) -> Self {
        Self {
            matches_read_whole: yes,
            ..self
        }
    }

    /// The same arguments for a list whose total the resolver counts its own way (kept
    /// tallies): the page's statement then does not count the list too. (`changes` at 10,000
    /// programs counted all 250,200 revisions on every page, 23 ms, and then summed its tally.)
    pub fn total_counted_apart(self) -> Self {
        Self {
            wants_total: false,
            ..self
        }
    }
}

/// Fields added to every connection.
pub struct ConnectionTotals {
    count: Count,
}

/// How a connection knows its total.
enum Count {
    /// Counted by the database when asked: the list's statement, unordered.
    Statement(DatabaseConnection, Box<SelectStatement>),
    /// Known already (a list sorted in memory).
    Known(u64),
    /// The sum of statements that each yield one number in `n` (kept tallies).
    Sum(DatabaseConnection, Vec<SelectStatement>),
}

impl ConnectionTotals {
    /// A total counted by `list` (the same rows as the page's list, in a statement that counts
    /// them faster) instead of by the page's list.
    pub fn counted_by(db: &DatabaseConnection, list: SelectStatement) -> Self {
        Self {
            count: Count::Statement(db.clone(), Box::new(list)),
        }
    }

    /// A total that is the sum of `parts`, statements that each yield one number in `n`.
    pub fn summed(
        db: &DatabaseConnection,
        parts: impl IntoIterator<Item = SelectStatement>,
    ) -> Self {
        Self {
            count: Count::Sum(db.clone(), parts.into_iter().collect()),
        }
    }
}

/// The number in column `n` of the one row `query` yields (0 for none).
async fn number(db: &DatabaseConnection, query: &SelectStatement) -> ApiResult<u64> {
    let n: i64 = match db.query_one(query).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or_default())
}

/// Fields added to every connection.
#[Object]
impl ConnectionTotals {
    /// How many records match the filter, on all pages.
    async fn total_count(&self) -> ApiResult<u64> {
        match &self.count {
            Count::Known(n) => Ok(*n),
            Count::Statement(db, list) => {
                let query = Query::select()
                    .expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
                    .from_subquery(SelectStatement::clone(list), Alias::new("matching"))
                    .to_owned();
                number(db, &query).await
            }
            Count::Sum(db, parts) => {
                let mut total = 0;
                for part in parts {
                    total += number(db, part).await?;
                }
                Ok(total)
            }
        }
    }
}

/// A page of `Node`s.
pub type Page<Node> = Connection<KeysetCursor, Node, ConnectionTotals>;

/// The `limit` and `offset` of a numbered page (the editors' lists): `limit` is 1 to the
/// largest page size, `offset` is not negative.
pub fn offset_page(limits: &Limits, limit: i32, offset: i32) -> ApiResult<(u64, u64)> {
    let max = limits.max_page_size;
    let limit = u64::try_from(limit)
        .ok()
        .filter(|l| (1..=max).contains(l))
        .ok_or_else(|| ApiError::bad_input("limit", format!("`limit` is 1 to {max}")))?;
    let offset = u64::try_from(offset)
        .map_err(|_| ApiError::bad_input("offset", "`offset` is not negative"))?;
    Ok((limit, offset))
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

/// Whether any row of `list` meets `condition`.
async fn exists(
    db: &DatabaseConnection,
    list: &SelectStatement,
    condition: Condition,
) -> ApiResult<bool> {
    let mut probe = list.clone();
    probe
        .clear_selects()
        .expr(Expr::val(1))
        .cond_where(condition)
        .limit(1);
    Ok(db.query_one(&probe).await?.is_some())
}

/// A page of `list` (filtered, not ordered) in `ordering`, as the arguments ask; `to_node`
/// reads a row.
pub async fn paginate_statement<Node: OutputType>(
    db: &DatabaseConnection,
    list: SelectStatement,
    ordering: &Ordering,
    args: PageArgs,
    limits: &Limits,
    to_node: impl Fn(&QueryResult) -> ApiResult<Node>,
) -> ApiResult<Page<Node>> {
    let first = page_size("first", args.first, limits)?;
    let last = page_size("last", args.last, limits)?;
    if first.is_some() && last.is_some() {
        return Err(ApiError::bad_input(
            "last",
            "give `first` or `last`, not both",
        ));
    }
    let after = ordering.cursor("after", args.after.as_deref())?;
    let before = ordering.cursor("before", args.before.as_deref())?;

    // The edges between the cursors, read from the front (`first`) or from the back (`last`),
    // with one more row than asked: whether it exists says if there is more on that side.
    let backward = last.is_some();
    let size = last.or(first).unwrap_or(limits.default_page_size);
    let (after_at, before_at) = (after.as_ref(), before.as_ref());
    let page = if args.count_on_page {
        let read_whole = args.matches_read_whole;
        ordering.counted_window(&list, after_at, before_at, size, backward, read_whole)
    } else {
        ordering.window(&list, after_at, before_at, size, backward)
    };
    let (mut rows, more) = Ordering::read_window(db, &page, size).await?;
    if backward {
        rows.reverse();
    }

    // The other side: rows at or beyond the cursor the client came from, when it asks.
    let (has_previous, has_next) = if backward {
        let beyond = match &before {
            Some(b) if args.wants_next => exists(db, &list, ordering.at_or_after(b)).await?,
            _ => false,
        };
        (more, beyond)
    } else {
        let behind = match &after {
            Some(a) if args.wants_previous => exists(db, &list, ordering.at_or_before(a)).await?,
            _ => false,
        };
        (behind, more)
    };

    // A list that carries its total on its rows (`TOTAL_COLUMN`) is not counted again; an
    // empty page (past the end) has no row to carry it.
    let carried = Ordering::carried_total(&rows);
    let totals = match carried {
        Some(n) => ConnectionTotals {
            count: Count::Known(u64::try_from(n).unwrap_or_default()),
        },
        None => {
            let mut count = list;
            count.clear_order_by();
            ConnectionTotals {
                count: Count::Statement(db.clone(), Box::new(count)),
            }
        }
    };
    let mut connection = Connection::with_additional_fields(has_previous, has_next, totals);
    connection.edges.reserve(rows.len());
    for row in &rows {
        let at = ordering.position(row)?;
        connection
            .edges
            .push(Edge::new(KeysetCursor(ordering.encode(&at)), to_node(row)?));
    }
    Ok(connection)
}

/// As [`paginate_statement`], for a list of one entity's rows.
pub async fn paginate<E, Node>(
    db: &DatabaseConnection,
    select: Select<E>,
    ordering: &Ordering,
    args: PageArgs,
    limits: &Limits,
    to_node: impl Fn(E::Model) -> Node,
) -> ApiResult<Page<Node>>
where
    E: EntityTrait,
    E::ActiveModel: TryIntoModel<E::Model>,
    Node: OutputType,
{
    let args = PageArgs {
        count_on_page: args.wants_total,
        ..args
    };
    let decoder = Decoder::<E>::new("");
    paginate_statement(db, select.into_query(), ordering, args, limits, |row| {
        Ok(to_node(decoder.decode(row)?))
    })
    .await
}

/// A list sorted in memory (a ranking), paged like the others: its places are keyset
/// positions of an [`Ordering`], so its cursors look and are checked the same.
pub trait SortedList {
    /// How many items it holds.
    fn size(&self) -> usize;
    /// The place of the `i`th item.
    fn position(&self, i: usize) -> Option<Position>;
    /// How many items come before `at` (`inclusive`: at or before).
    fn count_before(&self, at: &Position, inclusive: bool) -> usize;
}

/// The items of a [`SortedList`] a page holds, and the rest of its connection.
pub struct Window {
    pub range: std::ops::Range<usize>,
    has_previous: bool,
    has_next: bool,
    cursors: Vec<String>,
    total: u64,
}

/// The page of `list` the arguments ask for: `first`/`after` and `last`/`before` as in
/// [`paginate_statement`], with the same errors.
pub fn window(
    list: &impl SortedList,
    ordering: &Ordering,
    args: &PageArgs,
    limits: &Limits,
) -> ApiResult<Window> {
    let first = page_size("first", args.first, limits)?;
    let last = page_size("last", args.last, limits)?;
    if first.is_some() && last.is_some() {
        return Err(ApiError::bad_input(
            "last",
            "give `first` or `last`, not both",
        ));
    }
    let start = ordering
        .cursor("after", args.after.as_deref())?
        .map_or(0, |at| list.count_before(&at, true));
    let end = ordering
        .cursor("before", args.before.as_deref())?
        .map_or(list.size(), |at| list.count_before(&at, false))
        .max(start);
    let size =
        usize::try_from(last.or(first).unwrap_or(limits.default_page_size)).unwrap_or(usize::MAX);
    let range = if last.is_some() {
        end.saturating_sub(size).max(start)..end
    } else {
        start..end.min(start.saturating_add(size))
    };
    let cursors = range
        .clone()
        .filter_map(|i| list.position(i))
        .map(|at| ordering.encode(&at))
        .collect();
    Ok(Window {
        has_previous: range.start > 0,
        has_next: range.end < list.size(),
        range,
        cursors,
        total: list.size() as u64,
    })
}

impl Window {
    /// The connection of this window, `nodes` being its items in order.
    pub fn connection<Node: OutputType>(self, nodes: Vec<Node>) -> Page<Node> {
        let totals = ConnectionTotals {
            count: Count::Known(self.total),
        };
        let mut connection =
            Connection::with_additional_fields(self.has_previous, self.has_next, totals);
        connection.edges = self
            .cursors
            .into_iter()
            .zip(nodes)
            .map(|(c, node)| Edge::new(KeysetCursor(c), node))
            .collect();
        connection
    }
}
