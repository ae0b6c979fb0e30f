//! The JSON API under `/api/v1`. The route table reads as the API's map;
//! every handler authenticates with a bearer token, calls one service and
//! serialises the answer. The OpenAPI document is served at `openapi.json`.

mod audit;
mod auth;
mod dto;
mod governance;
mod grid;
mod indicators;
mod ledger_dto;
mod ledgers;

pub use audit::audit_query as audit_filter;
pub use dto::AuditListQuery;
mod orgs;
mod people;
mod plans;
mod summary;
mod summary_facts;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/password", post(auth::change_password))
        .route("/me", get(auth::me))
        .route("/orgs", get(orgs::list).post(orgs::create))
        .route("/orgs/{id}", get(orgs::get).patch(orgs::update))
        .route("/orgs/{id}/memberships", get(orgs::memberships))
        .route("/people", get(people::list).post(people::create))
        .route("/people/{id}", get(people::get).patch(people::update).delete(people::remove))
        .route("/people/{id}/memberships", get(people::memberships))
        .route("/memberships", post(people::membership_create))
        .route("/memberships/{id}", delete(people::membership_delete))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::update))
        .route("/audit", get(audit::list))
        .route("/work-areas", get(ledgers::work_areas).post(ledgers::work_area_create))
        .route("/work-areas/defaults", post(ledgers::work_areas_adopt))
        .route("/work-areas/{id}", axum::routing::patch(ledgers::work_area_rename))
        .route("/volunteer-hours", get(ledgers::volunteer_hours))
        .route("/kinds", get(ledgers::kinds).post(ledgers::kind_create))
        .route("/campaigns", get(ledgers::campaigns).post(ledgers::campaign_create))
        .route("/campaigns/{id}", axum::routing::patch(ledgers::campaign_update))
        .route("/activities", get(ledgers::activity_list).post(ledgers::activity_create))
        .route(
            "/activities/{id}",
            get(ledgers::activity_get).put(ledgers::activity_update).delete(ledgers::activity_delete),
        )
        .route("/activities/{id}/report", post(ledgers::activity_report))
        .route(
            "/activities/{id}/evidence",
            get(ledgers::evidence_list)
                .post(ledgers::evidence_add)
                .layer(DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .route("/evidence/{id}", get(ledgers::evidence_file).delete(ledgers::evidence_delete))
        .route("/evidence/{id}/thumbnail", get(ledgers::evidence_thumbnail))
        .route("/activities/export.xlsx", get(ledgers::activity_export))
        .route("/activities/template.xlsx", get(ledgers::activity_template))
        .route(
            "/activities/import",
            post(ledgers::activity_import).layer(DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)),
        )
        .route("/targets", get(ledgers::target_list).post(ledgers::target_create))
        .route("/targets/{id}", delete(ledgers::target_delete))
        .route("/dashboard", get(ledgers::dashboard))
        .route("/study-plans", get(plans::plan))
        .route("/study-plans/items", post(plans::item_add))
        .route("/study-plans/items/{id}", delete(plans::item_delete))
        .route("/study-plans/items/{id}/session", axum::routing::put(plans::item_link))
        .route("/rectifications", get(plans::rectifications).post(plans::rectification_create))
        .route("/rectifications/{id}/progress", post(plans::rectification_progress))
        .route("/responsibility", get(governance::chain))
        .route("/responsibility/export.xlsx", get(governance::chain_export))
        .route("/duties", post(governance::duty_create))
        .route("/duties/{id}", axum::routing::put(governance::duty_update).delete(governance::duty_delete))
        .route("/pledges", post(governance::pledge_create))
        .route("/pledges/{id}", delete(governance::pledge_delete))
        .route(
            "/pledges/{id}/scan",
            get(governance::pledge_scan)
                .put(governance::pledge_scan_set)
                .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .route("/cases", get(governance::case_list).post(governance::case_create))
        .route("/cases/export.xlsx", get(governance::case_export))
        .route("/cases/{id}", get(governance::case_get).put(governance::case_update))
        .route("/cases/{id}/steps", post(governance::case_step_add))
        .route("/projects", get(governance::project_list).post(governance::project_create))
        .route("/projects/export.xlsx", get(governance::project_export))
        .route("/projects/{id}", get(governance::project_get).put(governance::project_update))
        .route("/projects/{id}/progress", post(governance::progress_add))
        .route(
            "/projects/{id}/progress/{update_id}/photo",
            get(governance::progress_photo)
                .put(governance::progress_photo_set)
                .layer(axum::extract::DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .route("/reviews", get(governance::review))
        .route("/reviews/export.xlsx", get(governance::review_export))
        .route("/reviews/accept", post(governance::review_accept))
        .route("/reviews/dismiss", post(governance::review_dismiss))
        .route("/reviews/items", post(governance::review_item_add))
        .route(
            "/reviews/items/{id}",
            axum::routing::put(governance::review_item_update).delete(governance::review_item_delete),
        )
        .route("/households", get(grid::household_list).post(grid::household_create))
        .route("/households/{id}", get(grid::household_get).put(grid::household_update))
        .route("/people/{id}/household", axum::routing::put(grid::resident_set))
        .route(
            "/roster/import",
            post(grid::roster_import).layer(DefaultBodyLimit::max(crate::sheets::MAX_ROSTER_BYTES)),
        )
        .route("/roster/export.xlsx", get(grid::roster_export))
        .route("/roster/template.xlsx", get(grid::roster_template))
        .route("/screenings", get(grid::screening_list).post(grid::screening_create))
        .route("/screenings/{id}", get(grid::screening_get))
        .route("/screenings/{id}/missed", get(grid::screening_missed))
        .route("/screenings/{id}/visits", get(grid::visit_list).post(grid::visit_create))
        .route("/key-groups", get(grid::key_group_list).post(grid::key_group_create))
        .route("/key-persons", get(grid::key_person_list).post(grid::key_person_enter))
        .route("/key-persons/{id}/leave", post(grid::key_person_leave))
        .route("/people/{id}/care-plan", get(grid::care_plan_get).put(grid::care_plan_put))
        .route("/people/{id}/follow-ups", post(grid::follow_up_add))
        .route("/people/{id}/health-checks", post(grid::health_check_add))
        .route("/follow-ups", get(grid::follow_up_board))
        .route("/health-checks", get(grid::health_check_list))
        .route("/disinfections", get(grid::disinfection_list).post(grid::disinfection_add))
        .route("/daily-report", get(grid::daily_report))
        .route("/daily-report/export.xlsx", get(grid::daily_report_export))
        .route("/summary", get(summary::summary))
        .route("/summary/download", get(summary::summary_download))
        .route("/summary/facts", get(summary_facts::facts))
        .route(
            "/summary/composition",
            get(summary::composition_get).put(summary::composition_put).delete(summary::composition_delete),
        )
        .route("/summary/draft", get(summary::draft_get).put(summary::draft_put).delete(summary::draft_delete))
        .route("/summaries", get(summary::versions).post(summary::keep))
        .route("/summaries/{id}/download", get(summary::version_download))
        .route("/indicators", get(indicators::list).post(indicators::create))
        .route("/indicators/{id}", axum::routing::put(indicators::update).delete(indicators::remove))
        .route("/indicator-values", get(indicators::values).put(indicators::save))
        .route("/indicator-values/export.xlsx", get(indicators::export))
        .route(
            "/indicator-values/import",
            post(indicators::import).layer(DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)),
        )
        .fallback(not_found)
}

async fn not_found() -> crate::ApiError {
    taizhang_core::Error::NotFound.into()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "台账 Taizhang API", version = "1", description = "基层工作台账：组织、人员、任职、用户、审计日志，工作台账与目标，责任体系、信访矛盾纠纷、工程项目、存在问题与下一步打算，网格、户、居民花名册、入户排查、重点人群、一人一策、随访、健康监测、消毒与信息报送。除登录外，所有接口需在请求头携带 Authorization: Bearer TOKEN。"),
    paths(
        auth::login, auth::logout, auth::change_password, auth::me,
        orgs::list, orgs::create, orgs::get, orgs::update, orgs::memberships,
        people::list, people::create, people::get, people::update, people::remove, people::memberships,
        people::membership_create, people::membership_delete,
        users::list, users::create, users::get, users::update,
        audit::list,
        ledgers::work_areas, ledgers::work_area_create, ledgers::work_areas_adopt, ledgers::work_area_rename, ledgers::volunteer_hours,
        ledgers::campaigns, ledgers::campaign_create, ledgers::campaign_update, ledgers::kinds, ledgers::kind_create,
        ledgers::activity_list, ledgers::activity_create, ledgers::activity_get, ledgers::activity_update,
        ledgers::activity_delete, ledgers::activity_report,
        ledgers::activity_export, ledgers::activity_template, ledgers::activity_import,
        ledgers::evidence_add, ledgers::evidence_list, ledgers::evidence_file, ledgers::evidence_thumbnail,
        ledgers::evidence_delete,
        plans::plan, plans::item_add, plans::item_link, plans::item_delete,
        plans::rectifications, plans::rectification_create, plans::rectification_progress,
        ledgers::target_list, ledgers::target_create, ledgers::target_delete, ledgers::dashboard,
        governance::chain, governance::chain_export, governance::duty_create, governance::duty_update,
        governance::duty_delete, governance::pledge_create, governance::pledge_delete, governance::pledge_scan, governance::pledge_scan_set,
        governance::case_list, governance::case_export, governance::case_create, governance::case_get,
        governance::case_update, governance::case_step_add,
        governance::project_list, governance::project_export, governance::project_get, governance::project_create,
        governance::project_update, governance::progress_add, governance::progress_photo, governance::progress_photo_set,
        governance::review, governance::review_export, governance::review_accept, governance::review_dismiss,
        governance::review_item_add, governance::review_item_update, governance::review_item_delete,
        grid::household_list, grid::household_create, grid::household_get, grid::household_update,
        grid::resident_set, grid::roster_import, grid::roster_export, grid::roster_template,
        grid::screening_list, grid::screening_create, grid::screening_get, grid::screening_missed,
        grid::visit_create, grid::visit_list, grid::key_group_list, grid::key_group_create,
        grid::key_person_list, grid::key_person_enter, grid::key_person_leave, grid::care_plan_get,
        grid::care_plan_put, grid::follow_up_board, grid::follow_up_add, grid::health_check_add,
        grid::health_check_list, grid::disinfection_list, grid::disinfection_add, grid::daily_report,
        grid::daily_report_export,
        summary::summary, summary::summary_download, summary_facts::facts, summary::keep, summary::versions,
        summary::version_download, summary::composition_get, summary::composition_put, summary::composition_delete,
        summary::draft_get, summary::draft_put, summary::draft_delete,
        indicators::list, indicators::create, indicators::update, indicators::remove, indicators::values,
        indicators::save, indicators::export, indicators::import,
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
