//! Read models shared by the surfaces that are not GraphQL (exports, permalinks, the feed and
//! the pages): what readers may see of a program's fees and of the sources behind a record.

use super::error::ApiResult;
use super::fees::is_current;
use super::kind::RecordKind;
use super::visibility::{self, CitationTarget};
use chrono::NaiveDate;
use entity::{citation, fee, source};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{BTreeSet, HashMap};

/// Visible citations of the `target` records `ids`, each with its (visible) source, in
/// citation order.
pub async fn cited_sources(
    db: &impl ConnectionTrait,
    target: CitationTarget,
    ids: Vec<i32>,
) -> ApiResult<Vec<(citation::Model, source::Model)>> {
    let citations = citation::Entity::find()
        .filter(target.column().is_in(ids))
        .filter(visibility::citations_of(target))
        .order_by_asc(citation::Column::Id)
        .all(db)
        .await?;
    let source_ids: BTreeSet<i32> = citations.iter().map(|c| c.source_id).collect();
    let sources: HashMap<i32, source::Model> = source::Entity::find()
        .filter(source::Column::Id.is_in(source_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(citations
        .into_iter()
        .filter_map(|c| sources.get(&c.source_id).cloned().map(|s| (c, s)))
        .collect())
}

/// Visible fees of the programs `program_ids` in effect on `day`, by id.
pub async fn current_fees(
    db: &impl ConnectionTrait,
    program_ids: Vec<i32>,
    day: NaiveDate,
) -> ApiResult<Vec<fee::Model>> {
    Ok(fee::Entity::find()
        .filter(fee::Column::ProgramId.is_in(program_ids))
        .filter(visibility::condition(RecordKind::Fee))
        .order_by_asc(fee::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|f| is_current(f, day))
        .collect())
}
