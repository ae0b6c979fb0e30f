//! Grid work (网格化管理): households and residents, door-to-door screening
//! campaigns with their coverage (不漏户、不漏人). The care of key persons
//! is in [`crate::care`], re-exported here for the grid's callers.

use chrono::NaiveDate;
use serde::Serialize;

use crate::id_number::{Gender, IdNumber};
use crate::mobile::Mobile;
use crate::model::Id;

pub use crate::care::*;

/// A household (户): an address in a grid and the residents living there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Household {
    pub id: Id,
    /// The grid the household belongs to.
    pub org_id: Id,
    pub address: String,
    pub members: Vec<Member>,
}

impl Household {
    /// The head's name (户主), or the first member's when none is marked.
    pub fn head(&self) -> &str {
        self.members.iter().find(|m| m.relation == HEAD).or(self.members.first()).map_or("", |m| m.name.as_str())
    }
}

/// The key that sorts addresses the way they read: runs of digits compare
/// by their value (1栋 before 2栋 before 10栋), other characters as they are
/// (ASCII letters without case, whitespace ignored). Compared byte by byte,
/// as the store compares it: each run of digits becomes its length in two
/// digits followed by the digits without leading zeros, so a shorter number
/// sorts first and two numbers of one length by their digits. Full-width
/// digits count as digits.
pub fn address_key(address: &str) -> String {
    fn flush(run: &mut String, out: &mut String) {
        if run.is_empty() {
            return;
        }
        let digits = run.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        // Runs longer than 99 digits (never an address) keep their order among themselves.
        out.push_str(&format!("{:02}", digits.len().min(99)));
        out.push_str(digits);
        run.clear();
    }
    let mut out = String::with_capacity(address.len() + 8);
    let mut run = String::new();
    for c in address.trim().chars() {
        let digit = match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            _ => None,
        };
        match digit {
            Some(d) => run.push(d),
            None => {
                flush(&mut run, &mut out);
                if !c.is_whitespace() {
                    out.push(c.to_ascii_lowercase());
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out
}

/// A resident as a member of a household.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub person_id: Id,
    pub name: String,
    /// 与户主关系: 户主, 配偶, 子女 ...
    pub relation: String,
}

/// The relation that marks the head of a household.
pub const HEAD: &str = "户主";

/// Relations offered in the template's drop-down list (others are accepted).
pub const RELATIONS: &[&str] = &["户主", "配偶", "子女", "父母", "孙子女", "兄弟姐妹", "其他"];

/// The roster's columns: (key, header, required, other headers offices use).
pub const ROSTER_COLUMNS: &[(&str, &str, bool, &[&str])] = &[
    ("name", "姓名", true, &["名字", "居民姓名"]),
    ("gender", "性别", false, &[]),
    ("id_number", "身份证号", true, &["身份证号码", "公民身份号码", "证件号码", "身份证"]),
    ("birth_date", "出生日期", false, &["出生年月日", "出生年月"]),
    ("mobile", "联系电话", false, &["电话", "手机", "手机号", "手机号码", "联系方式"]),
    ("address", "住址", true, &["家庭住址", "现住址", "地址", "居住地址"]),
    ("head", "户主", false, &["户主姓名"]),
    ("relation", "与户主关系", false, &["关系", "家庭关系"]),
    ("grid", "所属网格", true, &["网格", "网格名称"]),
    ("notes", "备注", false, &[]),
];

/// The header of a roster column.
pub fn roster_header(key: &str) -> &'static str {
    ROSTER_COLUMNS.iter().find(|c| c.0 == key).map_or("", |c| c.1)
}

/// One row of a roster as read from a spreadsheet: text cells by column key.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RosterRow {
    /// 1-based row number in the file.
    pub row: usize,
    pub name: String,
    pub gender: String,
    pub id_number: String,
    pub birth_date: String,
    pub mobile: String,
    pub address: String,
    pub head: String,
    pub relation: String,
    pub grid: String,
    pub notes: String,
}

impl RosterRow {
    /// Builds a row from (column key, text) cells, taking the texts.
    pub fn from_cells(row: usize, cells: Vec<(&str, String)>) -> RosterRow {
        let mut r = RosterRow { row, ..Default::default() };
        for (key, value) in cells {
            let value = if value.trim().len() == value.len() { value } else { value.trim().to_owned() };
            let slot = match key {
                "name" => &mut r.name,
                "gender" => &mut r.gender,
                "id_number" => &mut r.id_number,
                "birth_date" => &mut r.birth_date,
                "mobile" => &mut r.mobile,
                "address" => &mut r.address,
                "head" => &mut r.head,
                "relation" => &mut r.relation,
                "grid" => &mut r.grid,
                "notes" => &mut r.notes,
                _ => continue,
            };
            *slot = value;
        }
        r
    }

    /// The cells in column order (for exports and templates).
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            self.gender.clone(),
            self.id_number.clone(),
            self.birth_date.clone(),
            self.mobile.clone(),
            self.address.clone(),
            self.head.clone(),
            self.relation.clone(),
            self.grid.clone(),
            self.notes.clone(),
        ]
    }
}

/// A checked roster row, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterEntry {
    pub row: usize,
    pub grid_id: Id,
    pub address: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub id_number: IdNumber,
    pub mobile: Option<Mobile>,
    pub relation: String,
    pub notes: String,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RosterOutcome {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub households_added: usize,
}

/// A resident with the household they live in.
#[derive(Debug, Clone, PartialEq)]
pub struct Resident {
    pub person: crate::model::Person,
    pub household_id: Id,
    pub address: String,
    pub grid_id: Id,
    pub relation: String,
}

// --- screening campaigns (排查) ---

/// A campaign of household visits over a set of grids and dates.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screening {
    pub id: Id,
    /// The org that runs it (a community, the management centre ...).
    pub org_id: Id,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub grid_ids: Vec<Id>,
}

/// What a visit found at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitResult {
    AllSeen,
    SomeAway,
    Vacant,
    Refused,
}

impl VisitResult {
    pub const ALL: [VisitResult; 4] =
        [VisitResult::AllSeen, VisitResult::SomeAway, VisitResult::Vacant, VisitResult::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitResult::AllSeen => "all_seen",
            VisitResult::SomeAway => "some_away",
            VisitResult::Vacant => "vacant",
            VisitResult::Refused => "refused",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            VisitResult::AllSeen => "全部见面",
            VisitResult::SomeAway => "部分外出",
            VisitResult::Vacant => "空户",
            VisitResult::Refused => "拒绝配合",
        }
    }

    pub fn parse(s: &str) -> Option<VisitResult> {
        VisitResult::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// A person's status in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonStatus {
    Seen,
    Away,
    MovedOut,
    Unreachable,
}

impl PersonStatus {
    pub const ALL: [PersonStatus; 4] =
        [PersonStatus::Seen, PersonStatus::Away, PersonStatus::MovedOut, PersonStatus::Unreachable];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonStatus::Seen => "seen",
            PersonStatus::Away => "away",
            PersonStatus::MovedOut => "moved_out",
            PersonStatus::Unreachable => "unreachable",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PersonStatus::Seen => "在家已见",
            PersonStatus::Away => "外出",
            PersonStatus::MovedOut => "已迁出",
            PersonStatus::Unreachable => "未联系上",
        }
    }

    pub fn parse(s: &str) -> Option<PersonStatus> {
        PersonStatus::ALL.into_iter().find(|r| r.as_str() == s || r.label() == s)
    }
}

/// One household visit with the status of each member it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Visit {
    pub id: Id,
    pub screening_id: Id,
    pub household_id: Id,
    pub grid_id: Id,
    pub visited_on: NaiveDate,
    pub visitor: String,
    pub result: VisitResult,
    pub note: String,
    pub statuses: Vec<(Id, PersonStatus)>,
}

/// A household of a campaign's grids with its latest visit in the campaign.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningHousehold {
    pub household: Household,
    /// The day of the latest visit; none when not yet visited.
    pub visited_on: Option<NaiveDate>,
}

/// A campaign's coverage in one grid.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GridCoverage {
    pub grid_id: Id,
    pub grid_name: String,
    pub households: u64,
    pub visited: u64,
    pub residents: u64,
    pub with_status: u64,
}

impl GridCoverage {
    /// Households not yet visited (漏户).
    pub fn missed_households(&self) -> u64 {
        self.households.saturating_sub(self.visited)
    }

    /// Residents without a status (漏人).
    pub fn missed_persons(&self) -> u64 {
        self.residents.saturating_sub(self.with_status)
    }

    pub fn household_percent(&self) -> f64 {
        percent(self.visited, self.households)
    }

    pub fn person_percent(&self) -> f64 {
        percent(self.with_status, self.residents)
    }

    /// Adds another grid's figures (for totals).
    pub fn add(&mut self, other: &GridCoverage) {
        self.households += other.households;
        self.visited += other.visited;
        self.residents += other.residents;
        self.with_status += other.with_status;
    }
}

/// `part` of `whole` in percent with one decimal; 100 when there is nothing to cover.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 100.0 } else { (part as f64 * 1000.0 / whole as f64).floor() / 10.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn plan(every: u32, ends: Option<&str>) -> CarePlan {
        CarePlan {
            id: 1,
            person_id: 1,
            person_name: "韦丽".into(),
            org_id: 1,
            cadre_id: 2,
            cadre_name: "谢美玲".into(),
            measures: "居家观察".into(),
            every_days: every,
            starts_on: d("2020-02-01"),
            ends_on: ends.map(d),
        }
    }

    #[test]
    fn follow_ups_are_scheduled_from_the_last_one_done() {
        let p = plan(3, Some("2020-02-14"));
        assert_eq!(p.next_due(None), Some(d("2020-02-01")));
        assert_eq!(p.next_due(Some(d("2020-02-02"))), Some(d("2020-02-05")));
        // A follow-up before the plan began does not count.
        assert_eq!(p.next_due(Some(d("2020-01-20"))), Some(d("2020-02-01")));
        assert_eq!(p.next_due(Some(d("2020-02-13"))), None);
        assert_eq!(follow_up_state(&p, Some(d("2020-02-02")), d("2020-02-05")).0, FollowUpState::DueToday);
        assert_eq!(follow_up_state(&p, Some(d("2020-02-02")), d("2020-02-07")).0, FollowUpState::Overdue);
        assert_eq!(follow_up_state(&p, Some(d("2020-02-02")), d("2020-02-03")).0, FollowUpState::Scheduled);
        assert_eq!(follow_up_state(&p, Some(d("2020-02-13")), d("2020-03-01")).0, FollowUpState::Finished);
        // Zero days would never move on; it counts as one.
        assert_eq!(plan(0, None).next_due(Some(d("2020-02-01"))), Some(d("2020-02-02")));
    }

    #[test]
    fn small_health_counts_are_hidden() {
        let shown: Vec<String> = (0..5).map(|n| HealthCount::Exact(n).hide_small().to_string()).collect();
        assert_eq!(shown, ["0", "<3", "<3", "3", "4"]);
        assert_eq!(serde_json::to_value(HealthCount::Few).unwrap(), serde_json::json!("<3"));
        assert_eq!(serde_json::to_value(HealthCount::Exact(2)).unwrap(), serde_json::json!(2));
        let mut total = ReportLine::default();
        let line =
            ReportLine { checks: HealthCount::Exact(2), abnormal_checks: HealthCount::Exact(1), ..Default::default() };
        total.add(&line);
        total.add(&line);
        total.hide_small_health_counts();
        assert_eq!((total.checks, total.abnormal_checks), (HealthCount::Exact(4), HealthCount::Few));
    }

    #[test]
    fn readings_and_coverage() {
        let mut c = HealthCheck {
            id: 1,
            person_id: 1,
            person_name: String::new(),
            org_id: 1,
            checked_at: d("2020-02-01").and_hms_opt(8, 0, 0).unwrap(),
            temperature: 36.5,
            symptoms: String::new(),
            by: String::new(),
            recorded_by: None,
        };
        assert!(!c.abnormal());
        c.temperature = 37.3;
        assert!(c.abnormal());
        c.temperature = 36.6;
        c.symptoms = "咳嗽".into();
        assert!(c.abnormal());
        let g = GridCoverage { households: 3, visited: 2, residents: 7, with_status: 7, ..Default::default() };
        assert_eq!((g.missed_households(), g.missed_persons()), (1, 0));
        assert_eq!(g.household_percent(), 66.6);
        assert_eq!(g.person_percent(), 100.0);
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(FollowUpState::parse("overdue"), Some(FollowUpState::Overdue));
        assert_eq!(VisitResult::parse("空户"), Some(VisitResult::Vacant));
        assert_eq!(PersonStatus::parse("away"), Some(PersonStatus::Away));
    }

    #[test]
    fn addresses_sort_the_way_they_read() {
        let mut addresses = vec![
            "新村10栋1单元101室",
            "新村2栋1单元101室",
            "新村1栋10单元101室",
            "新村1栋2单元1101室",
            "新村1栋2单元201室",
            "新村1栋2单元101室",
            "新村B栋",
            "新村a栋",
            "新村",
            "新村０３栋",
            "新村 1栋1单元101室",
        ];
        addresses.sort_by_key(|a| (address_key(a), a.to_string()));
        assert_eq!(
            addresses,
            [
                "新村",
                "新村 1栋1单元101室",
                "新村1栋2单元101室",
                "新村1栋2单元201室",
                "新村1栋2单元1101室",
                "新村1栋10单元101室",
                "新村2栋1单元101室",
                "新村０３栋",
                "新村10栋1单元101室",
                "新村a栋",
                "新村B栋",
            ]
        );
        // Leading zeros, full-width digits and spaces do not change the key.
        assert_eq!(address_key("3栋007室"), address_key("３栋 7室"));
        assert_eq!(address_key("9"), "019");
        assert_eq!(address_key("0"), "010");
        assert_eq!(address_key("ABC"), "abc");
        // Keys compare by bytes: a shorter number first whatever follows.
        assert!(address_key("9栋") < address_key("10栋"));
        assert!(address_key("99号") < address_key("100号"));
        assert!(address_key("1栋") < address_key("1栋1单元"));
    }
}
