//! Ideology problems, petitions and disputes: received, handled in steps,
//! closed with an outcome.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Services, date_field, parse_date, plain_texts, required_text};
use crate::auth::{Actor, now};
use crate::cases::{Case, CaseCounts, CaseKind, CaseStatus, CaseStep, Outcome, count};
use crate::error::{Error, Problems, Result};
use crate::model::{Id, Role};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    /// ideology_problem, petition or dispute
    pub kind: String,
    /// YYYY-MM-DD
    pub received_on: String,
    pub parties: String,
    pub matter: String,
    pub reported_by: String,
    pub handler: String,
    /// YYYY-MM-DD
    pub deadline: String,
    /// resolved, mediated or referred
    pub outcome: String,
    pub resolution: String,
    /// YYYY-MM-DD
    pub closed_on: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseStepInput {
    /// YYYY-MM-DD
    pub date: String,
    pub text: String,
    pub by: String,
}

/// A matter with its state on a day and its org's name.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub case: Case,
    pub status: CaseStatus,
    pub org_name: String,
}

/// Which matters to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub org_id: Option<Id>,
    pub kind: Option<CaseKind>,
    pub status: Option<CaseStatus>,
    /// Received on or after.
    pub from: Option<NaiveDate>,
    /// Received on or before; the state is judged on this day (default today).
    pub to: Option<NaiveDate>,
    /// Only these matters (the records a summary's figure cites); empty: any.
    pub ids: Vec<Id>,
}

impl Services {
    pub async fn case_save(&self, actor: &Actor, id: Option<Id>, input: &CaseInput) -> Result<Case> {
        let old = match id {
            Some(id) => {
                let old = self.store.case_get(id).await?.ok_or(Error::NotFound)?;
                self.visible_org(actor, old.org_id).await?;
                Some(old)
            }
            None => None,
        };
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let kind = CaseKind::parse(input.kind.trim());
        if kind.is_none() {
            problems.add("kind", "请选择类别：意识形态问题、信访或矛盾纠纷");
        }
        let received_on = date_field(&mut problems, "received_on", "受理（发现）日期", &input.received_on, true);
        let matter = required_text(&mut problems, "matter", "事项", &input.matter, 2000);
        let deadline = match input.deadline.trim() {
            "" => None,
            s => match parse_date(s) {
                Some(d) if received_on.is_some_and(|r| d < r) => {
                    problems.add("deadline", "办理期限不能早于受理日期");
                    None
                }
                Some(d) => Some(d),
                None => {
                    problems.add("deadline", "办理期限格式应为“2020-07-10”");
                    None
                }
            },
        };
        let closed_on = date_field(&mut problems, "closed_on", "办结日期", &input.closed_on, false);
        if let (Some(c), Some(r)) = (closed_on, received_on)
            && c < r
        {
            problems.add("closed_on", "办结日期不能早于受理日期");
        }
        let outcome = match input.outcome.trim() {
            "" => None,
            s => {
                let o = Outcome::parse(s);
                if o.is_none() {
                    problems.add("outcome", "办理结果应为已解决、调解成功或已移交");
                }
                o
            }
        };
        if closed_on.is_some() && outcome.is_none() && !problems.has("outcome") {
            problems.add("outcome", "办结时请选择办理结果");
        }
        if closed_on.is_none() && outcome.is_some() && !problems.has("closed_on") {
            problems.add("closed_on", "已有办理结果时请填写办结日期");
        }
        plain_texts(
            &mut problems,
            &[
                ("parties", "当事人（发现地点）", &input.parties),
                ("reported_by", "反映人（发现人）", &input.reported_by),
                ("handler", "承办人", &input.handler),
                ("resolution", "处理情况", &input.resolution),
            ],
        );
        let text = |s: &str, max: usize| s.trim().chars().take(max).collect::<String>();
        problems.finish()?;
        let at = now();
        let case = Case {
            id: id.unwrap_or(0),
            org_id: org.expect("checked").id,
            kind: kind.expect("checked"),
            received_on: received_on.expect("checked"),
            parties: text(&input.parties, 200),
            matter: matter.expect("checked"),
            reported_by: text(&input.reported_by, 50),
            handler: text(&input.handler, 50),
            deadline,
            outcome,
            resolution: text(&input.resolution, 2000),
            closed_on,
            steps: old.map(|o| o.steps).unwrap_or_default(),
            created_at: at,
            updated_at: at,
        };
        self.store.case_save(case, &actor.ctx()).await
    }

    pub async fn case_step_add(&self, actor: &Actor, id: Id, input: &CaseStepInput) -> Result<Case> {
        let case = self.case_get(actor, id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let date = date_field(&mut problems, "date", "办理日期", &input.date, true);
        if date.is_some_and(|d| d < case.received_on) {
            problems.add("date", "办理日期不能早于受理日期");
        }
        let text = required_text(&mut problems, "text", "办理情况", &input.text, 2000);
        problems.text("by", "经办人", &input.by);
        problems.finish()?;
        let step = CaseStep {
            id: 0,
            date: date.expect("checked"),
            text: text.expect("checked"),
            by: input.by.trim().chars().take(50).collect(),
        };
        self.store.case_step_add(id, step, &actor.ctx()).await
    }

    /// A matter with its state as of today and its org's name: what a page
    /// or the API shows of one.
    pub async fn case_view(&self, actor: &Actor, case: Case) -> Result<CaseView> {
        let org = self.visible_org(actor, case.org_id).await?;
        let status = case.status(now().date_naive());
        Ok(CaseView { case, status, org_name: org.name })
    }

    pub async fn case_get(&self, actor: &Actor, id: Id) -> Result<Case> {
        let case = self.store.case_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, case.org_id).await?;
        Ok(case)
    }

    /// Matters of an org's subtree (default: the actor's) by filter, with
    /// their state on the filter's end day and the counts of that range.
    pub async fn case_list(&self, actor: &Actor, f: &CaseFilter) -> Result<(Vec<CaseView>, CaseCounts)> {
        let scope = match f.org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        let tree = self.store.org_subtree(&actor.scope_path).await?;
        let as_of = f.to.unwrap_or_else(|| now().date_naive());
        let all: Vec<Case> =
            self.store.cases(&scope).await?.into_iter().filter(|c| f.kind.is_none_or(|k| c.kind == k)).collect();
        let counts = count(&all, f.from.unwrap_or(NaiveDate::MIN), as_of);
        let views = all
            .into_iter()
            .filter(|c| f.from.is_none_or(|d| c.received_on >= d) && c.received_on <= as_of)
            .map(|case| CaseView {
                status: case.status(as_of),
                org_name: tree.iter().find(|o| o.id == case.org_id).map(|o| o.name.clone()).unwrap_or_default(),
                case,
            })
            .filter(|v| f.status.is_none_or(|s| v.status == s))
            .filter(|v| f.ids.is_empty() || f.ids.contains(&v.case.id))
            .collect();
        Ok((views, counts))
    }
}
