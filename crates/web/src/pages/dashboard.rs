//! The dashboard (`/dashboard`): an org's records of a period by kind and
//! work area, its targets' progress, and what is left to do (unreported,
//! without evidence, overdue rectifications).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Value, json};
use taizhang_core::auth::now;
use taizhang_core::ledger::kind_name;

use super::{PageResult, org_json, render};
use crate::AppState;
use crate::auth::PageActor;

#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    #[serde(default)]
    org_id: String,
    #[serde(default)]
    period: String,
}

/// Period choices: the year, halves, quarters and months of recent years.
fn period_choices(year: i32) -> Vec<Value> {
    let mut out = Vec::new();
    for y in (year - 6..=year).rev() {
        out.push(json!({ "value": format!("{y}"), "label": format!("{y}年") }));
        out.push(json!({ "value": format!("{y}H1"), "label": format!("{y}年上半年") }));
        out.push(json!({ "value": format!("{y}H2"), "label": format!("{y}年下半年") }));
    }
    out
}

pub async fn index(State(state): State<AppState>, page: PageActor, Query(q): Query<DashboardQuery>) -> PageResult {
    let this_year = now().date_naive().year();
    let period = super::working_period(&state, &page, &q.period).await?;
    let d = state.services.dashboard(&page.actor, q.org_id.parse().ok(), &period).await?;
    let areas = state.services.work_areas_for(&page.actor).await?;
    let orgs = state.services.org_tree(&page.actor).await?;
    // The monthly chart: one row per month, one bar per kind.
    let mut months: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (y, m) in d.period.months() {
        months.insert(format!("{y}-{m:02}"), Vec::new());
    }
    let peak = d.counts.by_month.iter().map(|(_, _, n)| *n).max().unwrap_or(1).max(1);
    for (month, kind, n) in &d.counts.by_month {
        if let Some(bars) = months.get_mut(month) {
            bars.push(json!({ "kind": kind, "label": kind_name(kind), "count": n, "width": n * 100 / peak }));
        }
    }
    let chart: Vec<Value> = months.into_iter().map(|(m, bars)| json!({ "month": m, "bars": bars })).collect();
    let by_area: Vec<Value> = d
        .counts
        .by_area
        .iter()
        .map(|(a, n)| {
            let name =
                a.and_then(|a| areas.iter().find(|x| x.id == a)).map_or("未分类".to_owned(), |x| x.name.clone());
            json!({ "id": a, "name": name, "count": n })
        })
        .collect();
    let by_kind: Vec<Value> =
        d.counts.by_kind.iter().map(|(k, n)| json!({ "kind": k, "label": kind_name(k), "count": n })).collect();
    let mut periods = period_choices(this_year.max(d.period.year()));
    if !periods.iter().any(|p| p["value"] == d.period.code()) {
        periods.insert(0, json!({ "value": d.period.code(), "label": d.period.label() }));
    }
    render(
        &page,
        "dashboard.html",
        json!({
            "org": org_json(&d.org), "period": d.period.code(), "period_label": d.period.label(),
            "total": d.counts.total, "by_kind": by_kind, "by_area": by_area, "chart": chart,
            "targets": d.targets.iter().map(super::targets::target_json).collect::<Vec<_>>(), "unreported": d.unreported,
            "without_evidence": d.without_evidence, "overdue_rectifications": d.overdue_rectifications,
            "orgs": orgs.iter().map(org_json).collect::<Vec<_>>(), "periods": periods,
        }),
    )
}
