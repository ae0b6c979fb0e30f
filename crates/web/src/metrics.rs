//! `/metrics` in the Prometheus text format: requests by method, route and
//! status, a latency histogram per route, the database pool, and what is
//! running. Routes are the matched templates (`/api/v1/people/{id}`), so the
//! number of series stays bounded. It shows no data of any org or person.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::{CONTENT_TYPE, encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The request series, kept for the life of the server.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Default for Metrics {
    fn default() -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let mut registry = Registry::default();
        registry.register(
            "taizhang_http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        registry.register(
            "taizhang_http_request_duration_seconds",
            "Time to answer a request, by route",
            latency.clone(),
        );
        Metrics { registry, requests, latency }
    }
}

impl Metrics {
    fn observe(&self, method: &'static str, route: &str, status: u16, seconds: f64) {
        self.requests.get_or_create(&RequestLabels { method, route: route.to_owned(), status }).inc();
        self.latency.get_or_create(&RouteLabels { route: route.to_owned() }).observe(seconds);
    }

    /// The request series, then the pool and the build as they are now.
    fn render(&self, pool: (u32, u32, u32), backend: &'static str) -> String {
        let (connections, idle, max) = pool;
        let mut now = Registry::default();
        let states = Family::<PoolLabels, Gauge>::default();
        states.get_or_create(&PoolLabels { state: "idle" }).set(idle.into());
        states.get_or_create(&PoolLabels { state: "in_use" }).set(connections.saturating_sub(idle).into());
        now.register("taizhang_db_pool_connections", "Database connections of the pool, by state", states);
        let largest = Gauge::<i64>::default();
        largest.set(max.into());
        now.register("taizhang_db_pool_max_connections", "Largest size of the pool", largest);
        let build = Info::new([("version", env!("CARGO_PKG_VERSION")), ("backend", backend)]);
        now.register("taizhang_build", "The running version and database engine", build);
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        let _ = encode(&mut out, &now);
        out
    }
}

/// The method as a label: the standard ones by name, anything else (a client
/// may send any token) as `other`, so that the number of series stays bounded.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Times every routed request and counts it under its route's template.
pub async fn track(Extension(metrics): Extension<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let response = next.run(req).await;
    metrics.observe(method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>, Extension(metrics): Extension<Arc<Metrics>>) -> Response {
    let services = &state.services;
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render(services.pool_status(), services.backend())).into_response()
}
