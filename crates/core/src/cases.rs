//! Matters handled over time: ideology work problems found (意识形态问题),
//! petitions (信访) and disputes (矛盾纠纷). Each is received, handled in
//! dated steps by someone, given a deadline, and closed with an outcome.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    IdeologyProblem,
    Petition,
    Dispute,
}

impl CaseKind {
    pub const ALL: [CaseKind; 3] = [CaseKind::IdeologyProblem, CaseKind::Petition, CaseKind::Dispute];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::IdeologyProblem => "ideology_problem",
            CaseKind::Petition => "petition",
            CaseKind::Dispute => "dispute",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseKind::IdeologyProblem => "意识形态问题",
            CaseKind::Petition => "信访",
            CaseKind::Dispute => "矛盾纠纷",
        }
    }

    pub fn parse(s: &str) -> Option<CaseKind> {
        CaseKind::ALL.into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

/// How a closed matter ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Resolved,
    Mediated,
    Referred,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Resolved, Outcome::Mediated, Outcome::Referred];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Resolved => "resolved",
            Outcome::Mediated => "mediated",
            Outcome::Referred => "referred",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Resolved => "已解决",
            Outcome::Mediated => "调解成功",
            Outcome::Referred => "已移交",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s || o.label() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseStep {
    pub id: Id,
    pub date: NaiveDate,
    pub text: String,
    pub by: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    pub id: Id,
    pub org_id: Id,
    pub kind: CaseKind,
    /// Received (petitions, disputes) or found (problems).
    pub received_on: NaiveDate,
    /// The parties, or for a problem where it was found.
    pub parties: String,
    pub matter: String,
    /// Who reported or found it.
    pub reported_by: String,
    pub handler: String,
    pub deadline: Option<NaiveDate>,
    pub outcome: Option<Outcome>,
    pub resolution: String,
    pub closed_on: Option<NaiveDate>,
    pub steps: Vec<CaseStep>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Overdue,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Overdue => "overdue",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CaseStatus::Open => "办理中",
            CaseStatus::Overdue => "已超期",
            CaseStatus::Closed => "已办结",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        [CaseStatus::Open, CaseStatus::Overdue, CaseStatus::Closed].into_iter().find(|k| k.as_str() == s)
    }
}

impl Case {
    /// The state on a day: closed once its closing day has come, overdue when
    /// the deadline has passed before that.
    pub fn status(&self, as_of: NaiveDate) -> CaseStatus {
        match (self.closed_on, self.deadline) {
            (Some(closed), _) if closed <= as_of => CaseStatus::Closed,
            (_, Some(deadline)) if deadline < as_of => CaseStatus::Overdue,
            _ => CaseStatus::Open,
        }
    }
}

/// Counts for a period: received in it, closed in it, and the state of all
/// received up to its end, as of its end.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseCounts {
    pub received: u32,
    pub closed: u32,
    pub open: u32,
    pub overdue: u32,
    /// (outcome, count) of those closed in the period.
    pub by_outcome: Vec<(Outcome, u32)>,
}

pub fn count(cases: &[Case], start: NaiveDate, end: NaiveDate) -> CaseCounts {
    let mut c = CaseCounts::default();
    for case in cases.iter().filter(|case| case.received_on <= end) {
        if case.received_on >= start {
            c.received += 1;
        }
        match case.status(end) {
            CaseStatus::Closed => {
                if case.closed_on.is_some_and(|d| d >= start) {
                    c.closed += 1;
                    if let Some(outcome) = case.outcome {
                        match c.by_outcome.iter_mut().find(|(o, _)| *o == outcome) {
                            Some(entry) => entry.1 += 1,
                            None => c.by_outcome.push((outcome, 1)),
                        }
                    }
                }
            }
            CaseStatus::Open => c.open += 1,
            CaseStatus::Overdue => c.overdue += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2020, m, d).unwrap()
    }

    fn case(received: NaiveDate, deadline: Option<NaiveDate>, closed: Option<NaiveDate>) -> Case {
        Case {
            id: 1,
            org_id: 1,
            kind: CaseKind::Petition,
            received_on: received,
            parties: String::new(),
            matter: "m".into(),
            reported_by: String::new(),
            handler: String::new(),
            deadline,
            outcome: closed.map(|_| Outcome::Mediated),
            resolution: String::new(),
            closed_on: closed,
            steps: Vec::new(),
            created_at: Default::default(),
            updated_at: Default::default(),
        }
    }

    #[test]
    fn status_depends_on_the_day() {
        let c = case(day(3, 1), Some(day(3, 15)), Some(day(4, 1)));
        assert_eq!(c.status(day(3, 10)), CaseStatus::Open);
        assert_eq!(c.status(day(3, 20)), CaseStatus::Overdue);
        assert_eq!(c.status(day(4, 1)), CaseStatus::Closed);
    }

    #[test]
    fn counts_of_a_period() {
        let all = [
            case(day(1, 5), Some(day(1, 20)), Some(day(1, 10))),
            case(day(2, 5), Some(day(2, 20)), Some(day(8, 1))),
            case(day(6, 5), None, None),
            case(day(9, 5), None, None),
        ];
        let c = count(&all, day(1, 1), day(6, 30));
        assert_eq!((c.received, c.closed, c.open, c.overdue), (3, 1, 1, 1));
        assert_eq!(c.by_outcome, vec![(Outcome::Mediated, 1)]);
    }
}
