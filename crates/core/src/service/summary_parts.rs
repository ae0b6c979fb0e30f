//! The parts of a summary's facts beyond the grouped figures: the
//! responsibility chain and matters, theory study, volunteer service,
//! projects and sanitation, and the warnings where the records do not
//! support a usual claim. [`Services::summary_data`] gathers them over one
//! [`Span`].

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use super::summary::{MAX_LISTED, ids, push_new, serving};
use super::{CaseFilter, Services, TargetStatus};
use crate::auth::Actor;
use crate::cases::{CaseKind, CaseStatus};
use crate::error::Result;
use crate::ledger::{Activity, RectificationStatus, VOLUNTEER_KIND};
use crate::model::{Id, Org, OrgKind};
use crate::period::Period;
use crate::purpose;
use crate::summary::*;
use crate::target::{BucketState, Frequency};

/// What a summary's facts are gathered over: an org's subtree, a period
/// judged as of a day, the period's activities and the year's targets.
pub(super) struct Span<'a> {
    pub org: &'a Org,
    pub tree: &'a [Org],
    pub period: &'a Period,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub as_of: NaiveDate,
    pub all: &'a [Activity],
    pub targets: &'a [TargetStatus],
}

impl Span<'_> {
    pub fn of_kind(&self, kind: &str) -> Vec<&Activity> {
        self.all.iter().filter(|a| a.fields.kind == kind).collect()
    }

    /// A figure of one kind: each activity cited, or the list of the kind in the period.
    pub fn kind_figure(&self, list: &[&Activity], kind: &str) -> Figure {
        let filter = format!("activities:org_id={}&period={}&kind={kind}", self.org.id, self.period.code());
        Figure::cited("activity", &ids(list), Some(filter))
    }
}

impl Services {
    /// The responsibility chain (first-responsible person, pledges,
    /// branches) and the matters (ideology problems, petitions, disputes)
    /// received in the span.
    pub(super) async fn responsibility_facts(
        &self,
        actor: &Actor,
        span: &Span<'_>,
        data: &mut SummaryData,
    ) -> Result<()> {
        let chain = self.responsibility_chain(actor, Some(span.org.id), span.period.year()).await?;
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
        let case_filter = CaseFilter {
            org_id: Some(span.org.id),
            from: Some(span.start),
            to: Some(span.as_of),
            ..Default::default()
        };
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
        Ok(())
    }

    /// The months the study plans of the year cover: (the org's own and its
    /// branches', the volunteer teams').
    pub(super) async fn planned_months(&self, span: &Span<'_>) -> Result<(u64, u64)> {
        let plan_items = self.store.plan_items(&span.org.path, span.period.year()).await?;
        let team_ids: Vec<Id> = span.tree.iter().filter(|o| o.kind == OrgKind::VolunteerTeam).map(|o| o.id).collect();
        let months = |team: bool| -> u64 {
            let set: BTreeSet<u32> =
                plan_items.iter().filter(|i| team_ids.contains(&i.org_id) == team).map(|i| i.month).collect();
            set.len() as u64
        };
        Ok((months(false), months(true)))
    }

    /// Theory study: the central group's sessions and topics, the Friday
    /// study days and the weeks they met their target.
    pub(super) async fn study_facts(
        &self,
        actor: &Actor,
        span: &Span<'_>,
        planned_months: u64,
        data: &mut SummaryData,
    ) -> Result<()> {
        let sessions = span.of_kind("central_group_study");
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
        let group = serving(span.tree, purpose::THEORY_STUDY);
        let leader_post = match group {
            Some(g) => self.group_leader_post(actor, g, span.org).await?,
            None => None,
        };
        data.central_group = CentralGroup {
            leading_group: group.map(|g| g.name.clone()),
            leader_post,
            planned_months,
            sessions: span.kind_figure(&sessions, "central_group_study"),
            topics,
            target: span
                .targets
                .iter()
                .find(|t| t.target.kind == "central_group_study" && t.target.frequency == Frequency::Year)
                .map(|t| t.target.min_count),
        };
        let days = span.of_kind("study_day");
        let mut materials = Vec::new();
        for d in &days {
            d.fields.materials.iter().for_each(|m| push_new(&mut materials, m));
        }
        let mut study = StudyDays { sessions: span.kind_figure(&days, "study_day"), materials, ..Default::default() };
        if let Some(t) =
            span.targets.iter().find(|t| t.target.kind == "study_day" && t.target.frequency == Frequency::Week)
        {
            let within = t
                .evaluation
                .buckets
                .iter()
                .filter(|b| b.start >= span.start && b.end <= span.end && b.end <= span.as_of);
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
            for e in t.target.exemptions.iter().filter(|e| e.start <= span.end && e.end >= span.start) {
                study.exemptions.push(e.reason.clone());
            }
        }
        data.study_days = study;
        Ok(())
    }

    /// The post (in `org`) of the leader (组长) of a leading group.
    async fn group_leader_post(&self, actor: &Actor, group: &Org, org: &Org) -> Result<Option<String>> {
        let members = self.memberships_of_org(actor, group.id).await?;
        let Some(leader) = members.iter().find(|m| m.role == "组长" && m.ended_on.is_none()) else { return Ok(None) };
        let duties = self.store.duties(&org.path).await?;
        Ok(duties.into_iter().find(|d| d.person_id == leader.person_id && d.org_id == org.id).map(|d| d.post))
    }

    /// Projects by status at the span's end, sanitation and rectifications.
    pub(super) async fn project_facts(&self, actor: &Actor, span: &Span<'_>, data: &mut SummaryData) -> Result<()> {
        let projects = self.project_list(actor, Some(span.org.id)).await?;
        data.figures.projects = super::summary_records::project_figures(&projects, span.start, span.as_of);
        for p in projects {
            if p.updates.iter().all(|u| u.date > span.as_of) {
                continue;
            }
            let done = |from: NaiveDate| -> Vec<String> {
                p.milestones
                    .iter()
                    .filter(|m| m.done_on.is_some_and(|d| d >= from && d <= span.as_of))
                    .map(|m| m.name.clone())
                    .collect()
            };
            data.projects.push(ProjectFacts {
                name: p.name.clone(),
                cite: format!("project:{}", p.id),
                category: p.category.clone(),
                status: p.status_at(span.as_of).label().to_owned(),
                percent: p.progress_at(span.as_of),
                done: done(NaiveDate::MIN),
                done_in_period: done(span.start),
            });
        }
        let sanitation = span.of_kind("sanitation");
        let inspections = span.of_kind("inspection");
        let orders: Vec<_> = self
            .rectification_list(actor, Some(span.org.id), span.as_of)
            .await?
            .into_iter()
            .filter(|r| r.order.found_on >= span.start)
            .collect();
        data.sanitation = Sanitation {
            titles: {
                let mut titles = Vec::new();
                sanitation.iter().for_each(|a| push_new(&mut titles, &a.fields.title));
                titles
            },
            activities: span.kind_figure(&sanitation, "sanitation"),
            inspections: span.kind_figure(&inspections, "inspection"),
            rectifications: Figure::of("rectification", &orders.iter().map(|r| r.order.id).collect::<Vec<_>>()),
            rectified: orders.iter().filter(|r| r.status == RectificationStatus::Closed).count() as u64,
            orders: orders.iter().take(MAX_LISTED).map(|r| format!("{}{}", r.order.subject, r.order.problem)).collect(),
        };
        Ok(())
    }
}

/// Volunteer service: the team, its activities, hours and what was reported.
pub(super) fn volunteer_facts(span: &Span<'_>, volunteer: &[&Activity], planned_months: u64) -> Volunteer {
    let reported: Vec<&Activity> =
        volunteer.iter().copied().filter(|a| a.fields.reported_on.is_some_and(|d| d <= span.as_of)).collect();
    Volunteer {
        team: span.tree.iter().find(|o| o.kind == OrgKind::VolunteerTeam).map(|o| o.name.clone()),
        planned_months,
        monthly_target: span
            .targets
            .iter()
            .find(|t| t.target.kind == VOLUNTEER_KIND && t.target.frequency == Frequency::Month)
            .map(|t| t.target.min_count),
        activities: span.kind_figure(volunteer, VOLUNTEER_KIND),
        reported: Figure::cited("activity", &ids(&reported), None),
        hours: {
            let hours: f64 = volunteer.iter().flat_map(|a| a.fields.participants.iter()).filter_map(|p| p.hours).sum();
            // "182" or "182.5", as people write hours.
            format!("{}", (hours * 10.0).round() / 10.0)
        },
    }
}

/// Claims the records do not support: weeks without study, months without
/// volunteer service, activities not reported, other targets missed.
pub(super) fn record_warnings(span: &Span<'_>, volunteer: &[&Activity], data: &mut SummaryData) {
    if data.study_days.weeks_done < data.study_days.weeks_required {
        data.warnings.push(format!(
            "有{}周未开展“党旗领航·周五学习”，“坚持每周开展”的表述与台账不符",
            data.study_days.weeks_required - data.study_days.weeks_done
        ));
    }
    if data.volunteer.monthly_target.is_some() {
        let done: BTreeSet<u32> = volunteer.iter().map(|a| a.fields.date.month()).collect();
        let missing: Vec<String> = span
            .period
            .months()
            .into_iter()
            .filter(|(y, m)| {
                // Only months that have ended: the current one may still see its activity.
                let first = NaiveDate::from_ymd_opt(*y, u32::from(*m), 1).unwrap_or(span.start);
                let ended = first.checked_add_months(chrono::Months::new(1)).is_some_and(|next| next <= span.as_of);
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
    for t in span.targets.iter().filter(|t| !t.evaluation.missed.is_empty() && !covered(t)) {
        data.warnings.push(t.sentence.clone());
    }
    data.targets = span
        .targets
        .iter()
        .map(|t| TargetFact {
            sentence: t.sentence.clone(),
            attained: t.evaluation.attained,
            attained_so_far: t.evaluation.attained_so_far,
        })
        .collect();
}
