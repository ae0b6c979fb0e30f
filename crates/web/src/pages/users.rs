use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::model::{Role, User};
use taizhang_core::service::{UserInput, UserUpdate};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

fn user_json(u: &User, org_name: Option<&String>) -> Value {
    json!({
        "id": u.id, "username": u.username, "display_name": u.display_name,
        "role": u.role.as_str(), "role_label": u.role.label(), "org_id": u.org_id, "org_name": org_name,
        "can_view_personal": u.can_view_personal, "disabled": u.disabled,
    })
}

fn roles(page: &PageActor) -> Vec<Value> {
    Role::ALL
        .iter()
        .filter(|r| **r <= page.actor.role)
        .map(|r| json!({ "value": r.as_str(), "label": r.label() }))
        .collect()
}

pub async fn list(State(state): State<AppState>, page: PageActor) -> PageResult {
    let users = state.services.user_list(&page.actor).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let names: BTreeMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let users: Vec<Value> = users.iter().map(|u| user_json(u, names.get(&u.org_id))).collect();
    render(&page, "users.html", json!({ "users": users }))
}

async fn form_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    user_id: Option<i64>,
    values: Value,
    errors: BTreeMap<String, String>,
) -> PageResult {
    page.actor.require(Role::OrgAdmin).map_err(crate::PageError::from)?;
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "user_form.html",
        &mut json!({
            "user_id": user_id, "values": values, "errors": errors, "roles": roles(page),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
        }),
    )
}

#[derive(Deserialize, Serialize, Default)]
pub struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    org_id: String,
    can_view_personal: Option<String>,
    disabled: Option<String>,
    #[serde(default)]
    password: String,
}

pub async fn new_form(State(state): State<AppState>, page: PageActor) -> PageResult {
    form_page(&state, &page, StatusCode::OK, None, json!({ "role": "recorder" }), BTreeMap::new()).await
}

pub async fn create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<UserForm>) -> PageResult {
    let input = UserInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        role: form.role.clone(),
        org_id: form.org_id.parse().ok(),
        can_view_personal: form.can_view_personal.is_some(),
        password: form.password.clone(),
    };
    match state.services.user_create(&page.actor, &input).await {
        Ok(_) => Ok(flash::redirect(&page, "/users", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            let mut values = json!(form);
            values["password"] = json!("");
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, None, values, errors).await
        }
    }
}

pub async fn edit_form(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let user = state.services.user_get(&page.actor, id).await?;
    let values = json!({
        "username": user.username, "display_name": user.display_name, "role": user.role.as_str(),
        "org_id": user.org_id.to_string(), "can_view_personal": user.can_view_personal.then_some("on"),
        "disabled": user.disabled.then_some("on"),
    });
    form_page(&state, &page, StatusCode::OK, Some(id), values, BTreeMap::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<UserForm>,
) -> PageResult {
    let update = UserUpdate {
        display_name: Some(form.display_name.clone()),
        role: Some(form.role.clone()),
        org_id: form.org_id.parse().ok(),
        can_view_personal: Some(form.can_view_personal.is_some()),
        disabled: Some(form.disabled.is_some()),
    };
    let result = state.services.user_update(&page.actor, id, &update).await;
    let result = match result {
        Ok(user) if !form.password.is_empty() => {
            state.services.user_reset_password(&page.actor, user.id, &form.password).await.map_err(|e| match e {
                taizhang_core::Error::Invalid(_) => taizhang_core::Error::invalid("password", "新密码至少需要8个字符"),
                other => other,
            })
        }
        Ok(_) => Ok(()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(flash::redirect(&page, "/users", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            let mut values = json!(form);
            values["password"] = json!("");
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, Some(id), values, errors).await
        }
    }
}
