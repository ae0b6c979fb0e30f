//! The web layer: server-rendered pages (with htmx) and the JSON API under
//! `/api/v1`. Only this crate knows HTTP. Handlers are thin: read the
//! request, call a service, render or serialise the answer.

mod api;
mod auth;
mod downloads;
mod error;
mod evidence;
pub mod gates;
mod metrics;
mod pages;
mod reports;
pub use reports::cite_href;
mod sheets;
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
    /// The program that renders user-written templates in a process of its
    /// own, with a memory and time limit (`taizhang render-template`). Without
    /// it they render on a blocking thread with a time limit only.
    pub template_worker: Option<std::path::PathBuf>,
    /// How summaries are converted to PDF (the LibreOffice program).
    pub pdf: taizhang_docs::report::PdfConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 2 * 1024 * 1024,
            template_worker: None,
            pdf: taizhang_docs::report::PdfConfig::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<WebConfig>,
    pub gates: Arc<gates::Gates>,
}

impl AppState {
    pub fn new(services: Arc<Services>, config: WebConfig) -> AppState {
        AppState { services, config: Arc::new(config), gates: Arc::new(gates::Gates::default()) }
    }
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
        .route_layer(axum::middleware::from_fn(downloads::unboost_files))
        .fallback(pages::not_found)
        .layer(axum::Extension(metrics))
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::map_response(security_headers))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The pages' policy: scripts and styles only from this site (htmx is served
/// from `/static`; templates carry no inline script), inline `style`
/// attributes for bar widths and tree indents, never inside a frame.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every answer (pages, API, files, errors). Answers
/// that set no `Cache-Control` of their own (pages, JSON, exports and
/// downloads, which may show personal data) are not stored by browsers or
/// proxies; static files keep theirs.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Result<&'static str, ApiError> {
    state.services.ping().await?;
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
