//! The store: reading and writing one content row as a JSON snapshot, whatever its kind.

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

/// The rows `ids` of `kind` readers may see, as JSON objects with their ids, in one statement
/// (a page of search hits).
pub async fn fetch_visible(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    ids: Vec<i32>,
) -> Result<Vec<(i32, Map<String, Value>)>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    with_entity!(kind, E => {
        let rows = E::find()
            .filter(column::<E>("id")?.is_in(ids))
            .filter(crate::kb::visibility::condition(kind))
            .all(db)
            .await?;
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

/// Ids of rows of `kind` (optionally in one state), most recently changed first.
pub async fn recent_ids(
    db: &impl ConnectionTrait,
    kind: RecordKind,
    state: Option<&str>,
    limit: u64,
    offset: u64,
) -> Result<Vec<i32>, DbErr> {
    use sea_orm::{QueryOrder, QuerySelect};
    with_entity!(kind, E => {
        let mut query = E::find()
            .order_by_desc(column::<E>("updated_at")?)
            .order_by_desc(column::<E>("id")?)
            .limit(limit)
            .offset(offset);
        if let Some(state) = state {
            query = query.filter(column::<E>("state")?.eq(state));
        }
        Ok(query.all(db).await?.into_iter().map(|row| row.id).collect())
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
