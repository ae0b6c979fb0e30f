use axum::extract::State;
use serde_json::json;

use super::{PageResult, render};
use crate::AppState;
use crate::auth::PageActor;

pub async fn index(State(state): State<AppState>, page: PageActor) -> PageResult {
    let overview = state.services.overview(&page.actor).await?;
    let kinds: Vec<_> = overview
        .orgs_by_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| json!({ "label": kind.label(), "count": n }))
        .collect();
    render(
        &page,
        "home.html",
        json!({
            "kinds": kinds,
            "people": overview.people,
            "party_members": overview.party_members,
            "users": overview.users,
        }),
    )
}
