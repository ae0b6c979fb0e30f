use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{PageResult, form_errors, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

pub async fn form(page: PageActor) -> PageResult {
    render(&page, "password.html", json!({ "errors": BTreeMap::<String, String>::new(), "done": false }))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat_password: String,
}

pub async fn submit(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<PasswordForm>) -> PageResult {
    let result = state
        .services
        .change_password(&page.actor, &page.token, &form.old_password, &form.new_password, &form.repeat_password)
        .await;
    let (status, errors, done) = match result {
        Ok(()) => (StatusCode::OK, BTreeMap::new(), true),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, false),
    };
    render_status(&page, status, "password.html", &mut json!({ "errors": errors, "done": done }))
}
