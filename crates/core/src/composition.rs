//! The composition of a work summary (总结构成): an ordered list of sections,
//! each bound to work areas, kinds, campaigns, sub-orgs, indicators or project
//! categories by id or code, never by words in names. Staff arrange it in
//! the composer; an org without one gets [`default_for`] from its own areas.
//!
//! A section states its parts (activities, sub-areas, campaigns ...) in the
//! wording the app proposes, or the staff's own text, in which figure chips
//! such as `「次数」` or `「指标：覆盖率」` stand for the section's figures.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problems, Result};
use crate::ledger::WorkArea;
use crate::model::Id;

/// Most sections a composition may have.
pub const MAX_SECTIONS: usize = 60;
/// Longest heading, in characters.
pub const MAX_HEADING: usize = 40;
/// Longest staff text of one section, in characters.
pub const MAX_TEXT: usize = 4000;

/// What a section states, in this order when it has several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The bound activities: count, kinds, people, hours, reach, quantities, titles.
    Activities,
    /// The bound areas' sub-areas, each counted.
    SubAreas,
    /// The campaigns of the bound activities (all campaigns when none bound).
    Campaigns,
    /// The org's direct sub-orgs, each counted (各社区……).
    SubOrgs,
    /// Indicators (统计指标): the bound ones, or all.
    Indicators,
    /// Projects: the bound categories, or all.
    Projects,
    /// Key persons per key group, and the screening's households and persons.
    KeyPersons,
    /// Leading groups and teams with their members.
    Teams,
    /// Petitions and disputes.
    Matters,
    /// Problems (存在问题) of the period's review.
    Problems,
    /// Plans (下一步打算) of the period's review.
    Plans,
}

impl Part {
    pub const ALL: [Part; 11] = [
        Part::Activities,
        Part::SubAreas,
        Part::Campaigns,
        Part::SubOrgs,
        Part::Indicators,
        Part::Projects,
        Part::KeyPersons,
        Part::Teams,
        Part::Matters,
        Part::Problems,
        Part::Plans,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Part::Activities => "activities",
            Part::SubAreas => "sub_areas",
            Part::Campaigns => "campaigns",
            Part::SubOrgs => "sub_orgs",
            Part::Indicators => "indicators",
            Part::Projects => "projects",
            Part::KeyPersons => "key_persons",
            Part::Teams => "teams",
            Part::Matters => "matters",
            Part::Problems => "problems",
            Part::Plans => "plans",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Part::Activities => "活动情况",
            Part::SubAreas => "分项工作",
            Part::Campaigns => "专项活动",
            Part::SubOrgs => "各下级单位",
            Part::Indicators => "统计指标",
            Part::Projects => "项目建设",
            Part::KeyPersons => "重点人员和走访排查",
            Part::Teams => "队伍和领导小组",
            Part::Matters => "信访和矛盾纠纷",
            Part::Problems => "存在问题",
            Part::Plans => "下一步打算",
        }
    }

    pub fn parse(code: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.as_str() == code)
    }
}

/// Which records a section takes. Within one list any entry matches; across
/// lists all must (areas and kinds: activities of those areas that are of
/// those kinds). An empty list does not restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Binding {
    /// Work areas, each with its sub-areas.
    pub areas: Vec<Id>,
    /// Activities recorded without a work area (other areas ignored).
    pub no_area: bool,
    /// Activity kinds by code.
    pub kinds: Vec<String>,
    pub campaigns: Vec<Id>,
    /// Sub-orgs (with their subtrees).
    pub orgs: Vec<Id>,
    pub indicators: Vec<Id>,
    /// Project categories as the org wrote them.
    pub project_categories: Vec<String>,
    /// Months of the period (1-12), for "7至8月……".
    pub months: Vec<u32>,
}

impl Binding {
    /// Whether the binding restricts activities at all.
    pub fn takes_all_activities(&self) -> bool {
        self.areas.is_empty()
            && !self.no_area
            && self.kinds.is_empty()
            && self.campaigns.is_empty()
            && self.orgs.is_empty()
            && self.months.is_empty()
    }
}

/// One section of a summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    /// 1: 一、 2: （一） 3: 1．
    #[serde(default = "one")]
    pub level: u8,
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub binding: Binding,
    /// The staff's own text with figure chips; empty: the app's wording.
    #[serde(default)]
    pub text: String,
}

fn one() -> u8 {
    1
}

/// An org's summary: its title (empty: "{org}{period}工作总结"), whether
/// the lead paragraph is written, and its sections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Composition {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// A figure chip: its name as typed in a section's text, and what it stands for.
pub const CHIPS: &[(&str, &str)] = &[
    ("期间", "总结的期间，如“上半年”“全年”"),
    ("次数", "本节活动的次数"),
    ("参与人次", "本节活动登记的参与人次（含其他人员）"),
    ("服务人次", "本节活动未登记姓名的服务、覆盖人次"),
    ("覆盖人次", "本节宣传活动覆盖的人次"),
    ("服务时长", "本节志愿服务时长（小时）"),
    ("横幅", "本节悬挂横幅条数"),
    ("展板", "本节设置展板块数"),
    ("信息", "本节发布信息条数"),
    ("活动名称", "本节活动的名称，以顿号分隔"),
    ("项目数", "本节项目总数"),
    ("完工项目数", "本节已完工项目数"),
    ("在建项目数", "本节在建项目数"),
    ("重点人员", "重点人员总数"),
];

/// A chip naming a kind inside the section: 「<种类>·次数」; a month or
/// range: 「7月·次数」, 「7至8月·次数」; an indicator: 「指标：<名称>」,
/// 「指标：<名称>·同比」, 「指标：<名称>·目标完成率」.
pub const CHIP_PATTERNS: &[(&str, &str)] = &[
    ("<种类>·次数", "本节某类活动的次数，如「宣讲·次数」"),
    ("<月份>·次数", "本节某月或几个月的活动次数，如「7至8月·次数」"),
    ("指标：<名称>", "统计指标的数值和单位，如「指标：覆盖率」"),
    ("指标：<名称>·同比", "与去年同期相比的增减，如“同比增长12.3%”"),
    ("指标：<名称>·目标完成率", "占年度目标的百分比"),
    ("<标签>·约", "约数，如「参与人次·约」写作“约4200人次”"),
    ("<标签>·余", "余数，如「参与人次·余」写作“4200余人次”"),
];

/// The chips in `text`, in order: the name between 「 and 」.
pub fn chips_in(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('「') {
        let after = &rest[start + '「'.len_utf8()..];
        let Some(end) = after.find('」') else { break };
        out.push(after[..end].trim());
        rest = &after[end + '」'.len_utf8()..];
    }
    out
}

/// Whether a chip's name has a form the composer knows (its value is found
/// when the summary is written; an unknown kind or indicator is flagged then).
pub fn chip_known(chip: &str) -> bool {
    let chip = chip.strip_suffix("·约").or_else(|| chip.strip_suffix("·余")).unwrap_or(chip);
    if CHIPS.iter().any(|(name, _)| *name == chip) {
        return true;
    }
    if let Some(name) = chip.strip_prefix("指标：").or_else(|| chip.strip_prefix("指标:")) {
        return !name.trim().is_empty();
    }
    chip.strip_suffix("·次数").is_some_and(|head| !head.trim().is_empty())
}

/// Months written "7月", "7至8月", "7-8月": the list of months, if valid.
pub fn parse_months(text: &str) -> Option<Vec<u32>> {
    let body = text.trim().strip_suffix('月')?;
    let (from, to) = match body.split_once(['至', '-', '—', '~']) {
        Some((a, b)) => (a.trim().trim_end_matches('月'), b.trim()),
        None => (body, body),
    };
    let (from, to): (u32, u32) = (from.parse().ok()?, to.parse().ok()?);
    ((1..=12).contains(&from) && (from..=12).contains(&to)).then(|| (from..=to).collect())
}

impl Composition {
    /// Checks the whole composition, naming each wrong field by its section
    /// (`sections[2].heading`).
    pub fn check(&self) -> Result<()> {
        let mut p = Problems::default();
        if self.title.chars().count() > 60 || self.title.chars().any(char::is_control) {
            p.add("title", "标题不能超过60个字");
        }
        if self.sections.is_empty() {
            p.add("sections", "至少需要一节");
        }
        if self.sections.len() > MAX_SECTIONS {
            p.add("sections", format!("最多{MAX_SECTIONS}节"));
        }
        for (i, s) in self.sections.iter().enumerate() {
            let n = i + 1;
            let field = |f: &str| format!("sections[{i}].{f}");
            let heading = s.heading.trim();
            if heading.is_empty() {
                p.add(&field("heading"), format!("第{n}节缺少标题"));
            } else if heading.chars().count() > MAX_HEADING {
                p.add(&field("heading"), format!("第{n}节标题不能超过{MAX_HEADING}个字"));
            } else if heading.chars().any(char::is_control) || heading.starts_with('#') {
                p.add(&field("heading"), format!("第{n}节标题含有不能使用的字符"));
            }
            if !(1..=3).contains(&s.level) {
                p.add(&field("level"), format!("第{n}节的层级应为1至3"));
            }
            if s.text.chars().count() > MAX_TEXT {
                p.add(&field("text"), format!("第{n}节正文不能超过{MAX_TEXT}个字"));
            }
            for chip in chips_in(&s.text) {
                if !chip_known(chip) {
                    p.add(&field("text"), format!("第{n}节正文中的「{chip}」不是可用的数字标签"));
                } else if let Some(head) = chip.strip_suffix("·次数")
                    && head.ends_with('月')
                    && parse_months(head).is_none()
                {
                    p.add(&field("text"), format!("第{n}节正文中的「{chip}」月份写法不对，应如「7至8月·次数」"));
                }
            }
            if s.binding.months.iter().any(|m| !(1..=12).contains(m)) {
                p.add(&field("binding.months"), format!("第{n}节的月份应为1至12"));
            }
            if s.binding.kinds.iter().any(|k| k.is_empty() || k.len() > 40) {
                p.add(&field("binding.kinds"), format!("第{n}节的活动种类不对"));
            }
            if s.binding.project_categories.iter().any(|c| c.chars().count() > 20) {
                p.add(&field("binding.project_categories"), format!("第{n}节的项目类别不能超过20个字"));
            }
        }
        p.finish()
    }

    /// The composition as stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored composition; an unreadable one is an input error on `sections`.
    pub fn from_json(text: &str) -> Result<Composition> {
        serde_json::from_str(text).map_err(|_| Error::invalid("sections", "总结构成的格式不对"))
    }
}

/// The composition an org starts from: the work done, one section per
/// top-level work area in the org's own order, then the work recorded
/// without an area, campaigns, sub-orgs, indicators, projects, key persons,
/// teams, matters; then problems and plans. Sections left without records
/// are dropped when the summary is written.
pub fn default_for(areas: &[WorkArea], period_name: &str) -> Composition {
    let section = |heading: &str, level: u8, parts: Vec<Part>, binding: Binding| Section {
        heading: heading.to_owned(),
        level,
        parts,
        binding,
        text: String::new(),
    };
    let mut sections = vec![section(&format!("{period_name}工作开展情况"), 1, vec![], Binding::default())];
    for top in areas.iter().filter(|w| w.parent_id.is_none()) {
        sections.push(section(
            &top.name,
            2,
            vec![Part::Activities, Part::SubAreas],
            Binding { areas: vec![top.id], ..Default::default() },
        ));
    }
    let other = if areas.iter().any(|w| w.parent_id.is_none()) { "其他工作" } else { "主要工作" };
    sections.push(section(other, 2, vec![Part::Activities], Binding { no_area: true, ..Default::default() }));
    sections.push(section("专项工作", 2, vec![Part::Campaigns], Binding::default()));
    sections.push(section("各单位工作情况", 2, vec![Part::SubOrgs], Binding::default()));
    sections.push(section("主要指标完成情况", 2, vec![Part::Indicators], Binding::default()));
    sections.push(section("重点项目建设", 2, vec![Part::Projects], Binding::default()));
    sections.push(section("重点人员服务管理", 2, vec![Part::KeyPersons], Binding::default()));
    sections.push(section("队伍建设", 2, vec![Part::Teams], Binding::default()));
    sections.push(section("信访和矛盾纠纷化解", 2, vec![Part::Matters], Binding::default()));
    sections.push(section("存在问题", 1, vec![Part::Problems], Binding::default()));
    sections.push(section("下一步打算", 1, vec![Part::Plans], Binding::default()));
    Composition { title: String::new(), sections }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_are_found_in_order() {
        assert_eq!(chips_in("开展「次数」，参与「参与人次」。「未完"), vec!["次数", "参与人次"]);
        assert!(chip_known("宣讲·次数"));
        assert!(chip_known("指标：覆盖率"));
        assert!(!chip_known("随便"));
        assert!(!chip_known("指标："));
    }

    #[test]
    fn months_are_read_as_written() {
        assert_eq!(parse_months("7至8月"), Some(vec![7, 8]));
        assert_eq!(parse_months("3月"), Some(vec![3]));
        assert_eq!(parse_months("9-7月"), None);
        assert_eq!(parse_months("13月"), None);
    }

    #[test]
    fn check_names_the_section_and_field() {
        let mut c = default_for(&[], "上半年");
        c.sections[1].heading = String::new();
        c.sections[2].text = "共「不存在」".into();
        c.sections[3].text = "「13至14月·次数」".into();
        let Err(Error::Invalid(p)) = c.check() else { panic!("should fail") };
        let fields: Vec<&str> = p.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"sections[1].heading"), "{fields:?}");
        assert!(fields.contains(&"sections[2].text"), "{fields:?}");
        assert!(fields.contains(&"sections[3].text"), "{fields:?}");
    }

    #[test]
    fn the_default_has_a_section_per_top_level_area() {
        let area = |id, parent| WorkArea {
            id,
            parent_id: parent,
            org_id: None,
            name: format!("领域{id}"),
            sort: 0,
            purpose: None,
        };
        let c = default_for(&[area(1, None), area(2, Some(1)), area(3, None)], "全年");
        let bound: Vec<&[Id]> =
            c.sections.iter().filter(|s| !s.binding.areas.is_empty()).map(|s| s.binding.areas.as_slice()).collect();
        assert_eq!(bound, vec![&[1][..], &[3][..]]);
        assert!(c.check().is_ok());
    }
}
