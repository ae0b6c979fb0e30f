//! The catalogue an org records against (`/work-areas`): work areas and their
//! sub-areas, the areas an office of its kind usually keeps, activity kinds
//! (`/kinds`) and publicity campaigns (`/campaigns`).

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::flash::{self, Flash};
use super::{PageId, form_errors, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

pub async fn work_areas(State(state): State<AppState>, page: PageActor) -> super::PageResult {
    areas_page(&state, &page, StatusCode::OK, BTreeMap::new(), json!({})).await
}

async fn areas_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> super::PageResult {
    let areas = state.services.work_areas_for(&page.actor).await?;
    let tree = state.services.org_tree(&page.actor).await?;
    let rows: Vec<Value> = areas
        .iter()
        .filter(|a| a.parent_id.is_none())
        .flat_map(|top| {
            std::iter::once(top).chain(areas.iter().filter(move |a| a.parent_id == Some(top.id))).map(|a| {
                let owner = a.org_id.and_then(|id| tree.iter().find(|o| o.id == id)).map(|o| o.name.clone());
                json!({ "id": a.id, "name": a.name, "sub": a.parent_id.is_some(), "owner": owner, "purpose": a.purpose,
                        "purpose_label": a.purpose.as_deref().and_then(taizhang_core::purpose::purpose_label),
                        "editable": a.org_id.is_some() || page.actor.role == taizhang_core::model::Role::SystemAdmin })
            })
        })
        .collect();
    let kinds = state.services.kinds_for(&page.actor).await?;
    let campaigns = state.services.campaigns(&page.actor).await?;
    let own_kind = page.actor.org_id.and_then(|id| tree.iter().find(|o| o.id == id)).map(|o| o.kind);
    let recommended: Vec<&str> =
        own_kind.map(|k| k.default_work_areas().iter().map(|(top, _)| *top).collect()).unwrap_or_default();
    render_status(
        page,
        status,
        "work_areas.html",
        &mut json!({
            "recommended": recommended, "own_kind": own_kind.map(|k| k.label()),
            "kinds": kinds.iter().map(|(_, l)| l).collect::<Vec<_>>(),
            "campaigns": campaigns.iter().map(|c| {
                let owner = c.org_id.and_then(|id| tree.iter().find(|o| o.id == id)).map(|o| o.name.clone());
                json!({ "id": c.id, "name": c.name, "owner": owner, "purpose": c.purpose,
                        "purpose_label": c.purpose.as_deref().and_then(taizhang_core::purpose::purpose_label),
                        "editable": c.org_id.is_some() || page.actor.role == taizhang_core::model::Role::SystemAdmin })
            }).collect::<Vec<_>>(),
            "areas": rows, "tops": areas.iter().filter(|a| a.parent_id.is_none()).map(|a| json!({ "id": a.id, "name": a.name })).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

#[derive(Deserialize, Serialize)]
pub struct AreaForm {
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
}

pub async fn work_area_create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<AreaForm>,
) -> super::PageResult {
    match state.services.work_area_add(&page.actor, None, form.parent_id.parse().ok(), &form.name, &form.purpose).await
    {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

/// Adds the work areas an office of the signed-in org's kind usually keeps.
pub async fn work_areas_adopt(
    State(state): State<AppState>,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> super::PageResult {
    match state.services.work_areas_adopt(&page.actor, None).await {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}

pub async fn work_area_rename(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<AreaForm>,
) -> super::PageResult {
    match state.services.work_area_update(&page.actor, id, Some(&form.name), Some(&form.purpose)).await {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("{id}.{k}"), v)).collect();
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}

#[derive(Deserialize, Serialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

pub async fn kind_create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<NameForm>) -> super::PageResult {
    match state.services.kind_create(&page.actor, &form.name).await {
        Ok(()) => Ok(flash::redirect(&page, "/work-areas", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("kind.{k}"), v)).collect();
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}

#[derive(Deserialize, Serialize)]
pub struct CampaignForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
}

pub async fn campaign_create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<CampaignForm>,
) -> super::PageResult {
    match state.services.campaign_add(&page.actor, page.actor.org_id, &form.name, &form.purpose).await {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("campaign.{k}"), v)).collect();
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({ "campaign": form })).await
        }
    }
}

/// Renames a campaign and sets its summary topic.
pub async fn campaign_update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<CampaignForm>,
) -> super::PageResult {
    match state.services.campaign_update(&page.actor, id, Some(&form.name), Some(&form.purpose)).await {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("campaign{id}.{k}"), v)).collect();
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}
