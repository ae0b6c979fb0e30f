//! Activity records (`/activities`): the ledger's list with its filters, a
//! record's page, and the record form (new, copied, edited) with the sections
//! of its kind; deleting and marking as reported.

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::ledger::{
    ADDED_KIND_SECTIONS, Activity, Attendance, CHANNELS, Section, channel_label, form_date, form_sections, kind_name,
};
use taizhang_core::service::{ActivityFilter, ActivityInput, ParticipantInput};

use super::flash::{self, Flash};
use super::{PageId, PageResult, form_errors, org_json, render, render_status};
use crate::AppState;
use crate::auth::{CsrfForm, PageActor};

/// Choices every activity page offers.
async fn choices(state: &AppState, page: &PageActor) -> Result<Value, crate::PageError> {
    let orgs = state.services.org_tree(&page.actor).await?;
    let areas = state.services.work_areas_for(&page.actor).await?;
    let campaigns = state.services.campaigns(&page.actor).await?;
    let kinds = state.services.kinds_for(&page.actor).await?;
    Ok(json!({
        "orgs": orgs.iter().filter(|o| !o.is_closed()).map(org_json).collect::<Vec<_>>(),
        "kinds": kinds.iter().map(|(v, l)| json!({ "value": v, "label": l })).collect::<Vec<_>>(),
        "section_table": section_table(&kinds).to_string(),
        "channels": CHANNELS.iter().map(|(v, l)| json!({ "value": v, "label": l })).collect::<Vec<_>>(),
        "areas": areas.iter().map(|a| json!({ "id": a.id, "name": a.name, "sub": a.parent_id.is_some() })).collect::<Vec<_>>(),
        "campaigns": campaigns.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    campaign_id: String,
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    q: String,
    unreported: Option<String>,
    without_evidence: Option<String>,
    #[serde(default)]
    ids: String,
    page: Option<u32>,
    after: Option<String>,
}

impl ListQuery {
    pub(super) fn filter(&self) -> ActivityFilter {
        ActivityFilter {
            org_id: self.org_id.parse().ok(),
            kind: Some(self.kind.clone()).filter(|k| !k.is_empty()),
            campaign_id: self.campaign_id.parse().ok(),
            period: Some(self.period.clone()),
            q: self.q.clone(),
            unreported: self.unreported.is_some(),
            without_evidence: self.without_evidence.is_some(),
            ids: self.ids.clone(),
            page: self.page,
            per_page: Some(50),
            after: self.after.clone(),
            ..Default::default()
        }
    }
}

pub async fn list(State(state): State<AppState>, page: PageActor, Query(q): Query<ListQuery>) -> PageResult {
    let filter = q.filter();
    let result = state.services.activity_list(&page.actor, &filter).await?;
    let rows: Vec<Value> = result
        .items
        .iter()
        .map(|r| {
            json!({
                "id": r.id, "date": r.date, "title": r.title, "org_name": r.org_name, "place": r.place, "host": r.host,
                "kind": kind_name(&r.kind), "reported_on": r.reported_on,
                "volunteer": r.kind == "volunteer_activity", "evidence": r.evidence_count, "image": r.first_image,
            })
        })
        .collect();
    let mut context = choices(&state, &page).await?;
    context["rows"] = json!(rows);
    context["total"] = json!(result.total);
    context["page"] = json!(result.page);
    context["pages"] = json!(result.pages());
    context["next"] = json!(result.next);
    context["filter"] = json!({
        "period": q.period, "kind": q.kind, "campaign_id": q.campaign_id, "org_id": q.org_id, "q": q.q,
        "unreported": q.unreported.is_some(), "without_evidence": q.without_evidence.is_some(),
        "ids": q.ids,
    });
    render(&page, "activities.html", context)
}

fn activity_json(
    a: &Activity,
    areas: &[taizhang_core::ledger::WorkArea],
    campaigns: &[taizhang_core::ledger::Campaign],
) -> Value {
    let f = &a.fields;
    json!({
        "id": a.id, "org_id": f.org_id, "kind": f.kind, "kind_label": kind_name(&f.kind),
        "title": f.title, "summary": f.summary, "place": f.place, "date": f.date, "start_time": f.start_time,
        "host": f.host, "others_count": f.others_count, "present": f.present_count(), "service_hours": f.service_hours(),
        "expected": f.expected_count(), "attended": f.attendance_count(Attendance::Present),
        "on_leave": f.attendance_count(Attendance::Leave), "absent": f.attendance_count(Attendance::Absent),
        "area": f.work_area_id.and_then(|id| areas.iter().find(|x| x.id == id)).map(|x| x.name.clone()),
        "campaign": f.campaign_id.and_then(|id| campaigns.iter().find(|x| x.id == id)).map(|x| x.name.clone()),
        "channels": f.channels.iter().map(|c| channel_label(c).unwrap_or(c)).collect::<Vec<_>>(),
        "quantities": f.quantities, "role_models": f.role_models, "materials": f.materials,
        "reported_on": f.reported_on, "reported_by": f.reported_by,
        "participants": f.participants.iter().map(|p| json!({
            "person_id": p.person_id, "name": p.person_name, "attendance": p.attendance.label(),
            "leave_reason": p.leave_reason, "hours": p.hours,
        })).collect::<Vec<_>>(),
    })
}

pub async fn show(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    show_page(&state, &page, id, StatusCode::OK, BTreeMap::new()).await
}

pub(super) async fn show_page(
    state: &AppState,
    page: &PageActor,
    id: i64,
    status: StatusCode,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let activity = state.services.activity_get(&page.actor, id).await?;
    let org = state.services.visible_org(&page.actor, activity.fields.org_id).await?;
    let areas = state.services.work_areas_for(&page.actor).await?;
    let campaigns = state.services.campaigns(&page.actor).await?;
    let evidence: Vec<Value> = state
        .services
        .evidence_list(&page.actor, id)
        .await?
        .iter()
        .map(|e| {
            json!({ "id": e.id, "name": e.file_name, "image": e.has_thumbnail, "size_kb": e.size.div_ceil(1024),
                    "by": e.created_by })
        })
        .collect();
    render_status(
        page,
        status,
        "activity.html",
        &mut json!({
            "a": activity_json(&activity, &areas, &campaigns), "org": org_json(&org), "errors": errors,
            "evidence": evidence,
        }),
    )
}

/// The form's sections for its script (as JSON in an attribute): for every kind offered, "" (none
/// chosen) and "*" (a kind added since the page was made), the names of the
/// sections [`form_sections`] gives it.
fn section_table(kinds: &[(String, String)]) -> Value {
    let names = |s: &[Section]| s.iter().map(|s| s.as_str()).collect::<Vec<_>>();
    let mut table = serde_json::Map::new();
    table.insert(String::new(), json!(names(form_sections(""))));
    table.insert("*".to_owned(), json!(names(ADDED_KIND_SECTIONS)));
    for (code, _) in kinds {
        table.insert(code.clone(), json!(names(form_sections(code))));
    }
    Value::Object(table)
}

/// The sections shown when the page is made: those of the kind, and any
/// holding data (a record whose kind changed keeps its data in sight).
pub(super) fn shown_sections(input: &ActivityInput) -> Value {
    let wanted = form_sections(input.kind.trim());
    let filled = input.sections_with_data();
    Section::ALL.iter().map(|s| (s.as_str().to_owned(), json!(wanted.contains(s) || filled.contains(s)))).collect()
}

/// What the form posted, as the service's input, and as typed for showing
/// again. `me` is the signed-in person's name the form offers as 上报人: left
/// as offered without a 上报日期, it is a suggestion, not a reporter.
fn input_from_form(fields: &[(String, String)], me: &str) -> (ActivityInput, Value) {
    let one = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let all = |name: &str| fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let number = |name: &str| one(name).parse::<u32>().unwrap_or(0);
    let participants: Vec<ParticipantInput> = all("person")
        .iter()
        .map(|id| ParticipantInput {
            person_id: id.parse().ok(),
            attendance: one(&format!("attendance_{id}")),
            leave_reason: one(&format!("leave_reason_{id}")),
            hours: one(&format!("hours_{id}")).parse().ok(),
        })
        .collect();
    let mut input = ActivityInput {
        org_id: one("org_id").parse().ok(),
        kind: one("kind"),
        work_area_id: one("work_area_id").parse().ok(),
        title: one("title"),
        summary: one("summary"),
        place: one("place"),
        date: one("date"),
        start_time: one("start_time"),
        host: one("host"),
        participants,
        others_count: number("others_count"),
        campaign_id: one("campaign_id").parse().ok(),
        channels: all("channels"),
        banners: number("banners"),
        boards: number("boards"),
        posts: number("posts"),
        reached: number("reached"),
        role_models: vec![one("role_models")],
        materials: one("materials").lines().map(str::to_owned).collect(),
        reported_on: one("reported_on"),
        reported_by: one("reported_by"),
    };
    let values = json!({
        "org_id": one("org_id"), "kind": input.kind, "work_area_id": one("work_area_id"), "title": input.title,
        "summary": input.summary, "place": input.place, "date": input.date, "start_time": input.start_time,
        "host": input.host, "others_count": one("others_count"), "campaign_id": one("campaign_id"),
        "channels": input.channels, "banners": one("banners"), "boards": one("boards"), "posts": one("posts"),
        "reached": one("reached"), "role_models": one("role_models"), "materials": one("materials"),
        "reported_on": input.reported_on, "reported_by": input.reported_by,
        "chosen": super::attendance::chosen_json(&input.participants),
    });
    if input.reported_on.is_empty() && !me.is_empty() && input.reported_by == me {
        input.reported_by.clear();
    }
    (input, values)
}

/// A record's input as the form shows it (editing, or a copy to start from).
fn values_of(input: &ActivityInput) -> Value {
    let count = |n: u32| if n == 0 { String::new() } else { n.to_string() };
    json!({
        "org_id": input.org_id.map(|x| x.to_string()).unwrap_or_default(), "kind": input.kind,
        "work_area_id": input.work_area_id.map(|x| x.to_string()), "title": input.title, "summary": input.summary,
        "place": input.place, "date": input.date, "start_time": input.start_time, "host": input.host,
        "others_count": count(input.others_count), "campaign_id": input.campaign_id.map(|x| x.to_string()),
        "channels": input.channels, "banners": count(input.banners), "boards": count(input.boards),
        "posts": count(input.posts), "reached": count(input.reached), "role_models": input.role_models.join("、"),
        "materials": input.materials.join("\n"), "reported_on": input.reported_on, "reported_by": input.reported_by,
        "chosen": super::attendance::chosen_json(&input.participants),
    })
}

/// The form, new or editing: `input` decides the sections shown and the
/// counts, `values` are shown in the fields (with the notices `copied`,
/// `copy_missing` and `photos_again`).
async fn form_page(
    state: &AppState,
    page: &PageActor,
    status: StatusCode,
    id: Option<i64>,
    input: &ActivityInput,
    values: Value,
    errors: BTreeMap<String, String>,
) -> PageResult {
    let mut context = choices(state, page).await?;
    let (people, presets) = super::attendance::picker(state, page, input.org_id, input.kind.trim()).await?;
    context["people"] = json!(people);
    context["presets"] = json!(presets);
    context["chosen"] = values["chosen"].clone();
    context["show"] = shown_sections(input);
    context["counts"] = super::attendance::attendance_counts(&input.participants);
    context["activity_id"] = json!(id);
    let mut values = values;
    for note in ["copied", "copy_missing", "photos_again"] {
        if values.get(note).is_none() {
            values[note] = Value::Null;
        }
    }
    context["values"] = values;
    context["errors"] = json!(errors);
    render_status(page, status, "activity_form.html", &mut context)
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    kind: String,
    /// "last": start from the last record of the kind this account entered;
    /// a record's id: start from that record.
    #[serde(default)]
    copy: String,
}

pub async fn new_form(State(state): State<AppState>, page: PageActor, Query(q): Query<NewQuery>) -> PageResult {
    let mut notes = serde_json::Map::new();
    let mut input = ActivityInput::default();
    if !q.copy.is_empty() {
        let source = match q.copy.as_str() {
            "last" => state.services.activity_last_entered(&page.actor, &q.kind).await?,
            raw => match raw.parse::<i64>() {
                Ok(id) => Some(state.services.activity_get(&page.actor, id).await?),
                Err(_) => None,
            },
        };
        match source {
            Some(a) => {
                input = ActivityInput::copied_from(&a.fields);
                notes.insert("copied".into(), json!({ "id": a.id, "title": a.fields.title, "date": a.fields.date }));
            }
            None => {
                notes.insert("copy_missing".into(), json!(true));
            }
        }
    }
    if input.org_id.is_none() {
        input.org_id = q.org_id.parse().ok().or(page.actor.org_id);
    }
    if input.kind.is_empty() {
        input.kind = q.kind;
    }
    input.date = default_date(&state, &page).await?.to_string();
    let mut values = values_of(&input);
    values["reported_by"] = json!(page.actor.display_name);
    for (k, v) in notes {
        values[k.as_str()] = v;
    }
    form_page(&state, &page, StatusCode::OK, None, &input, values, BTreeMap::new()).await
}

/// A new record's date: today within the working period, else the period's last day.
async fn default_date(state: &AppState, page: &PageActor) -> Result<chrono::NaiveDate, crate::PageError> {
    let today = taizhang_core::auth::now().date_naive();
    let period = super::working_period(state, page, "").await?;
    Ok(taizhang_core::period::Period::parse(&period).map_or(today, |p| form_date(&p, today)))
}

/// The files field of the new-record form.
const PHOTOS: &str = "photos";

/// The new-record form as posted: its fields and the files chosen in
/// `photos`. A browser sends it as multipart (it has a file input); a plain
/// form post is read too. Either way the CSRF field is checked first.
pub struct RecordPost {
    page: PageActor,
    fields: Vec<(String, String)>,
    files: Vec<(String, Vec<u8>)>,
}

impl<S> axum::extract::FromRequest<S> for RecordPost
where
    AppState: axum::extract::FromRef<S>,
    S: Send + Sync,
{
    type Rejection = axum::response::Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
        if !multipart {
            let CsrfForm(page, fields) = CsrfForm::<Vec<(String, String)>>::from_request(req, state).await?;
            return Ok(RecordPost { page, fields, files: Vec::new() });
        }
        let crate::auth::CsrfMultipart(page, parts) = crate::auth::CsrfMultipart::from_request(req, state).await?;
        let (mut fields, mut files) = (Vec::new(), Vec::new());
        for part in parts {
            match part.file_name {
                Some(name) if part.name == PHOTOS && !part.bytes.is_empty() => files.push((name, part.bytes)),
                Some(_) => {}
                None => fields.push((part.name, String::from_utf8_lossy(&part.bytes).into_owned())),
            }
        }
        Ok(RecordPost { page, fields, files })
    }
}

/// Saves a new record with the photos chosen on the form: all of it or, when
/// a field or a file is refused, nothing (422 naming each, files by name).
/// Photos are decoded for thumbnails only once the record and every file
/// passed the checks.
pub async fn create(State(state): State<AppState>, post: RecordPost) -> PageResult {
    let RecordPost { page, fields, files } = post;
    let (input, mut values) = input_from_form(&fields, &page.actor.display_name);
    let sent_files = !files.is_empty();
    let checked = state.services.activity_check_new(&page.actor, &input, PHOTOS, files).await;
    let result = match checked {
        Ok(new) => crate::evidence::create_activity(&state, &page.actor, new).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(a) => Ok(flash::redirect(&page, &format!("/activities/{}", a.id), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            values["photos_again"] = json!(sent_files && !errors.contains_key(PHOTOS));
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, None, &input, values, errors).await
        }
    }
}

pub async fn edit_form(State(state): State<AppState>, page: PageActor, PageId(id): PageId) -> PageResult {
    let a = state.services.activity_get(&page.actor, id).await?;
    let input = ActivityInput::from_fields(&a.fields);
    let mut values = values_of(&input);
    if input.reported_by.is_empty() {
        values["reported_by"] = json!(page.actor.display_name);
    }
    form_page(&state, &page, StatusCode::OK, Some(id), &input, values, BTreeMap::new()).await
}

pub async fn update(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (input, values) = input_from_form(&fields, &page.actor.display_name);
    match state.services.activity_update(&page.actor, id, &input).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/activities/{id}"), Flash::Saved)),
        Err(e) => {
            let errors = form_errors(e)?;
            form_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, Some(id), &input, values, errors).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, _): CsrfForm<super::Empty>,
) -> PageResult {
    state.services.activity_delete(&page.actor, id).await?;
    Ok(flash::redirect(&page, "/activities", Flash::Deleted))
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reported_on: String,
    #[serde(default)]
    reported_by: String,
}

pub async fn report(
    State(state): State<AppState>,
    PageId(id): PageId,
    CsrfForm(page, form): CsrfForm<ReportForm>,
) -> PageResult {
    match state.services.activity_report(&page.actor, id, &form.reported_on, &form.reported_by).await {
        Ok(_) => Ok(flash::redirect(&page, &format!("/activities/{id}"), Flash::Reported)),
        Err(e) => {
            let errors = form_errors(e)?;
            show_page(&state, &page, id, StatusCode::UNPROCESSABLE_ENTITY, errors).await
        }
    }
}
