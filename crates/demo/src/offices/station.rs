//! The township's civilisation practice station (新时代文明实践所) and its year.

use super::*;

pub const STATION_NAME: &str = "青石镇新时代文明实践所";

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
