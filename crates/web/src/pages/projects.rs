//! /projects: projects, milestones, dated progress and its chart.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::project::Project;
use taizhang_core::service::{MeasureInput, MilestoneInput, ProgressInput, ProjectInput};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfMultipart, PageActor};

#[derive(Deserialize, Default)]
pub struct ProjectQuery {
    #[serde(default)]
    org_id: String,
}

/// The progress over time as polyline points in a 600×200 box: x by date
/// from the start (or first update) to the last update, y by percent.
fn chart(p: &Project) -> Value {
    let (Some(first), Some(last)) = (p.updates.first(), p.updates.last()) else { return Value::Null };
    let start = p.started_on.unwrap_or(first.date).min(first.date);
    let span = (last.date - start).num_days().max(1) as f64;
    let mut points = vec![(0.0, 200.0)];
    points.extend(p.updates.iter().map(|u| {
        let x = (u.date - start).num_days() as f64 / span * 600.0;
        (x, 200.0 - f64::from(u.percent) * 2.0)
    }));
    json!({
        "points": points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" "),
        "dots": p.updates.iter().zip(points.iter().skip(1)).map(|(u, (x, y))| json!({
            "x": format!("{x:.1}"), "y": format!("{y:.1}"), "label": format!("{} {}%", u.date, u.percent),
        })).collect::<Vec<_>>(),
        "start": start.to_string(), "end": last.date.to_string(),
    })
}

fn project_json(p: &Project) -> Value {
    let today = now().date_naive();
    json!({
        "project": p, "percent": p.progress_at(today), "status": p.status_at(today).label(), "chart": chart(p),
        "measures": p.measures.iter().map(|m| format!("{}{}{}", m.name, measure_text(m.value), m.unit)).collect::<Vec<_>>(),
    })
}

/// The categories already in use, for the form's suggestions.
fn categories(projects: &[Project]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in projects {
        if !p.category.is_empty() && !out.contains(&p.category) {
            out.push(p.category.clone());
        }
    }
    out
}

/// A measure's value as people write it: 5200, 3.5.
fn measure_text(value: f64) -> String {
    let s = format!("{value:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

async fn list_page(
    state: &AppState,
    page: &PageActor,
    q: &ProjectQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let projects = state.services.project_list(&page.actor, q.org_id.parse().ok()).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "projects.html",
        &mut json!({
            "rows": projects.iter().map(project_json).collect::<Vec<_>>(), "filter": { "org_id": q.org_id },
            "categories": categories(&projects),
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn list(State(state): State<AppState>, page: PageActor, Query(q): Query<ProjectQuery>) -> PageResult {
    list_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn export(State(state): State<AppState>, page: PageActor, Query(q): Query<ProjectQuery>) -> PageResult {
    let (name, bytes) = crate::sheets::projects_export(&state.services, &page.actor, q.org_id.parse().ok()).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

/// The project form: fields, measure rows `measure_name`, `measure_value` and
/// `measure_unit`, then milestone rows `milestone_id`, `milestone_name` and
/// `milestone_done_on` in order (a new row has an empty id).
fn project_input(form: &[(String, String)]) -> (ProjectInput, Value) {
    let one = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let all = |name: &str| form.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let (ids, names, dones) = (all("milestone_id"), all("milestone_name"), all("milestone_done_on"));
    let milestones: Vec<MilestoneInput> = names
        .iter()
        .enumerate()
        .map(|(i, name)| MilestoneInput {
            id: ids.get(i).and_then(|v| v.parse().ok()),
            name: name.clone(),
            done_on: dones.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let (m_names, m_values, m_units) = (all("measure_name"), all("measure_value"), all("measure_unit"));
    let measures: Vec<MeasureInput> = m_names
        .iter()
        .enumerate()
        .map(|(i, name)| MeasureInput {
            name: name.clone(),
            value: m_values.get(i).cloned().unwrap_or_default(),
            unit: m_units.get(i).cloned().unwrap_or_default(),
        })
        .filter(|m| !(m.name.trim().is_empty() && m.value.trim().is_empty() && m.unit.trim().is_empty()))
        .collect();
    let values = json!({
        "org_id": one("org_id"), "name": one("name"), "category": one("category"), "description": one("description"),
        "started_on": one("started_on"),
        "measures": measures.iter().map(|m| json!({ "name": m.name, "value": m.value, "unit": m.unit })).collect::<Vec<_>>(),
        "milestones": milestones.iter().map(|m| json!({ "id": m.id, "name": m.name, "done_on": m.done_on })).collect::<Vec<_>>(),
    });
    let input = ProjectInput {
        org_id: one("org_id").parse().ok(),
        name: one("name"),
        category: one("category"),
        description: one("description"),
        started_on: one("started_on"),
        measures,
        milestones,
    };
    (input, values)
}

pub async fn create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (input, values) = project_input(&form);
    match state.services.project_save(&page.actor, None, &input).await {
        Ok(p) => Ok(flash::redirect(&page, &format!("/projects/{}", p.id), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            list_page(&state, &page, &ProjectQuery::default(), StatusCode::UNPROCESSABLE_ENTITY, errors, values).await
        }
    }
}

async fn show_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let p = state.services.project_get(&page.actor, id).await?;
    let org = state.services.visible_org(&page.actor, p.org_id).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let on = values.get("on").and_then(Value::as_str).and_then(taizhang_core::service::parse_date);
    let reading = on.map(|day| json!({ "on": day.to_string(), "percent": p.progress_at(day) }));
    let values = if on.is_some() { Value::Null } else { values };
    let form = if values.is_null() {
        json!({
            "org_id": p.org_id.to_string(), "name": p.name, "category": p.category, "description": p.description,
            "started_on": p.started_on.map(|d| d.to_string()),
            "measures": p.measures.iter().map(|m| json!({ "name": m.name, "value": measure_text(m.value), "unit": m.unit })).collect::<Vec<_>>(),
            "milestones": p.milestones.iter().map(|m| json!({ "id": m.id, "name": m.name, "done_on": m.done_on.map(|d| d.to_string()) })).collect::<Vec<_>>(),
        })
    } else {
        values
    };
    render_status(
        page,
        status,
        "project.html",
        &mut json!({
            "row": project_json(&p), "org_name": org.name, "reading": reading,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "values": form, "errors": errors,
            "categories": categories(&state.services.project_list(&page.actor, None).await?),
        }),
    )
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    #[serde(default)]
    on: String,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let mut errors = BTreeMap::new();
    let on = match q.on.trim() {
        "" => None,
        s => {
            let day = taizhang_core::service::parse_date(s);
            if day.is_none() {
                errors.insert("on".to_owned(), "日期格式应为“2020-07-10”".to_owned());
            }
            day
        }
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let values = match on {
        Some(day) => json!({ "on": day.to_string() }),
        None => Value::Null,
    };
    show_page(&state, &page, id, status, errors, values).await
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (input, values) = project_input(&form);
    match state.services.project_save(&page.actor, Some(id), &input).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/projects/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors, values).await
        }
    }
}

/// A progress update with an optional photo (multipart).
pub async fn progress_add(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfMultipart(page, parts): CsrfMultipart,
) -> PageResult {
    let text = |name: &str| crate::auth::text_field(&parts, name);
    let input =
        ProgressInput { date: text("date"), percent: text("percent"), note: text("note"), reason: text("reason") };
    let photo = crate::auth::file_field(&parts, "photo");
    match state.services.progress_add(&page.actor, id, &input, photo).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/projects/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?.into_iter().map(|(k, v)| (format!("progress.{k}"), v)).collect();
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors, Value::Null).await
        }
    }
}

#[derive(Deserialize)]
pub struct PhotoPath {
    id: String,
    update_id: String,
}

pub async fn progress_photo(
    State(state): State<AppState>,
    page: PageActor,
    axum::extract::Path(path): axum::extract::Path<PhotoPath>,
) -> PageResult {
    let (Ok(id), Ok(update_id)) = (path.id.parse(), path.update_id.parse()) else {
        return Err(taizhang_core::Error::NotFound.into());
    };
    let (a, bytes) = state.services.progress_photo(&page.actor, id, update_id).await?;
    Ok(crate::evidence::attachment_response(&a, bytes))
}
