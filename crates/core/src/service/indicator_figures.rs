//! The figures a summary states of indicators: an org's own value, else
//! its sub-orgs' sum (each branch once, for an indicator that sums up the
//! tree), the change against last year and the target's completion.

use std::collections::HashMap;

use crate::indicator::*;
use crate::model::{Id, Org};
use crate::summary::{IndicatorFigure, MAX_CITED_IDS};

/// A value's figure for an org: the rows it comes from and their total.
pub(super) struct Total<'a> {
    pub(super) value: Decimal,
    rows: Vec<&'a IndicatorValue>,
    /// The org has no value of its own; its sub-orgs' add up.
    summed: bool,
}

/// The values of one indicator for one period, by org, and the tree.
pub(super) struct Tree<'a> {
    pub(super) aggregate: Aggregate,
    pub(super) children: &'a HashMap<Id, Vec<Id>>,
    pub(super) now: HashMap<Id, &'a IndicatorValue>,
    pub(super) before: HashMap<Id, &'a IndicatorValue>,
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
    pub(super) fn sub_total(
        &self,
        values: &HashMap<Id, &'a IndicatorValue>,
        org: Id,
        depth: usize,
    ) -> Option<Total<'a>> {
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
pub(super) fn figures_of(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::OrgKind;
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
