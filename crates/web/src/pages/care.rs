//! Key persons and their care: the key groups and who is in them
//! (`/key-persons`), a person's care plan (一人一策, `/people/{id}/care-plan`) with
//! follow-ups and health checks, and the follow-up board (`/follow-ups`).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::error::Problems;
use taizhang_core::grid::FollowUpState;
use taizhang_core::input::number_from_text;
use taizhang_core::service::{CarePlanInput, FollowUpInput, HealthCheckInput, LeaveInput};

use super::fields::{Fields, day_or_today, id_of, one, values};
use super::{PageId, PageResult, form_errors, grids_json, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

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
        Ok(k) => Ok(super::flash::redirect(
            &page,
            &format!("/people/{}/care-plan", k.person_id),
            super::flash::Flash::Released,
        )),
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
    let cadres: Vec<Value> = state
        .services
        .care_plan_candidates(&page.actor, person.org_id)
        .await?
        .into_iter()
        .map(|(id, name, role)| json!({ "id": id, "name": name, "role": role }))
        .collect();
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
    let mut problems = Problems::new();
    let input = CarePlanInput {
        cadre_id: id_of(&f, "cadre_id"),
        measures: one(&f, "measures"),
        every_days: number_from_text(&mut problems, "every_days", &one(&f, "every_days")),
        starts_on: one(&f, "starts_on"),
        ends_on: one(&f, "ends_on"),
    };
    let saved = match problems.finish() {
        Ok(()) => state.services.care_plan_save(&page.actor, id, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/people/{id}/care-plan"), super::flash::Flash::Saved)),
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
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/people/{id}/care-plan"), super::flash::Flash::FollowedUp)),
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
        Ok(_) => Ok(super::flash::redirect(&page, &format!("/people/{id}/care-plan"), super::flash::Flash::Saved)),
        Err(e) => {
            care_page(&state, &page, id, false, StatusCode::UNPROCESSABLE_ENTITY, form_errors(e)?, values(&f)).await
        }
    }
}

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
