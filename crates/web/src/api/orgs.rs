use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::dto::{MembershipOut, OrgCreateBody, OrgOut, OrgPatchBody};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, IdPath};
use crate::error::{ApiError, ErrorBody};

/// The caller's subtree of organisations, in tree order.
#[utoipa::path(get, path = "/orgs", tag = "orgs", responses((status = 200, body = [OrgOut])))]
pub async fn list(State(state): State<AppState>, ApiActor(actor): ApiActor) -> Result<Json<Vec<OrgOut>>, ApiError> {
    let orgs = state.services.org_tree(&actor).await?;
    Ok(Json(orgs.into_iter().map(Into::into).collect()))
}

/// Adds an organisation under `parent_id`.
#[utoipa::path(post, path = "/orgs", tag = "orgs", request_body = OrgCreateBody,
    responses((status = 201, body = OrgOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<OrgCreateBody>,
) -> Result<(StatusCode, Json<OrgOut>), ApiError> {
    let org = state.services.org_create(&actor, body.into()).await?;
    Ok((StatusCode::CREATED, Json(org.into())))
}

#[utoipa::path(get, path = "/orgs/{id}", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = OrgOut), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<OrgOut>, ApiError> {
    Ok(Json(state.services.visible_org(&actor, id).await?.into()))
}

/// Renames, moves, closes or reopens an organisation.
#[utoipa::path(patch, path = "/orgs/{id}", tag = "orgs", params(("id" = i64, Path)), request_body = OrgPatchBody,
    responses((status = 200, body = OrgOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<OrgPatchBody>,
) -> Result<Json<OrgOut>, ApiError> {
    Ok(Json(state.services.org_update(&actor, id, body.into()).await?.into()))
}

/// Who holds which role in the organisation.
#[utoipa::path(get, path = "/orgs/{id}/memberships", tag = "orgs", params(("id" = i64, Path)),
    responses((status = 200, body = [MembershipOut]), (status = 404, body = ErrorBody)))]
pub async fn memberships(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Vec<MembershipOut>>, ApiError> {
    let list = state.services.memberships_of_org(&actor, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}
