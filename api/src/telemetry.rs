//! Logging: `RUST_LOG` filters (default `info`), one event per line on stderr, as JSON or as
//! text (`VISA_KB_LOG_FORMAT`). By default JSON whenever stderr is not a terminal (files,
//! containers, log shippers), readable text with colours at a terminal; never colour codes in
//! a file.
//!
//! Traces: with `VISA_KB_OTLP_ENDPOINT` set, the same spans (each request's, with its request
//! id, route and status) are exported over OTLP/HTTP to a collector (Jaeger, Tempo, an
//! OpenTelemetry Collector). The exporter sends from its own thread, in batches.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::io::IsTerminal;
use std::sync::OnceLock;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, fmt};

/// The trace exporter, kept to flush it at exit.
static TRACES: OnceLock<SdkTracerProvider> = OnceLock::new();

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

/// Installs the global subscriber; a second call (tests) is a no-op. With `otlp_endpoint`
/// (`http://collector:4318`), spans are exported too; an endpoint the exporter refuses is
/// logged and the server runs without traces.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let terminal = std::io::stderr().is_terminal();
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !terminal,
    };
    let lines = fmt::layer().with_writer(std::io::stderr);
    let lines = if json {
        lines.json().with_current_span(true).boxed()
    } else {
        lines.with_ansi(terminal).boxed()
    };
    let (traces, refused) = match otlp_endpoint.map(exporter) {
        Some(Ok(provider)) => {
            let tracer = provider.tracer("visa-kb");
            let _ = TRACES.set(provider);
            (
                Some(tracing_opentelemetry::layer().with_tracer(tracer)),
                None,
            )
        }
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(lines)
        .with(traces)
        .try_init();
    if let Some(e) = refused {
        tracing::error!(error = %e, "cannot export traces to VISA_KB_OTLP_ENDPOINT; running without");
    }
}

fn exporter(endpoint: &str) -> Result<SdkTracerProvider, String> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build()
        .map_err(|e| e.to_string())?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("visa-kb")
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Sends the spans still waiting (at exit).
pub fn flush() {
    if let Some(provider) = TRACES.get()
        && let Err(e) = provider.shutdown()
    {
        eprintln!("cannot flush the traces: {e}");
    }
}
