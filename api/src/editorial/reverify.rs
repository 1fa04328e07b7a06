//! The editors' re-verification list over every published program (`kb::reverify` decides
//! what is due; this reads the programs' sheets in batches).

use crate::kb::error::ApiResult;
use crate::kb::keyset::Ordering;
use crate::kb::programs::Order;
use crate::kb::reverify::{self, Due};
use crate::kb::{lists, read};
use chrono::NaiveDate;
use entity::program;
use sea_orm::{DatabaseConnection, QuerySelect};

/// Programs read at a time: bounds the memory one request holds while it walks the list.
const BATCH: usize = 200;

/// Every published value due on `today` (stale after `after_days` days), most urgent first,
/// and how many there are in all; `offset` and `limit` pick the page.
pub async fn due(
    db: &DatabaseConnection,
    today: NaiveDate,
    after_days: u32,
    offset: usize,
    limit: usize,
) -> ApiResult<(usize, Vec<Due>)> {
    let ordering: Ordering = Order::default().ordering(db.get_database_backend());
    let ids: Vec<i32> = ordering
        .sort(lists::programs())
        .select_only()
        .column(program::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut all = Vec::new();
    for chunk in ids.chunks(BATCH) {
        let mut sheets = read::sheets(db, chunk.iter().copied()).await?;
        // In the list's reading order (the sheets come back by id).
        sheets.sort_by_key(|f| chunk.iter().position(|id| *id == f.program.id));
        for f in &sheets {
            all.extend(reverify::due(f, today, after_days));
        }
    }
    reverify::sort(&mut all);
    let total = all.len();
    Ok((total, all.into_iter().skip(offset).take(limit).collect()))
}
