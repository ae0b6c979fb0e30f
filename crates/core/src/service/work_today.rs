//! The grid worker's home page (今日工作): follow-ups due and overdue,
//! households left in open campaigns, abnormal readings.

use super::Services;
use super::care::FollowUpLine;
use super::health::HealthCheckView;
use crate::auth::Actor;
use crate::error::Result;
use crate::grid::*;
use chrono::NaiveDate;
use serde::Serialize;

/// A campaign open on a day in the actor's grids, with what is left to visit.
#[derive(Debug, Clone, Serialize)]
pub struct OpenScreening {
    pub screening: Screening,
    pub households: u64,
    pub unvisited: u64,
}

/// The day's work in the actor's scope (a grid worker's home page).
#[derive(Debug, Clone, Serialize)]
pub struct WorkToday {
    pub day: NaiveDate,
    /// Key persons whose follow-up is due on the day, and those overdue.
    pub due_today: Vec<FollowUpLine>,
    pub overdue: Vec<FollowUpLine>,
    /// Campaigns open on the day that cover the actor's grids.
    pub screenings: Vec<OpenScreening>,
    /// Abnormal readings of the day and the day before that the actor sees
    /// unmasked without asking: those its own account entered.
    pub abnormal: Vec<HealthCheckView>,
}

impl Services {
    /// What is left to do on `day` in the actor's scope: follow-ups due and
    /// overdue, households not yet visited in the open campaigns, and the
    /// abnormal readings the actor sees unmasked. Reveals nothing (no audit).
    pub async fn work_today(&self, actor: &Actor, day: NaiveDate) -> Result<WorkToday> {
        let board = self.follow_up_board(actor, None, None, day).await?;
        let (mut due_today, mut overdue) = (Vec::new(), Vec::new());
        for line in board {
            match line.state {
                FollowUpState::DueToday => due_today.push(line),
                FollowUpState::Overdue => overdue.push(line),
                _ => {}
            }
        }
        let mut screenings = Vec::new();
        for s in self.screenings(actor).await? {
            if s.starts_on > day || s.ends_on < day {
                continue;
            }
            let c = self.coverage(actor, s.id).await?;
            if c.grids.is_empty() {
                continue;
            }
            screenings.push(OpenScreening {
                households: c.total.households,
                unvisited: c.total.missed_households(),
                screening: c.screening,
            });
        }
        let yesterday = day.pred_opt().unwrap_or(day);
        let abnormal = self
            .health_checks(actor, None, None, (yesterday, day), false, false)
            .await?
            .into_iter()
            .filter(|v| v.abnormal() == Some(true))
            .collect();
        Ok(WorkToday { day, due_today, overdue, screenings, abnormal })
    }
}
