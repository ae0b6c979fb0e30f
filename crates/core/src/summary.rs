//! The facts of a work summary (工作总结), gathered from the ledgers of an
//! org's subtree for a period. Every figure carries the records it came from
//! (`cite`, "activity:1,2,3"), so that a preview can link each number to its
//! proof. Templates (in `taizhang-docs`) turn these facts into text; nothing
//! here is wording beyond names and labels.

use serde::Serialize;

/// A count and the records behind it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figure {
    pub n: u64,
    /// "activity:1,2,3"; empty when nothing is counted.
    pub cite: String,
}

/// Figures over more records than this cite the list's filter, not each id.
pub const MAX_CITED_IDS: usize = 100;

impl Figure {
    /// A count of records, citing each of them; beyond [`MAX_CITED_IDS`] it
    /// cites `filter` instead ("activities:org_id=1&period=2025&kind=sanitation"),
    /// or nothing when no filter selects exactly these records.
    pub fn cited(kind: &str, ids: &[crate::model::Id], filter: Option<String>) -> Figure {
        if ids.len() <= MAX_CITED_IDS {
            return Figure::of(kind, ids);
        }
        Figure { n: ids.len() as u64, cite: filter.unwrap_or_default() }
    }

    pub fn of(kind: &str, ids: &[crate::model::Id]) -> Figure {
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        Figure {
            n: ids.len() as u64,
            cite: if ids.is_empty() { String::new() } else { format!("{kind}:{}", list.join(",")) },
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Responsibility {
    /// "韦建国（党委书记）"
    pub first_responsible: Option<String>,
    /// Post of the first-responsible person ("党委书记").
    pub first_post: Option<String>,
    /// Pledges of the year in the subtree.
    pub pledges: Figure,
    /// Leaders other than the first-responsible with assigned work areas.
    pub leaders_with_areas: u64,
    /// Party branches, and those whose secretary (or another) is first-responsible.
    pub branches: u64,
    pub branches_with_first: u64,
    /// Ideology problems found in the period, and of those closed.
    pub problems_found: Figure,
    pub problems_closed: Figure,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CentralGroup {
    /// The study leading group and its leader's post ("党委书记").
    pub leading_group: Option<String>,
    pub leader_post: Option<String>,
    /// Months of the year with planned items.
    pub planned_months: u64,
    pub sessions: Figure,
    /// Topics studied (from the sessions' summaries and plan items), in order.
    pub topics: Vec<String>,
    /// The yearly target, if set.
    pub target: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct StudyDays {
    pub sessions: Figure,
    /// Weeks of the period that required a session, and those that had one.
    pub weeks_required: u64,
    pub weeks_done: u64,
    /// Declared exemption periods overlapping the period ("疫情期间").
    pub exemptions: Vec<String>,
    pub materials: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Publicity {
    pub actions: Figure,
    pub channels: Vec<String>,
    pub campaigns: Vec<String>,
    pub role_models: Vec<String>,
    pub banners: u64,
    pub boards: u64,
    pub posts: u64,
    pub reached: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Volunteer {
    pub team: Option<String>,
    pub planned_months: u64,
    /// The monthly minimum, if a target sets one.
    pub monthly_target: Option<u32>,
    pub activities: Figure,
    pub reported: Figure,
    /// Service hours of the volunteers, "182" or "182.5"; "0" when none were recorded.
    pub hours: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectFacts {
    pub name: String,
    pub cite: String,
    /// 项目类别 as the office wrote it; empty for none.
    pub category: String,
    /// 完成, 在建 or 未开工 at the period's end.
    pub status: String,
    /// Percent done at the period's end.
    pub percent: u8,
    /// Milestones finished by the period's end.
    pub done: Vec<String>,
    /// Milestones finished within the period.
    pub done_in_period: Vec<String>,
}

/// Epidemic prevention in grids: the leading group, the door-to-door
/// screening begun in the period, key persons with their plans, follow-ups,
/// health checks and disinfections.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Epidemic {
    /// "疫情防控工作领导小组", when the subtree has one.
    pub leading_group: Option<String>,
    /// Screening campaigns begun in the period, over the subtree's grids.
    pub screenings: Vec<String>,
    pub households: u64,
    /// Households visited, citing the campaign ("screening:3").
    pub visited: Figure,
    pub residents: u64,
    pub with_status: u64,
    /// Percent of households visited and of residents accounted for ("100", "99.5").
    pub household_percent: String,
    pub person_percent: String,
    /// People who entered a key group in the period.
    pub key_persons: Figure,
    /// Of those, how many have their care plan (一人一策).
    pub with_plan: u64,
    /// Released from a key group in the period.
    pub released: u64,
    pub follow_ups: Figure,
    pub health_checks: u64,
    pub abnormal_checks: u64,
    pub disinfections: Figure,
}

impl Epidemic {
    /// Anything recorded at all.
    pub fn any(&self) -> bool {
        self.leading_group.is_some()
            || self.visited.n > 0
            || self.key_persons.n > 0
            || self.follow_ups.n > 0
            || self.health_checks > 0
            || self.disinfections.n > 0
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Sanitation {
    pub activities: Figure,
    /// Titles of the clean-up activities, in date order.
    pub titles: Vec<String>,
    pub inspections: Figure,
    /// Rectification orders found in the period, and closed by its end.
    pub rectifications: Figure,
    pub rectified: u64,
    /// What each order was about: its subject and problem ("矿区主干道五金店遮阳棚侵占路面").
    pub orders: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Matters {
    pub petitions: Figure,
    pub disputes: Figure,
    pub closed: Figure,
}

/// One target judged at the period's end.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TargetFact {
    pub sentence: String,
    pub attained: bool,
    pub attained_so_far: bool,
}

/// Activities of one group (a kind, a work area, a campaign, a channel or a
/// sub-org) and what they add up to: the figures any template, and any
/// office, can use, whatever it names its kinds, areas and campaigns.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Group {
    /// The kind's code, or the id of the area, campaign or org, or the channel's code.
    pub key: String,
    pub name: String,
    /// For a work area: its parent area's name (none at the top).
    pub parent: Option<String>,
    /// For a work area: activities of the area and all its sub-areas;
    /// `own` counts the area's own activities alone.
    pub count: Figure,
    pub own: Figure,
    /// People present (registered participants and others counted: 参与人次).
    pub people: u64,
    /// Others counted without names (服务人次 / 覆盖人次 beyond the register).
    pub others: u64,
    /// Service hours of the participants.
    pub hours: f64,
    pub banners: u64,
    pub boards: u64,
    pub posts: u64,
    /// People reached by publicity (覆盖人次).
    pub reached: u64,
    /// Titles of the group's activities, oldest first (at most twelve).
    pub titles: Vec<String>,
    /// Counts by kind inside the group, in the kinds' order.
    pub kinds: Vec<KindCount>,
    /// Counts by month inside the period, for "7至8月开展……4场".
    pub months: Vec<MonthCount>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct KindCount {
    pub kind: String,
    pub label: String,
    pub count: Figure,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthCount {
    pub year: i32,
    pub month: u32,
    pub count: Figure,
}

/// The period's activities grouped every way an office may want to state
/// them. Groups with no activities are left out; each list keeps the order
/// the office gave its kinds, areas, campaigns and orgs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Figures {
    /// All activities of the period, as one group.
    pub all: Group,
    pub by_kind: Vec<Group>,
    /// Top-level areas (with their sub-areas rolled up) and sub-areas, each
    /// area followed by its sub-areas.
    pub by_area: Vec<Group>,
    /// Activities recorded without a work area.
    pub without_area: Group,
    pub by_campaign: Vec<Group>,
    pub by_channel: Vec<Group>,
    /// The org's direct sub-orgs (各社区、各支部), each with its own subtree.
    pub by_org: Vec<Group>,
    /// Projects of the subtree at the period's end: by status, by category, with their measures.
    pub projects: ProjectFigures,
    /// Key persons found in the period and in care at its end, in total and per key group.
    pub key_persons: KeyPersonFigures,
    /// Screening campaigns running in the period, over the subtree's grids.
    pub screenings: Vec<ScreeningFigures>,
    /// Leading groups and volunteer teams of the subtree, their members by role.
    pub teams: Vec<TeamFigures>,
    /// Indicators (统计指标) with a value for the org and period, in their order.
    pub indicators: Vec<IndicatorFigure>,
}

/// An indicator's figure for an org and period: the org's own value, or
/// (for an indicator that sums up the tree) the sum of its sub-orgs' values.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndicatorFigure {
    /// The indicator's id.
    pub id: crate::model::Id,
    pub name: String,
    pub unit: String,
    pub decimals: u8,
    /// The value with the indicator's decimals: "96.5", "12", "5200".
    pub value: String,
    /// The same value as a number, for `amount` ("1.26万人").
    pub raw: f64,
    pub target: Option<String>,
    /// The value as a percentage of the target: 完成年度目标的「86.7」%.
    pub percent_of_target: Option<String>,
    /// The value of the same period a year earlier.
    pub last_year: Option<String>,
    /// Value minus last year's, in the unit, sign explicit ("+1.2", "-3", "0"):
    /// for a percentage unit, the change in 百分点.
    pub change: Option<String>,
    /// The change relative to last year's value in percent, sign explicit
    /// ("+12.3", "-4", "0"): 同比增长/下降.
    pub change_percent: Option<String>,
    /// The value is the sum of sub-orgs' values (the org has none of its own).
    pub summed: bool,
    /// The source note(s) of the value.
    pub note: String,
    /// "indicator_value:1,2": the values it comes from.
    pub cite: String,
}

/// Everything a summary of one org and period can state.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SummaryData {
    pub org_id: crate::model::Id,
    pub org: String,
    pub org_kind: String,
    /// The org above the district (the county), for "在县委、县政府的正确领导下".
    pub parent: Option<String>,
    pub year: i32,
    /// "2020年上半年"; `period_name` is "上半年", "全年", "第三季度", "7月".
    pub period_label: String,
    pub period_name: String,
    pub period_code: String,
    pub is_half: bool,
    pub is_first_half: bool,
    /// The day the figures are read (the period's end, or today when earlier).
    pub as_of: String,
    /// Activities of the period in the subtree (all kinds).
    pub total: Figure,
    /// The same activities grouped by kind, work area, campaign, channel and sub-org.
    pub figures: Figures,
    pub responsibility: Responsibility,
    pub central_group: CentralGroup,
    pub study_days: StudyDays,
    pub publicity: Publicity,
    /// Publicity by campaign or work area, for the sub-sections.
    pub epidemic_publicity: Publicity,
    /// Grid work against the epidemic (screening, key persons, follow-ups).
    pub epidemic: Epidemic,
    pub anti_crime: Publicity,
    pub health_publicity: Publicity,
    pub security_publicity: Publicity,
    pub matters: Matters,
    pub volunteer: Volunteer,
    pub projects: Vec<ProjectFacts>,
    pub sanitation: Sanitation,
    pub targets: Vec<TargetFact>,
    pub problems: Vec<String>,
    pub plans: Vec<String>,
    /// The title the org's composition sets (empty: the template's own).
    pub title: String,
    /// The org's composition with each section's figures, in order.
    pub sections: Vec<ComposedSection>,
    /// What a summary of this period must not claim, found in the records:
    /// weeks without the Friday study, months without volunteer service,
    /// activities not reported, targets missed. Shown before export.
    pub warnings: Vec<String>,
}

/// A section of the org's composition with the figures of the records it
/// takes: the bound activities as one group, and that group split by
/// sub-area, campaign and sub-org.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ComposedSection {
    pub heading: String,
    pub level: u8,
    /// What the section states, as `Part` codes, in order.
    pub parts: Vec<String>,
    pub binding: crate::composition::Binding,
    /// The bound activities.
    pub group: Group,
    /// The bound activities by sub-area of the bound areas.
    pub sub_areas: Vec<Group>,
    pub campaigns: Vec<Group>,
    pub orgs: Vec<Group>,
    /// The staff's own text with figure chips (empty: the proposed wording).
    pub text: String,
}

/// The draft of a summary being edited before export: the markup as staff
/// left it, the markup as generated, and the facts (JSON) behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryDraft {
    pub org_id: crate::model::Id,
    pub period: String,
    pub markup: String,
    pub generated: String,
    pub data: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub updated_by: String,
}

/// A generated summary kept as a version: the markup as generated and the
/// facts (JSON) it was generated from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedSummary {
    pub id: crate::model::Id,
    pub org_id: crate::model::Id,
    /// "2020H1"
    pub period: String,
    pub title: String,
    pub markup: String,
    /// The `SummaryData` snapshot, as JSON.
    pub data: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub created_by: String,
}

/// A sum of numbers (not a count) and the records it adds up, for `amount`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Total {
    pub n: f64,
    /// "project:1,2"; empty when nothing is added.
    pub cite: String,
}

/// One measure summed over projects: 面积 5200 平方米. Measures of one name
/// in different units are kept apart.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MeasureTotal {
    pub name: String,
    pub unit: String,
    pub total: Total,
}

/// Projects counted by status (完成 / 在建 / 未开工, see
/// [`crate::project::Project::status_at`]), each figure citing its projects.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectCounts {
    pub total: Figure,
    pub done: Figure,
    pub in_progress: Figure,
    pub not_started: Figure,
    /// The projects' measures summed, in the order first entered.
    pub measures: Vec<MeasureTotal>,
}

/// The projects of one category (empty: those without one).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectCategory {
    pub category: String,
    #[serde(flatten)]
    pub counts: ProjectCounts,
}

/// The subtree's projects at the period's end, leaving out those finished
/// before the period began.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectFigures {
    #[serde(flatten)]
    pub counts: ProjectCounts,
    /// By category, in the order categories first appear.
    pub by_category: Vec<ProjectCategory>,
}

/// Key persons of one key group.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeyGroupCount {
    pub key_group_id: crate::model::Id,
    pub name: String,
    /// People who entered the group in the period, each once (citing their stays).
    pub count: Figure,
    /// People in the group at the period's end.
    pub active: Figure,
}

/// Key persons (重点人员) of the subtree: people, not stays, counted once
/// in the total even when in several groups.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeyPersonFigures {
    /// People who entered a key group in the period (排查出重点人员N人).
    pub total: Figure,
    /// People in a key group at the period's end.
    pub active: Figure,
    /// Groups with anyone found in the period or in care at its end, in the groups' order.
    pub groups: Vec<KeyGroupCount>,
}

/// A screening campaign (入户排查) over the subtree's grids: households
/// counted as households (not visits), persons as persons.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScreeningFigures {
    pub id: crate::model::Id,
    pub name: String,
    /// "2020-02-01"
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    /// Still running at the period's end (or at the day the figures are read).
    pub open: bool,
    /// Households of the campaign's grids in the subtree.
    pub households: u64,
    /// Households visited at least once, citing the campaign.
    pub visited: Figure,
    /// Residents of those households.
    pub persons: u64,
    /// Residents whose status was recorded, citing the campaign.
    pub with_status: Figure,
    /// Percent of households visited and of persons accounted for ("100", "99.5").
    pub household_percent: String,
    pub person_percent: String,
}

/// Members of a leading group or volunteer team holding one role.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RoleCount {
    pub role: String,
    /// Citing the memberships.
    pub count: Figure,
}

/// A leading group or volunteer team of the subtree and its members at the
/// period's end.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TeamFigures {
    pub id: crate::model::Id,
    pub name: String,
    /// "leading_group" or "volunteer_team", and its label (领导小组, 志愿服务队).
    pub kind: String,
    pub kind_label: String,
    /// The summary topic the org serves, if any (its code).
    pub purpose: Option<String>,
    /// Members by role, in the order the roles were first given; a person
    /// holding two roles counts in each.
    pub roles: Vec<RoleCount>,
    /// Members, each person once (citing one membership each).
    pub total: Figure,
}
