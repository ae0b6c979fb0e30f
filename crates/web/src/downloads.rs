//! Downloads under boosted navigation. Pages set `hx-boost`, which turns a
//! click on a link into an htmx request whose answer replaces the page's
//! body: a link to a file (a summary, an export, a photo) would fill the page
//! with the file's bytes instead of saving it. One rule, decided by the
//! answer and so by the route, never remembered per link: when a boosted GET
//! gets anything but an HTML page back, htmx is told to go to the address
//! the ordinary way (`HX-Redirect`), and the browser saves or shows the file.
//! The file is made twice for such a click (PDFs come from the cache).

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn unboost_files(req: Request, next: Next) -> Response {
    let boosted = req.method() == Method::GET && req.headers().contains_key("hx-boosted");
    let target = req.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".into());
    let response = next.run(req).await;
    if !boosted || !response.status().is_success() || is_page(&response) {
        return response;
    }
    match HeaderValue::from_str(&target) {
        Ok(location) => (StatusCode::OK, [("hx-redirect", location)]).into_response(),
        Err(_) => response,
    }
}

/// An HTML page that htmx may swap in: not a file sent as an attachment.
fn is_page(response: &Response) -> bool {
    let headers = response.headers();
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| t.starts_with("text/html"));
    let attachment = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|d| d.starts_with("attachment"));
    html && !attachment
}
