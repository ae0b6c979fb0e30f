//! The names a summary template may use, explained in Chinese: one table,
//! shown beside the template editor and checked by tests against the facts
//! (`SummaryData`) templates run over.
//!
//! To document a new fact, add a row to [`FIELD_SECTIONS`]: its path as a
//! template writes it (`[]` stands for each item of a list), what it is, and
//! a line of template using it. The tests render every path and every example
//! over [`sample_data`] (so a row naming something the facts lack fails), and
//! require every top-level fact, and every child of an object whose children
//! are documented, to have a row (so a new fact without one fails). An object
//! documented as a whole lists its own names beside it ([`field_guide`]).

use serde::Serialize;
use taizhang_core::summary::{Figures, Group, KindCount, MonthCount, ProjectFacts, SummaryData, TargetFact};

/// One name a template may use.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Field {
    /// As written in a template: `data.org`, `data.figures.by_kind[].count`
    /// (`[]`: each item of the list); for a filter, its name.
    pub path: &'static str,
    /// What it is, in Chinese.
    pub description: &'static str,
    /// A line of template using it.
    pub example: &'static str,
}

/// A group of names, under a heading of the editor's panel.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FieldSection {
    pub title: &'static str,
    /// What the whole group has in common (may be empty).
    pub note: &'static str,
    pub fields: &'static [Field],
}

const fn f(path: &'static str, description: &'static str, example: &'static str) -> Field {
    Field { path, description, example }
}

/// Every fact a summary template may use, by group.
pub const FIELD_SECTIONS: &[FieldSection] = &[
    FieldSection {
        title: "基本信息",
        note: "标为“统计数”的名称含 n（数量）和 cite（所依据的记录）：用 figure 过滤器输出带出处的数字，用 .n 比较大小。",
        fields: &[
            f("data.org", "组织名称", "{{ data.org }}{{ data.period_label }}工作总结"),
            f("data.org_id", "组织编号（系统内部编号）", "{{ data.org_id }}"),
            f(
                "data.org_kind",
                "组织类型代码：party_committee（党委）、party_branch（党支部）、community（社区）、grid（网格）等",
                "{% if data.org_kind == \"party_branch\" %}本支部{% else %}本单位{% endif %}",
            ),
            f(
                "data.parent",
                "上级组织名称；没有上级时为空",
                "{% if data.parent %}在{{ data.parent }}的正确领导下，{% endif %}",
            ),
            f("data.year", "期间所在年份，如 2020", "{{ data.year }}年"),
            f("data.period_label", "期间全称，如“2020年上半年”“2020年第三季度”", "{{ data.period_label }}，"),
            f("data.period_name", "期间简称，如“上半年”“全年”“第三季度”“7月”", "{{ data.period_name }}共开展"),
            f("data.period_code", "期间代码，如 2020H1、2020Q3、2020-07", "{{ data.period_code }}"),
            f("data.is_half", "是否为半年期间（是/否）", "{% if data.is_half %}半年来{% endif %}"),
            f(
                "data.is_first_half",
                "是否为上半年（是/否）",
                "{% if data.is_first_half %}上半年{% else %}下半年{% endif %}",
            ),
            f("data.as_of", "统计截止日期：期间最后一天，期间未结束时为当天", "（统计截至{{ data.as_of }}）"),
            f(
                "data.title",
                "组织在“总结结构”中设定的标题；为空时用模板自己的标题",
                "# {{ data.title or data.org ~ \"工作总结\" }}",
            ),
            f("data.total", "统计数：本期全部工作台账记录", "共记录各类工作台账{{ data.total | figure(\"项\") }}"),
        ],
    },
    FieldSection {
        title: "工作台账分组统计（data.figures）",
        note: "本期台账按类型、工作领域、专项活动、宣传渠道和下级组织分组；只列出有记录的组，顺序同“分类设置”。每一组的字段见下一节。",
        fields: &[
            f(
                "data.figures",
                "本期工作台账的各种分组",
                "{% set fg = data.figures %}共开展{{ fg.all.count | figure(\"项\") }}",
            ),
            f(
                "data.figures.all",
                "本期全部工作，作为一组",
                "共开展各类工作{{ data.figures.all.count | figure(\"项\") }}",
            ),
            f(
                "data.figures.by_kind",
                "按工作类型（会议、学习、宣传等）分组的列表",
                "{% for k in data.figures.by_kind %}{{ k.name }}{{ k.count | figure(\"次\") }}{% if not loop.last %}、{% endif %}{% endfor %}",
            ),
            f(
                "data.figures.by_area",
                "按工作领域分组：每个一级领域（含其下级领域的记录）后紧跟它的各下级领域；一级领域的 parent 为空",
                "{% for a in data.figures.by_area if a.parent is none %}### {{ a.name }}\n{% endfor %}",
            ),
            f(
                "data.figures.without_area",
                "未选工作领域的记录，作为一组",
                "{% if data.figures.without_area.count.n > 0 %}另开展{{ data.figures.without_area.count | figure(\"次\") }}{% endif %}",
            ),
            f(
                "data.figures.by_campaign",
                "按专项活动分组的列表",
                "{% for c in data.figures.by_campaign %}围绕“{{ c.name }}”开展活动{{ c.count | figure(\"次\") }}；{% endfor %}",
            ),
            f(
                "data.figures.by_channel",
                "按宣传渠道（横幅、展板、微信群等）分组的列表",
                "{% for c in data.figures.by_channel %}{{ c.name }}{{ c.count | figure(\"次\") }}{% endfor %}",
            ),
            f(
                "data.figures.by_org",
                "按直属下级组织（各社区、各支部，含其下级）分组的列表",
                "{% for o in data.figures.by_org %}{{ o.name }}开展{{ o.count | figure(\"次\") }}{% endfor %}",
            ),
            f(
                "data.figures.indicators",
                "本组织本期有数值的统计指标列表（名称、数值、单位、目标、同比等）",
                "{% for i in data.figures.indicators %}{{ i.name }}{{ i.value }}{{ i.unit }}；{% endfor %}",
            ),
            f(
                "data.figures.projects",
                "期末的工程项目（不含期初前已完工的）：total、done（已完工）、in_progress（在建）、not_started（未开工）均为统计数；measures 为工程量合计（name 名称、unit 单位、total 合计，用 amount 输出）；by_category 按项目类别分组，每组有 category 和同样的各项",
                "共实施项目{{ data.figures.projects.total | figure(\"个\") }}，其中已完工{{ data.figures.projects.done | figure(\"个\") }}{% for c in data.figures.projects.by_category %}；{{ c.category }}{% for m in c.measures %}{{ m.name }}{{ m.total | amount(m.unit) }}{% endfor %}{% endfor %}",
            ),
            f(
                "data.figures.key_persons",
                "重点人员（按人计，不重复）：total 为本期新排查的人数、active 为期末在管人数（统计数）；groups 为各重点人群，每项有 name、count（本期排查）、active（期末在管）",
                "排查重点人员{{ data.figures.key_persons.total | figure(\"人\") }}{% for g in data.figures.key_persons.groups %}，{{ g.name }}{{ g.count | figure(\"人\") }}{% endfor %}",
            ),
            f(
                "data.figures.screenings",
                "本期进行的入户排查列表：name、open（期末仍在进行）、households（应排查户数）、visited（已走访户数，统计数）、persons（人数）、with_status（已登记状况人数，统计数）、household_percent 和 person_percent（户、人覆盖率）",
                "{% for s in data.figures.screenings %}开展“{{ s.name }}”，走访{{ s.visited | figure(\"户\") }}、{{ s.with_status | figure(\"人\") }}。{% endfor %}",
            ),
            f(
                "data.figures.teams",
                "领导小组和志愿服务队列表：name、kind_label（类型）、total（成员人数，统计数）、roles（按职务的人数，每项有 role 和 count）",
                "{% for t in data.figures.teams %}{{ t.name }}现有成员{{ t.total | figure(\"人\") }}{% for r in t.roles %}，{{ r.role }}{{ r.count | figure(\"人\") }}{% endfor %}；{% endfor %}",
            ),
        ],
    },
    FieldSection {
        title: "每一组的字段",
        note: "以 data.figures.by_kind 的每一项为例；data.figures.all、without_area 以及 by_area、by_campaign、by_channel、by_org 的每一项字段相同。[] 表示列表中的每一项，写法如 {% for k in data.figures.by_kind %}{{ k.name }}{% endfor %}。",
        fields: &[
            f(
                "data.figures.by_kind[].key",
                "组的代码：类型代码，或工作领域、专项活动、组织的编号，或渠道代码",
                "{{ k.key }}",
            ),
            f("data.figures.by_kind[].name", "组的名称：类型、工作领域、专项活动、渠道或组织的名称", "{{ k.name }}"),
            f(
                "data.figures.by_kind[].parent",
                "上级工作领域名称（只有 by_area 中的下级领域有，其余为空）",
                "{% if a.parent %}{{ a.parent }}下的{{ a.name }}{% endif %}",
            ),
            f(
                "data.figures.by_kind[].count",
                "统计数：组内记录数（工作领域含其下级领域）",
                "{{ k.count | figure(\"次\") }}",
            ),
            f(
                "data.figures.by_kind[].own",
                "统计数：工作领域本身的记录数（不含下级领域）",
                "{{ a.own | figure(\"次\") }}",
            ),
            f(
                "data.figures.by_kind[].people",
                "参与人次（登记的参加人员与另计人数之和）",
                "参与{{ k.people | amount(\"人次\") }}",
            ),
            f("data.figures.by_kind[].others", "未登记姓名、另计的人数（服务人次、覆盖人次）", "{{ k.others }}人"),
            f("data.figures.by_kind[].hours", "参加人员的服务时长（小时）", "服务时长{{ k.hours | amount(\"小时\") }}"),
            f("data.figures.by_kind[].banners", "悬挂横幅条数", "悬挂横幅{{ k.banners }}条"),
            f("data.figures.by_kind[].boards", "设置展板块数", "设置展板{{ k.boards }}块"),
            f("data.figures.by_kind[].posts", "发布信息条数", "发布信息{{ k.posts }}条"),
            f("data.figures.by_kind[].reached", "宣传覆盖人次", "覆盖{{ k.reached | amount(\"人次\") }}"),
            f(
                "data.figures.by_kind[].titles",
                "组内活动名称列表，按日期先后，最多十二个",
                "主要开展了{{ k.titles | join_cn(\"和\") }}等工作",
            ),
            f(
                "data.figures.by_kind[].kinds",
                "组内按工作类型的计数列表",
                "{% for x in a.kinds %}{{ x.label }}{{ x.count | figure(\"次\") }}{% endfor %}",
            ),
            f("data.figures.by_kind[].kinds[].kind", "工作类型代码", "{{ x.kind }}"),
            f("data.figures.by_kind[].kinds[].label", "工作类型名称", "{{ x.label }}"),
            f("data.figures.by_kind[].kinds[].count", "统计数：该类型的记录数", "{{ x.count | figure(\"次\") }}"),
            f(
                "data.figures.by_kind[].months",
                "组内按月份的计数列表（期间内有记录的月份）",
                "{% for mo in k.months %}{{ mo.month }}月{{ mo.count | figure(\"次\") }}{% endfor %}",
            ),
            f("data.figures.by_kind[].months[].year", "年份", "{{ mo.year }}年"),
            f("data.figures.by_kind[].months[].month", "月份（1—12）", "{{ mo.month }}月"),
            f("data.figures.by_kind[].months[].count", "统计数：该月的记录数", "{{ mo.count | figure(\"次\") }}"),
        ],
    },
    FieldSection {
        title: "项目、信访纠纷、问题与打算",
        note: "",
        fields: &[
            f(
                "data.projects",
                "本组织及下级的工程项目列表",
                "{% for pr in data.projects %}[[{{ pr.name }}|{{ pr.cite }}]]已完成{{ pr.percent }}%。{% endfor %}",
            ),
            f("data.projects[].name", "项目名称", "{{ pr.name }}"),
            f("data.projects[].category", "项目类别；未填时为空", "{% if pr.category %}{{ pr.category }}类{% endif %}"),
            f("data.projects[].status", "期末状态：完成、在建或未开工", "{{ pr.status }}"),
            f(
                "data.projects[].cite",
                "项目的出处，写成 [[项目名称|出处]] 即链接到项目",
                "[[{{ pr.name }}|{{ pr.cite }}]]",
            ),
            f(
                "data.projects[].percent",
                "期末完成进度（百分数，0—100）",
                "{% if pr.percent >= 100 %}已全部完工{% else %}已完成{{ pr.percent }}%{% endif %}",
            ),
            f("data.projects[].done", "期末已完成的节点列表", "已完成{{ pr.done | join_cn }}"),
            f(
                "data.projects[].done_in_period",
                "本期内完成的节点列表",
                "本期完成了{{ pr.done_in_period | join_cn(\"以及\") }}",
            ),
            f(
                "data.matters",
                "本期信访和矛盾纠纷",
                "{% if data.matters.petitions.n + data.matters.disputes.n > 0 %}### 信访和矛盾纠纷化解{% endif %}",
            ),
            f(
                "data.matters.petitions",
                "统计数：受理信访件数",
                "受理信访{{ data.matters.petitions | figure(\"件\") }}",
            ),
            f(
                "data.matters.disputes",
                "统计数：调处矛盾纠纷件数",
                "调处矛盾纠纷{{ data.matters.disputes | figure(\"件\") }}",
            ),
            f("data.matters.closed", "统计数：已办结件数", "已办结{{ data.matters.closed | figure(\"件\") }}"),
            f(
                "data.problems",
                "“问题与打算”中本期的存在问题（文字列表）",
                "{% for item in data.problems %}{{ loop.index }}．{{ item }}\n{% endfor %}",
            ),
            f("data.plans", "“问题与打算”中的下一步打算（文字列表）", "{{ data.plans | enumerate_cn }}"),
            f("data.targets", "期末评价的各项目标", "{% for t in data.targets %}{{ t.sentence }}{% endfor %}"),
            f("data.targets[].sentence", "目标及完成情况的一句话", "{{ t.sentence }}"),
            f("data.targets[].attained", "期末是否达成（是/否）", "{% if t.attained %}已完成{% endif %}"),
            f(
                "data.targets[].attained_so_far",
                "截至统计日是否按进度达成（是/否）",
                "{% if not t.attained_so_far %}进度滞后{% endif %}",
            ),
        ],
    },
    FieldSection {
        title: "党委宣传思想工作（预设模板“宣传思想文化工作总结”所用）",
        note: "以下各项各含若干名称，列在右侧；写法见该预设模板。",
        fields: &[
            f(
                "data.responsibility",
                "意识形态工作责任制：第一责任人、责任状、分管领导、支部、意识形态问题",
                "{{ data.responsibility.pledges | figure(\"份\") }}",
            ),
            f(
                "data.central_group",
                "党委理论学习中心组：领导小组、计划月份、学习次数、专题、年度目标",
                "{{ data.central_group.sessions | figure(\"次\") }}",
            ),
            f(
                "data.study_days",
                "“主题党日/周五学习”：次数、应学与已学周数、免学期间、学习材料",
                "{{ data.study_days.sessions | figure(\"次\") }}",
            ),
            f(
                "data.publicity",
                "宣传工作：次数、渠道、专项活动、典型人物、横幅展板信息、覆盖人次",
                "{{ data.publicity.actions | figure(\"次\") }}",
            ),
            f(
                "data.epidemic_publicity",
                "疫情防控宣传（字段同 data.publicity）",
                "{{ data.epidemic_publicity.actions | figure(\"次\") }}",
            ),
            f(
                "data.anti_crime",
                "扫黑除恶宣传（字段同 data.publicity）",
                "{{ data.anti_crime.actions | figure(\"次\") }}",
            ),
            f(
                "data.health_publicity",
                "健康宣传（字段同 data.publicity）",
                "{{ data.health_publicity.actions | figure(\"次\") }}",
            ),
            f(
                "data.security_publicity",
                "安全宣传（字段同 data.publicity）",
                "{{ data.security_publicity.actions | figure(\"次\") }}",
            ),
            f(
                "data.epidemic",
                "网格疫情防控：入户排查、重点人员、随访、健康监测、消杀",
                "{{ data.epidemic.visited | figure(\"户\") }}",
            ),
            f(
                "data.volunteer",
                "志愿服务：队伍、计划月份、活动次数、上报平台次数、服务时长",
                "{{ data.volunteer.activities | figure(\"次\") }}",
            ),
            f(
                "data.sanitation",
                "环境卫生整治：活动、检查、整改通知及整改情况",
                "{{ data.sanitation.activities | figure(\"次\") }}",
            ),
        ],
    },
    FieldSection {
        title: "其他",
        note: "",
        fields: &[
            f(
                "data.sections",
                "组织在“总结结构”中设定的各节及其统计（标题、层级、所含内容、分组统计）",
                "{% for s in data.sections %}## {{ s.heading }}\n{% endfor %}",
            ),
            f(
                "data.warnings",
                "导出前的提示：本期记录不足以支持的说法（不宜写入总结）",
                "{% for w in data.warnings %}{% endfor %}",
            ),
        ],
    },
];

/// The filters a template may apply (`{{ value | filter }}`), beyond those
/// minijinja offers itself (length、join、selectattr …).
pub const FILTERS: &[Field] = &[
    f(
        "figure",
        "输出统计数及单位，并带出处链接（预览中可点开所依据的记录）",
        "{{ data.total | figure(\"项\") }} → 12项",
    ),
    f(
        "amount",
        "按公文习惯写数字并加单位：大数写成“万”“亿”，可用于统计数或普通数字",
        "{{ data.figures.all.people | amount(\"人次\") }} → 1.26万人次",
    ),
    f("join_cn", "用顿号连接列表，可指定最后一项前的连接词", "{{ data.problems | join_cn(\"和\") }} → 甲、乙和丙"),
    f("enumerate_cn", "把列表写成“一是……；二是……。”", "{{ data.plans | enumerate_cn }} → 一是甲；二是乙。"),
    f("cn", "把数字写成汉字", "{{ 12 | cn }} → 十二"),
];

/// Facts with one item in each list the table documents item by item, so
/// that every documented path names something (tests, and the names an
/// object documented as a whole holds).
pub fn sample_data() -> SummaryData {
    let group = Group {
        titles: vec!["示例活动".to_owned()],
        kinds: vec![KindCount::default()],
        months: vec![MonthCount::default()],
        ..Group::default()
    };
    let one = vec![group.clone()];
    SummaryData {
        figures: Figures {
            all: group.clone(),
            without_area: group.clone(),
            by_kind: one.clone(),
            by_area: one.clone(),
            by_campaign: one.clone(),
            by_channel: one.clone(),
            by_org: one,
            ..Figures::default()
        },
        projects: vec![ProjectFacts { done: vec!["示例节点".to_owned()], ..ProjectFacts::default() }],
        targets: vec![TargetFact::default()],
        problems: vec!["示例问题".to_owned()],
        plans: vec!["示例打算".to_owned()],
        ..SummaryData::default()
    }
}

/// A row of the editor's panel: a field and, for an object documented as a
/// whole, the names it holds.
#[derive(Debug, Clone, Serialize)]
pub struct GuideField {
    #[serde(flatten)]
    pub field: Field,
    pub holds: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GuideSection {
    pub title: &'static str,
    pub note: &'static str,
    pub fields: Vec<GuideField>,
}

/// The panel beside the template editor: [`FIELD_SECTIONS`], each object
/// documented without its children listing the names it holds (read from
/// the facts themselves, so always current).
pub fn field_guide() -> Vec<GuideSection> {
    let sample = serde_json::to_value(sample_data()).unwrap_or_default();
    let documented: Vec<&str> = FIELD_SECTIONS.iter().flat_map(|s| s.fields.iter().map(|f| f.path)).collect();
    FIELD_SECTIONS
        .iter()
        .map(|s| GuideSection {
            title: s.title,
            note: s.note,
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let has_children = documented.iter().any(|d| parent_of(d) == Some(f.path));
                    let holds = if has_children { Vec::new() } else { child_names(lookup(&sample, f.path)) };
                    GuideField { field: *f, holds }
                })
                .collect(),
        })
        .collect()
}

/// The documented path a path's last name belongs to: `data.a[].b` → `data.a`.
fn parent_of(path: &str) -> Option<&str> {
    let (parent, _) = path.rsplit_once('.')?;
    Some(parent.strip_suffix("[]").unwrap_or(parent))
}

/// The value a path names in the facts (the first item for `[]`).
fn lookup<'a>(data: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut at = data;
    for (i, part) in path.split('.').enumerate() {
        if i == 0 {
            if part != "data" {
                return None;
            }
            continue;
        }
        let (name, each) = match part.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (part, false),
        };
        at = at.get(name)?;
        if each {
            at = at.get(0)?;
        }
    }
    Some(at)
}

/// The names an object (or a list's first item) holds.
fn child_names(value: Option<&serde_json::Value>) -> Vec<String> {
    let value = match value {
        Some(serde_json::Value::Array(items)) => items.first(),
        other => other,
    };
    match value {
        Some(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_fields() -> impl Iterator<Item = &'static Field> {
        FIELD_SECTIONS.iter().flat_map(|s| s.fields.iter())
    }

    /// `data.figures.by_kind[].count` as an expression: `data.figures.by_kind[0].count`.
    fn expression(path: &str) -> String {
        path.replace("[]", "[0]")
    }

    #[test]
    fn every_documented_name_exists_in_the_facts() {
        let data = sample_data();
        for field in all_fields() {
            let source = format!("{{{{ {} }}}}", expression(field.path));
            if let Err(e) = super::super::template::render(&source, &data) {
                panic!("{} is listed for templates but the facts have no such name: {e}", field.path);
            }
        }
    }

    /// Each example runs over the facts. Examples may use the loop names of
    /// the rows above them (`k`, `a`, `x`, `mo`, `pr`, `t`), bound here.
    #[test]
    fn every_example_renders() {
        let data = sample_data();
        let bind = "{% set k = data.figures.by_kind[0] %}{% set a = data.figures.by_area[0] %}\
                    {% set x = k.kinds[0] %}{% set mo = k.months[0] %}{% set pr = data.projects[0] %}{% set t = data.targets[0] %}";
        for field in all_fields() {
            let source = format!("{bind}{}", field.example);
            if let Err(e) = super::super::template::render(&source, &data) {
                panic!("the example of {} does not render: {e}\n{}", field.path, field.example);
            }
        }
        for filter in FILTERS {
            let example = filter.example.split(" → ").next().unwrap_or_default();
            assert!(example.contains(&format!("| {}", filter.path)), "{}: {example}", filter.path);
            if let Err(e) = super::super::template::render(example, &data) {
                panic!("the example of the filter {} does not render: {e}", filter.path);
            }
        }
    }

    #[test]
    fn every_fact_is_documented() {
        let sample = serde_json::to_value(sample_data()).unwrap();
        let documented: Vec<&str> = all_fields().map(|f| f.path).collect();
        let mut unique = std::collections::HashSet::new();
        for path in &documented {
            assert!(unique.insert(*path), "{path} is listed twice");
            assert!(!path.is_empty() && !path.contains(' '), "{path:?}");
        }
        // The top level, and every object some of whose names are listed:
        // each of its names must be listed.
        let mut parents: Vec<&str> = vec!["data"];
        parents.extend(documented.iter().filter(|p| documented.iter().any(|d| parent_of(d) == Some(**p))));
        for parent in parents {
            let holds = child_names(lookup(&sample, parent));
            assert!(!holds.is_empty(), "{parent}: the sample facts hold nothing there (fill its list in sample_data)");
            let is_list = lookup(&sample, parent).is_some_and(|v| v.is_array());
            for name in holds {
                let path = if is_list { format!("{parent}[].{name}") } else { format!("{parent}.{name}") };
                assert!(
                    documented.contains(&path.as_str()),
                    "{path} is in the summary's facts but not in FIELD_SECTIONS (fields.rs): add a row saying what it is"
                );
            }
        }
    }

    #[test]
    fn the_guide_lists_what_objects_documented_whole_hold() {
        let guide = field_guide();
        let row =
            |path: &str| guide.iter().flat_map(|s| s.fields.iter()).find(|f| f.field.path == path).cloned().unwrap();
        assert!(row("data.responsibility").holds.contains(&"first_responsible".to_owned()));
        assert!(row("data.figures").holds.is_empty(), "its names have rows of their own");
        assert!(row("data.org").holds.is_empty());
    }
}
