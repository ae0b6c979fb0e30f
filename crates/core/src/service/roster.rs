//! The roster (居民花名册): a workbook of residents checked row by row,
//! imported whole or not at all, and read back for export.

use super::{PersonView, Services};
use crate::auth::{Actor, now};
use crate::error::{Error, FieldError, Result};
use crate::grid::*;
use crate::id_number::{Gender, IdNumber, looks_like_excel_mangled};
use crate::mobile::Mobile;
use crate::model::{AuditRecord, Id, Org, Role};
use std::collections::HashMap;

/// Rosters longer than this are refused; split the file.
pub const MAX_ROSTER_ROWS: usize = 200_000;

fn row_error(row: usize, key: &str, message: impl std::fmt::Display) -> FieldError {
    FieldError::new(format!("rows[{row}].{key}"), format!("第{row}行“{}”：{message}", roster_header(key)))
}

impl Services {
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
}
