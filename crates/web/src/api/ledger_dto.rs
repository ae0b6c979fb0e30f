//! Request and response types of the ledger API.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use taizhang_core::ledger::{Activity, ActivityRow, Campaign, WorkArea, channel_label, kind_name};
use taizhang_core::service::{
    ActivityFilter, ActivityInput, Dashboard, ExemptionInput, ParticipantInput, TargetInput, TargetStatus,
};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct WorkAreaOut {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// The summary topic it serves, if any (epidemic, anti_crime, health, public_security, theory_study).
    pub purpose: Option<String>,
}

impl From<WorkArea> for WorkAreaOut {
    fn from(a: WorkArea) -> Self {
        WorkAreaOut { id: a.id, parent_id: a.parent_id, name: a.name, purpose: a.purpose }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CampaignOut {
    pub id: i64,
    /// None for campaigns shared by every org.
    pub org_id: Option<i64>,
    pub name: String,
    /// The summary topic it serves, if any (epidemic, anti_crime, health, public_security, theory_study).
    pub purpose: Option<String>,
}

impl From<Campaign> for CampaignOut {
    fn from(c: Campaign) -> Self {
        CampaignOut { id: c.id, org_id: c.org_id, name: c.name, purpose: c.purpose }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CampaignBody {
    pub org_id: Option<i64>,
    pub name: String,
    /// The summary topic it serves: epidemic, anti_crime, health,
    /// public_security or theory_study (or its Chinese label); empty for none.
    pub purpose: String,
}

#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct ParticipantBody {
    pub person_id: Option<i64>,
    /// present, leave or absent (出席、请假、缺席); present when empty.
    pub attendance: String,
    pub leave_reason: String,
    /// Volunteer service hours.
    pub hours: Option<f64>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ActivityBody {
    pub org_id: Option<i64>,
    /// central_group_study, study_day, meeting, publicity, volunteer_activity, sanitation, inspection, visit
    pub kind: String,
    pub work_area_id: Option<i64>,
    pub title: String,
    pub summary: String,
    pub place: String,
    /// YYYY-MM-DD
    pub date: String,
    /// HH:MM
    pub start_time: String,
    pub host: String,
    pub participants: Vec<ParticipantBody>,
    pub others_count: u32,
    pub campaign_id: Option<i64>,
    /// Channel codes or names: led_screen (电子屏), plaza_screen (广场显示屏), wechat_group (微信群),
    /// official_account (微信公众号), xuexi_qiangguo (学习强国), banner (横幅), board (展板),
    /// slogan (标语), door_to_door (入户走访), audio_video (音视频).
    pub channels: Vec<String>,
    pub banners: u32,
    pub boards: u32,
    pub posts: u32,
    pub reached: u32,
    pub role_models: Vec<String>,
    pub materials: Vec<String>,
    /// Day reported to the civilization-practice platform, YYYY-MM-DD.
    pub reported_on: String,
    pub reported_by: String,
}

impl From<ActivityBody> for ActivityInput {
    fn from(b: ActivityBody) -> Self {
        ActivityInput {
            org_id: b.org_id,
            kind: b.kind,
            work_area_id: b.work_area_id,
            title: b.title,
            summary: b.summary,
            place: b.place,
            date: b.date,
            start_time: b.start_time,
            host: b.host,
            participants: b
                .participants
                .into_iter()
                .map(|p| ParticipantInput {
                    person_id: p.person_id,
                    attendance: p.attendance,
                    leave_reason: p.leave_reason,
                    hours: p.hours,
                })
                .collect(),
            others_count: b.others_count,
            campaign_id: b.campaign_id,
            channels: b.channels,
            banners: b.banners,
            boards: b.boards,
            posts: b.posts,
            reached: b.reached,
            role_models: b.role_models,
            materials: b.materials,
            reported_on: b.reported_on,
            reported_by: b.reported_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ParticipantOut {
    pub person_id: i64,
    pub person_name: String,
    pub attendance: String,
    pub leave_reason: String,
    pub hours: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityOut {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub kind_label: String,
    pub work_area_id: Option<i64>,
    pub title: String,
    pub summary: String,
    pub place: String,
    pub date: NaiveDate,
    pub start_time: String,
    pub host: String,
    pub participants: Vec<ParticipantOut>,
    pub others_count: u32,
    /// Present participants plus others.
    pub present: u32,
    pub service_hours: f64,
    pub campaign_id: Option<i64>,
    pub channels: Vec<String>,
    pub channel_labels: Vec<String>,
    pub banners: u32,
    pub boards: u32,
    pub posts: u32,
    pub reached: u32,
    pub role_models: Vec<String>,
    pub materials: Vec<String>,
    pub reported_on: Option<NaiveDate>,
    pub reported_by: String,
}

impl From<Activity> for ActivityOut {
    fn from(a: Activity) -> Self {
        let f = a.fields;
        ActivityOut {
            id: a.id,
            org_id: f.org_id,
            kind_label: kind_name(&f.kind).to_owned(),
            present: f.present_count(),
            service_hours: f.service_hours(),
            channel_labels: f.channels.iter().map(|c| channel_label(c).unwrap_or(c).to_owned()).collect(),
            participants: f
                .participants
                .into_iter()
                .map(|p| ParticipantOut {
                    person_id: p.person_id,
                    person_name: p.person_name,
                    attendance: p.attendance.as_str().into(),
                    leave_reason: p.leave_reason,
                    hours: p.hours,
                })
                .collect(),
            kind: f.kind,
            work_area_id: f.work_area_id,
            title: f.title,
            summary: f.summary,
            place: f.place,
            date: f.date,
            start_time: f.start_time,
            host: f.host,
            others_count: f.others_count,
            campaign_id: f.campaign_id,
            channels: f.channels,
            banners: f.quantities.banners,
            boards: f.quantities.boards,
            posts: f.quantities.posts,
            reached: f.quantities.reached,
            role_models: f.role_models,
            materials: f.materials,
            reported_on: f.reported_on,
            reported_by: f.reported_by,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityRowOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub date: NaiveDate,
    pub place: String,
    pub host: String,
    pub reported_on: Option<NaiveDate>,
    pub evidence_count: u64,
}

impl From<ActivityRow> for ActivityRowOut {
    fn from(r: ActivityRow) -> Self {
        ActivityRowOut {
            id: r.id,
            org_id: r.org_id,
            org_name: r.org_name,
            kind_label: kind_name(&r.kind).to_owned(),
            kind: r.kind,
            title: r.title,
            date: r.date,
            place: r.place,
            host: r.host,
            reported_on: r.reported_on,
            evidence_count: r.evidence_count,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ActivityPage {
    pub items: Vec<ActivityRowOut>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ActivityListQuery {
    pub org_id: Option<i64>,
    pub kind: Option<String>,
    pub work_area_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// 2020, 2020H1, 2020Q3, 2020-03 ...
    pub period: Option<String>,
    /// YYYY-MM-DD
    pub from: Option<String>,
    /// YYYY-MM-DD
    pub to: Option<String>,
    /// Only volunteer activities not yet reported to the platform.
    pub unreported: bool,
    /// Only activities without evidence files.
    pub without_evidence: bool,
    /// Words in the title.
    pub q: String,
    /// Only these activities: ids separated by commas ("12,15,40").
    pub ids: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// The `next` of the page before: the page after it, found by seeking
    /// (fast at any depth); `page` is then ignored.
    pub after: Option<String>,
}

impl From<ActivityListQuery> for ActivityFilter {
    fn from(q: ActivityListQuery) -> Self {
        ActivityFilter {
            org_id: q.org_id,
            kind: q.kind,
            work_area_id: q.work_area_id,
            campaign_id: q.campaign_id,
            period: q.period,
            from: q.from,
            to: q.to,
            unreported: q.unreported,
            without_evidence: q.without_evidence,
            q: q.q,
            ids: q.ids,
            page: q.page,
            per_page: q.per_page,
            after: q.after,
        }
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ReportBody {
    /// YYYY-MM-DD
    pub reported_on: String,
    pub reported_by: String,
}

#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct ExemptionBody {
    /// YYYY-MM-DD
    pub start: String,
    /// YYYY-MM-DD
    pub end: String,
    pub reason: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TargetBody {
    pub org_id: Option<i64>,
    pub year: i32,
    pub kind: String,
    /// week, month, quarter or year
    pub frequency: String,
    pub min_count: i64,
    /// Count the activities of the whole subtree.
    pub include_subtree: bool,
    pub title: String,
    pub exemptions: Vec<ExemptionBody>,
}

impl From<TargetBody> for TargetInput {
    fn from(b: TargetBody) -> Self {
        TargetInput {
            org_id: b.org_id,
            year: b.year,
            kind: b.kind,
            frequency: b.frequency,
            min_count: b.min_count,
            include_subtree: b.include_subtree,
            title: b.title,
            exemptions: b
                .exemptions
                .into_iter()
                .map(|e| ExemptionInput { start: e.start, end: e.end, reason: e.reason })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct BucketOut {
    pub label: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub done: u32,
    pub required: u32,
    /// met, missed, in_progress, upcoming, exempt
    pub state: String,
}

#[derive(Serialize, ToSchema)]
pub struct TargetOut {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub kind: String,
    pub frequency: String,
    pub min_count: u32,
    pub include_subtree: bool,
    pub title: String,
    pub exemptions: Vec<ExemptionBody>,
    pub as_of: NaiveDate,
    pub done: u32,
    pub attained_so_far: bool,
    pub attained: bool,
    pub missed: Vec<String>,
    pub still_needed: u32,
    /// How many should be done by now at an even pace, when fewer were.
    pub behind_pace: Option<u32>,
    pub sentence: String,
    pub buckets: Vec<BucketOut>,
}

impl From<TargetStatus> for TargetOut {
    fn from(s: TargetStatus) -> Self {
        let (t, e) = (s.target, s.evaluation);
        TargetOut {
            id: t.id,
            org_id: t.org_id,
            org_name: s.org_name,
            year: t.year,
            kind: t.kind,
            frequency: t.frequency.as_str().into(),
            min_count: t.min_count,
            include_subtree: t.include_subtree,
            title: t.title,
            exemptions: t
                .exemptions
                .into_iter()
                .map(|x| ExemptionBody { start: x.start.to_string(), end: x.end.to_string(), reason: x.reason })
                .collect(),
            as_of: e.as_of,
            done: e.done,
            attained_so_far: e.attained_so_far,
            attained: e.attained,
            missed: e.missed,
            still_needed: e.still_needed,
            behind_pace: e.behind_pace,
            sentence: s.sentence,
            buckets: e
                .buckets
                .into_iter()
                .map(|b| BucketOut {
                    label: b.label,
                    start: b.start,
                    end: b.end,
                    done: b.done,
                    required: b.required,
                    state: serde_json::to_value(b.state)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TargetListQuery {
    pub org_id: Option<i64>,
    pub year: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct CountOut {
    pub key: String,
    pub label: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct MonthCountOut {
    /// YYYY-MM
    pub month: String,
    pub kind: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardOut {
    pub org_id: i64,
    pub org_name: String,
    pub period: String,
    pub period_label: String,
    pub total: u64,
    pub by_kind: Vec<CountOut>,
    pub by_area: Vec<CountOut>,
    pub by_month: Vec<MonthCountOut>,
    pub targets: Vec<TargetOut>,
    pub unreported: u64,
    pub without_evidence: u64,
    pub overdue_rectifications: u64,
}

impl DashboardOut {
    pub fn new(d: Dashboard, areas: &[WorkArea]) -> Self {
        DashboardOut {
            org_id: d.org.id,
            org_name: d.org.name,
            period: d.period.code(),
            period_label: d.period.label(),
            total: d.counts.total,
            by_kind: d
                .counts
                .by_kind
                .into_iter()
                .map(|(k, n)| CountOut { label: kind_name(&k).to_owned(), key: k, count: n })
                .collect(),
            by_area: d
                .counts
                .by_area
                .into_iter()
                .map(|(a, n)| CountOut {
                    key: a.map(|a| a.to_string()).unwrap_or_default(),
                    label: a
                        .and_then(|a| areas.iter().find(|x| x.id == a))
                        .map_or_else(|| "未分类".to_owned(), |x| x.name.clone()),
                    count: n,
                })
                .collect(),
            by_month: d
                .counts
                .by_month
                .into_iter()
                .map(|(month, kind, count)| MonthCountOut { month, kind, count })
                .collect(),
            targets: d.targets.into_iter().map(Into::into).collect(),
            unreported: d.unreported,
            without_evidence: d.without_evidence,
            overdue_rectifications: d.overdue_rectifications,
        }
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardQuery {
    pub org_id: Option<i64>,
    /// 2020H1, 2020, 2020Q2, 2020-03 ...
    pub period: String,
}
