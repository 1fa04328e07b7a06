//! Live updates over WebSocket (graphql-transport-ws at `/graphql`): the same changes as the
//! `changes` query, as they happen, under the same visibility rule (`kb::changes`); and every
//! write, for editors who signed in on the connection.

use super::change::Change;
use super::context::db;
use super::editorial::{RecordType, Revision};
use super::guard::RequireRole;
use crate::auth::token::TokenKeys;
use crate::auth::viewer::{AuthFailure, authenticate};
use crate::kb::RecordKind;
use crate::kb::changes::public_changes;
use crate::kb::error::{ApiError, ApiResult};
use crate::live::{self, LiveChanges};
use async_graphql::{Context, Subscription as SubscriptionObject};
use entity::enums::Role;
use entity::revision;
use futures::{Stream, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::sync::Arc;

/// The bearer token a WebSocket connection signed in with (`connection_init`), checked again
/// before each editorial event: a revoked account or an expired token ends the subscription.
#[derive(Clone)]
pub struct ConnectionToken(pub String);

/// Live updates.
pub struct Subscription;

fn hub<'a>(ctx: &Context<'a>) -> ApiResult<&'a LiveChanges> {
    ctx.data::<LiveChanges>()
        .map_err(|_| ApiError::Internal("no live changes in the connection".to_owned()))
}

fn kinds(record_types: Option<Vec<RecordType>>) -> Vec<RecordKind> {
    record_types
        .unwrap_or_default()
        .into_iter()
        .map(RecordKind::from)
        .collect()
}

/// Live updates, over WebSocket at `/graphql` (graphql-transport-ws).
#[SubscriptionObject]
impl Subscription {
    /// What readers can see change, as it happens: each record published for the first time
    /// and each update of a published record, once, oldest first, from the moment of
    /// subscribing (catch up before it with the `changes` query). Only `recordTypes` when
    /// given. The same changes, with the same rule, as `changes` and `/feed.atom`.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        record_types: Option<Vec<RecordType>>,
    ) -> Result<impl Stream<Item = Change> + use<>, ApiError> {
        let base = public_changes(None, &kinds(record_types));
        let rows = live::follow(db(ctx)?.clone(), hub(ctx)?, base).await?;
        Ok(rows.map(Change::from))
    }

    /// Every write to content as it happens, drafts included, with its author and diff
    /// (editors: sign in on the connection, `connection_init` with `{"authorization": "Bearer
    /// <token>"}`). The account is checked again before each event: when it is revoked or
    /// its token expires, the subscription ends with UNAUTHENTICATED.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn editorial_changes(
        &self,
        ctx: &Context<'_>,
        record_types: Option<Vec<RecordType>>,
    ) -> Result<impl Stream<Item = ApiResult<Revision>> + use<>, ApiError> {
        let db = db(ctx)?.clone();
        let token = ctx
            .data::<ConnectionToken>()
            .map_err(|_| ApiError::Unauthenticated("sign in on the connection".to_owned()))?
            .0
            .clone();
        let keys = ctx
            .data::<Arc<TokenKeys>>()
            .map_err(|_| ApiError::Internal("no token keys in the connection".to_owned()))?
            .clone();
        let names: Vec<&'static str> = kinds(record_types)
            .iter()
            .map(|k| k.stored_name())
            .collect();
        let mut base = revision::Entity::find();
        if !names.is_empty() {
            base = base.filter(revision::Column::RecordType.is_in(names));
        }
        let rows = live::follow(db.clone(), hub(ctx)?, base).await?;
        let events = rows.then(move |row| {
            let (db, keys, token) = (db.clone(), keys.clone(), token.clone());
            async move {
                let bearer = format!("Bearer {token}");
                match authenticate(&db, &keys, Some(&bearer)).await {
                    Ok(viewer) => {
                        viewer.require(Role::Editor)?;
                    }
                    Err(AuthFailure::Refused(why)) => {
                        return Err(ApiError::Unauthenticated(why.to_owned()));
                    }
                    Err(AuthFailure::Db(e)) => return Err(e.into()),
                }
                Revision::of_row(&db, row).await
            }
        });
        // The first refusal ends the stream (after it is sent).
        Ok(events.scan(false, |ended, event| {
            let out = (!*ended).then(|| {
                *ended = matches!(
                    event,
                    Err(ApiError::Unauthenticated(_) | ApiError::Forbidden(_))
                );
                event
            });
            futures::future::ready(out)
        }))
    }
}
