//! Upward reporting (上报): report tasks (报送任务) a level asks of the orgs
//! below, and each org's submission (报送) for each period of a task, with
//! its figures (prefilled from the ledgers, corrected only with a reason),
//! the frozen snapshot of each round, the decisions of the level above
//! (return with a reason, approve, reopen) and a thread of comments.
//!
//! The rules live here: which periods a task has and when each is due, who
//! reviews an org's submission (the nearest org above it that reports the
//! same task, else the org that set the task), which state a submission is
//! in, what must hold before it may be submitted or approved, and what
//! changed between two rounds.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::indicator::Decimal;
use crate::model::{Id, Org, OrgKind};

/// Longest task name, in characters.
pub const MAX_NAME_CHARS: usize = 60;
/// Longest note, reason or comment, in characters.
pub const MAX_TEXT_CHARS: usize = 500;
/// Most figures a task asks for.
pub const MAX_FIELDS: usize = 40;
/// Most days after a period's end a task may allow.
pub const MAX_DUE_DAYS: i64 = 366;
/// Decimals a figure may carry.
pub const DECIMALS: u8 = 2;

/// How often a task asks: one submission per period of this length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Day,
    Week,
    Month,
    Quarter,
    Half,
    Year,
}

impl Cadence {
    pub const ALL: [Cadence; 6] =
        [Cadence::Day, Cadence::Week, Cadence::Month, Cadence::Quarter, Cadence::Half, Cadence::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Day => "day",
            Cadence::Week => "week",
            Cadence::Month => "month",
            Cadence::Quarter => "quarter",
            Cadence::Half => "half",
            Cadence::Year => "year",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Cadence::Day => "每日",
            Cadence::Week => "每周",
            Cadence::Month => "每月",
            Cadence::Quarter => "每季度",
            Cadence::Half => "每半年",
            Cadence::Year => "每年",
        }
    }

    pub fn parse(s: &str) -> Option<Cadence> {
        let s = s.trim();
        Cadence::ALL.into_iter().find(|c| c.as_str() == s || c.label() == s)
    }

    /// The period of this cadence that holds `day`.
    pub fn period_of(self, day: NaiveDate) -> ReportPeriod {
        let (y, m) = (day.year(), day.month());
        let start = match self {
            Cadence::Day => day,
            Cadence::Week => day - Duration::days(i64::from(day.weekday().num_days_from_monday())),
            Cadence::Month => ymd(y, m, 1),
            Cadence::Quarter => ymd(y, (m - 1) / 3 * 3 + 1, 1),
            Cadence::Half => ymd(y, if m <= 6 { 1 } else { 7 }, 1),
            Cadence::Year => ymd(y, 1, 1),
        };
        let end = match self {
            Cadence::Day => day,
            Cadence::Week => start + Duration::days(6),
            Cadence::Month => add_months(start, 1) - Duration::days(1),
            Cadence::Quarter => add_months(start, 3) - Duration::days(1),
            Cadence::Half => add_months(start, 6) - Duration::days(1),
            Cadence::Year => ymd(y, 12, 31),
        };
        ReportPeriod { cadence: self, start, end }
    }

    /// Reads a period code of this cadence: "2020-03-05", "2020W10",
    /// "2020-03", "2020Q1", "2020H1", "2020".
    pub fn parse_period(self, code: &str) -> Option<ReportPeriod> {
        let code = code.trim();
        let year = |s: &str| s.parse::<i32>().ok().filter(|y| (1949..=2100).contains(y));
        let start = match self {
            Cadence::Day => {
                NaiveDate::parse_from_str(code, "%Y-%m-%d").ok().filter(|d| year(&d.year().to_string()).is_some())?
            }
            Cadence::Week => {
                let (y, w) = code.split_once('W')?;
                NaiveDate::from_isoywd_opt(year(y)?, w.parse().ok()?, chrono::Weekday::Mon)?
            }
            Cadence::Month => {
                let (y, m) = code.split_once('-')?;
                NaiveDate::from_ymd_opt(year(y)?, m.parse().ok()?, 1)?
            }
            Cadence::Quarter => {
                let (y, q) = code.split_once('Q')?;
                let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(year(y)?, (q - 1) * 3 + 1, 1)?
            }
            Cadence::Half => {
                let (y, h) = code.split_once('H')?;
                let h: u32 = h.parse().ok().filter(|h| (1..=2).contains(h))?;
                NaiveDate::from_ymd_opt(year(y)?, (h - 1) * 6 + 1, 1)?
            }
            Cadence::Year => NaiveDate::from_ymd_opt(year(code)?, 1, 1)?,
        };
        let period = self.period_of(start);
        (period.code() == code).then_some(period)
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(n)).unwrap_or(NaiveDate::MAX)
}

/// One period of a task: a day, an ISO week, a month, a quarter, a half or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReportPeriod {
    pub cadence: Cadence,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl ReportPeriod {
    pub fn code(&self) -> String {
        let s = self.start;
        match self.cadence {
            Cadence::Day => s.format("%Y-%m-%d").to_string(),
            Cadence::Week => {
                let w = s.iso_week();
                format!("{}W{:02}", w.year(), w.week())
            }
            Cadence::Month => s.format("%Y-%m").to_string(),
            Cadence::Quarter => format!("{}Q{}", s.year(), (s.month() - 1) / 3 + 1),
            Cadence::Half => format!("{}H{}", s.year(), if s.month() <= 6 { 1 } else { 2 }),
            Cadence::Year => s.year().to_string(),
        }
    }

    pub fn label(&self) -> String {
        let s = self.start;
        match self.cadence {
            Cadence::Day => s.format("%Y年%-m月%-d日").to_string(),
            Cadence::Week => {
                let w = s.iso_week();
                format!("{}年第{}周", w.year(), w.week())
            }
            Cadence::Month => s.format("%Y年%-m月").to_string(),
            Cadence::Quarter => {
                format!("{}年第{}季度", s.year(), ["一", "二", "三", "四"][((s.month() - 1) / 3) as usize])
            }
            Cadence::Half => format!("{}年{}", s.year(), if s.month() <= 6 { "上半年" } else { "下半年" }),
            Cadence::Year => format!("{}年", s.year()),
        }
    }

    pub fn next(&self) -> ReportPeriod {
        self.cadence.period_of(self.end + Duration::days(1))
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// What a figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Activities (次数).
    #[default]
    Count,
    /// People present (参与人次).
    People,
    /// Volunteer service hours (服务时长).
    Hours,
    /// People reached by publicity (覆盖人次).
    Reached,
    /// Activities reported to the platform above (已录入上报).
    PlatformReported,
}

impl Measure {
    pub const ALL: [Measure; 5] =
        [Measure::Count, Measure::People, Measure::Hours, Measure::Reached, Measure::PlatformReported];

    pub fn label(self) -> &'static str {
        match self {
            Measure::Count => "次数",
            Measure::People => "参与人次",
            Measure::Hours => "服务时长",
            Measure::Reached => "覆盖人次",
            Measure::PlatformReported => "已上报平台次数",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Measure::Count | Measure::PlatformReported => "次",
            Measure::People | Measure::Reached => "人次",
            Measure::Hours => "小时",
        }
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// The period's activities in the org's subtree, optionally of one kind,
    /// work area (with its sub-areas) or publicity campaign.
    Activities {
        #[serde(default)]
        measure: Measure,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area_id: Option<Id>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        campaign_id: Option<Id>,
    },
    /// An indicator's figure for the org and period (its own value, else its sub-orgs' sum).
    Indicator { id: Id },
    /// Key persons in care at the period's end.
    KeyPersons,
    /// Follow-ups of key persons in the period.
    FollowUps,
    /// Health checks in the period.
    HealthChecks,
    /// Disinfections in the period.
    Disinfections,
    /// Households visited by the period's screening campaigns.
    HouseholdsVisited,
    /// Entered by hand: nothing in the ledgers holds it.
    Manual,
}

impl Source {
    /// True when the figure is computed from the ledgers.
    pub fn computed(&self) -> bool {
        !matches!(self, Source::Manual)
    }

    /// True when the figure counts activities (which an approval then locks).
    pub fn counts_activities(&self) -> bool {
        matches!(self, Source::Activities { .. })
    }
}

/// One figure a task asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportField {
    /// Stable within the task: "f1", "f2" …; the column of its exports.
    pub key: String,
    pub label: String,
    #[serde(default)]
    pub unit: String,
    pub source: Source,
}

/// A report task (报送任务): what an org asks of the orgs below it.
#[derive(Debug, Clone, Serialize)]
pub struct ReportTask {
    pub id: Id,
    /// The org that set the task, and its path.
    pub org_id: Id,
    pub org_path: String,
    pub name: String,
    pub cadence: Cadence,
    /// The first period asked for, and the last (none: until closed).
    pub first_period: String,
    pub last_period: Option<String>,
    /// Days after a period's end by which it is due (0: on its last day).
    pub due_days: i64,
    /// The kinds of org below that report (empty: every org below).
    pub org_kinds: Vec<OrgKind>,
    pub fields: Vec<ReportField>,
    /// Whether a submission carries the org's kept work summary of the period.
    pub attach_summary: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl ReportTask {
    pub fn first(&self) -> ReportPeriod {
        self.cadence.parse_period(&self.first_period).unwrap_or_else(|| self.cadence.period_of(NaiveDate::MIN))
    }

    pub fn last(&self) -> Option<ReportPeriod> {
        self.last_period.as_deref().and_then(|p| self.cadence.parse_period(p))
    }

    /// The task's period with this code, if it is one.
    pub fn period(&self, code: &str) -> Option<ReportPeriod> {
        let p = self.cadence.parse_period(code)?;
        let after_last = self.last().is_some_and(|l| p.start > l.start);
        (p.start >= self.first().start && !after_last).then_some(p)
    }

    /// The day a period is due.
    pub fn due_on(&self, period: &ReportPeriod) -> NaiveDate {
        period.end + Duration::days(self.due_days)
    }

    /// The task's periods that have begun by `today`, newest first, at most `limit`.
    pub fn periods_until(&self, today: NaiveDate, limit: usize) -> Vec<ReportPeriod> {
        let mut last = self.cadence.period_of(today);
        if let Some(l) = self.last().filter(|l| l.start < last.start) {
            last = l;
        }
        let first = self.first();
        if last.start < first.start {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut p = last;
        while out.len() < limit && p.start >= first.start {
            out.push(p);
            if p.start == NaiveDate::MIN {
                break;
            }
            p = self.cadence.period_of(p.start - Duration::days(1));
        }
        out
    }

    /// Whether `org` (in the task's org's subtree) reports this task.
    pub fn asks(&self, org: &Org) -> bool {
        org.path.starts_with(&self.org_path)
            && org.path != self.org_path
            && org.closed_at.is_none()
            && (self.org_kinds.is_empty() || self.org_kinds.contains(&org.kind))
    }

    /// Whether an approval locks the period's activities of the org's subtree.
    pub fn locks_activities(&self) -> bool {
        self.fields.iter().any(|f| f.source.counts_activities())
    }
}

/// The orgs that report a task, of the org tree below its org.
pub fn reporting_orgs<'a>(task: &ReportTask, tree: &'a [Org]) -> Vec<&'a Org> {
    tree.iter().filter(|o| task.asks(o)).collect()
}

/// The org that reviews `org`'s submission: the nearest org above it that
/// reports the same task, else the task's own org.
pub fn reviewer_path<'a>(task: &'a ReportTask, reporting: &[&'a Org], org: &Org) -> &'a str {
    reporting
        .iter()
        .filter(|o| org.path.starts_with(&o.path) && o.path != org.path)
        .max_by_key(|o| o.path.len())
        .map(|o| o.path.as_str())
        .unwrap_or(&task.org_path)
}

/// The orgs whose submissions `org` reviews: those whose reviewer it is.
pub fn reviewed_by<'a>(task: &ReportTask, reporting: &[&'a Org], org_path: &str) -> Vec<&'a Org> {
    reporting.iter().copied().filter(|o| reviewer_path(task, reporting, o) == org_path).collect()
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Nothing saved yet (未填).
    Missing,
    Draft,
    Submitted,
    Returned,
    Approved,
    /// Approved, and the reviewer's own submission of the period approved too.
    Locked,
}

impl State {
    pub const ALL: [State; 6] =
        [State::Missing, State::Draft, State::Submitted, State::Returned, State::Approved, State::Locked];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Missing => "missing",
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Locked => "locked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Missing => "未填",
            State::Draft => "草稿",
            State::Submitted => "已报",
            State::Returned => "退回",
            State::Approved => "已审",
            State::Locked => "已锁定",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s || x.label() == s)
    }

    /// The reporting org may still change its figures.
    pub fn editable(self) -> bool {
        matches!(self, State::Missing | State::Draft | State::Returned)
    }

    /// Sent up at least once and not taken back.
    pub fn reported(self) -> bool {
        matches!(self, State::Submitted | State::Approved | State::Locked)
    }

    pub fn approved(self) -> bool {
        matches!(self, State::Approved | State::Locked)
    }
}

/// One figure of a submission: what the ledgers say, what the org reports,
/// and why they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureValue {
    pub key: String,
    /// Computed from the records when the submission was last saved.
    #[serde(default)]
    pub computed: Option<String>,
    /// The figure reported.
    pub value: String,
    /// Why `value` differs from `computed` (required then).
    #[serde(default)]
    pub reason: String,
    /// The records behind the computed figure ("activities:org_id=…").
    #[serde(default)]
    pub cite: String,
}

impl FigureValue {
    /// The reported value differs from the records'.
    pub fn corrected(&self) -> bool {
        self.computed.as_deref().is_some_and(|c| !same_number(c, &self.value))
    }
}

/// Two figures are the same number ("12" and "12.0").
pub fn same_number(a: &str, b: &str) -> bool {
    match (Decimal::parse(a, 4), Decimal::parse(b, 4)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// A figure as text with the decimals it needs.
pub fn number_text(n: f64) -> String {
    let d = Decimal::from_scaled((n * 10_000.0).round() as i64);
    d.format(d.places().min(DECIMALS))
}

/// One org's submission of one period of a task.
#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    pub id: Id,
    pub task_id: Id,
    pub org_id: Id,
    pub org_path: String,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_on: NaiveDate,
    pub state: State,
    pub figures: Vec<FigureValue>,
    /// The kept summary version it carries (tasks with `attach_summary`).
    pub summary_id: Option<Id>,
    /// Rounds submitted so far.
    pub round: i64,
    /// SHA-256 of the last submitted snapshot.
    pub hash: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    /// The day it was first submitted, for on-time rates.
    pub first_submitted_on: Option<NaiveDate>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
}

impl Submission {
    /// An org's submission of a period not stored yet (未填), with these figures.
    pub fn unsaved(
        task: &ReportTask,
        org: &Org,
        period: &ReportPeriod,
        figures: Vec<FigureValue>,
        at: DateTime<Utc>,
        by: &str,
    ) -> Submission {
        Submission {
            id: 0,
            task_id: task.id,
            org_id: org.id,
            org_path: org.path.clone(),
            period: period.code(),
            period_start: period.start,
            period_end: period.end,
            due_on: task.due_on(period),
            state: State::Missing,
            figures,
            summary_id: None,
            round: 0,
            hash: String::new(),
            submitted_at: None,
            submitted_by: None,
            first_submitted_on: None,
            decided_at: None,
            decided_by: None,
            updated_at: at,
            updated_by: by.to_owned(),
        }
    }

    /// Submitted by its due day (first submission).
    pub fn on_time(&self) -> bool {
        self.first_submitted_on.is_some_and(|d| d <= self.due_on)
    }

    /// The snapshot's content hash: the figures and the attachment, in order.
    pub fn snapshot_hash(figures: &[FigureValue], summary_id: Option<Id>) -> String {
        let body = serde_json::json!({ "figures": figures, "summary_id": summary_id });
        hex::encode(Sha256::digest(body.to_string().as_bytes()))
    }
}

/// A frozen round of a submission.
#[derive(Debug, Clone, Serialize)]
pub struct Snapshot {
    pub round: i64,
    pub figures: Vec<FigureValue>,
    pub summary_id: Option<Id>,
    pub hash: String,
    pub submitted_at: DateTime<Utc>,
    pub submitted_by: String,
}

/// What a comment in a submission's thread records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommentKind {
    Comment,
    Submit,
    Return,
    Approve,
    Reopen,
    Remind,
}

impl CommentKind {
    pub const ALL: [CommentKind; 6] = [
        CommentKind::Comment,
        CommentKind::Submit,
        CommentKind::Return,
        CommentKind::Approve,
        CommentKind::Reopen,
        CommentKind::Remind,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommentKind::Comment => "comment",
            CommentKind::Submit => "submit",
            CommentKind::Return => "return",
            CommentKind::Approve => "approve",
            CommentKind::Reopen => "reopen",
            CommentKind::Remind => "remind",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommentKind::Comment => "留言",
            CommentKind::Submit => "报送",
            CommentKind::Return => "退回",
            CommentKind::Approve => "审核通过",
            CommentKind::Reopen => "重新打开",
            CommentKind::Remind => "催报",
        }
    }

    pub fn parse(s: &str) -> Option<CommentKind> {
        CommentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One entry of a submission's thread.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: Id,
    pub kind: CommentKind,
    pub text: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A reminder (催报) sent to an org about a period of a task.
#[derive(Debug, Clone, Serialize)]
pub struct Reminder {
    pub task_id: Id,
    pub org_id: Id,
    pub period: String,
    pub at: DateTime<Utc>,
    pub by: String,
}

/// A figure that changed between two rounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub key: String,
    pub label: String,
    pub before: String,
    pub after: String,
}

/// What changed from `before` to `after`, in the task's field order (and
/// the attached summary as "工作总结").
pub fn changes(
    fields: &[ReportField],
    before: &[FigureValue],
    after: &[FigureValue],
    summaries: (Option<Id>, Option<Id>),
) -> Vec<Change> {
    let value = |list: &[FigureValue], key: &str| list.iter().find(|v| v.key == key).map(|v| v.value.clone());
    let mut out: Vec<Change> = fields
        .iter()
        .filter_map(|f| {
            let (b, a) = (value(before, &f.key).unwrap_or_default(), value(after, &f.key).unwrap_or_default());
            (!same_number(&b, &a)).then(|| Change { key: f.key.clone(), label: f.label.clone(), before: b, after: a })
        })
        .collect();
    if summaries.0 != summaries.1 {
        let text = |s: Option<Id>| s.map(|id| format!("第{id}号版本")).unwrap_or_else(|| "无".to_owned());
        out.push(Change {
            key: "summary".to_owned(),
            label: "工作总结".to_owned(),
            before: text(summaries.0),
            after: text(summaries.1),
        });
    }
    out
}

/// The built-in tasks for the seed's recurring reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 疫情防控信息日报: key persons, follow-ups, health checks, disinfections.
    DailyEpidemic,
    /// 志愿服务活动月报: volunteer activities, people, hours, reported to the platform.
    MonthlyVolunteer,
    /// 半年工作总结: activities of the half year, with the kept summary attached.
    HalfYearSummary,
}

impl Preset {
    pub const ALL: [Preset; 3] = [Preset::DailyEpidemic, Preset::MonthlyVolunteer, Preset::HalfYearSummary];

    pub fn as_str(self) -> &'static str {
        match self {
            Preset::DailyEpidemic => "daily_epidemic",
            Preset::MonthlyVolunteer => "monthly_volunteer",
            Preset::HalfYearSummary => "half_year_summary",
        }
    }

    pub fn parse(s: &str) -> Option<Preset> {
        Preset::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Preset::DailyEpidemic => "疫情防控信息日报",
            Preset::MonthlyVolunteer => "志愿服务活动月报",
            Preset::HalfYearSummary => "半年工作总结报送",
        }
    }

    pub fn cadence(self) -> Cadence {
        match self {
            Preset::DailyEpidemic => Cadence::Day,
            Preset::MonthlyVolunteer => Cadence::Month,
            Preset::HalfYearSummary => Cadence::Half,
        }
    }

    /// Days after the period's end it is due.
    pub fn due_days(self) -> i64 {
        match self {
            Preset::DailyEpidemic => 0,
            Preset::MonthlyVolunteer => 5,
            Preset::HalfYearSummary => 10,
        }
    }

    pub fn attach_summary(self) -> bool {
        self == Preset::HalfYearSummary
    }

    /// The figures asked; `volunteer_kind` is the kind code of volunteer service.
    pub fn fields(self, volunteer_kind: &str) -> Vec<ReportField> {
        let activities = |measure, kind: Option<&str>| Source::Activities {
            measure,
            kind: kind.map(str::to_owned),
            area_id: None,
            campaign_id: None,
        };
        let list: Vec<(&str, &str, Source)> = match self {
            Preset::DailyEpidemic => vec![
                ("在管重点人员", "人", Source::KeyPersons),
                ("跟踪随访", "次", Source::FollowUps),
                ("健康监测", "次", Source::HealthChecks),
                ("消毒", "次", Source::Disinfections),
                ("累计走访户数", "户", Source::HouseholdsVisited),
            ],
            Preset::MonthlyVolunteer => vec![
                ("志愿服务活动", "次", activities(Measure::Count, Some(volunteer_kind))),
                ("参与人次", "人次", activities(Measure::People, Some(volunteer_kind))),
                ("服务时长", "小时", activities(Measure::Hours, Some(volunteer_kind))),
                ("已录入上报平台", "次", activities(Measure::PlatformReported, Some(volunteer_kind))),
            ],
            Preset::HalfYearSummary => vec![
                ("开展活动", "次", activities(Measure::Count, None)),
                ("参与人次", "人次", activities(Measure::People, None)),
            ],
        };
        numbered(list.into_iter().map(|(label, unit, source)| (label.to_owned(), unit.to_owned(), source)))
    }
}

/// Fields keyed "f1", "f2" … in order.
pub fn numbered(list: impl IntoIterator<Item = (String, String, Source)>) -> Vec<ReportField> {
    list.into_iter()
        .enumerate()
        .map(|(i, (label, unit, source))| ReportField { key: format!("f{}", i + 1), label, unit, source })
        .collect()
}

/// The share of a task's figures computed from the records, in percent.
pub fn prefilled_percent(fields: &[ReportField]) -> u32 {
    if fields.is_empty() {
        return 0;
    }
    (fields.iter().filter(|f| f.source.computed()).count() * 100 / fields.len()) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_have_codes_that_read_back() {
        let day = d("2020-03-05");
        for c in Cadence::ALL {
            let p = c.period_of(day);
            assert!(p.contains(day), "{c:?}");
            assert_eq!(c.parse_period(&p.code()), Some(p), "{c:?} {}", p.code());
            assert_eq!(p.next().start, p.end + Duration::days(1));
        }
        assert_eq!(Cadence::Week.period_of(day).code(), "2020W10");
        assert_eq!(Cadence::Month.period_of(day).label(), "2020年3月");
        assert_eq!(Cadence::Quarter.period_of(day).end, d("2020-03-31"));
        assert_eq!(Cadence::Half.period_of(d("2020-07-01")).code(), "2020H2");
        assert_eq!(Cadence::Month.parse_period("2020-3"), None, "only the canonical code");
        assert_eq!(Cadence::Month.parse_period("2020-13"), None);
        assert_eq!(Cadence::Half.parse_period("2020H3"), None);
        assert_eq!(Cadence::Day.parse_period("20200305"), None);
    }

    fn task(first: &str) -> ReportTask {
        ReportTask {
            id: 1,
            org_id: 1,
            org_path: "/1/".into(),
            name: "月报".into(),
            cadence: Cadence::Month,
            first_period: first.into(),
            last_period: Some("2020-06".into()),
            due_days: 5,
            org_kinds: vec![OrgKind::Community, OrgKind::PartyCommittee],
            fields: Preset::MonthlyVolunteer.fields("volunteer"),
            attach_summary: false,
            note: String::new(),
            created_at: Utc::now(),
            created_by: "t".into(),
        }
    }

    #[test]
    fn a_task_lists_its_periods_and_dues() {
        let t = task("2020-01");
        let ps = t.periods_until(d("2026-11-30"), 100);
        assert_eq!(ps.len(), 6);
        assert_eq!(ps[0].code(), "2020-06");
        assert_eq!(t.due_on(&ps[0]), d("2020-07-05"));
        assert!(t.period("2019-12").is_none() && t.period("2020-07").is_none() && t.period("2020-02").is_some());
        assert_eq!(t.periods_until(d("2020-02-10"), 100).len(), 2);
        assert!(t.periods_until(d("2019-02-10"), 100).is_empty());
    }

    fn org(id: Id, path: &str, kind: OrgKind) -> Org {
        Org {
            id,
            parent_id: None,
            kind,
            name: format!("o{id}"),
            path: path.into(),
            purpose: None,
            closed_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn the_nearest_reporting_org_above_reviews() {
        let t = task("2020-01");
        let tree = vec![
            org(1, "/1/", OrgKind::County),
            org(2, "/1/2/", OrgKind::PartyCommittee),
            org(3, "/1/2/3/", OrgKind::AdminCentre),
            org(4, "/1/2/3/4/", OrgKind::Community),
            org(5, "/1/2/3/5/", OrgKind::Community),
            org(6, "/1/6/", OrgKind::Community),
        ];
        let reporting = reporting_orgs(&t, &tree);
        assert_eq!(reporting.iter().map(|o| o.id).collect::<Vec<_>>(), vec![2, 4, 5, 6]);
        assert_eq!(reviewer_path(&t, &reporting, &tree[3]), "/1/2/");
        assert_eq!(reviewer_path(&t, &reporting, &tree[1]), "/1/");
        assert_eq!(reviewer_path(&t, &reporting, &tree[5]), "/1/");
        let ids = |v: Vec<&Org>| v.iter().map(|o| o.id).collect::<Vec<_>>();
        assert_eq!(ids(reviewed_by(&t, &reporting, "/1/2/")), vec![4, 5]);
        assert_eq!(ids(reviewed_by(&t, &reporting, "/1/")), vec![2, 6]);
    }

    #[test]
    fn changes_list_the_figures_that_moved() {
        let fields = Preset::MonthlyVolunteer.fields("volunteer");
        let v = |key: &str, value: &str| FigureValue {
            key: key.into(),
            computed: Some("3".into()),
            value: value.into(),
            reason: String::new(),
            cite: String::new(),
        };
        let before = vec![v("f1", "3"), v("f2", "40")];
        let after = vec![v("f1", "3.0"), v("f2", "42")];
        let c = changes(&fields, &before, &after, (None, None));
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].label.as_str(), c[0].before.as_str(), c[0].after.as_str()), ("参与人次", "40", "42"));
        assert!(after[1].corrected() && !after[0].corrected());
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(number_text(3.0), "3");
        assert_eq!(prefilled_percent(&fields), 100);
    }
}
