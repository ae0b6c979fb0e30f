use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Services, bad_date, parse_date, plain_texts, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::evidence::{NewEvidence, NewFile};
use crate::ledger::*;
use crate::model::{Id, Org, Page, Role};

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

/// A preset of the attendance picker: the current members of an org.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterPreset {
    pub org_id: Id,
    pub org_name: String,
    /// The session's own org (its members), not a group under it.
    pub own: bool,
    /// The preset the session's kind suggests (see [`ROSTER_PURPOSE`]).
    pub suggested: bool,
    /// (person id, name), each person once.
    pub members: Vec<(Id, String)>,
}

/// A new record checked with the files sent with it, ready to be stored;
/// only [`Services::activity_check_new`] makes one.
#[derive(Debug)]
pub struct NewActivity {
    fields: ActivityFields,
    files: Vec<NewFile>,
    thumbnails: Vec<Option<Vec<u8>>>,
}

impl NewActivity {
    /// The photos among the files, by index, for the caller to make thumbnails of.
    pub fn images(&self) -> impl Iterator<Item = (usize, &[u8])> {
        self.files.iter().enumerate().filter(|(_, f)| f.is_image()).map(|(i, f)| (i, f.bytes.as_slice()))
    }

    pub fn set_thumbnail(&mut self, index: usize, thumbnail: Option<Vec<u8>>) {
        if let Some(slot) = self.thumbnails.get_mut(index) {
            *slot = thumbnail;
        }
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
    /// Shared campaigns and those of orgs the actor can see.
    pub async fn campaigns(&self, actor: &Actor) -> Result<Vec<Campaign>> {
        let all = self.store.campaigns().await?;
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        Ok(all.into_iter().filter(|c| c.org_id.is_none_or(|id| tree.iter().any(|o| o.id == id))).collect())
    }

    pub async fn campaign_create(&self, actor: &Actor, org_id: Option<Id>, name: &str) -> Result<Campaign> {
        self.campaign_add(actor, org_id, name, "").await
    }

    /// Adds an org's campaign serving a summary topic (`purpose`: a code or
    /// label of [`crate::purpose::PURPOSES`], empty for none).
    pub async fn campaign_add(&self, actor: &Actor, org_id: Option<Id>, name: &str, purpose: &str) -> Result<Campaign> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "专项名称", name, 40);
        let org = self.org_field(actor, org_id, &mut problems).await;
        let purpose = crate::purpose::purpose_field(&mut problems, "purpose", purpose);
        problems.finish()?;
        let name = name.expect("checked");
        if self.campaigns(actor).await?.iter().any(|c| c.name == name) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的专项")));
        }
        self.store.campaign_create(org.expect("checked").id, name, purpose.expect("checked"), &actor.ctx()).await
    }

    /// Renames a campaign or sets its purpose (absent: unchanged; an empty
    /// purpose clears it): an org's own campaigns by its administrators, the
    /// shared ones by system administrators only.
    pub async fn campaign_update(
        &self,
        actor: &Actor,
        id: Id,
        name: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<Campaign> {
        actor.require(Role::OrgAdmin)?;
        let campaigns = self.campaigns(actor).await?;
        let campaign = campaigns.iter().find(|c| c.id == id).ok_or(Error::NotFound)?;
        if campaign.org_id.is_none() {
            actor.require(Role::SystemAdmin)?;
        }
        let mut problems = Problems::new();
        let name = match name {
            Some(n) => required_text(&mut problems, "name", "专项名称", n, 40),
            None => Some(campaign.name.clone()),
        };
        let purpose = match purpose {
            Some(p) => crate::purpose::purpose_field(&mut problems, "purpose", p),
            None => Some(campaign.purpose.clone()),
        };
        problems.finish()?;
        let name = name.expect("checked");
        if campaigns.iter().any(|c| c.id != id && c.name == name) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的专项")));
        }
        self.store.campaign_update(id, name, purpose.expect("checked"), &actor.ctx()).await
    }

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
        self.store.activity_create(fields, &actor.ctx()).await
    }

    /// Checks a new record and the files sent with it (`field` names the
    /// files' input), every problem at once; each file's message names it.
    /// Nothing is decoded or written.
    pub async fn activity_check_new(
        &self,
        actor: &Actor,
        input: &ActivityInput,
        field: &str,
        files: Vec<(String, Vec<u8>)>,
    ) -> Result<NewActivity> {
        actor.require(Role::Recorder)?;
        let fields = self.activity_fields(actor, input).await;
        let mut problems = match &fields {
            Err(Error::Invalid(list)) => list.clone(),
            _ => Vec::new(),
        };
        let mut checked = Vec::new();
        for (i, (name, bytes)) in files.into_iter().enumerate() {
            match NewFile::check(field, &name, bytes) {
                Ok(file) => checked.push(file),
                Err(Error::Invalid(list)) => {
                    let shown = crate::evidence::clean_file_name(&name);
                    let plain = !name
                        .chars()
                        .any(|c| c.is_control() || crate::evidence::is_bidi_control(c) || crate::error::xml_invalid(c));
                    for e in list {
                        let message = if e.message.contains(&shown) {
                            e.message
                        } else if plain && !shown.is_empty() {
                            format!("“{shown}”：{}", e.message)
                        } else {
                            format!("第{}个文件：{}", i + 1, e.message)
                        };
                        problems.push(crate::error::FieldError::new(field, message));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        let fields = match fields {
            Ok(fields) if problems.is_empty() => fields,
            Err(e) if !matches!(e, Error::Invalid(_)) => return Err(e),
            _ => return Err(Error::Invalid(problems)),
        };
        let thumbnails = vec![None; checked.len()];
        Ok(NewActivity { fields, files: checked, thumbnails })
    }

    /// Stores a checked new record with its files, in one transaction.
    pub async fn activity_create_checked(&self, actor: &Actor, new: NewActivity) -> Result<Activity> {
        actor.require(Role::Recorder)?;
        let files = new
            .files
            .into_iter()
            .zip(new.thumbnails)
            .map(|(file, thumbnail)| NewEvidence {
                activity_id: 0,
                thumbnail: if file.is_image() { thumbnail } else { None },
                file_name: file.file_name,
                content_type: file.content_type,
                sha256: file.sha256,
                bytes: file.bytes,
            })
            .collect();
        self.store.activity_create_with_evidence(new.fields, files, &actor.ctx()).await
    }

    /// The record a new one starts from ("复制上一条"): the last one of the
    /// kind (given as code or label; any kind when empty) that this account
    /// entered and still sees.
    pub async fn activity_last_entered(&self, actor: &Actor, kind: &str) -> Result<Option<Activity>> {
        let Some(user_id) = actor.user_id else { return Ok(None) };
        let kind = match kind.trim() {
            "" => None,
            raw => match self.resolve_kind(actor, raw).await? {
                Some(code) => Some(code),
                None => return Ok(None),
            },
        };
        let Some(id) = self.store.activity_last_recorded(user_id, kind).await? else { return Ok(None) };
        match self.activity_get(actor, id).await {
            Ok(a) => Ok(Some(a)),
            Err(Error::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The presets of the attendance picker for a session of `kind` held by
    /// an org: the members of the org itself and of the leading groups,
    /// branches and volunteer teams directly under it, each with members.
    /// Which one the kind suggests is decided by org kind and purpose codes
    /// ([`ROSTER_PURPOSE`]; a volunteer team for volunteer service; else the
    /// org itself when it is a group, branch or team), never by names. The
    /// suggested preset comes first.
    pub async fn attendance_presets(&self, actor: &Actor, org_id: Id, kind: &str) -> Result<Vec<RosterPreset>> {
        use crate::model::OrgKind;
        let org = self.visible_org(actor, org_id).await?;
        let groups = |k: OrgKind| matches!(k, OrgKind::LeadingGroup | OrgKind::PartyBranch | OrgKind::VolunteerTeam);
        let mut orgs = vec![org.clone()];
        orgs.extend(
            self.store
                .org_subtree(&org.path)
                .await?
                .into_iter()
                .filter(|o| o.parent_id == Some(org.id) && !o.is_closed() && groups(o.kind)),
        );
        let purpose = ROSTER_PURPOSE.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p);
        let suggests = |o: &Org| match purpose {
            Some(p) => o.kind == OrgKind::LeadingGroup && o.purpose.as_deref() == Some(p),
            None if kind == VOLUNTEER_KIND => o.kind == OrgKind::VolunteerTeam,
            None => o.id == org.id && groups(o.kind),
        };
        let mut presets = Vec::new();
        let mut suggested = false;
        for o in orgs {
            let mut members: Vec<(Id, String)> = Vec::new();
            for m in self.store.memberships_of_org(o.id).await? {
                if m.ended_on.is_none() && !members.iter().any(|(id, _)| *id == m.person_id) {
                    members.push((m.person_id, m.person_name));
                }
            }
            if members.is_empty() {
                continue;
            }
            let this = !suggested && suggests(&o);
            suggested |= this;
            presets.push(RosterPreset {
                org_id: o.id,
                org_name: o.name,
                own: o.id == org.id,
                suggested: this,
                members,
            });
        }
        presets.sort_by_key(|p| !p.suggested);
        Ok(presets)
    }

    pub async fn activity_update(&self, actor: &Actor, id: Id, input: &ActivityInput) -> Result<Activity> {
        self.activity_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let fields = self.activity_fields(actor, input).await?;
        self.store.activity_update(id, fields, &actor.ctx()).await
    }

    pub async fn activity_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        self.activity_get(actor, id).await?;
        actor.require(Role::Recorder)?;
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
        })
    }

    pub async fn activity_list(&self, actor: &Actor, f: &ActivityFilter) -> Result<Page<ActivityRow>> {
        let query = self.activity_query(actor, f).await?;
        self.store.activity_list(&query).await
    }
}

impl Services {
    /// Shared work areas and those of the orgs the actor can see.
    pub async fn work_areas_for(&self, actor: &Actor) -> Result<Vec<WorkArea>> {
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        Ok(self
            .store
            .work_areas()
            .await?
            .into_iter()
            .filter(|a| a.org_id.is_none_or(|id| tree.iter().any(|o| o.id == id)))
            .collect())
    }

    /// Adds a work area for an org, under an existing area or at the top.
    pub async fn work_area_create(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        parent_id: Option<Id>,
        name: &str,
    ) -> Result<WorkArea> {
        self.work_area_add(actor, org_id, parent_id, name, "").await
    }

    /// Adds a work area serving a summary topic (`purpose`: a code or label
    /// of [`crate::purpose::PURPOSES`], empty for none).
    pub async fn work_area_add(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        parent_id: Option<Id>,
        name: &str,
        purpose: &str,
    ) -> Result<WorkArea> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "工作条线名称", name, 40);
        let org = self.org_field(actor, org_id.or(actor.org_id), &mut problems).await;
        let areas = self.work_areas_for(actor).await?;
        if parent_id.is_some_and(|p| !areas.iter().any(|a| a.id == p)) {
            problems.add("parent_id", "所选上级条线不存在");
        }
        let purpose = crate::purpose::purpose_field(&mut problems, "purpose", purpose);
        problems.finish()?;
        let name = name.expect("checked");
        let org_id = org.expect("checked").id;
        // Names are unique among an org's own areas and the shared ones
        // under the same parent; two offices may each have "产业发展".
        if areas.iter().any(|a| a.parent_id == parent_id && a.name == name && a.org_id.is_none_or(|o| o == org_id)) {
            return Err(Error::conflict("name", format!("已有名为“{name}”的工作条线")));
        }
        self.store.work_area_create(org_id, parent_id, name, purpose.expect("checked"), &actor.ctx()).await
    }

    /// Adds the work areas an office of the org's kind usually keeps
    /// ([`crate::model::OrgKind::default_work_areas`]), skipping those it
    /// already has by name; the areas it has after, in order.
    pub async fn work_areas_adopt(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<WorkArea>> {
        actor.require(Role::OrgAdmin)?;
        let id = org_id.or(actor.org_id).ok_or_else(|| Error::invalid("org_id", "请选择组织"))?;
        let org = self.visible_org_field(actor, id, "org_id").await?;
        let own = |areas: &[WorkArea], parent: Option<Id>, name: &str| {
            areas.iter().find(|a| a.org_id == Some(org.id) && a.parent_id == parent && a.name == name).map(|a| a.id)
        };
        for (top, subs) in org.kind.default_work_areas() {
            let areas = self.work_areas_for(actor).await?;
            let top_id = match own(&areas, None, top) {
                Some(id) => id,
                None => self.work_area_add(actor, Some(org.id), None, top, "").await?.id,
            };
            for sub in *subs {
                if own(&areas, Some(top_id), sub).is_none() {
                    self.work_area_add(actor, Some(org.id), Some(top_id), sub, "").await?;
                }
            }
        }
        Ok(self.work_areas_for(actor).await?.into_iter().filter(|a| a.org_id == Some(org.id)).collect())
    }

    /// Renames an area: an org's own areas by its administrators, the shared
    /// defaults by system administrators only.
    pub async fn work_area_rename(&self, actor: &Actor, id: Id, name: &str) -> Result<WorkArea> {
        self.work_area_update(actor, id, Some(name), None).await
    }

    /// Renames an area or sets its purpose (absent: unchanged; an empty
    /// purpose clears it), with the permissions of [`Self::work_area_rename`].
    pub async fn work_area_update(
        &self,
        actor: &Actor,
        id: Id,
        name: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<WorkArea> {
        actor.require(Role::OrgAdmin)?;
        let area = self.work_areas_for(actor).await?.into_iter().find(|a| a.id == id).ok_or(Error::NotFound)?;
        if area.org_id.is_none() {
            actor.require(Role::SystemAdmin)?;
        }
        let mut problems = Problems::new();
        let name = match name {
            Some(n) => required_text(&mut problems, "name", "工作条线名称", n, 40),
            None => Some(area.name.clone()),
        };
        let purpose = match purpose {
            Some(p) => crate::purpose::purpose_field(&mut problems, "purpose", p),
            None => Some(area.purpose.clone()),
        };
        problems.finish()?;
        self.store.work_area_update(id, name.expect("checked"), purpose.expect("checked"), &actor.ctx()).await
    }

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

impl Services {
    /// Built-in kinds and those added by the actor's orgs or the orgs above
    /// them: (code, label). An added kind's name is its code; offices in
    /// different branches may each add one of the same name, listed once.
    pub async fn kinds_for(&self, actor: &Actor) -> Result<Vec<(String, String)>> {
        let mut kinds: Vec<(String, String)> = KINDS.iter().map(|(c, l)| ((*c).to_owned(), (*l).to_owned())).collect();
        for (name, org_id) in self.store.custom_kinds().await? {
            if !kinds.iter().any(|(c, _)| *c == name)
                && let Some(org) = self.store.org_get(org_id).await?
                && (org.path.starts_with(&actor.scope_path) || actor.scope_path.starts_with(&org.path))
            {
                kinds.push((name.clone(), name));
            }
        }
        Ok(kinds)
    }

    /// Adds an activity kind for the administrator's org and everything below.
    pub async fn kind_create(&self, actor: &Actor, name: &str) -> Result<()> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let name = required_text(&mut problems, "name", "活动类型名称", name, 20);
        problems.finish()?;
        let name = name.expect("checked");
        if self.kinds_for(actor).await?.iter().any(|(c, l)| *c == name || *l == name) || parse_kind(&name).is_some() {
            return Err(Error::conflict("name", format!("已有名为“{name}”的活动类型")));
        }
        let org = match actor.org_id {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        self.store.custom_kind_create(org.id, name, &actor.ctx()).await
    }

    /// The kind's code if the actor may use it (given as code or label).
    pub async fn resolve_kind(&self, actor: &Actor, raw: &str) -> Result<Option<String>> {
        let raw = raw.trim();
        if let Some(code) = parse_kind(raw) {
            return Ok(Some(code.to_owned()));
        }
        Ok(self.kinds_for(actor).await?.into_iter().find(|(c, _)| c == raw).map(|(c, _)| c))
    }
}
