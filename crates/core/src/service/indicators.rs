//! Indicators (统计指标): definitions kept by org admins, values per org and
//! period entered by recorders (the grid, the API, a spreadsheet), and the
//! figures a summary states: an org's own value, or for an indicator that
//! sums up the tree, the sum of its sub-orgs' values.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::indicator_figures::{Tree, figures_of};
use super::{Services, required_text};
use crate::auth::Actor;
use crate::error::{Error, FieldError, Problems, Result};
use crate::indicator::*;
use crate::model::{Id, Org, OrgKind, Role};
use crate::period::Period;
use crate::summary::IndicatorFigure;

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

impl Services {
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
        let org = self.org_in_view(actor, org_id).await?;
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
        let org = self.org_in_view(actor, org_id).await?;
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
        self.org_in_view(actor, org_id).await.map(|_| ())
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
        let org = self.org_in_view(actor, org_id).await?;
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
