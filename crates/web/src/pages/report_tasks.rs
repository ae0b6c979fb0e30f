//! /report-tasks: upward reporting. The tasks an account sees and a form
//! to set one (org admins); a task's matrix of orgs × periods with states,
//! on-time rates and 催报; and one org's submission of a period: figures
//! prefilled from its ledgers (each linked to its records), corrections with
//! reasons, submit, the level above's approve / return / reopen, the thread
//! and what changed since the last round.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use taizhang_core::model::OrgKind;
use taizhang_core::reporting::{Cadence, Preset};
use taizhang_core::service::{Decision, FigureInput, MATRIX_PERIODS, TaskInput};

use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
    fields.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

async fn list_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    mut values: BTreeMap<String, String>,
) -> PageResult {
    for key in ["org_id", "name", "preset", "cadence", "first_period", "last_period", "due_days", "note", "org_kinds"] {
        values.entry(key.to_owned()).or_default();
    }
    let tasks = state.services.report_tasks(&page.actor).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let todo = state.services.todo(&page.actor).await?;
    render_status(
        page,
        status,
        "report_tasks.html",
        &mut json!({
            "tasks": tasks.iter().map(|t| json!({
                "id": t.id, "name": t.name, "cadence": t.cadence.label(), "first_period": t.first_period,
                "last_period": t.last_period, "due_days": t.due_days,
                "kinds": t.org_kinds.iter().map(|k| k.label()).collect::<Vec<_>>(),
                "fields": t.fields.len(),
                "prefilled": taizhang_core::reporting::prefilled_percent(&t.fields),
            })).collect::<Vec<_>>(),
            "todo": todo,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "presets": Preset::ALL.iter().map(|p| json!({ "code": p.as_str(), "name": p.name(),
                "cadence": p.cadence().label() })).collect::<Vec<_>>(),
            "cadences": Cadence::ALL.iter().map(|c| (c.as_str(), c.label())).collect::<Vec<_>>(),
            "kinds": OrgKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect::<Vec<_>>(),
            "errors": errors,
            "values": values,
        }),
    )
}

pub async fn list(State(state): State<AppState>, page: PageActor) -> PageResult {
    list_page(&state, &page, StatusCode::OK, BTreeMap::new(), BTreeMap::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(page, fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let org_id = match field(&fields, "org_id").trim() {
        "" => None,
        t => Some(t.parse::<i64>().unwrap_or(0)),
    };
    let due_days = match field(&fields, "due_days").trim() {
        "" => None,
        t => Some(t.parse::<i64>().unwrap_or(i64::MAX)),
    };
    let input = TaskInput {
        org_id,
        name: field(&fields, "name").to_owned(),
        preset: field(&fields, "preset").to_owned(),
        cadence: field(&fields, "cadence").to_owned(),
        first_period: field(&fields, "first_period").to_owned(),
        last_period: field(&fields, "last_period").to_owned(),
        due_days,
        org_kinds: fields.iter().filter(|(k, _)| k == "org_kinds").map(|(_, v)| v.clone()).collect(),
        fields: Vec::new(),
        attach_summary: None,
        note: field(&fields, "note").to_owned(),
    };
    match state.services.report_task_create(&page.actor, &input).await {
        Ok(task) => {
            Ok(super::flash::redirect(&page, &format!("/report-tasks/{}", task.id), super::flash::Flash::Added))
        }
        Err(e) => {
            let errors = form_errors(e)?;
            let values = ["org_id", "name", "preset", "cadence", "first_period", "last_period", "due_days", "note"]
                .iter()
                .map(|k| ((*k).to_owned(), field(&fields, k).to_owned()))
                .chain(std::iter::once((
                    "org_kinds".to_owned(),
                    fields
                        .iter()
                        .filter(|(k, _)| k == "org_kinds")
                        .map(|(_, v)| v.as_str())
                        .collect::<Vec<_>>()
                        .join(","),
                )))
                .collect();
            list_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, errors, values).await
        }
    }
}

pub async fn matrix(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let m = state.services.report_matrix(&page.actor, id, 12).await?;
    render(&page, "report_task.html", json!({ "m": m, "max_periods": MATRIX_PERIODS }))
}

pub async fn matrix_export(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let (name, bytes) = taizhang_reports::matrix_export(&state.services, &page.actor, id).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// The task, org and period of a submission's path; anything else is not found.
fn key(raw: &(String, String, String)) -> Result<(i64, i64, String), crate::PageError> {
    let not_found = || crate::PageError::from(taizhang_core::Error::NotFound);
    let task = raw.0.parse().map_err(|_| not_found())?;
    let org = raw.1.parse().map_err(|_| not_found())?;
    Ok((task, org, raw.2.clone()))
}

async fn submission_page(
    state: &AppState,
    page: &PageActor,
    (task_id, org_id, period): (i64, i64, String),
    status: StatusCode,
    errors: BTreeMap<String, String>,
    posted: &[(String, String)],
) -> PageResult {
    let view = state.services.submission_view(&page.actor, task_id, org_id, &period).await?;
    let mut view = serde_json::to_value(&view).unwrap_or(Value::Null);
    // Figures as typed, where a save was refused.
    if let Some(lines) = view["lines"].as_array_mut() {
        for line in lines {
            let key = line["field"]["key"].as_str().unwrap_or_default().to_owned();
            for (name, target) in [(format!("value.{key}"), "value"), (format!("reason.{key}"), "reason")] {
                if let Some((_, v)) = posted.iter().find(|(k, _)| *k == name) {
                    line["value"][target] = json!(v);
                }
            }
        }
    }
    let base = format!("/report-tasks/{task_id}/submissions/{org_id}/{period}");
    render_status(page, status, "submission.html", &mut json!({ "v": view, "base": base, "errors": errors }))
}

pub async fn submission(
    State(state): State<AppState>,
    page: PageActor,
    Path(raw): Path<(String, String, String)>,
) -> PageResult {
    submission_page(&state, &page, key(&raw)?, StatusCode::OK, BTreeMap::new(), &[]).await
}

pub async fn submission_export(
    State(state): State<AppState>,
    page: PageActor,
    Path(raw): Path<(String, String, String)>,
) -> PageResult {
    let (task, org, period) = key(&raw)?;
    let (name, bytes) = taizhang_reports::submission_export(&state.services, &page.actor, task, org, &period).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// Every action on a submission posts here with its `action`.
pub async fn submission_post(
    State(state): State<AppState>,
    Path(raw): Path<(String, String, String)>,
    CsrfForm(page, fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (task, org, period) = key(&raw)?;
    let s = &state.services;
    let actor = &page.actor;
    let reason = field(&fields, "reason");
    let result = match field(&fields, "action") {
        "save" | "submit" => {
            let figures: Vec<FigureInput> = fields
                .iter()
                .filter_map(|(k, v)| {
                    let key = k.strip_prefix("value.")?;
                    Some(FigureInput {
                        key: key.to_owned(),
                        value: v.clone(),
                        reason: field(&fields, &format!("reason.{key}")).to_owned(),
                    })
                })
                .collect();
            let submit = field(&fields, "action") == "submit";
            s.submission_save(actor, task, org, &period, &figures, submit).await.map(|_| ())
        }
        "approve" => s.submission_decide(actor, task, org, &period, Decision::Approve, reason).await.map(|_| ()),
        "return" => s.submission_decide(actor, task, org, &period, Decision::Return, reason).await.map(|_| ()),
        "reopen" => s.submission_decide(actor, task, org, &period, Decision::Reopen, reason).await.map(|_| ()),
        "comment" => s.submission_comment(actor, task, org, &period, field(&fields, "text")).await,
        "remind" => s.report_remind(actor, task, org, &period).await,
        _ => Err(taizhang_core::Error::invalid("action", "未知的操作")),
    };
    let back = format!("/report-tasks/{task}/submissions/{org}/{period}");
    match result {
        Ok(()) if field(&fields, "action") == "remind" => {
            Ok(super::flash::redirect(&page, &format!("/report-tasks/{task}"), super::flash::Flash::Saved))
        }
        Ok(()) => Ok(super::flash::redirect(&page, &back, super::flash::Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            submission_page(&state, &page, (task, org, period), StatusCode::UNPROCESSABLE_ENTITY, errors, &fields).await
        }
    }
}

/// The to-do list's part of the home page.
pub async fn todo_json(state: &AppState, page: &PageActor) -> Result<Value, crate::PageError> {
    let items = state.services.todo(&page.actor).await?;
    Ok(serde_json::to_value(items).unwrap_or(Value::Null))
}
