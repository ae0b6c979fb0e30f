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

use crate::Services;
use crate::auth::Actor;
use crate::demo::Lcg;
use crate::error::{Error, Result};
use crate::ledger::VOLUNTEER_KIND;
use crate::model::{Id, Org, Role};
use crate::service::{
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

pub const STATION_NAME: &str = "青石镇新时代文明实践所";
pub const VILLAGE_NAME: &str = "山下村";

const TEAM: &str = "青石镇新时代文明实践志愿服务队";
const POINT_VILLAGE: &str = "青石村新时代文明实践站";
const POINT_RIVER: &str = "河湾村新时代文明实践站";
const POINT_TOWN: &str = "青石社区新时代文明实践站";
const FESTIVALS: &str = "我们的节日";
const CUSTOMS: &str = "移风易俗进万家";

/// A township's civilisation practice station: three practice points, a
/// volunteer team, lectures, performances, volunteer service and publicity.
pub const STATION: Office = Office {
    name: STATION_NAME,
    kind: "practice_station",
    admin: ("qingshi", "石秀兰", false),
    orgs: &[
        ("", "practice_station", POINT_VILLAGE),
        ("", "practice_station", POINT_RIVER),
        ("", "practice_station", POINT_TOWN),
        ("", "volunteer_team", TEAM),
    ],
    areas: &[("文化惠民", "群众文艺")],
    kinds: &["宣讲", "文艺演出"],
    campaigns: &[FESTIVALS, CUSTOMS],
    members: &[
        Member { name: "石秀兰", org: "", roles: &[("", "所长")] },
        Member { name: "甘文涛", org: "", roles: &[("", "工作人员")] },
        Member { name: "龙建波", org: TEAM, roles: &[(TEAM, "队长")] },
        Member { name: "侯佳怡", org: TEAM, roles: &[(TEAM, "副队长")] },
        Member { name: "黎晓峰", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "蒙丽娟", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "滕雪梅", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "岑志远", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "廖春花", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "麦文华", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "邓月娥", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "钟永康", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "凌美玲", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "范德胜", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "骆佩琪", org: TEAM, roles: &[(TEAM, "志愿者")] },
        Member { name: "欧阳俊", org: TEAM, roles: &[(TEAM, "志愿者")] },
    ],
    records: &[
        Record {
            date: "2020-01-09",
            kind: "宣讲",
            area: "理论宣讲",
            title: "党的十九届四中全会精神百姓宣讲",
            place: "青石镇新时代文明实践所",
            others: 65,
            ..R
        },
        Record {
            date: "2020-01-16",
            org: POINT_VILLAGE,
            kind: "文艺演出",
            area: "群众文艺",
            campaign: FESTIVALS,
            title: "“欢乐过大年”春节文艺演出",
            place: "青石村文化广场",
            others: 320,
            ..R
        },
        Record {
            date: "2020-01-20",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "志愿服务",
            title: "春节前夕走访慰问孤寡老人",
            place: "青石镇各村",
            volunteers: 6,
            hours: 3.0,
            others: 12,
            ..R
        },
        Record {
            date: "2020-01-21",
            kind: "publicity",
            area: "移风易俗",
            campaign: CUSTOMS,
            title: "“文明过节、移风易俗”倡议宣传",
            place: "青石镇圩场",
            channels: &["横幅", "展板", "微信群"],
            banners: 3,
            boards: 2,
            posts: 4,
            reached: 1800,
            ..R
        },
        Record {
            date: "2020-03-05",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "文明创建",
            title: "学雷锋志愿服务日“清洁家园”行动",
            place: "青石社区",
            volunteers: 10,
            hours: 2.5,
            others: 35,
            ..R
        },
        Record {
            date: "2020-03-18",
            kind: "meeting",
            title: "2020年新时代文明实践工作推进会",
            place: "青石镇新时代文明实践所",
            others: 28,
            ..R
        },
        Record {
            date: "2020-04-04",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "志愿服务",
            campaign: FESTIVALS,
            title: "清明节文明祭扫志愿引导",
            place: "青石镇公益性公墓",
            volunteers: 8,
            hours: 4.0,
            ..R
        },
        Record {
            date: "2020-04-14",
            org: POINT_RIVER,
            kind: "宣讲",
            area: "理论宣讲",
            title: "脱贫攻坚政策进村入户宣讲",
            place: "河湾村村委会",
            others: 48,
            ..R
        },
        Record {
            date: "2020-05-12",
            org: POINT_TOWN,
            kind: "publicity",
            area: "文明创建",
            title: "创建文明城市“小手拉大手”宣传",
            place: "青石镇中心小学",
            channels: &["横幅", "展板", "微信公众号"],
            banners: 2,
            boards: 4,
            posts: 2,
            reached: 1200,
            ..R
        },
        Record {
            date: "2020-06-09",
            org: POINT_VILLAGE,
            kind: "宣讲",
            area: "理论宣讲",
            title: "《民法典》进农家宣讲",
            place: "青石村文化室",
            others: 56,
            ..R
        },
        Record {
            date: "2020-06-24",
            org: POINT_RIVER,
            kind: "文艺演出",
            area: "群众文艺",
            campaign: FESTIVALS,
            title: "“浓情端午”民俗文艺展演",
            place: "河湾村篮球场",
            others: 260,
            ..R
        },
        Record {
            date: "2020-06-25",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "志愿服务",
            campaign: FESTIVALS,
            title: "端午节包粽子送邻里",
            place: "青石社区",
            volunteers: 6,
            hours: 3.0,
            others: 40,
            ..R
        },
        Record {
            date: "2020-07-01",
            kind: "宣讲",
            area: "理论宣讲",
            title: "庆祝建党99周年“党史故事会”",
            place: "青石镇新时代文明实践所",
            others: 72,
            ..R
        },
        Record {
            date: "2020-07-21",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "文化惠民",
            title: "暑期少儿阅读辅导",
            place: "青石镇农家书屋",
            volunteers: 5,
            hours: 2.0,
            others: 30,
            ..R
        },
        Record {
            date: "2020-08-03",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "志愿服务",
            title: "汛期防溺水安全巡河",
            place: "青石河沿岸",
            volunteers: 8,
            hours: 3.5,
            ..R
        },
        Record {
            date: "2020-08-11",
            org: POINT_VILLAGE,
            kind: "publicity",
            area: "移风易俗",
            campaign: CUSTOMS,
            title: "婚事新办、丧事简办宣传进村组",
            place: "青石村各村民小组",
            channels: &["横幅", "展板", "入户走访"],
            banners: 4,
            boards: 2,
            posts: 3,
            reached: 900,
            ..R
        },
        Record {
            date: "2020-09-15",
            org: POINT_RIVER,
            kind: "宣讲",
            area: "理论宣讲",
            title: "乡村振兴政策宣讲",
            place: "河湾村村委会",
            others: 50,
            ..R
        },
        Record {
            date: "2020-09-29",
            kind: "文艺演出",
            area: "群众文艺",
            campaign: FESTIVALS,
            title: "“庆中秋、迎国庆”文艺晚会",
            place: "青石镇文化广场",
            others: 450,
            ..R
        },
        Record {
            date: "2020-10-25",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "志愿服务",
            campaign: FESTIVALS,
            title: "重阳节敬老志愿服务",
            place: "青石镇敬老院",
            volunteers: 10,
            hours: 3.0,
            others: 25,
            ..R
        },
        Record {
            date: "2020-11-07",
            org: POINT_TOWN,
            kind: "文艺演出",
            area: "群众文艺",
            title: "社区广场舞展演",
            place: "青石社区广场",
            others: 180,
            ..R
        },
        Record {
            date: "2020-11-20",
            kind: "publicity",
            area: "文明创建",
            title: "“文明家庭”评选宣传",
            place: "青石镇",
            channels: &["横幅", "展板", "微信群", "微信公众号"],
            banners: 2,
            boards: 3,
            posts: 5,
            reached: 2600,
            ..R
        },
        Record {
            date: "2020-11-26",
            org: POINT_VILLAGE,
            kind: "宣讲",
            area: "理论宣讲",
            title: "党的十九届五中全会精神宣讲",
            place: "青石村文化室",
            others: 68,
            ..R
        },
        Record {
            date: "2020-12-04",
            org: TEAM,
            kind: VOLUNTEER_KIND,
            area: "文明创建",
            title: "文明交通劝导志愿服务",
            place: "青石镇圩场路口",
            volunteers: 6,
            hours: 2.0,
            ..R
        },
        Record {
            date: "2020-12-10",
            org: POINT_TOWN,
            kind: "publicity",
            area: "移风易俗",
            campaign: CUSTOMS,
            title: "社区红白理事会章程宣传",
            place: "青石社区",
            channels: &["横幅", "展板", "微信群"],
            banners: 2,
            boards: 1,
            posts: 2,
            reached: 600,
            ..R
        },
        Record {
            date: "2020-12-22",
            kind: "meeting",
            title: "新时代文明实践工作年终总结会",
            place: "青石镇新时代文明实践所",
            others: 30,
            ..R
        },
    ],
    indicators: &[
        IndicatorPlan {
            name: "注册志愿者",
            unit: "人",
            decimals: 0,
            value: "1260",
            target: "",
            last_year: "1080",
            note: "志愿服务信息系统年末统计",
        },
        IndicatorPlan {
            name: "文明实践站点覆盖率",
            unit: "%",
            decimals: 0,
            value: "100",
            target: "100",
            last_year: "75",
            note: "",
        },
        IndicatorPlan {
            name: "评选文明家庭",
            unit: "户",
            decimals: 0,
            value: "36",
            target: "30",
            last_year: "",
            note: "",
        },
    ],
    projects: &[],
    cases: &[],
    households: &[],
    screening: None,
    key_groups: &[],
    key_persons: &[],
    problems: &["部分实践站活动形式较为单一，群众参与的积极性有待提高", "志愿服务队伍年龄结构偏大，青年志愿者数量不足"],
    plans: &[
        "围绕“我们的节日”持续开展群众性文化活动，每季度至少举办1场文艺演出",
        "加强志愿者招募和培训，力争注册志愿者突破1500人",
        "推进三个新时代文明实践站阵地规范化建设",
    ],
};

const UPPER: &str = "上寨村民小组";
const MIDDLE: &str = "中寨村民小组";
const LOWER: &str = "下寨村民小组";
const LEADING_GROUP: &str = "山下村人居环境整治工作领导小组";
const CLEAN_UP: &str = "人居环境整治提升行动";

/// A village committee: three villager groups (its grids), a small roster
/// visited in one screening, meetings, publicity, visits and clean-ups,
/// projects with their measures, petitions and disputes, key persons.
pub const VILLAGE: Office = Office {
    name: VILLAGE_NAME,
    kind: "village",
    admin: ("shanxia", "罗永福", true),
    orgs: &[("", "grid", UPPER), ("", "grid", MIDDLE), ("", "grid", LOWER), ("", "leading_group", LEADING_GROUP)],
    areas: &[],
    kinds: &[],
    campaigns: &[CLEAN_UP],
    members: &[
        Member {
            name: "罗永福", org: "", roles: &[("", "党支部书记"), ("", "村委会主任"), (LEADING_GROUP, "组长")]
        },
        Member { name: "韦丽芳", org: "", roles: &[("", "村委会副主任"), (LEADING_GROUP, "副组长")] },
        Member {
            name: "覃建新", org: "", roles: &[("", "村委委员"), (UPPER, "网格员"), (LEADING_GROUP, "成员")]
        },
        Member {
            name: "黄秋菊", org: "", roles: &[("", "妇女主任"), (MIDDLE, "网格员"), (LEADING_GROUP, "成员")]
        },
        Member {
            name: "蒙志强", org: "", roles: &[("", "村监委会主任"), (LOWER, "网格员"), (LEADING_GROUP, "成员")]
        },
    ],
    records: &[
        Record {
            date: "2020-01-10",
            kind: "meeting",
            area: "党建引领",
            title: "村“两委”班子集中学习",
            place: "山下村村委会",
            others: 15,
            ..R
        },
        Record {
            date: "2020-03-12",
            kind: "meeting",
            area: "产业发展",
            title: "百香果种植技术培训",
            place: "山下村村委会",
            others: 42,
            ..R
        },
        Record {
            date: "2020-03-20",
            org: UPPER,
            kind: "sanitation",
            area: "人居环境",
            campaign: CLEAN_UP,
            title: "上寨组房前屋后环境卫生清理",
            place: "上寨组",
            others: 35,
            ..R
        },
        Record {
            date: "2020-04-16",
            kind: "publicity",
            area: "人居环境",
            title: "农村生活垃圾分类宣传",
            place: "山下村文化广场",
            others: 20,
            channels: &["横幅", "展板"],
            banners: 3,
            boards: 2,
            reached: 650,
            ..R
        },
        Record {
            date: "2020-05-08",
            org: MIDDLE,
            kind: "visit",
            area: "民生保障",
            title: "走访慰问困难群众",
            place: "中寨组",
            others: 12,
            ..R
        },
        Record {
            date: "2020-05-22",
            kind: "meeting",
            area: "村民自治",
            title: "村民代表大会审议村规民约修订",
            place: "山下村村委会",
            others: 48,
            ..R
        },
        Record {
            date: "2020-06-11",
            org: LOWER,
            kind: "meeting",
            area: "矛盾调解",
            title: "山林权属纠纷调解会",
            place: "下寨组",
            others: 9,
            ..R
        },
        Record {
            date: "2020-07-01",
            kind: "meeting",
            area: "党建引领",
            title: "“七一”主题党日活动",
            place: "山下村党员活动室",
            others: 26,
            ..R
        },
        Record {
            date: "2020-07-08",
            kind: "publicity",
            area: "乡村治理",
            title: "汛期防灾避险宣传",
            place: "山下村",
            channels: &["横幅", "微信群"],
            banners: 2,
            posts: 3,
            reached: 800,
            ..R
        },
        Record {
            date: "2020-08-15",
            org: MIDDLE,
            kind: "sanitation",
            area: "人居环境",
            campaign: CLEAN_UP,
            title: "中寨组河道垃圾清理",
            place: "中寨组河段",
            others: 40,
            ..R
        },
        Record {
            date: "2020-09-09",
            kind: "meeting",
            area: "产业发展",
            title: "百香果收购对接会",
            place: "山下村村委会",
            others: 30,
            ..R
        },
        Record {
            date: "2020-09-24",
            org: LOWER,
            kind: "visit",
            area: "民生保障",
            title: "关爱留守老人、留守儿童走访",
            place: "下寨组",
            others: 18,
            ..R
        },
        Record {
            date: "2020-10-13",
            org: UPPER,
            kind: "meeting",
            area: "村民自治",
            title: "上寨组村民会议议定道路硬化投工投劳",
            place: "上寨组",
            others: 37,
            ..R
        },
        Record {
            date: "2020-10-20",
            kind: "publicity",
            area: "民生保障",
            title: "城乡居民医保、养老保险参保政策宣传",
            place: "山下村",
            channels: &["横幅", "展板", "入户走访", "微信群"],
            banners: 2,
            boards: 1,
            posts: 2,
            reached: 1100,
            ..R
        },
        Record {
            date: "2020-11-18",
            org: LOWER,
            kind: "sanitation",
            area: "人居环境",
            campaign: CLEAN_UP,
            title: "下寨组村庄绿化美化",
            place: "下寨组",
            others: 28,
            ..R
        },
        Record {
            date: "2020-12-28",
            kind: "meeting",
            area: "产业发展",
            title: "村集体经济合作社年终分红大会",
            place: "山下村文化广场",
            others: 120,
            ..R
        },
    ],
    indicators: &[
        IndicatorPlan {
            name: "村集体收入",
            unit: "万元",
            decimals: 1,
            value: "35.6",
            target: "",
            last_year: "28.4",
            note: "村集体经济合作社年度决算",
        },
        IndicatorPlan {
            name: "新增就业",
            unit: "人",
            decimals: 0,
            value: "310",
            target: "300",
            last_year: "",
            note: "农村劳动力转移就业台账",
        },
        IndicatorPlan {
            name: "医保参保率",
            unit: "%",
            decimals: 1,
            value: "98.6",
            target: "98",
            last_year: "97.2",
            note: "",
        },
    ],
    projects: &[
        ProjectPlan {
            name: "山下村通组道路硬化工程",
            category: "基础设施",
            description: "硬化上寨、中寨、下寨三个村民小组通组道路，路面宽4.5米",
            started_on: "2020-03-01",
            measures: &[("硬化道路", "3.2", "公里"), ("投资", "120", "万元")],
            milestones: &[("路基平整", "2020-05-20"), ("水泥路面浇筑", "2020-09-30"), ("竣工验收", "2020-11-25")],
            progress: &[
                ("2020-04-15", 20, "完成清表和测量放线"),
                ("2020-06-30", 55, "路基平整完成"),
                ("2020-09-30", 90, "路面浇筑完成"),
                ("2020-11-25", 100, "通过竣工验收"),
            ],
        },
        ProjectPlan {
            name: "山下村饮水安全巩固提升工程",
            category: "基础设施",
            description: "新建蓄水池一座，更换入户供水管网",
            started_on: "2020-08-10",
            measures: &[("铺设管道", "4.5", "公里"), ("投资", "36", "万元")],
            milestones: &[("蓄水池主体施工", "2020-11-20"), ("管网铺设", "")],
            progress: &[("2020-10-30", 40, "蓄水池开挖完成"), ("2020-12-20", 65, "蓄水池主体完工，管网铺设过半")],
        },
        ProjectPlan {
            name: "山下村百香果产业示范基地",
            category: "产业发展",
            description: "流转土地发展百香果种植，带动脱贫户务工增收",
            started_on: "2020-04-01",
            measures: &[("面积", "150", "亩"), ("投资", "45", "万元")],
            milestones: &[("土地流转", "2020-04-20"), ("种苗定植", "2020-06-15")],
            progress: &[("2020-06-30", 60, "种苗定植完成"), ("2020-10-15", 100, "首批挂果采收")],
        },
        ProjectPlan {
            name: "山下村文化活动广场",
            category: "公共服务",
            description: "建设村级文化活动广场及配套设施",
            started_on: "",
            measures: &[("面积", "800", "平方米"), ("投资", "25", "万元")],
            milestones: &[],
            progress: &[],
        },
    ],
    cases: &[
        CasePlan {
            kind: "petition",
            received_on: "2020-04-22",
            parties: "中寨组村民",
            matter: "反映中寨组灌溉水渠损毁，影响春耕用水",
            handler: "覃建新",
            deadline: "2020-05-22",
            outcome: "resolved",
            resolution: "村委会组织修复水渠60米",
            closed_on: "2020-05-15",
        },
        CasePlan {
            kind: "dispute",
            received_on: "2020-06-02",
            parties: "上寨组与下寨组村民",
            matter: "两组之间山林权属界线纠纷",
            handler: "罗永福",
            deadline: "",
            outcome: "mediated",
            resolution: "召开调解会，双方签订山林界线协议",
            closed_on: "2020-06-11",
        },
        CasePlan {
            kind: "dispute",
            received_on: "2020-08-19",
            parties: "下寨组两户村民",
            matter: "宅基地界址纠纷",
            handler: "蒙志强",
            deadline: "",
            outcome: "mediated",
            resolution: "现场丈量后达成调解协议",
            closed_on: "2020-08-28",
        },
        CasePlan {
            kind: "dispute",
            received_on: "2020-11-05",
            parties: "中寨组村民与种植大户",
            matter: "土地流转租金支付纠纷",
            handler: "韦丽芳",
            deadline: "",
            outcome: "mediated",
            resolution: "约定分期支付租金",
            closed_on: "2020-11-20",
        },
        CasePlan {
            kind: "petition",
            received_on: "2020-12-08",
            parties: "下寨组村民",
            matter: "反映低保评定结果有异议",
            handler: "韦丽芳",
            deadline: "2021-01-07",
            outcome: "",
            resolution: "",
            closed_on: "",
        },
    ],
    households: &[
        HouseholdPlan {
            grid: UPPER,
            address: "山下村上寨组3号",
            members: &[
                ("罗德旺", "户主", "男", "1962-05-14"),
                ("蒙桂香", "配偶", "女", "1964-08-02"),
                ("罗文斌", "子女", "男", "1988-11-20"),
                ("罗小雨", "孙子女", "女", "2012-04-09"),
            ],
            visit: ("2020-09-03", "覃建新", "some_away", &["罗文斌"]),
        },
        HouseholdPlan {
            grid: UPPER,
            address: "山下村上寨组7号",
            members: &[
                ("韦仕明", "户主", "男", "1958-02-27"),
                ("黄美英", "配偶", "女", "1960-10-15"),
                ("韦俊杰", "子女", "男", "1990-06-30"),
            ],
            visit: ("2020-09-03", "覃建新", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: UPPER,
            address: "山下村上寨组12号",
            members: &[("潘桂英", "户主", "女", "1939-09-05")],
            visit: ("2020-09-04", "覃建新", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: UPPER,
            address: "山下村上寨组15号",
            members: &[
                ("卢振华", "户主", "男", "1975-01-18"),
                ("农秀芬", "配偶", "女", "1977-03-23"),
                ("卢思琪", "子女", "女", "2005-07-11"),
            ],
            visit: ("2020-09-04", "覃建新", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: MIDDLE,
            address: "山下村中寨组2号",
            members: &[
                ("黄永强", "户主", "男", "1968-12-01"),
                ("莫翠兰", "配偶", "女", "1970-04-19"),
                ("黄志鹏", "子女", "男", "1994-09-08"),
                ("黄志芳", "子女", "女", "1997-02-14"),
            ],
            visit: ("2020-09-07", "黄秋菊", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: MIDDLE,
            address: "山下村中寨组5号",
            members: &[
                ("蓝光荣", "户主", "男", "1955-07-07"),
                ("韦秀珍", "配偶", "女", "1957-11-29"),
                ("蓝海生", "子女", "男", "1983-05-03"),
            ],
            visit: ("2020-09-07", "黄秋菊", "vacant", &["蓝光荣", "韦秀珍", "蓝海生"]),
        },
        HouseholdPlan {
            grid: MIDDLE,
            address: "山下村中寨组9号",
            members: &[("莫荣昌", "户主", "男", "1936-03-30")],
            visit: ("2020-09-08", "黄秋菊", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: MIDDLE,
            address: "山下村中寨组11号",
            members: &[
                ("覃少华", "户主", "男", "1980-08-25"),
                ("梁晓燕", "配偶", "女", "1982-12-12"),
                ("覃子涵", "子女", "男", "2010-10-10"),
            ],
            visit: ("2020-09-08", "黄秋菊", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: LOWER,
            address: "山下村下寨组1号",
            members: &[
                ("蒙德贵", "户主", "男", "1960-06-16"),
                ("罗彩凤", "配偶", "女", "1962-01-21"),
                ("蒙小军", "孙子女", "男", "2011-03-17"),
            ],
            visit: ("2020-09-10", "蒙志强", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: LOWER,
            address: "山下村下寨组4号",
            members: &[
                ("潘国栋", "户主", "男", "1972-09-09"),
                ("黄丽清", "配偶", "女", "1974-05-26"),
                ("潘宇航", "子女", "男", "1999-08-13"),
                ("潘宇欣", "子女", "女", "2003-12-24"),
            ],
            visit: ("2020-09-10", "蒙志强", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: LOWER,
            address: "山下村下寨组8号",
            members: &[("韦秀娥", "户主", "女", "1941-04-04")],
            visit: ("2020-09-11", "蒙志强", "all_seen", &[]),
        },
        HouseholdPlan {
            grid: LOWER,
            address: "山下村下寨组10号",
            members: &[
                ("农振宇", "户主", "男", "1966-10-31"),
                ("蓝月娇", "配偶", "女", "1968-07-19"),
                ("农海波", "子女", "男", "1992-02-02"),
                ("农海燕", "子女", "女", "1995-06-06"),
            ],
            visit: ("2020-09-11", "蒙志强", "all_seen", &[]),
        },
    ],
    screening: Some(("山下村2020年入户大走访", "2020-09-01", "2020-09-30")),
    key_groups: &["独居老人", "留守儿童", "社区矫正人员"],
    key_persons: &[
        KeyPersonPlan {
            group: "留守儿童",
            name: "罗小雨",
            entered_on: "2020-02-25",
            reason: "父母长期在外务工，随祖父母生活",
            left: None,
        },
        KeyPersonPlan {
            group: "留守儿童",
            name: "蒙小军",
            entered_on: "2020-02-25",
            reason: "父母长期在外务工，随祖父母生活",
            left: None,
        },
        KeyPersonPlan {
            group: "独居老人",
            name: "潘桂英",
            entered_on: "2020-03-02",
            reason: "80岁以上独居",
            left: None,
        },
        KeyPersonPlan {
            group: "独居老人",
            name: "莫荣昌",
            entered_on: "2020-03-02",
            reason: "80岁以上独居",
            left: None,
        },
        KeyPersonPlan {
            group: "独居老人",
            name: "韦秀娥",
            entered_on: "2020-03-02",
            reason: "75岁以上独居",
            left: None,
        },
        KeyPersonPlan {
            group: "社区矫正人员",
            name: "卢振华",
            entered_on: "2020-04-10",
            reason: "依法实行社区矫正",
            left: Some(("2020-11-30", "矫正期满，依法解除社区矫正")),
        },
    ],
    problems: &[
        "村集体经济增收渠道单一，主要依靠百香果产业，抗风险能力较弱",
        "饮水安全巩固提升工程受雨季影响，进度滞后于计划",
    ],
    plans: &[
        "加快饮水安全巩固提升工程建设，确保2021年上半年完工通水",
        "启动村文化活动广场建设",
        "持续开展人居环境整治提升行动，巩固村庄清洁成果",
    ],
};

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
            mobile: crate::demo::synthetic_mobile(rng),
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
                id_number: crate::demo::synthetic_id(rng, born, *gender == "男"),
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
