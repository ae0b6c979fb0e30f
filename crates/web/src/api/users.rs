use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::dto::{UserCreateBody, UserOut, UserPatchBody};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};

/// Accounts in the caller's subtree (administrators only).
#[utoipa::path(get, path = "/users", tag = "users", responses((status = 200, body = [UserOut]), (status = 403, body = ErrorBody)))]
pub async fn list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Vec<UserOut>>, ApiError> {
    let users = state.services.user_list(&actor).await?;
    Ok(Json(users.into_iter().map(Into::into).collect()))
}

#[utoipa::path(post, path = "/users", tag = "users", request_body = UserCreateBody,
    responses((status = 201, body = UserOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<UserCreateBody>,
) -> Result<(StatusCode, Json<UserOut>), ApiError> {
    let user = state.services.user_create(&actor, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}

#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(state.services.user_get(&actor, id).await?.into()))
}

/// Changes an account's name, role, org, permission or disables it.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatchBody,
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<UserPatchBody>,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(state.services.user_update(&actor, id, &body.into()).await?.into()))
}
