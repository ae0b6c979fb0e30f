//! Upward reporting: tasks set for the orgs below, each org's submission of
//! each period prefilled from its ledgers, the level above's decisions, the
//! matrix of every org and period, reminders, the to-do list, and the lock an
//! approval puts on the period's activities.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Services, activities::ActivityFilter};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::indicator::Decimal;
use crate::model::{Id, Org, OrgKind, Role};
use crate::period::Period;
use crate::reporting::*;
use crate::store::SubmissionChange;

/// Periods the matrix shows at most.
pub const MATRIX_PERIODS: usize = 24;
/// Periods of one task the to-do list looks back over.
const TODO_PERIODS: usize = 3;

/// A new task as the form or the API gives it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TaskInput {
    pub org_id: Option<Id>,
    #[serde(default)]
    pub name: String,
    /// A preset ("monthly_volunteer" …) that gives the cadence, due days and figures left empty.
    #[serde(default)]
    pub preset: String,
    #[serde(default)]
    pub cadence: String,
    #[serde(default)]
    pub first_period: String,
    #[serde(default)]
    pub last_period: String,
    pub due_days: Option<i64>,
    /// Org kinds that report ("community", …); empty: every org below.
    #[serde(default)]
    pub org_kinds: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldInput>,
    pub attach_summary: Option<bool>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldInput {
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub unit: String,
    pub source: Source,
}

/// A figure as the reporting org enters it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FigureInput {
    pub key: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub reason: String,
}

/// A decision of the level above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Return,
    Reopen,
}

/// One cell of the matrix: an org's submission of one period.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub period: String,
    pub state: State,
    pub state_label: &'static str,
    pub due_on: NaiveDate,
    /// Days past due: not reported yet (to today) or reported late (to the first submission).
    pub days_overdue: i64,
    pub on_time: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub org_id: Id,
    pub org: String,
    pub depth: usize,
    pub cells: Vec<Cell>,
    pub reported: usize,
    pub on_time: usize,
    /// Periods due by today.
    pub due: usize,
    pub on_time_rate: Option<u32>,
}

/// Every reporting org (that the actor sees) × the task's latest periods.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub task: ReportTask,
    pub periods: Vec<(String, String)>,
    pub rows: Vec<MatrixRow>,
    /// Count of cells per state, in [`State::ALL`] order: (state, label, count).
    pub counts: Vec<(State, &'static str, usize)>,
    pub due: usize,
    pub on_time: usize,
    pub on_time_rate: Option<u32>,
    /// Cells overdue and not reported (催报): (org id, org, period, days overdue, period label).
    pub overdue: Vec<(Id, String, String, i64, String)>,
}

/// One line of the figures of a submission as shown.
#[derive(Debug, Clone, Serialize)]
pub struct FigureLine {
    pub field: ReportField,
    pub value: FigureValue,
    pub corrected: bool,
    /// Where the records behind the computed figure are listed.
    pub link: Option<String>,
    /// For a reviewer: the sum of its approved children's figures.
    pub children_sum: Option<String>,
}

/// A child's submission as its reviewer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ChildState {
    pub org_id: Id,
    pub org: String,
    pub state: State,
    pub state_label: &'static str,
    pub figures: Vec<FigureValue>,
}

/// A submission with everything its page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionView {
    pub task: ReportTask,
    pub org: Org,
    pub period: ReportPeriod,
    pub period_label: String,
    pub submission: Submission,
    pub lines: Vec<FigureLine>,
    pub prefilled_percent: u32,
    pub reviewer: String,
    pub may_edit: bool,
    pub may_decide: bool,
    pub may_reopen: bool,
    pub children: Vec<ChildState>,
    pub snapshots: Vec<Snapshot>,
    pub comments: Vec<Comment>,
    /// What the last round changed against the one before.
    pub changes: Vec<Change>,
}

/// One thing on a user's to-do list.
#[derive(Debug, Clone, Serialize)]
pub struct TodoItem {
    /// "report", "returned", "remind", "approve".
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub link: String,
    pub task_id: Id,
    pub org_id: Id,
    pub period: String,
    pub due_on: Option<NaiveDate>,
}

/// The activities a figure reads: (kind, work area, campaign).
type ActivityKey = (Option<String>, Option<Id>, Option<Id>);

fn state_of(s: Option<&Submission>) -> State {
    s.map_or(State::Missing, |s| s.state)
}

fn text_field(problems: &mut Problems, field: &str, label: &str, value: &str, max: usize) -> String {
    let value = value.trim();
    if value.chars().count() > max {
        problems.add(field, format!("{label}不能超过{max}个字"));
    } else if value.chars().any(char::is_control) {
        problems.add(field, format!("{label}含有不可见的控制字符"));
    }
    value.to_owned()
}

impl Services {
    /// Sets a task for the orgs below `org_id` (an admin of that org or above).
    pub async fn report_task_create(&self, actor: &Actor, input: &TaskInput) -> Result<ReportTask> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id.or(actor.org_id), &mut problems).await;
        let preset = match input.preset.trim() {
            "" => None,
            p => {
                let found = Preset::parse(p);
                if found.is_none() {
                    problems.add("preset", "模板不存在，请从列表中选择");
                }
                found
            }
        };
        let mut name = text_field(&mut problems, "name", "任务名称", &input.name, MAX_NAME_CHARS);
        if name.is_empty() {
            name = preset.map(|p| p.name().to_owned()).unwrap_or_default();
        }
        if name.is_empty() {
            problems.add("name", "请填写任务名称");
        }
        let cadence = match (input.cadence.trim(), preset) {
            ("", Some(p)) => Some(p.cadence()),
            ("", None) => {
                problems.add("cadence", "请选择报送周期");
                None
            }
            (c, _) => {
                let found = Cadence::parse(c);
                if found.is_none() {
                    problems.add("cadence", "报送周期应为每日、每周、每月、每季度、每半年或每年");
                }
                found
            }
        };
        let due_days = input.due_days.or(preset.map(|p| p.due_days())).unwrap_or(0);
        if !(-MAX_DUE_DAYS..=MAX_DUE_DAYS).contains(&due_days) {
            problems.add("due_days", format!("截止天数应在-{MAX_DUE_DAYS}至{MAX_DUE_DAYS}之间"));
        }
        let mut org_kinds = Vec::new();
        for k in input.org_kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()) {
            match OrgKind::parse(k) {
                Some(kind) if !org_kinds.contains(&kind) => org_kinds.push(kind),
                Some(_) => {}
                None => problems.add("org_kinds", format!("组织类型“{k}”不存在")),
            }
        }
        let note = text_field(&mut problems, "note", "说明", &input.note, MAX_TEXT_CHARS);
        let fields = if input.fields.is_empty() {
            let volunteer = crate::ledger::VOLUNTEER_KIND;
            preset.map(|p| p.fields(volunteer)).unwrap_or_default()
        } else {
            for (i, f) in input.fields.iter().enumerate() {
                let label = f.label.trim();
                if label.is_empty() || label.chars().count() > 40 || label.chars().any(char::is_control) {
                    problems.add(&format!("fields[{i}].label"), format!("第{}项的名称应为1至40个字", i + 1));
                }
                if f.unit.chars().count() > 10 {
                    problems.add(&format!("fields[{i}].unit"), format!("第{}项的单位不能超过10个字", i + 1));
                }
            }
            numbered(
                input.fields.iter().map(|f| (f.label.trim().to_owned(), f.unit.trim().to_owned(), f.source.clone())),
            )
        };
        if fields.is_empty() {
            problems.add("fields", "请至少列出一项报送内容");
        } else if fields.len() > MAX_FIELDS {
            problems.add("fields", format!("报送内容不能超过{MAX_FIELDS}项"));
        }
        if let Some(org) = &org {
            self.check_sources(actor, org, &fields, &mut problems).await?;
        }
        let (mut first, mut last) = (None, None);
        if let Some(c) = cadence {
            let example = c.period_of(now().date_naive()).code();
            first = match input.first_period.trim() {
                "" => Some(c.period_of(now().date_naive())),
                p => {
                    let found = c.parse_period(p);
                    if found.is_none() {
                        problems.add(
                            "first_period",
                            format!("起始期间“{p}”无效，{}任务的期间应写作“{example}”", c.label()),
                        );
                    }
                    found
                }
            };
            last = match input.last_period.trim() {
                "" => None,
                p => {
                    let found = c.parse_period(p);
                    match (found, first) {
                        (None, _) => problems
                            .add("last_period", format!("结束期间“{p}”无效，{}任务的期间应写作“{example}”", c.label())),
                        (Some(l), Some(f)) if l.start < f.start => {
                            problems.add("last_period", "结束期间不能早于起始期间")
                        }
                        _ => {}
                    }
                    found
                }
            };
            if let Some(f) = first
                && f.end + chrono::Duration::days(due_days) < f.start
            {
                problems.add("due_days", "截止日期不能早于期间开始");
            }
        }
        problems.finish()?;
        let (Some(org), Some(cadence), Some(first)) = (org, cadence, first) else {
            return Err(Error::invalid("org_id", "请选择组织"));
        };
        let task = ReportTask {
            id: 0,
            org_id: org.id,
            org_path: org.path.clone(),
            name,
            cadence,
            first_period: first.code(),
            last_period: last.map(|l| l.code()),
            due_days,
            org_kinds,
            fields,
            attach_summary: input.attach_summary.unwrap_or(preset.is_some_and(|p| p.attach_summary())),
            note,
            created_at: now(),
            created_by: actor.username.clone(),
        };
        self.store.report_task_create(task, &actor.ctx()).await
    }

    /// The ids a task's figures name must be the org's to use.
    async fn check_sources(
        &self,
        actor: &Actor,
        org: &Org,
        fields: &[ReportField],
        problems: &mut Problems,
    ) -> Result<()> {
        let mut areas = None;
        let mut campaigns = None;
        let mut kinds = None;
        for (i, f) in fields.iter().enumerate() {
            let field = format!("fields[{i}].source");
            match &f.source {
                Source::Activities { kind, area_id, campaign_id, .. } => {
                    if let Some(k) = kind {
                        if kinds.is_none() {
                            kinds = Some(self.kinds_for(actor).await?);
                        }
                        if !kinds.iter().flatten().any(|(code, _)| code == k) {
                            problems.add(&field, format!("第{}项的活动类型“{k}”不存在", i + 1));
                        }
                    }
                    if let Some(id) = area_id {
                        if areas.is_none() {
                            areas = Some(self.work_areas_for(actor).await?);
                        }
                        if !areas.iter().flatten().any(|a| a.id == *id) {
                            problems.add(&field, format!("第{}项的工作条线不存在", i + 1));
                        }
                    }
                    if let Some(id) = campaign_id {
                        if campaigns.is_none() {
                            campaigns = Some(self.campaigns(actor).await?);
                        }
                        if !campaigns.iter().flatten().any(|c| c.id == *id) {
                            problems.add(&field, format!("第{}项的宣传主题不存在", i + 1));
                        }
                    }
                }
                Source::Indicator { id } => {
                    let found = self.store.indicator_get(*id).await?;
                    if !found.is_some_and(|x| org.path.starts_with(&x.org_path) || x.org_path.starts_with(&org.path)) {
                        problems.add(&field, format!("第{}项的统计指标不存在", i + 1));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Tasks the actor sees: set in its subtree or above it, newest first.
    pub async fn report_tasks(&self, actor: &Actor) -> Result<Vec<ReportTask>> {
        self.store.report_tasks(&actor.scope_path).await
    }

    /// A task the actor sees (set in its subtree, or above it).
    pub async fn report_task(&self, actor: &Actor, id: Id) -> Result<ReportTask> {
        match self.store.report_task_get(id).await? {
            Some(t) if actor.sees(&t.org_path) || actor.scope_path.starts_with(&t.org_path) => Ok(t),
            _ => Err(Error::NotFound),
        }
    }

    /// The task's reporting orgs (all of them, for the reviewer rule).
    async fn reporting_tree(&self, task: &ReportTask) -> Result<Vec<Org>> {
        Ok(self.store.org_subtree(&task.org_path).await?.into_iter().filter(|o| task.asks(o)).collect())
    }

    /// The figures of an org's subtree for a period, computed from its records.
    pub async fn report_prefill(
        &self,
        actor: &Actor,
        task: &ReportTask,
        org: &Org,
        period: &ReportPeriod,
    ) -> Result<Vec<FigureValue>> {
        let (start, end) = (period.start, period.end);
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut activities: HashMap<ActivityKey, Vec<crate::ledger::Activity>> = HashMap::new();
        let mut out = Vec::with_capacity(task.fields.len());
        let tree = || async { self.store.org_subtree(&org.path).await };
        let mut subtree: Option<Vec<Org>> = None;
        for f in &task.fields {
            let mut cite = String::new();
            let computed: Option<f64> = match &f.source {
                Source::Manual => None,
                Source::Activities { measure, kind, area_id, campaign_id } => {
                    let key = (kind.clone(), *area_id, *campaign_id);
                    let filter = ActivityFilter {
                        org_id: Some(org.id),
                        kind: kind.clone(),
                        work_area_id: *area_id,
                        campaign_id: *campaign_id,
                        from: Some(day(start)),
                        to: Some(day(end)),
                        ..Default::default()
                    };
                    if !activities.contains_key(&key) {
                        let found = self.activity_export(actor, &filter).await?;
                        activities.insert(key.clone(), found);
                    }
                    let list = &activities[&key];
                    let mut q =
                        vec![format!("org_id={}", org.id), format!("from={}", day(start)), format!("to={}", day(end))];
                    if let Some(k) = kind {
                        q.push(format!("kind={k}"));
                    }
                    if let Some(a) = area_id {
                        q.push(format!("work_area_id={a}"));
                    }
                    if let Some(c) = campaign_id {
                        q.push(format!("campaign_id={c}"));
                    }
                    cite = format!("/activities?{}", q.join("&"));
                    let fields = list.iter().map(|a| &a.fields);
                    Some(match measure {
                        Measure::Count => list.len() as f64,
                        Measure::People => fields.map(|f| f64::from(f.present_count())).sum(),
                        Measure::Hours => fields.map(|f| f.service_hours()).sum(),
                        Measure::Reached => fields.map(|f| f64::from(f.quantities.reached)).sum(),
                        Measure::PlatformReported => fields.filter(|f| f.reported_on.is_some()).count() as f64,
                    })
                }
                Source::Indicator { id } => {
                    let p = match period.cadence {
                        Cadence::Month | Cadence::Quarter | Cadence::Half | Cadence::Year => {
                            Period::parse(&period.code()).ok()
                        }
                        Cadence::Day | Cadence::Week => None,
                    };
                    match p {
                        Some(p) => {
                            if subtree.is_none() {
                                subtree = Some(tree().await?);
                            }
                            let figures =
                                self.indicator_figures(org, subtree.as_deref().unwrap_or_default(), &p).await?;
                            cite = format!("/indicators?org_id={}&period={}", org.id, p.code());
                            figures.iter().find(|x| x.id == *id).map(|x| x.raw)
                        }
                        None => None,
                    }
                }
                Source::KeyPersons => {
                    let key = self.store.key_persons(&org.path, None).await?;
                    cite = format!("/key-persons?org_id={}", org.id);
                    Some(key.iter().filter(|k| k.entered_on <= end && k.left_on.is_none_or(|l| l > end)).count() as f64)
                }
                Source::FollowUps => Some(self.store.follow_ups(&org.path, start, end).await?.len() as f64),
                Source::HealthChecks => {
                    let (from, to) = (super::care::day_range(start).0, super::care::day_range(end).1);
                    Some(self.store.health_checks(&org.path, None, from, to).await?.len() as f64)
                }
                Source::Disinfections => {
                    let (from, to) = (super::care::day_range(start).0, super::care::day_range(end).1);
                    cite = format!("/disinfections?org_id={}", org.id);
                    Some(self.store.disinfections(&org.path, from, to).await?.len() as f64)
                }
                Source::HouseholdsVisited => {
                    if subtree.is_none() {
                        subtree = Some(tree().await?);
                    }
                    let figures = self.screening_figures(subtree.as_deref().unwrap_or_default(), start, end).await?;
                    Some(figures.iter().map(|s| s.visited.n as f64).sum())
                }
            };
            let computed = computed.map(number_text);
            out.push(FigureValue {
                key: f.key.clone(),
                value: computed.clone().unwrap_or_default(),
                computed,
                reason: String::new(),
                cite,
            });
        }
        Ok(out)
    }

    /// The task, org and period a submission's address names, checked.
    async fn submission_key(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
    ) -> Result<(ReportTask, Org, ReportPeriod)> {
        let task = self.report_task(actor, task_id).await?;
        let org = self.visible_org(actor, org_id).await?;
        if !task.asks(&org) {
            return Err(Error::NotFound);
        }
        let period = task.period(period).ok_or_else(|| {
            Error::invalid(
                "period",
                format!("“{period}”不是本任务的报送期间（{}，自{}起）", task.cadence.label(), task.first_period),
            )
        })?;
        Ok((task, org, period))
    }

    /// May the actor decide on `org`'s submission: an admin at or above its
    /// reviewer, who is not of the reporting org itself.
    fn decides(actor: &Actor, reviewer: &str, org: &Org) -> bool {
        actor.is_admin() && actor.sees(reviewer) && !actor.scope_path.starts_with(&org.path)
    }

    /// A submission with its figures, thread, children and what the actor may do.
    pub async fn submission_view(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
    ) -> Result<SubmissionView> {
        let (task, org, period) = self.submission_key(actor, task_id, org_id, period).await?;
        let stored = self.store.submission_get(task.id, org.id, &period.code()).await?;
        let reporting_tree = self.reporting_tree(&task).await?;
        let reporting: Vec<&Org> = reporting_tree.iter().collect();
        let reviewer = reviewer_path(&task, &reporting, &org).to_owned();
        let reviewer_name = match reporting_tree.iter().find(|o| o.path == reviewer) {
            Some(o) => o.name.clone(),
            None => self.store.org_get(task.org_id).await?.map(|o| o.name).unwrap_or_default(),
        };
        let parent_state = match reporting_tree.iter().find(|o| o.path == reviewer) {
            Some(p) => state_of(self.store.submission_get(task.id, p.id, &period.code()).await?.as_ref()),
            None => State::Missing,
        };
        // A submission still open shows today's records; a sent one its
        // snapshot, so only an open one is computed.
        let mut submission = match stored {
            Some(s) if !s.state.editable() => s,
            Some(s) => {
                let prefill = self.report_prefill(actor, &task, &org, &period).await?;
                Submission { figures: merge(&prefill, &s.figures), ..s }
            }
            None => {
                let prefill = self.report_prefill(actor, &task, &org, &period).await?;
                Submission::unsaved(&task, &org, &period, prefill, now(), "")
            }
        };
        if submission.state == State::Approved && parent_state.approved() {
            submission.state = State::Locked;
        }
        let children_orgs = reviewed_by(&task, &reporting, &org.path);
        // The subtree's submissions of the period, in one read.
        let below = self.store.submissions(task.id, &org.path, vec![period.code()]).await?;
        let mut children = Vec::new();
        for c in children_orgs.iter().filter(|c| actor.sees(&c.path)) {
            let s = below.iter().find(|s| s.org_id == c.id).cloned();
            let state = state_of(s.as_ref());
            children.push(ChildState {
                org_id: c.id,
                org: c.name.clone(),
                state,
                state_label: state.label(),
                figures: s.filter(|s| s.state.reported()).map(|s| s.figures).unwrap_or_default(),
            });
        }
        let lines = task
            .fields
            .iter()
            .map(|f| {
                let value = submission.figures.iter().find(|v| v.key == f.key).cloned().unwrap_or(FigureValue {
                    key: f.key.clone(),
                    computed: None,
                    value: String::new(),
                    reason: String::new(),
                    cite: String::new(),
                });
                let approved: Vec<&ChildState> = children.iter().filter(|c| c.state.approved()).collect();
                let children_sum = (!approved.is_empty()).then(|| {
                    let total: i64 = approved
                        .iter()
                        .filter_map(|c| c.figures.iter().find(|v| v.key == f.key))
                        .filter_map(|v| Decimal::parse(&v.value, 4).ok())
                        .map(|d| d.scaled())
                        .sum();
                    Decimal::from_scaled(total).to_string()
                });
                FigureLine {
                    corrected: value.corrected(),
                    link: (!value.cite.is_empty()).then(|| value.cite.clone()),
                    field: f.clone(),
                    value,
                    children_sum,
                }
            })
            .collect();
        let (snapshots, comments) = match submission.id {
            0 => (Vec::new(), Vec::new()),
            id => self.store.submission_thread(id).await?,
        };
        let changes = match snapshots.as_slice() {
            [.., before, after] => {
                changes(&task.fields, &before.figures, &after.figures, (before.summary_id, after.summary_id))
            }
            _ => Vec::new(),
        };
        let may_decide = Self::decides(actor, &reviewer, &org);
        Ok(SubmissionView {
            prefilled_percent: prefilled_percent(&task.fields),
            period_label: period.label(),
            may_edit: actor.can_write() && submission.state.editable() && period.start <= now().date_naive(),
            may_reopen: may_decide && submission.state == State::Approved,
            may_decide: may_decide && submission.state == State::Submitted,
            reviewer: reviewer_name,
            task,
            org,
            period,
            submission,
            lines,
            children,
            snapshots,
            comments,
            changes,
        })
    }

    /// Saves a submission's figures as a draft, or submits them (`submit`).
    pub async fn submission_save(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
        figures: &[FigureInput],
        submit: bool,
    ) -> Result<Submission> {
        self.submission_save_on(actor, task_id, org_id, period, figures, submit, None).await
    }

    /// [`Services::submission_save`]; the system (the demo, an import of
    /// earlier reporting) may give the day a submission was sent.
    #[allow(clippy::too_many_arguments)]
    pub async fn submission_save_on(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
        figures: &[FigureInput],
        submit: bool,
        sent_on: Option<NaiveDate>,
    ) -> Result<Submission> {
        actor.require(Role::Recorder)?;
        if sent_on.is_some() && actor.user_id.is_some() {
            return Err(Error::Forbidden);
        }
        let (task, org, period) = self.submission_key(actor, task_id, org_id, period).await?;
        if period.start > now().date_naive() {
            return Err(Error::invalid("period", format!("{}尚未开始，不能报送", period.label())));
        }
        let stored = self.store.submission_get(task.id, org.id, &period.code()).await?;
        let expected = state_of(stored.as_ref());
        if !expected.editable() {
            return Err(Error::conflict(
                "state",
                format!("该报送{}，不能修改；如需更正，请上级退回或重新打开", expected.label()),
            ));
        }
        let prefill = self.report_prefill(actor, &task, &org, &period).await?;
        let mut problems = Problems::new();
        let mut values = Vec::with_capacity(task.fields.len());
        for input in figures {
            if !task.fields.iter().any(|f| f.key == input.key) {
                problems.add(&format!("figures.{}", input.key), format!("报送内容“{}”不在本任务中", input.key));
            }
        }
        for (f, computed) in task.fields.iter().zip(&prefill) {
            let field = format!("figures.{}", f.key);
            let input = figures.iter().find(|i| i.key == f.key);
            let kept = stored.as_ref().and_then(|s| s.figures.iter().find(|v| v.key == f.key));
            let text = match input {
                Some(i) => i.value.trim().to_owned(),
                None => match kept {
                    Some(k) if k.corrected() || (computed.computed.is_none() && !k.value.is_empty()) => k.value.clone(),
                    _ => computed.value.clone(),
                },
            };
            let reason = match input {
                Some(i) => text_field(&mut problems, &format!("{field}.reason"), "修改原因", &i.reason, MAX_TEXT_CHARS),
                None => kept.map(|v| v.reason.clone()).unwrap_or_default(),
            };
            let value = if text.is_empty() {
                if submit {
                    problems.add(&field, format!("请填写“{}”", f.label));
                }
                String::new()
            } else {
                match Decimal::parse(&text, DECIMALS) {
                    Ok(d) if d.scaled() < 0 => {
                        problems.add(&field, format!("“{}”不能为负数", f.label));
                        text
                    }
                    Ok(d) => d.to_string(),
                    Err(e) => {
                        problems.add(&field, format!("“{}”{}", f.label, e.message(&text, DECIMALS)));
                        text
                    }
                }
            };
            let v = FigureValue {
                key: f.key.clone(),
                computed: computed.computed.clone(),
                value,
                reason: reason.clone(),
                cite: computed.cite.clone(),
            };
            if submit && v.corrected() && reason.is_empty() {
                problems.add(
                    &format!("{field}.reason"),
                    format!(
                        "“{}”与台账计算值{}不同，请填写修改原因",
                        f.label,
                        v.computed.as_deref().unwrap_or_default()
                    ),
                );
            }
            values.push(FigureValue { reason: if v.corrected() { reason } else { String::new() }, ..v });
        }
        let mut summary_id = stored.as_ref().and_then(|s| s.summary_id);
        if task.attach_summary && submit {
            let kept = self.store.summaries(org.id, Some(&period.code())).await?;
            summary_id = kept.iter().map(|s| s.id).max();
            if summary_id.is_none() {
                problems.add("summary", format!("请先在“工作总结”中生成并保存{}的总结，再报送", period.label()));
            }
        }
        problems.finish()?;
        let at = now();
        let mut s =
            stored.unwrap_or_else(|| Submission::unsaved(&task, &org, &period, Vec::new(), at, &actor.username));
        s.figures = values;
        s.summary_id = summary_id;
        if submit {
            s.state = State::Submitted;
            s.round += 1;
            s.hash = Submission::snapshot_hash(&s.figures, s.summary_id);
            s.submitted_at = Some(at);
            s.submitted_by = Some(actor.username.clone());
            s.first_submitted_on = s.first_submitted_on.or(Some(sent_on.unwrap_or(at.date_naive())));
        } else if s.state == State::Missing {
            s.state = State::Draft;
        }
        let change = SubmissionChange {
            submission: s,
            expected,
            snapshot: submit,
            comment: submit.then(|| (CommentKind::Submit, String::new())),
            action: if submit { "submit" } else { "save" }.to_owned(),
        };
        self.store.submission_save(change, &actor.ctx()).await
    }

    /// Approves, returns (with a reason) or reopens (with a reason) a submission.
    pub async fn submission_decide(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
        decision: Decision,
        reason: &str,
    ) -> Result<Submission> {
        let (task, org, period) = self.submission_key(actor, task_id, org_id, period).await?;
        let reporting_tree = self.reporting_tree(&task).await?;
        let reporting: Vec<&Org> = reporting_tree.iter().collect();
        let reviewer = reviewer_path(&task, &reporting, &org).to_owned();
        if !Self::decides(actor, &reviewer, &org) {
            return Err(Error::Forbidden);
        }
        let mut problems = Problems::new();
        let reason = text_field(&mut problems, "reason", "原因", reason, MAX_TEXT_CHARS);
        if reason.is_empty() && decision != Decision::Approve {
            problems.add(
                "reason",
                if decision == Decision::Return {
                    "退回时请填写原因"
                } else {
                    "重新打开时请填写原因"
                },
            );
        }
        problems.finish()?;
        let code = period.code();
        let Some(mut s) = self.store.submission_get(task.id, org.id, &code).await? else {
            return Err(Error::conflict("state", "该单位尚未报送"));
        };
        let expected = s.state;
        let needs = match decision {
            Decision::Approve | Decision::Return => State::Submitted,
            Decision::Reopen => State::Approved,
        };
        if s.state != needs {
            return Err(Error::conflict("state", format!("该报送当前为“{}”，不能{}", s.state.label(), verb(decision))));
        }
        if decision == Decision::Approve {
            let mut waiting = Vec::new();
            for c in reviewed_by(&task, &reporting, &org.path) {
                let state = state_of(self.store.submission_get(task.id, c.id, &code).await?.as_ref());
                if !state.approved() {
                    waiting.push(format!("{}（{}）", c.name, state.label()));
                }
            }
            if !waiting.is_empty() {
                return Err(Error::conflict(
                    "children",
                    format!("下级单位的报送尚未全部审核通过，不能审核本单位：{}", waiting.join("、")),
                ));
            }
        }
        if decision == Decision::Reopen
            && let Some(parent) = reporting_tree.iter().find(|o| o.path == reviewer)
            && state_of(self.store.submission_get(task.id, parent.id, &code).await?.as_ref()).approved()
        {
            return Err(Error::conflict("state", format!("{}的报送已审核锁定，请先由其上级重新打开", parent.name)));
        }
        let at = now();
        s.state = match decision {
            Decision::Approve => State::Approved,
            Decision::Return | Decision::Reopen => State::Returned,
        };
        s.decided_at = Some(at);
        s.decided_by = Some(actor.username.clone());
        let kind = match decision {
            Decision::Approve => CommentKind::Approve,
            Decision::Return => CommentKind::Return,
            Decision::Reopen => CommentKind::Reopen,
        };
        let change = SubmissionChange {
            submission: s,
            expected,
            snapshot: false,
            comment: Some((kind, reason)),
            action: kind.as_str().to_owned(),
        };
        self.store.submission_save(change, &actor.ctx()).await
    }

    /// Adds a comment to a submission's thread (either side).
    pub async fn submission_comment(
        &self,
        actor: &Actor,
        task_id: Id,
        org_id: Id,
        period: &str,
        text: &str,
    ) -> Result<()> {
        actor.require(Role::Recorder)?;
        let (task, org, period) = self.submission_key(actor, task_id, org_id, period).await?;
        let mut problems = Problems::new();
        let text = text_field(&mut problems, "text", "留言", text, MAX_TEXT_CHARS);
        if text.is_empty() {
            problems.add("text", "请填写留言内容");
        }
        problems.finish()?;
        let Some(s) = self.store.submission_get(task.id, org.id, &period.code()).await? else {
            return Err(Error::conflict("state", "该单位尚未填报，暂不能留言"));
        };
        self.store.submission_comment(s, text, &actor.ctx()).await
    }

    /// Reminds an org of an overdue submission (催报).
    pub async fn report_remind(&self, actor: &Actor, task_id: Id, org_id: Id, period: &str) -> Result<()> {
        let (task, org, period) = self.submission_key(actor, task_id, org_id, period).await?;
        let reporting_tree = self.reporting_tree(&task).await?;
        let reporting: Vec<&Org> = reporting_tree.iter().collect();
        if !Self::decides(actor, reviewer_path(&task, &reporting, &org), &org) {
            return Err(Error::Forbidden);
        }
        let state = state_of(self.store.submission_get(task.id, org.id, &period.code()).await?.as_ref());
        if state.reported() {
            return Err(Error::conflict("state", format!("该报送{}，无需催报", state.label())));
        }
        self.store.report_remind(task.id, org.id, &period.code(), &actor.ctx()).await
    }

    /// The matrix of a task: every reporting org the actor sees × its latest periods.
    pub async fn report_matrix(&self, actor: &Actor, task_id: Id, periods: usize) -> Result<Matrix> {
        let task = self.report_task(actor, task_id).await?;
        let today = now().date_naive();
        let list = task.periods_until(today, periods.clamp(1, MATRIX_PERIODS));
        let codes: Vec<String> = list.iter().map(|p| p.code()).collect();
        let scope = if actor.sees(&task.org_path) { task.org_path.clone() } else { actor.scope_path.clone() };
        let tree = self.store.org_subtree(&scope).await?;
        let reporting: Vec<&Org> = tree.iter().filter(|o| task.asks(o)).collect();
        let stored = self.store.submissions(task.id, &scope, codes.clone()).await?;
        let by_key: HashMap<(Id, &str), &Submission> =
            stored.iter().map(|s| ((s.org_id, s.period.as_str()), s)).collect();
        let reviewer_of: HashMap<Id, Option<Id>> = reporting
            .iter()
            .map(|o| {
                let r = reviewer_path(&task, &reporting, o);
                (o.id, reporting.iter().find(|x| x.path == r).map(|x| x.id))
            })
            .collect();
        let mut counts: HashMap<State, usize> = HashMap::new();
        let mut overdue = Vec::new();
        let (mut due_all, mut on_time_all) = (0, 0);
        let base_depth = task.org_path.matches('/').count();
        let rows = reporting
            .iter()
            .map(|o| {
                let cells: Vec<Cell> = list
                    .iter()
                    .map(|p| {
                        let code = p.code();
                        let s = by_key.get(&(o.id, code.as_str())).copied();
                        let mut state = state_of(s);
                        let parent_approved = reviewer_of[&o.id]
                            .and_then(|pid| by_key.get(&(pid, code.as_str())))
                            .is_some_and(|ps| ps.state.approved());
                        if state == State::Approved && parent_approved {
                            state = State::Locked;
                        }
                        let due_on = task.due_on(p);
                        let days_overdue = match s.and_then(|s| s.first_submitted_on) {
                            Some(d) => (d - due_on).num_days().max(0),
                            None => (today - due_on).num_days().max(0),
                        };
                        Cell {
                            period: code,
                            state,
                            state_label: state.label(),
                            due_on,
                            days_overdue,
                            on_time: s.is_some_and(|s| s.on_time()),
                        }
                    })
                    .collect();
                for c in &cells {
                    *counts.entry(c.state).or_default() += 1;
                    if !c.state.reported() && c.state != State::Returned && c.days_overdue > 0 {
                        let label = period_label(&task, &c.period);
                        overdue.push((o.id, o.name.clone(), c.period.clone(), c.days_overdue, label));
                    }
                }
                let due = cells.iter().filter(|c| c.due_on < today || c.state.reported()).count();
                let on_time = cells.iter().filter(|c| c.on_time).count();
                let reported = cells.iter().filter(|c| c.state.reported()).count();
                due_all += due;
                on_time_all += on_time;
                MatrixRow {
                    org_id: o.id,
                    org: o.name.clone(),
                    depth: o.path.matches('/').count().saturating_sub(base_depth + 1),
                    cells,
                    reported,
                    on_time,
                    due,
                    on_time_rate: rate(on_time, due),
                }
            })
            .collect();
        overdue.sort_by_key(|o| std::cmp::Reverse(o.3));
        Ok(Matrix {
            periods: list.iter().map(|p| (p.code(), p.label())).collect(),
            rows,
            counts: State::ALL.iter().map(|s| (*s, s.label(), counts.get(s).copied().unwrap_or(0))).collect(),
            due: due_all,
            on_time: on_time_all,
            on_time_rate: rate(on_time_all, due_all),
            overdue,
            task,
        })
    }

    /// The actor's to-do list: its org's submissions due or returned, the
    /// reminders sent to it, and the submissions waiting for its decision.
    pub async fn todo(&self, actor: &Actor) -> Result<Vec<TodoItem>> {
        let today = now().date_naive();
        let mut items = Vec::new();
        let tasks = self.store.report_tasks(&actor.scope_path).await?;
        if tasks.is_empty() {
            return Ok(items);
        }
        let own = match actor.org_id {
            Some(id) => self.store.org_get(id).await?,
            None => None,
        };
        let names: HashMap<Id, &str> = tasks.iter().map(|t| (t.id, t.name.as_str())).collect();
        let link = |t: Id, o: Id, p: &str| format!("/report-tasks/{t}/submissions/{o}/{p}");
        if let Some(org) = own.as_ref().filter(|_| actor.can_write()) {
            for task in tasks.iter().filter(|t| t.asks(org)) {
                let list = task.periods_until(today, TODO_PERIODS);
                let codes: Vec<String> = list.iter().map(|p| p.code()).collect();
                let stored = self.store.submissions(task.id, &org.path, codes).await?;
                for p in list {
                    let s = stored.iter().find(|s| s.org_id == org.id && s.period == p.code());
                    let state = state_of(s);
                    let due_on = task.due_on(&p);
                    if state.reported() {
                        continue;
                    }
                    let returned = state == State::Returned;
                    items.push(TodoItem {
                        kind: if returned { "returned" } else { "report" },
                        title: format!("{}（{}）", task.name, p.label()),
                        detail: if returned {
                            "被退回，请修改后重新报送".to_owned()
                        } else if due_on < today {
                            format!("已逾期{}天", (today - due_on).num_days())
                        } else {
                            format!("{}截止，{}", due_on.format("%-m月%-d日"), state.label())
                        },
                        link: link(task.id, org.id, &p.code()),
                        task_id: task.id,
                        org_id: org.id,
                        period: p.code(),
                        due_on: Some(due_on),
                    });
                }
            }
            let mut reminded = HashSet::new();
            for Reminder { task_id, org_id, period, at, by } in self.store.report_reminders(&org.path).await? {
                let Some(task) = tasks.iter().find(|t| t.id == task_id) else { continue };
                if org_id != org.id || !reminded.insert((task_id, period.clone())) {
                    continue;
                }
                let state = state_of(self.store.submission_get(task_id, org_id, &period).await?.as_ref());
                if state.reported() {
                    continue;
                }
                items.push(TodoItem {
                    kind: "remind",
                    title: format!("催报：{}（{}）", task.name, period_label(task, &period)),
                    detail: format!("{}于{}催报", by, at.format("%Y-%m-%d")),
                    link: link(task_id, org_id, &period),
                    task_id,
                    org_id,
                    period,
                    due_on: None,
                });
            }
        }
        if actor.is_admin() {
            let waiting = self.store.submissions_in(&actor.scope_path, vec![State::Submitted]).await?;
            let mut trees: HashMap<Id, Vec<Org>> = HashMap::new();
            for s in waiting {
                let Some(task) = tasks.iter().find(|t| t.id == s.task_id) else { continue };
                if let std::collections::hash_map::Entry::Vacant(e) = trees.entry(task.id) {
                    e.insert(self.reporting_tree(task).await?);
                }
                let tree = &trees[&task.id];
                let Some(org) = tree.iter().find(|o| o.id == s.org_id) else { continue };
                let reporting: Vec<&Org> = tree.iter().collect();
                if !Self::decides(actor, reviewer_path(task, &reporting, org), org) {
                    continue;
                }
                items.push(TodoItem {
                    kind: "approve",
                    title: format!("待审核：{} {}（{}）", org.name, names[&task.id], period_label(task, &s.period)),
                    detail: format!("{}报送", s.submitted_by.clone().unwrap_or_default()),
                    link: link(task.id, org.id, &s.period),
                    task_id: task.id,
                    org_id: org.id,
                    period: s.period.clone(),
                    due_on: None,
                });
            }
        }
        Ok(items)
    }

    /// Refuses a change to an activity of `org_id` on `day` that an approved
    /// report covers.
    pub(crate) async fn ensure_unlocked(&self, org_id: Id, day: NaiveDate) -> Result<()> {
        match self.lock_message(org_id, day).await? {
            Some(message) => Err(Error::conflict("date", message)),
            None => Ok(()),
        }
    }

    /// Why an activity of `org_id` on `day` may not change, if an approved report covers it.
    pub(crate) async fn lock_message(&self, org_id: Id, day: NaiveDate) -> Result<Option<String>> {
        let Some(org) = self.store.org_get(org_id).await? else { return Ok(None) };
        Ok(self.store.report_lock_on(&org.path, day).await?.map(|lock| {
            format!(
                "{}的记录已随{}《{}》（{}）审核锁定，不能新增、修改或删除；如需更正，请审核单位先重新打开该报送",
                day.format("%Y年%-m月%-d日"),
                lock.org,
                lock.task,
                lock.period
            )
        }))
    }
}

/// "2020年3月" for a task's period code; the code itself if it is not one.
fn period_label(task: &ReportTask, code: &str) -> String {
    task.cadence.parse_period(code).map(|p| p.label()).unwrap_or_else(|| code.to_owned())
}

fn verb(d: Decision) -> &'static str {
    match d {
        Decision::Approve => "审核",
        Decision::Return => "退回",
        Decision::Reopen => "重新打开",
    }
}

fn rate(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| (part * 100 / whole) as u32)
}

/// The stored figures with today's computed values: a figure the org left
/// as computed follows the records; a corrected one keeps its value and reason.
fn merge(prefill: &[FigureValue], stored: &[FigureValue]) -> Vec<FigureValue> {
    prefill
        .iter()
        .map(|p| match stored.iter().find(|s| s.key == p.key) {
            Some(s) if s.corrected() || (p.computed.is_none() && !s.value.is_empty()) => {
                FigureValue { computed: p.computed.clone(), cite: p.cite.clone(), ..s.clone() }
            }
            _ => p.clone(),
        })
        .collect()
}
