//! Server-rendered pages. The route table below is the site map; handlers
//! are linear: who is asking, read the form, call a service, render or
//! redirect. Form errors are shown beside the field that caused them.

mod account;
mod activities;
mod attendance;
mod audit;
mod care;
mod cases;
mod daily_report;
mod dashboard;
mod disinfections;
mod evidence;
mod fields;
pub(crate) mod flash;
mod home;
mod households;
mod indicators;
mod ledger_export;
mod login;
mod moved;
mod orgs;
mod people;
mod period;
mod print;
mod projects;
mod rectifications;
mod report_tasks;
mod responsibility;
mod reviews;
mod screening;
mod study_plans;
mod summary;
mod summary_composition;
mod summary_draft;
mod summary_template;
mod targets;
mod users;
mod volunteer_hours;
mod work_areas;

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use taizhang_core::model::Org;
use taizhang_core::{Error, FieldError};

use crate::AppState;
use crate::auth::PageActor;
use crate::error::PageError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/orgs", get(orgs::tree).post(orgs::create))
        .route("/orgs/{id}", get(orgs::show).post(orgs::update))
        .route("/people", get(people::list).post(people::create))
        .route("/people/new", get(people::new_form))
        .route("/people/{id}", get(people::show).post(people::update))
        .route("/people/{id}/edit", get(people::edit_form))
        .route("/people/{id}/delete", post(people::delete))
        .route("/people/{id}/memberships", post(people::add_membership))
        .route("/memberships/{id}/delete", post(people::remove_membership))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::edit_form).post(users::update))
        .route("/auth/password", get(account::form).post(account::submit))
        .route("/audit", get(audit::list))
        .route("/dashboard", get(dashboard::index))
        .route("/study-plans", get(study_plans::plan))
        .route("/study-plans/items", post(study_plans::item_add))
        .route("/study-plans/items/{id}/session", post(study_plans::item_link))
        .route("/rectifications", get(rectifications::rectifications).post(rectifications::rectification_create))
        .route("/rectifications/{id}/progress", post(rectifications::rectification_progress))
        .route("/volunteer-hours", get(volunteer_hours::volunteers))
        .route("/work-areas", get(work_areas::work_areas).post(work_areas::work_area_create))
        .route("/work-areas/defaults", post(work_areas::work_areas_adopt))
        .route("/work-areas/{id}", post(work_areas::work_area_rename))
        .route("/kinds", post(work_areas::kind_create))
        .route("/campaigns", post(work_areas::campaign_create))
        .route("/campaigns/{id}", post(work_areas::campaign_update))
        .route("/targets", get(targets::targets).post(targets::target_create))
        .route("/targets/{id}/delete", post(targets::target_delete))
        .route(
            "/activities",
            get(activities::list).merge(
                post(activities::create)
                    .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES * 4)),
            ),
        )
        .route("/activities/new", get(activities::new_form))
        .route("/activities/participants", get(attendance::participants))
        .route("/activities/export.xlsx", get(ledger_export::export))
        .route("/activities/template.xlsx", get(ledger_export::template))
        .route(
            "/activities/import",
            get(ledger_export::import_form)
                .post(ledger_export::import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)),
        )
        .route("/activities/print", get(print::ledger))
        .route("/activities/print/sign-in", get(print::month_sign_in))
        .route("/activities/print/minutes", get(print::month_minutes))
        .route("/activities/{id}/print/sign-in", get(print::sign_in))
        .route("/activities/{id}/print/minutes", get(print::minutes))
        .route("/activities/{id}", get(activities::show).post(activities::update))
        .route("/activities/{id}/edit", get(activities::edit_form))
        .route("/activities/{id}/delete", post(activities::delete))
        .route("/activities/{id}/report", post(activities::report))
        .route(
            "/activities/{id}/evidence",
            post(evidence::evidence_add)
                .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES * 4)),
        )
        .route("/evidence/{id}", get(evidence::evidence_file))
        .route("/evidence/{id}/thumbnail", get(evidence::evidence_thumbnail))
        .route("/evidence/{id}/delete", post(evidence::evidence_delete))
        .route("/responsibility", get(responsibility::chain))
        .route("/responsibility/export.xlsx", get(responsibility::export))
        .route("/responsibility/people", get(responsibility::people))
        .route("/duties", post(responsibility::duty_create))
        .route("/duties/{id}/delete", post(responsibility::duty_delete))
        .route(
            "/pledges",
            post(responsibility::pledge_create)
                .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .route("/pledges/{id}/scan", get(responsibility::pledge_scan))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/export.xlsx", get(cases::export))
        .route("/cases/{id}", get(cases::show).post(cases::update))
        .route("/cases/{id}/steps", post(cases::step_add))
        .route("/projects", get(projects::list).post(projects::create))
        .route("/projects/export.xlsx", get(projects::export))
        .route("/projects/{id}", get(projects::show).post(projects::update))
        .route(
            "/projects/{id}/progress",
            post(projects::progress_add)
                .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .route("/projects/{id}/progress/{update_id}/photo", get(projects::progress_photo))
        .route("/reviews", get(reviews::show))
        .route("/reviews/export.xlsx", get(reviews::export))
        .route("/reviews/items", post(reviews::item_add))
        .route("/reviews/items/{id}", post(reviews::item_update))
        .route("/reviews/items/{id}/delete", post(reviews::item_delete))
        .route("/reviews/accept", post(reviews::accept))
        .route("/reviews/dismiss", post(reviews::dismiss))
        .route("/households", get(households::households).post(households::household_create))
        .route("/households/{id}", get(households::household).post(households::household_update))
        .route("/households/{id}/visits", post(households::household_visit))
        .route("/households/{id}/key-persons", post(households::key_enter))
        .route(
            "/roster/import",
            get(households::roster_form)
                .post(households::roster_import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::sheets::MAX_ROSTER_BYTES)),
        )
        .route("/roster/export.xlsx", get(households::roster_export))
        .route("/roster/template.xlsx", get(households::roster_template))
        .route("/screenings", get(screening::screenings).post(screening::screening_create))
        .route("/screenings/{id}", get(screening::screening))
        .route("/screenings/{id}/visits", post(screening::visit_create))
        .route("/key-persons", get(care::key_persons))
        .route("/key-groups", post(care::key_group_create))
        .route("/key-persons/{id}/leave", post(care::key_leave))
        .route("/people/{id}/care-plan", get(care::care).post(care::care_plan_save))
        .route("/people/{id}/follow-ups", post(care::follow_up_add))
        .route("/people/{id}/health-checks", post(care::health_check_add))
        .route("/follow-ups", get(care::follow_ups))
        .route("/disinfections", get(disinfections::disinfections).post(disinfections::disinfection_add))
        .route("/daily-report", get(daily_report::daily_report))
        .route("/daily-report/export.xlsx", get(daily_report::daily_report_export))
        .route("/indicators", get(indicators::show).post(indicators::definition_create))
        .route("/indicators/{id}", post(indicators::definition_update))
        .route("/indicators/{id}/delete", post(indicators::definition_delete))
        .route("/indicator-values", post(indicators::values_save))
        .route("/indicator-values/export.xlsx", get(indicators::export))
        .route(
            "/indicator-values/import",
            post(indicators::import).layer(axum::extract::DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)),
        )
        .route("/report-tasks", get(report_tasks::list).post(report_tasks::create))
        .route("/report-tasks/{id}", get(report_tasks::matrix))
        .route("/report-tasks/{id}/matrix.xlsx", get(report_tasks::matrix_export))
        .route(
            "/report-tasks/{task}/submissions/{org}/{period}",
            get(report_tasks::submission).post(report_tasks::submission_post),
        )
        .route("/report-tasks/{task}/submissions/{org}/{period}/export.xlsx", get(report_tasks::submission_export))
        .route("/period", get(period::choose))
        .route("/summary", get(summary::show))
        .route("/summary/download", get(summary::download))
        .route("/summary/template", get(summary_template::edit).post(summary_template::save))
        .route("/summary/template/preview", post(summary_template::preview))
        .route("/summary/template/reset", post(summary_template::reset))
        .route("/summary/composition", get(summary_composition::edit).post(summary_composition::save))
        .route("/summary/composition/reset", post(summary_composition::reset))
        .route("/summary/draft", get(summary_draft::edit).post(summary_draft::save))
        .route("/summary/draft/regenerate", post(summary_draft::regenerate))
        .route("/summary/draft/download", get(summary_draft::download))
        .route("/summaries", post(summary::keep))
        .route("/summaries/{id}", get(summary::version))
        .route("/summaries/{id}/download", get(summary::version_download))
        .route("/static/{file}", get(static_file))
        .route("/favicon.ico", get(favicon))
        .merge(moved::routes())
}

/// A page answer: HTML or an error page.
pub type PageResult = Result<Response, PageError>;

/// Renders `template` with the signed-in user's frame around `context`.
pub fn render(page: &PageActor, template: &str, mut context: Value) -> PageResult {
    render_status(page, StatusCode::OK, template, &mut context)
}

pub fn render_status(page: &PageActor, status: StatusCode, template: &str, context: &mut Value) -> PageResult {
    let actor = &page.actor;
    // The account and what it may change: templates offer a write control
    // only under `can_write` (recording) or `is_admin` (managing), the same
    // rules the services enforce (`Actor::can_write`, `Actor::is_admin`).
    context["me"] = json!({
        "username": actor.username,
        "display_name": actor.display_name,
        "role": actor.role.label(),
        "is_admin": actor.is_admin(),
        "can_write": actor.can_write(),
        "can_view_personal": actor.can_view_personal,
        "is_grid_worker": page.grid_worker,
        "is_recorder": actor.role == taizhang_core::model::Role::Recorder,
        // The page's path, for marking the current tab.
        "path": page.here.split('?').next().unwrap_or("/"),
    });
    context["csrf"] = json!(page.csrf);
    // The header's period picker: the working period and its choices.
    let chosen = page.period.as_deref().and_then(|p| taizhang_core::period::Period::parse(p).ok());
    context["working_period"] = json!({
        "code": chosen.map(|p| p.code()), "label": chosen.map(|p| p.label()),
        "back": page.here,
    });
    // The message the last change left, shown once by base.html.
    context["flash"] = json!(page.flash.map(flash::Flash::text));
    let mut response = render_plain(status, template, context)?;
    flash::shown(&mut response, page);
    Ok(response)
}

/// Renders a template that needs no signed-in user.
pub fn render_plain(status: StatusCode, template: &str, context: &Value) -> PageResult {
    match crate::templates::render(template, context) {
        Ok(html) => Ok((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(template, error = %e, "template failed");
            Err(Error::Storage(format!("template {template}: {e}")).into())
        }
    }
}

/// Field errors as a map from field to message, for templates.
pub fn error_map(errors: &[FieldError]) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in errors {
        map.entry(e.field.clone())
            .and_modify(|m: &mut String| {
                m.push('；');
                m.push_str(&e.message);
            })
            .or_insert_with(|| e.message.clone());
    }
    map
}

/// Splits a service result into "show the form again with these errors"
/// and everything else.
pub fn form_errors(error: Error) -> Result<BTreeMap<String, String>, PageError> {
    match error {
        Error::Invalid(_) | Error::Conflict(_) => Ok(error_map(&error.field_errors())),
        other => Err(other.into()),
    }
}

/// The period a page shows: the one asked for in its address, else the
/// working period the user chose in the header's picker, else the default
/// ([`taizhang_core::Services::default_period`]).
pub async fn working_period(state: &AppState, page: &PageActor, asked: &str) -> Result<String, PageError> {
    if !asked.trim().is_empty() {
        return Ok(asked.trim().to_owned());
    }
    if let Some(chosen) = &page.period {
        return Ok(chosen.clone());
    }
    Ok(state.services.default_period(&page.actor).await?.code())
}

/// After a successful post: back to a page (POST-redirect-GET). `to` is built
/// by the handler from numbers or with [`local_url`], never from raw input; an
/// address that still cannot be a header goes home rather than failing after
/// the change was saved.
pub fn see_other(to: &str) -> Response {
    if axum::http::HeaderValue::from_str(to).is_ok() {
        Redirect::to(to).into_response()
    } else {
        tracing::warn!(to, "redirect to an address that is not a header value");
        Redirect::to("/").into_response()
    }
}

/// A local address with its query values percent-encoded, so that whatever a
/// form sent (newlines, `&`, Chinese) stays inside its value.
pub fn local_url(path: &str, query: &[(&str, &str)]) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}

/// The org chosen in a form's `org_id`: none when empty, the field's error
/// when it is not a number (checked before anything is written).
pub fn form_org_id(raw: &str) -> Result<Option<i64>, Error> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| Error::invalid("org_id", "所选组织无效，请重新选择"))
}

pub fn grids_json(grids: &[taizhang_core::model::Org]) -> Vec<Value> {
    grids.iter().map(org_json).collect()
}

pub fn org_json(org: &Org) -> Value {
    json!({
        "id": org.id,
        "parent_id": org.parent_id,
        "name": org.name,
        "kind": org.kind.as_str(),
        "kind_label": org.kind.label(),
        "depth": org.depth(),
        "closed": org.is_closed(),
        "purpose": org.purpose,
        "purpose_label": org.purpose.as_deref().and_then(taizhang_core::purpose::purpose_label),
    })
}

/// A form with nothing but its CSRF token.
#[derive(serde::Deserialize, Default)]
pub struct Empty {}

/// A numeric id in a page path; anything else is the not-found page.
pub struct PageId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for PageId {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) =
            Path::<String>::from_request_parts(parts, state).await.map_err(|_| PageError::from(Error::NotFound))?;
        raw.parse().map(PageId).map_err(|_| Error::NotFound.into())
    }
}

pub async fn not_found() -> PageError {
    Error::NotFound.into()
}

async fn static_file(Path(file): Path<String>) -> Response {
    let (body, mime): (&'static [u8], &str) = match file.as_str() {
        "htmx.min.js" => (include_bytes!("../../static/htmx.min.js"), "text/javascript; charset=utf-8"),
        "app.css" => (include_bytes!("../../static/app.css"), "text/css; charset=utf-8"),
        "print.css" => (include_bytes!("../../static/print.css"), "text/css; charset=utf-8"),
        "upload.js" => (include_bytes!("../../static/upload.js"), "text/javascript; charset=utf-8"),
        "app.js" => (include_bytes!("../../static/app.js"), "text/javascript; charset=utf-8"),
        "favicon.svg" => (include_bytes!("../../static/favicon.svg"), "image/svg+xml"),
        _ => return PageError::from(Error::NotFound).into_response(),
    };
    ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// The site icon, where browsers ask for it without a link (an SVG).
async fn favicon() -> Response {
    static_file(Path("favicon.svg".to_owned())).await
}
