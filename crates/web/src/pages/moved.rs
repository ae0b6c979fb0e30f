//! Page addresses that moved so that pages and API name the same resources
//! the same way. Each old address answers 308 Permanent Redirect to its new
//! place, its ids and query kept: a bookmark on a phone still opens, and a form
//! left open posts again to the new address (a 308 keeps the method and body).

use axum::Router;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, on};

use crate::AppState;

/// Old address → new address, for the methods the old address answered;
/// `{name}` segments carry over by name.
const MOVED: &[(&str, &str, MethodFilter)] = &[
    ("/account/password", "/auth/password", GET_POST),
    ("/study-plans", "/study-plans/items", POST),
    ("/volunteers", "/volunteer-hours", GET),
    ("/households/{id}/key", "/households/{id}/key-persons", POST),
    ("/care/{id}", "/people/{id}/care-plan", GET),
    ("/care/{id}/plan", "/people/{id}/care-plan", POST),
    ("/care/{id}/follow-ups", "/people/{id}/follow-ups", POST),
    ("/care/{id}/health-checks", "/people/{id}/health-checks", POST),
    ("/indicators/values", "/indicator-values", POST),
    ("/indicators/export.xlsx", "/indicator-values/export.xlsx", GET),
    ("/indicators/import", "/indicator-values/import", POST),
    ("/indicators/definitions", "/indicators", POST),
    ("/indicators/definitions/{id}", "/indicators/{id}", POST),
    ("/indicators/definitions/{id}/delete", "/indicators/{id}/delete", POST),
    ("/summary/versions", "/summaries", POST),
    ("/summary/versions/{id}", "/summaries/{id}", GET),
    ("/summary/versions/{id}/download", "/summaries/{id}/download", GET),
];

const GET: MethodFilter = MethodFilter::GET;
const POST: MethodFilter = MethodFilter::POST;
const GET_POST: MethodFilter = MethodFilter::GET.or(MethodFilter::POST);

/// The old addresses, merged into the site's routes (`GET /study-plans` is
/// still the plan's page: only its post moved).
pub fn routes() -> Router<AppState> {
    MOVED.iter().fold(Router::new(), |router, &(old, new, methods)| {
        router.route(old, on(methods, move |uri: Uri| async move { redirect(old, new, &uri) }))
    })
}

/// The new address of `uri`, which matched `old`.
fn redirect(old: &str, new: &str, uri: &Uri) -> Response {
    let mut target = new.to_owned();
    for (pattern, segment) in old.split('/').zip(uri.path().split('/')) {
        if pattern.starts_with('{') {
            target = target.replace(pattern, segment);
        }
    }
    if let Some(query) = uri.query() {
        target.push('?');
        target.push_str(query);
    }
    Redirect::permanent(&target).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(old: &str, new: &str, uri: &str) -> String {
        let r = redirect(old, new, &uri.parse().unwrap());
        assert_eq!(r.status(), axum::http::StatusCode::PERMANENT_REDIRECT);
        r.headers()["location"].to_str().unwrap().to_owned()
    }

    #[test]
    fn ids_and_query_carry_over() {
        assert_eq!(
            location("/care/{id}", "/people/{id}/care-plan", "/care/42?reveal=1"),
            "/people/42/care-plan?reveal=1"
        );
        assert_eq!(
            location("/summary/versions/{id}/download", "/summaries/{id}/download", "/summary/versions/7/download"),
            "/summaries/7/download"
        );
        assert_eq!(location("/volunteers", "/volunteer-hours", "/volunteers"), "/volunteer-hours");
    }

    #[test]
    fn every_old_address_names_the_segments_its_new_one_needs() {
        for (old, new, _) in MOVED {
            for segment in new.split('/').filter(|s| s.starts_with('{')) {
                assert!(old.split('/').any(|s| s == segment), "{old} -> {new}");
            }
        }
    }
}
