//! /responsibility: the chain from the committee down, duties and pledges.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::service::{DutyInput, PledgeInput};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, CsrfMultipart, PageActor};

#[derive(Deserialize, Default)]
pub struct ChainQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    year: String,
}

impl ChainQuery {
    /// With no year asked for: the year of the working period.
    async fn or_working_year(mut self, state: &AppState, page: &PageActor) -> Result<ChainQuery, super::PageError> {
        if self.year.trim().is_empty() {
            let period = super::working_period(state, page, "").await?;
            self.year = period.chars().take(4).collect();
        }
        Ok(self)
    }

    fn year(&self) -> i32 {
        self.year.trim().parse().ok().filter(|y| (2000..=2100).contains(y)).unwrap_or(now().date_naive().year())
    }
}

async fn chain_page(
    state: &AppState,
    page: &PageActor,
    q: &ChainQuery,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let year = q.year();
    let chain = state.services.responsibility_chain(&page.actor, q.org_id.parse().ok(), year).await?;
    let areas = state.services.work_areas_for(&page.actor).await?;
    let area_names = |ids: &[i64]| -> Vec<String> {
        ids.iter().filter_map(|id| areas.iter().find(|a| a.id == *id)).map(|a| a.name.clone()).collect()
    };
    let duty = |d: &taizhang_core::responsibility::Duty| json!({ "id": d.id, "person_name": d.person_name, "post": d.post, "areas": area_names(&d.area_ids) });
    let rows: Vec<Value> = chain
        .iter()
        .map(|l| {
            json!({
                "org": org_json(&l.org), "depth": l.depth,
                "first": l.first_responsible.as_ref().map(duty),
                "others": l.others.iter().map(duty).collect::<Vec<_>>(),
                "pledges": l.pledges, "gaps": l.gaps,
            })
        })
        .collect();
    let gaps = chain.iter().filter(|l| !l.gaps.is_empty()).count();
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "responsibility.html",
        &mut json!({
            "rows": rows, "year": year, "gap_count": gaps, "filter": { "org_id": q.org_id },
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "areas": areas.iter().map(|a| json!({ "id": a.id, "name": a.name })).collect::<Vec<_>>(),
            "errors": errors, "values": values,
        }),
    )
}

pub async fn chain(State(state): State<AppState>, page: PageActor, Query(q): Query<ChainQuery>) -> PageResult {
    let q = q.or_working_year(&state, &page).await?;
    chain_page(&state, &page, &q, StatusCode::OK, BTreeMap::new(), json!({})).await
}

pub async fn export(State(state): State<AppState>, page: PageActor, Query(q): Query<ChainQuery>) -> PageResult {
    let q = q.or_working_year(&state, &page).await?;
    let (name, bytes) =
        crate::sheets::responsibility_export(&state.services, &page.actor, q.org_id.parse().ok(), q.year()).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

#[derive(Deserialize, Default)]
pub struct PeopleQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    name: String,
}

/// The people of an org as a select (swapped in by htmx when the org changes).
pub async fn people(State(state): State<AppState>, page: PageActor, Query(q): Query<PeopleQuery>) -> PageResult {
    let people = super::attendance::candidates(&state, &page, q.org_id.parse().ok()).await?;
    let name = if q.name.is_empty() { "person_id".to_owned() } else { q.name };
    render(&page, "person_select.html", json!({ "people": people, "name": name, "selected": "" }))
}

#[derive(Deserialize, Serialize, Default)]
pub struct DutyForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    post: String,
    #[serde(default)]
    first_responsible: String,
    #[serde(default)]
    area_ids: Vec<String>,
}

pub async fn duty_create(
    State(state): State<AppState>,
    CsrfForm(page, form): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let one = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let values = DutyForm {
        org_id: one("org_id"),
        person_id: one("person_id"),
        post: one("post"),
        first_responsible: one("first_responsible"),
        area_ids: form.iter().filter(|(k, _)| k == "area_ids").map(|(_, v)| v.clone()).collect(),
    };
    let input = DutyInput {
        org_id: values.org_id.parse().ok(),
        person_id: values.person_id.parse().ok(),
        post: values.post.clone(),
        first_responsible: !values.first_responsible.is_empty(),
        area_ids: values.area_ids.iter().filter_map(|v| v.parse().ok()).collect(),
    };
    match state.services.duty_save(&page.actor, None, &input).await {
        Ok(_) => Ok(flash::redirect(&page, "/responsibility", Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            let q = ChainQuery::default();
            chain_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({ "duty": values })).await
        }
    }
}

pub async fn duty_delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, _): CsrfForm<Value>,
) -> PageResult {
    state.services.duty_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, "/responsibility", Flash::Deleted))
}

/// A pledge with its signed scan (multipart).
pub async fn pledge_create(State(state): State<AppState>, CsrfMultipart(page, parts): CsrfMultipart) -> PageResult {
    let text = |name: &str| crate::auth::text_field(&parts, name);
    let values = json!({
        "org_id": text("org_id"), "year": text("year"), "signer_id": text("signer_id"),
        "counterpart": text("counterpart"), "signed_on": text("signed_on"), "duties": text("duties"),
    });
    let input = PledgeInput {
        org_id: text("org_id").parse().ok(),
        year: text("year").parse().ok(),
        signer_id: text("signer_id").parse().ok(),
        counterpart: text("counterpart"),
        signed_on: text("signed_on"),
        duties: text("duties"),
    };
    let scan = crate::auth::file_field(&parts, "scan");
    match state.services.pledge_create(&page.actor, &input, scan).await {
        Ok(p) => Ok(flash::redirect(&page, &format!("/responsibility?year={}", p.year), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            let q = ChainQuery { year: text("year"), ..Default::default() };
            chain_page(&state, &page, &q, StatusCode::UNPROCESSABLE_ENTITY, errors, json!({ "pledge": values })).await
        }
    }
}

pub async fn pledge_scan(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let (a, bytes) = state.services.pledge_scan(&page.actor, id).await?;
    Ok(crate::evidence::attachment_response(&a, bytes))
}
