//! The `visa-kb` command line: `serve` (the default), `migrate`, `import` and `schema`.

use crate::config::Settings;
use crate::startup::Application;
use crate::{db, graphql, import, telemetry};
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
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
    telemetry::init();
    let settings = match Settings::load() {
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
    };
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
    let db = db::connect(&settings.database_url, 1)
        .await
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    let result = match action {
        MigrateAction::Up => db::migrate(&db).await,
        MigrateAction::Down => Migrator::down(&db, Some(1)).await,
        MigrateAction::Status => Migrator::status(&db).await,
    };
    result.map_err(|e| format!("migration failed: {e}"))
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
    let db = db::connect(&settings.database_url, 2)
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
