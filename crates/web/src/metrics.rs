//! `/metrics` in the Prometheus text format: requests by method, route and
//! status, a latency histogram per route, the database pool, and what is
//! running. Routes are the matched templates (`/api/v1/people/{id}`), so the
//! number of series stays bounded. It shows no data of any org or person.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Extension;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

#[derive(Default)]
struct Latency {
    /// Counts per bucket (cumulative when written), and beyond the last.
    buckets: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut r) = self.requests.lock() {
            *r.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        }
        if let Ok(mut l) = self.latency.lock() {
            let h = l.entry(route.to_owned()).or_default();
            let at = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
            h.buckets[at] += 1;
            h.sum += seconds;
            h.count += 1;
        }
    }

    fn render(&self, pool: (u32, u32, u32), backend: &str) -> String {
        let mut out = String::new();
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str("# HELP taizhang_http_requests_total HTTP requests answered, by method, route and status.\n");
        out.push_str("# TYPE taizhang_http_requests_total counter\n");
        if let Ok(r) = self.requests.lock() {
            for ((method, route, status), n) in r.iter() {
                let _ = writeln!(
                    out,
                    "taizhang_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                    esc(route)
                );
            }
        }
        out.push_str("# HELP taizhang_http_request_duration_seconds Time to answer a request, by route.\n");
        out.push_str("# TYPE taizhang_http_request_duration_seconds histogram\n");
        if let Ok(l) = self.latency.lock() {
            for (route, h) in l.iter() {
                let route = esc(route);
                let mut cumulative = 0;
                for (i, bound) in BUCKETS.iter().enumerate() {
                    cumulative += h.buckets[i];
                    let _ = writeln!(
                        out,
                        "taizhang_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                    );
                }
                let _ = writeln!(
                    out,
                    "taizhang_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(out, "taizhang_http_request_duration_seconds_sum{{route=\"{route}\"}} {}", h.sum);
                let _ = writeln!(out, "taizhang_http_request_duration_seconds_count{{route=\"{route}\"}} {}", h.count);
            }
        }
        let (connections, idle, max) = pool;
        out.push_str("# HELP taizhang_db_pool_connections Database connections of the pool, by state.\n");
        out.push_str("# TYPE taizhang_db_pool_connections gauge\n");
        let _ = writeln!(out, "taizhang_db_pool_connections{{state=\"idle\"}} {idle}");
        let _ = writeln!(out, "taizhang_db_pool_connections{{state=\"in_use\"}} {}", connections.saturating_sub(idle));
        out.push_str("# HELP taizhang_db_pool_max_connections Largest size of the pool.\n");
        out.push_str("# TYPE taizhang_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "taizhang_db_pool_max_connections {max}");
        out.push_str("# HELP taizhang_build_info The running version and database engine.\n");
        out.push_str("# TYPE taizhang_build_info gauge\n");
        let _ =
            writeln!(out, "taizhang_build_info{{version=\"{}\",backend=\"{backend}\"}} 1", env!("CARGO_PKG_VERSION"));
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
    let method = method_label(req.method()).to_owned();
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let response = next.run(req).await;
    metrics.observe(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn render(State(state): State<AppState>, Extension(metrics): Extension<Arc<Metrics>>) -> Response {
    let store = &state.services.store;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        metrics.render(store.pool_status(), store.backend()),
    )
        .into_response()
}
