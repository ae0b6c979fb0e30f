//! Health checks (健康监测) masked unless revealed, disinfections (消毒) and
//! the daily report (信息报送) of an org's key persons and grids.

use super::care::{EARLIEST, day_range, follow_up_lines};
use super::{Services, parse_date, required_text};
use crate::auth::{Actor, now};
use crate::error::{Error, Problems, Result};
use crate::grid::*;
use crate::model::{AuditRecord, Id, Org, OrgKind, Role};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthCheckInput {
    /// "2020-02-03 08:30"
    pub checked_at: String,
    /// °C, for example "36.5".
    pub temperature: String,
    pub symptoms: String,
    pub by: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisinfectionInput {
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub org_id: Option<Id>,
    pub place: String,
    /// "2020-02-03 16:00"
    pub done_at: String,
    pub by: String,
    pub agent: String,
}

/// A health reading as shown to one actor: values hidden unless revealed.
#[derive(Debug, Clone, Serialize)]
pub struct HealthCheckView {
    pub check: HealthCheck,
    pub revealed: bool,
}

/// "2020-02-03 08:30", "2020-02-03T08:30" or "2020年2月3日 8:30".
pub fn parse_datetime(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    for f in ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return super::date_in_range(t.date()).then_some(t);
        }
    }
    let (date, time) = s.split_once([' ', 'T'])?;
    let date = parse_date(date)?;
    let time = NaiveTime::parse_from_str(time.trim(), "%H:%M").ok()?;
    Some(date.and_time(time))
}

fn datetime_field(problems: &mut Problems, field: &str, label: &str, raw: &str) -> Option<NaiveDateTime> {
    match parse_datetime(raw) {
        // Local time of the office; a day ahead covers any time zone.
        Some(t) if t.date() > now().date_naive() + Duration::days(1) => {
            problems.add(field, format!("{label}不能晚于今天"));
            None
        }
        Some(t) => Some(t),
        None if raw.trim().is_empty() => {
            problems.add(field, format!("请填写{label}"));
            None
        }
        None => {
            problems.add(field, format!("{label}格式应为“2020-02-03 08:30”"));
            None
        }
    }
}

impl HealthCheckView {
    /// A reading as `actor` sees it: revealed when asked for (the caller has
    /// checked the permission), and always to the account that entered it,
    /// which saw the values as it typed them (no audit entry for that).
    pub fn for_actor(actor: &Actor, check: HealthCheck, reveal: bool) -> HealthCheckView {
        let own = actor.user_id.is_some() && check.recorded_by == actor.user_id;
        HealthCheckView { revealed: reveal || own, check }
    }

    pub fn temperature(&self) -> String {
        if self.revealed { format!("{:.1}", self.check.temperature) } else { "**.*".to_owned() }
    }

    pub fn symptoms(&self) -> String {
        match (self.revealed, self.check.symptoms.is_empty()) {
            (true, true) => "无".to_owned(),
            (true, false) => self.check.symptoms.clone(),
            (false, _) => "***".to_owned(),
        }
    }

    /// Abnormal or not, only when revealed.
    pub fn abnormal(&self) -> Option<bool> {
        self.revealed.then(|| self.check.abnormal())
    }

    /// Why an abnormal reading is flagged (发热, or 有症状 without a fever), only when revealed.
    pub fn flag(&self) -> Option<&'static str> {
        match self.abnormal() {
            Some(true) if self.check.temperature >= FEVER => Some("发热"),
            Some(true) => Some("有症状"),
            _ => None,
        }
    }
}

impl Services {
    pub async fn health_check_add(
        &self,
        actor: &Actor,
        person_id: Id,
        input: &HealthCheckInput,
    ) -> Result<HealthCheck> {
        let person = self.person_get(actor, person_id).await?;
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let checked_at = datetime_field(&mut problems, "checked_at", "监测时间", &input.checked_at);
        let temperature = match input.temperature.trim().trim_end_matches(['℃', '度']).parse::<f64>() {
            Ok(t) if (34.0..=43.0).contains(&t) => Some(t),
            Ok(_) => {
                problems.add("temperature", "体温应在34至43℃之间，请核实");
                None
            }
            Err(_) => {
                problems.add("temperature", "请填写体温，如36.5");
                None
            }
        };
        let by = required_text(&mut problems, "by", "监测人", &input.by, 50);
        problems.text("symptoms", "症状", &input.symptoms);
        problems.finish()?;
        let check = HealthCheck {
            id: 0,
            person_id,
            person_name: person.name,
            org_id: person.org_id,
            checked_at: checked_at.expect("checked"),
            temperature: temperature.expect("checked"),
            symptoms: input.symptoms.trim().chars().take(500).collect(),
            by: by.expect("checked"),
            recorded_by: actor.user_id,
        };
        self.store.health_check_add(check, &actor.ctx()).await
    }

    /// Health readings of a subtree (or one person) over days, masked unless
    /// revealed (which needs the permission and is audited) or entered by
    /// the actor's own account (neither needed nor audited). Only abnormal
    /// ones when asked, which itself reveals health data.
    pub async fn health_checks(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        person_id: Option<Id>,
        (first, last): (NaiveDate, NaiveDate),
        abnormal_only: bool,
        reveal: bool,
    ) -> Result<Vec<HealthCheckView>> {
        let scope = self.scope_of(actor, org_id).await?;
        if let Some(p) = person_id {
            self.person_get(actor, p).await?;
        }
        let reveal = reveal || abnormal_only;
        if reveal && !actor.can_view_personal {
            return Err(Error::Forbidden);
        }
        let checks = self.store.health_checks(&scope, person_id, day_range(first).0, day_range(last).1).await?;
        let views: Vec<HealthCheckView> = checks
            .into_iter()
            .filter(|c| !abnormal_only || c.abnormal())
            .map(|check| HealthCheckView::for_actor(actor, check, reveal))
            .collect();
        if reveal {
            self.store
                .audit_append(
                    AuditRecord::new(&actor.ctx(), "view_personal", "health_check")
                        .detail(format!("查看{first}至{last}的健康监测数据（{}条）", views.len())),
                )
                .await?;
        }
        Ok(views)
    }

    pub async fn disinfection_add(&self, actor: &Actor, input: &DisinfectionInput) -> Result<Disinfection> {
        actor.require(Role::Recorder)?;
        let mut problems = Problems::new();
        let org = self.org_field(actor, input.org_id, &mut problems).await;
        let place = required_text(&mut problems, "place", "消毒场所", &input.place, 200);
        let done_at = datetime_field(&mut problems, "done_at", "消毒时间", &input.done_at);
        let by = required_text(&mut problems, "by", "消毒人员", &input.by, 100);
        problems.text("agent", "消毒剂", &input.agent);
        problems.finish()?;
        let d = Disinfection {
            id: 0,
            org_id: org.expect("checked").id,
            place: place.expect("checked"),
            done_at: done_at.expect("checked"),
            by: by.expect("checked"),
            agent: input.agent.trim().chars().take(100).collect(),
        };
        self.store.disinfection_add(d, &actor.ctx()).await
    }

    pub async fn disinfections(
        &self,
        actor: &Actor,
        org_id: Option<Id>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Disinfection>> {
        let scope = self.scope_of(actor, org_id).await?;
        self.store.disinfections(&scope, day_range(from).0, day_range(to).1).await
    }

    /// The daily report (信息报送) of an org on a day: one line per community
    /// below it (or the org itself) and the total. Pages, exports and the
    /// API all show this one computation.
    pub async fn daily_report(&self, actor: &Actor, org_id: Option<Id>, day: NaiveDate) -> Result<DailyReport> {
        let root = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.store.org_subtree("/").await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        let tree = self.store.org_subtree(&root.path).await?;
        let mut units: Vec<&Org> = tree.iter().filter(|o| o.kind == OrgKind::Community && o.id != root.id).collect();
        if units.is_empty() {
            units.push(&root);
        }
        // The line an org's records belong to: its community, else the root.
        let line_of = |org_id: Id| -> Id {
            let path = tree.iter().find(|o| o.id == org_id).map_or("", |o| o.path.as_str());
            units.iter().filter(|u| path.starts_with(&u.path)).max_by_key(|u| u.path.len()).map_or(root.id, |u| u.id)
        };
        let mut lines: Vec<ReportLine> =
            units.iter().map(|u| ReportLine { org_id: u.id, org_name: u.name.clone(), ..Default::default() }).collect();
        let mut other =
            ReportLine { org_id: root.id, org_name: format!("{}（本级）", root.name), ..Default::default() };
        let index = |org_id: Id| -> Option<usize> {
            let id = line_of(org_id);
            units.iter().position(|u| u.id == id)
        };
        let mut bump = |org_id: Id, f: &mut dyn FnMut(&mut ReportLine)| match index(org_id) {
            Some(i) => f(&mut lines[i]),
            None => f(&mut other),
        };
        let key = self.store.key_persons(&root.path, None).await?;
        let mut under_care: HashMap<Id, Id> = HashMap::new();
        for k in &key {
            if k.entered_on == day {
                bump(k.org_id, &mut |l| l.new_key_persons += 1);
            }
            if k.left_on == Some(day) {
                bump(k.org_id, &mut |l| l.released += 1);
            }
            if k.active_on(day) {
                under_care.insert(k.person_id, k.org_id);
            }
        }
        for org in under_care.values() {
            bump(*org, &mut |l| l.under_care += 1);
        }
        let (from, to) = day_range(day);
        for c in self.store.health_checks(&root.path, None, from, to).await? {
            let abnormal = c.abnormal();
            bump(c.org_id, &mut |l| {
                l.checks.add(1);
                l.abnormal_checks.add(u64::from(abnormal));
            });
        }
        let plans = self.store.care_plans(&root.path).await?;
        let done = self.store.follow_ups(&root.path, EARLIEST, day).await?;
        for line in follow_up_lines(plans, &done, day) {
            let overdue = line.state == FollowUpState::Overdue;
            bump(line.plan.org_id, &mut |l| {
                l.follow_ups_done += u64::from(line.done_today);
                l.follow_ups_overdue += u64::from(overdue);
            });
        }
        for d in self.store.disinfections(&root.path, from, to).await? {
            bump(d.org_id, &mut |l| l.disinfections += 1);
        }
        // Coverage: per grid, the latest campaign begun by that day.
        let mut latest: HashMap<Id, &Screening> = HashMap::new();
        let screenings = self.store.screenings_covering(&root.path).await?;
        for s in screenings.iter().filter(|s| s.starts_on <= day) {
            for g in &s.grid_ids {
                let e = latest.entry(*g).or_insert(s);
                if s.starts_on > e.starts_on {
                    *e = s;
                }
            }
        }
        let mut used: Vec<Id> = latest.values().map(|s| s.id).collect();
        used.sort_unstable();
        used.dedup();
        for s in used {
            for g in self.store.coverage(s).await? {
                if latest.get(&g.grid_id).is_some_and(|l| l.id == s) && tree.iter().any(|o| o.id == g.grid_id) {
                    bump(g.grid_id, &mut |l| l.coverage.add(&g));
                }
            }
        }
        let mut total = ReportLine { org_id: root.id, org_name: "合计".into(), ..Default::default() };
        let has_other = other != ReportLine { org_id: root.id, org_name: other.org_name.clone(), ..Default::default() };
        if has_other {
            lines.push(other);
        }
        lines.iter().for_each(|l| total.add(l));
        // One or two readings in a line would point at the persons behind
        // them: without the permission such counts are shown as "<3".
        let small_counts_hidden = !actor.can_view_personal;
        if small_counts_hidden {
            lines.iter_mut().chain(std::iter::once(&mut total)).for_each(ReportLine::hide_small_health_counts);
        }
        Ok(DailyReport { org_id: root.id, org_name: root.name.clone(), day, lines, total, small_counts_hidden })
    }
}
