use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::model::{Org, OrgKind};
use taizhang_core::service::{OrgInput, OrgUpdate};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

fn kinds() -> Vec<Value> {
    OrgKind::ALL.iter().map(|k| json!({ "value": k.as_str(), "label": k.label() })).collect()
}

async fn tree_context(state: &AppState, page: &PageActor) -> Result<Vec<Value>, crate::PageError> {
    let orgs = state.services.org_tree(&page.actor).await?;
    let base = orgs.first().map(Org::depth).unwrap_or(0);
    Ok(orgs
        .iter()
        .map(|o| {
            let mut v = org_json(o);
            v["indent"] = json!(o.depth() - base);
            v
        })
        .collect())
}

pub async fn tree(State(state): State<AppState>, page: PageActor) -> PageResult {
    let orgs = tree_context(&state, &page).await?;
    render(&page, "orgs.html", json!({ "orgs": orgs, "kinds": kinds(), "errors": {}, "values": {} }))
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    purpose: String,
}

pub async fn create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<CreateForm>) -> PageResult {
    let input = OrgInput {
        parent_id: form.parent_id.trim().parse().ok(),
        kind: form.kind.clone(),
        name: form.name.clone(),
        purpose: form.purpose.clone(),
    };
    match state.services.org_create(&page.actor, input).await {
        Ok(org) => Ok(flash::redirect(&page, &format!("/orgs/{}", org.id), Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            let orgs = tree_context(&state, &page).await?;
            render_status(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                "orgs.html",
                &mut json!({
                    "orgs": orgs, "kinds": kinds(), "errors": errors,
                    "values": { "parent_id": form.parent_id, "kind": form.kind, "name": form.name, "purpose": form.purpose },
                }),
            )
        }
    }
}

async fn show_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let org = state.services.visible_org(&page.actor, id).await?;
    let tree = state.services.org_tree(&page.actor).await?;
    let children: Vec<Value> = tree.iter().filter(|o| o.parent_id == Some(org.id)).map(org_json).collect();
    let parent = tree.iter().find(|o| Some(o.id) == org.parent_id).map(org_json);
    // Possible new parents: anything visible that is not this org's own subtree.
    let targets: Vec<Value> =
        tree.iter().filter(|o| !o.path.starts_with(&org.path) && !o.is_closed()).map(org_json).collect();
    let members: Vec<Value> = state
        .services
        .memberships_of_org(&page.actor, org.id)
        .await?
        .into_iter()
        .map(|m| json!({ "id": m.id, "person_id": m.person_id, "person_name": m.person_name, "role": m.role, "started_on": m.started_on }))
        .collect();
    let editable = page.actor.is_admin() && (page.actor.scope_path == "/" || org.path != page.actor.scope_path);
    render_status(
        page,
        status,
        "org.html",
        &mut json!({
            "org": org_json(&org), "parent": parent, "children": children, "targets": targets,
            "members": members, "kinds": kinds(), "errors": errors, "editable": editable,
        }),
    )
}

pub async fn show(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    show_page(&state, &page, id, StatusCode::OK, BTreeMap::new()).await
}

#[derive(Deserialize)]
pub struct UpdateForm {
    action: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    purpose: String,
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<UpdateForm>,
) -> PageResult {
    let update = match form.action.as_str() {
        "rename" => OrgUpdate { name: Some(form.name), ..Default::default() },
        "move" => OrgUpdate { parent_id: form.parent_id.trim().parse().ok(), ..Default::default() },
        "close" => OrgUpdate { closed: Some(true), ..Default::default() },
        "reopen" => OrgUpdate { closed: Some(false), ..Default::default() },
        "purpose" => OrgUpdate { purpose: Some(form.purpose), ..Default::default() },
        _ => return Err(taizhang_core::Error::invalid("action", "未知的操作").into()),
    };
    match state.services.org_update(&page.actor, id, update).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/orgs/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}
