//! Logging: `RUST_LOG` filters (default `info`), one event per line on stderr, as JSON or as
//! text (`VISA_KB_LOG_FORMAT`). By default JSON whenever stderr is not a terminal (files,
//! containers, log shippers), readable text with colours at a terminal; never colour codes in
//! a file.

use std::io::IsTerminal;
use tracing_subscriber::{EnvFilter, fmt};

/// How log lines are written (`VISA_KB_LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// JSON when stderr is not a terminal, text otherwise.
    Auto,
    Json,
    Pretty,
}

impl LogFormat {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "auto" => Some(Self::Auto),
            "json" => Some(Self::Json),
            "pretty" => Some(Self::Pretty),
            _ => None,
        }
    }
}

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let terminal = std::io::stderr().is_terminal();
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !terminal,
    };
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json {
        builder.json().with_current_span(true).try_init()
    } else {
        builder.with_ansi(terminal).try_init()
    };
}
