use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use std::net::SocketAddr;
use taizhang_core::model::SessionKind;

use super::dto::{LoginBody, LoginOut, MeOut, PasswordBody};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson};
use crate::error::{ApiError, ErrorBody};

/// Signs in and returns an API token.
#[utoipa::path(post, path = "/auth/login", tag = "auth", security(()),
    request_body = LoginBody,
    responses((status = 200, body = LoginOut), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Json<LoginOut>, ApiError> {
    let outcome =
        state.services.login(&body.username, &body.password, SessionKind::Api, Some(addr.ip().to_string())).await?;
    Ok(Json(LoginOut { token: outcome.token, user: outcome.user.into() }))
}

/// The bearer token of a call.
fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .trim()
}

/// Revokes the token of this call.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    state.services.logout(&actor, bearer(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes the caller's own password. Every other session and API token of
/// the account is revoked; the token of this call stays valid.
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordBody,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    state
        .services
        .change_password(&actor, bearer(&headers), &body.old_password, &body.new_password, &body.repeat_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The account behind the token.
#[utoipa::path(get, path = "/me", tag = "auth", responses((status = 200, body = MeOut)))]
pub async fn me(ApiActor(actor): ApiActor) -> Json<MeOut> {
    Json(MeOut {
        username: actor.username,
        display_name: actor.display_name,
        role: actor.role.as_str().into(),
        org_id: actor.org_id,
        can_view_personal: actor.can_view_personal,
    })
}
