//! The storage interface. Implementations (SQLite, PostgreSQL) live in the
//! `taizhang-store` crate; services here only see this trait.
//!
//! Every writing method takes an [`AuditCtx`] and appends its audit entry in
//! the same transaction as the change: either both land or neither does.

use async_trait::async_trait;

use chrono::{NaiveDate, NaiveDateTime};

use crate::cases::{Case, CaseStep};
use crate::error::Result;
use crate::evidence::{Attachment, AttachmentOwner, Evidence, NewEvidence, NewFile};
use crate::grid::*;
use crate::ledger::{
    Activity, ActivityCounts, ActivityFields, ActivityQuery, ActivityRow, Campaign, PlanItem, Rectification, WorkArea,
};
use crate::model::*;
use crate::project::{ProgressUpdate, Project};
use crate::responsibility::{Duty, Pledge};
use crate::review::ReviewItem;
use crate::summary::SavedSummary;
use crate::target::Target;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;

    /// The connection pool now: (connections open, of which idle, largest size).
    fn pool_status(&self) -> (u32, u32, u32);

    /// Cheap liveness probe.
    async fn ping(&self) -> Result<()>;

    // --- organisations ---
    async fn org_get(&self, id: Id) -> Result<Option<Org>>;
    /// The org at `root_path` and everything below it, ordered by path.
    async fn org_subtree(&self, root_path: &str) -> Result<Vec<Org>>;
    async fn org_find_by_name(&self, name: &str) -> Result<Vec<Org>>;
    async fn org_create(&self, new: NewOrg, ctx: &AuditCtx) -> Result<Org>;
    /// Rename, move (rewriting the paths of the whole subtree) or close.
    async fn org_update(&self, id: Id, change: OrgChange, ctx: &AuditCtx) -> Result<Org>;

    // --- people ---
    async fn person_get(&self, id: Id) -> Result<Option<Person>>;
    /// The person who holds an ID number, anywhere in the register.
    async fn person_by_id_number(&self, number: &crate::id_number::IdNumber) -> Result<Option<Person>>;
    async fn person_search(&self, query: &PersonQuery) -> Result<Page<Person>>;
    async fn person_create(&self, fields: PersonFields, ctx: &AuditCtx) -> Result<Person>;
    async fn person_update(&self, id: Id, fields: PersonFields, ctx: &AuditCtx) -> Result<Person>;
    /// Deletes the person and their memberships.
    async fn person_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;

    // --- memberships ---
    async fn membership_get(&self, id: Id) -> Result<Option<Membership>>;
    async fn memberships_of_person(&self, person_id: Id) -> Result<Vec<Membership>>;
    async fn memberships_of_org(&self, org_id: Id) -> Result<Vec<Membership>>;
    async fn membership_create(&self, new: NewMembership, ctx: &AuditCtx) -> Result<Membership>;
    async fn membership_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;

    // --- user accounts ---
    async fn user_get(&self, id: Id) -> Result<Option<User>>;
    async fn user_by_username(&self, username: &str) -> Result<Option<User>>;
    /// Accounts whose org lies in the subtree at `scope_path`.
    async fn user_list(&self, scope_path: &str) -> Result<Vec<User>>;
    async fn user_create(&self, new: NewUser, ctx: &AuditCtx) -> Result<User>;
    async fn user_update(&self, id: Id, change: UserChange, ctx: &AuditCtx) -> Result<User>;
    async fn user_set_password(&self, id: Id, password_hash: String, ctx: &AuditCtx) -> Result<()>;

    // --- sessions and API tokens ---
    async fn session_create(&self, session: Session) -> Result<()>;
    /// The live (unexpired) session with this token hash, its account and
    /// the path of the account's org.
    async fn session_get(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<(Session, User, String)>>;
    async fn session_delete(&self, token_hash: &str) -> Result<()>;
    async fn sessions_delete_for_user(&self, user_id: Id) -> Result<()>;
    /// Ends every session and API token of the account except the one with
    /// this token hash (the one that changed the password).
    async fn sessions_delete_others(&self, user_id: Id, keep_token_hash: &str) -> Result<()>;

    // --- audit log ---
    /// Appends an entry that is not tied to a change (sign-in, unmasked view).
    async fn audit_append(&self, record: AuditRecord) -> Result<()>;
    async fn audit_list(&self, query: &AuditQuery) -> Result<Page<AuditEntry>>;
    /// Every entry in order, for verification of the hash chain.
    async fn audit_all(&self) -> Result<Vec<AuditEntry>>;

    // --- ledgers ---
    async fn work_areas(&self) -> Result<Vec<WorkArea>>;
    /// Adds an org's own work area (under a shared or own parent).
    async fn work_area_create(
        &self,
        org_id: Id,
        parent_id: Option<Id>,
        name: String,
        purpose: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<WorkArea>;
    /// Sets an area's name and purpose.
    async fn work_area_update(&self, id: Id, name: String, purpose: Option<String>, ctx: &AuditCtx)
    -> Result<WorkArea>;
    /// Volunteer service per person over a subtree and date range:
    /// (person id, name, activities, hours), most hours first.
    async fn volunteer_hours(
        &self,
        scope_path: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Id, String, u64, f64)>>;
    async fn campaigns(&self) -> Result<Vec<Campaign>>;
    /// Kinds added by administrators: (name, org id).
    async fn custom_kinds(&self) -> Result<Vec<(String, Id)>>;
    async fn custom_kind_create(&self, org_id: Id, name: String, ctx: &AuditCtx) -> Result<()>;
    async fn campaign_create(
        &self,
        org_id: Id,
        name: String,
        purpose: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<Campaign>;
    /// Sets a campaign's name and purpose.
    async fn campaign_update(&self, id: Id, name: String, purpose: Option<String>, ctx: &AuditCtx) -> Result<Campaign>;
    async fn activity_get(&self, id: Id) -> Result<Option<Activity>>;
    async fn activity_list(&self, query: &ActivityQuery) -> Result<Page<ActivityRow>>;
    /// Every activity the query matches (paging ignored), oldest first, in full.
    async fn activities_matching(&self, query: &ActivityQuery) -> Result<Vec<Activity>>;
    async fn activity_create(&self, fields: ActivityFields, ctx: &AuditCtx) -> Result<Activity>;
    /// Creates an activity and stores the files sent with it (their
    /// `activity_id` is set to the new record's) in one transaction.
    async fn activity_create_with_evidence(
        &self,
        fields: ActivityFields,
        files: Vec<NewEvidence>,
        ctx: &AuditCtx,
    ) -> Result<Activity>;
    /// The last activity the account entered, of this kind (any when None).
    async fn activity_last_recorded(&self, user_id: Id, kind: Option<String>) -> Result<Option<Id>>;
    async fn activity_update(&self, id: Id, fields: ActivityFields, ctx: &AuditCtx) -> Result<Activity>;
    async fn activity_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Stores many activities in one transaction with one audit entry
    /// (imports): all land or none do. Returns how many were stored.
    async fn activity_import(&self, all: Vec<ActivityFields>, source: String, ctx: &AuditCtx) -> Result<usize>;
    /// How many activities of each org, kind and day in a subtree between
    /// two days (inclusive), for the given kinds: (org id, kind, day, count).
    async fn activity_day_counts(
        &self,
        scope_path: &str,
        kinds: Vec<String>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Id, String, NaiveDate, u32)>>;
    /// The number of activities a query matches (no rows fetched).
    async fn activity_count(&self, query: &ActivityQuery) -> Result<u64>;
    /// Counts from the per-month aggregate over a subtree, months inclusive ("YYYY-MM").
    async fn activity_counts(&self, scope_path: &str, from_month: &str, to_month: &str) -> Result<ActivityCounts>;
    /// The latest month ("2020-06") with activities in a subtree.
    async fn activity_latest_month(&self, scope_path: &str) -> Result<Option<String>>;

    // --- evidence ---
    async fn evidence_add(&self, new: NewEvidence, ctx: &AuditCtx) -> Result<Evidence>;
    async fn evidence_list(&self, activity_id: Id) -> Result<Vec<Evidence>>;
    async fn evidence_get(&self, id: Id) -> Result<Option<Evidence>>;
    /// The file's bytes, or its thumbnail's.
    async fn evidence_data(&self, id: Id, thumbnail: bool) -> Result<Option<Vec<u8>>>;
    async fn evidence_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;

    // --- study plans and rectifications ---
    /// Plan items of the orgs in the subtree for a year, by org and month.
    async fn plan_items(&self, scope_path: &str, year: i32) -> Result<Vec<PlanItem>>;
    async fn plan_item_get(&self, id: Id) -> Result<Option<PlanItem>>;
    /// Stores a new item (its `id` is ignored) or, when `id` is set, replaces it.
    async fn plan_item_save(&self, item: PlanItem, ctx: &AuditCtx) -> Result<PlanItem>;
    async fn plan_item_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Rectifications of the orgs in the subtree, by deadline.
    async fn rectifications(&self, scope_path: &str) -> Result<Vec<Rectification>>;
    async fn rectification_get(&self, id: Id) -> Result<Option<Rectification>>;
    /// Stores a new order (its `id` is ignored) or, when `id` is set, replaces it.
    async fn rectification_save(&self, r: Rectification, ctx: &AuditCtx) -> Result<Rectification>;

    // --- targets ---
    /// Targets of the orgs in the subtree for a year.
    async fn target_list(&self, scope_path: &str, year: i32) -> Result<Vec<Target>>;
    async fn target_get(&self, id: Id) -> Result<Option<Target>>;
    /// Stores a target (its `id` is ignored) with its exemptions.
    async fn target_create(&self, target: Target, ctx: &AuditCtx) -> Result<Target>;
    async fn target_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;

    // --- responsibility system ---
    /// Duties in the orgs of the subtree, by org, first-responsible first.
    async fn duties(&self, scope_path: &str) -> Result<Vec<Duty>>;
    async fn duty_get(&self, id: Id) -> Result<Option<Duty>>;
    /// Stores a new duty (its `id` is ignored) or, when `id` is set, replaces it.
    /// A second first-responsible person for an org is a conflict on `first_responsible`.
    async fn duty_save(&self, duty: Duty, ctx: &AuditCtx) -> Result<Duty>;
    async fn duty_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Pledges of the orgs in the subtree, by org and year.
    async fn pledges(&self, scope_path: &str) -> Result<Vec<Pledge>>;
    async fn pledge_get(&self, id: Id) -> Result<Option<Pledge>>;
    /// Stores a new pledge with its scan, if any, in one transaction.
    async fn pledge_create(&self, pledge: Pledge, scan: Option<NewFile>, ctx: &AuditCtx) -> Result<Pledge>;
    async fn pledge_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Stores a file as a pledge's scan or a progress update's photo, replacing
    /// (and deleting) the one it had.
    async fn attachment_set(
        &self,
        owner: AttachmentOwner,
        org_id: Id,
        file: NewFile,
        ctx: &AuditCtx,
    ) -> Result<Attachment>;
    /// An attached file (a pledge's scan, a progress photo) with its bytes.
    async fn attachment(&self, id: Id) -> Result<Option<(Attachment, Vec<u8>)>>;

    // --- petitions, disputes and ideology problems ---
    /// Matters of the orgs in the subtree, newest first, with their steps.
    async fn cases(&self, scope_path: &str) -> Result<Vec<Case>>;
    async fn case_get(&self, id: Id) -> Result<Option<Case>>;
    /// Stores a new matter (its `id` is ignored) or, when `id` is set, replaces
    /// its fields; steps are only ever added, by [`Store::case_step_add`].
    async fn case_save(&self, case: Case, ctx: &AuditCtx) -> Result<Case>;
    async fn case_step_add(&self, case_id: Id, step: CaseStep, ctx: &AuditCtx) -> Result<Case>;

    // --- projects ---
    /// Projects of the orgs in the subtree, with milestones and updates.
    async fn projects(&self, scope_path: &str) -> Result<Vec<Project>>;
    async fn project_get(&self, id: Id) -> Result<Option<Project>>;
    /// Stores a new project or, when `id` is set, replaces its fields and
    /// milestones (matched by id; new ones have id 0). Updates are kept.
    async fn project_save(&self, project: Project, ctx: &AuditCtx) -> Result<Project>;
    /// Adds a dated progress update with its photo, if any.
    async fn progress_add(
        &self,
        project_id: Id,
        update: ProgressUpdate,
        photo: Option<NewFile>,
        ctx: &AuditCtx,
    ) -> Result<Project>;

    // --- problems and plans ---
    async fn review_items(&self, org_id: Id, period: &str) -> Result<Vec<ReviewItem>>;
    async fn review_item_get(&self, id: Id) -> Result<Option<ReviewItem>>;
    /// Stores a new item (at the end of its section) or replaces one. An item
    /// from a suggestion already accepted is a conflict on `key`.
    async fn review_item_save(&self, item: ReviewItem, ctx: &AuditCtx) -> Result<ReviewItem>;
    async fn review_item_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Suggestions dropped for an org and period, by key.
    async fn review_dismissed(&self, org_id: Id, period: &str) -> Result<Vec<String>>;
    async fn review_dismiss(&self, org_id: Id, period: &str, key: &str, ctx: &AuditCtx) -> Result<()>;

    // --- summaries ---
    /// Keeps a generated summary as a version.
    async fn summary_save(&self, summary: SavedSummary, ctx: &AuditCtx) -> Result<SavedSummary>;
    async fn summary_get(&self, id: Id) -> Result<Option<SavedSummary>>;
    /// Versions of an org's summaries (of one period when given), newest first.
    async fn summaries(&self, org_id: Id, period: Option<&str>) -> Result<Vec<SavedSummary>>;

    /// The summary templates of these orgs: (org id, source).
    async fn summary_templates(&self, org_ids: Vec<Id>) -> Result<Vec<(Id, String)>>;
    /// Sets an org's own template, or removes it (back to the inherited one) when `None`.
    async fn summary_template_set(&self, org_id: Id, source: Option<String>, ctx: &AuditCtx) -> Result<()>;
    /// The summary compositions of these orgs: (org id, JSON body).
    async fn summary_compositions(&self, org_ids: Vec<Id>) -> Result<Vec<(Id, String)>>;
    /// Sets an org's own composition, or removes it when `None`.
    async fn summary_composition_set(&self, org_id: Id, body: Option<String>, ctx: &AuditCtx) -> Result<()>;
    /// The draft of an org's summary of a period, if any.
    async fn summary_draft(&self, org_id: Id, period: String) -> Result<Option<crate::summary::SummaryDraft>>;
    /// Keeps a draft (replacing the one of its org and period), or removes
    /// the draft of `org_id` and `period` when `draft` is `None`.
    async fn summary_draft_set(
        &self,
        org_id: Id,
        period: String,
        draft: Option<crate::summary::SummaryDraft>,
        ctx: &AuditCtx,
    ) -> Result<()>;

    // --- grid work ---
    async fn households(&self, query: &HouseholdQuery) -> Result<Page<Household>>;
    async fn household_get(&self, id: Id) -> Result<Option<Household>>;
    /// The households with these ids (those that exist), with their members.
    async fn households_by_ids(&self, ids: Vec<Id>) -> Result<Vec<Household>>;
    /// Stores a new household (its `id` is 0) or replaces its grid and address;
    /// a second household at the same address of a grid is a conflict on `address`.
    async fn household_save(&self, household: Household, ctx: &AuditCtx) -> Result<Household>;
    /// Puts a person in a household with a relation, or takes them out (`None`).
    async fn resident_set(&self, person_id: Id, household: Option<(Id, String)>, ctx: &AuditCtx) -> Result<()>;
    async fn resident_get(&self, person_id: Id) -> Result<Option<Resident>>;
    /// Residents of the grids of a subtree (or of one grid), by grid and household.
    async fn residents(&self, scope_path: &str, grid_id: Option<Id>) -> Result<Vec<Resident>>;
    /// Imports a checked roster in one transaction with one audit entry,
    /// merging by ID number and creating the households it names. An ID
    /// number already registered outside `scope_path` is an input error on
    /// its row, and nothing is written.
    async fn roster_import(
        &self,
        entries: Vec<RosterEntry>,
        scope_path: String,
        source: String,
        ctx: &AuditCtx,
    ) -> Result<RosterOutcome>;

    /// Campaigns run by the orgs of a subtree, newest first.
    async fn screenings(&self, scope_path: &str) -> Result<Vec<Screening>>;
    /// Campaigns that cover at least one grid of a subtree.
    async fn screenings_covering(&self, scope_path: &str) -> Result<Vec<Screening>>;
    async fn screening_get(&self, id: Id) -> Result<Option<Screening>>;
    async fn screening_create(&self, screening: Screening, ctx: &AuditCtx) -> Result<Screening>;
    /// Records a visit and the status of each person it found.
    async fn visit_record(&self, visit: Visit, ctx: &AuditCtx) -> Result<Visit>;
    /// Records many visits of one campaign, at most one per household, in one
    /// transaction with one audit entry.
    async fn visits_import(&self, screening_id: Id, visits: Vec<Visit>, ctx: &AuditCtx) -> Result<usize>;
    /// The latest visits of a campaign (of one household, or one grid, when given).
    async fn visits(
        &self,
        screening_id: Id,
        household_id: Option<Id>,
        grid_id: Option<Id>,
        limit: u32,
    ) -> Result<Vec<Visit>>;
    /// A campaign's coverage per grid.
    async fn coverage(&self, screening_id: Id) -> Result<Vec<GridCoverage>>;
    async fn missed_households(&self, screening_id: Id, grid_id: Option<Id>, limit: u32) -> Result<Vec<Household>>;
    /// A page of the households of a campaign's grids, each with its latest
    /// visit's day, searched as [`Store::households`] searches, in the order
    /// addresses read ([`crate::grid::address_key`]).
    async fn screening_households(&self, query: &ScreeningHouseholdQuery) -> Result<Page<ScreeningHousehold>>;
    async fn missed_persons(&self, screening_id: Id, grid_id: Option<Id>, limit: u32) -> Result<Vec<Resident>>;

    async fn key_groups(&self) -> Result<Vec<KeyGroup>>;
    async fn key_group_create(&self, org_id: Id, name: String, ctx: &AuditCtx) -> Result<KeyGroup>;
    /// Stays in key groups of the people of a subtree (of one person), newest first.
    async fn key_persons(&self, scope_path: &str, person_id: Option<Id>) -> Result<Vec<KeyPerson>>;
    async fn key_person_get(&self, id: Id) -> Result<Option<KeyPerson>>;
    /// A person enters a key group; being in it already is a conflict on `person_id`.
    async fn key_person_enter(&self, entry: KeyPerson, ctx: &AuditCtx) -> Result<KeyPerson>;
    async fn key_person_leave(&self, id: Id, left_on: NaiveDate, reason: String, ctx: &AuditCtx) -> Result<KeyPerson>;
    async fn care_plans(&self, scope_path: &str) -> Result<Vec<CarePlan>>;
    async fn care_plan_of(&self, person_id: Id) -> Result<Option<CarePlan>>;
    /// Creates or replaces the person's one plan.
    async fn care_plan_save(&self, plan: CarePlan, ctx: &AuditCtx) -> Result<CarePlan>;
    /// Follow-ups of the people of a subtree done between two days, newest first.
    async fn follow_ups(&self, scope_path: &str, from: NaiveDate, to: NaiveDate) -> Result<Vec<FollowUp>>;
    async fn follow_up_add(&self, follow_up: FollowUp, org_id: Id, ctx: &AuditCtx) -> Result<FollowUp>;
    /// Readings of the people of a subtree (of one person) from `from` up to `to`, newest first.
    async fn health_checks(
        &self,
        scope_path: &str,
        person_id: Option<Id>,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<HealthCheck>>;
    async fn health_check_add(&self, check: HealthCheck, ctx: &AuditCtx) -> Result<HealthCheck>;
    async fn disinfections(
        &self,
        scope_path: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<Vec<Disinfection>>;
    async fn disinfection_add(&self, entry: Disinfection, ctx: &AuditCtx) -> Result<Disinfection>;

    // --- indicators ---
    /// Indicators defined by the orgs of the subtree at `scope_path` or by
    /// the orgs `also` (its ancestors), with their orgs' paths.
    async fn indicators(&self, scope_path: &str, also: Vec<Id>) -> Result<Vec<crate::indicator::Indicator>>;
    async fn indicator_get(&self, id: Id) -> Result<Option<crate::indicator::Indicator>>;
    /// Stores a new indicator (its `id` is 0) or replaces one's fields; a
    /// second of the same name in an org is a conflict on `name`.
    async fn indicator_save(
        &self,
        indicator: crate::indicator::Indicator,
        ctx: &AuditCtx,
    ) -> Result<crate::indicator::Indicator>;
    /// Deletes an indicator and its values.
    async fn indicator_delete(&self, id: Id, ctx: &AuditCtx) -> Result<()>;
    /// Values of the orgs of a subtree for these periods.
    async fn indicator_values(
        &self,
        scope_path: &str,
        periods: Vec<String>,
    ) -> Result<Vec<crate::indicator::IndicatorValue>>;
    /// Every value of one indicator.
    async fn indicator_values_of(&self, indicator_id: Id) -> Result<Vec<crate::indicator::IndicatorValue>>;
    /// Applies a batch of changes in one transaction: all land or none. With
    /// a `source` (an import) one audit entry for the batch, on `org_id`;
    /// otherwise one per value changed. Returns how many values changed.
    async fn indicator_values_apply(
        &self,
        changes: Vec<crate::indicator::ValueChange>,
        org_id: Id,
        source: Option<String>,
        ctx: &AuditCtx,
    ) -> Result<usize>;

    // --- upward reporting ---
    async fn report_task_get(&self, id: Id) -> Result<Option<crate::reporting::ReportTask>>;
    /// Tasks set by the orgs of the subtree at `scope_path` or by the orgs above it, newest first.
    async fn report_tasks(&self, scope_path: &str) -> Result<Vec<crate::reporting::ReportTask>>;
    async fn report_task_create(
        &self,
        task: crate::reporting::ReportTask,
        ctx: &AuditCtx,
    ) -> Result<crate::reporting::ReportTask>;
    async fn submission_get(
        &self,
        task_id: Id,
        org_id: Id,
        period: &str,
    ) -> Result<Option<crate::reporting::Submission>>;
    /// A task's submissions of these periods by the orgs of a subtree.
    async fn submissions(
        &self,
        task_id: Id,
        scope_path: &str,
        periods: Vec<String>,
    ) -> Result<Vec<crate::reporting::Submission>>;
    /// Submissions of the orgs of a subtree in these states, of any task.
    async fn submissions_in(
        &self,
        scope_path: &str,
        states: Vec<crate::reporting::State>,
    ) -> Result<Vec<crate::reporting::Submission>>;
    /// Stores a submission's change with its snapshot, comment and audit
    /// entry in one transaction; a submission changed since `expected` was
    /// read is a conflict.
    async fn submission_save(&self, change: SubmissionChange, ctx: &AuditCtx) -> Result<crate::reporting::Submission>;
    async fn submission_comment(
        &self,
        submission: crate::reporting::Submission,
        text: String,
        ctx: &AuditCtx,
    ) -> Result<()>;
    async fn submission_thread(
        &self,
        submission_id: Id,
    ) -> Result<(Vec<crate::reporting::Snapshot>, Vec<crate::reporting::Comment>)>;
    async fn report_remind(&self, task_id: Id, org_id: Id, period: &str, ctx: &AuditCtx) -> Result<()>;
    /// Reminders to the orgs of a subtree, newest first.
    async fn report_reminders(&self, scope_path: &str) -> Result<Vec<crate::reporting::Reminder>>;
    /// The approved submission whose lock covers an activity of the org at
    /// `org_path` on `day`, if any.
    async fn report_lock_on(&self, org_path: &str, day: NaiveDate) -> Result<Option<ReportLock>>;

    // --- overview ---
    async fn overview(&self, scope_path: &str) -> Result<Overview>;
}

/// A page of households inside one subtree.
#[derive(Debug, Clone)]
pub struct HouseholdQuery {
    pub scope_path: String,
    pub grid_id: Option<Id>,
    /// Part of the address, or a member as the people search finds them.
    pub text: String,
    pub page: u32,
    pub per_page: u32,
    /// The page after this cursor (keyset), instead of `page`.
    pub after: Option<crate::model::Cursor>,
}

/// A page of a campaign's households.
#[derive(Debug, Clone)]
pub struct ScreeningHouseholdQuery {
    pub screening_id: Id,
    /// The grids to list (those of the campaign the actor may see).
    pub grid_ids: Vec<Id>,
    /// Part of the address or of a member's name, or its pinyin or initials.
    pub text: String,
    /// Only the visited (true) or the not yet visited (false) households.
    pub visited: Option<bool>,
    pub page: u32,
    pub per_page: u32,
}

/// A change of a submission as the store keeps it.
#[derive(Debug, Clone)]
pub struct SubmissionChange {
    /// The submission as it is to stand.
    pub submission: crate::reporting::Submission,
    /// The state the caller read it in (`Missing`: not stored yet).
    pub expected: crate::reporting::State,
    /// Freeze this round as a snapshot.
    pub snapshot: bool,
    /// The entry of the thread this change writes (a return's reason …).
    pub comment: Option<(crate::reporting::CommentKind, String)>,
    /// The audit log's action: "save", "submit", "return", "approve", "reopen".
    pub action: String,
}

/// What locks an activity: an approved report of its org or an org above.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLock {
    pub task: String,
    pub period: String,
    pub org: String,
}
