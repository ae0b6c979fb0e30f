//! Care of key persons (重点人群): key groups with dynamic entry and exit,
//! one care plan per key person (一人一策), follow-ups on a schedule,
//! health checks, the disinfection log and the daily report (信息报送).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::grid::GridCoverage;
use crate::model::Id;

/// A category of key persons (重点人群) defined by an administrator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyGroup {
    pub id: Id,
    pub org_id: Id,
    pub name: String,
}

/// A person's stay in a key group: entered with a reason, left with one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyPerson {
    pub id: Id,
    pub key_group_id: Id,
    pub group_name: String,
    pub person_id: Id,
    pub person_name: String,
    /// The org that keeps the person's record (their grid for residents).
    pub org_id: Id,
    pub entered_on: NaiveDate,
    pub enter_reason: String,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: String,
}

impl KeyPerson {
    /// In the group on `day`.
    pub fn active_on(&self, day: NaiveDate) -> bool {
        self.entered_on <= day && self.left_on.is_none_or(|l| l > day)
    }
}

/// One plan per key person (一人一策).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarePlan {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub org_id: Id,
    /// The responsible cadre.
    pub cadre_id: Id,
    pub cadre_name: String,
    pub measures: String,
    /// A follow-up every so many days.
    pub every_days: u32,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

impl CarePlan {
    /// When the next follow-up is due, given the day of the last one done:
    /// the plan's first day, then every `every_days` after the last
    /// follow-up; none once the plan has ended.
    pub fn next_due(&self, last_done: Option<NaiveDate>) -> Option<NaiveDate> {
        let due = match last_done {
            Some(d) if d >= self.starts_on => d + Duration::days(i64::from(self.every_days.max(1))),
            _ => self.starts_on,
        };
        match self.ends_on {
            Some(end) if due > end => None,
            _ => Some(due),
        }
    }
}

/// A follow-up (随访) done: when, by whom, what was found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowUp {
    pub id: Id,
    pub person_id: Id,
    pub done_on: NaiveDate,
    pub by: String,
    pub findings: String,
}

/// Where a key person's follow-ups stand on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpState {
    /// Next one due later.
    Scheduled,
    DueToday,
    Overdue,
    /// The plan has ended and nothing is due.
    Finished,
}

impl FollowUpState {
    pub fn label(self) -> &'static str {
        match self {
            FollowUpState::Scheduled => "按计划",
            FollowUpState::DueToday => "今日应随访",
            FollowUpState::Overdue => "已逾期",
            FollowUpState::Finished => "已结束",
        }
    }

    pub fn parse(s: &str) -> Option<FollowUpState> {
        [FollowUpState::Scheduled, FollowUpState::DueToday, FollowUpState::Overdue, FollowUpState::Finished]
            .into_iter()
            .find(|x| serde_json::to_value(x).ok().and_then(|v| v.as_str().map(|t| t == s)).unwrap_or(false))
    }
}

/// The state of a plan on `today`, with the next due day.
pub fn follow_up_state(
    plan: &CarePlan,
    last_done: Option<NaiveDate>,
    today: NaiveDate,
) -> (FollowUpState, Option<NaiveDate>) {
    match plan.next_due(last_done) {
        None => (FollowUpState::Finished, None),
        Some(d) if d < today => (FollowUpState::Overdue, Some(d)),
        Some(d) if d == today => (FollowUpState::DueToday, Some(d)),
        Some(d) => (FollowUpState::Scheduled, Some(d)),
    }
}

/// Temperatures at or above this are abnormal (°C).
pub const FEVER: f64 = 37.3;

/// A health reading (健康监测).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HealthCheck {
    pub id: Id,
    pub person_id: Id,
    pub person_name: String,
    pub org_id: Id,
    pub checked_at: NaiveDateTime,
    pub temperature: f64,
    pub symptoms: String,
    pub by: String,
    /// The account that entered the reading (none for imported or demo ones).
    pub recorded_by: Option<Id>,
}

impl HealthCheck {
    /// A fever or any symptom.
    pub fn abnormal(&self) -> bool {
        self.temperature >= FEVER || !self.symptoms.trim().is_empty()
    }
}

/// A public place disinfected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disinfection {
    pub id: Id,
    pub org_id: Id,
    pub place: String,
    pub done_at: NaiveDateTime,
    pub by: String,
    pub agent: String,
}

// --- daily report (信息报送) ---

/// A count of health checks as shown to one account. Readings are personal
/// data, and a count of one or two in a community points at the persons
/// behind it: accounts without the personal-data permission see such a count
/// as "<3" ([`HealthCount::Few`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthCount {
    Exact(u64),
    /// Between 1 and [`HealthCount::SHOWN_FROM`] − 1, hidden.
    Few,
}

impl HealthCount {
    /// The smallest count (above zero) shown as a number to everyone.
    pub const SHOWN_FROM: u64 = 3;

    /// The number, unless it is hidden.
    pub fn exact(self) -> Option<u64> {
        match self {
            HealthCount::Exact(n) => Some(n),
            HealthCount::Few => None,
        }
    }

    pub fn is_hidden(self) -> bool {
        self == HealthCount::Few
    }

    /// Adds to an exact count (the report is added up before anything is hidden).
    pub fn add(&mut self, n: u64) {
        if let HealthCount::Exact(m) = self {
            *m += n;
        }
    }

    /// The count as shown to an account without the personal-data permission.
    pub fn hide_small(self) -> HealthCount {
        match self {
            HealthCount::Exact(n) if (1..Self::SHOWN_FROM).contains(&n) => HealthCount::Few,
            other => other,
        }
    }
}

impl Default for HealthCount {
    fn default() -> Self {
        HealthCount::Exact(0)
    }
}

impl std::fmt::Display for HealthCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HealthCount::Exact(n) => write!(f, "{n}"),
            HealthCount::Few => write!(f, "<{}", Self::SHOWN_FROM),
        }
    }
}

/// A number, or the text "<3" when hidden.
impl Serialize for HealthCount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            HealthCount::Exact(n) => serializer.serialize_u64(*n),
            HealthCount::Few => serializer.collect_str(self),
        }
    }
}

/// The figures of one community (or the whole org) on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReportLine {
    pub org_id: Id,
    pub org_name: String,
    /// Entered a key group that day.
    pub new_key_persons: u64,
    /// In a key group at the end of the day.
    pub under_care: u64,
    /// Left a key group that day.
    pub released: u64,
    pub checks: HealthCount,
    pub abnormal_checks: HealthCount,
    pub follow_ups_done: u64,
    pub follow_ups_overdue: u64,
    pub disinfections: u64,
    /// Coverage of the campaigns running that day, over this line's grids.
    pub coverage: GridCoverage,
}

impl ReportLine {
    pub fn add(&mut self, o: &ReportLine) {
        self.new_key_persons += o.new_key_persons;
        self.under_care += o.under_care;
        self.released += o.released;
        self.checks.add(o.checks.exact().unwrap_or_default());
        self.abnormal_checks.add(o.abnormal_checks.exact().unwrap_or_default());
        self.follow_ups_done += o.follow_ups_done;
        self.follow_ups_overdue += o.follow_ups_overdue;
        self.disinfections += o.disinfections;
        self.coverage.add(&o.coverage);
    }

    /// Hides the counts of health checks from 1 to 2 (see [`HealthCount`]).
    pub fn hide_small_health_counts(&mut self) {
        self.checks = self.checks.hide_small();
        self.abnormal_checks = self.abnormal_checks.hide_small();
    }
}

/// The daily report of an org: one line per community below it and a total.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DailyReport {
    pub org_id: Id,
    pub org_name: String,
    pub day: NaiveDate,
    pub lines: Vec<ReportLine>,
    pub total: ReportLine,
    /// Counts of health checks from 1 to 2 are hidden (the account lacks the
    /// personal-data permission).
    pub small_counts_hidden: bool,
}
