//! Targets (`/targets`): the rules over activities in a period (at least N a
//! week, month or year, with exemption periods), each with its status as of
//! today, and the form to add one.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::error::Problems;
use taizhang_core::input::number_from_text;
use taizhang_core::service::{TargetInput, TargetStatus};

use super::flash::{self, Flash};
use super::{PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

pub(super) fn target_json(s: &TargetStatus) -> Value {
    json!({
        "id": s.target.id, "org_name": s.org_name, "title": s.target.title, "sentence": s.sentence,
        "frequency": s.target.frequency.label(), "min_count": s.target.min_count,
        "attained_so_far": s.evaluation.attained_so_far, "attained": s.evaluation.attained,
        "missed": s.evaluation.missed, "still_needed": s.evaluation.still_needed, "done": s.evaluation.done,
        "behind_pace": s.evaluation.behind_pace,
        "exemptions": s.target.exemptions.iter().map(|e| format!("{}至{}（{}）", e.start, e.end, e.reason)).collect::<Vec<_>>(),
        "buckets": s.evaluation.buckets.iter().map(|b| json!({
            "label": b.label, "state": serde_json::to_value(b.state).unwrap_or_default(), "state_label": b.state.label(),
            "done": b.done,
        })).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize, Default)]
pub struct TargetsQuery {
    year: Option<i32>,
}

async fn targets_page(
    state: &AppState,
    page: &PageActor,
    year: i32,
    status: StatusCode,
    values: Value,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let statuses = state.services.target_statuses(&page.actor, None, Some(year)).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "targets.html",
        &mut json!({
            "year": year, "targets": statuses.iter().map(target_json).collect::<Vec<_>>(),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "kinds": state.services.kinds_for(&page.actor).await?.iter().map(|(v, l)| json!({ "value": v, "label": l })).collect::<Vec<_>>(),
            "values": values, "errors": errors,
        }),
    )
}

pub async fn targets(State(state): State<AppState>, page: PageActor, Query(q): Query<TargetsQuery>) -> PageResult {
    let year = q.year.unwrap_or(now().date_naive().year());
    let values = json!({ "year": year.to_string(), "frequency": "year", "min_count": "1" });
    targets_page(&state, &page, year, StatusCode::OK, values, BTreeMap::new()).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct TargetForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    min_count: String,
    include_subtree: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    exemption_start: String,
    #[serde(default)]
    exemption_end: String,
    #[serde(default)]
    exemption_reason: String,
}

pub async fn target_create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<TargetForm>) -> PageResult {
    // A bad number is the field's error, as in the API; an empty one is
    // refused by the use case.
    let mut problems = Problems::new();
    let year = number_from_text(&mut problems, "year", &form.year).unwrap_or_default();
    let min_count = number_from_text(&mut problems, "min_count", &form.min_count).unwrap_or_default();
    let exemptions = if form.exemption_start.trim().is_empty() && form.exemption_end.trim().is_empty() {
        Vec::new()
    } else {
        vec![taizhang_core::service::ExemptionInput {
            start: form.exemption_start.clone(),
            end: form.exemption_end.clone(),
            reason: form.exemption_reason.clone(),
        }]
    };
    let input = TargetInput {
        org_id: form.org_id.parse().ok(),
        year,
        kind: form.kind.clone(),
        frequency: form.frequency.clone(),
        min_count,
        include_subtree: form.include_subtree.is_some(),
        title: form.title.clone(),
        exemptions,
    };
    let saved = match problems.finish() {
        Ok(()) => state.services.target_create(&page.actor, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(flash::redirect(&page, &format!("/targets?year={year}"), Flash::Saved)),
        Err(e) => {
            let mut errors = form_errors(e)?;
            // The form has one exemption row: show its errors beside it.
            for key in ["start", "end"] {
                if let Some(m) = errors.remove(&format!("exemptions[0].{key}")) {
                    errors.insert(format!("exemption_{key}"), m);
                }
            }
            let shown = if (2000..=2100).contains(&year) { year } else { now().date_naive().year() };
            targets_page(&state, &page, shown, StatusCode::UNPROCESSABLE_ENTITY, json!(form), errors).await
        }
    }
}

pub async fn target_delete(
    State(state): State<AppState>,
    super::PageId(id): super::PageId,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> PageResult {
    state.services.target_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, "/targets", Flash::Deleted))
}
