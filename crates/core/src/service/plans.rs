use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Services, date_field, parse_date, plain_texts, required_text};
use crate::auth::Actor;
use crate::error::{Error, Problems, Result};
use crate::ledger::{ActivityQuery, ActivityRow, PlanItem, Rectification, RectificationStatus};
use crate::model::{Id, Role};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PlanItemInput {
    pub org_id: Option<Id>,
    pub year: i32,
    pub month: u32,
    pub topic: String,
    pub materials: String,
}

/// One month of a study plan: what was planned and which sessions were held.
#[derive(Debug, Clone, Serialize)]
pub struct PlanMonth {
    pub month: u32,
    pub items: Vec<PlanItem>,
    pub sessions: Vec<ActivityRow>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RectificationInput {
    pub org_id: Option<Id>,
    /// The inspection that found the problem.
    pub activity_id: Option<Id>,
    pub subject: String,
    pub problem: String,
    pub requirement: String,
    pub found_on: String,
    pub deadline: String,
}

/// Progress on an order: rectified, then re-inspected (passed or not).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RectificationProgress {
    pub rectified_on: String,
    pub reinspected_on: String,
    pub reinspected_by: String,
    pub passed: Option<bool>,
    pub note: String,
}

/// An order with its state today and its org's name.
#[derive(Debug, Clone, Serialize)]
pub struct RectificationView {
    pub order: Rectification,
    pub status: RectificationStatus,
    pub org_name: String,
}

/// What carries out an org's plan items.
pub fn plan_kind(org: &crate::model::Org) -> &'static str {
    match org.kind {
        crate::model::OrgKind::VolunteerTeam => "volunteer_activity",
        _ => "central_group_study",
    }
}

impl Services {
    /// The work plan of an org for a year, month by month, beside what the
    /// org did in each month: theory-study sessions, or for a volunteer team
    /// its volunteer activities.
    pub async fn study_plan(&self, actor: &Actor, org_id: Id, year: i32) -> Result<Vec<PlanMonth>> {
        // Out of range, the year's dates would not exist and the list below
        // would lose its date filter.
        let year = super::year_param("year", year)?;
        let org = self.visible_org(actor, org_id).await?;
        let items: Vec<PlanItem> =
            self.store.plan_items(&org.path, year).await?.into_iter().filter(|i| i.org_id == org.id).collect();
        let sessions = self
            .store
            .activity_list(&ActivityQuery {
                scope_path: org.path.clone(),
                kind: Some(plan_kind(&org).into()),
                from: NaiveDate::from_ymd_opt(year, 1, 1),
                to: NaiveDate::from_ymd_opt(year, 12, 31),
                page: 1,
                per_page: 200,
                ..Default::default()
            })
            .await?
            .items;
        Ok((1..=12)
            .map(|month| PlanMonth {
                month,
                items: items.iter().filter(|i| i.month == month).cloned().collect(),
                sessions: sessions.iter().filter(|s| s.date.month() == month).rev().cloned().collect(),
            })
            .collect())
    }

    pub async fn plan_item_add(&self, actor: &Actor, input: &PlanItemInput) -> Result<PlanItem> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        if !(2000..=2100).contains(&input.year) {
            problems.add("year", "年度应在2000年至2100年之间");
        }
        if !(1..=12).contains(&input.month) {
            problems.add("month", "月份应为1至12");
        }
        let topic = required_text(&mut problems, "topic", "计划内容", &input.topic, 200);
        problems.text("materials", "学习材料或说明", &input.materials);
        problems.finish()?;
        let item = PlanItem {
            id: 0,
            org_id: org.expect("checked").id,
            year: input.year,
            month: input.month,
            topic: topic.expect("checked"),
            materials: input.materials.trim().chars().take(500).collect(),
            activity_id: None,
        };
        self.store.plan_item_save(item, &actor.ctx()).await
    }

    /// Records which session carried out a plan item (or none).
    pub async fn plan_item_link(&self, actor: &Actor, id: Id, activity_id: Option<Id>) -> Result<PlanItem> {
        let mut item = self.store.plan_item_get(id).await?.ok_or(Error::NotFound)?;
        let org = self.visible_org(actor, item.org_id).await?;
        actor.require(Role::Recorder)?;
        if let Some(activity_id) = activity_id {
            let activity = self
                .activity_get(actor, activity_id)
                .await
                .map_err(|_| Error::invalid("activity_id", "所选学习记录不存在"))?;
            let f = &activity.fields;
            let activity_org = self.visible_org(actor, f.org_id).await?;
            if !activity_org.path.starts_with(&org.path) || f.kind != plan_kind(&org) {
                return Err(Error::invalid("activity_id", format!("所选记录不是“{}”的计划内工作", org.name)));
            }
            if f.date.year() != item.year || f.date.month() != item.month {
                return Err(Error::invalid("activity_id", format!("所选记录不在{}年{}月", item.year, item.month)));
            }
        }
        item.activity_id = activity_id;
        self.store.plan_item_save(item, &actor.ctx()).await
    }

    pub async fn plan_item_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        let item = self.store.plan_item_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, item.org_id).await?;
        actor.require(Role::Recorder)?;
        self.store.plan_item_delete(id, &actor.ctx()).await
    }

    pub async fn rectification_create(&self, actor: &Actor, input: &RectificationInput) -> Result<Rectification> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        if let Some(id) = input.activity_id {
            match self.activity_get(actor, id).await {
                Ok(a) if a.fields.kind == "inspection" => {}
                _ => problems.add("activity_id", "所选检查记录不存在"),
            }
        }
        let subject = required_text(&mut problems, "subject", "整改对象", &input.subject, 100);
        let problem = required_text(&mut problems, "problem", "存在问题", &input.problem, 1000);
        let found_on = date_field(&mut problems, "found_on", "发现日期", &input.found_on, true);
        let deadline = match input.deadline.trim() {
            "" => {
                problems.add("deadline", "请填写整改期限");
                None
            }
            s => match parse_date(s) {
                Some(d) if found_on.is_some_and(|f| d < f) => {
                    problems.add("deadline", "整改期限不能早于发现日期");
                    None
                }
                Some(d) => Some(d),
                None => {
                    problems.add("deadline", "整改期限格式应为“2020-07-10”");
                    None
                }
            },
        };
        problems.text("requirement", "整改要求", &input.requirement);
        problems.finish()?;
        let order = Rectification {
            id: 0,
            org_id: org.expect("checked").id,
            activity_id: input.activity_id,
            subject: subject.expect("checked"),
            problem: problem.expect("checked"),
            requirement: input.requirement.trim().chars().take(1000).collect(),
            found_on: found_on.expect("checked"),
            deadline: deadline.expect("checked"),
            rectified_on: None,
            reinspected_on: None,
            reinspected_by: String::new(),
            reinspection_passed: None,
            reinspection_note: String::new(),
        };
        self.store.rectification_save(order, &actor.ctx()).await
    }

    pub async fn rectification_progress(
        &self,
        actor: &Actor,
        id: Id,
        p: &RectificationProgress,
    ) -> Result<Rectification> {
        let mut order = self.store.rectification_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, order.org_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let rectified_on = date_field(&mut problems, "rectified_on", "整改完成日期", &p.rectified_on, false);
        let reinspected_on = date_field(&mut problems, "reinspected_on", "复查日期", &p.reinspected_on, false);
        if rectified_on.is_some_and(|d| d < order.found_on) {
            problems.add("rectified_on", "整改完成日期不能早于发现日期");
        }
        if reinspected_on.is_some_and(|d| d < order.found_on) {
            problems.add("reinspected_on", "复查日期不能早于发现日期");
        }
        if reinspected_on.is_some() && p.passed.is_none() {
            problems.add("passed", "请选择复查结论");
        }
        if reinspected_on.is_some() && p.reinspected_by.trim().is_empty() {
            problems.add("reinspected_by", "请填写复查人");
        }
        if reinspected_on.is_none() && p.passed.is_some() {
            problems.add("reinspected_on", "请填写复查日期");
        }
        plain_texts(&mut problems, &[("reinspected_by", "复查人", &p.reinspected_by), ("note", "说明", &p.note)]);
        problems.finish()?;
        if rectified_on.is_some() {
            order.rectified_on = rectified_on;
        }
        if reinspected_on.is_some() {
            order.reinspected_on = reinspected_on;
            order.reinspected_by = p.reinspected_by.trim().to_owned();
            order.reinspection_passed = p.passed;
            order.reinspection_note = p.note.trim().chars().take(1000).collect();
        }
        self.store.rectification_save(order, &actor.ctx()).await
    }

    /// Orders of an org's subtree (default: the actor's), judged on `as_of`.
    pub async fn rectification_list(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        as_of: NaiveDate,
    ) -> Result<Vec<RectificationView>> {
        let scope = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        Ok(self
            .store
            .rectifications(&scope)
            .await?
            .into_iter()
            .filter(|r| r.found_on <= as_of)
            .map(|order| RectificationView {
                status: order.status(as_of),
                org_name: tree.iter().find(|o| o.id == order.org_id).map(|o| o.name.clone()).unwrap_or_default(),
                order,
            })
            .collect())
    }
}
