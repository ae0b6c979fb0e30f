use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use taizhang_core::model::{ListArgs, MEMBERSHIP_ROLES};
use taizhang_core::service::{PersonInput, PersonPatch, PersonView};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

pub const PER_PAGE: u32 = 50;

fn person_json(v: &PersonView) -> Value {
    let p = &v.person;
    json!({
        "id": p.id,
        "org_id": p.org_id,
        "name": p.name,
        "gender": p.gender.map(|g| g.label()),
        "birth_date": p.birth_date,
        "id_number": v.id_number,
        "mobile": v.mobile,
        "party_member": p.party_member,
        "notes": p.notes,
        "revealed": v.revealed,
    })
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    org_id: Option<String>,
    page: Option<u32>,
    after: Option<String>,
    #[serde(default)]
    exact_total: bool,
}

pub async fn list(State(state): State<AppState>, page: PageActor, Query(query): Query<ListQuery>) -> PageResult {
    let org_id = query.org_id.as_deref().and_then(|s| s.parse().ok());
    let current = query.page.unwrap_or(1).max(1);
    let args =
        ListArgs { page: current, per_page: PER_PAGE, after: query.after.clone(), exact_total: query.exact_total };
    let result = state.services.person_list(&page.actor, &query.q, org_id, &args).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    let names: BTreeMap<i64, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let people: Vec<Value> = result
        .items
        .iter()
        .map(|v| {
            let mut p = person_json(v);
            p["org_name"] = json!(names.get(&v.person.org_id));
            p
        })
        .collect();
    render(
        &page,
        "people.html",
        json!({
            "people": people, "total": result.total, "total_exact": result.total_exact, "page": current,
            "pages": result.pages(), "next": result.next, "exact_total": query.exact_total,
            "q": query.q, "org_id": org_id, "orgs": orgs.iter().map(org_json).collect::<Vec<_>>(),
        }),
    )
}

/// The person form as posted; the checkbox arrives as "on" or not at all.
#[derive(Deserialize, Serialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    mobile: String,
    party_member: Option<String>,
    #[serde(default)]
    notes: String,
}

impl PersonForm {
    fn input(&self) -> PersonInput {
        PersonInput {
            org_id: self.org_id.trim().parse().ok(),
            name: self.name.clone(),
            gender: self.gender.clone(),
            birth_date: self.birth_date.clone(),
            id_number: self.id_number.clone(),
            mobile: self.mobile.clone(),
            party_member: self.party_member.is_some(),
            notes: self.notes.clone(),
        }
    }
}

async fn form_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    person_id: Option<i64>,
    values: Value,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "person_form.html",
        &mut json!({
            "person_id": person_id, "values": values, "errors": errors,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
        }),
    )
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    org_id: Option<String>,
}

pub async fn new_form(State(state): State<AppState>, page: PageActor, Query(q): Query<NewQuery>) -> PageResult {
    let values = json!({ "org_id": q.org_id.unwrap_or_default(), "party_member": null });
    form_page(&state, &page, StatusCode::OK, None, values, BTreeMap::new()).await
}

pub async fn create(State(state): State<AppState>, CsrfForm(page, form): CsrfForm<PersonForm>) -> PageResult {
    match state.services.person_create(&page.actor, &form.input()).await {
        Ok(person) => Ok(flash::redirect(&page, &format!("/people/{}", person.id), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, None, json!(form), errors).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    reveal: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    page: PageActor,
    PageId(id): PageId,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    let reveal = q.reveal.is_some();
    person_page(&state, &page, id, reveal, StatusCode::OK, BTreeMap::new(), json!({})).await
}

/// The person's page with memberships and the form to add one.
async fn person_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    reveal: bool,
    status: StatusCode,
    errors: BTreeMap<String, String>,
    values: Value,
) -> PageResult {
    let view = state.services.person_view(&page.actor, id, reveal).await?;
    let memberships: Vec<Value> = state
        .services
        .memberships_of_person(&page.actor, id)
        .await?
        .into_iter()
        .map(|m| json!({ "id": m.id, "org_id": m.org_id, "org_name": m.org_name, "role": m.role, "started_on": m.started_on }))
        .collect();
    let org = state.services.visible_org(&page.actor, view.person.org_id).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    render_status(
        page,
        status,
        "person.html",
        &mut json!({
            "person": person_json(&view), "org": org_json(&org), "memberships": memberships,
            "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
            "roles": MEMBERSHIP_ROLES, "errors": errors, "values": values,
        }),
    )
}

pub async fn edit_form(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    // Editing shows the full values: it needs the personal-data permission
    // for them, and is audited like any unmasked view.
    let view = state.services.person_view(&page.actor, id, page.actor.can_view_personal).await?;
    let p = &view.person;
    let values = json!({
        "org_id": p.org_id.to_string(), "name": p.name, "gender": p.gender.map(|g| g.label()).unwrap_or_default(),
        "birth_date": p.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        "id_number": if view.revealed { view.id_number.clone().unwrap_or_default() } else { String::new() },
        "mobile": if view.revealed { view.mobile.clone().unwrap_or_default() } else { String::new() },
        "party_member": p.party_member.then_some("on"), "notes": p.notes,
        "masked": !view.revealed,
        "masked_id_number": view.id_number, "masked_mobile": view.mobile,
    });
    form_page(&state, &page, StatusCode::OK, Some(id), values, BTreeMap::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<PersonForm>,
) -> PageResult {
    let input = form.input();
    // Without the permission the form cannot show ID number and mobile:
    // left empty, they keep their values.
    let hidden = |value: String| (page.actor.can_view_personal || !value.trim().is_empty()).then_some(value);
    let patch = PersonPatch {
        org_id: input.org_id,
        name: Some(input.name),
        gender: Some(input.gender),
        birth_date: Some(input.birth_date),
        id_number: hidden(input.id_number),
        mobile: hidden(input.mobile),
        party_member: Some(input.party_member),
        notes: Some(input.notes),
    };
    match state.services.person_patch(&page.actor, id, patch).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/people/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, Some(id), json!(form), errors).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> PageResult {
    state.services.person_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, "/people", Flash::Deleted))
}

#[derive(Deserialize, Serialize)]
pub struct MembershipForm {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    note: String,
}

pub async fn add_membership(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<MembershipForm>,
) -> PageResult {
    let result = state
        .services
        .membership_create(&page.actor, Some(id), form.org_id.parse().ok(), &form.role, &form.started_on, &form.note)
        .await;
    match result {
        Ok(_) => Ok(flash::redirect(&page, &format!("/people/{id}"), Flash::Added)),
        Err(e) => {
            let errors = form_errors(e)?;
            person_page(&state, &page, id, false, StatusCode::UNPROCESSABLE_ENTITY, errors, json!(form)).await
        }
    }
}

pub async fn remove_membership(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> PageResult {
    let m = state.services.membership_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, &format!("/people/{}", m.person_id), Flash::Removed))
}
