//! Gathering the facts of a work summary from the ledgers.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::{ActivityFilter, CaseFilter, Services};
use crate::auth::{Actor, now};
use crate::cases::{CaseKind, CaseStatus};
use crate::error::{Error, Result};
use crate::ledger::{Activity, RectificationStatus, VOLUNTEER_KIND, channel_label};
use crate::model::{Id, Org, OrgKind};
use crate::period::Period;
use crate::purpose;
use crate::review::Section;
use crate::summary::*;
use crate::target::{BucketState, Frequency};

/// How many names a summary lists (topics, materials, titles ...); the
/// wording says "等" after them.
const MAX_LISTED: usize = 12;

/// Adds what is not there yet, keeping the order of first appearance and at
/// most [`MAX_LISTED`] items.
fn push_new(list: &mut Vec<String>, item: &str) {
    let item = item.trim().trim_end_matches(['。', '；', ';']).trim();
    if list.len() < MAX_LISTED && !item.is_empty() && !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// The open org of a subtree that serves a summary topic (a leading group).
fn serving<'a>(tree: &'a [Org], purpose: &str) -> Option<&'a Org> {
    tree.iter().find(|o| !o.is_closed() && o.purpose.as_deref() == Some(purpose))
}

fn ids(list: &[&Activity]) -> Vec<Id> {
    list.iter().map(|a| a.id).collect()
}

/// Publicity facts of some actions.
fn publicity(actions: &[&Activity], campaign_name: &dyn Fn(Id) -> Option<String>) -> Publicity {
    let mut p = Publicity { actions: Figure::cited("activity", &ids(actions), None), ..Default::default() };
    let mut codes = BTreeSet::new();
    for a in actions {
        let f = &a.fields;
        codes.extend(f.channels.iter().cloned());
        if let Some(name) = f.campaign_id.and_then(campaign_name) {
            push_new(&mut p.campaigns, &name);
        }
        for r in &f.role_models {
            push_new(&mut p.role_models, r);
        }
        p.banners += u64::from(f.quantities.banners);
        p.boards += u64::from(f.quantities.boards);
        p.posts += u64::from(f.quantities.posts);
        p.reached += u64::from(f.quantities.reached);
    }
    // In the order channels are listed everywhere else (screens first).
    p.channels = crate::ledger::CHANNELS
        .iter()
        .filter(|(code, _)| codes.contains(*code))
        .map(|(code, _)| channel_label(code).unwrap_or(code).to_owned())
        .collect();
    for other in codes.iter().filter(|c| channel_label(c).is_none()) {
        p.channels.push(other.clone());
    }
    p
}

impl Services {
    /// The facts of the summary of an org's subtree (default: the actor's own
    /// org) for a period such as "2020H1".
    pub async fn summary_data(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<SummaryData> {
        let org = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        let period = Period::parse(period.trim()).map_err(|e| Error::invalid("period", e.to_string()))?;
        let (start, end) = (period.start(), period.end());
        let as_of = end.min(now().date_naive());
        let year = period.year();
        let tree = self.store.org_subtree(&org.path).await?;
        let parent = match org.parent_id {
            Some(id) => self.store.org_get(id).await?.filter(|p| actor.sees(&p.path) || p.kind == OrgKind::County),
            None => None,
        };
        let filter = ActivityFilter { org_id: Some(org.id), period: Some(period.code()), ..Default::default() };
        let all = self.activity_export(actor, &filter).await?;
        let campaigns = self.campaigns(actor).await?;
        let campaign_name = |id: Id| campaigns.iter().find(|c| c.id == id).map(|c| c.name.clone());
        let areas = self.work_areas_for(actor).await?;
        let kinds = self.kinds_for(actor).await?;
        // An activity serves a topic through its campaign or its work area
        // (or an area above it), by code: names do not matter.
        let area_serves = |id: Id, purpose: &str| {
            let mut at = areas.iter().find(|w| w.id == id);
            for _ in 0..16 {
                match at {
                    Some(w) if w.purpose.as_deref() == Some(purpose) => return true,
                    Some(w) => at = w.parent_id.and_then(|p| areas.iter().find(|x| x.id == p)),
                    None => break,
                }
            }
            false
        };
        let serves = |a: &Activity, purpose: &str| {
            a.fields
                .campaign_id
                .and_then(|id| campaigns.iter().find(|c| c.id == id))
                .is_some_and(|c| c.purpose.as_deref() == Some(purpose))
                || a.fields.work_area_id.is_some_and(|id| area_serves(id, purpose))
        };
        let of_kind = |kind: &str| all.iter().filter(|a| a.fields.kind == kind).collect::<Vec<_>>();
        // A figure of one kind: each activity cited, or the list of the kind in the period.
        let code = period.code();
        let kind_figure = |list: &[&Activity], kind: &str| {
            let filter = format!("activities:org_id={}&period={code}&kind={kind}", org.id);
            Figure::cited("activity", &ids(list), Some(filter))
        };
        let publicity_all = of_kind("publicity");
        let pick = |purpose: &str| publicity_all.iter().copied().filter(|a| serves(a, purpose)).collect::<Vec<_>>();
        let targets = self.target_statuses(&org, year, as_of).await?;

        let mut data = SummaryData {
            org_id: org.id,
            org: org.name.clone(),
            org_kind: org.kind.as_str().to_owned(),
            parent: parent.map(|p| p.name),
            year,
            period_label: period.label(),
            period_name: period.label().trim_start_matches(&format!("{year}年")).to_owned(),
            period_code: period.code(),
            is_half: matches!(period, Period::Half(..)),
            is_first_half: matches!(period, Period::Half(_, 1)),
            as_of: as_of.format("%Y年%-m月%-d日").to_string(),
            total: Figure::cited(
                "activity",
                &all.iter().map(|a| a.id).collect::<Vec<_>>(),
                Some(format!("activities:org_id={}&period={}", org.id, period.code())),
            ),
            figures: super::summary_figures::figures(&all, &org, &tree, &code, &kinds, &areas, &campaigns),
            publicity: publicity(&publicity_all, &campaign_name),
            epidemic_publicity: publicity(&pick(purpose::EPIDEMIC), &campaign_name),
            anti_crime: publicity(&pick(purpose::ANTI_CRIME), &campaign_name),
            health_publicity: publicity(&pick(purpose::HEALTH), &campaign_name),
            security_publicity: publicity(&pick(purpose::PUBLIC_SECURITY), &campaign_name),
            ..Default::default()
        };

        data.publicity.actions = kind_figure(&publicity_all, "publicity");
        data.figures.indicators = self.indicator_figures(&org, &tree, &period).await?;

        // The org's composition, each section with the figures it takes.
        let composition = match self.composition_kept(&org).await? {
            Some((_, c)) => c,
            None => crate::composition::default_for(&self.areas_of(&org, &tree).await?, "「期间」"),
        };
        data.title = composition.title.trim().to_owned();
        data.sections =
            super::summary_figures::composed(&composition, &all, &org, &tree, &code, &kinds, &areas, &campaigns);
        let when = if data.period_name.is_empty() { "全年".to_owned() } else { data.period_name.clone() };
        for s in &mut data.sections {
            s.heading = s.heading.replace("「期间」", &when);
        }

        // Responsibility.
        let chain = self.responsibility_chain(actor, Some(org.id), year).await?;
        if let Some(root) = chain.first() {
            data.responsibility.first_responsible = root.first_responsible.as_ref().map(|d| d.person_name.clone());
            data.responsibility.first_post = root.first_responsible.as_ref().map(|d| d.post.clone());
            data.responsibility.leaders_with_areas =
                root.others.iter().filter(|d| !d.area_ids.is_empty()).count() as u64;
        }
        let pledges: Vec<Id> = chain.iter().flat_map(|l| l.pledges.iter().map(|p| p.id)).collect();
        data.responsibility.pledges = Figure::of("pledge", &pledges);
        let branches: Vec<_> = chain.iter().filter(|l| l.org.kind == OrgKind::PartyBranch).collect();
        data.responsibility.branches = branches.len() as u64;
        data.responsibility.branches_with_first =
            branches.iter().filter(|l| l.first_responsible.is_some()).count() as u64;
        let case_filter = CaseFilter { org_id: Some(org.id), from: Some(start), to: Some(as_of), ..Default::default() };
        let (cases, _) = self.case_list(actor, &case_filter).await?;
        let case_ids = |test: &dyn Fn(&super::CaseView) -> bool| -> Vec<Id> {
            cases.iter().filter(|c| test(c)).map(|c| c.case.id).collect()
        };
        data.responsibility.problems_found =
            Figure::of("case", &case_ids(&|c| c.case.kind == CaseKind::IdeologyProblem));
        data.responsibility.problems_closed = Figure::of(
            "case",
            &case_ids(&|c| c.case.kind == CaseKind::IdeologyProblem && c.status == CaseStatus::Closed),
        );
        data.matters = Matters {
            petitions: Figure::of("case", &case_ids(&|c| c.case.kind == CaseKind::Petition)),
            disputes: Figure::of("case", &case_ids(&|c| c.case.kind == CaseKind::Dispute)),
            closed: Figure::of(
                "case",
                &case_ids(&|c| c.case.kind != CaseKind::IdeologyProblem && c.status == CaseStatus::Closed),
            ),
        };

        // Theory study: the central group and the Friday study.
        let plan_items = self.store.plan_items(&org.path, year).await?;
        let team_ids: Vec<Id> = tree.iter().filter(|o| o.kind == OrgKind::VolunteerTeam).map(|o| o.id).collect();
        let months = |team: bool| -> u64 {
            let set: BTreeSet<u32> =
                plan_items.iter().filter(|i| team_ids.contains(&i.org_id) == team).map(|i| i.month).collect();
            set.len() as u64
        };
        let sessions = of_kind("central_group_study");
        let mut topics = Vec::new();
        for s in &sessions {
            // The topic is the summary's first sentence when it is short; long
            // notes of a session are not a topic. "学习了" comes from the
            // wording, so a topic written "学习……" loses its verb.
            let first = s.fields.summary.split('。').next().unwrap_or_default().trim();
            if first.chars().count() <= 40 {
                push_new(&mut topics, first.trim_start_matches("学习"));
            }
        }
        let group = serving(&tree, purpose::THEORY_STUDY);
        let leader_post = match group {
            Some(g) => self.group_leader_post(actor, g, &org).await?,
            None => None,
        };
        data.central_group = CentralGroup {
            leading_group: group.map(|g| g.name.clone()),
            leader_post,
            planned_months: months(false),
            sessions: kind_figure(&sessions, "central_group_study"),
            topics,
            target: targets
                .iter()
                .find(|t| t.target.kind == "central_group_study" && t.target.frequency == Frequency::Year)
                .map(|t| t.target.min_count),
        };
        let days = of_kind("study_day");
        let mut materials = Vec::new();
        for d in &days {
            d.fields.materials.iter().for_each(|m| push_new(&mut materials, m));
        }
        let mut study = StudyDays { sessions: kind_figure(&days, "study_day"), materials, ..Default::default() };
        if let Some(t) = targets.iter().find(|t| t.target.kind == "study_day" && t.target.frequency == Frequency::Week)
        {
            let within = t.evaluation.buckets.iter().filter(|b| b.start >= start && b.end <= end && b.end <= as_of);
            for b in within {
                match b.state {
                    BucketState::Met => {
                        study.weeks_required += 1;
                        study.weeks_done += 1;
                    }
                    BucketState::Missed => study.weeks_required += 1,
                    _ => {}
                }
            }
            for e in t.target.exemptions.iter().filter(|e| e.start <= end && e.end >= start) {
                study.exemptions.push(e.reason.clone());
            }
        }
        data.study_days = study;

        // Volunteer service.
        let volunteer = of_kind(VOLUNTEER_KIND);
        let reported: Vec<&Activity> =
            volunteer.iter().copied().filter(|a| a.fields.reported_on.is_some_and(|d| d <= as_of)).collect();
        data.volunteer = Volunteer {
            team: tree.iter().find(|o| o.kind == OrgKind::VolunteerTeam).map(|o| o.name.clone()),
            planned_months: months(true),
            monthly_target: targets
                .iter()
                .find(|t| t.target.kind == VOLUNTEER_KIND && t.target.frequency == Frequency::Month)
                .map(|t| t.target.min_count),
            activities: kind_figure(&volunteer, VOLUNTEER_KIND),
            reported: Figure::cited("activity", &ids(&reported), None),
            hours: {
                let hours: f64 =
                    volunteer.iter().flat_map(|a| a.fields.participants.iter()).filter_map(|p| p.hours).sum();
                // "182" or "182.5", as people write hours.
                format!("{}", (hours * 10.0).round() / 10.0)
            },
        };

        // Projects, sanitation, rectifications.
        let projects = self.project_list(actor, Some(org.id)).await?;
        data.figures.projects = super::summary_records::project_figures(&projects, start, as_of);
        for p in projects {
            if p.updates.iter().all(|u| u.date > as_of) {
                continue;
            }
            let done = |from: NaiveDate| -> Vec<String> {
                p.milestones
                    .iter()
                    .filter(|m| m.done_on.is_some_and(|d| d >= from && d <= as_of))
                    .map(|m| m.name.clone())
                    .collect()
            };
            data.projects.push(ProjectFacts {
                name: p.name.clone(),
                cite: format!("project:{}", p.id),
                category: p.category.clone(),
                status: p.status_at(as_of).label().to_owned(),
                percent: p.progress_at(as_of),
                done: done(NaiveDate::MIN),
                done_in_period: done(start),
            });
        }
        let sanitation = of_kind("sanitation");
        let inspections = of_kind("inspection");
        let orders: Vec<_> = self
            .rectification_list(actor, Some(org.id), as_of)
            .await?
            .into_iter()
            .filter(|r| r.order.found_on >= start)
            .collect();
        data.sanitation = Sanitation {
            titles: {
                let mut titles = Vec::new();
                sanitation.iter().for_each(|a| push_new(&mut titles, &a.fields.title));
                titles
            },
            activities: kind_figure(&sanitation, "sanitation"),
            inspections: kind_figure(&inspections, "inspection"),
            rectifications: Figure::of("rectification", &orders.iter().map(|r| r.order.id).collect::<Vec<_>>()),
            rectified: orders.iter().filter(|r| r.status == RectificationStatus::Closed).count() as u64,
            orders: orders.iter().take(MAX_LISTED).map(|r| format!("{}{}", r.order.subject, r.order.problem)).collect(),
        };

        // Claims the records do not support.
        if data.study_days.weeks_done < data.study_days.weeks_required {
            data.warnings.push(format!(
                "有{}周未开展“党旗领航·周五学习”，“坚持每周开展”的表述与台账不符",
                data.study_days.weeks_required - data.study_days.weeks_done
            ));
        }
        if data.volunteer.monthly_target.is_some() {
            let done: BTreeSet<u32> = volunteer.iter().map(|a| a.fields.date.month()).collect();
            let missing: Vec<String> = period
                .months()
                .into_iter()
                .filter(|(y, m)| {
                    // Only months that have ended: the current one may still see its activity.
                    let first = NaiveDate::from_ymd_opt(*y, u32::from(*m), 1).unwrap_or(start);
                    let ended = first.checked_add_months(chrono::Months::new(1)).is_some_and(|next| next <= as_of);
                    ended && !done.contains(&u32::from(*m))
                })
                .map(|(_, m)| format!("{m}月"))
                .collect();
            if !missing.is_empty() {
                data.warnings.push(format!(
                    "{}未开展志愿服务活动，“每月不少于{}次”的表述与台账不符",
                    missing.join("、"),
                    data.volunteer.monthly_target.unwrap_or(1)
                ));
            }
        }
        if data.volunteer.reported.n < data.volunteer.activities.n {
            data.warnings.push(format!(
                "有{}次志愿服务活动尚未上报新时代文明实践云平台",
                data.volunteer.activities.n - data.volunteer.reported.n
            ));
        }
        // Other targets missed (the weekly study and monthly volunteer service are above).
        let covered = |t: &crate::service::TargetStatus| {
            (t.target.kind == "study_day" && t.target.frequency == Frequency::Week)
                || (t.target.kind == VOLUNTEER_KIND && t.target.frequency == Frequency::Month)
        };
        for t in targets.iter().filter(|t| !t.evaluation.missed.is_empty() && !covered(t)) {
            data.warnings.push(t.sentence.clone());
        }
        data.targets = targets
            .iter()
            .map(|t| TargetFact {
                sentence: t.sentence.clone(),
                attained: t.evaluation.attained,
                attained_so_far: t.evaluation.attained_so_far,
            })
            .collect();
        for item in self.store.review_items(org.id, &period.code()).await? {
            match item.section {
                Section::Problem => data.problems.push(item.text),
                Section::Plan => data.plans.push(item.text),
            }
        }
        data.figures.key_persons = self.key_person_figures(&org, start, as_of).await?;
        data.figures.screenings = self.screening_figures(&tree, start, as_of).await?;
        data.figures.teams = self.team_figures(&tree, as_of).await?;
        data.epidemic = self.epidemic_facts(&tree, &data.figures.screenings, start, as_of).await?;
        let e = &data.epidemic;
        if e.households > e.visited.n {
            data.warnings.push(format!(
                "{}尚有{}户未走访、{}人未登记状态，不宜写“社区不漏户、户不漏人”。",
                e.screenings.join("、"),
                e.households - e.visited.n,
                e.residents.saturating_sub(e.with_status)
            ));
        }
        if e.with_plan < e.key_persons.n {
            data.warnings.push(format!("有{}名重点人员还没有一人一策。", e.key_persons.n - e.with_plan));
        }
        Ok(data)
    }

    /// The epidemic-prevention facts of a subtree between two days; the
    /// screening figures are those of the campaigns (`screenings`) begun
    /// between them.
    async fn epidemic_facts(
        &self,
        tree: &[crate::model::Org],
        screenings: &[ScreeningFigures],
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Epidemic> {
        let Some(root) = tree.first() else { return Ok(Epidemic::default()) };
        let mut e =
            Epidemic { leading_group: serving(tree, purpose::EPIDEMIC).map(|o| o.name.clone()), ..Default::default() };
        let mut campaigns = Vec::new();
        for s in screenings.iter().filter(|s| s.starts_on >= start && s.starts_on <= end) {
            e.households += s.households;
            e.visited.n += s.visited.n;
            e.residents += s.persons;
            e.with_status += s.with_status.n;
            campaigns.push(s.id);
            e.screenings.push(s.name.clone());
        }
        e.visited.cite = Figure::of("screening", &campaigns).cite;
        e.household_percent = super::summary_records::percent_text(crate::grid::percent(e.visited.n, e.households));
        e.person_percent = super::summary_records::percent_text(crate::grid::percent(e.with_status, e.residents));
        let key = self.store.key_persons(&root.path, None).await?;
        let entered: Vec<&crate::grid::KeyPerson> =
            key.iter().filter(|k| k.entered_on >= start && k.entered_on <= end).collect();
        e.key_persons = Figure::of("key_person", &entered.iter().map(|k| k.id).collect::<Vec<_>>());
        e.released = key.iter().filter(|k| k.left_on.is_some_and(|d| d >= start && d <= end)).count() as u64;
        let plans = self.store.care_plans(&root.path).await?;
        e.with_plan = entered.iter().filter(|k| plans.iter().any(|p| p.person_id == k.person_id)).count() as u64;
        let follow_ups = self.store.follow_ups(&root.path, start, end).await?;
        e.follow_ups = Figure::cited("follow_up", &follow_ups.iter().map(|f| f.id).collect::<Vec<_>>(), None);
        let (from, to) = (super::care::day_range(start).0, super::care::day_range(end).1);
        let checks = self.store.health_checks(&root.path, None, from, to).await?;
        e.health_checks = checks.len() as u64;
        e.abnormal_checks = checks.iter().filter(|c| c.abnormal()).count() as u64;
        let done = self.store.disinfections(&root.path, from, to).await?;
        e.disinfections = Figure::cited("disinfection", &done.iter().map(|d| d.id).collect::<Vec<_>>(), None);
        Ok(e)
    }

    /// The post (in `org`) of the leader (组长) of a leading group.
    async fn group_leader_post(&self, actor: &Actor, group: &Org, org: &Org) -> Result<Option<String>> {
        let members = self.memberships_of_org(actor, group.id).await?;
        let Some(leader) = members.iter().find(|m| m.role == "组长" && m.ended_on.is_none()) else { return Ok(None) };
        let duties = self.store.duties(&org.path).await?;
        Ok(duties.into_iter().find(|d| d.person_id == leader.person_id && d.org_id == org.id).map(|d| d.post))
    }
}

impl Services {
    /// Keeps a generated summary (its markup and the facts it came from) as a
    /// version of the org's summary for the period.
    pub async fn summary_keep(
        &self,
        actor: &Actor,
        data: &SummaryData,
        org_id: Id,
        title: &str,
        markup: String,
    ) -> Result<SavedSummary> {
        let org = self.visible_org(actor, org_id).await?;
        actor.require(crate::model::Role::Recorder)?;
        let saved = SavedSummary {
            id: 0,
            org_id: org.id,
            period: data.period_code.clone(),
            title: title.to_owned(),
            markup,
            data: serde_json::to_string(data).map_err(|e| Error::Storage(e.to_string()))?,
            created_at: now(),
            created_by: actor.username.clone(),
        };
        self.store.summary_save(saved, &actor.ctx()).await
    }

    pub async fn summary_version(&self, actor: &Actor, id: Id) -> Result<SavedSummary> {
        let saved = self.store.summary_get(id).await?.ok_or(Error::NotFound)?;
        self.visible_org(actor, saved.org_id).await?;
        Ok(saved)
    }

    /// The versions kept for an org (default: the actor's), of one period when given.
    pub async fn summary_versions(&self, actor: &Actor, org_id: Option<Id>, period: &str) -> Result<Vec<SavedSummary>> {
        let org = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        let period = match period.trim() {
            "" => None,
            p => Some(Period::parse(p).map_err(|e| Error::invalid("period", e.to_string()))?.code()),
        };
        self.store.summaries(org.id, period.as_deref()).await
    }
}

/// Largest template an org may keep.
pub const MAX_TEMPLATE_BYTES: usize = 64 * 1024;

/// Where the template of a summary comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TemplateSource {
    /// The org whose copy it is; `None` for the built-in default.
    pub org_id: Option<Id>,
    pub org_name: Option<String>,
    /// The source; `None` for the built-in default (which the caller holds).
    pub source: Option<String>,
}

impl Services {
    /// The template an org's summaries use: its own copy, else its nearest
    /// ancestor's that the actor may see, else the built-in default.
    pub async fn summary_template(&self, actor: &Actor, org_id: Option<Id>) -> Result<TemplateSource> {
        let org = match org_id.or(actor.org_id) {
            Some(id) => self.visible_org(actor, id).await?,
            None => self.org_tree(actor).await?.into_iter().next().ok_or(Error::NotFound)?,
        };
        // The path "/1/4/9/" lists the org and its ancestors, root first.
        let chain: Vec<Id> = org.path.split('/').filter_map(|s| s.parse().ok()).collect();
        let found = self.store.summary_templates(chain.clone()).await?;
        for id in chain.iter().rev() {
            if let Some((_, source)) = found.iter().find(|(o, _)| o == id) {
                let owner = self.store.org_get(*id).await?;
                return Ok(TemplateSource {
                    org_id: Some(*id),
                    org_name: owner.map(|o| o.name),
                    source: Some(source.clone()),
                });
            }
        }
        Ok(TemplateSource { org_id: None, org_name: None, source: None })
    }

    /// May the actor edit (and so preview) the template of this org? An org
    /// admin's work; asked before any template is rendered, since a template
    /// is code that runs on the server.
    pub async fn summary_template_may_edit(&self, actor: &Actor, org_id: Option<Id>) -> Result<Id> {
        actor.require(crate::model::Role::OrgAdmin)?;
        let id = org_id.or(actor.org_id).ok_or_else(|| Error::invalid("org_id", "请选择组织"))?;
        Ok(self.visible_org(actor, id).await?.id)
    }

    /// Keeps an org's own template (checked by the caller, who can render it),
    /// or drops it when `source` is `None`. An org admin's work.
    pub async fn summary_template_set(&self, actor: &Actor, org_id: Id, source: Option<&str>) -> Result<()> {
        let org = self.visible_org(actor, org_id).await?;
        actor.require(crate::model::Role::OrgAdmin)?;
        if let Some(s) = source {
            if s.trim().is_empty() {
                return Err(Error::invalid("source", "模板不能为空；要恢复默认模板请点“恢复默认”"));
            }
            if s.len() > MAX_TEMPLATE_BYTES {
                return Err(Error::invalid("source", format!("模板不能超过{}KB", MAX_TEMPLATE_BYTES / 1024)));
            }
        }
        self.store.summary_template_set(org.id, source.map(str::to_owned), &actor.ctx()).await
    }
}
