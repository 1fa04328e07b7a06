//! The audit log: every write and every sign-in, with who, when and from which request.
//! Below auth and editorial, which both write to it.

use chrono::Utc;
use entity::audit_log;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// Where a request came from, for the audit log.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

/// Who is acting, for revisions and the audit log. `user_id` is None for the command line.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub user_id: Option<i32>,
    pub meta: &'a RequestMeta,
}

impl<'a> Actor<'a> {
    /// The command line: no account, no request.
    pub fn cli(meta: &'a RequestMeta) -> Self {
        Self {
            user_id: None,
            meta,
        }
    }
}

/// What an audit entry is about.
#[derive(Debug, Clone, Default)]
pub struct Target {
    pub record_type: Option<String>,
    pub record_id: Option<i32>,
    pub detail: Option<String>,
}

/// Appends one entry; runs inside the caller's transaction so it commits (or not) with the
/// change it describes.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Actor<'_>,
    action: &str,
    target: Target,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        user_id: Set(actor.user_id),
        action: Set(action.to_owned()),
        record_type: Set(target.record_type),
        record_id: Set(target.record_id),
        request_id: Set(actor.meta.request_id.clone()),
        ip: Set(actor.meta.ip.clone()),
        created_at: Set(Utc::now()),
        detail: Set(target.detail),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
