use axum::extract::State;
use serde_json::{Value, json};
use taizhang_core::auth::now;

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
    // A grid worker's day: what is due, what is left to visit, what was abnormal.
    let work = if page.grid_worker { Some(work_today(&state, &page).await?) } else { None };
    let todo = super::report_tasks::todo_json(&state, &page).await?;
    render(
        &page,
        "home.html",
        json!({
            "kinds": kinds,
            "people": overview.people,
            "party_members": overview.party_members,
            "users": overview.users,
            "work": work,
            "todo": todo,
        }),
    )
}

async fn work_today(state: &AppState, page: &PageActor) -> Result<Value, crate::PageError> {
    let w = state.services.work_today(&page.actor, now().date_naive()).await?;
    let person = |l: &taizhang_core::service::FollowUpLine| {
        let (id, name) = (l.plan.person_id, &l.plan.person_name);
        json!({ "person_id": id, "name": name, "next_due": l.next_due })
    };
    Ok(json!({
        "day": w.day,
        "due_today": w.due_today.iter().map(person).collect::<Vec<_>>(),
        "overdue": w.overdue.iter().map(person).collect::<Vec<_>>(),
        "screenings": w.screenings.iter().map(|s| json!({ "id": s.screening.id, "name": s.screening.name,
            "ends_on": s.screening.ends_on, "households": s.households, "unvisited": s.unvisited })).collect::<Vec<_>>(),
        "abnormal": w.abnormal.iter().map(|v| json!({ "person_id": v.check.person_id, "name": v.check.person_name,
            "checked_at": v.check.checked_at.format("%m-%d %H:%M").to_string(), "temperature": v.temperature(),
            "flag": v.flag() })).collect::<Vec<_>>(),
    }))
}
