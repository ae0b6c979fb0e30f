//! Gathering the facts of a work summary from the ledgers.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::summary_parts::{Span, record_warnings, volunteer_facts};
use super::{ActivityFilter, Services};
use crate::auth::{Actor, now};
use crate::error::{Error, Result};
use crate::ledger::{Activity, VOLUNTEER_KIND, channel_label};
use crate::model::{Id, Org, OrgKind};
use crate::period::Period;
use crate::purpose;
use crate::review::Section;
use crate::summary::*;

/// How many names a summary lists (topics, materials, titles ...); the
/// wording says "等" after them.
pub(super) const MAX_LISTED: usize = 12;

/// Adds what is not there yet, keeping the order of first appearance and at
/// most [`MAX_LISTED`] items.
pub(super) fn push_new(list: &mut Vec<String>, item: &str) {
    let item = item.trim().trim_end_matches(['。', '；', ';']).trim();
    if list.len() < MAX_LISTED && !item.is_empty() && !list.iter().any(|x| x == item) {
        list.push(item.to_owned());
    }
}

/// The open org of a subtree that serves a summary topic (a leading group).
pub(super) fn serving<'a>(tree: &'a [Org], purpose: &str) -> Option<&'a Org> {
    tree.iter().find(|o| !o.is_closed() && o.purpose.as_deref() == Some(purpose))
}

pub(super) fn ids(list: &[&Activity]) -> Vec<Id> {
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
        let org = self.org_in_view(actor, org_id).await?;
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
        let code = period.code();
        let targets = self.target_statuses_at(&org, year, as_of).await?;
        let span = Span { org: &org, tree: &tree, period: &period, start, end, as_of, all: &all, targets: &targets };
        let publicity_all = span.of_kind("publicity");
        let pick = |purpose: &str| publicity_all.iter().copied().filter(|a| serves(a, purpose)).collect::<Vec<_>>();

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

        data.publicity.actions = span.kind_figure(&publicity_all, "publicity");
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

        self.responsibility_facts(actor, &span, &mut data).await?;
        let months = self.planned_months(&span).await?;
        self.study_facts(actor, &span, months.0, &mut data).await?;
        let volunteer = span.of_kind(VOLUNTEER_KIND);
        data.volunteer = volunteer_facts(&span, &volunteer, months.1);
        self.project_facts(actor, &span, &mut data).await?;
        record_warnings(&span, &volunteer, &mut data);
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
        let org = self.org_in_view(actor, org_id).await?;
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
        let org = self.org_in_view(actor, org_id).await?;
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
