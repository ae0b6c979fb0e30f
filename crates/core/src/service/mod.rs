//! Services: the use cases of the register. The web pages, the JSON API and
//! the command line are thin shells over these; each method checks the
//! input, the caller's scope and role, then calls the store.

mod activities;
mod activity_forms;
mod audit;
mod care;
mod cases;
mod catalogue;
mod composition;
mod evidence;
mod grid;
mod health;
mod indicator_figures;
mod indicators;
mod orgs;
mod people;
mod period;
mod plans;
mod projects;
mod reporting;
mod responsibility;
mod review;
mod roster;
mod screening;
mod sheets;
mod summary;
mod summary_figures;
mod summary_parts;
mod summary_records;
pub(crate) mod targets;
pub mod users;
mod work_today;

use std::sync::Arc;

pub use activities::{ActivityFilter, ActivityInput, ParticipantInput};
pub use activity_forms::{NewActivity, RosterPreset};
pub use care::{CarePlanInput, FollowUpInput, FollowUpLine, KeyPersonInput, LeaveInput};
pub use cases::{CaseFilter, CaseInput, CaseStepInput, CaseView};
pub use composition::{CompositionChoices, CompositionSource};
pub use grid::{HouseholdInput, ResidentInput};
pub use health::{DisinfectionInput, HealthCheckInput, HealthCheckView, parse_datetime};
pub use indicators::{
    IndicatorInput, IndicatorLine, IndicatorSheet, IndicatorValueInput, IndicatorView, MAX_VALUE_ROWS,
};
pub use orgs::{OrgInput, OrgUpdate};
pub use people::{MAX_YEAR, MIN_YEAR, PersonInput, PersonPatch, PersonView, date_in_range, parse_date};
pub(crate) use people::{bad_date, year_param};
pub use period::{PeriodYear, period_years};
pub use plans::{PlanItemInput, PlanMonth, RectificationInput, RectificationProgress, RectificationView};
pub use projects::{MeasureInput, MilestoneInput, ProgressInput, ProjectInput};
pub use reporting::{
    Cell, ChildState, Decision, FieldInput, FigureInput, FigureLine, MATRIX_PERIODS, Matrix, MatrixRow, SubmissionView,
    TaskInput, TodoItem,
};
pub use responsibility::{DutyInput, PledgeInput};
pub use review::Review;
pub use roster::MAX_ROSTER_ROWS;
pub use screening::{CoverageView, ScreeningInput, VisitInput};
pub use sheets::MAX_IMPORT_ROWS;
pub use summary::{MAX_TEMPLATE_BYTES, TemplateSource};
pub use targets::{Dashboard, ExemptionInput, TargetInput, TargetStatus};
pub use users::{LoginOutcome, UserInput, UserUpdate};
pub use work_today::{OpenScreening, WorkToday};

use crate::auth::{Actor, Throttle};
use crate::error::{Error, Result};
use crate::model::{Id, Org};
use crate::store::Store;

pub struct Services {
    /// Private: every read and write goes through a use case that checks
    /// the caller's scope and role.
    store: Arc<dyn Store>,
    throttle: Throttle,
}

impl Services {
    pub fn new(store: Arc<dyn Store>) -> Arc<Services> {
        Arc::new(Services { store, throttle: Throttle::default() })
    }

    /// The engine's name ("sqlite" or "postgres"), for metrics and logs.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    /// The connection pool's (size, idle, max), for metrics.
    pub fn pool_status(&self) -> (u32, u32, u32) {
        self.store.pool_status()
    }

    /// Whether the database answers, for the readiness check.
    pub async fn ping(&self) -> Result<()> {
        self.store.ping().await
    }

    /// The org with this id, if the actor may see it; NotFound otherwise, so
    /// that another subtree's ids reveal nothing.
    pub async fn visible_org(&self, actor: &Actor, id: Id) -> Result<Org> {
        match self.store.org_get(id).await? {
            Some(org) if actor.sees(&org.path) => Ok(org),
            _ => Err(Error::NotFound),
        }
    }

    /// The org a request is about: the one asked for, else the actor's own,
    /// else the top of the actor's subtree.
    pub async fn org_in_view(&self, actor: &Actor, org_id: Option<Id>) -> Result<Org> {
        match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound),
        }
    }

    /// Same as [`Services::visible_org`], reporting an input error on `field`
    /// rather than NotFound (for ids given inside a form or body).
    pub async fn visible_org_field(&self, actor: &Actor, id: Id, field: &str) -> Result<Org> {
        self.visible_org(actor, id).await.map_err(|e| match e {
            Error::NotFound => Error::invalid(field, "所选组织不存在或不在您的管辖范围内"),
            other => other,
        })
    }

    /// The org chosen in a form's `org_id` field, if the actor may see it;
    /// otherwise an error on that field is recorded.
    pub(crate) async fn org_field(
        &self,
        actor: &Actor,
        id: Option<Id>,
        problems: &mut crate::error::Problems,
    ) -> Option<Org> {
        let org = match id {
            Some(id) => self.visible_org(actor, id).await.ok(),
            None => None,
        };
        if org.is_none() {
            problems.add("org_id", "所选组织不存在或不在您的管辖范围内");
        }
        org
    }

    pub async fn overview(&self, actor: &Actor) -> Result<crate::model::Overview> {
        self.store.overview(&actor.scope_path).await
    }
}

/// Trims a required text field and checks its length and its characters
/// (none that a document cannot carry, see [`crate::error::xml_invalid`]).
pub(crate) fn required_text(
    problems: &mut crate::error::Problems,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        problems.add(field, format!("{label}不能为空"));
        None
    } else if value.chars().count() > max {
        problems.add(field, format!("{label}不能超过{max}个字"));
        None
    } else if !problems.text(field, label, value) {
        None
    } else {
        Some(value.to_owned())
    }
}

/// Checks the characters of optional text fields, each given as
/// (field, label, value); see [`crate::error::Problems::text`].
pub(crate) fn plain_texts(problems: &mut crate::error::Problems, fields: &[(&str, &str, &str)]) {
    for (field, label, value) in fields {
        problems.text(field, label, value);
    }
}

/// A date field: required or optional, "2020-07-10" (or 2020年7月10日), never
/// later than today.
pub(crate) fn date_field(
    problems: &mut crate::error::Problems,
    field: &str,
    label: &str,
    raw: &str,
    required: bool,
) -> Option<chrono::NaiveDate> {
    match raw.trim() {
        "" if required => {
            problems.add(field, format!("请填写{label}"));
            None
        }
        "" => None,
        s => match parse_date(s) {
            Some(d) if d > crate::auth::now().date_naive() => {
                problems.add(field, format!("{label}不能晚于今天"));
                None
            }
            Some(d) => Some(d),
            None => {
                problems.add(field, bad_date(label, s, format!("{label}格式应为“2020-07-10”")));
                None
            }
        },
    }
}

/// The end of a span (a plan, a campaign): required or optional, not before
/// `start`, and unlike [`date_field`] it may lie in the future.
pub(crate) fn end_date_field(
    problems: &mut crate::error::Problems,
    field: &str,
    label: &str,
    raw: &str,
    start: Option<chrono::NaiveDate>,
    required: bool,
) -> Option<chrono::NaiveDate> {
    match raw.trim() {
        "" if required => {
            problems.add(field, format!("请填写{label}，格式如“2020-02-10”"));
            None
        }
        "" => None,
        s => match parse_date(s) {
            Some(d) if start.is_some_and(|st| d < st) => {
                problems.add(field, format!("{label}不能早于开始日期"));
                None
            }
            Some(d) => Some(d),
            None => {
                problems.add(field, bad_date(label, s, format!("{label}格式应为“2020-02-10”")));
                None
            }
        },
    }
}

/// An upload that may be absent, checked by `check`; its errors are recorded
/// with the form's other problems rather than returned alone.
pub(crate) fn optional_upload(
    problems: &mut crate::error::Problems,
    upload: Option<(String, Vec<u8>)>,
    check: impl FnOnce(&str, Vec<u8>) -> Result<crate::evidence::NewFile>,
) -> Option<crate::evidence::NewFile> {
    let (name, bytes) = upload.filter(|(_, bytes)| !bytes.is_empty())?;
    match check(&name, bytes) {
        Ok(file) => Some(file),
        Err(e) => {
            e.field_errors().into_iter().for_each(|f| problems.add(&f.field, f.message));
            None
        }
    }
}
