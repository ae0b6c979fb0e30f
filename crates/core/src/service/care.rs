//! Key groups and key persons (dynamic entry and exit), one care plan per
//! person, follow-ups on the plan's schedule, health checks, the
//! disinfection log and the daily report computed from all of them.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Services, date_field, parse_date, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::grid::*;
use crate::model::{AuditRecord, Id, Org, OrgKind, Role};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct KeyPersonInput {
    pub key_group_id: Option<Id>,
    pub person_id: Option<Id>,
    pub entered_on: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LeaveInput {
    pub left_on: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CarePlanInput {
    pub cadre_id: Option<Id>,
    pub measures: String,
    pub every_days: Option<u32>,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FollowUpInput {
    pub done_on: String,
    pub by: String,
    pub findings: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HealthCheckInput {
    /// "2020-02-03 08:30"
    pub checked_at: String,
    pub temperature: String,
    pub symptoms: String,
    pub by: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DisinfectionInput {
    pub org_id: Option<Id>,
    pub place: String,
    pub done_at: String,
    pub by: String,
    pub agent: String,
}

/// A key person's plan with where its follow-ups stand on a day.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpLine {
    pub plan: CarePlan,
    pub last_done: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
    pub state: FollowUpState,
    /// Follow-ups done on the day.
    pub done_today: u32,
}

/// A health reading as shown to one actor: values hidden unless revealed.
#[derive(Debug, Clone, Serialize)]
pub struct HealthCheckView {
    pub check: HealthCheck,
    pub revealed: bool,
}

impl HealthCheckView {
    /// A reading as `actor` sees it: revealed when asked for (the caller has
    /// checked the permission), and always to the account that entered it,
    /// which saw the values as it typed them (no audit entry for that).
    pub fn for_actor(actor: &Actor, check: HealthCheck, reveal: bool) -> HealthCheckView {
        let own = actor.user_id.is_some() && check.recorded_by == actor.user_id;
        HealthCheckView { revealed: reveal || own, check }
    }

    pub fn temperature(&self) -> String {
        if self.revealed { format!("{:.1}", self.check.temperature) } else { "**.*".to_owned() }
    }
    pub fn symptoms(&self) -> String {
        match (self.revealed, self.check.symptoms.is_empty()) {
            (true, true) => "无".to_owned(),
            (true, false) => self.check.symptoms.clone(),
            (false, _) => "***".to_owned(),
        }
    }
    /// Abnormal or not, only when revealed.
    pub fn abnormal(&self) -> Option<bool> {
        self.revealed.then(|| self.check.abnormal())
    }
    /// Why an abnormal reading is flagged (发热, or 有症状 without a fever), only when revealed.
    pub fn flag(&self) -> Option<&'static str> {
        match self.abnormal() {
            Some(true) if self.check.temperature >= FEVER => Some("发热"),
            Some(true) => Some("有症状"),
            _ => None,
        }
    }
}

/// A campaign open on a day in the actor's grids, with what is left to visit.
#[derive(Debug, Clone, Serialize)]
pub struct OpenScreening {
    pub screening: Screening,
    pub households: u64,
    pub unvisited: u64,
}

/// The day's work in the actor's scope (a grid worker's home page).
#[derive(Debug, Clone, Serialize)]
pub struct WorkToday {
    pub day: NaiveDate,
    /// Key persons whose follow-up is due on the day, and those overdue.
    pub due_today: Vec<FollowUpLine>,
    pub overdue: Vec<FollowUpLine>,
    /// Campaigns open on the day that cover the actor's grids.
    pub screenings: Vec<OpenScreening>,
    /// Abnormal readings of the day and the day before that the actor sees
    /// unmasked without asking: those its own account entered.
    pub abnormal: Vec<HealthCheckView>,
}

/// "2020-02-03 08:30", "2020-02-03T08:30" or "2020年2月3日 8:30".
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return super::date_in_range(t.date()).then_some(t);
        }
    }
    let (date, time) = s.split_once([' ', 'T'])?;
    let date = parse_date(date)?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    Some(date.and_time(time))
}

fn datetime_field(problems: &mut Problems, field: &str, label: &str, raw: &str) -> Option<NaiveDateTime> {
    match parse_datetime(raw) {
        // Local time of the office; a day ahead covers any time zone.
        Some(t) if t.date() > now().date_naive() + Duration::days(1) => {
            problems.add(field, format!("{label}不能晚于今天"));
            None
        }
        Some(t) => Some(t),
        None if raw.trim().is_empty() => {
            problems.add(field, format!("请填写{label}"));
            None
        }
        None => {
            problems.add(field, format!("{label}格式应为“2020-02-03 08:30”"));
            None
        }
    }
}

/// Before any record (both engines store it, unlike `NaiveDate::MIN`).
const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");

/// Where each plan's follow-ups stand on `day`, from the follow-ups done up
/// to that day (one pass over them). The schedule counts those before the
/// day; one done on the day itself settles it.
fn follow_up_lines(plans: Vec<CarePlan>, done: &[FollowUp], day: NaiveDate) -> Vec<FollowUpLine> {
    // Per person: the last follow-up before the day, the last at all, and how many on the day.
    let mut by_person: HashMap<Id, (Option<NaiveDate>, Option<NaiveDate>, u32)> = HashMap::new();
    for f in done {
        let e = by_person.entry(f.person_id).or_default();
        if f.done_on < day {
            e.0 = e.0.max(Some(f.done_on));
        }
        e.1 = e.1.max(Some(f.done_on));
        if f.done_on == day {
            e.2 += 1;
        }
    }
    plans
        .into_iter()
        .map(|plan| {
            let (before, last_done, done_today) = by_person.get(&plan.person_id).copied().unwrap_or_default();
            let (mut state, mut next_due) = follow_up_state(&plan, before, day);
            if done_today > 0 && state != FollowUpState::Finished {
                state = FollowUpState::Scheduled;
                next_due = plan.next_due(Some(day));
            }
            FollowUpLine { last_done, next_due, state, done_today, plan }
        })
        .collect()
}

/// From the start of a day to the start of the next (readings, disinfections).
pub(super) fn day_range(day: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let next = day.succ_opt().unwrap_or(day);
    (day.and_time(NaiveTime::MIN), next.and_time(NaiveTime::MIN))
}

impl Services {
    /// Key groups defined by an org above, at or below the actor's.
    pub async fn key_groups(&self, actor: &Actor) -> Result<Vec<KeyGroup>> {
        let mut out = Vec::new();
        for g in self.store.key_groups().await? {
            if let Some(org) = self.store.org_get(g.org_id).await?
                && (actor.sees(&org.path) || actor.scope_path.starts_with(&org.path))
            {
                out.push(g);
            }
        }
        Ok(out)
    }

    pub async fn key_group_create(&self, actor: &Actor, org_id: Option<Id>, name: &str) -> Result<KeyGroup> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, org_id, &mut problems).await;
        let name = required_text(&mut problems, "name", "类别名称", name, 50);
        problems.finish()?;
        self.store.key_group_create(org.expect("checked").id, name.expect("checked"), &actor.ctx()).await
    }

    async fn key_group(&self, actor: &Actor, id: Option<Id>, problems: &mut Problems) -> Option<KeyGroup> {
        let groups = self.key_groups(actor).await.unwrap_or_default();
        let found = id.and_then(|id| groups.into_iter().find(|g| g.id == id));
        if found.is_none() {
            problems.add("key_group_id", "请选择重点人群类别");
        }
        found
    }

    /// A person enters a key group (dynamic management: history is kept).
    pub async fn key_person_enter(&self, actor: &Actor, input: &KeyPersonInput) -> Result<KeyPerson> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let group = self.key_group(actor, input.key_group_id, &mut problems).await;
        let person = match input.person_id {
            Some(id) => self.person_get(actor, id).await.ok(),
            None => None,
        };
        if person.is_none() {
            problems.add("person_id", "请选择人员（须在您的管辖范围内）");
        }
        let entered_on = date_field(&mut problems, "entered_on", "纳入日期", &input.entered_on, true);
        let reason = required_text(&mut problems, "reason", "纳入原因", &input.reason, 500);
        problems.finish()?;
        let (group, person) = (group.expect("checked"), person.expect("checked"));
        let entry = KeyPerson {
            id: 0,
            key_group_id: group.id,
            group_name: group.name,
            person_id: person.id,
            person_name: person.name,
            org_id: person.org_id,
            entered_on: entered_on.expect("checked"),
            enter_reason: reason.expect("checked"),
            left_on: None,
            leave_reason: String::new(),
        };
        self.store.key_person_enter(entry, &actor.ctx()).await
    }

    pub async fn key_person_get(&self, actor: &Actor, id: Id) -> Result<KeyPerson> {
        let k = self.store.key_person_get(id).await?.ok_or(Error::NotFound)?;
        self.person_get(actor, k.person_id).await?;
        Ok(k)
    }

    pub async fn key_person_leave(&self, actor: &Actor, id: Id, input: &LeaveInput) -> Result<KeyPerson> {
        let k = self.key_person_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        if k.left_on.is_some() {
            problems.add("left_on", "此人已退出该重点人群");
        }
        let left_on = date_field(&mut problems, "left_on", "退出日期", &input.left_on, true);
        if left_on.is_some_and(|d| d < k.entered_on) {
            problems.add("left_on", format!("退出日期不能早于纳入日期{}", k.entered_on));
        }
        let reason = required_text(&mut problems, "reason", "退出原因", &input.reason, 500);
        problems.finish()?;
        self.store.key_person_leave(id, left_on.expect("checked"), reason.expect("checked"), &actor.ctx()).await
    }

    /// Stays in key groups of an org's subtree (default the actor's); only
    /// those in a group on `active_on` when given.
    pub async fn key_persons(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        active_on: Option<NaiveDate>,
    ) -> Result<Vec<KeyPerson>> {
        let scope = self.scope_of(actor, org_id).await?;
        let all = self.store.key_persons(&scope, None).await?;
        Ok(all.into_iter().filter(|k| active_on.is_none_or(|d| k.active_on(d))).collect())
    }

    async fn scope_of(&self, actor: &Actor, org_id: Option<Id>) -> Result<String> {
        Ok(match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        })
    }

    /// Creates or replaces a key person's one plan.
    pub async fn care_plan_save(&self, actor: &Actor, person_id: Id, input: &CarePlanInput) -> Result<CarePlan> {
        let person = self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        if self.store.key_persons("/", Some(person_id)).await?.is_empty() {
            problems.add("person_id", "此人不在任何重点人群中，请先纳入重点人群");
        }
        let org = self.store.org_get(person.org_id).await?.ok_or(Error::NotFound)?;
        let cadre = match input.cadre_id {
            Some(id) => match self.store.person_get(id).await? {
                Some(c) => match self.store.org_get(c.org_id).await? {
                    // The cadre works at the person's org, the org just above it,
                    // or in the actor's subtree.
                    Some(o) if o.id == org.id || Some(o.id) == org.parent_id || actor.sees(&o.path) => Some(c),
                    _ => None,
                },
                None => None,
            },
            None => None,
        };
        if cadre.is_none() {
            problems.add("cadre_id", "请选择责任人（本网格、上级单位或您管辖范围内的人员）");
        }
        let measures = required_text(&mut problems, "measures", "管控措施", &input.measures, 2000);
        let every_days = match input.every_days {
            Some(n @ 1..=90) => Some(n),
            _ => {
                problems.add("every_days", "随访频次应为每1至90天一次");
                None
            }
        };
        let starts_on = date_field(&mut problems, "starts_on", "开始日期", &input.starts_on, true);
        let ends_on = super::end_date_field(&mut problems, "ends_on", "结束日期", &input.ends_on, starts_on, false);
        problems.finish()?;
        let cadre = cadre.expect("checked");
        let plan = CarePlan {
            id: 0,
            person_id,
            person_name: person.name,
            org_id: person.org_id,
            cadre_id: cadre.id,
            cadre_name: cadre.name,
            measures: measures.expect("checked"),
            every_days: every_days.expect("checked"),
            starts_on: starts_on.expect("checked"),
            ends_on,
        };
        self.store.care_plan_save(plan, &actor.ctx()).await
    }

    pub async fn care_plan_of(&self, actor: &Actor, person_id: Id) -> Result<Option<CarePlan>> {
        self.person_get(actor, person_id).await?;
        self.store.care_plan_of(person_id).await
    }

    /// Every plan of an org's subtree (or of one cadre) with where its
    /// follow-ups stand on `day`.
    pub async fn follow_up_board(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        cadre_id: Option<Id>,
        day: NaiveDate,
    ) -> Result<Vec<FollowUpLine>> {
        let scope = self.scope_of(actor, org_id).await?;
        let plans = self.store.care_plans(&scope).await?;
        let done = self.store.follow_ups(&scope, EARLIEST, day).await?;
        let plans = plans.into_iter().filter(|p| cadre_id.is_none_or(|c| p.cadre_id == c)).collect();
        Ok(follow_up_lines(plans, &done, day))
    }

    /// Every follow-up of a person, newest first.
    pub async fn follow_ups_of(&self, actor: &Actor, person_id: Id) -> Result<Vec<FollowUp>> {
        let person = self.person_get(actor, person_id).await?;
        let org = self.visible_org(actor, person.org_id).await?;
        let all = self.store.follow_ups(&org.path, EARLIEST, now().date_naive() + Duration::days(1)).await?;
        Ok(all.into_iter().filter(|f| f.person_id == person_id).collect())
    }

    pub async fn follow_up_add(&self, actor: &Actor, person_id: Id, input: &FollowUpInput) -> Result<FollowUp> {
        let person = self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let plan = self.store.care_plan_of(person_id).await?;
        let mut problems = Problems::new();
        if plan.is_none() {
            problems.add("person_id", "此人还没有一人一策，请先制定");
        }
        let done_on = date_field(&mut problems, "done_on", "随访日期", &input.done_on, true);
        if let (Some(d), Some(p)) = (done_on, &plan)
            && d < p.starts_on
        {
            problems.add("done_on", format!("随访日期不能早于一人一策的开始日期{}", p.starts_on));
        }
        let by = required_text(&mut problems, "by", "随访人", &input.by, 50);
        let findings = required_text(&mut problems, "findings", "随访情况", &input.findings, 2000);
        problems.finish()?;
        let f = FollowUp {
            id: 0,
            person_id,
            done_on: done_on.expect("checked"),
            by: by.expect("checked"),
            findings: findings.expect("checked"),
        };
        self.store.follow_up_add(f, person.org_id, &actor.ctx()).await
    }

    pub async fn health_check_add(
        &self,
        actor: &Actor,
        person_id: Id,
        input: &HealthCheckInput,
    ) -> Result<HealthCheck> {
        let person = self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let checked_at = datetime_field(&mut problems, "checked_at", "监测时间", &input.checked_at);
        let temperature = match input.temperature.trim().trim_end_matches(['℃', '度']).parse::<f64>() {
            Ok(t) if (34.0..=43.0).contains(&t) => Some(t),
            Ok(_) => {
                problems.add("temperature", "体温应在34至43℃之间，请核实");
                None
            }
            Err(_) => {
                problems.add("temperature", "请填写体温，如36.5");
                None
            }
        };
        let by = required_text(&mut problems, "by", "监测人", &input.by, 50);
        problems.text("symptoms", "症状", &input.symptoms);
        problems.finish()?;
        let check = HealthCheck {
            id: 0,
            person_id,
            person_name: person.name,
            org_id: person.org_id,
            checked_at: checked_at.expect("checked"),
            temperature: temperature.expect("checked"),
            symptoms: input.symptoms.trim().chars().take(500).collect(),
            by: by.expect("checked"),
            recorded_by: actor.user_id,
        };
        self.store.health_check_add(check, &actor.ctx()).await
    }

    /// Health readings of a subtree (or one person) over days, masked unless
    /// revealed (which needs the permission and is audited) or entered by
    /// the actor's own account (neither needed nor audited). Only abnormal
    /// ones when asked, which itself reveals health data.
    pub async fn health_checks(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        person_id: Option<Id>,
        (first, last): (NaiveDate, NaiveDate),
        abnormal_only: bool,
        reveal: bool,
    ) -> Result<Vec<HealthCheckView>> {
        let scope = self.scope_of(actor, org_id).await?;
        if let Some(p) = person_id {
            self.person_get(actor, p).await?;
        }
        let reveal = reveal || abnormal_only;
        if reveal && !actor.can_view_personal {
            return Err(Error::Forbidden);
        }
        let checks = self.store.health_checks(&scope, person_id, day_range(first).0, day_range(last).1).await?;
        let views: Vec<HealthCheckView> = checks
            .into_iter()
            .filter(|c| !abnormal_only || c.abnormal())
            .map(|check| HealthCheckView::for_actor(actor, check, reveal))
            .collect();
        if reveal {
            self.store
                .audit_append(
                    AuditRecord::new(&actor.ctx(), "view_personal", "health_check")
                        .detail(format!("查看{first}至{last}的健康监测数据（{}条）", views.len())),
                )
                .await?;
        }
        Ok(views)
    }

    /// What is left to do on `day` in the actor's scope: follow-ups due and
    /// overdue, households not yet visited in the open campaigns, and the
    /// abnormal readings the actor sees unmasked. Reveals nothing (no audit).
    pub async fn work_today(&self, actor: &Actor, day: NaiveDate) -> Result<WorkToday> {
        let board = self.follow_up_board(actor, None, None, day).await?;
        let (mut due_today, mut overdue) = (Vec::new(), Vec::new());
        for line in board {
            match line.state {
                FollowUpState::DueToday => due_today.push(line),
                FollowUpState::Overdue => overdue.push(line),
                _ => {}
            }
        }
        let mut screenings = Vec::new();
        for s in self.screenings(actor).await? {
            if s.starts_on > day || s.ends_on < day {
                continue;
            }
            let c = self.coverage(actor, s.id).await?;
            if c.grids.is_empty() {
                continue;
            }
            screenings.push(OpenScreening {
                households: c.total.households,
                unvisited: c.total.missed_households(),
                screening: c.screening,
            });
        }
        let yesterday = day.pred_opt().unwrap_or(day);
        let abnormal = self
            .health_checks(actor, None, None, (yesterday, day), false, false)
            .await?
            .into_iter()
            .filter(|v| v.abnormal() == Some(true))
            .collect();
        Ok(WorkToday { day, due_today, overdue, screenings, abnormal })
    }

    pub async fn disinfection_add(&self, actor: &Actor, input: &DisinfectionInput) -> Result<Disinfection> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let place = required_text(&mut problems, "place", "消毒场所", &input.place, 200);
        let done_at = datetime_field(&mut problems, "done_at", "消毒时间", &input.done_at);
        let by = required_text(&mut problems, "by", "消毒人员", &input.by, 100);
        problems.text("agent", "消毒剂", &input.agent);
        problems.finish()?;
        let d = Disinfection {
            id: 0,
            org_id: org.expect("checked").id,
            place: place.expect("checked"),
            done_at: done_at.expect("checked"),
            by: by.expect("checked"),
            agent: input.agent.trim().chars().take(100).collect(),
        };
        self.store.disinfection_add(d, &actor.ctx()).await
    }

    pub async fn disinfections(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Disinfection>> {
        let scope = self.scope_of(actor, org_id).await?;
        self.store.disinfections(&scope, day_range(from).0, day_range(to).1).await
    }

    /// The daily report (信息报送) of an org on a day: one line per community
    /// below it (or the org itself) and the total. Pages, exports and the
    /// API all show this one computation.
    pub async fn daily_report(&self, actor: &Actor, org_id: Option<Id>, day: NaiveDate) -> Result<DailyReport> {
        let root = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.store.org_subtree("/").await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        let tree = self.store.org_subtree(&root.path).await?;
        let mut units: Vec<&Org> = tree.iter().filter(|o| o.kind == OrgKind::Community && o.id != root.id).collect();
        if units.is_empty() {
            units.push(&root);
        }
        // The line an org's records belong to: its community, else the root.
        let line_of = |org_id: Id| -> Id {
            let path = tree.iter().find(|o| o.id == org_id).map_or("", |o| o.path.as_str());
            units.iter().filter(|u| path.starts_with(&u.path)).max_by_key(|u| u.path.len()).map_or(root.id, |u| u.id)
        };
        let mut lines: Vec<ReportLine> =
            units.iter().map(|u| ReportLine { org_id: u.id, org_name: u.name.clone(), ..Default::default() }).collect();
        let mut other =
            ReportLine { org_id: root.id, org_name: format!("{}（本级）", root.name), ..Default::default() };
        let index = |org_id: Id| -> Option<usize> {
            let id = line_of(org_id);
            units.iter().position(|u| u.id == id)
        };
        let mut bump = |org_id: Id, f: &mut dyn FnMut(&mut ReportLine)| match index(org_id) {
            Some(i) => f(&mut lines[i]),
            None => f(&mut other),
        };
        let key = self.store.key_persons(&root.path, None).await?;
        let mut under_care: HashMap<Id, Id> = HashMap::new();
        for k in &key {
            if k.entered_on == day {
                bump(k.org_id, &mut |l| l.new_key_persons += 1);
            }
            if k.left_on == Some(day) {
                bump(k.org_id, &mut |l| l.released += 1);
            }
            if k.active_on(day) {
                under_care.insert(k.person_id, k.org_id);
            }
        }
        for org in under_care.values() {
            bump(*org, &mut |l| l.under_care += 1);
        }
        let (from, to) = day_range(day);
        for c in self.store.health_checks(&root.path, None, from, to).await? {
            let abnormal = c.abnormal();
            bump(c.org_id, &mut |l| {
                l.checks.add(1);
                l.abnormal_checks.add(u64::from(abnormal));
            });
        }
        let plans = self.store.care_plans(&root.path).await?;
        let done = self.store.follow_ups(&root.path, EARLIEST, day).await?;
        for line in follow_up_lines(plans, &done, day) {
            let overdue = line.state == FollowUpState::Overdue;
            bump(line.plan.org_id, &mut |l| {
                l.follow_ups_done += u64::from(line.done_today);
                l.follow_ups_overdue += u64::from(overdue);
            });
        }
        for d in self.store.disinfections(&root.path, from, to).await? {
            bump(d.org_id, &mut |l| l.disinfections += 1);
        }
        // Coverage: per grid, the latest campaign begun by that day.
        let mut latest: HashMap<Id, &Screening> = HashMap::new();
        let screenings = self.store.screenings_covering(&root.path).await?;
        for s in screenings.iter().filter(|s| s.starts_on <= day) {
            for g in &s.grid_ids {
                let e = latest.entry(*g).or_insert(s);
                if s.starts_on > e.starts_on {
                    *e = s;
                }
            }
        }
        let mut used: Vec<Id> = latest.values().map(|s| s.id).collect();
        used.sort_unstable();
        used.dedup();
        for s in used {
            for g in self.store.coverage(s).await? {
                if latest.get(&g.grid_id).is_some_and(|l| l.id == s) && tree.iter().any(|o| o.id == g.grid_id) {
                    bump(g.grid_id, &mut |l| l.coverage.add(&g));
                }
            }
        }
        let mut total = ReportLine { org_id: root.id, org_name: "合计".into(), ..Default::default() };
        let has_other = other != ReportLine { org_id: root.id, org_name: other.org_name.clone(), ..Default::default() };
        if has_other {
            lines.push(other);
        }
        lines.iter().for_each(|l| total.add(l));
        // One or two readings in a line would point at the persons behind
        // them: without the permission such counts are shown as "<3".
        let small_counts_hidden = !actor.can_view_personal;
        if small_counts_hidden {
            lines.iter_mut().chain(std::iter::once(&mut total)).for_each(ReportLine::hide_small_health_counts);
        }
        Ok(DailyReport { org_id: root.id, org_name: root.name.clone(), day, lines, total, small_counts_hidden })
    }
}
