//! /summary/template: an org's own copy of the summary template, edited in
//! the browser with a live preview over the org's records.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::flash::{self, Flash};
use super::{PageResult, form_errors, form_org_id, local_url, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct TemplateQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

#[derive(Deserialize, Default)]
pub struct TemplateForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    source: String,
}

/// The names a template may use, explained (the same for every org).
static GUIDE: std::sync::LazyLock<Vec<taizhang_docs::report::GuideSection>> =
    std::sync::LazyLock::new(taizhang_docs::report::field_guide);

async fn editor(
    state: &AppState,
    page: &PageActor,
    org_id: Option<i64>,
    period: &str,
    source: Option<String>,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let found = state.services.summary_template(&page.actor, org_id).await?;
    let org = match org_id.or(page.actor.org_id) {
        Some(id) => Some(state.services.visible_org(&page.actor, id).await?),
        None => None,
    };
    let orgs = state.services.org_tree(&page.actor).await?;
    let own = found.org_id.is_some() && found.org_id == org.as_ref().map(|o| o.id);
    let kind = org.as_ref().map_or("", |o| o.kind.as_str());
    let source =
        source.or(found.source.clone()).unwrap_or_else(|| taizhang_docs::report::preset_for_kind(kind).to_owned());
    render_status(
        page,
        status,
        "summary_template.html",
        &mut json!({
            "source": source, "own": own, "inherited_from": if own { None } else { found.org_name },
            "org_id": org.as_ref().map(|o| o.id.to_string()).unwrap_or_default(),
            "org_name": org.map(|o| o.name), "period": period, "errors": errors,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "guide": &*GUIDE, "filters": taizhang_docs::report::FILTERS,
        }),
    )
}

pub async fn edit(State(state): State<AppState>, page: PageActor, Query(q): Query<TemplateQuery>) -> PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    editor(&state, &page, q.org_id.parse().ok(), &period, None, StatusCode::OK, BTreeMap::new()).await
}

/// The preview of the source being edited (an htmx fragment): the document,
/// or the error with its line.
pub async fn preview(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<TemplateForm>) -> PageResult {
    let period = super::working_period(&state, &page, &f.period).await?;
    state.services.summary_template_may_edit(&page.actor, f.org_id.parse().ok()).await?;
    let result = crate::reports::render(&state, &page.actor, f.org_id.parse().ok(), &period, Some(&f.source)).await;
    let (html, errors) = match result {
        Ok((doc, _)) => (Some(crate::reports::html(&doc)), BTreeMap::new()),
        Err(e) => (None, form_errors(e)?),
    };
    render(&page, "summary_preview.html", json!({ "preview": html, "errors": errors }))
}

/// Saves the org's own template after rendering it over the org's records:
/// a template that fails is shown again with its error, not saved.
pub async fn save(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<TemplateForm>) -> PageResult {
    let period = super::working_period(&state, &page, &f.period).await?;
    let org_id = match form_org_id(&f.org_id) {
        Ok(id) => id,
        Err(e) => {
            let errors = form_errors(e)?;
            return editor(&state, &page, None, &period, Some(f.source), StatusCode::UNPROCESSABLE_ENTITY, errors)
                .await;
        }
    };
    let checked = crate::reports::render(&state, &page.actor, org_id, &period, Some(&f.source)).await;
    let result = match (checked, org_id.or(page.actor.org_id)) {
        (Ok(_), Some(id)) => state.services.summary_template_set(&page.actor, id, Some(&f.source)).await,
        (Ok(_), None) => Err(taizhang_core::Error::invalid("org_id", "请选择组织")),
        (Err(e), _) => Err(e),
    };
    match result {
        Ok(()) => Ok(flash::redirect(&page, &back(&f.org_id, &period), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            editor(&state, &page, org_id, &period, Some(f.source), StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}

/// Drops the org's own template: back to the inherited one.
pub async fn reset(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<TemplateForm>) -> PageResult {
    let period = super::working_period(&state, &page, &f.period).await?;
    let org_id = match form_org_id(&f.org_id) {
        Ok(id) => id,
        Err(e) => {
            let errors = form_errors(e)?;
            return editor(&state, &page, None, &period, None, StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let Some(id) = org_id.or(page.actor.org_id) else {
        return Err(taizhang_core::Error::invalid("org_id", "请选择组织").into());
    };
    state.services.summary_template_set(&page.actor, id, None).await?;
    Ok(flash::redirect(&page, &back(&f.org_id, &period), Flash::TemplateReset))
}

/// The editor of the org and period a form was sent from.
fn back(org_id: &str, period: &str) -> String {
    local_url("/summary/template", &[("org_id", org_id), ("period", period)])
}
