//! `valuesToReverify`: the editors' list of published values to check again (`kb::reverify`).

use super::context::{db, limits};
use super::program::Program;
use super::value::ProgramValue;
use crate::kb::error::{ApiError, ApiResult};
use crate::kb::reverify::{self, AfterDays, Due};
use async_graphql::{Context, Enum, Object};

/// Why a value is due for re-verification.
#[derive(Enum, Copy, Clone, Debug, Eq, PartialEq)]
pub enum ReverifyReason {
    /// A term behind it is past its scheduled end and no source since says it continues.
    PastScheduledEnd,
    /// No source behind it was ever dated or read.
    NeverVerified,
    /// Its newest source is older than `staleAfterDays`.
    NotVerifiedSince,
}

impl From<reverify::Reason> for ReverifyReason {
    fn from(reason: reverify::Reason) -> Self {
        match reason {
            reverify::Reason::PastScheduledEnd => Self::PastScheduledEnd,
            reverify::Reason::NeverVerified => Self::NeverVerified,
            reverify::Reason::NotVerifiedSince => Self::NotVerifiedSince,
        }
    }
}

/// A published value due for re-verification.
pub struct ValueToReverify(Due);

/// A published value due for re-verification.
#[Object]
impl ValueToReverify {
    /// The program it belongs to.
    async fn program(&self) -> Program {
        Program::from(self.0.program.clone())
    }

    /// Why it is due.
    async fn reason(&self) -> ReverifyReason {
        self.0.reason.into()
    }

    /// The value as readers see it today: state, note, sources, when last verified.
    async fn value(&self) -> ProgramValue {
        ProgramValue::from(self.0.value.clone())
    }
}

/// A page of the re-verification list.
pub struct ReverifyList {
    total: usize,
    after_days: u32,
    items: Vec<Due>,
}

/// A page of the re-verification list.
#[Object]
impl ReverifyList {
    /// How many values are due in all.
    async fn total_count(&self) -> usize {
        self.total
    }

    /// The age, in days, past which a value counted as not verified recently.
    async fn stale_after_days(&self) -> u32 {
        self.after_days
    }

    /// The page: past a scheduled end first, then never verified, then the oldest.
    async fn items(&self) -> Vec<ValueToReverify> {
        self.items.iter().cloned().map(ValueToReverify).collect()
    }
}

/// The list, for `valuesToReverify(staleAfterDays:, limit:, offset:)`.
pub async fn list(
    ctx: &Context<'_>,
    stale_after_days: Option<i32>,
    limit: i32,
    offset: i32,
) -> ApiResult<ReverifyList> {
    let after_days = match stale_after_days {
        None => ctx
            .data::<AfterDays>()
            .map(|a| a.0)
            .unwrap_or(reverify::DEFAULT_AFTER_DAYS),
        Some(days) => u32::try_from(days)
            .ok()
            .filter(|d| (1..=36_500).contains(d))
            .ok_or_else(|| {
                ApiError::bad_input("staleAfterDays", "`staleAfterDays` is 1 to 36500")
            })?,
    };
    let (limit, offset) = super::pagination::offset_page(limits(ctx)?, limit, offset)?;
    let offset = usize::try_from(offset)
        .map_err(|_| ApiError::bad_input("offset", "`offset` is too large"))?;
    let today = chrono::Utc::now().date_naive();
    let (total, items) = crate::editorial::reverify::due(
        db(ctx)?,
        today,
        after_days,
        offset,
        usize::try_from(limit).unwrap_or(usize::MAX),
    )
    .await?;
    Ok(ReverifyList {
        total,
        after_days,
        items,
    })
}
