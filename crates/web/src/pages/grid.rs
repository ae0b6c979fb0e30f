//! Grid work pages: households and the roster, screening campaigns with
//! coverage and visits, key persons and their care (plan, follow-ups,
//! health checks), the follow-up board, disinfections and the daily report.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::Error;
use taizhang_core::auth::now;
use taizhang_core::grid::{FollowUpState, PersonStatus, VisitResult};
use taizhang_core::model::OrgKind;
use taizhang_core::service::{
    CarePlanInput, DisinfectionInput, FollowUpInput, HealthCheckInput, HouseholdInput, KeyPersonInput, LeaveInput,
    PersonView, ScreeningInput, VisitInput, parse_date,
};

use super::{PageId, PageResult, form_errors, org_json, render, render_status, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfMultipart, PageActor, text_field};

/// A posted form as name/value pairs (repeated names kept).
type Fields = Vec<(String, String)>;

fn one(f: &Fields, name: &str) -> String {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

fn id_of(f: &Fields, name: &str) -> Option<i64> {
    one(f, name).parse().ok()
}

/// Members' statuses of a visit form (`status_<person id>`).
fn statuses_of(f: &Fields) -> Vec<(i64, String)> {
    f.iter().filter_map(|(k, v)| Some((k.strip_prefix("status_")?.parse().ok()?, v.clone()))).collect()
}

fn values(f: &Fields) -> Value {
    Value::Object(f.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

fn day_or_today(raw: &str) -> NaiveDate {
    parse_date(raw).unwrap_or_else(|| now().date_naive())
}

fn grids_json(grids: &[taizhang_core::model::Org]) -> Vec<Value> {
    grids.iter().map(org_json).collect()
}

// --- households ---

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HouseholdQuery {
    grid_id: String,
    q: String,
    page: Option<u32>,
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
    let list = state.services.households(&page.actor, grid_id, &q.q, q.page.unwrap_or(1), 50).await?;
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
            "rows": rows, "total": list.total, "page": list.page, "pages": list.pages(),
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

/// 登记走访 from the household's page: a visit in the campaign chosen (or the
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
        Ok(k) => Ok(super::flash::redirect(&page, &format!("/care/{}", k.person_id), super::flash::Flash::Saved)),
        Err(e) => {
            household_page(&state, &page, id, None, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

// --- the roster ---

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

// --- screening campaigns ---

async fn screenings_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let mut rows = Vec::new();
    for s in state.services.screenings(&page.actor).await? {
        let c = state.services.coverage(&page.actor, s.id).await?;
        rows.push(json!({ "id": s.id, "name": s.name, "starts_on": s.starts_on, "ends_on": s.ends_on,
            "grids": c.grids.len(), "households": c.total.households, "visited": c.total.visited,
            "household_percent": c.total.household_percent(), "person_percent": c.total.person_percent() }));
    }
    let orgs = state.services.org_tree(&page.actor).await?;
    let grids = state.services.grids_under(&page.actor, None).await?;
    render_status(
        page,
        status,
        "screenings.html",
        &mut json!({
            "rows": rows, "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "grids": grids_json(&grids), "errors": errors, "values": values,
        }),
    )
}

pub async fn screenings(State(state): State<AppState>, page: PageActor) -> PageResult {
    screenings_page(&state, &page, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn screening_create(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Fields>) -> PageResult {
    let input = ScreeningInput {
        org_id: id_of(&f, "org_id"),
        name: one(&f, "name"),
        starts_on: one(&f, "starts_on"),
        ends_on: one(&f, "ends_on"),
        grid_ids: f.iter().filter(|(k, _)| k == "grid_ids").filter_map(|(_, v)| v.parse().ok()).collect(),
    };
    match state.services.screening_create(&page.actor, &input).await {
        Ok(s) => Ok(super::flash::redirect(&page, &format!("/screenings/{}", s.id), super::flash::Flash::Saved)),
        Err(e) => screenings_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ScreeningQuery {
    grid_id: String,
    /// unvisited (the default), visited or all.
    state: String,
    q: String,
    page: Option<u32>,
}

/// Households of a campaign per page of its list.
const SCREENING_PAGE: u32 = 50;

async fn screening_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    q: &ScreeningQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let grid_id = q.grid_id.parse().ok();
    let wanted = match q.state.as_str() {
        "visited" => Some(true),
        "all" => None,
        _ => Some(false),
    };
    let filter_state = match wanted {
        Some(true) => "visited",
        None => "all",
        Some(false) => "unvisited",
    };
    let c = state.services.coverage(&page.actor, id).await?;
    let coverage = |g: &taizhang_core::grid::GridCoverage| {
        json!({ "grid_id": g.grid_id, "grid_name": g.grid_name, "households": g.households, "visited": g.visited,
            "missed_households": g.missed_households(), "household_percent": g.household_percent(),
            "residents": g.residents, "with_status": g.with_status, "missed_persons": g.missed_persons(),
            "person_percent": g.person_percent() })
    };
    let list = state
        .services
        .screening_households(&page.actor, id, grid_id, &q.q, wanted, q.page.unwrap_or(1), SCREENING_PAGE)
        .await?;
    let households: Vec<Value> = list
        .items
        .iter()
        .map(|s| {
            let h = &s.household;
            json!({ "id": h.id, "address": h.address, "head": h.head(), "visited_on": s.visited_on,
            "members": h.members.iter().map(|m| json!({ "person_id": m.person_id, "name": m.name, "relation": m.relation })).collect::<Vec<_>>() })
        })
        .collect();
    let (_, missed_persons) = state.services.missed(&page.actor, id, grid_id, 200).await?;
    let persons: Vec<Value> = missed_persons
        .iter()
        .map(|r| json!({ "name": r.person.name, "address": r.address, "household_id": r.household_id, "relation": r.relation }))
        .collect();
    render_status(
        page,
        status,
        "screening.html",
        &mut json!({
            "screening": c.screening, "grids": c.grids.iter().map(coverage).collect::<Vec<_>>(), "total": coverage(&c.total),
            "grid_id": grid_id, "households": households, "missed_persons": persons,
            "list": { "total": list.total, "page": list.page, "pages": list.pages() },
            "filter": { "grid_id": q.grid_id, "state": filter_state, "q": q.q },
            "results": VisitResult::ALL.iter().map(|r| json!({ "value": r.as_str(), "label": r.label() })).collect::<Vec<_>>(),
            "statuses": PersonStatus::ALL.iter().map(|r| json!({ "value": r.as_str(), "label": r.label() })).collect::<Vec<_>>(),
            "today": now().date_naive(), "me_name": page.actor.display_name, "errors": errors, "values": values,
        }),
    )
}

pub async fn screening(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<ScreeningQuery>,
) -> PageResult {
    screening_page(&state, &page, id, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

/// Records a visit: the household, the result and each member's status (`status_<person id>`).
pub async fn visit_create(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = VisitInput {
        household_id: id_of(&f, "household_id"),
        visited_on: one(&f, "visited_on"),
        visitor: one(&f, "visitor"),
        result: one(&f, "result"),
        note: one(&f, "note"),
        statuses: statuses_of(&f),
    };
    let grid = id_of(&f, "grid_id");
    match state.services.visit_record(&page.actor, id, &input).await {
        Ok(_) => {
            let to = match grid {
                Some(g) => format!("/screenings/{id}?grid_id={g}"),
                None => format!("/screenings/{id}"),
            };
            Ok(super::flash::redirect(&page, &to, super::flash::Flash::Visited))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            // The list the form was posted from, with the household posted.
            let q = ScreeningQuery {
                grid_id: one(&f, "grid_id"),
                state: one(&f, "list_state"),
                q: one(&f, "list_q"),
                page: one(&f, "list_page").parse().ok(),
            };
            screening_page(&state, &page, id, &q, StatusCode::UNPROCESSABLE_ENTITY, errors, values(&f)).await
        }
    }
}

// --- key persons and care ---

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KeyQuery {
    all: String,
}

async fn key_persons_page(
    state: &AppState,
    page: &PageActor,
    all: bool,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let today = now().date_naive();
    let list = state.services.key_persons(&page.actor, None, if all { None } else { Some(today) }).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let name_of = |id: i64| orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let rows: Vec<Value> = list.iter().map(|k| json!({ "k": k, "org": name_of(k.org_id) })).collect();
    let groups = state.services.key_groups(&page.actor).await?;
    render_status(
        page,
        status,
        "key_persons.html",
        &mut json!({
            "rows": rows, "all": all, "groups": groups, "today": today,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn key_persons(State(state): State<AppState>, page: PageActor, Query(q): Query<KeyQuery>) -> PageResult {
    key_persons_page(&state, &page, !q.all.is_empty(), StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn key_group_create(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Fields>) -> PageResult {
    match state.services.key_group_create(&page.actor, id_of(&f, "org_id"), &one(&f, "name")).await {
        Ok(_) => Ok(super::flash::redirect(&page, "/key-persons", super::flash::Flash::Added)),
        Err(e) => {
            key_persons_page(&state, &page, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

pub async fn key_leave(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = LeaveInput { left_on: one(&f, "left_on"), reason: one(&f, "reason") };
    match state.services.key_person_leave(&page.actor, id, &input).await {
        Ok(k) => Ok(super::flash::redirect(&page, &format!("/care/{}", k.person_id), super::flash::Flash::Released)),
        Err(e) => {
            let k = state.services.key_person_get(&page.actor, id).await?;
            care_page(&state, &page, k.person_id, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f))
                .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CareQuery {
    reveal: String,
    day: String,
}

async fn care_page(
    state: &AppState,
    page: &PageActor,
    person_id: i64,
    reveal: bool,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let person = state.services.person_get(&page.actor, person_id).await?;
    let stays: Vec<_> = state
        .services
        .key_persons(&page.actor, Some(person.org_id), None)
        .await?
        .into_iter()
        .filter(|k| k.person_id == person_id)
        .collect();
    let plan = state.services.care_plan_of(&page.actor, person_id).await?;
    let today = now().date_naive();
    let line = state
        .services
        .follow_up_board(&page.actor, Some(person.org_id), None, today)
        .await?
        .into_iter()
        .find(|l| l.plan.person_id == person_id);
    let follow_ups = state.services.follow_ups_of(&page.actor, person_id).await?;
    // Readings of the plan's days (or of today), masked unless revealed.
    let from = plan.as_ref().map_or(today, |p| p.starts_on);
    let to = plan.as_ref().and_then(|p| p.ends_on).unwrap_or(today).min(today).max(from);
    let checks: Vec<Value> = state
        .services
        .health_checks(&page.actor, None, Some(person_id), (from, to), false, reveal)
        .await?
        .iter()
        .take(200)
        .map(|v| {
            json!({ "checked_at": v.check.checked_at.format("%Y-%m-%d %H:%M").to_string(),
                "temperature": v.temperature(), "symptoms": v.symptoms(), "abnormal": v.abnormal(), "flag": v.flag(),
                "revealed": v.revealed, "by": v.check.by })
        })
        .collect();
    // Readings the actor's own account entered are shown; others stay masked unless revealed.
    let any_masked = checks.iter().any(|c| c["revealed"] == json!(false));
    let any_shown = checks.iter().any(|c| c["revealed"] == json!(true));
    let cadres = cadre_candidates(state, person.org_id).await?;
    render_status(
        page,
        status,
        "care.html",
        &mut json!({
            "person": { "id": person.id, "name": person.name }, "stays": stays, "plan": plan,
            "state": line.as_ref().map(|l| l.state.label()), "next_due": line.as_ref().and_then(|l| l.next_due),
            "follow_ups": follow_ups, "checks": checks, "revealed": reveal, "cadres": cadres, "today": today,
            "any_masked": any_masked, "any_shown": any_shown,
            "errors": errors, "values": values,
        }),
    )
}

/// People holding a post in the person's org or the org above it (grid
/// workers, community staff): those who may be responsible for a plan.
async fn cadre_candidates(state: &AppState, org_id: i64) -> Result<Vec<Value>, crate::PageError> {
    let store = &state.services.store;
    let mut orgs = vec![org_id];
    if let Some(parent) = store.org_get(org_id).await?.and_then(|o| o.parent_id) {
        orgs.push(parent);
    }
    let mut out: Vec<Value> = Vec::new();
    for org in orgs {
        for m in store.memberships_of_org(org).await? {
            if m.role != "居民" && !out.iter().any(|v| v["id"] == json!(m.person_id)) {
                out.push(
                    json!({ "id": m.person_id, "name": m.person_name, "role": format!("{}{}", m.org_name, m.role) }),
                );
            }
        }
    }
    Ok(out)
}

pub async fn care(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<CareQuery>,
) -> PageResult {
    care_page(&state, &page, id, !q.reveal.is_empty(), StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn care_plan_save(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = CarePlanInput {
        cadre_id: id_of(&f, "cadre_id"),
        measures: one(&f, "measures"),
        every_days: one(&f, "every_days").parse().ok(),
        starts_on: one(&f, "starts_on"),
        ends_on: one(&f, "ends_on"),
    };
    match state.services.care_plan_save(&page.actor, id, &input).await {
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/care/{id}"), super::flash::Flash::Saved)),
        Err(e) => {
            care_page(&state, &page, id, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

pub async fn follow_up_add(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = FollowUpInput { done_on: one(&f, "done_on"), by: one(&f, "by"), findings: one(&f, "findings") };
    match state.services.follow_up_add(&page.actor, id, &input).await {
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/care/{id}"), super::flash::Flash::FollowedUp)),
        Err(e) => {
            care_page(&state, &page, id, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

pub async fn health_check_add(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, f): CsrfForm<Fields>,
) -> PageResult {
    let input = HealthCheckInput {
        checked_at: one(&f, "checked_at").replace('T', " "),
        temperature: one(&f, "temperature"),
        symptoms: one(&f, "symptoms"),
        by: one(&f, "by"),
    };
    match state.services.health_check_add(&page.actor, id, &input).await {
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/care/{id}"), super::flash::Flash::Saved)),
        Err(e) => {
            care_page(&state, &page, id, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

// --- follow-up board, disinfections, daily report ---

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    org_id: String,
    cadre_id: String,
    day: String,
    state: String,
}

pub async fn follow_ups(State(state): State<AppState>, page: PageActor, Query(q): Query<BoardQuery>) -> PageResult {
    let day = day_or_today(&q.day);
    let lines =
        state.services.follow_up_board(&page.actor, q.org_id.parse().ok(), q.cadre_id.parse().ok(), day).await?;
    let wanted = FollowUpState::parse(&q.state);
    let count = |s: FollowUpState| lines.iter().filter(|l| l.state == s).count();
    let counts = json!({ "due_today": count(FollowUpState::DueToday), "overdue": count(FollowUpState::Overdue),
        "done": lines.iter().filter(|l| l.done_today > 0).count() });
    let mut cadres: Vec<(i64, String)> = lines.iter().map(|l| (l.plan.cadre_id, l.plan.cadre_name.clone())).collect();
    cadres.sort();
    cadres.dedup();
    let rows: Vec<Value> = lines
        .iter()
        .filter(|l| wanted.is_none_or(|w| l.state == w))
        .map(|l| {
            json!({ "plan": l.plan, "last_done": l.last_done, "next_due": l.next_due, "state": l.state,
            "state_label": l.state.label(), "done_today": l.done_today })
        })
        .collect();
    let grids = state.services.grids_under(&page.actor, None).await?;
    render(
        &page,
        "follow_ups.html",
        json!({
            "rows": rows, "counts": counts, "day": day, "grids": grids_json(&grids),
            "cadres": cadres.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
            "filter": { "org_id": q.org_id, "cadre_id": q.cadre_id, "state": q.state },
        }),
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RangeQuery {
    org_id: String,
    from: String,
    to: String,
}

async fn disinfections_page(
    state: &AppState,
    page: &PageActor,
    q: &RangeQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let to = day_or_today(&q.to);
    let from = parse_date(&q.from).unwrap_or(to - chrono::Duration::days(30));
    let list = state.services.disinfections(&page.actor, q.org_id.parse().ok(), from, to).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let rows: Vec<Value> = list
        .iter()
        .map(|d| {
            json!({ "d": d, "done_at": d.done_at.format("%Y-%m-%d %H:%M").to_string(),
            "org": orgs.iter().find(|o| o.id == d.org_id).map(|o| o.name.clone()) })
        })
        .collect();
    render_status(
        page,
        status,
        "disinfections.html",
        &mut json!({
            "rows": rows, "from": from, "to": to, "org_id": q.org_id,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn disinfections(State(state): State<AppState>, page: PageActor, Query(q): Query<RangeQuery>) -> PageResult {
    disinfections_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn disinfection_add(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<Fields>) -> PageResult {
    let input = DisinfectionInput {
        org_id: id_of(&f, "org_id"),
        place: one(&f, "place"),
        done_at: one(&f, "done_at").replace('T', " "),
        by: one(&f, "by"),
        agent: one(&f, "agent"),
    };
    match state.services.disinfection_add(&page.actor, &input).await {
        Ok(_) => Ok(super::flash::redirect(&page, "/disinfections", super::flash::Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            disinfections_page(
                &state,
                &page,
                &RangeQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
                values(&f),
            )
            .await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReportQuery {
    org_id: String,
    day: String,
}

pub async fn daily_report(State(state): State<AppState>, page: PageActor, Query(q): Query<ReportQuery>) -> PageResult {
    let day = day_or_today(&q.day);
    let report = state.services.daily_report(&page.actor, q.org_id.parse().ok(), day).await?;
    let line = |l: &taizhang_core::grid::ReportLine| json!({ "l": l, "household_percent": l.coverage.household_percent(), "person_percent": l.coverage.person_percent() });
    let orgs = state.services.org_tree(&page.actor).await?;
    render(
        &page,
        "daily_report.html",
        json!({
            "report": report, "lines": report.lines.iter().map(line).collect::<Vec<_>>(), "total": line(&report.total),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(), "org_id": q.org_id,
        }),
    )
}

pub async fn daily_report_export(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let report = state.services.daily_report(&page.actor, q.org_id.parse().ok(), day_or_today(&q.day)).await?;
    let (name, bytes) = crate::sheets::daily_report_workbook(&report)?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}
