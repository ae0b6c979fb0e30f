//! /period: the header's picker sets the working period, remembered in a
//! cookie until changed, and goes back to the page it was chosen on.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{PageResult, see_other};
use crate::AppState;
use crate::auth::{PERIOD_COOKIE, PageActor, set_cookie};

#[derive(Deserialize, Default)]
pub struct ChooseQuery {
    #[serde(default)]
    set: String,
    #[serde(default)]
    back: String,
}

/// A year, in seconds: the choice lasts until changed.
const REMEMBER_SECS: i64 = 365 * 24 * 3600;

pub async fn choose(State(state): State<AppState>, _page: PageActor, Query(q): Query<ChooseQuery>) -> PageResult {
    let period = taizhang_core::period::Period::parse(q.set.trim())
        .map_err(|_| taizhang_core::Error::invalid("period", "请从列表中选择期间"))?;
    let mut response = see_other(&back_without_period(&q.back)).into_response();
    if let Ok(value) = set_cookie(PERIOD_COOKIE, &period.code(), REMEMBER_SECS, state.config.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// The page to go back to: a local path only, without its own `period`
/// (which would hide the new working period).
fn back_without_period(back: &str) -> String {
    let local = super::login::safe_next(back);
    let (path, query) = local.split_once('?').unwrap_or((&local, ""));
    let kept: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && !p.starts_with("period=")).collect();
    if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
}

#[cfg(test)]
mod tests {
    use super::back_without_period;

    #[test]
    fn going_back_stays_local_and_drops_the_page_period() {
        assert_eq!(back_without_period("/summary?org_id=2&period=2019H1"), "/summary?org_id=2");
        assert_eq!(back_without_period("/dashboard?period=2020"), "/dashboard");
        assert_eq!(back_without_period("//evil.example/"), "/");
        assert_eq!(back_without_period("https://evil.example/"), "/");
        assert_eq!(back_without_period("/\\t/evil"), "/");
    }
}
