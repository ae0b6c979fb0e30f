//! Households, residents and the roster; screening campaigns, visits and
//! coverage. A grid worker's account is scoped to their grid, so they see
//! and change only its households.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::{PersonView, Services, date_field, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, FieldError, Problems, Result};
use crate::grid::*;
use crate::id_number::{Gender, IdNumber, looks_like_excel_mangled};
use crate::mobile::Mobile;
use crate::model::{AuditRecord, Id, Org, OrgKind, Page, Role};
use crate::store::{HouseholdQuery, ScreeningHouseholdQuery};

/// Rosters longer than this are refused; split the file.
pub const MAX_ROSTER_ROWS: usize = 200_000;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HouseholdInput {
    pub grid_id: Option<Id>,
    pub address: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ResidentInput {
    pub household_id: Option<Id>,
    pub relation: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ScreeningInput {
    pub org_id: Option<Id>,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
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

fn row_error(row: usize, key: &str, message: impl std::fmt::Display) -> FieldError {
    FieldError::new(format!("rows[{row}].{key}"), format!("第{row}行“{}”：{message}", roster_header(key)))
}

impl Services {
    /// Grids in the subtree of `org_id` (default: the actor's scope).
    pub async fn grids_under(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<Org>> {
        let root = match org_id {
            Some(id) => self.visible_org(actor, id).await?.path,
            None => actor.scope_path.clone(),
        };
        Ok(self
            .store
            .org_subtree(&root)
            .await?
            .into_iter()
            .filter(|o| o.kind == OrgKind::Grid && !o.is_closed())
            .collect())
    }

    /// Checks every row of a roster: all errors at once, with row and column.
    pub async fn roster_check(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        rows: &[RosterRow],
    ) -> Result<Vec<RosterEntry>> {
        actor.require(Role::Recorder)?;
        if rows.is_empty() {
            return Err(Error::invalid("file", "文件中没有居民数据"));
        }
        if rows.len() > MAX_ROSTER_ROWS {
            return Err(Error::invalid(
                "file",
                format!("一次最多导入{MAX_ROSTER_ROWS}行，本文件有{}行，请分成多个文件", rows.len()),
            ));
        }
        let grids = self.grids_under(actor, org_id).await?;
        let mut by_name: HashMap<&str, Vec<Id>> = HashMap::new();
        for g in &grids {
            by_name.entry(g.name.as_str()).or_default().push(g.id);
        }
        let today = now().date_naive();
        let mut errors = Vec::new();
        let mut entries = Vec::with_capacity(rows.len());
        let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        let mut heads: HashMap<(Id, &str), usize> = HashMap::new();
        for r in rows {
            let before = errors.len();
            let name = r.name.trim();
            if name.is_empty() {
                errors.push(row_error(r.row, "name", "不能为空"));
            } else if name.chars().count() > 50 {
                errors.push(row_error(r.row, "name", "不能超过50个字"));
            }
            let id_number = match r.id_number.trim() {
                "" => {
                    errors.push(row_error(r.row, "id_number", "不能为空"));
                    None
                }
                s if looks_like_excel_mangled(s) => {
                    errors.push(row_error(
                        r.row,
                        "id_number",
                        format!("“{s}”已被 Excel 存成数字，末几位已丢失；请把该列设为文本，重新填写后导入"),
                    ));
                    None
                }
                s => match IdNumber::parse(s, today) {
                    Ok(n) => Some(n),
                    Err(e) => {
                        errors.push(row_error(r.row, "id_number", e));
                        None
                    }
                },
            };
            if let Some(n) = &id_number {
                match seen.get(n.as_str()) {
                    Some(first) => errors.push(row_error(r.row, "id_number", format!("与第{first}行的身份证号重复"))),
                    None => {
                        seen.insert(n.as_str().to_owned(), r.row);
                    }
                }
                if !r.gender.trim().is_empty() {
                    match Gender::parse(r.gender.trim()) {
                        Some(g) if g != n.gender() => errors.push(row_error(
                            r.row,
                            "gender",
                            format!("“{}”与身份证号不符（应为{}）", r.gender.trim(), n.gender().label()),
                        )),
                        Some(_) => {}
                        None => errors.push(row_error(r.row, "gender", "应为“男”或“女”")),
                    }
                }
                if !r.birth_date.trim().is_empty() {
                    match super::parse_date(r.birth_date.trim()) {
                        Some(d) if d != n.birth_date() => errors.push(row_error(
                            r.row,
                            "birth_date",
                            format!("{d}与身份证号中的出生日期{}不符", n.birth_date()),
                        )),
                        Some(_) => {}
                        None => errors.push(row_error(r.row, "birth_date", "格式应为“1980-01-01”")),
                    }
                }
            }
            let mobile = match r.mobile.trim() {
                "" => None,
                s => match Mobile::parse(s) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        errors.push(row_error(r.row, "mobile", e));
                        None
                    }
                },
            };
            let address = r.address.trim();
            if address.is_empty() {
                errors.push(row_error(r.row, "address", "不能为空"));
            } else if address.chars().count() > 200 {
                errors.push(row_error(r.row, "address", "不能超过200个字"));
            }
            let grid_id = match r.grid.trim() {
                "" => {
                    errors.push(row_error(r.row, "grid", "不能为空"));
                    None
                }
                g => match by_name.get(g).map(Vec::as_slice) {
                    Some([id]) => Some(*id),
                    Some(_) => {
                        errors.push(row_error(r.row, "grid", format!("“{g}”有多个同名网格，请先在组织架构中改名")));
                        None
                    }
                    None => {
                        errors.push(row_error(r.row, "grid", format!("“{g}”不是您管辖范围内的网格")));
                        None
                    }
                },
            };
            let relation = match r.relation.trim() {
                "" if !r.head.trim().is_empty() && r.head.trim() == name => HEAD.to_owned(),
                s if s.chars().count() > 20 => {
                    errors.push(row_error(r.row, "relation", "不能超过20个字"));
                    String::new()
                }
                s => s.to_owned(),
            };
            for (key, text) in [("name", name), ("address", address), ("relation", &relation), ("notes", &r.notes)] {
                if text.chars().any(crate::error::xml_invalid) {
                    errors.push(row_error(r.row, key, "含有无法识别的控制字符，请删除后重新导入"));
                }
            }
            if relation == HEAD
                && let Some(grid) = grid_id
            {
                if let Some(first) = heads.get(&(grid, address)) {
                    errors.push(row_error(r.row, "relation", format!("同一户只能有一位户主（第{first}行已是户主）")));
                } else {
                    heads.insert((grid, address), r.row);
                }
            }
            if errors.len() > before {
                continue;
            }
            let id_number = id_number.expect("checked");
            entries.push(RosterEntry {
                row: r.row,
                grid_id: grid_id.expect("checked"),
                address: address.to_owned(),
                name: name.to_owned(),
                gender: id_number.gender(),
                birth_date: id_number.birth_date(),
                id_number,
                mobile,
                relation,
                notes: r.notes.trim().chars().take(500).collect(),
            });
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| {
                e.field.strip_prefix("rows[").and_then(|r| r.split(']').next()).and_then(|r| r.parse::<usize>().ok())
            });
            return Err(Error::Invalid(errors));
        }
        Ok(entries)
    }

    /// May the actor import a roster under this org? Asked before a file is read.
    pub async fn roster_may_import(&self, actor: &Actor, org_id: Option<Id>) -> Result<()> {
        actor.require(Role::Recorder)?;
        if let Some(id) = org_id {
            self.visible_org(actor, id).await?;
        }
        Ok(())
    }

    /// Checks and imports a roster: all rows land or none do; merged by ID number.
    pub async fn roster_import(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        rows: &[RosterRow],
        source: &str,
    ) -> Result<RosterOutcome> {
        let entries = self.roster_check(actor, org_id, rows).await?;
        self.roster_store(actor, entries, source).await
    }

    /// Stores rows [`Services::roster_check`] passed, in one transaction; a
    /// number registered outside the actor's subtree fails its row.
    pub async fn roster_store(&self, actor: &Actor, entries: Vec<RosterEntry>, source: &str) -> Result<RosterOutcome> {
        actor.require(Role::Recorder)?;
        let source = source.chars().take(200).collect();
        self.store.roster_import(entries, actor.scope_path.clone(), source, &actor.ctx()).await
    }

    /// The roster of a subtree (or one grid) as spreadsheet rows: ID numbers
    /// and phones masked unless revealed. Every export is audited.
    pub async fn roster_rows(&self, actor: &Actor, org_id: Option<Id>, reveal: bool) -> Result<(Org, Vec<RosterRow>)> {
        let org = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.store.org_subtree("/").await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        if reveal && !actor.can_view_personal {
            return Err(Error::Forbidden);
        }
        let residents = self.store.residents(&org.path, None).await?;
        let grids: HashMap<Id, String> =
            self.store.org_subtree(&org.path).await?.into_iter().map(|o| (o.id, o.name)).collect();
        let mut heads: HashMap<Id, String> = HashMap::new();
        for r in residents.iter().filter(|r| r.relation == HEAD) {
            heads.insert(r.household_id, r.person.name.clone());
        }
        let rows = residents
            .into_iter()
            .map(|r| {
                let view = if reveal { PersonView::revealed(r.person) } else { PersonView::masked(r.person) };
                RosterRow {
                    row: 0,
                    gender: view.person.gender.map(|g| g.label().to_owned()).unwrap_or_default(),
                    // The birth date is digits 7–14 of the ID number: shown only with it.
                    birth_date: if view.revealed {
                        view.person.birth_date.map(|d| d.to_string()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    id_number: view.id_number.unwrap_or_default(),
                    mobile: view.mobile.unwrap_or_default(),
                    head: heads.get(&r.household_id).cloned().unwrap_or_default(),
                    grid: grids.get(&r.grid_id).cloned().unwrap_or_default(),
                    name: view.person.name,
                    notes: view.person.notes,
                    address: r.address,
                    relation: r.relation,
                }
            })
            .collect::<Vec<_>>();
        let what = if reveal {
            "导出居民花名册（含完整身份证号和电话）"
        } else {
            "导出居民花名册（已脱敏）"
        };
        self.store
            .audit_append(
                AuditRecord::new(&actor.ctx(), if reveal { "view_personal" } else { "export" }, "resident")
                    .org(org.id)
                    .detail(format!("{what}：{}，{}人", org.name, rows.len())),
            )
            .await?;
        Ok((org, rows))
    }

    pub async fn households(
        &self,
        actor: &Actor,
        grid_id: Option<Id>,
        text: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Household>> {
        if let Some(g) = grid_id {
            self.visible_org(actor, g).await?;
        }
        self.store
            .households(&HouseholdQuery {
                scope_path: actor.scope_path.clone(),
                grid_id,
                text: text.to_owned(),
                page: page.max(1),
                per_page: per_page.clamp(1, 200),
            })
            .await
    }

    pub async fn household_get(&self, actor: &Actor, id: Id) -> Result<Household> {
        let h = self.store.household_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, h.org_id).await?;
        Ok(h)
    }

    /// A grid the actor may work in, chosen in a form field.
    async fn grid_field(&self, actor: &Actor, id: Option<Id>, field: &str, problems: &mut Problems) -> Option<Org> {
        let Some(id) = id else {
            problems.add(field, "请选择网格");
            return None;
        };
        match self.visible_org(actor, id).await {
            Ok(o) if o.kind == OrgKind::Grid => Some(o),
            Ok(_) => {
                problems.add(field, "所选组织不是网格");
                None
            }
            Err(_) => {
                problems.add(field, "所选网格不存在或不在您的管辖范围内");
                None
            }
        }
    }

    pub async fn household_save(&self, actor: &Actor, id: Option<Id>, input: &HouseholdInput) -> Result<Household> {
        let old = match id {
            Some(id) => Some(self.household_get(actor, id).await?),
            None => None,
        };
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let grid = self.grid_field(actor, input.grid_id, "grid_id", &mut problems).await;
        let address = required_text(&mut problems, "address", "住址", &input.address, 200);
        problems.finish()?;
        let household = Household {
            id: id.unwrap_or(0),
            org_id: grid.expect("checked").id,
            address: address.expect("checked"),
            members: old.map(|o| o.members).unwrap_or_default(),
        };
        self.store.household_save(household, &actor.ctx()).await
    }

    /// Puts a person of the register in a household, or takes them out.
    pub async fn resident_set(&self, actor: &Actor, person_id: Id, input: &ResidentInput) -> Result<Option<Resident>> {
        self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let household = match input.household_id {
            Some(h) => {
                let household = self.household_get(actor, h).await.map_err(|e| match e {
                    Error::NotFound => Error::invalid("household_id", "所选户不存在或不在您负责的网格内"),
                    other => other,
                })?;
                let relation: String = input.relation.trim().chars().take(20).collect();
                let mut problems = Problems::new();
                problems.text("relation", "与户主关系", &relation);
                problems.finish()?;
                if relation == HEAD && household.members.iter().any(|m| m.relation == HEAD && m.person_id != person_id)
                {
                    return Err(Error::invalid("relation", "该户已有户主"));
                }
                Some((household.id, relation))
            }
            None => None,
        };
        self.store.resident_set(person_id, household, &actor.ctx()).await?;
        self.store.resident_get(person_id).await
    }

    // --- screening campaigns ---

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
        let visited_on = date_field(&mut problems, "visited_on", "走访日期", &input.visited_on, true);
        if visited_on.is_some_and(|d| d < s.starts_on || d > s.ends_on) {
            problems.add("visited_on", format!("走访日期应在排查期间（{}至{}）内", s.starts_on, s.ends_on));
        }
        let visitor = required_text(&mut problems, "visitor", "走访人", &input.visitor, 50);
        let result = VisitResult::parse(input.result.trim());
        if result.is_none() {
            problems.add("result", "请选择走访结果：全部见面、部分外出、空户或拒绝配合");
        }
        let mut statuses = Vec::new();
        if let Some(h) = &household {
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
        problems.finish()?;
        let h = household.expect("checked");
        let visit = Visit {
            id: 0,
            screening_id,
            household_id: h.id,
            grid_id: h.org_id,
            visited_on: visited_on.expect("checked"),
            visitor: visitor.expect("checked"),
            result: result.expect("checked"),
            note: input.note.trim().chars().take(500).collect(),
            statuses,
        };
        self.store.visit_record(visit, &actor.ctx()).await
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
            let h = match input.household_id.and_then(|id| households.get(&id)) {
                Some(h) if seen.insert(h.id) => h,
                Some(_) => {
                    errors.push(FieldError::new(format!("visits[{n}].household_id"), format!("第{n}条：同一户重复")));
                    continue;
                }
                None => {
                    errors.push(FieldError::new(
                        format!("visits[{n}].household_id"),
                        format!("第{n}条：该户不在本次排查中您负责的网格内"),
                    ));
                    continue;
                }
            };
            let (Some(visited_on), Some(result)) =
                (super::parse_date(&input.visited_on), VisitResult::parse(input.result.trim()))
            else {
                errors.push(FieldError::new(format!("visits[{n}]"), format!("第{n}条：走访日期或走访结果无效")));
                continue;
            };
            if visited_on < s.starts_on || visited_on > s.ends_on || input.visitor.trim().is_empty() {
                errors.push(FieldError::new(
                    format!("visits[{n}]"),
                    format!("第{n}条：走访日期不在排查期间或缺少走访人"),
                ));
                continue;
            }
            if format!("{}{}", input.visitor, input.note).chars().any(crate::error::xml_invalid) {
                errors.push(FieldError::new(
                    format!("visits[{n}]"),
                    format!("第{n}条：走访人或备注含有无法识别的控制字符，请删除后重新填写"),
                ));
                continue;
            }
            let mut statuses = Vec::new();
            for (p, st) in &input.statuses {
                match PersonStatus::parse(st) {
                    Some(st) if h.members.iter().any(|m| m.person_id == *p) => statuses.push((*p, st)),
                    _ => {
                        errors.push(FieldError::new(format!("visits[{n}].statuses"), format!("第{n}条：人员状态无效")))
                    }
                }
            }
            fill_statuses(&mut statuses, &h.members, result);
            visits.push(Visit {
                id: 0,
                screening_id,
                household_id: h.id,
                grid_id: h.org_id,
                visited_on,
                visitor: input.visitor.trim().chars().take(50).collect(),
                result,
                note: input.note.trim().chars().take(500).collect(),
                statuses,
            });
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
