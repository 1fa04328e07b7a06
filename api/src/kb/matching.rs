//! Free-text filters: a case-insensitive substring match, with the user's wildcards escaped.

use super::error::{ApiError, ApiResult};
use sea_orm::Condition;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};

/// The longest text filter.
pub const MAX_TEXT: usize = 200;

/// `LIKE` pattern for a substring, with the user's wildcards escaped.
pub fn contains_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Case-insensitive substring match on a column.
pub fn lower_like(col: impl sea_orm::sea_query::IntoColumnRef, text: &str) -> SimpleExpr {
    Func::lower(Expr::col(col)).like(LikeExpr::new(contains_pattern(text)).escape('\\'))
}

/// A validated free-text filter: any of `cols` contains `text`, case-insensitively.
pub fn text_condition<C: sea_orm::sea_query::IntoColumnRef + Copy>(
    field: &str,
    text: &str,
    cols: &[C],
) -> ApiResult<Condition> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(ApiError::bad_input(
            field,
            format!("must be 1 to {MAX_TEXT} characters"),
        ));
    }
    Ok(cols.iter().fold(Condition::any(), |cond, col| {
        cond.add(lower_like(*col, text))
    }))
}
