//! Figures of a summary that are not counts of activities: projects by
//! status and category with their measures, key persons per key group,
//! screening campaigns (households as households, persons as persons), and
//! the sizes of leading groups and volunteer teams. Chosen by ids, kinds
//! and dates, never by words in names.

use chrono::NaiveDate;

use super::Services;
use crate::error::Result;
use crate::grid::KeyPerson;
use crate::model::{Id, Org, OrgKind};
use crate::project::{Project, ProjectStatus};
use crate::summary::{
    Figure, KeyGroupCount, KeyPersonFigures, MeasureTotal, ProjectCategory, ProjectCounts, ProjectFigures, RoleCount,
    ScreeningFigures, TeamFigures, Total,
};

/// "100" or "99.5", as the documents write a percentage.
pub(super) fn percent_text(p: f64) -> String {
    if p.fract() == 0.0 { format!("{p:.0}") } else { format!("{p:.1}") }
}

/// Counts of some projects by their status on `day`, and their measures summed.
fn project_counts(projects: &[&Project], day: NaiveDate) -> ProjectCounts {
    let ids = |status: Option<ProjectStatus>| -> Vec<Id> {
        projects.iter().filter(|p| status.is_none_or(|s| p.status_at(day) == s)).map(|p| p.id).collect()
    };
    let mut measures: Vec<(MeasureTotal, Vec<Id>)> = Vec::new();
    for p in projects {
        for m in &p.measures {
            let at = match measures.iter().position(|(t, _)| t.name == m.name && t.unit == m.unit) {
                Some(at) => at,
                None => {
                    let total = MeasureTotal { name: m.name.clone(), unit: m.unit.clone(), total: Total::default() };
                    measures.push((total, Vec::new()));
                    measures.len() - 1
                }
            };
            let (total, ids) = &mut measures[at];
            total.total.n += m.value;
            if !ids.contains(&p.id) {
                ids.push(p.id);
            }
        }
    }
    ProjectCounts {
        total: Figure::of("project", &ids(None)),
        done: Figure::of("project", &ids(Some(ProjectStatus::Done))),
        in_progress: Figure::of("project", &ids(Some(ProjectStatus::InProgress))),
        not_started: Figure::of("project", &ids(Some(ProjectStatus::NotStarted))),
        measures: measures
            .into_iter()
            .map(|(mut t, ids)| {
                // Sums of decimals as people write them (0.1 + 0.2 is 0.3).
                t.total.n = (t.total.n * 1e6).round() / 1e6 + 0.0;
                t.total.cite = Figure::of("project", &ids).cite;
                t
            })
            .collect(),
    }
}

/// The projects of a subtree at `day`, leaving out those finished before
/// `start`: counts by status, by category (in the order categories first
/// appear; projects without one last), and their measures.
pub(super) fn project_figures(projects: &[Project], start: NaiveDate, day: NaiveDate) -> ProjectFigures {
    let before = start.pred_opt().unwrap_or(start);
    let kept: Vec<&Project> = projects.iter().filter(|p| p.status_at(before) != ProjectStatus::Done).collect();
    let mut categories: Vec<&str> = Vec::new();
    for p in &kept {
        if !p.category.is_empty() && !categories.contains(&p.category.as_str()) {
            categories.push(&p.category);
        }
    }
    if kept.iter().any(|p| p.category.is_empty()) {
        categories.push("");
    }
    ProjectFigures {
        counts: project_counts(&kept, day),
        by_category: categories
            .into_iter()
            .map(|c| {
                let of: Vec<&Project> = kept.iter().copied().filter(|p| p.category == c).collect();
                ProjectCategory { category: c.to_owned(), counts: project_counts(&of, day) }
            })
            .collect(),
    }
}

/// Key persons as people: each person once, citing one stay (the latest).
fn people_figure(stays: &[&KeyPerson]) -> Figure {
    let mut ids: Vec<Id> = Vec::new();
    let mut seen: Vec<Id> = Vec::new();
    for k in stays {
        if !seen.contains(&k.person_id) {
            seen.push(k.person_id);
            ids.push(k.id);
        }
    }
    ids.sort_unstable();
    Figure::of("key_person", &ids)
}

impl Services {
    /// Key persons of the subtree of `root`: found in `start..=day`, and
    /// in a group on `day`, in total and per key group.
    pub(super) async fn key_person_figures(
        &self,
        root: &Org,
        start: NaiveDate,
        day: NaiveDate,
    ) -> Result<KeyPersonFigures> {
        let stays = self.store.key_persons(&root.path, None).await?;
        let found: Vec<&KeyPerson> = stays.iter().filter(|k| k.entered_on >= start && k.entered_on <= day).collect();
        let active: Vec<&KeyPerson> = stays.iter().filter(|k| k.active_on(day)).collect();
        let mut out =
            KeyPersonFigures { total: people_figure(&found), active: people_figure(&active), groups: Vec::new() };
        for g in self.store.key_groups().await? {
            let of = |list: &[&KeyPerson]| {
                people_figure(&list.iter().copied().filter(|k| k.key_group_id == g.id).collect::<Vec<_>>())
            };
            let (count, active) = (of(&found), of(&active));
            if count.n > 0 || active.n > 0 {
                out.groups.push(KeyGroupCount { key_group_id: g.id, name: g.name, count, active });
            }
        }
        Ok(out)
    }

    /// Screening campaigns over the grids of `tree` running at any time in
    /// `start..=day`, each with its coverage in those grids.
    pub(super) async fn screening_figures(
        &self,
        tree: &[Org],
        start: NaiveDate,
        day: NaiveDate,
    ) -> Result<Vec<ScreeningFigures>> {
        let Some(root) = tree.first() else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for s in self.store.screenings_covering(&root.path).await? {
            if s.starts_on > day || s.ends_on < start {
                continue;
            }
            let cite = Figure::of("screening", &[s.id]).cite;
            let mut f = ScreeningFigures {
                id: s.id,
                name: s.name,
                starts_on: s.starts_on,
                ends_on: s.ends_on,
                open: s.ends_on >= day,
                ..Default::default()
            };
            for g in self.store.coverage(s.id).await? {
                if tree.iter().any(|o| o.id == g.grid_id) {
                    f.households += g.households;
                    f.visited.n += g.visited;
                    f.persons += g.residents;
                    f.with_status.n += g.with_status;
                }
            }
            f.visited.cite = cite.clone();
            f.with_status.cite = cite;
            f.household_percent = percent_text(crate::grid::percent(f.visited.n, f.households));
            f.person_percent = percent_text(crate::grid::percent(f.with_status.n, f.persons));
            out.push(f);
        }
        out.sort_by_key(|f| (f.starts_on, f.id));
        Ok(out)
    }

    /// The open leading groups and volunteer teams of `tree` with their
    /// members on `day`, by role.
    pub(super) async fn team_figures(&self, tree: &[Org], day: NaiveDate) -> Result<Vec<TeamFigures>> {
        let mut out = Vec::new();
        for o in tree.iter().filter(|o| matches!(o.kind, OrgKind::LeadingGroup | OrgKind::VolunteerTeam)) {
            if o.is_closed() {
                continue;
            }
            let mut members = self.store.memberships_of_org(o.id).await?;
            members.retain(|m| m.started_on.is_none_or(|d| d <= day) && m.ended_on.is_none_or(|d| d > day));
            members.sort_by_key(|m| m.id);
            let mut team = TeamFigures {
                id: o.id,
                name: o.name.clone(),
                kind: o.kind.as_str().to_owned(),
                kind_label: o.kind.label().to_owned(),
                purpose: o.purpose.clone(),
                ..Default::default()
            };
            let mut roles: Vec<(String, Vec<Id>)> = Vec::new();
            let (mut people, mut cited): (Vec<Id>, Vec<Id>) = (Vec::new(), Vec::new());
            for m in &members {
                let role = m.role.trim();
                match roles.iter_mut().find(|(r, _)| r == role) {
                    Some((_, ids)) => ids.push(m.id),
                    None => roles.push((role.to_owned(), vec![m.id])),
                }
                if !people.contains(&m.person_id) {
                    people.push(m.person_id);
                    cited.push(m.id);
                }
            }
            team.roles = roles
                .into_iter()
                .map(|(role, ids)| RoleCount { role, count: Figure::of("membership", &ids) })
                .collect();
            team.total = Figure::of("membership", &cited);
            out.push(team);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{Measure, ProgressUpdate};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2021, m, d).unwrap()
    }

    fn project(id: Id, category: &str, started: Option<NaiveDate>, percent: &[(NaiveDate, u8)]) -> Project {
        Project {
            id,
            org_id: 1,
            name: format!("项目{id}"),
            category: category.into(),
            description: String::new(),
            started_on: started,
            measures: Vec::new(),
            milestones: Vec::new(),
            updates: percent
                .iter()
                .map(|(date, percent)| ProgressUpdate {
                    id: 0,
                    date: *date,
                    percent: *percent,
                    note: String::new(),
                    reason: String::new(),
                    photo_id: None,
                    created_by: String::new(),
                    created_at: Default::default(),
                })
                .collect(),
        }
    }

    fn measure(name: &str, value: f64, unit: &str) -> Measure {
        Measure { name: name.into(), value, unit: unit.into() }
    }

    #[test]
    fn projects_are_counted_by_status_and_category_with_their_measures() {
        let mut a = project(1, "基础设施", Some(day(3, 1)), &[(day(5, 1), 100)]);
        a.measures = vec![measure("面积", 5200.0, "平方米"), measure("金额", 0.1, "万元")];
        let mut b = project(2, "基础设施", Some(day(6, 1)), &[]);
        b.measures = vec![measure("面积", 800.0, "平方米"), measure("金额", 0.2, "万元"), measure("面积", 1.0, "亩")];
        let c = project(3, "民生工程", None, &[(day(4, 1), 30)]);
        let d = project(4, "", None, &[]);
        // Finished before the period: not a project of the period.
        let old = project(5, "民生工程", Some(day(1, 1)), &[(day(1, 20), 100)]);
        let f = project_figures(&[a, b, c, d, old], day(2, 1), day(7, 31));
        assert_eq!(f.counts.total.cite, "project:1,2,3,4");
        assert_eq!((f.counts.done.n, f.counts.in_progress.n, f.counts.not_started.n), (1, 2, 1));
        let names: Vec<&str> = f.by_category.iter().map(|c| c.category.as_str()).collect();
        assert_eq!(names, ["基础设施", "民生工程", ""]);
        let infra = &f.by_category[0].counts;
        assert_eq!((infra.done.cite.as_str(), infra.in_progress.cite.as_str()), ("project:1", "project:2"));
        let m: Vec<(&str, &str, f64, &str)> =
            infra.measures.iter().map(|m| (&*m.name, &*m.unit, m.total.n, &*m.total.cite)).collect();
        assert_eq!(
            m,
            [
                ("面积", "平方米", 6000.0, "project:1,2"),
                ("金额", "万元", 0.3, "project:1,2"),
                ("面积", "亩", 1.0, "project:2")
            ]
        );
        // Before its start day and without progress, a project has not started.
        let f = project_figures(&[project(2, "x", Some(day(6, 1)), &[])], day(1, 1), day(5, 31));
        assert_eq!(f.counts.not_started.n, 1);
    }
}
