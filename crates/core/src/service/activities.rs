//! Activities (台账记录): the check of a record's fields, create, update,
//! delete, the platform report, lists by filter, and volunteer hours.

use chrono::{NaiveDate, NaiveTime};
use serde::Deserialize;

use super::{Services, bad_date, parse_date, plain_texts, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::ledger::*;
use crate::model::{Id, ListArgs, Org, Page, Role};

/// Largest count an activity records (other attendees, banners, boards,
/// posts, people reached).
pub const MAX_COUNT: u32 = 1_000_000;

/// One participant as typed or sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ParticipantInput {
    pub person_id: Option<Id>,
    /// present (出席), leave (请假) or absent (缺席); present when empty.
    pub attendance: String,
    pub leave_reason: String,
    pub hours: Option<f64>,
}

/// An activity as typed in a form, sent as JSON or read from a spreadsheet.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActivityInput {
    pub org_id: Option<Id>,
    pub kind: String,
    pub work_area_id: Option<Id>,
    pub title: String,
    pub summary: String,
    pub place: String,
    pub date: String,
    pub start_time: String,
    pub host: String,
    pub participants: Vec<ParticipantInput>,
    pub others_count: u32,
    pub campaign_id: Option<Id>,
    pub channels: Vec<String>,
    pub banners: u32,
    pub boards: u32,
    pub posts: u32,
    pub reached: u32,
    pub role_models: Vec<String>,
    pub materials: Vec<String>,
    pub reported_on: String,
    pub reported_by: String,
}

/// Filter of the activity list as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActivityFilter {
    pub org_id: Option<Id>,
    pub kind: Option<String>,
    pub work_area_id: Option<Id>,
    pub campaign_id: Option<Id>,
    /// A period code (2020H1, 2020-03 ...) instead of from/to.
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub unreported: bool,
    /// Only activities without evidence files.
    pub without_evidence: bool,
    pub q: String,
    /// Only these activities, "1,2,3" (the records a summary's figure cites).
    pub ids: String,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// The `next` of the page before (keyset), instead of `page`.
    pub after: Option<String>,
}

impl ActivityInput {
    /// A stored record as the form edits it.
    pub fn from_fields(f: &ActivityFields) -> ActivityInput {
        ActivityInput {
            org_id: Some(f.org_id),
            kind: f.kind.clone(),
            work_area_id: f.work_area_id,
            title: f.title.clone(),
            summary: f.summary.clone(),
            place: f.place.clone(),
            date: f.date.to_string(),
            start_time: f.start_time.clone(),
            host: f.host.clone(),
            participants: f
                .participants
                .iter()
                .map(|p| ParticipantInput {
                    person_id: Some(p.person_id),
                    attendance: p.attendance.as_str().to_owned(),
                    leave_reason: p.leave_reason.clone(),
                    hours: p.hours,
                })
                .collect(),
            others_count: f.others_count,
            campaign_id: f.campaign_id,
            channels: f.channels.clone(),
            banners: f.quantities.banners,
            boards: f.quantities.boards,
            posts: f.quantities.posts,
            reached: f.quantities.reached,
            role_models: f.role_models.clone(),
            materials: f.materials.clone(),
            reported_on: f.reported_on.map(|d| d.to_string()).unwrap_or_default(),
            reported_by: f.reported_by.clone(),
        }
    }

    /// A new record started from a stored one ("复制上一条"): its org, kind,
    /// work area, title, place, host, time, campaign, channels and
    /// participants (all present again, service hours kept); the date, the
    /// content, quantities, materials and platform report are the new
    /// record's own.
    pub fn copied_from(f: &ActivityFields) -> ActivityInput {
        let mut input = ActivityInput::from_fields(f);
        for p in &mut input.participants {
            p.attendance = Attendance::Present.as_str().to_owned();
            p.leave_reason.clear();
        }
        ActivityInput {
            date: String::new(),
            summary: String::new(),
            others_count: 0,
            banners: 0,
            boards: 0,
            posts: 0,
            reached: 0,
            role_models: Vec::new(),
            materials: Vec::new(),
            reported_on: String::new(),
            reported_by: String::new(),
            ..input
        }
    }

    /// The form's sections that hold something here, whatever the kind asks:
    /// a form shows them too, so that a record whose kind changed keeps its
    /// data in sight.
    pub fn sections_with_data(&self) -> Vec<Section> {
        let filled = |items: &[String]| items.iter().any(|s| !s.trim().is_empty());
        let chosen = || self.participants.iter().filter(|p| p.person_id.is_some());
        Section::ALL
            .into_iter()
            .filter(|s| match s {
                Section::Topic => false,
                Section::Materials => filled(&self.materials),
                Section::Attendance => chosen().any(|p| {
                    !p.leave_reason.trim().is_empty()
                        || Attendance::parse(p.attendance.trim()).is_some_and(|a| a != Attendance::Present)
                }),
                Section::Publicity => self.campaign_id.is_some() || filled(&self.channels) || filled(&self.role_models),
                Section::Quantities => self.banners + self.boards + self.posts + self.reached > 0,
                Section::Hours => chosen().any(|p| p.hours.is_some()),
                Section::PlatformReport => !self.reported_on.trim().is_empty() || !self.reported_by.trim().is_empty(),
            })
            .collect()
    }
}

fn clean_list(items: &[String]) -> Vec<String> {
    items
        .iter()
        .flat_map(|s| s.split(['\n', '、', '，', ',']))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Services {
    /// Is the person one of the org's own: registered in its subtree, or
    /// holding a role in an org of its subtree?
    pub(crate) async fn belongs_to(&self, person_id: Id, org: &Org) -> Result<Option<String>> {
        let Some(person) = self.store.person_get(person_id).await? else {
            return Ok(None);
        };
        let home = self.store.org_get(person.org_id).await?;
        if home.is_some_and(|h| h.path.starts_with(&org.path)) {
            return Ok(Some(person.name));
        }
        for m in self.store.memberships_of_person(person_id).await? {
            if let Some(o) = self.store.org_get(m.org_id).await?
                && o.path.starts_with(&org.path)
            {
                return Ok(Some(person.name));
            }
        }
        Ok(None)
    }

    /// Checks an activity's input: every wrong field at once, participants by row.
    pub async fn activity_fields(&self, actor: &Actor, input: &ActivityInput) -> Result<ActivityFields> {
        let today = now().date_naive();
        let mut problems = Problems::new();
        let org = match input.org_id {
            Some(id) => match self.visible_org(actor, id).await {
                Ok(org) if org.is_closed() => {
                    problems.add("org_id", "该组织已撤销，不能再记录活动");
                    None
                }
                Ok(org) => Some(org),
                Err(_) => {
                    problems.add("org_id", "所选组织不存在或不在您的管辖范围内");
                    None
                }
            },
            None => {
                problems.add("org_id", "请选择开展活动的组织");
                None
            }
        };
        let kind = self.resolve_kind(actor, &input.kind).await?.unwrap_or_default();
        if kind.is_empty() {
            problems.add("kind", "请选择活动类型");
        }
        if let Some(area) = input.work_area_id
            && !self.work_areas_for(actor).await?.iter().any(|a| a.id == area)
        {
            problems.add("work_area_id", "所选工作条线不存在");
        }
        let title = required_text(&mut problems, "title", "活动名称", &input.title, 100);
        if input.summary.chars().count() > 5000 {
            problems.add("summary", "活动内容不能超过5000个字");
        }
        plain_texts(
            &mut problems,
            &[
                ("summary", "活动内容", &input.summary),
                ("place", "活动地点", &input.place),
                ("host", "主持人", &input.host),
                ("reported_by", "上报人", &input.reported_by),
                ("role_models", "典型人物", &input.role_models.concat()),
                ("materials", "学习材料", &input.materials.concat()),
            ],
        );
        let date = match input.date.trim() {
            "" => {
                problems.add("date", "请填写活动日期");
                None
            }
            raw => match parse_date(raw) {
                Some(d) if d > today => {
                    problems.add("date", "活动日期不能晚于今天");
                    None
                }
                Some(d) => Some(d),
                None => {
                    problems.add("date", bad_date("活动日期", raw, format!("活动日期“{raw}”格式应为“2020-07-10”")));
                    None
                }
            },
        };
        let start_time = input.start_time.trim();
        if !start_time.is_empty() && NaiveTime::parse_from_str(start_time, "%H:%M").is_err() {
            problems.add("start_time", "开始时间格式应为“09:30”");
        }
        let mut participants: Vec<Participant> = Vec::new();
        for (i, p) in input.participants.iter().enumerate() {
            let field = |name: &str| format!("participants[{i}].{name}");
            let row = format!("第{}名参加人员", i + 1);
            let attendance = match p.attendance.trim() {
                "" => Some(Attendance::Present),
                a => Attendance::parse(a),
            };
            if attendance.is_none() {
                problems.add(&field("attendance"), format!("{row}的出勤情况只能是出席、请假或缺席"));
            }
            if attendance == Some(Attendance::Leave) && p.leave_reason.trim().is_empty() {
                problems.add(&field("leave_reason"), format!("{row}请假，请填写请假原因"));
            }
            problems.text(&field("leave_reason"), &format!("{row}的请假原因"), &p.leave_reason);
            if let Some(h) = p.hours
                && !(h > 0.0 && h <= 24.0)
            {
                problems.add(&field("hours"), format!("{row}的服务时长应在0到24小时之间"));
            }
            let Some(person_id) = p.person_id else {
                problems.add(&field("person_id"), format!("请选择{row}"));
                continue;
            };
            if participants.iter().any(|q| q.person_id == person_id) {
                problems.add(&field("person_id"), format!("{row}重复"));
                continue;
            }
            let name = match &org {
                Some(org) => self.belongs_to(person_id, org).await?,
                None => None,
            };
            match (name, &org) {
                (Some(name), _) => participants.push(Participant {
                    person_id,
                    person_name: name,
                    attendance: attendance.unwrap_or(Attendance::Present),
                    leave_reason: p.leave_reason.trim().to_owned(),
                    hours: p.hours,
                }),
                (None, Some(org)) => {
                    problems.add(&field("person_id"), format!("{row}不是“{}”的人员", org.name));
                }
                (None, None) => {}
            }
        }
        let campaign_id = match input.campaign_id {
            Some(id) if self.campaigns(actor).await?.iter().any(|c| c.id == id) => Some(id),
            Some(_) => {
                problems.add("campaign_id", "所选专项不存在");
                None
            }
            None => None,
        };
        let mut channels = Vec::new();
        for raw in clean_list(&input.channels) {
            match parse_channel(&raw) {
                Some(code) if !channels.contains(&code.to_owned()) => channels.push(code.to_owned()),
                Some(_) => {}
                None => problems.add("channels", format!("未知的宣传渠道“{raw}”")),
            }
        }
        let reported_on = match input.reported_on.trim() {
            "" => None,
            raw => match parse_date(raw) {
                Some(d) if date.is_some_and(|a| d < a) => {
                    problems.add("reported_on", "上报日期不能早于活动日期");
                    None
                }
                Some(d) if d > today => {
                    problems.add("reported_on", "上报日期不能晚于今天");
                    None
                }
                Some(d) => Some(d),
                None => {
                    problems.add("reported_on", bad_date("上报日期", raw, "上报日期格式应为“2020-07-10”"));
                    None
                }
            },
        };
        if reported_on.is_some() && input.reported_by.trim().is_empty() {
            problems.add("reported_by", "请填写上报人");
        }
        for (field, label, n) in [
            ("others_count", "其他参加人数", input.others_count),
            ("banners", "横幅数量", input.banners),
            ("boards", "展板数量", input.boards),
            ("posts", "推文数量", input.posts),
            ("reached", "受众人数", input.reached),
        ] {
            if n > MAX_COUNT {
                problems.add(field, format!("{label}不能超过{MAX_COUNT}"));
            }
        }
        problems.finish()?;
        Ok(ActivityFields {
            org_id: org.expect("checked").id,
            kind,
            work_area_id: input.work_area_id,
            title: title.expect("checked"),
            summary: input.summary.trim().to_owned(),
            place: input.place.trim().chars().take(100).collect(),
            date: date.expect("checked"),
            start_time: start_time.to_owned(),
            host: input.host.trim().chars().take(50).collect(),
            participants,
            others_count: input.others_count,
            campaign_id,
            channels,
            quantities: Quantities {
                banners: input.banners,
                boards: input.boards,
                posts: input.posts,
                reached: input.reached,
            },
            role_models: clean_list(&input.role_models),
            materials: input.materials.iter().map(|m| m.trim().to_owned()).filter(|m| !m.is_empty()).collect(),
            reported_on,
            reported_by: input.reported_by.trim().to_owned(),
        })
    }

    pub async fn activity_get(&self, actor: &Actor, id: Id) -> Result<Activity> {
        let activity = self.store.activity_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, activity.fields.org_id).await?;
        Ok(activity)
    }

    pub async fn activity_create(&self, actor: &Actor, input: &ActivityInput) -> Result<Activity> {
        actor.require(Role::Recorder)?;
        let fields = self.activity_fields(actor, input).await?;
        self.ensure_unlocked(fields.org_id, fields.date).await?;
        self.store.activity_create(fields, &actor.ctx()).await
    }

    pub async fn activity_update(&self, actor: &Actor, id: Id, input: &ActivityInput) -> Result<Activity> {
        let before = self.activity_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let fields = self.activity_fields(actor, input).await?;
        self.ensure_unlocked(before.fields.org_id, before.fields.date).await?;
        self.ensure_unlocked(fields.org_id, fields.date).await?;
        self.store.activity_update(id, fields, &actor.ctx()).await
    }

    pub async fn activity_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        let before = self.activity_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        self.ensure_unlocked(before.fields.org_id, before.fields.date).await?;
        self.store.activity_delete(id, &actor.ctx()).await
    }

    /// Records that a volunteer activity was reported to the platform.
    pub async fn activity_report(&self, actor: &Actor, id: Id, on: &str, by: &str) -> Result<Activity> {
        let activity = self.activity_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let mut fields = activity.fields;
        let mut problems = Problems::new();
        let on = problems.check(
            "reported_on",
            parse_date(on.trim()).ok_or_else(|| bad_date("上报日期", on.trim(), "上报日期格式应为“2020-07-10”")),
        );
        if let Some(d) = on
            && d < fields.date
        {
            problems.add("reported_on", "上报日期不能早于活动日期");
        }
        let by = required_text(&mut problems, "reported_by", "上报人", by, 50);
        problems.finish()?;
        fields.reported_on = on;
        fields.reported_by = by.expect("checked");
        self.ensure_unlocked(fields.org_id, fields.date).await?;
        self.store.activity_update(id, fields, &actor.ctx()).await
    }

    /// Turns a typed filter into a query inside the actor's scope.
    pub async fn activity_query(&self, actor: &Actor, f: &ActivityFilter) -> Result<ActivityQuery> {
        let scope_path = match f.org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        let date = |field: &str, raw: &Option<String>| -> Result<Option<NaiveDate>> {
            match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => parse_date(s).map(Some).ok_or_else(|| {
                    Error::invalid(field, bad_date("日期", s, format!("日期“{s}”格式应为“2020-07-10”")))
                }),
            }
        };
        let (mut from, mut to) = (date("from", &f.from)?, date("to", &f.to)?);
        if let Some(code) = f.period.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let period = crate::period::Period::parse(code).map_err(|e| Error::invalid("period", e.to_string()))?;
            from = Some(period.start());
            to = Some(period.end());
        }
        Ok(ActivityQuery {
            scope_path,
            kind: f.kind.clone().filter(|k| !k.is_empty()),
            work_area_id: f.work_area_id,
            campaign_id: f.campaign_id,
            from,
            to,
            unreported: f.unreported,
            without_evidence: f.without_evidence,
            text: f.q.clone(),
            ids: f.ids.split(',').filter_map(|s| s.trim().parse().ok()).take(1000).collect(),
            page: f.page.unwrap_or(1).max(1),
            per_page: f.per_page.unwrap_or(50).clamp(1, 200),
            after: ListArgs { after: f.after.clone(), ..ListArgs::default() }.cursor()?,
        })
    }

    pub async fn activity_list(&self, actor: &Actor, f: &ActivityFilter) -> Result<Page<ActivityRow>> {
        let query = self.activity_query(actor, f).await?;
        self.store.activity_list(&query).await
    }
}

impl Services {
    /// Service hours per volunteer in an org's subtree over a period.
    pub async fn volunteer_hours(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
    ) -> Result<Vec<(Id, String, u64, f64)>> {
        let scope = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        let period =
            crate::period::Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        self.store.volunteer_hours(&scope, period.start(), period.end()).await
    }
}
