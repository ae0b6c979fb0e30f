//! The ideology work responsibility system (意识形态工作责任制): who answers
//! for each org (first-responsible, 第一责任人), which work areas each leader
//! takes on beside their post (一岗双责), and the pledges (责任状) signed each
//! year, one level answering to the next (一级抓一级).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::model::{Id, Org, OrgKind};

/// A person's post in an org, with the work areas assigned beside it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duty {
    pub id: Id,
    pub org_id: Id,
    pub person_id: Id,
    pub person_name: String,
    /// 党委书记, 分管领导, 支部书记 ...
    pub post: String,
    /// This person answers first for the org's ideology work.
    pub first_responsible: bool,
    /// Work areas assigned beside the post (一岗双责), by id.
    pub area_ids: Vec<Id>,
}

/// A signed responsibility statement for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pledge {
    pub id: Id,
    pub org_id: Id,
    pub year: i32,
    /// Who took on the duties (a person of the org).
    pub signer_id: Id,
    pub signer_name: String,
    /// With whom it was signed: the level above (县委, 矿区党委书记 ...).
    pub counterpart: String,
    pub signed_on: NaiveDate,
    /// The duties listed, one per line.
    pub duties: String,
    /// The signed scan, stored as an attachment.
    pub scan_id: Option<Id>,
    pub created_at: DateTime<Utc>,
}

/// Orgs that must have a first-responsible person and a pledge each year:
/// the party organisations and the management centre. Communities, grids,
/// teams and leading groups answer through them.
pub fn needs_responsibility(kind: OrgKind) -> bool {
    matches!(kind, OrgKind::PartyCommittee | OrgKind::AdminCentre | OrgKind::PartyBranch)
}

/// One org in the chain from the committee down, with what it lacks.
#[derive(Debug, Clone, Serialize)]
pub struct ChainLink {
    pub org: Org,
    /// Depth below the chain's root (0 for the root).
    pub depth: usize,
    pub first_responsible: Option<Duty>,
    /// Other leaders with their assigned areas.
    pub others: Vec<Duty>,
    pub pledges: Vec<Pledge>,
    /// 缺少第一责任人 / 本年度未签订责任状, when the org must have them.
    pub gaps: Vec<String>,
}

/// The gaps of one org for a year.
pub fn gaps(org: &Org, first_responsible: Option<&Duty>, pledges: &[Pledge], year: i32) -> Vec<String> {
    if !needs_responsibility(org.kind) || org.closed_at.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    if first_responsible.is_none() {
        out.push("未明确第一责任人".to_owned());
    }
    if !pledges.iter().any(|p| p.year == year) {
        out.push(format!("{year}年度未签订责任状"));
    }
    out
}
