//! The `visa-kb` command line: `serve` (the default), `migrate`, `import` and `schema`.

use crate::audit::Actor;
use crate::auth::{RequestMeta, accounts};
use crate::config::Settings;
use crate::kb::error::ApiError;
use crate::startup::Application;
use crate::{db, graphql, import, telemetry};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "visa-kb",
    version,
    about = "Visa and talent-mobility programs, with their sources, over GraphQL."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (the default): migrate, seed an empty database, serve /graphql.
    Serve,
    /// Manage the database schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Import a JSON file (visa-kb/v1, research notes, or the GlobeNomad dataset) in one
    /// transaction. Research notes need FILE.curation.json beside FILE (or --curation).
    Import {
        file: PathBuf,
        #[arg(long)]
        curation: Option<PathBuf>,
    },
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    Schema,
    /// Manage editor accounts. Passwords are read from a prompt (or the first line of stdin),
    /// never from an argument.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create an account: `visa-kb user create --email ada@example.org --role admin`.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum, default_value = "editor")]
        role: RoleArg,
        /// Name shown in revision history (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
    },
    /// List accounts.
    List,
    /// Disable an account: it cannot sign in and its tokens stop working.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        email: String,
    },
    /// Set an account's password; its tokens stop working.
    SetPassword {
        #[arg(long)]
        email: String,
    },
}

#[derive(clap::ValueEnum, Clone, Copy)]
enum RoleArg {
    Editor,
    Admin,
}

impl From<RoleArg> for entity::enums::Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Editor => Self::Editor,
            RoleArg::Admin => Self::Admin,
        }
    }
}

#[derive(Subcommand, Clone, Copy)]
enum MigrateAction {
    /// Apply all pending migrations.
    Up,
    /// Roll back the last migration.
    Down,
    /// List migrations and whether they are applied.
    Status,
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        println!("{}", graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = Settings::load();
    let format = settings
        .as_ref()
        .ok()
        .and_then(|s| telemetry::LogFormat::parse(&s.log_format))
        .unwrap_or(telemetry::LogFormat::Auto);
    let otlp = settings.as_ref().ok().and_then(|s| s.otlp_endpoint.clone());
    telemetry::init(format, otlp.as_deref());
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            tracing::error!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => actix_web::rt::System::new().block_on(serve(settings)),
        Command::Migrate { action } => runtime.block_on(migrate(settings, action)),
        Command::Import { file, curation } => {
            runtime.block_on(import_file(settings, &file, curation.as_deref()))
        }
        Command::Schema => Ok(()),
        Command::User { action } => runtime.block_on(user(settings, action)),
    };
    telemetry::flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    let app = Application::build(settings)
        .await
        .map_err(|e| e.to_string())?;
    app.run_until_stopped()
        .await
        .map_err(|e| format!("server error: {e}"))
}

async fn migrate(settings: Settings, action: MigrateAction) -> Result<(), String> {
    let db = db::connect(&settings.database_url, 1, settings.db_acquire_timeout())
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let failed = |e: sea_orm::DbErr| format!("migration failed: {e}");
    // What each action did goes to stdout, whatever RUST_LOG says: it is the command's answer.
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations(&db)
                .await
                .map_err(failed)?;
            db::migrate(&db).await.map_err(failed)?;
            if pending.is_empty() {
                println!("up to date: nothing to apply");
            }
            for migration in pending {
                println!("applied {}", migration.name());
            }
        }
        MigrateAction::Down => {
            let applied = Migrator::get_applied_migrations(&db)
                .await
                .map_err(failed)?;
            Migrator::down(&db, Some(1)).await.map_err(failed)?;
            match applied.last() {
                Some(last) => println!("rolled back {}", last.name()),
                None => println!("nothing to roll back"),
            }
        }
        MigrateAction::Status => {
            for migration in Migrator::get_migration_with_status(&db)
                .await
                .map_err(failed)?
            {
                let status = migration.status().to_string().to_lowercase();
                println!("{status:8} {}", migration.name());
            }
        }
    }
    Ok(())
}

async fn import_file(
    settings: Settings,
    file: &Path,
    curation: Option<&Path>,
) -> Result<(), String> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let json = read(file)?;
    let default_curation = file.with_extension("curation.json");
    let curation = match curation {
        Some(path) => Some(read(path)?),
        None if default_curation.exists() => Some(read(&default_curation)?),
        None => None,
    };
    let db = db::connect(&settings.database_url, 2, settings.db_acquire_timeout())
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    db::migrate(&db)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    let report = import::import_json(&db, &json, curation.as_deref())
        .await
        .map_err(|e| {
            format!(
                "import of {} failed, nothing was changed: {e}",
                file.display()
            )
        })?;
    tracing::info!(?report, file = %file.display(), "import committed");
    println!(
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    Ok(())
}

/// A password from the terminal (asked twice) or, when stdin is not a terminal, its first line.
fn read_password() -> Result<SecretString, String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Password again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the passwords differ".to_owned());
        }
        Ok(SecretString::from(first))
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        Ok(SecretString::from(
            line.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    }
}

fn describe(e: ApiError) -> String {
    match e {
        ApiError::BadUserInput { message, field } => {
            format!("{}: {message}", field.unwrap_or_default())
        }
        ApiError::Conflict { message, .. } | ApiError::NotFound(message) => message,
        ApiError::Internal(detail) => detail,
        other => format!("{other:?}"),
    }
}

async fn set_active(
    db: &DatabaseConnection,
    email: &str,
    active: bool,
    actor: Actor<'_>,
) -> Result<(), String> {
    let found = accounts::by_email(db, email).await.map_err(describe)?;
    let change = accounts::UserChange {
        active: Some(active),
        ..Default::default()
    };
    accounts::update(db, found.id, change, actor)
        .await
        .map_err(describe)?;
    println!(
        "{} is {}",
        found.email,
        if active {
            "enabled"
        } else {
            "disabled; its tokens no longer work"
        }
    );
    Ok(())
}

async fn user(settings: Settings, action: UserAction) -> Result<(), String> {
    let db = db::connect(&settings.database_url, 1, settings.db_acquire_timeout())
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    db::migrate(&db)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    let meta = RequestMeta {
        request_id: Some("cli".to_owned()),
        ip: None,
    };
    let actor = Actor::cli(&meta);
    match action {
        UserAction::Create { email, role, name } => {
            let password = read_password()?;
            let display_name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            let user = accounts::create(
                &db,
                accounts::NewUser {
                    email,
                    display_name,
                    role: role.into(),
                    password,
                },
                actor,
            )
            .await
            .map_err(describe)?;
            println!("created {} ({})", user.email, user.role.as_str());
        }
        UserAction::List => {
            for user in accounts::list(&db).await.map_err(describe)? {
                println!(
                    "{}\t{}\t{}\t{}",
                    user.email,
                    user.role.as_str(),
                    if user.active { "active" } else { "disabled" },
                    user.display_name
                );
            }
        }
        UserAction::Disable { email } => set_active(&db, &email, false, actor).await?,
        UserAction::Enable { email } => set_active(&db, &email, true, actor).await?,
        UserAction::SetPassword { email } => {
            let found = accounts::by_email(&db, &email).await.map_err(describe)?;
            let password = read_password()?;
            accounts::set_password(&db, found.id, password, actor)
                .await
                .map_err(describe)?;
            println!(
                "password set for {}; its tokens no longer work",
                found.email
            );
        }
    }
    Ok(())
}
