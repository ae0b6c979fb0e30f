//! Indicators (统计指标): definitions kept by org admins, values per org and
//! period entered by recorders (the grid, the API, a spreadsheet), and the
//! figures a summary states: an org's own value, or for an indicator that
//! sums up the tree, the sum of its sub-orgs' values.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Services, required_text};
use crate::auth::Actor;
use crate::error::{Error, FieldError, Problems, Result};
use crate::indicator::*;
use crate::model::{Id, Org, OrgKind, Role};
use crate::period::Period;
use crate::summary::{IndicatorFigure, MAX_CITED_IDS};

/// Most rows one save or import may carry.
pub const MAX_VALUE_ROWS: usize = 5_000;

/// A definition as typed in a form or sent as JSON.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndicatorInput {
    /// The defining org (default: the actor's own).
    pub org_id: Option<Id>,
    /// Only orgs of this kind carry values (`OrgKind` code or label); empty for all.
    #[serde(default)]
    pub org_kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit: String,
    /// 0..=4; none for 0.
    pub decimals: Option<i64>,
    /// "sum" (下级合计) or "none" (不汇总, the default).
    #[serde(default)]
    pub aggregate: String,
    pub sort: Option<i64>,
}

/// One row of values: from the grid, the API or a sheet. The indicator and
/// org are given by id, or by name (a sheet); numbers as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IndicatorValueInput {
    /// The row as the user sees it (the sheet's row, the list's position),
    /// named in messages; 0 for the position in the list.
    #[serde(default)]
    pub row: usize,
    pub indicator_id: Option<Id>,
    #[serde(default)]
    pub indicator: String,
    /// The org the value is of (default: the batch's org).
    pub org_id: Option<Id>,
    #[serde(default)]
    pub org: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub last_year: String,
    #[serde(default)]
    pub note: String,
}

/// A definition with what a page shows beside it.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    #[serde(flatten)]
    pub indicator: Indicator,
    pub org_name: String,
    pub org_kind_label: Option<String>,
    pub aggregate_label: String,
    /// The actor may change or delete the definition.
    pub editable: bool,
}

/// One cell row of the grid: an indicator's value for one org.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorLine {
    /// The line's number in the grid (1-based), named in messages.
    pub row: usize,
    pub indicator_id: Id,
    pub indicator: String,
    pub unit: String,
    pub decimals: u8,
    pub org_id: Id,
    pub org_name: String,
    /// The stored value's id, when there is one.
    pub value_id: Option<Id>,
    pub value: String,
    pub target: String,
    pub last_year: String,
    pub note: String,
    /// For an indicator that sums up: what the org's sub-orgs add up to.
    pub sub_total: Option<String>,
}

/// The values of an org and its direct sub-orgs for a period, as a grid.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorSheet {
    pub org: Org,
    pub period: String,
    pub period_label: String,
    /// The org and its direct sub-orgs (open ones, leading groups left out).
    pub orgs: Vec<Org>,
    /// The indicators that apply to any of them.
    pub indicators: Vec<IndicatorView>,
    /// One line per indicator and org it applies to, by indicator.
    pub lines: Vec<IndicatorLine>,
    /// The org's own figures (as the summary states them).
    pub figures: Vec<IndicatorFigure>,
}

/// The ids of an org and its ancestors, root first, from its path "/1/4/9/".
fn chain(path: &str) -> Vec<Id> {
    path.split('/').filter_map(|s| s.parse().ok()).collect()
}

fn parse_period(period: &str) -> Result<Period> {
    Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))
}

/// An error on a field of a row: `rows[3].value`, "第3行“数值”：……".
fn row_error(row: usize, key: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("rows[{row}].{key}"), format!("第{row}行“{}”：{}", sheet_header(key), message.into()))
}

/// The definition's fields checked: (org kind, name, unit, decimals, aggregate, sort).
type Fields = (Option<OrgKind>, String, String, u8, Aggregate, i64);

fn check_fields(problems: &mut Problems, input: &IndicatorInput) -> Option<Fields> {
    let name = required_text(problems, "name", "指标名称", &input.name, MAX_NAME_CHARS);
    let unit = input.unit.trim();
    if unit.chars().count() > MAX_UNIT_CHARS {
        problems.add("unit", format!("计量单位不能超过{MAX_UNIT_CHARS}个字"));
    } else {
        problems.text("unit", "计量单位", unit);
    }
    let decimals = match input.decimals {
        None => Some(0),
        Some(d) if (0..=i64::from(MAX_DECIMALS)).contains(&d) => Some(d as u8),
        Some(_) => {
            problems.add("decimals", format!("小数位数应为0至{MAX_DECIMALS}之间的整数"));
            None
        }
    };
    let aggregate = match input.aggregate.trim() {
        "" => Some(Aggregate::None),
        a => Aggregate::parse(a),
    };
    if aggregate.is_none() {
        problems.add("aggregate", "汇总方式应为“下级合计”或“不汇总”");
    }
    let org_kind = match input.org_kind.trim() {
        "" => Some(None),
        k => OrgKind::parse(k).map(Some),
    };
    if org_kind.is_none() {
        problems.add("org_kind", "请选择适用的组织类型，或留空表示本组织及所有下级组织");
    }
    let sort = input.sort.unwrap_or(0);
    if !(-1_000_000..=1_000_000).contains(&sort) {
        problems.add("sort", "排序号应在-1000000至1000000之间");
    }
    Some((org_kind?, name?, unit.to_owned(), decimals?, aggregate?, sort))
}

/// A value's figure for an org: the rows it comes from and their total.
struct Total<'a> {
    value: Decimal,
    rows: Vec<&'a IndicatorValue>,
    /// The org has no value of its own; its sub-orgs' add up.
    summed: bool,
}

/// The values of one indicator for one period, by org, and the tree.
struct Tree<'a> {
    aggregate: Aggregate,
    children: &'a HashMap<Id, Vec<Id>>,
    now: HashMap<Id, &'a IndicatorValue>,
    before: HashMap<Id, &'a IndicatorValue>,
}

impl<'a> Tree<'a> {
    /// The org's own value, else (summing up) its sub-orgs' values added up.
    fn total(&self, values: &HashMap<Id, &'a IndicatorValue>, org: Id, depth: usize) -> Option<Total<'a>> {
        if let Some(v) = values.get(&org) {
            return Some(Total { value: v.value, rows: vec![v], summed: false });
        }
        if self.aggregate != Aggregate::Sum || depth > 64 {
            return None;
        }
        self.sub_total(values, org, depth)
    }

    /// What the org's sub-orgs add up to.
    fn sub_total(&self, values: &HashMap<Id, &'a IndicatorValue>, org: Id, depth: usize) -> Option<Total<'a>> {
        let mut out: Option<Total> = None;
        for child in self.children.get(&org).into_iter().flatten() {
            let Some(part) = self.total(values, *child, depth + 1) else { continue };
            out = Some(match out {
                None => Total { summed: true, ..part },
                Some(mut t) => {
                    t.value = t.value.checked_add(part.value)?;
                    t.rows.extend(part.rows);
                    t
                }
            });
        }
        out
    }

    /// Sums an optional field over the rows that make up `org`'s figure:
    /// all rows must carry it.
    fn sum_field(
        &self,
        org: Id,
        depth: usize,
        field: &dyn Fn(&Tree<'a>, Id, usize) -> Option<Decimal>,
    ) -> Option<Decimal> {
        let mut sum = Decimal::ZERO;
        let mut any = false;
        for child in self.children.get(&org).into_iter().flatten() {
            if self.total(&self.now, *child, depth + 1).is_none() {
                continue;
            }
            sum = sum.checked_add(field(self, *child, depth + 1)?)?;
            any = true;
        }
        any.then_some(sum)
    }

    /// The target of the org's figure: its row's, or its sub-orgs' added up.
    fn target(&self, org: Id, depth: usize) -> Option<Decimal> {
        match self.now.get(&org) {
            Some(v) => v.target,
            None if self.aggregate == Aggregate::Sum && depth <= 64 => {
                self.sum_field(org, depth, &|t, o, d| t.target(o, d))
            }
            None => None,
        }
    }

    /// The value a year earlier. For an org with a value of its own: its
    /// value recorded for that period, else the row's `last_year`, else
    /// (summing up) what its sub-orgs recorded for that period. For an org
    /// whose figure is its sub-orgs' sum: its own value of that period, else
    /// the sub-orgs' values a year earlier added up (each of them needed).
    fn last_year(&self, org: Id, depth: usize) -> Option<Decimal> {
        if let Some(v) = self.before.get(&org) {
            return Some(v.value);
        }
        if depth > 64 {
            return None;
        }
        match self.now.get(&org) {
            Some(v) => v.last_year.or_else(|| self.total(&self.before, org, depth).map(|t| t.value)),
            None if self.aggregate == Aggregate::Sum => self.sum_field(org, depth, &|t, o, d| t.last_year(o, d)),
            None => None,
        }
    }
}

/// The figures of `defs` for `org` (its subtree `tree`) and a period, from
/// `values` of the subtree for the period (`now`) and the year before.
fn figures_of(
    defs: &[Indicator],
    org: &Org,
    tree: &[Org],
    now: &str,
    before: Option<&str>,
    values: &[IndicatorValue],
) -> Vec<IndicatorFigure> {
    let mut children: HashMap<Id, Vec<Id>> = HashMap::new();
    for o in tree {
        if let Some(p) = o.parent_id {
            children.entry(p).or_default().push(o.id);
        }
    }
    let mut out = Vec::new();
    for def in defs {
        let pick = |period: Option<&str>| -> HashMap<Id, &IndicatorValue> {
            values
                .iter()
                .filter(|v| v.indicator_id == def.id && Some(v.period.as_str()) == period)
                .map(|v| (v.org_id, v))
                .collect()
        };
        let t = Tree { aggregate: def.aggregate, children: &children, now: pick(Some(now)), before: pick(before) };
        let Some(total) = t.total(&t.now, org.id, 0) else { continue };
        out.push(figure(def, org.id, &total, t.target(org.id, 0), t.last_year(org.id, 0)));
    }
    out
}

fn figure(
    def: &Indicator,
    org_id: Id,
    total: &Total,
    target: Option<Decimal>,
    last_year: Option<Decimal>,
) -> IndicatorFigure {
    let value = total.value;
    let ids: Vec<String> = total.rows.iter().map(|r| r.id.to_string()).collect();
    let cite = if ids.len() <= MAX_CITED_IDS {
        format!("indicator_value:{}", ids.join(","))
    } else {
        let first = total.rows.first().map(|r| r.period.clone()).unwrap_or_default();
        format!("indicator_values:org_id={org_id}&period={first}")
    };
    let mut notes: Vec<&str> = Vec::new();
    for r in &total.rows {
        let n = r.note.trim();
        if !n.is_empty() && !notes.contains(&n) {
            notes.push(n);
        }
    }
    let note = match notes.len() {
        0..=3 => notes.join("；"),
        _ => format!("{}等", notes[..3].join("；")),
    };
    let percent_of_target =
        target.filter(|t| t.scaled() > 0).map(|t| percent_text(value.to_f64() / t.to_f64() * 100.0));
    let change = last_year.and_then(|ly| value.checked_sub(ly)).map(|d| signed(def.format(d)));
    let change_percent = last_year
        .filter(|ly| !ly.is_zero())
        .map(|ly| signed(percent_text((value.to_f64() - ly.to_f64()) / ly.to_f64().abs() * 100.0)));
    IndicatorFigure {
        id: def.id,
        name: def.name.clone(),
        unit: def.unit.clone(),
        decimals: def.decimals,
        value: def.format(value),
        raw: value.to_f64(),
        target: target.map(|t| def.format(t)),
        percent_of_target,
        last_year: last_year.map(|l| def.format(l)),
        change,
        change_percent,
        summed: total.summed,
        note,
        cite,
    }
}

impl Services {
    /// The org a request is about: the one asked for, else the actor's own,
    /// else the top of the actor's subtree.
    async fn indicator_org(&self, actor: &Actor, org_id: Option<Id>) -> Result<Org> {
        match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound),
        }
    }

    /// The indicators of an org's ancestors, of itself and of its subtree:
    /// those that can have values in it.
    async fn indicators_around(&self, org: &Org) -> Result<Vec<Indicator>> {
        self.store.indicators(&org.path, chain(&org.path)).await
    }

    async fn indicator_views(&self, actor: &Actor, list: Vec<Indicator>) -> Result<Vec<IndicatorView>> {
        let mut names: HashMap<Id, String> = HashMap::new();
        let mut out = Vec::with_capacity(list.len());
        for i in list {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(i.org_id) {
                slot.insert(self.store.org_get(i.org_id).await?.map(|o| o.name).unwrap_or_default());
            }
            out.push(IndicatorView {
                org_name: names.get(&i.org_id).cloned().unwrap_or_default(),
                org_kind_label: i.org_kind.map(|k| k.label().to_owned()),
                aggregate_label: i.aggregate.label().to_owned(),
                editable: actor.is_admin() && actor.sees(&i.org_path),
                indicator: i,
            });
        }
        Ok(out)
    }

    /// The indicators that can have values in an org (default: the actor's):
    /// those defined by it, above it or below it.
    pub async fn indicator_list(&self, actor: &Actor, org_id: Option<Id>) -> Result<Vec<IndicatorView>> {
        let org = self.indicator_org(actor, org_id).await?;
        let list = self.indicators_around(&org).await?;
        self.indicator_views(actor, list).await
    }

    /// An indicator the actor may see (defined in its subtree or above it);
    /// NotFound otherwise.
    pub async fn indicator_get(&self, actor: &Actor, id: Id) -> Result<Indicator> {
        match self.store.indicator_get(id).await? {
            Some(i) if actor.sees(&i.org_path) || actor.scope_path.starts_with(&i.org_path) => Ok(i),
            _ => Err(Error::NotFound),
        }
    }

    /// An indicator the actor may change: an org admin's, over the defining org.
    async fn indicator_editable(&self, actor: &Actor, id: Id) -> Result<Indicator> {
        let i = self.indicator_get(actor, id).await?;
        actor.require(Role::OrgAdmin)?;
        if !actor.sees(&i.org_path) {
            return Err(Error::Forbidden);
        }
        Ok(i)
    }

    /// A name may be used once along a branch of the tree: not by the org,
    /// an org above it or one below it.
    async fn indicator_name_free(&self, org: &Org, name: &str, except: Option<Id>) -> Result<()> {
        let clash = self.indicators_around(org).await?.into_iter().find(|i| i.name == name && Some(i.id) != except);
        match clash {
            None => Ok(()),
            Some(i) => {
                let owner = self.store.org_get(i.org_id).await?.map(|o| o.name).unwrap_or_default();
                Err(Error::conflict("name", format!("“{owner}”已定义名为“{name}”的指标，请直接使用或换一个名称")))
            }
        }
    }

    /// Defines an indicator for an org (an org admin's work).
    pub async fn indicator_define(&self, actor: &Actor, input: &IndicatorInput) -> Result<Indicator> {
        actor.require(Role::OrgAdmin)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id.or(actor.org_id), &mut problems).await;
        if org.as_ref().is_some_and(Org::is_closed) {
            problems.add("org_id", "该组织已撤销，不能定义指标");
        }
        let fields = check_fields(&mut problems, input);
        problems.finish()?;
        let (org, (org_kind, name, unit, decimals, aggregate, sort)) =
            (org.expect("checked"), fields.expect("checked"));
        self.indicator_name_free(&org, &name, None).await?;
        let indicator = Indicator {
            id: 0,
            org_id: org.id,
            org_path: org.path.clone(),
            org_kind,
            name,
            unit,
            decimals,
            aggregate,
            sort,
            created_at: crate::auth::now(),
            created_by: actor.username.clone(),
        };
        self.store.indicator_save(indicator, &actor.ctx()).await
    }

    /// Changes a definition; its org stays. Decimals may not drop below
    /// those of a value already entered.
    pub async fn indicator_update(&self, actor: &Actor, id: Id, input: &IndicatorInput) -> Result<Indicator> {
        let current = self.indicator_editable(actor, id).await?;
        let mut problems = Problems::new();
        if input.org_id.is_some_and(|o| o != current.org_id) {
            problems.add("org_id", "指标的定义组织不能修改，请在该组织下新建指标");
        }
        let fields = check_fields(&mut problems, input);
        if let Some((_, _, _, decimals, _, _)) = &fields {
            let most = self.store.indicator_values_of(id).await?.iter().map(|v| v.value.places()).max().unwrap_or(0);
            if most > *decimals {
                problems.add("decimals", format!("已填报的数值有{most}位小数，小数位数不能少于{most}"));
            }
        }
        problems.finish()?;
        let (org_kind, name, unit, decimals, aggregate, sort) = fields.expect("checked");
        if name != current.name {
            let org = self.store.org_get(current.org_id).await?.ok_or(Error::NotFound)?;
            self.indicator_name_free(&org, &name, Some(id)).await?;
        }
        let indicator = Indicator { org_kind, name, unit, decimals, aggregate, sort, ..current };
        self.store.indicator_save(indicator, &actor.ctx()).await
    }

    /// Deletes a definition with its values.
    pub async fn indicator_delete(&self, actor: &Actor, id: Id) -> Result<()> {
        self.indicator_editable(actor, id).await?;
        self.store.indicator_delete(id, &actor.ctx()).await
    }

    /// The grid of an org (default: the actor's) for a period: each
    /// indicator's value for the org and each of its direct sub-orgs.
    pub async fn indicator_sheet(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<IndicatorSheet> {
        let org = self.indicator_org(actor, org_id).await?;
        let period = parse_period(period)?;
        let tree = self.store.org_subtree(&org.path).await?;
        let mut orgs = vec![org.clone()];
        orgs.extend(
            tree.iter()
                .filter(|o| o.parent_id == Some(org.id) && !o.is_closed() && o.kind != OrgKind::LeadingGroup)
                .cloned(),
        );
        let around = self.indicators_around(&org).await?;
        let defs: Vec<Indicator> = around.iter().filter(|i| orgs.iter().any(|o| i.applies_to(o))).cloned().collect();
        let (code, before) = (period.code(), year_before(&period).map(|p| p.code()));
        let periods: Vec<String> = std::iter::once(code.clone()).chain(before.clone()).collect();
        let values = self.store.indicator_values(&org.path, periods).await?;
        let mut children: HashMap<Id, Vec<Id>> = HashMap::new();
        for o in &tree {
            if let Some(p) = o.parent_id {
                children.entry(p).or_default().push(o.id);
            }
        }
        let mut lines = Vec::new();
        for def in &defs {
            let now: HashMap<Id, &IndicatorValue> =
                values.iter().filter(|v| v.indicator_id == def.id && v.period == code).map(|v| (v.org_id, v)).collect();
            let t = Tree { aggregate: def.aggregate, children: &children, now, before: HashMap::new() };
            for o in orgs.iter().filter(|o| def.applies_to(o)) {
                let own = t.now.get(&o.id);
                let text = |d: Option<Decimal>| d.map(|d| def.format(d)).unwrap_or_default();
                lines.push(IndicatorLine {
                    row: lines.len() + 1,
                    indicator_id: def.id,
                    indicator: def.name.clone(),
                    unit: def.unit.clone(),
                    decimals: def.decimals,
                    org_id: o.id,
                    org_name: o.name.clone(),
                    value_id: own.map(|v| v.id),
                    value: text(own.map(|v| v.value)),
                    target: text(own.and_then(|v| v.target)),
                    last_year: text(own.and_then(|v| v.last_year)),
                    note: own.map(|v| v.note.clone()).unwrap_or_default(),
                    sub_total: match def.aggregate {
                        Aggregate::Sum => t.sub_total(&t.now, o.id, 0).map(|s| def.format(s.value)),
                        Aggregate::None => None,
                    },
                });
            }
        }
        // The org's figures count every indicator with values below it, even
        // one that applies to none of the orgs of the grid (a village's, for a county).
        let figures = figures_of(&around, &org, &tree, &code, before.as_deref(), &values);
        Ok(IndicatorSheet {
            indicators: self.indicator_views(actor, defs).await?,
            period_label: period.label(),
            period: code,
            orgs,
            lines,
            figures,
            org,
        })
    }

    /// The indicator figures of an org's subtree for a period, as the
    /// summary states them.
    pub(crate) async fn indicator_figures(
        &self,
        org: &Org,
        tree: &[Org],
        period: &Period,
    ) -> Result<Vec<IndicatorFigure>> {
        let defs = self.indicators_around(org).await?;
        if defs.is_empty() {
            return Ok(Vec::new());
        }
        let (code, before) = (period.code(), year_before(period).map(|p| p.code()));
        let periods: Vec<String> = std::iter::once(code.clone()).chain(before.clone()).collect();
        let values = self.store.indicator_values(&org.path, periods).await?;
        Ok(figures_of(&defs, org, tree, &code, before.as_deref(), &values))
    }

    /// Checks the right to enter values of an org (default: the actor's),
    /// before a file is read.
    pub async fn indicator_may_enter(&self, actor: &Actor, org_id: Option<Id>) -> Result<()> {
        actor.require(Role::Recorder)?;
        self.indicator_org(actor, org_id).await.map(|_| ())
    }

    /// Saves values of an org's subtree for a period in one go: every row
    /// lands or none does, and every wrong field of every row is reported.
    /// A row whose value, target, last year's value and note are all empty
    /// clears the value. With a `source` (an import) the batch is audited as
    /// one import. Returns how many values changed.
    pub async fn indicator_values_save(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
        rows: Vec<IndicatorValueInput>,
        source: Option<&str>,
    ) -> Result<usize> {
        actor.require(Role::Recorder)?;
        let org = self.indicator_org(actor, org_id).await?;
        let period = parse_period(period)?.code();
        if rows.is_empty() {
            return Err(Error::invalid("rows", "没有要保存的指标值"));
        }
        if rows.len() > MAX_VALUE_ROWS {
            return Err(Error::invalid("rows", format!("一次最多保存{MAX_VALUE_ROWS}行，请分批保存")));
        }
        let tree = self.store.org_subtree(&org.path).await?;
        let defs = self.indicators_around(&org).await?;
        let mut errors: Vec<FieldError> = Vec::new();
        let mut seen: HashMap<(Id, Id), usize> = HashMap::new();
        let mut changes = Vec::with_capacity(rows.len());
        let now = crate::auth::now();
        for (i, r) in rows.iter().enumerate() {
            let row = if r.row == 0 { i + 1 } else { r.row };
            let before = errors.len();
            let target_org: Option<&Org> = match (r.org_id, r.org.trim()) {
                (Some(id), _) => tree.iter().find(|o| o.id == id).or_else(|| {
                    errors.push(row_error(row, "org", format!("所选组织不在“{}”及其下级组织中", org.name)));
                    None
                }),
                (None, "") => Some(&org),
                (None, name) => {
                    let found: Vec<&Org> = tree.iter().filter(|o| o.name == name && !o.is_closed()).collect();
                    match found.as_slice() {
                        [one] => Some(*one),
                        [] => {
                            errors.push(row_error(row, "org", format!("“{name}”不是“{}”或其下级组织", org.name)));
                            None
                        }
                        _ => {
                            errors.push(row_error(
                                row,
                                "org",
                                format!("名为“{name}”的组织有{}个，无法区分", found.len()),
                            ));
                            None
                        }
                    }
                }
            };
            let def: Option<&Indicator> = match (r.indicator_id, r.indicator.trim()) {
                (Some(id), _) => defs.iter().find(|d| d.id == id).or_else(|| {
                    errors.push(row_error(row, "indicator", "所选指标不存在或不适用于该组织"));
                    None
                }),
                (None, "") => {
                    errors.push(row_error(row, "indicator", "请填写指标名称"));
                    None
                }
                (None, name) => {
                    let named: Vec<&Indicator> = defs.iter().filter(|d| d.name == name).collect();
                    let fitting: Vec<&Indicator> =
                        named.iter().copied().filter(|d| target_org.is_none_or(|o| d.applies_to(o))).collect();
                    match (fitting.as_slice(), named.first()) {
                        ([one], _) => Some(*one),
                        ([], Some(d)) => Some(*d),
                        ([], None) => {
                            errors.push(row_error(
                                row,
                                "indicator",
                                format!("“{name}”不是已定义的指标，请先在指标列表中添加"),
                            ));
                            None
                        }
                        _ => {
                            errors.push(row_error(
                                row,
                                "indicator",
                                format!("名为“{name}”的指标有{}个，无法区分", fitting.len()),
                            ));
                            None
                        }
                    }
                }
            };
            if let (Some(d), Some(o)) = (def, target_org) {
                if !d.applies_to(o) {
                    let only = d.org_kind.map(|k| format!("（只适用于{}）", k.label())).unwrap_or_default();
                    errors.push(row_error(row, "indicator", format!("“{}”不适用于“{}”{only}", d.name, o.name)));
                } else if let Some(first) = seen.insert((d.id, o.id), row) {
                    errors.push(row_error(row, "indicator", format!("与第{first}行重复（同一组织的同一指标）")));
                }
            }
            let empty = [&r.value, &r.target, &r.last_year, &r.note].iter().all(|t| t.trim().is_empty());
            let note = r.note.trim();
            if note.chars().count() > MAX_NOTE_CHARS {
                errors.push(row_error(row, "note", format!("不能超过{MAX_NOTE_CHARS}个字")));
            } else if note.chars().any(crate::error::xml_invalid) {
                errors.push(row_error(row, "note", "含有无法识别的控制字符（常由复制粘贴带入），请删除后重新填写"));
            }
            let Some(d) = def else { continue };
            let number = |key: &str, text: &str, errors: &mut Vec<FieldError>| -> Option<Decimal> {
                if text.trim().is_empty() {
                    return None;
                }
                d.parse_value(text).map_err(|m| errors.push(row_error(row, key, m))).ok()
            };
            let value = if r.value.trim().is_empty() && !empty {
                errors.push(row_error(row, "value", "请填写数值（只填目标或备注时也需填写数值）"));
                None
            } else {
                number("value", &r.value, &mut errors)
            };
            let target = number("target", &r.target, &mut errors);
            let last_year = number("last_year", &r.last_year, &mut errors);
            let Some(o) = target_org else { continue };
            if errors.len() > before {
                continue;
            }
            changes.push(match value {
                None => ValueChange::Clear { indicator_id: d.id, org_id: o.id, period: period.clone() },
                Some(value) => ValueChange::Set(IndicatorValue {
                    id: 0,
                    indicator_id: d.id,
                    org_id: o.id,
                    period: period.clone(),
                    value,
                    target,
                    last_year,
                    note: note.to_owned(),
                    updated_at: now,
                    updated_by: actor.username.clone(),
                }),
            });
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        self.store.indicator_values_apply(changes, org.id, source.map(str::to_owned), &actor.ctx()).await
    }

    /// Imports the rows of a values sheet for an org and period: rows with
    /// nothing filled in are skipped (an import never clears a value).
    pub async fn indicator_import(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        period: &str,
        rows: Vec<IndicatorSheetRow>,
        source: &str,
    ) -> Result<usize> {
        self.indicator_may_enter(actor, org_id).await?;
        let inputs: Vec<IndicatorValueInput> = rows
            .into_iter()
            .filter(|r| [&r.value, &r.target, &r.last_year, &r.note].iter().any(|t| !t.trim().is_empty()))
            .map(|r| IndicatorValueInput {
                row: r.row,
                indicator_id: None,
                indicator: r.indicator,
                org_id: None,
                org: r.org,
                value: excel_digits(&r.value),
                target: excel_digits(&r.target),
                last_year: excel_digits(&r.last_year),
                note: r.note,
            })
            .collect();
        if inputs.is_empty() {
            return Err(Error::invalid("file", "文件中没有填写数值的行"));
        }
        // The file's name as the audit log keeps it: no character a document cannot carry.
        let source: String = source.chars().filter(|c| !crate::error::xml_invalid(*c)).take(100).collect();
        self.indicator_values_save(actor, org_id, period, inputs, Some(&source)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn org(id: Id, parent: Option<Id>, path: &str) -> Org {
        Org {
            id,
            parent_id: parent,
            kind: OrgKind::Village,
            name: format!("村{id}"),
            path: path.to_owned(),
            purpose: None,
            closed_at: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn def(id: Id, aggregate: Aggregate, unit: &str, decimals: u8) -> Indicator {
        Indicator {
            id,
            org_id: 1,
            org_path: "/1/".into(),
            org_kind: None,
            name: format!("指标{id}"),
            unit: unit.into(),
            decimals,
            aggregate,
            sort: 0,
            created_at: Utc::now(),
            created_by: "t".into(),
        }
    }

    fn value(
        id: Id,
        indicator: Id,
        org: Id,
        period: &str,
        v: &str,
        target: Option<&str>,
        ly: Option<&str>,
    ) -> IndicatorValue {
        let d = |s: &str| Decimal::parse(s, 4).unwrap();
        IndicatorValue {
            id,
            indicator_id: indicator,
            org_id: org,
            period: period.into(),
            value: d(v),
            target: target.map(d),
            last_year: ly.map(d),
            note: String::new(),
            updated_at: Utc::now(),
            updated_by: "t".into(),
        }
    }

    #[test]
    fn sums_take_each_branch_once_and_compare_like_with_like() {
        // 1 ─ 2 ─ 4
        //   └ 3
        let tree =
            vec![org(1, None, "/1/"), org(2, Some(1), "/1/2/"), org(3, Some(1), "/1/3/"), org(4, Some(2), "/1/2/4/")];
        let values = vec![
            value(10, 7, 2, "2021", "5", Some("6"), None),
            value(11, 7, 4, "2021", "100", None, None), // under 2, which has its own value
            value(12, 7, 3, "2021", "7", Some("8"), None),
            value(13, 7, 2, "2020", "4", None, None),
            value(14, 7, 3, "2021H1", "1", None, None), // another period
        ];
        let defs = [def(7, Aggregate::Sum, "个", 0)];
        let f = figures_of(&defs, &tree[0], &tree, "2021", Some("2020"), &values);
        assert_eq!(f.len(), 1);
        let f = &f[0];
        assert_eq!((f.value.as_str(), f.summed), ("12", true));
        assert_eq!(f.target.as_deref(), Some("14"));
        assert_eq!(f.percent_of_target.as_deref(), Some("85.7"));
        // Org 3 has no value a year earlier: no last year for the sum.
        assert_eq!(f.last_year, None);
        assert_eq!(f.cite, "indicator_value:10,12");

        // The org's own value wins, and last year is recorded for it.
        let f = &figures_of(&defs, &tree[1], &tree, "2021", Some("2020"), &values)[0];
        assert_eq!((f.value.as_str(), f.summed), ("5", false));
        assert_eq!(
            (f.last_year.as_deref(), f.change.as_deref(), f.change_percent.as_deref()),
            (Some("4"), Some("+1"), Some("+25"))
        );

        // Not summed: only the org's own value counts.
        let rate = [def(7, Aggregate::None, "%", 1)];
        assert!(figures_of(&rate, &tree[0], &tree, "2021", None, &values).is_empty());
    }

    #[test]
    fn percentages_change_in_points_and_the_row_may_carry_last_year() {
        let tree = vec![org(1, None, "/1/")];
        let values = vec![value(1, 8, 1, "2020H1", "96.5", Some("95"), Some("95.3"))];
        let f = &figures_of(&[def(8, Aggregate::None, "%", 1)], &tree[0], &tree, "2020H1", Some("2019H1"), &values)[0];
        assert_eq!(f.value, "96.5");
        assert_eq!(f.last_year.as_deref(), Some("95.3"));
        assert_eq!(f.change.as_deref(), Some("+1.2"));
        assert_eq!(f.change_percent.as_deref(), Some("+1.3"));
        assert_eq!(f.percent_of_target.as_deref(), Some("101.6"));
        let down = vec![value(1, 8, 1, "2020H1", "90", None, Some("95.3"))];
        let f = &figures_of(&[def(8, Aggregate::None, "%", 1)], &tree[0], &tree, "2020H1", None, &down)[0];
        assert_eq!(f.change.as_deref(), Some("-5.3"));
        assert_eq!(f.target, None);
    }
}
