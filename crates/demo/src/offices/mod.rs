//! Two demo offices beside the district, of other kinds, with a year (2020)
//! of records each: a township's civilisation practice station
//! (新时代文明实践所) with three practice points and a volunteer team, and a
//! village committee (村) with its villager groups, roster, projects,
//! matters and key persons. Every person is synthetic.
//!
//! The offices are data ([`Office`]): the loader enters them through the
//! services, as the office's own administrator would, and the web tests
//! build the same offices through the HTTP API and check the summary's facts.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::Lcg;
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::error::{Error, Result};
use taizhang_core::ledger::VOLUNTEER_KIND;
use taizhang_core::model::{Id, Org, Role};
use taizhang_core::service::{
    ActivityInput, CaseInput, HouseholdInput, IndicatorInput, IndicatorValueInput, KeyPersonInput, LeaveInput,
    MeasureInput, MilestoneInput, OrgInput, ParticipantInput, PersonInput, ProgressInput, ProjectInput, ResidentInput,
    ScreeningInput, VisitInput,
};

/// The year of the offices' records (the demo's year).
pub const PERIOD: &str = "2020";

/// A person of an office: its home org ("" for the office itself) and the
/// roles it holds (org, role), from the start of the year.
pub struct Member {
    pub name: &'static str,
    pub org: &'static str,
    pub roles: &'static [(&'static str, &'static str)],
}

/// One activity (台账记录). `org`, `area` and `campaign` are names ("" for
/// the office itself, none, none); `kind` a built-in code or the office's
/// own kind. The first `volunteers` members holding a role in `org` (in
/// the office's order) take part, each serving `hours`; `others` are
/// counted without names. A volunteer activity is reported to the platform
/// on its day by the first of them.
pub struct Record {
    pub date: &'static str,
    pub org: &'static str,
    pub kind: &'static str,
    pub area: &'static str,
    pub campaign: &'static str,
    pub title: &'static str,
    pub place: &'static str,
    pub volunteers: usize,
    pub hours: f64,
    pub others: u32,
    pub channels: &'static [&'static str],
    pub banners: u32,
    pub boards: u32,
    pub posts: u32,
    pub reached: u32,
}

const R: Record = Record {
    date: "",
    org: "",
    kind: "",
    area: "",
    campaign: "",
    title: "",
    place: "",
    volunteers: 0,
    hours: 0.0,
    others: 0,
    channels: &[],
    banners: 0,
    boards: 0,
    posts: 0,
    reached: 0,
};

/// An indicator (统计指标) of the office and its value for the year.
pub struct IndicatorPlan {
    pub name: &'static str,
    pub unit: &'static str,
    pub decimals: i64,
    pub value: &'static str,
    pub target: &'static str,
    pub last_year: &'static str,
    pub note: &'static str,
}

/// A project of the office: measures (name, value, unit), milestones
/// (name, done on), dated progress (date, percent, note).
pub struct ProjectPlan {
    pub name: &'static str,
    pub category: &'static str,
    pub description: &'static str,
    pub started_on: &'static str,
    pub measures: &'static [(&'static str, &'static str, &'static str)],
    pub milestones: &'static [(&'static str, &'static str)],
    pub progress: &'static [(&'static str, u8, &'static str)],
}

/// A petition or dispute of the office (kind `petition` or `dispute`).
pub struct CasePlan {
    pub kind: &'static str,
    pub received_on: &'static str,
    pub parties: &'static str,
    pub matter: &'static str,
    pub handler: &'static str,
    pub deadline: &'static str,
    pub outcome: &'static str,
    pub resolution: &'static str,
    pub closed_on: &'static str,
}

/// A household of a grid with its members (name, relation, gender, birth
/// date), and its visit in the office's screening: (day, visitor, result,
/// members away).
pub struct HouseholdPlan {
    pub grid: &'static str,
    pub address: &'static str,
    pub members: &'static [(&'static str, &'static str, &'static str, &'static str)],
    pub visit: (&'static str, &'static str, &'static str, &'static [&'static str]),
}

/// A resident entering a key group, and leaving it (day, reason) if they did.
pub struct KeyPersonPlan {
    pub group: &'static str,
    pub name: &'static str,
    pub entered_on: &'static str,
    pub reason: &'static str,
    pub left: Option<(&'static str, &'static str)>,
}

/// An office and its year of records.
pub struct Office {
    pub name: &'static str,
    pub kind: &'static str,
    /// Its administrator's account: (username, display name, may see personal data).
    pub admin: (&'static str, &'static str, bool),
    /// Orgs below it: (parent, "" for the office; kind; name), parents first.
    pub orgs: &'static [(&'static str, &'static str, &'static str)],
    /// Areas of its own beside those its kind usually keeps: (parent area, name).
    pub areas: &'static [(&'static str, &'static str)],
    /// Activity kinds of its own.
    pub kinds: &'static [&'static str],
    pub campaigns: &'static [&'static str],
    pub members: &'static [Member],
    pub records: &'static [Record],
    pub indicators: &'static [IndicatorPlan],
    pub projects: &'static [ProjectPlan],
    pub cases: &'static [CasePlan],
    pub households: &'static [HouseholdPlan],
    /// The screening that visited every household: (name, starts on, ends on).
    pub screening: Option<(&'static str, &'static str, &'static str)>,
    pub key_groups: &'static [&'static str],
    pub key_persons: &'static [KeyPersonPlan],
    /// 存在问题 and 下一步打算 of the year.
    pub problems: &'static [&'static str],
    pub plans: &'static [&'static str],
}

mod station;
mod village;

pub use station::{STATION, STATION_NAME};
pub use village::{VILLAGE, VILLAGE_NAME};

/// The demo's offices beside the district.
pub const OFFICES: &[&Office] = &[&STATION, &VILLAGE];

/// Loads each office under `parent` (the county); returns (orgs, people) added.
pub async fn load(services: &Services, actor: &Actor, parent: Id) -> Result<(usize, usize)> {
    let mut rng = Lcg(2021);
    let (mut orgs, mut people) = (0, 0);
    for office in OFFICES {
        let (o, p) = load_office(services, actor, parent, office, &mut rng).await?;
        orgs += o;
        people += p;
    }
    Ok((orgs, people))
}

async fn load_office(
    services: &Services,
    system: &Actor,
    parent: Id,
    office: &Office,
    rng: &mut Lcg,
) -> Result<(usize, usize)> {
    let root = services
        .org_create(
            system,
            OrgInput {
                parent_id: Some(parent),
                kind: office.kind.to_owned(),
                name: office.name.to_owned(),
                purpose: String::new(),
            },
        )
        .await?;
    // Everything below is entered as the office's own administrator would.
    let actor = Actor { role: Role::OrgAdmin, org_id: Some(root.id), scope_path: root.path.clone(), ..system.clone() };
    let actor = &actor;
    let mut orgs: HashMap<&str, Org> = HashMap::from([("", root.clone())]);
    for (up, kind, name) in office.orgs {
        let input = OrgInput {
            parent_id: orgs.get(up).map(|o| o.id),
            kind: (*kind).to_owned(),
            name: (*name).to_owned(),
            purpose: String::new(),
        };
        let org = services.org_create(actor, input).await?;
        orgs.insert(*name, org);
    }
    let org_id = |name: &str| orgs.get(name).map(|o| o.id).ok_or(Error::NotFound);

    // Areas, kinds and campaigns of its own.
    let mut areas: HashMap<String, Id> =
        services.work_areas_adopt(actor, Some(root.id)).await?.into_iter().map(|a| (a.name, a.id)).collect();
    for (up, name) in office.areas {
        let area = services.work_area_create(actor, Some(root.id), areas.get(*up).copied(), name).await?;
        areas.insert(area.name, area.id);
    }
    for kind in office.kinds {
        services.kind_create(actor, kind).await?;
    }
    let mut campaigns = HashMap::new();
    for name in office.campaigns {
        campaigns.insert(*name, services.campaign_create(actor, Some(root.id), name).await?.id);
    }

    // Its people and their roles.
    let mut people: HashMap<&str, Id> = HashMap::new();
    let mut members: Vec<(&str, Id)> = Vec::new();
    for m in office.members {
        let input = PersonInput {
            org_id: Some(org_id(m.org)?),
            name: m.name.to_owned(),
            mobile: crate::synthetic_mobile(rng),
            ..Default::default()
        };
        let person = services.person_create(actor, &input).await?;
        people.insert(m.name, person.id);
        for (org, role) in m.roles {
            services.membership_create(actor, Some(person.id), Some(org_id(org)?), role, "2020-01-01", "").await?;
            members.push((*org, person.id));
        }
    }

    // The year's activities.
    for r in office.records {
        let takers: Vec<Id> =
            members.iter().filter(|(org, _)| *org == r.org).map(|(_, id)| *id).take(r.volunteers).collect();
        let reporter = office.members.iter().find(|m| takers.first() == people.get(m.name)).map(|m| m.name);
        let reported = r.kind == VOLUNTEER_KIND && reporter.is_some();
        let input = ActivityInput {
            org_id: Some(org_id(r.org)?),
            kind: r.kind.to_owned(),
            work_area_id: match r.area {
                "" => None,
                name => Some(areas.get(name).copied().ok_or(Error::NotFound)?),
            },
            title: r.title.to_owned(),
            place: r.place.to_owned(),
            date: r.date.to_owned(),
            participants: takers
                .iter()
                .map(|id| ParticipantInput { person_id: Some(*id), hours: Some(r.hours), ..Default::default() })
                .collect(),
            others_count: r.others,
            campaign_id: match r.campaign {
                "" => None,
                name => Some(campaigns.get(name).copied().ok_or(Error::NotFound)?),
            },
            channels: r.channels.iter().map(|c| (*c).to_owned()).collect(),
            banners: r.banners,
            boards: r.boards,
            posts: r.posts,
            reached: r.reached,
            reported_on: if reported { r.date.to_owned() } else { String::new() },
            reported_by: if reported { reporter.unwrap_or_default().to_owned() } else { String::new() },
            ..Default::default()
        };
        services.activity_create(actor, &input).await?;
    }

    // Indicators and their values for the year.
    let mut rows = Vec::new();
    for (n, i) in office.indicators.iter().enumerate() {
        let input = IndicatorInput {
            org_id: Some(root.id),
            name: i.name.to_owned(),
            unit: i.unit.to_owned(),
            decimals: Some(i.decimals),
            sort: Some(n as i64),
            ..Default::default()
        };
        let def = services.indicator_define(actor, &input).await?;
        rows.push(IndicatorValueInput {
            indicator_id: Some(def.id),
            value: i.value.to_owned(),
            target: i.target.to_owned(),
            last_year: i.last_year.to_owned(),
            note: i.note.to_owned(),
            ..Default::default()
        });
    }
    if !rows.is_empty() {
        services.indicator_values_save(actor, Some(root.id), PERIOD, rows, None).await?;
    }

    // Projects with their progress.
    for p in office.projects {
        let input = ProjectInput {
            org_id: Some(root.id),
            name: p.name.to_owned(),
            category: p.category.to_owned(),
            description: p.description.to_owned(),
            started_on: p.started_on.to_owned(),
            measures: p
                .measures
                .iter()
                .map(|(name, value, unit)| MeasureInput {
                    name: (*name).to_owned(),
                    value: (*value).to_owned(),
                    unit: (*unit).to_owned(),
                })
                .collect(),
            milestones: p
                .milestones
                .iter()
                .map(|(name, done_on)| MilestoneInput {
                    id: None,
                    name: (*name).to_owned(),
                    done_on: (*done_on).to_owned(),
                })
                .collect(),
        };
        let project = services.project_save(actor, None, &input).await?;
        for (date, percent, note) in p.progress {
            let input = ProgressInput {
                date: (*date).to_owned(),
                percent: percent.to_string(),
                note: (*note).to_owned(),
                reason: String::new(),
            };
            services.progress_add(actor, project.id, &input, None).await?;
        }
    }

    // Petitions and disputes.
    for c in office.cases {
        let input = CaseInput {
            org_id: Some(root.id),
            kind: c.kind.to_owned(),
            received_on: c.received_on.to_owned(),
            parties: c.parties.to_owned(),
            matter: c.matter.to_owned(),
            reported_by: String::new(),
            handler: c.handler.to_owned(),
            deadline: c.deadline.to_owned(),
            outcome: c.outcome.to_owned(),
            resolution: c.resolution.to_owned(),
            closed_on: c.closed_on.to_owned(),
        };
        services.case_save(actor, None, &input).await?;
    }

    // The roster, the screening that visited every household, key persons.
    let mut households = Vec::new();
    for h in office.households {
        let household = services
            .household_save(actor, None, &HouseholdInput { grid_id: Some(org_id(h.grid)?), address: h.address.into() })
            .await?;
        for (name, relation, gender, birth) in h.members {
            let born = NaiveDate::parse_from_str(birth, "%Y-%m-%d").map_err(|_| Error::NotFound)?;
            let input = PersonInput {
                org_id: Some(org_id(h.grid)?),
                name: (*name).to_owned(),
                id_number: crate::synthetic_id(rng, born, *gender == "男"),
                ..Default::default()
            };
            let person = services.person_create(actor, &input).await?;
            let input = ResidentInput { household_id: Some(household.id), relation: (*relation).to_owned() };
            services.resident_set(actor, person.id, &input).await?;
            people.insert(*name, person.id);
        }
        households.push((household.id, h));
    }
    if let Some((name, starts_on, ends_on)) = office.screening {
        let grids = office.orgs.iter().filter(|(_, kind, _)| *kind == "grid").map(|(_, _, g)| org_id(g));
        let input = ScreeningInput {
            org_id: Some(root.id),
            name: name.to_owned(),
            starts_on: starts_on.to_owned(),
            ends_on: ends_on.to_owned(),
            grid_ids: grids.collect::<Result<Vec<_>>>()?,
        };
        let screening = services.screening_create(actor, &input).await?;
        for (id, h) in &households {
            let (day, visitor, result, away) = h.visit;
            let statuses = away.iter().filter_map(|n| people.get(n)).map(|p| (*p, "away".to_owned())).collect();
            let input = VisitInput {
                household_id: Some(*id),
                visited_on: day.to_owned(),
                visitor: visitor.to_owned(),
                result: result.to_owned(),
                note: String::new(),
                statuses,
            };
            services.visit_record(actor, screening.id, &input).await?;
        }
    }
    let mut groups = HashMap::new();
    for name in office.key_groups {
        groups.insert(*name, services.key_group_create(actor, Some(root.id), name).await?.id);
    }
    for k in office.key_persons {
        let input = KeyPersonInput {
            key_group_id: groups.get(k.group).copied(),
            person_id: people.get(k.name).copied(),
            entered_on: k.entered_on.to_owned(),
            reason: k.reason.to_owned(),
        };
        let stay = services.key_person_enter(actor, &input).await?;
        if let Some((left_on, reason)) = k.left {
            let input = LeaveInput { left_on: left_on.to_owned(), reason: reason.to_owned() };
            services.key_person_leave(actor, stay.id, &input).await?;
        }
    }

    // What the year left undone, and the plans for the next.
    for (section, items) in [("problem", office.problems), ("plan", office.plans)] {
        for text in items {
            services.review_item_add(actor, Some(root.id), PERIOD, section, text).await?;
        }
    }
    Ok((orgs.len(), people.len()))
}
