use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use std::net::SocketAddr;
use taizhang_core::Error;
use taizhang_core::auth::new_token;
use taizhang_core::model::SessionKind;
use taizhang_core::service::users::WEB_SESSION_HOURS;

use super::{PageResult, render_plain, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, same_secret, set_cookie};

#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    next: String,
}

/// Only local paths: never send a user to another site after sign-in.
/// Browsers drop tabs and newlines from an address (`/\t/evil.example/`
/// becomes `//evil.example/`), so control characters go first; what is left
/// must be `/` followed by something other than `/` or `\`. Bytes outside
/// printable ASCII are percent-encoded so the answer is a valid `Location`.
pub(super) fn safe_next(next: &str) -> String {
    let cleaned: String = next.chars().filter(|c| !c.is_control()).collect();
    let local = match cleaned.as_bytes() {
        [b'/'] => true,
        [b'/', second, ..] => *second != b'/' && *second != b'\\',
        _ => false,
    };
    if !local {
        return "/".to_owned();
    }
    cleaned.bytes().map(|b| if b.is_ascii_graphic() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn login_page(state: &AppState, status: StatusCode, next: &str, username: &str, error: Option<String>) -> PageResult {
    // Sign-in forms carry their own CSRF token (double-submit cookie).
    let csrf = new_token();
    let mut response = render_plain(
        status,
        "login.html",
        &json!({ "next": next, "username": username, "error": error, "csrf": csrf }),
    )?;
    if let Ok(value) = set_cookie(LOGIN_CSRF_COOKIE, &csrf, 3600, state.config.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub async fn form(State(state): State<AppState>, Query(q): Query<Next>) -> PageResult {
    login_page(&state, StatusCode::OK, &safe_next(&q.next), "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    _csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let next = safe_next(&form.next);
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !same_secret(&expected, &form._csrf) {
        return login_page(&state, StatusCode::FORBIDDEN, &next, &form.username, Some("页面已过期，请重新登录".into()));
    }
    match state.services.login(&form.username, &form.password, SessionKind::Web, Some(addr.ip().to_string())).await {
        Ok(outcome) => {
            let mut response = see_other(&next);
            let cookie =
                set_cookie(SESSION_COOKIE, &outcome.token, WEB_SESSION_HOURS * 3600, state.config.secure_cookies);
            if let Ok(value) = cookie.parse() {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e @ (Error::Unauthenticated | Error::TooManyAttempts(_))) => {
            let status = if matches!(e, Error::TooManyAttempts(_)) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let message = match e {
                Error::Unauthenticated => "用户名或密码错误".to_owned(),
                other => other.to_string(),
            };
            login_page(&state, status, &next, &form.username, Some(message))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> Result<Response, crate::PageError> {
    state.services.logout(&page.actor, &page.token).await?;
    let mut response = see_other("/login");
    if let Ok(value) = set_cookie(SESSION_COOKIE, "", 0, state.config.secure_cookies).parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response.into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_local_path_without_control_characters() {
        for evil in ["/\t/evil.example/", "/\n/x", "//evil", "/\\evil", "\t//evil", "https://evil", "evil", ""] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
        assert_eq!(safe_next("/"), "/");
        assert_eq!(safe_next("/activities?page=2"), "/activities?page=2");
        assert_eq!(safe_next("/a\tb"), "/ab");
        assert_eq!(safe_next("/people?q=张 三"), "/people?q=%E5%BC%A0%20%E4%B8%89");
    }
}
