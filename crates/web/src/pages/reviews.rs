//! /reviews: the problems and plans of an org and period, and suggestions.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default, Clone)]
pub struct ReviewQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

impl ReviewQuery {
    /// The period asked for, once [`super::working_period`] filled it in.
    fn period(&self) -> String {
        self.period.trim().to_owned()
    }

    fn back(&self) -> String {
        super::local_url("/reviews", &[("org_id", &self.org_id), ("period", &self.period())])
    }
}

async fn review_page(
    state: &AppState,
    page: &PageActor,
    q: &ReviewQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let orgs = state.services.org_tree(&page.actor).await?;
    let org_id = q.org_id.parse().ok();
    let (review, mut errors) = match state.services.review(&page.actor, org_id, &q.period()).await {
        Ok(r) => (Some(r), errors),
        Err(e) => {
            let mut shown = form_errors(e)?;
            shown.extend(errors);
            (None, shown)
        }
    };
    let status = if review.is_none() { StatusCode::UNPROCESSABLE_ENTITY } else { status };
    let (problems, plans): (Vec<_>, Vec<_>) = review
        .as_ref()
        .map(|r| r.items.iter().partition(|i| i.section == taizhang_core::review::Section::Problem))
        .unwrap_or_default();
    errors.retain(|_, v| !v.is_empty());
    render_status(
        page,
        status,
        "review.html",
        &mut json!({
            "review": review, "problems": problems, "plans": plans,
            "filter": { "org_id": q.org_id, "period": q.period() },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors,
        }),
    )
}

pub async fn show(State(state): State<AppState>, page: PageActor, Query(mut q): Query<ReviewQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    review_page(&state, &page, &q, StatusCode::OK, BTreeMap::new()).await
}

pub async fn export(State(state): State<AppState>, page: PageActor, Query(mut q): Query<ReviewQuery>) -> PageResult {
    q.period = super::working_period(&state, &page, &q.period).await?;
    let (name, bytes) =
        crate::sheets::review_export(&state.services, &page.actor, q.org_id.parse().ok(), &q.period()).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

#[derive(Deserialize, Default)]
pub struct ItemForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    section: String,
    #[serde(default)]
    key: String,
    #[serde(default)]
    text: String,
}

impl ItemForm {
    fn query(&self) -> ReviewQuery {
        ReviewQuery { org_id: self.org_id.clone(), period: self.period.clone() }
    }
}

/// Back to the review after a post (saying `done`), or the review again
/// with the errors.
async fn after(
    state: &AppState,
    page: &PageActor,
    q: &ReviewQuery,
    prefix: &str,
    result: taizhang_core::Result<()>,
    done: Flash,
) -> PageResult {
    match result {
        Ok(()) => Ok(flash::redirect(page, &q.back(), done)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)).collect();
            review_page(state, page, q, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}

/// The form's org, checked before anything is written: a wrong one shows the
/// review again with the error beside the org choice.
async fn org_of(state: &AppState, page: &PageActor, f: &ItemForm) -> Result<Option<i64>, PageResult> {
    match super::form_org_id(&f.org_id) {
        Ok(id) => Ok(id),
        Err(e) => {
            let errors = super::error_map(&e.field_errors());
            Err(review_page(state, page, &f.query(), StatusCode::UNPROCESSABLE_ENTITY, errors).await)
        }
    }
}

pub async fn item_add(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<ItemForm>) -> PageResult {
    let org_id = match org_of(&state, &page, &f).await {
        Ok(id) => id,
        Err(shown) => return shown,
    };
    let r = state.services.review_item_add(&page.actor, org_id, &f.period, &f.section, &f.text).await;
    after(&state, &page, &f.query(), "new.", r.map(|_| ()), Flash::Added).await
}

pub async fn accept(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<ItemForm>) -> PageResult {
    let org_id = match org_of(&state, &page, &f).await {
        Ok(id) => id,
        Err(shown) => return shown,
    };
    let text = Some(f.text.as_str()).filter(|t| !t.trim().is_empty());
    let r = state.services.review_accept(&page.actor, org_id, &f.period, &f.key, text).await;
    after(&state, &page, &f.query(), &format!("{}.", f.key), r.map(|_| ()), Flash::Accepted).await
}

pub async fn dismiss(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<ItemForm>) -> PageResult {
    let org_id = match org_of(&state, &page, &f).await {
        Ok(id) => id,
        Err(shown) => return shown,
    };
    let r = state.services.review_dismiss(&page.actor, org_id, &f.period, &f.key).await;
    after(&state, &page, &f.query(), &format!("{}.", f.key), r, Flash::Dismissed).await
}

pub async fn item_update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<ItemForm>,
) -> PageResult {
    let r = state.services.review_item_update(&page.actor, id, &f.text).await;
    after(&state, &page, &f.query(), &format!("item{id}."), r.map(|_| ()), Flash::Saved).await
}

pub async fn item_delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<ItemForm>,
) -> PageResult {
    let r = state.services.review_item_delete(&page.actor, id).await;
    after(&state, &page, &f.query(), "", r, Flash::Deleted).await
}
