//! The web layer: server-rendered pages (with htmx) and the JSON API under
//! `/api/v1`. Only this crate knows HTTP. Handlers are thin: read the
//! request, call a service, render or serialise the answer.

mod api;
mod auth;
mod error;
mod evidence;
mod metrics;
mod pages;
mod reports;
pub mod sheets;
mod templates;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use taizhang_core::Services;
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use error::{ApiError, PageError};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig { secure_cookies: false, max_body_bytes: 2 * 1024 * 1024 }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<WebConfig>,
}

/// The whole site: pages, API, static files, health check, metrics.
pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    let metrics = Arc::new(metrics::Metrics::default());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route_layer(axum::middleware::from_fn(metrics::track))
        .fallback(pages::not_found)
        .layer(axum::Extension(metrics))
        .layer(DefaultBodyLimit::max(limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Result<&'static str, ApiError> {
    state.services.store.ping().await?;
    Ok("ok")
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
