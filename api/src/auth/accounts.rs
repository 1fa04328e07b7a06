//! Editor accounts: creation, sign-in with throttling, disabling and password changes. Used by
//! the GraphQL mutations and by `visa-kb user ...`.

use super::password;
use super::token::TokenKeys;
use crate::audit::{self, Actor, Target};
use crate::kb::error::{ApiError, ApiResult};
use chrono::{DateTime, Duration, Utc};
use entity::enums::Role;
use entity::{login_attempt, user};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set, SqlErr,
};
use secrecy::SecretString;

/// Failed logins are counted over this window.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// Failed logins for one email from one address within the window before that address's
/// further tries for it are refused (OWASP: lock the pair, not the account, so that a stranger
/// cannot lock an editor out with five wrong passwords).
pub const MAX_FAILURES_PER_EMAIL_AND_IP: u64 = 5;
/// Failed logins for one email from all addresses within the window: the looser ceiling
/// against guessing spread over many addresses.
pub const MAX_FAILURES_PER_EMAIL: u64 = 50;
/// Failed logins from one address within the window (many emails: credential stuffing).
pub const MAX_FAILURES_PER_IP: u64 = 50;

/// The one answer to every failed login, whether or not the account exists.
const LOGIN_FAILED: &str = "the email or the password is wrong";

/// Trims and lower-cases an email and checks its shape; the error names `field`.
pub fn normalize_email(field: &str, raw: &str) -> ApiResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(ApiError::bad_input(field, "not an email address"))
    }
}

fn check_display_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(ApiError::bad_input(
            "displayName",
            "a display name has 1 to 120 characters",
        ));
    }
    Ok(name.to_owned())
}

/// A new account.
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: SecretString,
}

/// Creates an account; CONFLICT on `email` when it is taken.
pub async fn create(
    db: &DatabaseConnection,
    new: NewUser,
    actor: Actor<'_>,
) -> ApiResult<user::Model> {
    let email = normalize_email("email", &new.email)?;
    let display_name = check_display_name(&new.display_name)?;
    password::check_rules("password", &new.password)?;
    let hash = password::hash(new.password).await?;
    let txn = crate::db::begin_write(db).await?;
    let created = user::ActiveModel {
        email: Set(email.clone()),
        display_name: Set(display_name),
        role: Set(new.role),
        active: Set(true),
        password_hash: Set(hash),
        token_version: Set(1),
        created_at: Set(Utc::now()),
        last_login_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::taken("email", format!("an account with `{email}` exists"))
        }
        _ => e.into(),
    })?;
    audit::record(&txn, actor, "user.create", user_target(&created, None)).await?;
    txn.commit().await?;
    Ok(created)
}

fn user_target(user: &user::Model, detail: Option<String>) -> Target {
    Target {
        record_type: Some("User".to_owned()),
        record_id: Some(user.id),
        detail,
    }
}

/// Every account, oldest first.
pub async fn list(db: &DatabaseConnection) -> ApiResult<Vec<user::Model>> {
    Ok(user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(db)
        .await?)
}

/// One account by id or NOT_FOUND.
pub async fn by_id(db: &impl ConnectionTrait, id: i32) -> ApiResult<user::Model> {
    user::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user with id {id}")))
}

/// One account by email or NOT_FOUND.
pub async fn by_email(db: &DatabaseConnection, email: &str) -> ApiResult<user::Model> {
    let email = normalize_email("email", email)?;
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user with email `{email}`")))
}

/// What an admin may change about an account.
#[derive(Default)]
pub struct UserChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Changes an account. Disabling it (or changing its role) revokes its tokens.
pub async fn update(
    db: &DatabaseConnection,
    id: i32,
    change: UserChange,
    actor: Actor<'_>,
) -> ApiResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = by_id(&txn, id).await?;
    let mut row: user::ActiveModel = current.clone().into();
    let mut revoke = false;
    let mut what = Vec::new();
    if let Some(name) = change.display_name {
        row.display_name = Set(check_display_name(&name)?);
        what.push("display name");
    }
    if let Some(role) = change.role.filter(|r| *r != current.role) {
        row.role = Set(role);
        revoke = true;
        what.push("role");
    }
    if let Some(active) = change.active.filter(|a| *a != current.active) {
        row.active = Set(active);
        revoke |= !active;
        what.push(if active { "enabled" } else { "disabled" });
    }
    let stays_admin = change.role.unwrap_or(current.role) == Role::Admin
        && change.active.unwrap_or(current.active);
    if current.role == Role::Admin && current.active && !stays_admin {
        let other_admins = user::Entity::find()
            .filter(user::Column::Role.eq(Role::Admin))
            .filter(user::Column::Active.eq(true))
            .filter(user::Column::Id.ne(id))
            .count(&txn)
            .await?;
        if other_admins == 0 {
            // Nobody could manage accounts any more (short of the command line).
            return Err(ApiError::bad_input(
                "id",
                "this is the last active admin; make another admin first",
            ));
        }
    }
    if revoke {
        row.token_version = Set(current.token_version + 1);
    }
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "user.update",
        user_target(&updated, Some(what.join(", "))),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Sets a new password and revokes every token issued before.
pub async fn set_password(
    db: &DatabaseConnection,
    id: i32,
    new_password: SecretString,
    actor: Actor<'_>,
) -> ApiResult<user::Model> {
    password::check_rules("newPassword", &new_password)?;
    let hash = password::hash(new_password).await?;
    let txn = crate::db::begin_write(db).await?;
    let current = by_id(&txn, id).await?;
    let mut row: user::ActiveModel = current.clone().into();
    row.password_hash = Set(hash);
    row.token_version = Set(current.token_version + 1);
    let updated = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        "user.set_password",
        user_target(&updated, None),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Checks the current password before a user changes their own.
pub async fn change_own_password(
    db: &DatabaseConnection,
    user: &user::Model,
    current_password: SecretString,
    new_password: SecretString,
    actor: Actor<'_>,
) -> ApiResult<user::Model> {
    if !password::verify(current_password, Some(user.password_hash.clone())).await? {
        return Err(ApiError::bad_input(
            "currentPassword",
            "the current password is wrong",
        ));
    }
    set_password(db, user.id, new_password, actor).await
}

/// A signed-in session.
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: user::Model,
}

/// Signs in. Unknown email, wrong password and disabled account give the same error after the
/// same work; too many failures (per email or per address, counted in the database so that
/// all replicas agree) give TOO_MANY_REQUESTS, even with the right password.
pub async fn login(
    db: &DatabaseConnection,
    keys: &TokenKeys,
    email: &str,
    password: SecretString,
    actor: Actor<'_>,
) -> ApiResult<Session> {
    // A malformed email is a failed login like any other: no hint either way.
    let email = email.trim().to_lowercase();
    let email: String = email.chars().take(254).collect();
    let ip = actor.meta.ip.clone();
    // The attempt is counted before the password is checked: concurrent guesses each see the
    // ones that came before them, so no number of parallel requests gets past the limit.
    let attempt = login_attempt::ActiveModel {
        email: Set(email.clone()),
        ip: Set(ip.clone()),
        attempted_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if let Err(refused) = throttle(db, &email, ip.as_deref()).await {
        // Refused unchecked: not a guess, so it does not count against anyone.
        login_attempt::Entity::delete_by_id(attempt.id)
            .exec(db)
            .await?;
        return Err(refused);
    }

    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let matches =
        password::verify(password, account.as_ref().map(|u| u.password_hash.clone())).await?;
    let account = account.filter(|u| matches && u.active);
    let Some(account) = account else {
        // The attempt stays counted as a failure.
        audit::record(
            db,
            actor,
            "login.failed",
            Target {
                detail: Some(email),
                ..Default::default()
            },
        )
        .await?;
        return Err(ApiError::Unauthenticated(LOGIN_FAILED.to_owned()));
    };

    let txn = crate::db::begin_write(db).await?;
    // A successful login clears this address's failures for the account (and this attempt);
    // failures from other addresses stay counted.
    let mut mine = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::Email.eq(email.as_str()));
    mine = match &ip {
        Some(ip) => mine.filter(login_attempt::Column::Ip.eq(ip.as_str())),
        None => mine.filter(login_attempt::Column::Ip.is_null()),
    };
    mine.exec(&txn).await?;
    user::Entity::update_many()
        .col_expr(user::Column::LastLoginAt, Expr::value(Utc::now()))
        .filter(user::Column::Id.eq(account.id))
        .exec(&txn)
        .await?;
    let actor = Actor {
        user_id: Some(account.id),
        ..actor
    };
    audit::record(&txn, actor, "login", user_target(&account, None)).await?;
    txn.commit().await?;
    let (token, expires_at) = keys.issue(&account)?;
    Ok(Session {
        token,
        expires_at,
        user: account,
    })
}

/// Whether the attempts counted so far (this one included) allow checking a password: at most
/// 5 for this email from this address, 50 for this email from anywhere, 50 from this address.
async fn throttle(db: &DatabaseConnection, email: &str, ip: Option<&str>) -> ApiResult<()> {
    let now = Utc::now();
    let since = now - Duration::minutes(THROTTLE_WINDOW_MINUTES);
    // Old attempts no longer count; dropping them keeps the table small.
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::AttemptedAt.lt(since))
        .exec(db)
        .await?;
    let recent =
        || login_attempt::Entity::find().filter(login_attempt::Column::AttemptedAt.gte(since));
    let same_ip = |select: sea_orm::Select<login_attempt::Entity>| match ip {
        Some(ip) => select.filter(login_attempt::Column::Ip.eq(ip)),
        None => select.filter(login_attempt::Column::Ip.is_null()),
    };
    let pair = same_ip(recent().filter(login_attempt::Column::Email.eq(email)));
    let account = recent().filter(login_attempt::Column::Email.eq(email));
    let address = same_ip(recent());
    for (scope, limit) in [
        (pair, MAX_FAILURES_PER_EMAIL_AND_IP),
        (account, MAX_FAILURES_PER_EMAIL),
        (address, MAX_FAILURES_PER_IP),
    ] {
        // `>`: the count includes this attempt.
        if scope.clone().count(db).await? > limit {
            // Retry when the oldest counted attempt of that scope leaves the window.
            let oldest = scope
                .order_by_asc(login_attempt::Column::AttemptedAt)
                .one(db)
                .await?
                .map_or(now, |a| a.attempted_at);
            let retry = (oldest + Duration::minutes(THROTTLE_WINDOW_MINUTES) - now)
                .num_seconds()
                .max(1);
            return Err(ApiError::TooManyRequests {
                retry_after_secs: retry,
            });
        }
    }
    Ok(())
}
