//! Projects (工程项目) such as 三供一业: milestones, and dated progress updates
//! with the share of the whole work done, from which the progress on any day
//! and the progress over time are read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::Id;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Milestone {
    pub id: Id,
    pub name: String,
    /// The day it was finished, if it has been.
    pub done_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProgressUpdate {
    pub id: Id,
    pub date: NaiveDate,
    /// Percent of the whole work done, 0 to 100.
    pub percent: u8,
    pub note: String,
    /// Why the figure went down, when it did (a re-measurement, work redone).
    pub reason: String,
    /// A photo, stored as an attachment.
    pub photo_id: Option<Id>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// A numeric measure of a project's size: 面积 5200 平方米, 泊位 120 个, 金额 350 万元.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measure {
    pub name: String,
    pub value: f64,
    pub unit: String,
}

/// Longest category (项目类别), in characters.
pub const MAX_CATEGORY_CHARS: usize = 20;

/// Where a project stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    /// 完成: its progress reached 100%.
    Done,
    /// 在建: some progress, or its start day has come.
    InProgress,
    /// 未开工
    NotStarted,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 3] = [ProjectStatus::Done, ProjectStatus::InProgress, ProjectStatus::NotStarted];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Done => "done",
            ProjectStatus::InProgress => "in_progress",
            ProjectStatus::NotStarted => "not_started",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProjectStatus::Done => "完成",
            ProjectStatus::InProgress => "在建",
            ProjectStatus::NotStarted => "未开工",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Project {
    pub id: Id,
    pub org_id: Id,
    pub name: String,
    /// 项目类别, the office's own words (基础设施, 民生工程, 人居环境); empty for none.
    pub category: String,
    pub description: String,
    pub started_on: Option<NaiveDate>,
    /// In the order entered.
    pub measures: Vec<Measure>,
    pub milestones: Vec<Milestone>,
    /// Ordered by date, then by entry.
    pub updates: Vec<ProgressUpdate>,
}

impl Project {
    /// The latest figure on or before `day`: 0 before the first update.
    pub fn progress_at(&self, day: NaiveDate) -> u8 {
        self.updates.iter().rev().find(|u| u.date <= day).map_or(0, |u| u.percent)
    }

    /// Done when the progress on `day` is 100%, in progress when there is
    /// some or the start day has come, else not started.
    pub fn status_at(&self, day: NaiveDate) -> ProjectStatus {
        match self.progress_at(day) {
            100.. => ProjectStatus::Done,
            p if p > 0 || self.started_on.is_some_and(|s| s <= day) => ProjectStatus::InProgress,
            _ => ProjectStatus::NotStarted,
        }
    }

    /// Milestones finished on or before `day`.
    pub fn milestones_done(&self, day: NaiveDate) -> Vec<&Milestone> {
        self.milestones.iter().filter(|m| m.done_on.is_some_and(|d| d <= day)).collect()
    }
}

/// Why a new update may not be stored as it is, if it may not: over 100, or
/// lower than the figure before it (or higher than the one after it, for a
/// late entry) without a reason.
pub fn check_update(updates: &[ProgressUpdate], date: NaiveDate, percent: u32, reason: &str) -> Option<String> {
    if percent > 100 {
        return Some("完成进度不能超过100%".to_owned());
    }
    if !reason.trim().is_empty() {
        return None;
    }
    let before = updates.iter().rev().find(|u| u.date <= date);
    if let Some(b) = before.filter(|b| percent < u32::from(b.percent)) {
        return Some(format!("完成进度低于{}的{}%，进度回退时请填写原因", b.date, b.percent));
    }
    let after = updates.iter().find(|u| u.date > date);
    if let Some(a) = after.filter(|a| percent > u32::from(a.percent)) {
        return Some(format!("完成进度高于其后{}的{}%，请核对或填写原因", a.date, a.percent));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, d).unwrap()
    }

    fn update(date: NaiveDate, percent: u8) -> ProgressUpdate {
        ProgressUpdate {
            id: 0,
            date,
            percent,
            note: String::new(),
            reason: String::new(),
            photo_id: None,
            created_by: String::new(),
            created_at: Default::default(),
        }
    }

    #[test]
    fn progress_on_a_day_is_the_latest_figure() {
        let p = Project {
            id: 1,
            org_id: 1,
            name: "三供一业".into(),
            category: String::new(),
            description: String::new(),
            started_on: None,
            measures: Vec::new(),
            milestones: Vec::new(),
            updates: vec![update(day(2, 1), 20), update(day(4, 1), 45), update(day(6, 20), 70)],
        };
        assert_eq!(p.progress_at(day(1, 1)), 0);
        assert_eq!(p.progress_at(day(4, 1)), 45);
        assert_eq!(p.progress_at(day(5, 31)), 45);
        assert_eq!(p.progress_at(day(6, 30)), 70);
    }

    #[test]
    fn a_project_is_done_in_progress_or_not_started() {
        let mut p = Project {
            id: 1,
            org_id: 1,
            name: "停车场".into(),
            category: "基础设施".into(),
            description: String::new(),
            started_on: Some(day(3, 1)),
            measures: Vec::new(),
            milestones: Vec::new(),
            updates: vec![update(day(5, 1), 40), update(day(6, 1), 100)],
        };
        assert_eq!(p.status_at(day(2, 28)), ProjectStatus::NotStarted);
        assert_eq!(p.status_at(day(3, 1)), ProjectStatus::InProgress, "started, no progress yet");
        assert_eq!(p.status_at(day(5, 31)), ProjectStatus::InProgress);
        assert_eq!(p.status_at(day(6, 1)), ProjectStatus::Done);
        // Progress recorded without a start day still means work has begun.
        p.started_on = None;
        assert_eq!(p.status_at(day(4, 30)), ProjectStatus::NotStarted);
        assert_eq!(p.status_at(day(5, 1)), ProjectStatus::InProgress);
        assert_eq!(ProjectStatus::ALL.map(ProjectStatus::label), ["完成", "在建", "未开工"]);
    }

    #[test]
    fn progress_goes_forward_unless_a_reason_is_given() {
        let updates = vec![update(day(2, 1), 20), update(day(4, 1), 45)];
        assert!(check_update(&updates, day(5, 1), 101, "").unwrap().contains("不能超过100%"));
        assert!(check_update(&updates, day(5, 1), 101, "原因").is_some());
        assert!(check_update(&updates, day(5, 1), 40, "").unwrap().contains("请填写原因"));
        assert_eq!(check_update(&updates, day(5, 1), 40, "重新测量"), None);
        assert_eq!(check_update(&updates, day(5, 1), 45, ""), None);
        // A late entry must fit between its neighbours.
        assert!(check_update(&updates, day(3, 1), 50, "").is_some());
        assert_eq!(check_update(&updates, day(3, 1), 30, ""), None);
    }
}
