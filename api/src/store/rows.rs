//! The store: reading and writing one content row as a JSON snapshot, whatever its kind.

use crate::kb::one_of::one_of;
use crate::kb::values::WebUrl;
use crate::kb::{RecordKind, with_entity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use serde_json::{Map, Value};

fn json_err(kind: RecordKind, e: serde_json::Error) -> DbErr {
    DbErr::Json(format!("{} snapshot: {e}", kind.stored_name()))
}

fn column<E: EntityTrait>(name: &str) -> Result<E::Column, DbErr> {
    name.parse::<E::Column>()
        .map_err(|_| DbErr::Custom(format!("no column `{name}`")))
}

/// The row as a JSON object, or None when there is no such row.
pub async fn fetch(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
) -> Result<Option<Map<String, Value>>, DbErr> {
    with_entity!(kind, E => {
        let row = E::find()
            .filter(column::<E>("id")?.eq(id))
            .one(db)
            .await?;
        match row {
            None => Ok(None),
            Some(model) => match serde_json::to_value(model).map_err(|e| json_err(kind, e))? {
                Value::Object(map) => Ok(Some(map)),
                _ => Err(DbErr::Json("a row did not serialise to an object".to_owned())),
            },
        }
    })
}

/// The rows `ids` of `kind` in any state, as JSON objects with their ids, in one statement
/// (a page of the editors' work list).
pub async fn fetch_many(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    ids: Vec<i32>,
) -> Result<Vec<(i32, Map<String, Value>)>, DbErr> {
    fetch_where(db, kind, ids, false).await
}

/// The rows `ids` of `kind` readers may see, as JSON objects with their ids, in one statement
/// (a page of search hits).
pub async fn fetch_visible(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    ids: Vec<i32>,
) -> Result<Vec<(i32, Map<String, Value>)>, DbErr> {
    fetch_where(db, kind, ids, true).await
}

async fn fetch_where(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    ids: Vec<i32>,
    visible_only: bool,
) -> Result<Vec<(i32, Map<String, Value>)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    with_entity!(kind, E => {
        let id = column::<E>("id")?;
        let mut query = E::find().filter(one_of(db.get_database_backend(), id, ids));
        if visible_only {
            query = query.filter(crate::kb::visibility::condition(kind));
        }
        let rows = query.all(db).await?;
        rows.into_iter()
            .map(|model| {
                let id = model.id;
                match serde_json::to_value(model).map_err(|e| json_err(kind, e))? {
                    Value::Object(map) => Ok((id, map)),
                    _ => Err(DbErr::Json("a row did not serialise to an object".to_owned())),
                }
            })
            .collect()
    })
}

/// Inserts a row from a snapshot (its `id` is ignored) and returns the new id.
pub async fn insert(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    mut snapshot: Map<String, Value>,
) -> Result<i32, DbErr> {
    snapshot.insert("id".to_owned(), Value::from(0));
    with_entity!(kind, E => {
        let model: <E as EntityTrait>::Model =
            serde_json::from_value(Value::Object(snapshot)).map_err(|e| json_err(kind, e))?;
        let mut row = model.into_active_model().reset_all();
        row.not_set(column::<E>("id")?);
        let inserted = row.insert(db).await?;
        Ok(inserted.id)
    })
}

/// Overwrites row `id` with a snapshot, but only while its version is still `expected`:
/// the check and the write are one statement, so two replicas cannot both win. Returns
/// whether the row was written.
pub async fn write_if_version(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    id: i32,
    expected: i32,
    mut snapshot: Map<String, Value>,
) -> Result<bool, DbErr> {
    snapshot.insert("id".to_owned(), Value::from(id));
    let snapshot_name = snapshot
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_owned);
    with_entity!(kind, E => {
        let model: <E as EntityTrait>::Model =
            serde_json::from_value(Value::Object(snapshot)).map_err(|e| json_err(kind, e))?;
        let mut row = model.into_active_model().reset_all();
        row.not_set(column::<E>("id")?);
        // An update of many rows skips the entities' `before_save`, which keeps the
        // reading-order key: keep it here (snapshots do not carry it).
        if let (Ok(key), Some(name)) = (column::<E>("sort_name"), snapshot_name.as_deref()) {
            row.set(key, entity::folding::sort_key(name).into());
        }
        let result = E::update_many()
            .set(row)
            .filter(column::<E>("id")?.eq(id))
            .filter(column::<E>("version")?.eq(expected))
            .exec(db)
            .await?;
        Ok(result.rows_affected == 1)
    })
}

/// Whether another row of `kind` has `value` in the unique column `name`.
pub async fn taken_by_other(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    name: &str,
    value: &Value,
    id: Option<i32>,
) -> Result<bool, DbErr> {
    let Some(value) = value.as_str() else {
        return Ok(false);
    };
    with_entity!(kind, E => {
        let mut query = E::find().filter(column::<E>(name)?.eq(value));
        if let Some(id) = id {
            query = query.filter(column::<E>("id")?.ne(id));
        }
        Ok(query.one(db).await?.is_some())
    })
}

/// What an editor's work list narrows to; every part is optional.
#[derive(Debug, Default, Clone)]
pub struct WorkFilter {
    /// Only records in this editorial state (`draft`, `published`, `archived`).
    pub state: Option<String>,
    /// Only records with (true) or without (false) a pending edit waiting for `publish`.
    pub pending: Option<bool>,
    /// Only programs of this country, or records of such programs.
    pub country: Option<String>,
    /// Only records this account wrote a revision or the pending edit of.
    pub author: Option<i32>,
    /// Only records that belong to this one: a program's requirements, fees, events and
    /// commentary, a source's or any cited record's citations, a person's commentary.
    pub of: Option<(RecordKind, i32)>,
    /// Only records with this text (any case) in their name, title, label, description, body,
    /// excerpt, slug or URL; a URL also finds the source at its normalised form.
    pub text: Option<String>,
}

/// The columns the work list's text filter looks in, where a kind has them.
const TEXT_COLUMNS: [&str; 8] = [
    "name",
    "title",
    "label",
    "description",
    "body",
    "excerpt",
    "slug",
    "url",
];

/// Whether records of `kind` can belong to records of `parent` (see [`WorkFilter::of`]).
pub fn can_belong(kind: RecordKind, parent: RecordKind) -> bool {
    (kind == RecordKind::Commentary && parent == RecordKind::Program)
        || with_entity!(kind, E => column::<E>(&format!("{}_id", parent.table())).is_ok())
}

/// Whether records of `kind` belong to a country: programs, and what hangs from a program.
pub fn has_country(kind: RecordKind) -> bool {
    matches!(
        kind,
        RecordKind::Program | RecordKind::Requirement | RecordKind::Fee | RecordKind::PolicyEvent
    )
}

/// One page of the work list: ids of rows of `kind` that pass `filter`, most recently
/// changed first, and how many pass in all.
pub async fn work_ids(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    filter: &WorkFilter,
    limit: u64,
    offset: u64,
) -> Result<(Vec<i32>, u64), DbErr> {
    use entity::{commentary_program, draft, program, revision};
    use sea_orm::sea_query::Query;
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let stored = kind.stored_name();
    let drafts = || {
        Query::select()
            .column(draft::Column::RecordId)
            .from(draft::Entity)
            .and_where(draft::Column::RecordType.eq(stored))
            .to_owned()
    };
    with_entity!(kind, E => {
        let id = column::<E>("id")?;
        let mut query = E::find();
        if let Some(state) = &filter.state {
            query = query.filter(column::<E>("state")?.eq(state.as_str()));
        }
        match filter.pending {
            Some(true) => query = query.filter(id.in_subquery(drafts())),
            Some(false) => query = query.filter(id.not_in_subquery(drafts())),
            None => {}
        }
        if let Some(country) = &filter.country {
            query = if kind == RecordKind::Program {
                query.filter(column::<E>("country")?.eq(country.as_str()))
            } else {
                let programs = Query::select()
                    .column(program::Column::Id)
                    .from(program::Entity)
                    .and_where(program::Column::Country.eq(country.as_str()))
                    .to_owned();
                query.filter(column::<E>("program_id")?.in_subquery(programs))
            };
        }
        if let Some(author) = filter.author {
            let revised = Query::select()
                .column(revision::Column::RecordId)
                .from(revision::Entity)
                .and_where(revision::Column::RecordType.eq(stored))
                .and_where(revision::Column::AuthorId.eq(author))
                .to_owned();
            let drafted = drafts()
                .and_where(draft::Column::AuthorId.eq(author))
                .to_owned();
            query = query.filter(
                sea_orm::Condition::any()
                    .add(id.in_subquery(revised))
                    .add(id.in_subquery(drafted)),
            );
        }
        if let Some((parent, parent_id)) = filter.of {
            query = if kind == RecordKind::Commentary && parent == RecordKind::Program {
                let links = Query::select()
                    .column(commentary_program::Column::CommentaryId)
                    .from(commentary_program::Entity)
                    .and_where(commentary_program::Column::ProgramId.eq(parent_id))
                    .to_owned();
                query.filter(id.in_subquery(links))
            } else {
                query.filter(column::<E>(&format!("{}_id", parent.table()))?.eq(parent_id))
            };
        }
        if let Some(text) = &filter.text {
            let mut any = sea_orm::Condition::any();
            for name in TEXT_COLUMNS {
                if let Ok(col) = column::<E>(name) {
                    any = any.add(crate::kb::matching::lower_like(col, text));
                }
            }
            if let (Ok(url), Ok(normal)) = (column::<E>("url"), WebUrl::parse(text)) {
                any = any.add(url.eq(String::from(normal)));
            }
            query = query.filter(any);
        }
        let total = query.clone().count(db).await?;
        let ids = query
            .order_by_desc(column::<E>("updated_at")?)
            .order_by_desc(id)
            .limit(limit)
            .offset(offset)
            .all(db)
            .await?
            .into_iter()
            .map(|row| row.id)
            .collect();
        Ok((ids, total))
    })
}

/// Every row of `kind` readers may see, as JSON objects (rebuilding the search index).
pub async fn fetch_all_visible(
    db: &impl ConnectionTrait,
    kind: RecordKind,
) -> Result<Vec<Map<String, Value>>, DbErr> {
    with_entity!(kind, E => {
        let rows = E::find()
            .filter(crate::kb::visibility::condition(kind))
            .all(db)            .await?;
        rows.into_iter()
            .map(|model| match serde_json::to_value(model).map_err(|e| json_err(kind, e))? {
                Value::Object(map) => Ok(map),
                _ => Err(DbErr::Json("a row did not serialise to an object".to_owned())),
            })
            .collect()
    })
}
