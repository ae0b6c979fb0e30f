//! Work ledgers (台账): activities with their kinds, work areas, publicity
//! channels and campaigns, participants and attendance, volunteer hours and
//! the report status on the civilization-practice platform.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::Id;

/// Built-in activity kinds: (code, label). Administrators may add more.
pub const KINDS: &[(&str, &str)] = &[
    ("central_group_study", "理论中心组学习"),
    ("study_day", "“党旗领航·周五学习”"),
    ("meeting", "会议"),
    ("publicity", "宣传"),
    ("volunteer_activity", "志愿服务"),
    ("sanitation", "环境卫生整治"),
    ("inspection", "检查"),
    ("visit", "走访"),
];

/// The kind whose activities are reported to the upper civilization-practice platform.
pub const VOLUNTEER_KIND: &str = "volunteer_activity";

pub fn kind_label(code: &str) -> Option<&'static str> {
    KINDS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// The name to show for a kind: a built-in kind's label, or an added kind's
/// own name (which is its code).
pub fn kind_name(code: &str) -> &str {
    kind_label(code).unwrap_or(code)
}

/// A part of the activity form beyond the fields every record has (组织,
/// 类型, 条线, 名称, 日期, 时间, 地点, 主持人, 内容, 参加人员, 照片).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// The content field asks for the study topic (学习主题和内容).
    Topic,
    /// Materials and videos studied or shown (学习材料).
    Materials,
    /// Each participant's attendance and leave reason, counted as 应到 / 实到 / 请假.
    Attendance,
    /// Campaign, channels and role models (专项, 宣传渠道, 典型人物).
    Publicity,
    /// Banners, boards, posts and people reached (横幅, 展板, 信息, 覆盖人次).
    Quantities,
    /// Service hours per participant (服务时长).
    Hours,
    /// Reporting to the civilization-practice platform (上报日期, 上报人).
    PlatformReport,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Topic,
        Section::Materials,
        Section::Attendance,
        Section::Publicity,
        Section::Quantities,
        Section::Hours,
        Section::PlatformReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::Topic => "topic",
            Section::Materials => "materials",
            Section::Attendance => "attendance",
            Section::Publicity => "publicity",
            Section::Quantities => "quantities",
            Section::Hours => "hours",
            Section::PlatformReport => "platform_report",
        }
    }
}

const STUDY_SECTIONS: &[Section] = &[Section::Topic, Section::Materials, Section::Attendance];

/// The one table of what each built-in kind's form asks beyond the common
/// fields: (kind code, sections). A kind without sections here (环境卫生整治,
/// 检查, 走访) has the common fields only.
pub const FORM_SECTIONS: &[(&str, &[Section])] = &[
    ("central_group_study", STUDY_SECTIONS),
    ("study_day", STUDY_SECTIONS),
    ("meeting", STUDY_SECTIONS),
    ("publicity", &[Section::Publicity, Section::Quantities]),
    (VOLUNTEER_KIND, &[Section::Hours, Section::PlatformReport]),
    ("sanitation", &[]),
    ("inspection", &[]),
    ("visit", &[]),
];

/// The sections of a kind an administrator added (宣讲, 文艺演出, 党课 …):
/// whatever such a gathering may need, a study's attendance and materials
/// and a publicity's channels and quantities, but not service hours and
/// platform reporting, which count for the volunteer kind only (the volunteer
/// ledger and the platform's reports read that kind).
pub const ADDED_KIND_SECTIONS: &[Section] =
    &[Section::Topic, Section::Materials, Section::Attendance, Section::Publicity, Section::Quantities];

/// The sections the activity form shows for a kind (by code). With no kind
/// chosen yet, every section, so that nothing is out of reach.
pub fn form_sections(kind: &str) -> &'static [Section] {
    if kind.is_empty() {
        return &Section::ALL;
    }
    FORM_SECTIONS.iter().find(|(k, _)| *k == kind).map_or(ADDED_KIND_SECTIONS, |(_, s)| *s)
}

/// Whose attendance a kind's form suggests first: the members of the org's
/// leading group serving this summary topic (a code of
/// [`crate::purpose::PURPOSES`]), e.g. the theory-study group for a central
/// group session. Other kinds suggest the org's own members (a branch's, a
/// team's), or a volunteer team's for volunteer service.
pub const ROSTER_PURPOSE: &[(&str, &str)] = &[("central_group_study", crate::purpose::THEORY_STUDY)];

/// The day a new record's date starts at: today when it lies within the
/// working period, else the period's last day (today for a period still to come).
pub fn form_date(period: &crate::period::Period, today: NaiveDate) -> NaiveDate {
    period.end().min(today)
}

/// Publicity channels (宣传渠道): (code, label).
pub const CHANNELS: &[(&str, &str)] = &[
    ("led_screen", "电子屏"),
    ("plaza_screen", "广场显示屏"),
    ("wechat_group", "微信群"),
    ("official_account", "微信公众号"),
    ("xuexi_qiangguo", "学习强国"),
    ("banner", "横幅"),
    ("board", "展板"),
    ("slogan", "标语"),
    ("door_to_door", "入户走访"),
    ("audio_video", "音视频"),
];

pub fn channel_label(code: &str) -> Option<&'static str> {
    CHANNELS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

/// Parses a channel by code or by its Chinese label.
pub fn parse_channel(s: &str) -> Option<&'static str> {
    CHANNELS.iter().find(|(c, l)| *c == s || *l == s).map(|(c, _)| *c)
}

/// A node of the work-area tree (工作条线); areas map to report sections.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkArea {
    pub id: Id,
    pub parent_id: Option<Id>,
    /// None for the shared default areas.
    pub org_id: Option<Id>,
    pub name: String,
    pub sort: i64,
    /// The summary topic it serves, a code of [`crate::purpose::PURPOSES`].
    pub purpose: Option<String>,
}

/// A themed campaign (专项宣传 / 主题), shared (org None) or an org's own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub id: Id,
    pub org_id: Option<Id>,
    pub name: String,
    /// The summary topic it serves, a code of [`crate::purpose::PURPOSES`].
    pub purpose: Option<String>,
}

/// Whether a person took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attendance {
    Present,
    Leave,
    Absent,
}

impl Attendance {
    pub fn as_str(self) -> &'static str {
        match self {
            Attendance::Present => "present",
            Attendance::Leave => "leave",
            Attendance::Absent => "absent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Attendance::Present => "出席",
            Attendance::Leave => "请假",
            Attendance::Absent => "缺席",
        }
    }

    pub fn parse(s: &str) -> Option<Attendance> {
        [Attendance::Present, Attendance::Leave, Attendance::Absent]
            .into_iter()
            .find(|a| a.as_str() == s || a.label() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Participant {
    pub person_id: Id,
    pub person_name: String,
    pub attendance: Attendance,
    pub leave_reason: String,
    /// Volunteer service hours.
    pub hours: Option<f64>,
}

/// Quantities of a publicity action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Quantities {
    pub banners: u32,
    pub boards: u32,
    pub posts: u32,
    pub reached: u32,
}

/// One record of work done (台账记录).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Activity {
    pub id: Id,
    #[serde(flatten)]
    pub fields: ActivityFields,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The validated content of an activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActivityFields {
    pub org_id: Id,
    pub kind: String,
    pub work_area_id: Option<Id>,
    pub title: String,
    pub summary: String,
    pub place: String,
    pub date: NaiveDate,
    /// "HH:MM", empty when not recorded.
    pub start_time: String,
    pub host: String,
    pub participants: Vec<Participant>,
    /// People present who are not in the register.
    pub others_count: u32,
    pub campaign_id: Option<Id>,
    pub channels: Vec<String>,
    pub quantities: Quantities,
    /// Role models promoted (典型人物), by name.
    pub role_models: Vec<String>,
    /// Materials and videos studied or shown.
    pub materials: Vec<String>,
    /// Reported to the civilization-practice platform on this day.
    pub reported_on: Option<NaiveDate>,
    pub reported_by: String,
}

impl ActivityFields {
    pub fn present_count(&self) -> u32 {
        self.participants.iter().filter(|p| p.attendance == Attendance::Present).count() as u32 + self.others_count
    }

    pub fn service_hours(&self) -> f64 {
        self.participants.iter().filter_map(|p| p.hours).sum()
    }

    /// 应到: the people of the register expected (every participant listed).
    pub fn expected_count(&self) -> u32 {
        self.participants.len() as u32
    }

    /// Participants with this attendance: present (实到), on leave (请假), absent (缺席).
    pub fn attendance_count(&self, attendance: Attendance) -> u32 {
        self.participants.iter().filter(|p| p.attendance == attendance).count() as u32
    }
}

/// Filter of the activity list.
#[derive(Debug, Clone, Default)]
pub struct ActivityQuery {
    pub scope_path: String,
    pub kind: Option<String>,
    pub work_area_id: Option<Id>,
    pub campaign_id: Option<Id>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only volunteer activities not yet reported to the platform.
    pub unreported: bool,
    /// Only activities without any evidence file.
    pub without_evidence: bool,
    pub text: String,
    /// Only these activities (the records a summary's figure cites); empty: any.
    pub ids: Vec<Id>,
    pub page: u32,
    pub per_page: u32,
    /// The page after this cursor (date, id; keyset), instead of `page`.
    pub after: Option<crate::model::Cursor>,
}

/// A row of the activity list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActivityRow {
    pub id: Id,
    pub org_id: Id,
    pub org_name: String,
    pub kind: String,
    pub title: String,
    pub date: NaiveDate,
    pub place: String,
    pub host: String,
    pub reported_on: Option<NaiveDate>,
    pub evidence_count: u64,
    /// An image among the evidence, for a thumbnail in lists.
    pub first_image: Option<Id>,
}

/// Counts for dashboards, from the per-month aggregate.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ActivityCounts {
    /// (kind, count)
    pub by_kind: Vec<(String, u64)>,
    /// (work area id, count)
    pub by_area: Vec<(Option<Id>, u64)>,
    /// ("YYYY-MM", kind, count)
    pub by_month: Vec<(String, String, u64)>,
    pub total: u64,
    /// Activities with at least one evidence file.
    pub with_evidence: u64,
    /// (kind, count of activities reported to the upper platform)
    pub reported_by_kind: Vec<(String, u64)>,
}

impl ActivityCounts {
    pub fn of_kind(&self, kind: &str) -> u64 {
        self.by_kind.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n)
    }

    pub fn without_evidence(&self) -> u64 {
        self.total.saturating_sub(self.with_evidence)
    }

    /// Activities of this kind not (yet) reported to the upper platform.
    pub fn unreported(&self, kind: &str) -> u64 {
        let reported = self.reported_by_kind.iter().find(|(k, _)| k == kind).map_or(0, |(_, n)| *n);
        self.of_kind(kind).saturating_sub(reported)
    }
}

/// The columns of an activity spreadsheet: (key, Chinese header).
pub const SHEET_COLUMNS: &[(&str, &str)] = &[
    ("date", "日期"),
    ("start_time", "时间"),
    ("org", "组织"),
    ("kind", "活动类型"),
    ("work_area", "工作条线"),
    ("title", "活动名称"),
    ("place", "地点"),
    ("host", "主持人"),
    ("participants", "参加人员"),
    ("others_count", "名册外人数"),
    ("summary", "内容"),
    ("campaign", "专项"),
    ("channels", "宣传渠道"),
    ("banners", "横幅"),
    ("boards", "展板"),
    ("posts", "信息"),
    ("reached", "覆盖人次"),
    ("role_models", "典型人物"),
    ("materials", "学习材料"),
    ("reported_on", "平台上报日期"),
    ("reported_by", "上报人"),
];

/// Columns an import cannot do without.
pub const SHEET_REQUIRED: &[&str] = &["date", "org", "kind", "title"];

/// One row of an activity spreadsheet as offices keep it: names, not ids.
/// `row` is the 1-based row number in the sheet, for error messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SheetActivity {
    pub row: usize,
    pub org: String,
    pub date: String,
    pub start_time: String,
    pub kind: String,
    pub work_area: String,
    pub title: String,
    pub place: String,
    pub host: String,
    /// Names of participants in the register, separated by 、 or ，.
    pub participants: String,
    pub others_count: String,
    pub summary: String,
    pub campaign: String,
    pub channels: String,
    pub banners: String,
    pub boards: String,
    pub posts: String,
    pub reached: String,
    pub role_models: String,
    pub materials: String,
    pub reported_on: String,
    pub reported_by: String,
}

/// Parses a kind by code or Chinese label.
pub fn parse_kind(s: &str) -> Option<&'static str> {
    let s = s.trim();
    KINDS.iter().find(|(c, l)| *c == s || *l == s || l.trim_matches(|ch| ch == '“' || ch == '”') == s).map(|(c, _)| *c)
}

/// One month's item of a study group's yearly plan (每月学习计划).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanItem {
    pub id: Id,
    pub org_id: Id,
    pub year: i32,
    pub month: u32,
    pub topic: String,
    pub materials: String,
    /// The session that carried the item out.
    pub activity_id: Option<Id>,
}

/// A rectification order (整改通知) from an inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rectification {
    pub id: Id,
    pub org_id: Id,
    /// The inspection that found the problem.
    pub activity_id: Option<Id>,
    /// Who must rectify (a shop, a unit, a household).
    pub subject: String,
    pub problem: String,
    pub requirement: String,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub rectified_on: Option<NaiveDate>,
    pub reinspected_on: Option<NaiveDate>,
    pub reinspected_by: String,
    /// Passed the re-inspection; None until re-inspected.
    pub reinspection_passed: Option<bool>,
    pub reinspection_note: String,
}

/// Where a rectification stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStatus {
    /// Waiting for the subject, deadline not passed.
    Open,
    /// Deadline passed without a passed re-inspection.
    Overdue,
    /// Rectified, waiting for re-inspection.
    AwaitingReinspection,
    /// Re-inspected and passed: closed.
    Closed,
}

impl RectificationStatus {
    pub fn label(self) -> &'static str {
        match self {
            RectificationStatus::Open => "整改中",
            RectificationStatus::Overdue => "已逾期",
            RectificationStatus::AwaitingReinspection => "待复查",
            RectificationStatus::Closed => "已销号",
        }
    }
}

impl Rectification {
    pub fn status(&self, today: NaiveDate) -> RectificationStatus {
        if self.reinspection_passed == Some(true) {
            RectificationStatus::Closed
        } else if self.deadline < today {
            RectificationStatus::Overdue
        } else if self.rectified_on.is_some() && self.reinspection_passed.is_none() {
            RectificationStatus::AwaitingReinspection
        } else {
            RectificationStatus::Open
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_kind_has_its_sections_and_added_kinds_get_the_gathering_set() {
        for (code, _) in KINDS {
            assert!(FORM_SECTIONS.iter().any(|(k, _)| k == code), "{code} has a row in the table");
        }
        assert_eq!(form_sections("publicity"), &[Section::Publicity, Section::Quantities]);
        assert_eq!(form_sections(VOLUNTEER_KIND), &[Section::Hours, Section::PlatformReport]);
        assert!(form_sections("sanitation").is_empty());
        assert_eq!(form_sections("理论宣讲"), ADDED_KIND_SECTIONS);
        assert!(!ADDED_KIND_SECTIONS.contains(&Section::PlatformReport));
        assert_eq!(form_sections(""), &Section::ALL);
    }

    #[test]
    fn a_new_record_is_dated_today_within_the_period_else_on_its_last_day() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let h1 = crate::period::Period::parse("2020H1").unwrap();
        assert_eq!(form_date(&h1, d("2020-03-04")), d("2020-03-04"));
        assert_eq!(form_date(&h1, d("2024-03-04")), d("2020-06-30"));
        assert_eq!(form_date(&h1, d("2020-06-30")), d("2020-06-30"));
        // A period still to come: today (a date after today is refused).
        assert_eq!(form_date(&h1, d("2019-12-01")), d("2019-12-01"));
    }
}
