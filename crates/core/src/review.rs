//! Problems and plans (存在问题, 下一步打算) of an org for a period: items
//! written by staff, and suggestions computed from the ledgers that staff
//! accept (as they are or edited) or drop.

use serde::Serialize;

use crate::model::Id;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// 存在问题
    Problem,
    /// 下一步打算
    Plan,
}

impl Section {
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Problem => "problem",
            Section::Plan => "plan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Section::Problem => "存在问题",
            Section::Plan => "下一步打算",
        }
    }

    pub fn parse(s: &str) -> Option<Section> {
        [Section::Problem, Section::Plan].into_iter().find(|k| k.as_str() == s || k.label() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    pub id: Id,
    pub org_id: Id,
    /// The period's code: "2020H1", "2020", "2020-07" ...
    pub period: String,
    pub section: Section,
    pub position: i64,
    pub text: String,
    /// The suggestion it was accepted from; empty for items staff wrote.
    pub source: String,
}

/// An item the ledgers suggest; `key` names what it came from
/// ("target:12", "rectifications", "unreported") and is unique per org and period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub key: String,
    pub section: Section,
    pub text: String,
}
