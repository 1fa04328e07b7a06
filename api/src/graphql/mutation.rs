//! The root `Mutation`: signing in, account management (admins) and editing content
//! (editors). Every content mutation runs in one transaction: it fails as a whole.

use super::context::db;
use super::editorial::EditorialRecord;
use super::enums::Role as GqlRole;
use super::guard::{RequireRole, require};
use super::ids::{RecordKind, decode, decode_named};
use super::inputs::{
    CitationInput, CommentaryInput, ContentInput, FeeInput, PersonInput, PolicyEventInput,
    ProgramInput, RequirementInput, SourceInput,
};
use super::user::{LoginPayload, User};
use crate::audit::Actor;
use crate::auth::{RequestMeta, TokenKeys, accounts};
use crate::editorial::{Transition, engine};
use crate::kb::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, InputObject, Object};
use entity::enums::Role;
use secrecy::SecretString;
use std::sync::Arc;

fn meta<'a>(ctx: &Context<'a>) -> &'a RequestMeta {
    static NONE: RequestMeta = RequestMeta {
        request_id: None,
        ip: None,
    };
    ctx.data_opt::<RequestMeta>().unwrap_or(&NONE)
}

/// The signed-in editor (the guard has already checked the role).
fn actor<'a>(ctx: &Context<'a>) -> ApiResult<Actor<'a>> {
    let user = require(ctx, Role::Editor)?;
    Ok(Actor {
        user_id: Some(user.id),
        meta: meta(ctx),
    })
}

/// The row id of a content ID of the expected type.
fn content_id(id: &ID, expected: RecordKind) -> ApiResult<i32> {
    match decode(id)? {
        (kind, row) if kind == expected => Ok(row),
        _ => Err(ApiError::bad_input(
            "id",
            format!("`id` must be the ID of a {}", expected.stored_name()),
        )),
    }
}

/// After a content write committed: live subscribers hear of it (`live`).
fn committed(ctx: &Context<'_>) {
    if let Ok(live) = ctx.data::<crate::live::LiveChanges>() {
        live.committed();
    }
}

async fn reload(
    txn: &sea_orm::DatabaseTransaction,
    kind: RecordKind,
    id: i32,
) -> ApiResult<EditorialRecord> {
    EditorialRecord::load(txn, kind, id).await?.ok_or_else(|| {
        ApiError::Internal(format!(
            "{} {id} vanished in its transaction",
            kind.stored_name()
        ))
    })
}

async fn create<I: ContentInput>(ctx: &Context<'_>, input: I) -> ApiResult<EditorialRecord> {
    let actor = actor(ctx)?;
    let txn = crate::db::begin_write(db(ctx)?).await?;
    let fields = input.changes(&txn, true).await?;
    let saved = engine::create(&txn, actor, I::KIND, fields).await?;
    input.after_write(&txn, saved.id).await?;
    let record = reload(&txn, I::KIND, saved.id).await?;
    txn.commit().await?;
    committed(ctx);
    Ok(record)
}

async fn update<I: ContentInput>(
    ctx: &Context<'_>,
    id: ID,
    expected_version: i32,
    input: I,
) -> ApiResult<EditorialRecord> {
    let actor = actor(ctx)?;
    let row = content_id(&id, I::KIND)?;
    let txn = crate::db::begin_write(db(ctx)?).await?;
    let fields = input.changes(&txn, false).await?;
    let edit = engine::Edit {
        kind: I::KIND,
        id: row,
        expected_version,
        fields,
        action: "update",
    };
    let saved = engine::update(&txn, actor, edit).await?;
    input.after_write(&txn, saved.id).await?;
    let record = reload(&txn, I::KIND, saved.id).await?;
    txn.commit().await?;
    committed(ctx);
    Ok(record)
}

async fn transition(
    ctx: &Context<'_>,
    id: ID,
    expected_version: i32,
    to: Transition,
) -> ApiResult<EditorialRecord> {
    let actor = actor(ctx)?;
    let (kind, row) = decode(&id)?;
    let txn = crate::db::begin_write(db(ctx)?).await?;
    engine::transition(&txn, actor, kind, row, expected_version, to).await?;
    let record = reload(&txn, kind, row).await?;
    txn.commit().await?;
    committed(ctx);
    Ok(record)
}

/// A new account.
#[derive(InputObject)]
pub struct CreateUserInput {
    /// Email address to sign in with (unique, case-insensitive).
    pub email: String,
    /// Name shown in revision history.
    pub display_name: String,
    /// What the account may do.
    pub role: GqlRole,
    /// 12 to 128 characters.
    pub password: String,
}

/// Changes to an account; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// Name shown in revision history.
    pub display_name: Option<String>,
    /// What the account may do (changing it revokes the account's tokens).
    pub role: Option<GqlRole>,
    /// False disables the account and revokes its tokens.
    pub active: Option<bool>,
}

/// Signing in, managing accounts and editing content.
pub struct Mutation;

/// Signing in, managing accounts and editing content.
#[Object]
impl Mutation {
    /// Signs in. The same UNAUTHENTICATED error answers an unknown email, a wrong password
    /// and a disabled account; after 5 failures in 15 minutes, TOO_MANY_REQUESTS.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> ApiResult<LoginPayload> {
        let keys = ctx
            .data::<Arc<TokenKeys>>()
            .map_err(|_| ApiError::Internal("no token keys in the request context".to_owned()))?;
        let session = accounts::login(
            db(ctx)?,
            keys,
            &email,
            SecretString::from(password),
            Actor {
                user_id: None,
                meta: meta(ctx),
            },
        )
        .await?;
        Ok(LoginPayload {
            token: session.token,
            expires_at: session.expires_at,
            user: session.user.into(),
        })
    }

    /// Changes the signed-in account's password; every token issued before stops working.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> ApiResult<User> {
        let user = require(ctx, Role::Editor)?;
        let actor = actor(ctx)?;
        accounts::change_own_password(
            db(ctx)?,
            user,
            SecretString::from(current_password),
            SecretString::from(new_password),
            actor,
        )
        .await
        .map(User::from)
    }

    /// Creates an account (admins).
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn create_user(&self, ctx: &Context<'_>, input: CreateUserInput) -> ApiResult<User> {
        accounts::create(
            db(ctx)?,
            accounts::NewUser {
                email: input.email,
                display_name: input.display_name,
                role: input.role.into(),
                password: SecretString::from(input.password),
            },
            actor(ctx)?,
        )
        .await
        .map(User::from)
    }

    /// Changes an account's name, role or active flag (admins). Disabling revokes its tokens.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateUserInput,
    ) -> ApiResult<User> {
        let id = decode_named(&id, "User", "id")?;
        accounts::update(
            db(ctx)?,
            id,
            accounts::UserChange {
                display_name: input.display_name,
                role: input.role.map(Into::into),
                active: input.active,
            },
            actor(ctx)?,
        )
        .await
        .map(User::from)
    }

    /// Sets an account's password (admins); its tokens stop working.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn set_user_password(
        &self,
        ctx: &Context<'_>,
        id: ID,
        new_password: String,
    ) -> ApiResult<User> {
        let id = decode_named(&id, "User", "id")?;
        accounts::set_password(db(ctx)?, id, SecretString::from(new_password), actor(ctx)?)
            .await
            .map(User::from)
    }

    /// Creates a draft program.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_program(
        &self,
        ctx: &Context<'_>,
        input: ProgramInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a program; a published one keeps its published content until `publish`.
    /// CONFLICT when `expectedVersion` is not the current version.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_program(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: ProgramInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft requirement of a program.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_requirement(
        &self,
        ctx: &Context<'_>,
        input: RequirementInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a requirement (see `updateProgram`).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_requirement(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: RequirementInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft fee of a program.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_fee(&self, ctx: &Context<'_>, input: FeeInput) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a fee (see `updateProgram`). To record a new amount, close this fee with
    /// `effectiveUntil` and create the new one, so that history is kept.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_fee(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: FeeInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft source.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_source(
        &self,
        ctx: &Context<'_>,
        input: SourceInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a source (see `updateProgram`).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_source(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: SourceInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft citation: a source supporting one record.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_citation(
        &self,
        ctx: &Context<'_>,
        input: CitationInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a citation (see `updateProgram`).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_citation(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: CitationInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft person.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        input: PersonInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a person (see `updateProgram`).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: PersonInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft commentary.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_commentary(
        &self,
        ctx: &Context<'_>,
        input: CommentaryInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a commentary (see `updateProgram`); `programIds`, when given, replaces its
    /// programs at once.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_commentary(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: CommentaryInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Creates a draft policy event.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn create_policy_event(
        &self,
        ctx: &Context<'_>,
        input: PolicyEventInput,
    ) -> ApiResult<EditorialRecord> {
        create(ctx, input).await
    }

    /// Edits a policy event (see `updateProgram`).
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn update_policy_event(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: PolicyEventInput,
    ) -> ApiResult<EditorialRecord> {
        update(ctx, id, expected_version, input).await
    }

    /// Publishes a draft, or the pending edit of a published record.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn publish(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        transition(ctx, id, expected_version, Transition::Publish).await
    }

    /// Drops the pending edit of a published record; readers go on seeing what they saw.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn discard_draft(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        transition(ctx, id, expected_version, Transition::DiscardDraft).await
    }

    /// Takes a published record back to draft: readers stop seeing it.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn unpublish(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        transition(ctx, id, expected_version, Transition::Unpublish).await
    }

    /// Archives (deletes) a record; `restore` brings it back. Nothing is erased.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn archive(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        transition(ctx, id, expected_version, Transition::Archive).await
    }

    /// Brings an archived record back as a draft.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn restore(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        transition(ctx, id, expected_version, Transition::Restore).await
    }

    /// Brings back the content of an old revision as a new revision of its record
    /// (`expectedVersion` is the record's current version). History is never rewritten.
    #[graphql(guard = "RequireRole(Role::Editor)")]
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
    ) -> ApiResult<EditorialRecord> {
        let actor = actor(ctx)?;
        let revision = decode_named(&id, "Revision", "id")?;
        let txn = crate::db::begin_write(db(ctx)?).await?;
        let saved = engine::restore_revision(&txn, actor, revision, expected_version).await?;
        let record = reload(&txn, saved.kind, saved.id).await?;
        txn.commit().await?;
        committed(ctx);
        Ok(record)
    }
}
