//! The JSON API under `/api/v1`. The route table reads as the API's map and
//! is the OpenAPI document's list of paths too; every handler authenticates
//! with a bearer token, calls one service and serialises the answer. The
//! OpenAPI document is served at `openapi.json`.

mod audit;
mod auth;
mod care;
mod cases;
mod daily_report;
mod dto;
mod households;
mod indicators;
mod ledger_dto;
mod ledgers;

pub use audit::audit_query as audit_filter;
pub use dto::AuditListQuery;
mod orgs;
mod people;
mod plans;
mod projects;
mod reporting;
mod responsibility;
mod reviews;
mod screening;
mod summary;
mod summary_facts;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;

/// The API under `/api/v1`: every route and its OpenAPI entry, registered
/// together from the handler's `#[utoipa::path]` (paths there are relative to
/// `/api/v1`), so the document cannot miss a route. Each `routes!` holds the
/// handlers of one path.
pub fn routes() -> Router<AppState> {
    let (router, doc) = documented().split_for_parts();
    let doc = ApiDoc::openapi().nest("/api/v1", doc);
    let json = axum::body::Bytes::from(serde_json::to_vec(&doc).expect("the OpenAPI document serialises"));
    router
        .route(
            "/openapi.json",
            get(move || {
                let json = json.clone();
                async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], json) }
            }),
        )
        .fallback(not_found)
}

fn documented() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::me))
        .routes(routes!(orgs::list, orgs::create))
        .routes(routes!(orgs::get, orgs::update))
        .routes(routes!(orgs::memberships))
        .routes(routes!(people::list, people::create))
        .routes(routes!(people::get, people::update, people::remove))
        .routes(routes!(people::memberships))
        .routes(routes!(people::membership_create))
        .routes(routes!(people::membership_delete))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::get, users::update))
        .routes(routes!(audit::list))
        .routes(routes!(ledgers::work_areas, ledgers::work_area_create))
        .routes(routes!(ledgers::work_areas_adopt))
        .routes(routes!(ledgers::work_area_rename))
        .routes(routes!(ledgers::volunteer_hours))
        .routes(routes!(ledgers::kinds, ledgers::kind_create))
        .routes(routes!(ledgers::campaigns, ledgers::campaign_create))
        .routes(routes!(ledgers::campaign_update))
        .routes(routes!(ledgers::activity_list, ledgers::activity_create))
        .routes(routes!(ledgers::activity_get, ledgers::activity_update, ledgers::activity_delete))
        .routes(routes!(ledgers::activity_report))
        .routes(
            routes!(ledgers::evidence_list, ledgers::evidence_add)
                .layer(DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .routes(routes!(ledgers::evidence_file, ledgers::evidence_delete))
        .routes(routes!(ledgers::evidence_thumbnail))
        .routes(routes!(ledgers::activity_export))
        .routes(routes!(ledgers::activity_template))
        .routes(routes!(ledgers::activity_import).layer(DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)))
        .routes(routes!(ledgers::target_list, ledgers::target_create))
        .routes(routes!(ledgers::target_delete))
        .routes(routes!(ledgers::dashboard))
        .routes(routes!(plans::plan))
        .routes(routes!(plans::item_add))
        .routes(routes!(plans::item_delete))
        .routes(routes!(plans::item_link))
        .routes(routes!(plans::rectifications, plans::rectification_create))
        .routes(routes!(plans::rectification_progress))
        .routes(routes!(responsibility::chain))
        .routes(routes!(responsibility::chain_export))
        .routes(routes!(responsibility::duty_create))
        .routes(routes!(responsibility::duty_update, responsibility::duty_delete))
        .routes(routes!(responsibility::pledge_create))
        .routes(routes!(responsibility::pledge_delete))
        .routes(
            routes!(responsibility::pledge_scan, responsibility::pledge_scan_set)
                .layer(DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .routes(routes!(cases::case_list, cases::case_create))
        .routes(routes!(cases::case_export))
        .routes(routes!(cases::case_get, cases::case_update))
        .routes(routes!(cases::case_step_add))
        .routes(routes!(projects::project_list, projects::project_create))
        .routes(routes!(projects::project_export))
        .routes(routes!(projects::project_get, projects::project_update))
        .routes(routes!(projects::progress_add))
        .routes(
            routes!(projects::progress_photo, projects::progress_photo_set)
                .layer(DefaultBodyLimit::max(crate::evidence::MAX_REQUEST_BYTES)),
        )
        .routes(routes!(reviews::review))
        .routes(routes!(reviews::review_export))
        .routes(routes!(reviews::review_accept))
        .routes(routes!(reviews::review_dismiss))
        .routes(routes!(reviews::review_item_add))
        .routes(routes!(reviews::review_item_update, reviews::review_item_delete))
        .routes(routes!(households::household_list, households::household_create))
        .routes(routes!(households::household_get, households::household_update))
        .routes(routes!(households::resident_set))
        .routes(routes!(households::roster_import).layer(DefaultBodyLimit::max(crate::sheets::MAX_ROSTER_BYTES)))
        .routes(routes!(households::roster_export))
        .routes(routes!(households::roster_template))
        .routes(routes!(screening::screening_list, screening::screening_create))
        .routes(routes!(screening::screening_get))
        .routes(routes!(screening::screening_missed))
        .routes(routes!(screening::visit_list, screening::visit_create))
        .routes(routes!(care::key_group_list, care::key_group_create))
        .routes(routes!(care::key_person_list, care::key_person_enter))
        .routes(routes!(care::key_person_leave))
        .routes(routes!(care::care_plan_get, care::care_plan_put))
        .routes(routes!(care::follow_up_add))
        .routes(routes!(care::health_check_add))
        .routes(routes!(care::follow_up_board))
        .routes(routes!(care::health_check_list))
        .routes(routes!(care::disinfection_list, care::disinfection_add))
        .routes(routes!(daily_report::daily_report))
        .routes(routes!(daily_report::daily_report_export))
        .routes(routes!(summary::summary))
        .routes(routes!(summary::summary_download))
        .routes(routes!(summary_facts::facts))
        .routes(routes!(summary::composition_get, summary::composition_put, summary::composition_delete))
        .routes(routes!(summary::draft_get, summary::draft_put, summary::draft_delete))
        .routes(routes!(summary::versions, summary::keep))
        .routes(routes!(summary::version_download))
        .routes(routes!(indicators::list, indicators::create))
        .routes(routes!(indicators::update, indicators::remove))
        .routes(routes!(indicators::values, indicators::save))
        .routes(routes!(indicators::export))
        .routes(routes!(indicators::import).layer(DefaultBodyLimit::max(crate::sheets::MAX_UPLOAD_BYTES)))
        .routes(routes!(reporting::task_list, reporting::task_create))
        .routes(routes!(reporting::matrix))
        .routes(routes!(reporting::matrix_export))
        .routes(routes!(reporting::submission_get, reporting::submission_put))
        .routes(routes!(reporting::submission_decide))
        .routes(routes!(reporting::submission_comment))
        .routes(routes!(reporting::submission_remind))
        .routes(routes!(reporting::submission_export))
        .routes(routes!(reporting::todo))
}

/// A day in a query: empty means today.
fn day_param(field: &str, raw: &str) -> Result<chrono::NaiveDate, taizhang_core::Error> {
    match raw.trim() {
        "" => Ok(taizhang_core::auth::now().date_naive()),
        s => taizhang_core::service::parse_date(s)
            .ok_or_else(|| taizhang_core::Error::invalid(field, "日期格式应为“2020-02-03”")),
    }
}

async fn not_found() -> crate::ApiError {
    taizhang_core::Error::NotFound.into()
}

#[derive(OpenApi)]
#[openapi(
    info(title = "台账 Taizhang API", version = "1", description = "基层工作台账：组织、人员、任职、用户、审计日志，工作台账与目标，责任体系、信访矛盾纠纷、工程项目、存在问题与下一步打算，网格、户、居民花名册、入户排查、重点人群、一人一策、随访、健康监测、消毒与信息报送。除登录外，所有接口需在请求头携带 Authorization: Bearer TOKEN。"),
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
