//! Evidence of an activity (`/activities/{id}/evidence`, `/evidence/{id}`):
//! photos and files uploaded to a record, their downloads and thumbnails.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

/// Uploads one or more files to an activity.
pub async fn evidence_add(
    State(state): State<AppState>,
    PageId(id): PageId,
    crate::auth::CsrfMultipart(page, parts): crate::auth::CsrfMultipart,
) -> PageResult {
    let files: Vec<_> = parts.into_iter().filter(|p| p.name == "file" && !p.bytes.is_empty()).collect();
    if files.is_empty() {
        let errors = BTreeMap::from([("file".to_owned(), "请选择要上传的照片或文件".to_owned())]);
        return super::activities::show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
    }
    for file in files {
        let name = file.file_name.clone().unwrap_or_default();
        if let Err(e) = crate::evidence::attach(&state, &page.actor, id, &name, file.bytes).await {
            let errors = form_errors(e)?;
            return super::activities::show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    }
    Ok(flash::redirect(&page, &format!("/activities/{id}"), Flash::Uploaded))
}

pub async fn evidence_file(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let (e, bytes) = state.services.evidence_file(&page.actor, id, false).await?;
    Ok(crate::evidence::file_response(&e, bytes, false))
}

pub async fn evidence_thumbnail(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let (e, bytes) = state.services.evidence_file(&page.actor, id, true).await?;
    Ok(crate::evidence::file_response(&e, bytes, true))
}

pub async fn evidence_delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> PageResult {
    let e = state.services.evidence_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, &format!("/activities/{}", e.activity_id), Flash::Deleted))
}
