use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use taizhang_core::service::PersonView;

use super::dto::{
    MembershipBody, MembershipOut, PersonBody, PersonListQuery, PersonOut, PersonPage, PersonPatchBody, RevealQuery,
};
use crate::AppState;
use crate::auth::{ApiActor, ApiJson, ApiQuery, IdPath};
use crate::error::{ApiError, ErrorBody};

/// Searches the register by name, pinyin, initials or phone tail.
#[utoipa::path(get, path = "/people", tag = "people", params(PersonListQuery),
    responses((status = 200, body = PersonPage)))]
pub async fn list(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiQuery(q): ApiQuery<PersonListQuery>,
) -> Result<Json<PersonPage>, ApiError> {
    let page = state.services.person_list(&actor, &q.q, q.org_id, &q.list_args()).await?;
    Ok(Json(page.into()))
}

#[utoipa::path(post, path = "/people", tag = "people", request_body = PersonBody,
    responses((status = 201, body = PersonOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<PersonBody>,
) -> Result<(StatusCode, Json<PersonOut>), ApiError> {
    let person = state.services.person_create(&actor, &body.into()).await?;
    Ok((StatusCode::CREATED, Json(PersonView::masked(person).into())))
}

/// One person; `?reveal=true` unmasks personal data (audited).
#[utoipa::path(get, path = "/people/{id}", tag = "people", params(("id" = i64, Path), RevealQuery),
    responses((status = 200, body = PersonOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<RevealQuery>,
) -> Result<Json<PersonOut>, ApiError> {
    Ok(Json(state.services.person_view(&actor, id, q.reveal).await?.into()))
}

/// Changes the fields given; the others keep their values.
#[utoipa::path(patch, path = "/people/{id}", tag = "people", params(("id" = i64, Path)), request_body = PersonPatchBody,
    responses((status = 200, body = PersonOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<PersonPatchBody>,
) -> Result<Json<PersonOut>, ApiError> {
    let person = state.services.person_patch(&actor, id, body.into()).await?;
    Ok(Json(PersonView::masked(person).into()))
}

#[utoipa::path(delete, path = "/people/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.person_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/people/{id}/memberships", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = [MembershipOut]), (status = 404, body = ErrorBody)))]
pub async fn memberships(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<Json<Vec<MembershipOut>>, ApiError> {
    let list = state.services.memberships_of_person(&actor, id).await?;
    Ok(Json(list.into_iter().map(Into::into).collect()))
}

/// Gives a person a role in an organisation.
#[utoipa::path(post, path = "/memberships", tag = "people", request_body = MembershipBody,
    responses((status = 201, body = MembershipOut), (status = 422, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn membership_create(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    ApiJson(body): ApiJson<MembershipBody>,
) -> Result<(StatusCode, Json<MembershipOut>), ApiError> {
    let m = state
        .services
        .membership_create(&actor, body.person_id, body.org_id, &body.role, &body.started_on, &body.note)
        .await?;
    Ok((StatusCode::CREATED, Json(m.into())))
}

#[utoipa::path(delete, path = "/memberships/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn membership_delete(
    State(state): State<AppState>,
    ApiActor(actor): ApiActor,
    IdPath(id): IdPath,
) -> Result<StatusCode, ApiError> {
    state.services.membership_delete(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
