//! Volunteer hours (`/volunteer-hours`): per volunteer, the activities and
//! service hours of a period.

use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::json;

use super::org_json;
use crate::AppState;
use crate::auth::PageActor;

#[derive(Deserialize, Default)]
pub struct VolunteerQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

pub async fn volunteers(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<VolunteerQuery>,
) -> super::PageResult {
    let period = super::working_period(&state, &page, &q.period).await?;
    let rows = state.services.volunteer_hours(&page.actor, q.org_id.parse().ok(), &period).await?;
    let total: f64 = rows.iter().map(|r| r.3).sum();
    let orgs = state.services.org_tree(&page.actor).await?;
    super::render(
        &page,
        "volunteers.html",
        json!({
            "rows": rows.iter().map(|(id, name, n, h)| json!({ "id": id, "name": name, "activities": n, "hours": h })).collect::<Vec<_>>(),
            "total": total, "period": period, "org_id": q.org_id,
            "orgs": orgs.iter().map(org_json).collect::<Vec<_>>(),
        }),
    )
}
