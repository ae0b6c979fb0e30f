//! Screening campaigns (排查): household visits over grids, each member's
//! status, and the coverage a campaign reached (漏户, 漏人).

use super::{Services, date_field, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, FieldError, Problems, Result};
use crate::grid::*;
use crate::model::{Id, OrgKind, Page, Role};
use crate::store::ScreeningHouseholdQuery;
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreeningInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<i64>))]
    pub grid_ids: Vec<Id>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VisitInput {
    pub household_id: Option<Id>,
    pub visited_on: String,
    pub visitor: String,
    pub result: String,
    pub note: String,
    /// (person id, status) of members; the others take the status the
    /// result implies (seen, or away from an empty household, or unreachable).
    pub statuses: Vec<(Id, String)>,
}

/// A campaign's coverage as one actor sees it: only their grids.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CoverageView {
    pub screening: Screening,
    pub grids: Vec<GridCoverage>,
    pub total: GridCoverage,
}

/// Every member of a visited household gets a status (户不漏人): those not
/// named take the one the visit's result implies: seen when everyone was
/// seen or only the named were away, away from an empty household,
/// unreachable where the door stayed shut.
fn fill_statuses(statuses: &mut Vec<(Id, PersonStatus)>, members: &[Member], result: VisitResult) {
    let default = match result {
        VisitResult::AllSeen | VisitResult::SomeAway => PersonStatus::Seen,
        VisitResult::Vacant => PersonStatus::Away,
        VisitResult::Refused => PersonStatus::Unreachable,
    };
    for m in members {
        if !statuses.iter().any(|(p, _)| *p == m.person_id) {
            statuses.push((m.person_id, default));
        }
    }
}

/// The one check of a visit, whether recorded alone or imported with
/// others: the date within the campaign (and not in the future), the
/// visitor named, a result, each named member's status valid (blank ones
/// left to the result), no control characters; `household` is None when
/// the caller already recorded why it is missing. The visit, when every
/// field is right.
fn visit_checked(
    s: &Screening,
    household: Option<&Household>,
    input: &VisitInput,
    problems: &mut Problems,
) -> Option<Visit> {
    let visited_on = date_field(problems, "visited_on", "走访日期", &input.visited_on, true);
    if visited_on.is_some_and(|d| d < s.starts_on || d > s.ends_on) {
        problems.add("visited_on", format!("走访日期应在排查期间（{}至{}）内", s.starts_on, s.ends_on));
    }
    let visitor = required_text(problems, "visitor", "走访人", &input.visitor, 50);
    let result = VisitResult::parse(input.result.trim());
    if result.is_none() {
        problems.add("result", "请选择走访结果：全部见面、部分外出、空户或拒绝配合");
    }
    let mut statuses = Vec::new();
    if let Some(h) = household {
        for (person, status) in &input.statuses {
            if status.trim().is_empty() {
                continue;
            }
            let Some(st) = PersonStatus::parse(status.trim()) else {
                problems.add("statuses", format!("人员状态“{status}”无效，应为在家已见、外出、已迁出或未联系上"));
                continue;
            };
            if !h.members.iter().any(|m| m.person_id == *person) {
                problems.add("statuses", "所填人员不是该户成员");
                continue;
            }
            statuses.push((*person, st));
        }
        if let Some(result) = result {
            fill_statuses(&mut statuses, &h.members, result);
        }
    }
    problems.text("note", "备注", &input.note);
    if !problems.is_empty() {
        return None;
    }
    let h = household?;
    Some(Visit {
        id: 0,
        screening_id: s.id,
        household_id: h.id,
        grid_id: h.org_id,
        visited_on: visited_on?,
        visitor: visitor?,
        result: result?,
        note: input.note.trim().chars().take(500).collect(),
        statuses,
    })
}

impl Services {
    /// A campaign the actor may see: run by an org in scope, or covering one of its grids.
    pub async fn screening_get(&self, actor: &Actor, id: Id) -> Result<Screening> {
        let s = self.store.screening_get(id).await?.ok_or(Error::NotFound)?;
        if self.visible_org(actor, s.org_id).await.is_ok() {
            return Ok(s);
        }
        for g in &s.grid_ids {
            if self.visible_org(actor, *g).await.is_ok() {
                return Ok(s);
            }
        }
        Err(Error::NotFound)
    }

    /// Campaigns run in the actor's subtree or covering its grids, newest first.
    pub async fn screenings(&self, actor: &Actor) -> Result<Vec<Screening>> {
        let mut all = self.store.screenings_covering(&actor.scope_path).await?;
        for s in self.store.screenings(&actor.scope_path).await? {
            if !all.iter().any(|x| x.id == s.id) {
                all.push(s);
            }
        }
        all.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(b.id.cmp(&a.id)));
        Ok(all)
    }

    pub async fn screening_create(&self, actor: &Actor, input: &ScreeningInput) -> Result<Screening> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let name = required_text(&mut problems, "name", "排查名称", &input.name, 100);
        let starts_on = date_field(&mut problems, "starts_on", "开始日期", &input.starts_on, true);
        let ends_on = super::end_date_field(&mut problems, "ends_on", "结束日期", &input.ends_on, starts_on, true);
        let mut grid_ids = input.grid_ids.clone();
        grid_ids.sort_unstable();
        grid_ids.dedup();
        if grid_ids.is_empty() {
            problems.add("grid_ids", "请至少选择一个网格");
        }
        for id in &grid_ids {
            match self.visible_org(actor, *id).await {
                Ok(g) if g.kind == OrgKind::Grid && org.as_ref().is_none_or(|o| o.contains_path(&g.path)) => {}
                _ => {
                    problems.add("grid_ids", "所选网格须是本单位下属的网格");
                    break;
                }
            }
        }
        problems.finish()?;
        let s = Screening {
            id: 0,
            org_id: org.expect("checked").id,
            name: name.expect("checked"),
            starts_on: starts_on.expect("checked"),
            ends_on: ends_on.expect("checked"),
            grid_ids,
        };
        self.store.screening_create(s, &actor.ctx()).await
    }

    /// Records a household visit; a household outside the actor's grids or
    /// the campaign's is refused.
    pub async fn visit_record(&self, actor: &Actor, screening_id: Id, input: &VisitInput) -> Result<Visit> {
        let s = self.screening_get(actor, screening_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let household = match input.household_id {
            Some(id) => match self.household_get(actor, id).await {
                Ok(h) if s.grid_ids.contains(&h.org_id) => Some(h),
                Ok(_) => {
                    problems.add("household_id", "该户不在本次排查的网格内");
                    None
                }
                Err(_) => {
                    problems.add("household_id", "该户不存在或不在您负责的网格内");
                    None
                }
            },
            None => {
                problems.add("household_id", "请选择走访的户");
                None
            }
        };
        let visit = visit_checked(&s, household.as_ref(), input, &mut problems);
        problems.finish()?;
        self.store.visit_record(visit.expect("checked"), &actor.ctx()).await
    }

    /// Campaigns open on `day` that cover the household's grid: those a
    /// visit of it may be recorded in from its own page.
    pub async fn open_screenings_for(&self, actor: &Actor, household_id: Id, day: NaiveDate) -> Result<Vec<Screening>> {
        let h = self.household_get(actor, household_id).await?;
        Ok(self
            .screenings(actor)
            .await?
            .into_iter()
            .filter(|s| s.grid_ids.contains(&h.org_id) && s.starts_on <= day && day <= s.ends_on)
            .collect())
    }

    /// Records a visit of a household from its own page, checked as
    /// [`Services::visit_record`] checks one: in the campaign chosen, or in
    /// the one campaign open today when none is chosen.
    pub async fn household_visit_record(
        &self,
        actor: &Actor,
        household_id: Id,
        screening_id: Option<Id>,
        input: &VisitInput,
    ) -> Result<Visit> {
        self.household_get(actor, household_id).await?;
        actor.require(Role::Recorder)?;
        let screening_id = match screening_id {
            Some(id) => id,
            None => match self.open_screenings_for(actor, household_id, now().date_naive()).await?.as_slice() {
                [one] => one.id,
                [] => return Err(Error::invalid("screening_id", "目前没有进行中的入户排查，无法登记走访")),
                _ => return Err(Error::invalid("screening_id", "有多个进行中的排查，请选择本次走访所属的排查")),
            },
        };
        let input = VisitInput { household_id: Some(household_id), ..input.clone() };
        self.visit_record(actor, screening_id, &input).await
    }

    /// Records many visits at once (a grid's paper forms, typed in later), one
    /// per household: each is checked as [`Services::visit_record`] checks
    /// one, and they land together or not at all.
    pub async fn visits_import(&self, actor: &Actor, screening_id: Id, inputs: &[VisitInput]) -> Result<usize> {
        let s = self.screening_get(actor, screening_id).await?;
        actor.require(Role::Recorder)?;
        let mine: std::collections::HashSet<Id> =
            self.grids_under(actor, None).await?.into_iter().map(|g| g.id).filter(|g| s.grid_ids.contains(g)).collect();
        let ids: Vec<Id> = inputs.iter().filter_map(|v| v.household_id).collect();
        let households: HashMap<Id, Household> = self
            .store
            .households_by_ids(ids)
            .await?
            .into_iter()
            .filter(|h| mine.contains(&h.org_id))
            .map(|h| (h.id, h))
            .collect();
        let mut errors = Vec::new();
        let mut visits = Vec::with_capacity(inputs.len());
        let mut seen = std::collections::HashSet::new();
        for (i, input) in inputs.iter().enumerate() {
            let n = i + 1;
            let mut problems = Problems::new();
            let household = match input.household_id.and_then(|id| households.get(&id)) {
                Some(h) if seen.insert(h.id) => Some(h),
                Some(_) => {
                    problems.add("household_id", "同一户重复");
                    None
                }
                None => {
                    problems.add("household_id", "该户不在本次排查中您负责的网格内");
                    None
                }
            };
            let visit = visit_checked(&s, household, input, &mut problems);
            match problems.finish() {
                Ok(()) => visits.push(visit.expect("checked")),
                Err(e) => {
                    errors.extend(e.field_errors().into_iter().map(|e| {
                        FieldError::new(format!("visits[{n}].{}", e.field), format!("第{n}条：{}", e.message))
                    }))
                }
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.store.visits_import(screening_id, visits, &actor.ctx()).await
    }

    /// Coverage of a campaign over the grids the actor may see, live.
    pub async fn coverage(&self, actor: &Actor, screening_id: Id) -> Result<CoverageView> {
        let screening = self.screening_get(actor, screening_id).await?;
        let visible: Vec<Id> = self.grids_under(actor, None).await?.into_iter().map(|g| g.id).collect();
        let grids: Vec<GridCoverage> =
            self.store.coverage(screening_id).await?.into_iter().filter(|g| visible.contains(&g.grid_id)).collect();
        let mut total = GridCoverage { grid_name: "合计".into(), ..Default::default() };
        grids.iter().for_each(|g| total.add(g));
        Ok(CoverageView { screening, grids, total })
    }

    /// Households not yet visited and residents without a status, in the
    /// actor's grids (or one of them), at most `limit` of each.
    pub async fn missed(
        &self,
        actor: &Actor,
        screening_id: Id,
        grid_id: Option<Id>,
        limit: u32,
    ) -> Result<(Vec<Household>, Vec<Resident>)> {
        let s = self.screening_get(actor, screening_id).await?;
        let grids = self.campaign_grids(actor, &s, grid_id).await?;
        let (mut households, mut persons) = (Vec::new(), Vec::new());
        // One query over the campaign when the actor sees all of it; else one
        // per grid of theirs, so that the limit applies to what they may see.
        let each: Vec<Option<Id>> =
            if grids.len() == s.grid_ids.len() { vec![None] } else { grids.into_iter().map(Some).collect() };
        for g in each {
            let left = limit.saturating_sub(households.len() as u32);
            if left > 0 {
                households.extend(self.store.missed_households(screening_id, g, left).await?);
            }
            let left = limit.saturating_sub(persons.len() as u32);
            if left > 0 {
                persons.extend(self.store.missed_persons(screening_id, g, left).await?);
            }
        }
        Ok((households, persons))
    }

    /// A page of the households of a campaign in the actor's grids (or one
    /// of them) with their latest visit: all, or only the visited or the
    /// not yet visited; searched by address, a member's name, its pinyin or
    /// initials; in the order addresses read. Every household can be reached
    /// page by page.
    #[allow(clippy::too_many_arguments)]
    pub async fn screening_households(
        &self,
        actor: &Actor,
        screening_id: Id,
        grid_id: Option<Id>,
        text: &str,
        visited: Option<bool>,
        page: u32,
        per_page: u32,
    ) -> Result<Page<ScreeningHousehold>> {
        let s = self.screening_get(actor, screening_id).await?;
        let grid_ids = self.campaign_grids(actor, &s, grid_id).await?;
        self.store
            .screening_households(&ScreeningHouseholdQuery {
                screening_id,
                grid_ids,
                text: text.trim().chars().take(100).collect(),
                visited,
                page: page.max(1),
                per_page: per_page.clamp(1, 200),
            })
            .await
    }

    /// The grids of a campaign the actor may see (or the one asked for, if they may).
    async fn campaign_grids(&self, actor: &Actor, s: &Screening, grid_id: Option<Id>) -> Result<Vec<Id>> {
        let visible: Vec<Id> = self.grids_under(actor, None).await?.into_iter().map(|g| g.id).collect();
        let mine: Vec<Id> = s.grid_ids.iter().copied().filter(|g| visible.contains(g)).collect();
        match grid_id {
            Some(g) if mine.contains(&g) => Ok(vec![g]),
            Some(_) => Err(Error::NotFound),
            None => Ok(mine),
        }
    }

    /// The visits of a campaign that the actor may see, newest first.
    pub async fn visits(
        &self,
        actor: &Actor,
        screening_id: Id,
        household_id: Option<Id>,
        limit: u32,
    ) -> Result<Vec<Visit>> {
        let s = self.screening_get(actor, screening_id).await?;
        if let Some(h) = household_id {
            self.household_get(actor, h).await?;
            return self.store.visits(screening_id, Some(h), None, limit).await;
        }
        let grids = self.campaign_grids(actor, &s, None).await?;
        if grids.len() == s.grid_ids.len() {
            return self.store.visits(screening_id, None, None, limit).await;
        }
        let mut out = Vec::new();
        for g in grids {
            out.extend(self.store.visits(screening_id, None, Some(g), limit).await?);
        }
        out.sort_by(|a, b| b.visited_on.cmp(&a.visited_on).then(b.id.cmp(&a.id)));
        out.truncate(limit as usize);
        Ok(out)
    }
}
