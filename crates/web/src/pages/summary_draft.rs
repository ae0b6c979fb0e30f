//! /summary/draft: the generated summary opened as a draft that staff edit
//! in the browser before export. Figures stay linked to their records; an
//! edited figure and records changed since the draft are flagged before
//! export, and a draft can be kept as a version.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use taizhang_docs::report;

use super::flash::{self, Flash};
use super::{PageResult, form_errors, form_org_id, local_url, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

#[derive(Deserialize, Default)]
pub struct DraftQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    format: String,
}

#[derive(Deserialize, Default)]
pub struct DraftForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    markup: String,
    /// "1": keep the saved draft as a version too.
    #[serde(default)]
    keep: String,
}

async fn editor(
    state: &AppState,
    page: &PageActor,
    org_raw: &str,
    period: &str,
    edited: Option<String>,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let org_id = form_org_id(org_raw).ok().flatten();
    let (data, now) = crate::reports::generate(state, &page.actor, org_id, period).await?;
    let draft = state.services.summary_draft(&page.actor, Some(data.org_id), period).await?;
    let (text, warnings, saved_at) = match &draft {
        Some(d) => {
            let text = edited.unwrap_or_else(|| d.markup.clone());
            let warnings = report::draft_warnings(&text, &d.generated, &now);
            let at = d.updated_at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
            (text, warnings, Some(format!("{} {}", at.format("%Y-%m-%d %H:%M"), d.updated_by)))
        }
        None => {
            let text = edited.unwrap_or_else(|| now.clone());
            let warnings = report::draft_warnings(&text, &now, &now);
            (text, warnings, None)
        }
    };
    let preview = crate::reports::html(&report::parse(&text));
    render_status(
        page,
        status,
        "summary_draft.html",
        &mut json!({
            "org_id": org_raw, "org_name": data.org, "period": period, "period_label": data.period_label,
            "markup": text, "warnings": warnings, "saved_at": saved_at, "preview": preview, "errors": errors,
        }),
    )
}

pub async fn edit(State(state): State<AppState>, page: PageActor, Query(q): Query<DraftQuery>) -> PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    editor(&state, &page, &q.org_id, &period, None, StatusCode::OK, BTreeMap::new()).await
}

fn here(org_id: &str, period: &str) -> String {
    local_url("/summary/draft", &[("org_id", org_id), ("period", period)])
}

/// Saves the edited draft (and keeps it as a version when asked).
pub async fn save(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<DraftForm>) -> PageResult {
    let period = super::working_period(&state, &page, &f.period).await?;
    let org_id = match form_org_id(&f.org_id) {
        Ok(id) => id,
        Err(e) => {
            let errors = form_errors(e)?;
            return editor(&state, &page, "", &period, Some(f.markup), StatusCode::UNPROCESSABLE_ENTITY, errors).await;
        }
    };
    let (data, generated) = crate::reports::generate(&state, &page.actor, org_id, &period).await?;
    let saved =
        state.services.summary_draft_save(&page.actor, Some(data.org_id), &period, &f.markup, &generated, &data).await;
    if let Err(e) = saved {
        let errors = form_errors(e)?;
        return editor(&state, &page, &f.org_id, &period, Some(f.markup), StatusCode::UNPROCESSABLE_ENTITY, errors)
            .await;
    }
    if f.keep == "1" {
        let title = report::parse(&f.markup).title;
        let kept = state.services.summary_keep(&page.actor, &data, data.org_id, &title, f.markup.clone()).await?;
        return Ok(flash::redirect(&page, &format!("/summaries/{}", kept.id), Flash::VersionKept));
    }
    Ok(flash::redirect(&page, &here(&f.org_id, &period), Flash::Saved))
}

/// Drops the draft: the page shows the summary as the records give it now.
pub async fn regenerate(State(state): State<AppState>, CsrfForm(page, f): CsrfForm<DraftForm>) -> PageResult {
    let period = super::working_period(&state, &page, &f.period).await?;
    let org_id = form_org_id(&f.org_id).ok().flatten();
    state.services.summary_draft_drop(&page.actor, org_id, &period).await?;
    Ok(flash::redirect(&page, &here(&f.org_id, &period), Flash::Saved))
}

/// The saved draft as a file (DOCX, PDF, HTML or Markdown).
pub async fn download(State(state): State<AppState>, page: PageActor, Query(q): Query<DraftQuery>) -> PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    let format = crate::reports::format(&q.format)?;
    let org_id = form_org_id(&q.org_id).ok().flatten();
    let draft =
        state.services.summary_draft(&page.actor, org_id, &period).await?.ok_or(taizhang_core::Error::NotFound)?;
    Ok(crate::reports::download(&state, report::parse(&draft.markup), format).await?)
}
