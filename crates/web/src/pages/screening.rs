//! Screening (`/screenings`): door-to-door screenings over grids, their
//! coverage, the households of a grid still to visit, and visits recorded with
//! each member's status.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::grid::{PersonStatus, VisitResult};
use taizhang_core::service::{ScreeningInput, VisitInput};

use super::fields::{Fields, id_of, one, statuses_of, values};
use super::{PageId, PageResult, form_errors, grids_json, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

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

/// Households of a screening per page of its list.
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
