//! The village committee (村) and its year.

use super::*;

pub const VILLAGE_NAME: &str = "山下村";

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
