//! Structured logs: JSON in production, readable lines in dev. `RUST_LOG` overrides the
//! configured filter. Every request runs in a span carrying its `request_id`.

use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter};

use crate::settings::Settings;

/// Installs the global subscriber once; later calls (tests boot many apps) do nothing.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.log.filter))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let result = if settings.json_logs() {
        registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        registry.with(fmt::layer()).try_init()
    };
    // Already installed: keep the first subscriber.
    drop(result);
}
