//! Households (`/households`): the list by grid, a household's page with its
//! members and visits, a visit recorded from it, a member entering a key group;
//! and the resident roster (`/roster`): import with a column mapping, export,
//! template.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::Error;
use taizhang_core::auth::now;
use taizhang_core::grid::{PersonStatus, VisitResult};
use taizhang_core::model::{ListArgs, OrgKind};
use taizhang_core::service::{HouseholdInput, KeyPersonInput, PersonView, VisitInput};

use super::fields::{Fields, id_of, one, statuses_of, values};
use super::{PageId, PageResult, form_errors, grids_json, org_json, render, render_status, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfMultipart, PageActor, text_field};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HouseholdQuery {
    grid_id: String,
    q: String,
    page: Option<u32>,
    after: Option<String>,
}

async fn households_page(
    state: &AppState,
    page: &PageActor,
    q: &HouseholdQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let grid_id = q.grid_id.parse().ok();
    let args = ListArgs { page: q.page.unwrap_or(1), per_page: 50, after: q.after.clone(), exact_total: false };
    let list = state.services.households(&page.actor, grid_id, &q.q, &args).await?;
    let grids = state.services.grids_under(&page.actor, None).await?;
    let name_of = |id: i64| grids.iter().find(|g| g.id == id).map(|g| g.name.clone()).unwrap_or_default();
    let rows: Vec<Value> = list
        .items
        .iter()
        .map(|h| json!({ "id": h.id, "address": h.address, "grid": name_of(h.org_id), "head": h.head(), "members": h.members.len() }))
        .collect();
    render_status(
        page,
        status,
        "households.html",
        &mut json!({
            "rows": rows, "total": list.total, "page": list.page, "pages": list.pages(), "next": list.next,
            "grids": grids_json(&grids), "filter": { "grid_id": q.grid_id, "q": q.q },
            "errors": errors, "values": values,
        }),
    )
}

pub async fn households(State(state): State<AppState>, page: PageActor, Query(q): Query<HouseholdQuery>) -> PageResult {
    households_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn household_create(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Fields>) -> PageResult {
    let input = HouseholdInput { grid_id: id_of(&f, "grid_id"), address: one(&f, "address") };
    match state.services.household_save(&page.actor, None, &input).await {
        Ok(h) => Ok(super::flash::redirect(&page, &format!("/households/{}", h.id), super::flash::Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            let q = HouseholdQuery::default();
            households_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, errors, values(&f)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HouseholdPageQuery {
    /// The visit just recorded, confirmed on the page.
    visited: String,
}

async fn household_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    visited: Option<i64>,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let h = state.services.household_get(&page.actor, id).await?;
    let grids = state.services.grids_under(&page.actor, None).await?;
    let key = state.services.key_persons(&page.actor, Some(h.org_id), None).await?;
    let mut members = Vec::new();
    for m in &h.members {
        let view = PersonView::masked(state.services.person_get(&page.actor, m.person_id).await?);
        let stays: Vec<Value> = key
            .iter()
            .filter(|k| k.person_id == m.person_id)
            .map(|k| json!({ "group": k.group_name, "entered_on": k.entered_on, "left_on": k.left_on }))
            .collect();
        members.push(json!({
            "person_id": m.person_id, "name": m.name, "relation": m.relation,
            "id_number": view.id_number, "mobile": view.mobile, "key": stays,
        }));
    }
    let mut visits = Vec::new();
    for s in state.services.screenings(&page.actor).await? {
        if s.grid_ids.contains(&h.org_id) {
            for v in state.services.visits(&page.actor, s.id, Some(h.id), 20).await? {
                visits.push(json!({ "id": v.id, "screening": s.name, "screening_id": s.id, "visited_on": v.visited_on,
                    "visitor": v.visitor, "result": v.result.label(), "note": v.note, "just": Some(v.id) == visited }));
            }
        }
    }
    let confirmed = visits.iter().find(|v| v["just"] == json!(true)).cloned();
    let today = now().date_naive();
    let open: Vec<Value> = state
        .services
        .open_screenings_for(&page.actor, h.id, today)
        .await?
        .iter()
        .map(|s| json!({ "id": s.id, "name": s.name, "starts_on": s.starts_on, "ends_on": s.ends_on }))
        .collect();
    let groups = state.services.key_groups(&page.actor).await?;
    render_status(
        page,
        status,
        "household.html",
        &mut json!({
            "household": { "id": h.id, "address": h.address, "grid_id": h.org_id,
                "grid": grids.iter().find(|g| g.id == h.org_id).map(|g| g.name.clone()) },
            "members": members, "visits": visits, "confirmed": confirmed, "open_screenings": open,
            "results": VisitResult::ALL.iter().map(|r| json!({ "value": r.as_str(), "label": r.label() })).collect::<Vec<_>>(),
            "statuses": PersonStatus::ALL.iter().map(|r| json!({ "value": r.as_str(), "label": r.label() })).collect::<Vec<_>>(),
            "grids": grids_json(&grids), "groups": groups, "today": today, "errors": errors, "values": values,
        }),
    )
}

pub async fn household(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<HouseholdPageQuery>,
) -> PageResult {
    household_page(&state, &page, id, q.visited.parse().ok(), StatusCode::OK, BTreeMap::new(), json!({})).await
}

/// 登记走访 from the household's page: a visit in the screening chosen (or the
/// one open today), checked by the visit service; back to the page, which
/// confirms it beside the visit.
pub async fn household_visit(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = VisitInput {
        household_id: Some(id),
        visited_on: one(&f, "visited_on"),
        visitor: one(&f, "visitor"),
        result: one(&f, "result"),
        note: one(&f, "note"),
        statuses: statuses_of(&f),
    };
    match state.services.household_visit_record(&page.actor, id, id_of(&f, "screening_id"), &input).await {
        Ok(v) => Ok(see_other(&format!("/households/{id}?visited={}#visits", v.id))),
        Err(e) => {
            let errors = form_errors(e)?;
            household_page(&state, &page, id, None, StatusCode::UNPROCESSABLE_ENTITY, errors, values(&f)).await
        }
    }
}

pub async fn household_update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = HouseholdInput { grid_id: id_of(&f, "grid_id"), address: one(&f, "address") };
    match state.services.household_save(&page.actor, Some(id), &input).await {
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/households/{id}"), super::flash::Flash::Saved)),
        Err(e) => {
            household_page(&state, &page, id, None, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

/// A member of the household enters a key group.
pub async fn key_enter(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = KeyPersonInput {
        key_group_id: id_of(&f, "key_group_id"),
        person_id: id_of(&f, "person_id"),
        entered_on: one(&f, "entered_on"),
        reason: one(&f, "reason"),
    };
    match state.services.key_person_enter(&page.actor, &input).await {
        Ok(k) => {
            Ok(super::flash::redirect(&page, &format!("/people/{}/care-plan", k.person_id), super::flash::Flash::Saved))
        }
        Err(e) => {
            household_page(&state, &page, id, None, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

// The roster: households and residents imported from, and exported to, a workbook.

pub async fn roster_form(State(state): State<AppState>, page: PageActor) -> PageResult {
    let orgs = roster_orgs(&state, &page).await?;
    render(&page, "roster_import.html", json!({ "orgs": orgs, "result": null, "problems": [], "error": null }))
}

/// Orgs whose grids a roster may name: those with grids below them.
async fn roster_orgs(state: &AppState, page: &PageActor) -> Result<Vec<Value>, crate::PageError> {
    let tree = state.services.org_tree(&page.actor).await?;
    Ok(tree
        .iter()
        .filter(|o| tree.iter().any(|g| g.kind == OrgKind::Grid && g.path.starts_with(&o.path)))
        .map(org_json)
        .collect())
}

/// The upload: answered with the result fragment (htmx) or the whole page.
pub async fn roster_import(State(state): State<AppState>, CsrfMultipart(page, parts): CsrfMultipart) -> PageResult {
    use base64::Engine;
    let orgs = roster_orgs(&state, &page).await?;
    let Some(file) = parts.iter().find(|p| p.name == "file" && !p.bytes.is_empty()) else {
        return render_status(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            "roster_import.html",
            &mut json!({ "orgs": orgs, "result": null, "problems": [], "error": "请选择要导入的花名册文件（.xlsx 或 .csv）" }),
        );
    };
    let source = file.file_name.clone().unwrap_or_else(|| "上传文件".to_owned());
    let org_id = text_field(&parts, "org_id").parse().ok();
    let mapping = text_field(&parts, "mapping");
    match crate::sheets::roster_import(&state, &page.actor, org_id, &file.bytes, &mapping, &source).await {
        Ok(o) => {
            render(&page, "roster_import.html", json!({ "orgs": orgs, "result": o, "problems": [], "error": null }))
        }
        Err(Error::Invalid(errors)) => {
            let problems: Vec<Value> = crate::sheets::roster_problems(&errors)
                .into_iter()
                .take(1000)
                .map(|(row, column, message)| json!({ "row": row, "column": column, "message": message }))
                .collect();
            let count = errors.len();
            // The upload itself, its bad cells marked, with the list of errors.
            let report =
                crate::sheets::roster_error_report_in_turn(&state, errors, file.bytes.clone(), mapping.clone()).await?;
            let report = base64::engine::general_purpose::STANDARD.encode(report);
            render_status(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                "roster_import.html",
                &mut json!({ "orgs": orgs, "result": null, "problems": problems, "count": count,
                    "report": report, "error": null, "mapping": mapping }),
            )
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ExportQuery {
    org_id: String,
    reveal: String,
}

pub async fn roster_export(State(state): State<AppState>, page: PageActor, Query(q): Query<ExportQuery>) -> PageResult {
    let reveal = !q.reveal.is_empty();
    let (name, bytes) =
        crate::sheets::roster_export(&state.services, &page.actor, q.org_id.parse().ok(), reveal).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

pub async fn roster_template(State(state): State<AppState>, page: PageActor) -> PageResult {
    let bytes = crate::sheets::roster_template(&state.services, &page.actor).await?;
    Ok(crate::sheets::xlsx_response("居民花名册导入模板.xlsx", bytes))
}
