//! The `Store` implementation: each call runs its repository function on a
//! blocking thread, writes in one transaction with their audit entry.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use taizhang_core::Result;
use taizhang_core::cases::{Case, CaseStep};
use taizhang_core::evidence::{Attachment, AttachmentOwner, Evidence, NewEvidence, NewFile};
use taizhang_core::grid::*;
use taizhang_core::indicator::{Indicator, IndicatorValue, ValueChange};
use taizhang_core::ledger::{
    Activity, ActivityCounts, ActivityFields, ActivityQuery, ActivityRow, Campaign, PlanItem, Rectification, WorkArea,
};
use taizhang_core::model::*;
use taizhang_core::project::{ProgressUpdate, Project};
use taizhang_core::reporting::{Comment, Reminder, ReportTask, Snapshot, State, Submission};
use taizhang_core::responsibility::{Duty, Pledge};
use taizhang_core::review::ReviewItem;
use taizhang_core::store::{HouseholdQuery, ReportLock, ScreeningHouseholdQuery, Store, SubmissionChange};
use taizhang_core::summary::{SavedSummary, SummaryDraft};
use taizhang_core::target::Target;

use super::*;
use crate::SqlStore;
use crate::conn::Conn;

/// Runs a list read, planned for its values when its text searches.
fn searched<T>(c: &mut dyn Conn, text: &str, f: impl FnOnce(&mut dyn Conn) -> Result<T>) -> Result<T> {
    sql::planned_for_values(c, !text.trim().is_empty(), f)
}

#[async_trait]
impl Store for SqlStore {
    fn backend(&self) -> &'static str {
        self.engine()
    }
    fn pool_status(&self) -> (u32, u32, u32) {
        self.pool_state()
    }

    async fn ping(&self) -> Result<()> {
        self.read(|c| Ok(c.query_one("SELECT 1 AS one", &[]).map(|_| ())?)).await
    }

    async fn org_get(&self, id: Id) -> Result<Option<Org>> {
        self.memoized(|m| &m.orgs, &id.to_string(), |_| true, move |c| orgs::get(c, id)).await
    }
    async fn org_subtree(&self, root_path: &str) -> Result<Vec<Org>> {
        let root = root_path.to_owned();
        self.memoized(|m| &m.subtrees, root_path, |_| true, move |c| orgs::subtree(c, &root)).await
    }
    async fn org_find_by_name(&self, name: &str) -> Result<Vec<Org>> {
        let name = name.to_owned();
        self.read(move |c| orgs::find_by_name(c, &name)).await
    }
    async fn org_create(&self, new: NewOrg, ctx: &AuditCtx) -> Result<Org> {
        self.write_as(ctx, move |c, ctx| orgs::create(c, &new, ctx)).await
    }
    async fn org_update(&self, id: Id, change: OrgChange, ctx: &AuditCtx) -> Result<Org> {
        self.write_as(ctx, move |c, ctx| orgs::update(c, id, &change, ctx)).await
    }

    async fn person_get(&self, id: Id) -> Result<Option<Person>> {
        self.read(move |c| people::get(c, id)).await
    }
    async fn person_by_id_number(&self, number: &taizhang_core::id_number::IdNumber) -> Result<Option<Person>> {
        let number = number.clone();
        self.read(move |c| people::by_id_number(c, &number)).await
    }
    async fn person_search(&self, query: &PersonQuery) -> Result<Page<Person>> {
        let query = query.clone();
        self.read(move |c| searched(c, &query.text, |c| people::search(c, &query))).await
    }
    async fn person_create(&self, fields: PersonFields, ctx: &AuditCtx) -> Result<Person> {
        self.write_as(ctx, move |c, ctx| people::create(c, &fields, ctx)).await
    }
    async fn person_update(&self, id: Id, fields: PersonFields, ctx: &AuditCtx) -> Result<Person> {
        self.write_as(ctx, move |c, ctx| people::update(c, id, &fields, ctx)).await
    }
    async fn person_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| people::delete(c, id, ctx)).await
    }

    async fn membership_get(&self, id: Id) -> Result<Option<Membership>> {
        self.read(move |c| people::membership_get(c, id)).await
    }
    async fn memberships_of_person(&self, person_id: Id) -> Result<Vec<Membership>> {
        self.read(move |c| people::memberships_where(c, "m.person_id = $1", person_id)).await
    }
    async fn memberships_of_org(&self, org_id: Id) -> Result<Vec<Membership>> {
        self.read(move |c| people::memberships_where(c, "m.org_id = $1", org_id)).await
    }
    async fn membership_create(&self, new: NewMembership, ctx: &AuditCtx) -> Result<Membership> {
        self.write_as(ctx, move |c, ctx| people::membership_create(c, &new, ctx)).await
    }
    async fn membership_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| people::membership_delete(c, id, ctx)).await
    }

    async fn user_get(&self, id: Id) -> Result<Option<User>> {
        self.read(move |c| users::get_where(c, "id = $1", id)).await
    }
    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        let username = username.to_lowercase();
        self.read(move |c| users::get_where(c, "username = $1", username)).await
    }
    async fn user_list(&self, scope_path: &str) -> Result<Vec<User>> {
        self.read_in(scope_path, move |c, scope_path| users::list(c, scope_path)).await
    }
    async fn user_create(&self, new: NewUser, ctx: &AuditCtx) -> Result<User> {
        self.write_as(ctx, move |c, ctx| users::create(c, &new, ctx)).await
    }
    async fn user_update(&self, id: Id, change: UserChange, ctx: &AuditCtx) -> Result<User> {
        self.write_as(ctx, move |c, ctx| users::update(c, id, &change, ctx)).await
    }
    async fn user_set_password(&self, id: Id, password_hash: String, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| users::set_password(c, id, &password_hash, ctx)).await
    }

    async fn session_create(&self, session: Session) -> Result<()> {
        self.write(move |c| users::session_create(c, &session)).await
    }
    async fn session_get(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<(Session, User, String)>> {
        let miss = match self.memos.sessions.get(&self.memos.writes, token_hash, |(s, ..)| s.expires_at > now) {
            Ok(found) => return Ok(Some(found)),
            Err(miss) => miss,
        };
        let hash = token_hash.to_owned();
        let found = self.read(move |c| users::session_get(c, &hash, now)).await?;
        if let Some(found) = &found {
            self.memos.sessions.keep(miss, token_hash, found);
        }
        Ok(found)
    }
    async fn session_delete(&self, token_hash: &str) -> Result<()> {
        let token_hash = token_hash.to_owned();
        self.write(move |c| users::session_delete(c, "token_hash = $1", token_hash)).await
    }
    async fn sessions_delete_for_user(&self, user_id: Id) -> Result<()> {
        self.write(move |c| users::session_delete(c, "user_id = $1", user_id)).await
    }
    async fn sessions_delete_others(&self, user_id: Id, keep_token_hash: &str) -> Result<()> {
        let keep = keep_token_hash.to_owned();
        self.write(move |c| users::sessions_delete_others(c, user_id, &keep)).await
    }

    async fn audit_append(&self, record: AuditRecord) -> Result<()> {
        self.write(move |c| audit::append(c, &record)).await
    }
    async fn audit_list(&self, query: &AuditQuery) -> Result<Page<AuditEntry>> {
        let query = query.clone();
        self.read(move |c| audit::list(c, &query)).await
    }
    async fn audit_all(&self) -> Result<Vec<AuditEntry>> {
        self.read(audit::all).await
    }

    async fn work_areas(&self) -> Result<Vec<WorkArea>> {
        self.memoized(|m| &m.work_areas, "", |_| true, catalogue::work_areas).await
    }
    async fn work_area_create(
        &self,
        org_id: Id,
        parent_id: Option<Id>,
        name: String,
        purpose: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<WorkArea> {
        self.write_as(ctx, move |c, ctx| {
            catalogue::work_area_create(c, org_id, parent_id, &name, purpose.as_deref(), ctx)
        })
        .await
    }
    async fn work_area_update(
        &self,
        id: Id,
        name: String,
        purpose: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<WorkArea> {
        self.write_as(ctx, move |c, ctx| catalogue::work_area_update(c, id, &name, purpose.as_deref(), ctx)).await
    }
    async fn volunteer_hours(
        &self,
        scope_path: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Id, String, u64, f64)>> {
        self.read_in(scope_path, move |c, scope_path| activity_counts::volunteer_hours(c, scope_path, from, to)).await
    }
    async fn custom_kinds(&self) -> Result<Vec<(String, Id)>> {
        self.memoized(|m| &m.custom_kinds, "", |_| true, catalogue::custom_kinds).await
    }
    async fn custom_kind_create(&self, org_id: Id, name: String, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| catalogue::custom_kind_create(c, org_id, &name, ctx)).await
    }
    async fn campaigns(&self) -> Result<Vec<Campaign>> {
        self.memoized(|m| &m.campaigns, "", |_| true, catalogue::campaigns).await
    }
    async fn campaign_create(
        &self,
        org_id: Id,
        name: String,
        purpose: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<Campaign> {
        self.write_as(ctx, move |c, ctx| catalogue::campaign_create(c, org_id, &name, purpose.as_deref(), ctx)).await
    }
    async fn campaign_update(&self, id: Id, name: String, purpose: Option<String>, ctx: &AuditCtx) -> Result<Campaign> {
        self.write_as(ctx, move |c, ctx| catalogue::campaign_update(c, id, &name, purpose.as_deref(), ctx)).await
    }
    async fn activity_get(&self, id: Id) -> Result<Option<Activity>> {
        self.read(move |c| activities::get(c, id)).await
    }
    async fn activity_list(&self, query: &ActivityQuery) -> Result<Page<ActivityRow>> {
        let query = query.clone();
        self.read(move |c| activities::list(c, &query)).await
    }
    async fn activities_matching(&self, query: &ActivityQuery) -> Result<Vec<Activity>> {
        let query = query.clone();
        self.read(move |c| activities::all_matching(c, &query)).await
    }
    async fn activity_create(&self, fields: ActivityFields, ctx: &AuditCtx) -> Result<Activity> {
        self.write_as(ctx, move |c, ctx| activities::create(c, &fields, ctx)).await
    }
    async fn activity_create_with_evidence(
        &self,
        fields: ActivityFields,
        files: Vec<NewEvidence>,
        ctx: &AuditCtx,
    ) -> Result<Activity> {
        self.write_as(ctx, move |c, ctx| activities::create_with_evidence(c, &fields, files, ctx)).await
    }
    async fn activity_last_recorded(&self, user_id: Id, kind: Option<String>) -> Result<Option<Id>> {
        self.read(move |c| activities::last_recorded(c, user_id, kind.as_deref())).await
    }
    async fn activity_update(&self, id: Id, fields: ActivityFields, ctx: &AuditCtx) -> Result<Activity> {
        self.write_as(ctx, move |c, ctx| activities::update(c, id, &fields, ctx)).await
    }
    async fn activity_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| activities::delete(c, id, ctx)).await
    }
    async fn activity_import(&self, all: Vec<ActivityFields>, source: String, ctx: &AuditCtx) -> Result<usize> {
        let n = self.write_as(ctx, move |c, ctx| activities::import(c, &all, &source, ctx)).await?;
        self.read(move |c| Ok(c.refresh_imported(&["activities", "activity_counts"], n as u64)?)).await?;
        Ok(n)
    }
    async fn activity_day_counts(
        &self,
        scope_path: &str,
        kinds: Vec<String>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Id, String, NaiveDate, u32)>> {
        self.read_in(scope_path, move |c, scope_path| activity_counts::day_counts(c, scope_path, &kinds, from, to))
            .await
    }
    async fn activity_count(&self, query: &ActivityQuery) -> Result<u64> {
        let query = query.clone();
        self.read(move |c| activity_counts::count_matching(c, &query)).await
    }
    async fn activity_latest_month(&self, scope_path: &str) -> Result<Option<String>> {
        self.read_in(scope_path, move |c, scope_path| activity_counts::latest_month(c, scope_path)).await
    }
    async fn activity_counts(&self, scope_path: &str, from_month: &str, to_month: &str) -> Result<ActivityCounts> {
        let (scope_path, from_month, to_month) = (scope_path.to_owned(), from_month.to_owned(), to_month.to_owned());
        self.read(move |c| activity_counts::counts(c, &scope_path, &from_month, &to_month)).await
    }

    async fn evidence_add(&self, new: NewEvidence, ctx: &AuditCtx) -> Result<Evidence> {
        self.write_as(ctx, move |c, ctx| evidence::add(c, &new, ctx)).await
    }
    async fn evidence_list(&self, activity_id: Id) -> Result<Vec<Evidence>> {
        self.read(move |c| evidence::list(c, activity_id)).await
    }
    async fn evidence_get(&self, id: Id) -> Result<Option<Evidence>> {
        self.read(move |c| evidence::get(c, id)).await
    }
    async fn evidence_data(&self, id: Id, thumbnail: bool) -> Result<Option<Vec<u8>>> {
        self.read(move |c| evidence::data(c, id, thumbnail)).await
    }
    async fn evidence_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| evidence::delete(c, id, ctx)).await
    }

    async fn plan_items(&self, scope_path: &str, year: i32) -> Result<Vec<PlanItem>> {
        self.read_in(scope_path, move |c, scope_path| plans::plan_items(c, scope_path, year)).await
    }
    async fn plan_item_get(&self, id: Id) -> Result<Option<PlanItem>> {
        self.read(move |c| plans::plan_item_get(c, id)).await
    }
    async fn plan_item_save(&self, item: PlanItem, ctx: &AuditCtx) -> Result<PlanItem> {
        self.write_as(ctx, move |c, ctx| plans::plan_item_save(c, &item, ctx)).await
    }
    async fn plan_item_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| plans::plan_item_delete(c, id, ctx)).await
    }
    async fn rectifications(&self, scope_path: &str) -> Result<Vec<Rectification>> {
        self.read_in(scope_path, move |c, scope_path| plans::rectifications(c, scope_path)).await
    }
    async fn rectification_get(&self, id: Id) -> Result<Option<Rectification>> {
        self.read(move |c| plans::rectification_get(c, id)).await
    }
    async fn rectification_save(&self, r: Rectification, ctx: &AuditCtx) -> Result<Rectification> {
        self.write_as(ctx, move |c, ctx| plans::rectification_save(c, &r, ctx)).await
    }

    async fn target_list(&self, scope_path: &str, year: i32) -> Result<Vec<Target>> {
        self.read_in(scope_path, move |c, scope_path| targets::list(c, scope_path, year)).await
    }
    async fn target_get(&self, id: Id) -> Result<Option<Target>> {
        self.read(move |c| targets::get(c, id)).await
    }
    async fn target_create(&self, target: Target, ctx: &AuditCtx) -> Result<Target> {
        self.write_as(ctx, move |c, ctx| targets::create(c, &target, ctx)).await
    }
    async fn target_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| targets::delete(c, id, ctx)).await
    }

    async fn duties(&self, scope_path: &str) -> Result<Vec<Duty>> {
        self.read_in(scope_path, move |c, scope_path| responsibility::duties(c, scope_path)).await
    }
    async fn duty_get(&self, id: Id) -> Result<Option<Duty>> {
        self.read(move |c| responsibility::duty_get(c, id)).await
    }
    async fn duty_save(&self, duty: Duty, ctx: &AuditCtx) -> Result<Duty> {
        self.write_as(ctx, move |c, ctx| responsibility::duty_save(c, &duty, ctx)).await
    }
    async fn duty_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| responsibility::duty_delete(c, id, ctx)).await
    }
    async fn pledges(&self, scope_path: &str) -> Result<Vec<Pledge>> {
        self.read_in(scope_path, move |c, scope_path| responsibility::pledges(c, scope_path)).await
    }
    async fn pledge_get(&self, id: Id) -> Result<Option<Pledge>> {
        self.read(move |c| responsibility::pledge_get(c, id)).await
    }
    async fn pledge_create(&self, pledge: Pledge, scan: Option<NewFile>, ctx: &AuditCtx) -> Result<Pledge> {
        self.write_as(ctx, move |c, ctx| responsibility::pledge_create(c, &pledge, scan.as_ref(), ctx)).await
    }
    async fn pledge_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| responsibility::pledge_delete(c, id, ctx)).await
    }
    async fn attachment_set(
        &self,
        owner: AttachmentOwner,
        org_id: Id,
        file: NewFile,
        ctx: &AuditCtx,
    ) -> Result<Attachment> {
        self.write_as(ctx, move |c, ctx| attachments::attachment_set(c, owner, org_id, &file, ctx)).await
    }
    async fn attachment(&self, id: Id) -> Result<Option<(Attachment, Vec<u8>)>> {
        self.read(move |c| attachments::attachment(c, id)).await
    }
    async fn cases(&self, scope_path: &str) -> Result<Vec<Case>> {
        self.read_in(scope_path, move |c, scope_path| cases::cases(c, scope_path)).await
    }
    async fn case_get(&self, id: Id) -> Result<Option<Case>> {
        self.read(move |c| cases::case_get(c, id)).await
    }
    async fn case_save(&self, case: Case, ctx: &AuditCtx) -> Result<Case> {
        self.write_as(ctx, move |c, ctx| cases::case_save(c, &case, ctx)).await
    }
    async fn case_step_add(&self, case_id: Id, step: CaseStep, ctx: &AuditCtx) -> Result<Case> {
        self.write_as(ctx, move |c, ctx| cases::case_step_add(c, case_id, &step, ctx)).await
    }
    async fn projects(&self, scope_path: &str) -> Result<Vec<Project>> {
        self.read_in(scope_path, move |c, scope_path| projects::projects(c, scope_path)).await
    }
    async fn project_get(&self, id: Id) -> Result<Option<Project>> {
        self.read(move |c| projects::project_get(c, id)).await
    }
    async fn project_save(&self, project: Project, ctx: &AuditCtx) -> Result<Project> {
        self.write_as(ctx, move |c, ctx| projects::project_save(c, &project, ctx)).await
    }
    async fn progress_add(
        &self,
        project_id: Id,
        update: ProgressUpdate,
        photo: Option<NewFile>,
        ctx: &AuditCtx,
    ) -> Result<Project> {
        self.write_as(ctx, move |c, ctx| projects::progress_add(c, project_id, &update, photo.as_ref(), ctx)).await
    }
    async fn review_items(&self, org_id: Id, period: &str) -> Result<Vec<ReviewItem>> {
        let period = period.to_owned();
        self.read(move |c| reviews::review_items(c, org_id, &period)).await
    }
    async fn review_item_get(&self, id: Id) -> Result<Option<ReviewItem>> {
        self.read(move |c| reviews::review_item_get(c, id)).await
    }
    async fn review_item_save(&self, item: ReviewItem, ctx: &AuditCtx) -> Result<ReviewItem> {
        self.write_as(ctx, move |c, ctx| reviews::review_item_save(c, &item, ctx)).await
    }
    async fn review_item_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| reviews::review_item_delete(c, id, ctx)).await
    }
    async fn review_dismissed(&self, org_id: Id, period: &str) -> Result<Vec<String>> {
        let period = period.to_owned();
        self.read(move |c| reviews::review_dismissed(c, org_id, &period)).await
    }
    async fn review_dismiss(&self, org_id: Id, period: &str, key: &str, ctx: &AuditCtx) -> Result<()> {
        let (period, key, ctx) = (period.to_owned(), key.to_owned(), ctx.clone());
        self.write(move |c| reviews::review_dismiss(c, org_id, &period, &key, &ctx)).await
    }

    async fn summary_save(&self, summary: SavedSummary, ctx: &AuditCtx) -> Result<SavedSummary> {
        self.write_as(ctx, move |c, ctx| summaries::summary_save(c, &summary, ctx)).await
    }
    async fn summary_get(&self, id: Id) -> Result<Option<SavedSummary>> {
        self.read(move |c| summaries::summary_get(c, id)).await
    }
    async fn summaries(&self, org_id: Id, period: Option<&str>) -> Result<Vec<SavedSummary>> {
        let period = period.map(str::to_owned);
        self.read(move |c| summaries::summaries(c, org_id, period.as_deref())).await
    }

    async fn summary_templates(&self, org_ids: Vec<Id>) -> Result<Vec<(Id, String)>> {
        self.read(move |c| summaries::summary_templates(c, &org_ids)).await
    }
    async fn summary_template_set(&self, org_id: Id, source: Option<String>, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| summaries::summary_template_set(c, org_id, source.as_deref(), ctx)).await
    }
    async fn summary_compositions(&self, org_ids: Vec<Id>) -> Result<Vec<(Id, String)>> {
        self.read(move |c| compositions::summary_compositions(c, &org_ids)).await
    }
    async fn summary_composition_set(&self, org_id: Id, body: Option<String>, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| compositions::summary_composition_set(c, org_id, body.as_deref(), ctx)).await
    }
    async fn summary_draft(&self, org_id: Id, period: String) -> Result<Option<SummaryDraft>> {
        self.read(move |c| compositions::summary_draft(c, org_id, &period)).await
    }
    async fn summary_draft_set(
        &self,
        org_id: Id,
        period: String,
        draft: Option<SummaryDraft>,
        ctx: &AuditCtx,
    ) -> Result<()> {
        self.write_as(ctx, move |c, ctx| compositions::summary_draft_set(c, org_id, &period, draft.as_ref(), ctx)).await
    }

    async fn households(&self, query: &HouseholdQuery) -> Result<Page<Household>> {
        let query = query.clone();
        self.read(move |c| searched(c, &query.text, |c| households::households(c, &query))).await
    }
    async fn household_get(&self, id: Id) -> Result<Option<Household>> {
        self.read(move |c| households::household_get(c, id)).await
    }
    async fn households_by_ids(&self, ids: Vec<Id>) -> Result<Vec<Household>> {
        self.read(move |c| households::households_by_ids(c, &ids)).await
    }
    async fn household_save(&self, household: Household, ctx: &AuditCtx) -> Result<Household> {
        self.write_as(ctx, move |c, ctx| households::household_save(c, &household, ctx)).await
    }
    async fn resident_set(&self, person_id: Id, household: Option<(Id, String)>, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| households::resident_set(c, person_id, household, ctx)).await
    }
    async fn resident_get(&self, person_id: Id) -> Result<Option<Resident>> {
        self.read(move |c| households::resident_get(c, person_id)).await
    }
    async fn residents(&self, scope_path: &str, grid_id: Option<Id>) -> Result<Vec<Resident>> {
        self.read_in(scope_path, move |c, scope_path| households::residents(c, scope_path, grid_id)).await
    }
    async fn roster_import(
        &self,
        entries: Vec<RosterEntry>,
        scope_path: String,
        source: String,
        ctx: &AuditCtx,
    ) -> Result<RosterOutcome> {
        let outcome =
            self.write_as(ctx, move |c, ctx| roster::roster_import(c, &entries, &scope_path, &source, ctx)).await?;
        let added = outcome.added as u64;
        self.read(move |c| Ok(c.refresh_imported(&["persons", "households", "residents"], added)?)).await?;
        Ok(outcome)
    }
    async fn screenings(&self, scope_path: &str) -> Result<Vec<Screening>> {
        self.read_in(scope_path, move |c, scope_path| screening::screenings(c, scope_path)).await
    }
    async fn screenings_covering(&self, scope_path: &str) -> Result<Vec<Screening>> {
        self.read_in(scope_path, move |c, scope_path| screening::screenings_covering(c, scope_path)).await
    }
    async fn screening_get(&self, id: Id) -> Result<Option<Screening>> {
        self.read(move |c| screening::screening_get(c, id)).await
    }
    async fn screening_create(&self, screening: Screening, ctx: &AuditCtx) -> Result<Screening> {
        self.write_as(ctx, move |c, ctx| screening::screening_create(c, &screening, ctx)).await
    }
    async fn visit_record(&self, visit: Visit, ctx: &AuditCtx) -> Result<Visit> {
        self.write_as(ctx, move |c, ctx| screening::visit_record(c, &visit, ctx)).await
    }
    async fn visits_import(&self, screening_id: Id, visits: Vec<Visit>, ctx: &AuditCtx) -> Result<usize> {
        self.write_as(ctx, move |c, ctx| screening::visits_import(c, screening_id, &visits, ctx)).await
    }
    async fn visits(
        &self,
        screening_id: Id,
        household_id: Option<Id>,
        grid_id: Option<Id>,
        limit: u32,
    ) -> Result<Vec<Visit>> {
        self.read(move |c| screening::visits(c, screening_id, household_id, grid_id, limit)).await
    }
    async fn coverage(&self, screening_id: Id) -> Result<Vec<GridCoverage>> {
        self.read(move |c| screening::coverage(c, screening_id)).await
    }
    async fn missed_households(&self, screening_id: Id, grid_id: Option<Id>, limit: u32) -> Result<Vec<Household>> {
        self.read(move |c| screening::missed_households(c, screening_id, grid_id, limit)).await
    }
    async fn screening_households(&self, query: &ScreeningHouseholdQuery) -> Result<Page<ScreeningHousehold>> {
        let query = query.clone();
        self.read(move |c| searched(c, &query.text, |c| screening::screening_households(c, &query))).await
    }
    async fn missed_persons(&self, screening_id: Id, grid_id: Option<Id>, limit: u32) -> Result<Vec<Resident>> {
        self.read(move |c| screening::missed_persons(c, screening_id, grid_id, limit)).await
    }
    async fn key_groups(&self) -> Result<Vec<KeyGroup>> {
        self.read(care::key_groups).await
    }
    async fn key_group_create(&self, org_id: Id, name: String, ctx: &AuditCtx) -> Result<KeyGroup> {
        self.write_as(ctx, move |c, ctx| care::key_group_create(c, org_id, &name, ctx)).await
    }
    async fn key_persons(&self, scope_path: &str, person_id: Option<Id>) -> Result<Vec<KeyPerson>> {
        self.read_in(scope_path, move |c, scope_path| care::key_persons(c, scope_path, person_id)).await
    }
    async fn key_person_get(&self, id: Id) -> Result<Option<KeyPerson>> {
        self.read(move |c| care::key_person_get(c, id)).await
    }
    async fn key_person_enter(&self, entry: KeyPerson, ctx: &AuditCtx) -> Result<KeyPerson> {
        self.write_as(ctx, move |c, ctx| care::key_person_enter(c, &entry, ctx)).await
    }
    async fn key_person_leave(&self, id: Id, left_on: NaiveDate, reason: String, ctx: &AuditCtx) -> Result<KeyPerson> {
        self.write_as(ctx, move |c, ctx| care::key_person_leave(c, id, left_on, &reason, ctx)).await
    }
    async fn care_plans(&self, scope_path: &str) -> Result<Vec<CarePlan>> {
        self.read_in(scope_path, move |c, scope_path| care::care_plans(c, scope_path)).await
    }
    async fn care_plan_of(&self, person_id: Id) -> Result<Option<CarePlan>> {
        self.read(move |c| care::care_plan_of(c, person_id)).await
    }
    async fn care_plan_save(&self, plan: CarePlan, ctx: &AuditCtx) -> Result<CarePlan> {
        self.write_as(ctx, move |c, ctx| care::care_plan_save(c, &plan, ctx)).await
    }
    async fn follow_ups(&self, scope_path: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<FollowUp>> {
        self.read_in(scope_path, move |c, scope_path| care::follow_ups(c, scope_path, from, to)).await
    }
    async fn follow_up_add(&self, follow_up: FollowUp, org_id: Id, ctx: &AuditCtx) -> Result<FollowUp> {
        self.write_as(ctx, move |c, ctx| care::follow_up_add(c, &follow_up, org_id, ctx)).await
    }
    async fn health_checks(
        &self,
        scope_path: &str,
        person_id: Option<Id>,
        from: chrono::NaiveDateTime,
        to: chrono::NaiveDateTime,
    ) -> Result<Vec<HealthCheck>> {
        self.read_in(scope_path, move |c, scope_path| care::health_checks(c, scope_path, person_id, from, to)).await
    }
    async fn health_check_add(&self, check: HealthCheck, ctx: &AuditCtx) -> Result<HealthCheck> {
        self.write_as(ctx, move |c, ctx| care::health_check_add(c, &check, ctx)).await
    }
    async fn disinfections(
        &self,
        scope_path: &str,
        from: chrono::NaiveDateTime,
        to: chrono::NaiveDateTime,
    ) -> Result<Vec<Disinfection>> {
        self.read_in(scope_path, move |c, scope_path| care::disinfections(c, scope_path, from, to)).await
    }
    async fn disinfection_add(&self, entry: Disinfection, ctx: &AuditCtx) -> Result<Disinfection> {
        self.write_as(ctx, move |c, ctx| care::disinfection_add(c, &entry, ctx)).await
    }

    async fn report_task_get(&self, id: Id) -> Result<Option<ReportTask>> {
        self.read(move |c| reporting::task_get(c, id)).await
    }
    async fn report_tasks(&self, scope_path: &str) -> Result<Vec<ReportTask>> {
        self.read_in(scope_path, move |c, scope_path| reporting::tasks(c, scope_path)).await
    }
    async fn report_task_create(&self, task: ReportTask, ctx: &AuditCtx) -> Result<ReportTask> {
        self.write_as(ctx, move |c, ctx| reporting::task_create(c, &task, ctx)).await
    }
    async fn submission_get(&self, task_id: Id, org_id: Id, period: &str) -> Result<Option<Submission>> {
        let period = period.to_owned();
        self.read(move |c| reporting::submission_get(c, task_id, org_id, &period)).await
    }
    async fn submissions(&self, task_id: Id, scope_path: &str, periods: Vec<String>) -> Result<Vec<Submission>> {
        self.read_in(scope_path, move |c, scope_path| reporting::submissions(c, task_id, scope_path, &periods)).await
    }
    async fn submissions_in(&self, scope_path: &str, states: Vec<State>) -> Result<Vec<Submission>> {
        self.read_in(scope_path, move |c, scope_path| reporting::submissions_in(c, scope_path, &states)).await
    }
    async fn submission_save(&self, change: SubmissionChange, ctx: &AuditCtx) -> Result<Submission> {
        self.write_as(ctx, move |c, ctx| reporting::submission_save(c, &change, ctx)).await
    }
    async fn submission_comment(&self, submission: Submission, text: String, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| reporting::comment(c, &submission, &text, ctx)).await
    }
    async fn submission_thread(&self, submission_id: Id) -> Result<(Vec<Snapshot>, Vec<Comment>)> {
        self.read(move |c| Ok((reporting::snapshots(c, submission_id)?, reporting::comments(c, submission_id)?))).await
    }
    async fn report_remind(&self, task_id: Id, org_id: Id, period: &str, ctx: &AuditCtx) -> Result<()> {
        let period = period.to_owned();
        self.write_as(ctx, move |c, ctx| reporting::remind(c, task_id, org_id, &period, ctx)).await
    }
    async fn report_reminders(&self, scope_path: &str) -> Result<Vec<Reminder>> {
        self.read_in(scope_path, move |c, scope_path| reporting::reminders(c, scope_path)).await
    }
    async fn report_lock_on(&self, org_path: &str, day: NaiveDate) -> Result<Option<ReportLock>> {
        self.read_in(org_path, move |c, org_path| reporting::lock_on(c, org_path, day)).await
    }

    async fn indicators(&self, scope_path: &str, also: Vec<Id>) -> Result<Vec<Indicator>> {
        self.read_in(scope_path, move |c, scope_path| indicators::list(c, scope_path, &also)).await
    }
    async fn indicator_get(&self, id: Id) -> Result<Option<Indicator>> {
        self.read(move |c| indicators::get(c, id)).await
    }
    async fn indicator_save(&self, indicator: Indicator, ctx: &AuditCtx) -> Result<Indicator> {
        self.write_as(ctx, move |c, ctx| indicators::save(c, &indicator, ctx)).await
    }
    async fn indicator_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()> {
        self.write_as(ctx, move |c, ctx| indicators::delete(c, id, ctx)).await
    }
    async fn indicator_values(&self, scope_path: &str, periods: Vec<String>) -> Result<Vec<IndicatorValue>> {
        self.read_in(scope_path, move |c, scope_path| indicators::values(c, scope_path, &periods)).await
    }
    async fn indicator_values_of(&self, indicator_id: Id) -> Result<Vec<IndicatorValue>> {
        self.read(move |c| indicators::values_of(c, indicator_id)).await
    }
    async fn indicator_values_apply(
        &self,
        changes: Vec<ValueChange>,
        org_id: Id,
        source: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<usize> {
        self.write_as(ctx, move |c, ctx| indicators::apply(c, &changes, org_id, source.as_deref(), ctx)).await
    }

    async fn overview(&self, scope_path: &str) -> Result<Overview> {
        self.read_in(scope_path, move |c, scope_path| orgs::overview(c, scope_path)).await
    }
}
