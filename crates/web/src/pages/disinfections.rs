//! The disinfection log (`/disinfections`): where, when, by whom, with what.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::service::{DisinfectionInput, parse_date};

use super::fields::{Fields, day_or_today, id_of, one, values};
use super::{PageResult, form_errors, org_json, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

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
