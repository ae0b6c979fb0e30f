//! The study plan (`/study-plans`): an org's monthly plan items for a year,
//! beside the central group sessions held, each item linked to its session.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::error::Problems;
use taizhang_core::input::number_from_text;
use taizhang_core::service::PlanItemInput;

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct PlanQuery {
    #[serde(default)]
    org_id: String,
    year: Option<i32>,
}

async fn plan_page(
    state: &AppState,
    page: &PageActor,
    org_id: Option<i64>,
    year: i32,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let orgs = state.services.org_tree(&page.actor).await?;
    let org = match org_id.or(page.actor.org_id) {
        Some(id) => state.services.visible_org(&page.actor, id).await?,
        None => orgs.first().cloned().ok_or(taizhang_core::Error::NotFound)?,
    };
    let months: Vec<Value> = state
        .services
        .study_plan(&page.actor, org.id, year)
        .await?
        .iter()
        .map(|m| {
            json!({
                "month": m.month,
                "items": m.items.iter().map(|i| json!({ "id": i.id, "topic": i.topic, "materials": i.materials, "activity_id": i.activity_id })).collect::<Vec<_>>(),
                "sessions": m.sessions.iter().map(|s| json!({ "id": s.id, "date": s.date, "title": s.title })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let planned = months.iter().filter(|m| !m["items"].as_array().is_none_or(Vec::is_empty)).count();
    let held = months.iter().filter(|m| !m["sessions"].as_array().is_none_or(Vec::is_empty)).count();
    render_status(
        page,
        status,
        "study_plan.html",
        &mut json!({
            "org": org_json(&org), "year": year, "months": months, "planned": planned, "held": held,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn plan(State(state): State<AppState>, page: PageActor, Query(q): Query<PlanQuery>) -> PageResult {
    let year = q.year.unwrap_or(now().date_naive().year());
    plan_page(&state, &page, q.org_id.parse().ok(), year, StatusCode::OK, BTreeMap::new(), json!({})).await
}

#[derive(Deserialize, Serialize)]
pub struct ItemForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    materials: String,
}

pub async fn item_add(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<ItemForm>) -> PageResult {
    // A bad number is the field's error, as in the API; an empty one is
    // refused by the use case.
    let mut problems = Problems::new();
    let input = PlanItemInput {
        org_id: form.org_id.parse().ok(),
        year: number_from_text(&mut problems, "year", &form.year).unwrap_or_default(),
        month: number_from_text(&mut problems, "month", &form.month).unwrap_or_default(),
        topic: form.topic.clone(),
        materials: form.materials.clone(),
    };
    let saved = match problems.finish() {
        Ok(()) => state.services.plan_item_add(&page.actor, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(item) => {
            Ok(flash::redirect(&page, &format!("/study-plans?org_id={}&year={}", item.org_id, item.year), Flash::Added))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let year = if (2000..=2100).contains(&input.year) { input.year } else { now().date_naive().year() };
            plan_page(&state, &page, input.org_id, year, StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    activity_id: String,
}

pub async fn item_link(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<LinkForm>,
) -> PageResult {
    let item = state.services.plan_item_link(&page.actor, id, form.activity_id.parse().ok()).await?;
    Ok(flash::redirect(&page, &format!("/study-plans?org_id={}&year={}", item.org_id, item.year), Flash::Linked))
}
