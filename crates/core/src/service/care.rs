//! Key groups and key persons (dynamic entry and exit), one care plan per
//! person and follow-ups on the plan's schedule; health checks, the
//! disinfection log and the daily report are in `health`.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use super::{Services, date_field, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::grid::*;
use crate::model::{Id, Role};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyPersonInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub key_group_id: Option<Id>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub person_id: Option<Id>,
    pub entered_on: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaveInput {
    pub left_on: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CarePlanInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub cadre_id: Option<Id>,
    pub measures: String,
    /// A follow-up every so many days (1–90).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub every_days: Option<u32>,
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpInput {
    pub done_on: String,
    pub by: String,
    pub findings: String,
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

/// Before any record (both engines store it, unlike `NaiveDate::MIN`).
pub(super) const EARLIEST: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");

/// Where each plan's follow-ups stand on `day`, from the follow-ups done up
/// to that day (one pass over them). The schedule counts those before the
/// day; one done on the day itself settles it.
pub(super) fn follow_up_lines(plans: Vec<CarePlan>, done: &[FollowUp], day: NaiveDate) -> Vec<FollowUpLine> {
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
    /// Those who may be responsible for a person's care plan: people holding
    /// a post (not [`crate::model::RESIDENT_ROLE`]) in the person's org or
    /// the org above it (grid workers, community staff), each once, as
    /// (person id, name, "org role").
    pub async fn care_plan_candidates(&self, actor: &Actor, org_id: Id) -> Result<Vec<(Id, String, String)>> {
        let org = self.visible_org(actor, org_id).await?;
        let mut orgs = vec![org.id];
        orgs.extend(org.parent_id);
        let mut out: Vec<(Id, String, String)> = Vec::new();
        for org in orgs {
            for m in self.store.memberships_of_org(org).await? {
                if m.role != crate::model::RESIDENT_ROLE && !out.iter().any(|(id, ..)| *id == m.person_id) {
                    out.push((m.person_id, m.person_name, format!("{}{}", m.org_name, m.role)));
                }
            }
        }
        Ok(out)
    }

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

    pub(super) async fn scope_of(&self, actor: &Actor, org_id: Option<Id>) -> Result<String> {
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
}
