use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::service::{PlanItemInput, RectificationInput, RectificationProgress};

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
    let input = PlanItemInput {
        org_id: form.org_id.parse().ok(),
        year: form.year.parse().unwrap_or(0),
        month: form.month.parse().unwrap_or(0),
        topic: form.topic.clone(),
        materials: form.materials.clone(),
    };
    match state.services.plan_item_add(&page.actor, &input).await {
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

#[derive(Deserialize, Default)]
pub struct RectQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    status: String,
}

async fn rect_page(
    state: &AppState,
    page: &PageActor,
    q: &RectQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let list = state.services.rectification_list(&page.actor, q.org_id.parse().ok(), now().date_naive()).await?;
    let rows: Vec<Value> = list
        .iter()
        .filter(|v| {
            q.status.is_empty()
                || serde_json::to_value(v.status).ok().and_then(|s| s.as_str().map(|s| s == q.status)).unwrap_or(false)
        })
        .map(|v| {
            json!({
                "order": v.order, "org_name": v.org_name, "status": serde_json::to_value(v.status).unwrap_or_default(),
                "status_label": v.status.label(),
            })
        })
        .collect();
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "rectifications.html",
        &mut json!({
            "rows": rows, "filter": { "org_id": q.org_id, "status": q.status },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn rectifications(State(state): State<AppState>, page: PageActor, Query(q): Query<RectQuery>) -> PageResult {
    rect_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

#[derive(Deserialize, Serialize)]
pub struct RectForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    problem: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    found_on: String,
    #[serde(default)]
    deadline: String,
}

pub async fn rectification_create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<RectForm>,
) -> PageResult {
    let input = RectificationInput {
        org_id: form.org_id.parse().ok(),
        activity_id: None,
        subject: form.subject.clone(),
        problem: form.problem.clone(),
        requirement: form.requirement.clone(),
        found_on: form.found_on.clone(),
        deadline: form.deadline.clone(),
    };
    match state.services.rectification_create(&page.actor, &input).await {
        Ok(_) => Ok(flash::redirect(&page, "/rectifications", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            rect_page(&state, &page, &RectQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

#[derive(Deserialize)]
pub struct ProgressForm {
    #[serde(default)]
    rectified_on: String,
    #[serde(default)]
    reinspected_on: String,
    #[serde(default)]
    reinspected_by: String,
    #[serde(default)]
    passed: String,
    #[serde(default)]
    note: String,
}

pub async fn rectification_progress(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<ProgressForm>,
) -> PageResult {
    let progress = RectificationProgress {
        rectified_on: form.rectified_on,
        reinspected_on: form.reinspected_on,
        reinspected_by: form.reinspected_by,
        passed: match form.passed.as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        note: form.note,
    };
    match state.services.rectification_progress(&page.actor, id, &progress).await {
        Ok(_) => Ok(flash::redirect(&page, "/rectifications", Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("{id}.{k}"), v)).collect();
            rect_page(&state, &page, &RectQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct VolunteerQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

pub async fn volunteers(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<VolunteerQuery>,
) -> super::PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    let rows = state.services.volunteer_hours(&page.actor, q.org_id.parse().ok(), &period).await?;
    let total: f64 = rows.iter().map(|r| r.3).sum();
    let orgs = state.services.org_tree(&page.actor).await?;
    super::render(
        &page,
        "volunteers.html",
        json!({
            "rows": rows.iter().map(|(id, name, n, h)| json!({ "id": id, "name": name, "activities": n, "hours": h })).collect::<Vec<_>>(),
            "total": total, "period": period, "org_id": q.org_id,
            "orgs": orgs.iter().map(org_json).collect::<Vec<_>>(),
        }),
    )
}

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
pub async fn work_areas_adopt(State(state): State<AppState>, CsrfForm(page, _): CsrfForm<Empty>) -> super::PageResult {
    match state.services.work_areas_adopt(&page.actor, None).await {
        Ok(_) => Ok(flash::redirect(&page, "/work-areas", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            areas_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({})).await
        }
    }
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize, Default)]
pub struct Empty {}

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
