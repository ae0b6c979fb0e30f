//! The one-click work summary, generated from the demo district's ledgers.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::tools;

async fn summary(app: &TestApp, token: &str, query: &str) -> (StatusCode, Value) {
    let r = app.get(token, &format!("/api/v1/summary?{query}")).await;
    (r.status(), r.json().await.unwrap())
}

/// Every fact of the seed this software keeps, in the seed's order of sections.
#[tokio::test]
async fn the_2020_h1_summary_states_the_seeds_facts_in_its_order() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let (status, s) = summary(&app, &token, "period=2020H1").await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let text = s["text"].as_str().unwrap();
    assert!(s["title"].as_str().unwrap().contains("2020年上半年X矿矿区"), "{}", s["title"]);
    let facts: &[&[&str]] = &[
        // Responsibility (一岗双责, pledges, first-responsible, the branches).
        &["县委、县政府的正确领导下"],
        &["签订责任状", "党委书记为意识形态工作第一责任人", "“一岗双责”", "4个党支部书记为所在支部第一责任人"],
        // Central group study.
        &["以党委书记为组长", "学习领导小组", "12个月的学习计划"],
        &["新时代中国特色社会主义思想的基本精神、基本内容、基本要求", "脱贫攻坚", "小康"],
        &["党委理论学习中心组学习4次", "全年目标不少于10次"],
        // Friday study.
        &[
            "除疫情期间外",
            "坚持每周开展“党旗领航·周五学习”",
            "宣传工作条例",
            "2020年意识形态工作专题视频",
            "《大国重器》",
        ],
        // Publicity.
        &["电子屏、广场显示屏、微信群", "学习强国"],
        &[
            "自治县成立30周年",
            "扫黑除恶专项斗争",
            "中央环保督查回头看",
            "乡村振兴",
            "新时代文明实践",
            "县庆县礼我在一线",
        ],
        &["以黄文秀为代表"],
        // Epidemic prevention: the grid work behind the seed's sentence.
        &[
            "成立疫情防控工作领导小组",
            "“社区不漏户、户不漏人”",
            "户、人覆盖率分别达到100%和100%",
            "排查出重点人员12人，按照一人一策建好台帐",
            "跟踪随访",
            "健康监测",
            "信息报送",
            "动态化管理",
            "消毒",
            "网格化、地毯式摸排管理",
            "疫情防控知识宣传",
        ],
        &["扫黑除恶专项斗争宣传，利用", "横幅", "展板", "标语"],
        &["卫生计生政策宣传", "社会治安综合治理宣传", "信访", "矛盾纠纷"],
        // Volunteer service.
        &[
            "志愿服务分队",
            "2020年工作计划",
            "每月组织开展不少于1次",
            "志愿服务活动7次",
            "均已及时录入并上报新时代文明实践云平台",
        ],
        // 三供一业.
        &[
            "三供一业",
            "支路给水管网",
            "供电管网管线下地",
            "箱式变压器安装",
            "主干道回填及水稳层",
            "支线道路硬化",
            "70%左右",
        ],
        // Sanitation.
        &["环境卫生整治", "公租房小区", "杂草", "排水沟", "乱张贴", "遮阳棚"],
        // Problems and plans.
        &["存在问题", "理论学习不够深入", "网络意识形态"],
        &["下一步打算", "自治县成立30周年", "每周开展“党旗领航·周五学习”", "不少于10次", "“学习强国”"],
    ];
    let mut last = 0;
    for group in facts {
        let at =
            text[last..].find(group[0]).unwrap_or_else(|| panic!("“{}” after position {last} in:\n{text}", group[0]));
        for fact in &group[1..] {
            assert!(text[last..].contains(fact), "“{fact}” in:\n{text}");
        }
        last += at;
    }
    // Every figure links to its records: "4次" opens the four sessions.
    let html = s["html"].as_str().unwrap();
    let four = html.find(">4次</a>").expect("a cited figure");
    let href = &html[html[..four].rfind("href=\"").unwrap() + 6..four];
    let href = &href[..href.find('"').unwrap()];
    assert!(href.starts_with("/activities?ids="), "{href}");
    let b = app.browser("kuangqu").await;
    let (status, list) = b.get(&href.replace("&amp;", "&")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(list.contains("共 4 条"), "the four sessions and nothing else");
    assert!(list.contains("只显示工作总结中该数字所依据的记录"), "the list says why it is short");
    assert!(!text.contains("[["), "no markup leaks into the text");
    // The households visited open the campaign with its coverage.
    let visited = html.find("户</a>、排查").expect("a cited count of households");
    let href = &html[html[..visited].rfind("href=\"").unwrap() + 6..visited];
    assert!(href.starts_with("/screenings/"), "{href}");
    assert_eq!(s["warnings"], serde_json::json!([]), "the records support every claim of H1");
}

/// The whole of 2020: the second half has no Friday study and no volunteer
/// service in the demo, and the preview says so before anything is sent.
#[tokio::test]
async fn claims_the_records_do_not_support_are_flagged() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let (_, s) = summary(&app, &token, "period=2020").await;
    let warnings: Vec<&str> = s["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(warnings.iter().any(|w| w.contains("周未开展“党旗领航·周五学习”")), "{warnings:?}");
    assert!(warnings.iter().any(|w| w.starts_with("7月、8月") && w.contains("未开展志愿服务活动")), "{warnings:?}");
    let b = app.browser("kuangqu").await;
    let (_, html) = b.get("/summary?period=2020").await;
    assert!(html.contains("导出前请检查"), "the page shows the warnings");
}

#[tokio::test]
async fn a_community_month_is_short_and_honest() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let community = app.org("第一社区").await.id;
    let shequ = app.token("shequ1").await;
    let r = app
        .send(
            &shequ,
            "POST",
            "/api/v1/activities",
            serde_json::json!({ "org_id": community, "kind": "sanitation", "title": "社区楼道杂物清理", "date": "2020-05-12" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (status, s) = summary(&app, &token, &format!("org_id={community}&period=2020-05")).await;
    assert_eq!(status, StatusCode::OK);
    let text = s["text"].as_str().unwrap();
    assert!(text.len() < 3000, "{text}");
    assert!(text.contains("社区楼道杂物清理"), "{text}");
    for absent in ["中心组", "三供一业", "存在问题", "下一步打算"] {
        assert!(!text.contains(absent), "nothing about “{absent}” in:\n{text}");
    }
    // A heading is never left empty: each is followed by text.
    let lines: Vec<&str> = text.lines().collect();
    for pair in lines.windows(2) {
        let heading = |l: &str| {
            l.starts_with(['一', '二', '三', '四', '五']) && l.contains('、') && l.len() < 80
                || l.starts_with('（') && l.len() < 80
        };
        assert!(!(heading(pair[0]) && heading(pair[1]) && pair[1].starts_with('一')), "{text}");
    }
    // A period without records: a short document that says so.
    let (status, s) = summary(&app, &token, &format!("org_id={community}&period=2019-01")).await;
    assert_eq!(status, StatusCode::OK);
    let text = s["text"].as_str().unwrap();
    assert!(text.contains("暂无工作台账记录。"), "{text}");
    assert_eq!(text.lines().count(), 2, "a title and one paragraph: {text}");
    // Matters without publicity still get their own section.
    let (_, s) = summary(&app, &token, &format!("org_id={community}&period=2020-03")).await;
    assert!(s["text"].as_str().unwrap().contains("调处矛盾纠纷1件"), "{}", s["text"]);
}

#[tokio::test]
async fn bad_periods_unknown_orgs_and_the_downloads() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let (status, s) = summary(&app, &token, "period=2020H3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&s)[0].0, "period");
    let (status, _) = summary(&app, &token, "period=2020H1&org_id=999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (other, _) = second_district(&app).await;
    let x = app.org("X矿矿区党委").await.id;
    let (status, _) = summary(&app, &other, &format!("period=2020H1&org_id={x}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another district's summary is out of scope");

    let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=docx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".docx"));
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=md").await;
    assert!(r.text().await.unwrap().starts_with("# 2020年上半年"));
    let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=pdfx").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // PDF: the same document through LibreOffice, with its text and page numbers.
    if tools::available("the summary's PDF download", &[tools::SOFFICE, tools::PDFTOTEXT]) {
        let r = app.get(&token, "/api/v1/summary/download?period=2020H1&format=pdf").await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let text = pdf_text(&r.bytes().await.unwrap());
        for fact in
            ["2020年上半年X矿矿区宣传思想文化工作总结", "党委理论学习中心组学习4次", "志愿服务活动7次", "—1—", "—2—"]
        {
            assert!(text.contains(fact), "“{fact}” in the PDF:\n{text}");
        }
    }

    let b = app.browser("chakan").await;
    let (status, html) = b.get("/summary?period=2020H1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("class=\"paper\"") && html.contains("class=\"cite\""));
    let (status, html) = b.get("/summary?period=2020H9").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"e-period\""));
}

/// A version kept before a ledger changes still says what it said.
#[tokio::test]
async fn a_kept_version_does_not_change_with_the_ledgers() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.send(&token, "POST", "/api/v1/summaries", serde_json::json!({ "period": "2020H1" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let kept: Value = r.json().await.unwrap();
    assert!(kept["title"].as_str().unwrap().contains("2020年上半年"));
    // One more central group session in June.
    let district = app.org("X矿矿区党委").await.id;
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/activities",
            serde_json::json!({ "org_id": district, "kind": "central_group_study", "title": "补充学习", "date": "2020-06-29" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, now) = summary(&app, &token, "period=2020H1").await;
    assert!(now["text"].as_str().unwrap().contains("中心组学习5次"));
    let old = app.get(&token, &format!("/api/v1/summaries/{}/download?format=md", kept["id"])).await;
    let old = old.text().await.unwrap();
    assert!(old.contains("中心组学习4次") && !old.contains("中心组学习5次"), "{old}");
    let list: Value = app.get(&token, "/api/v1/summaries?period=2020H1").await.json().await.unwrap();
    // The demo's own kept version (sent to the county with its half-year report) and this one.
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list.as_array().unwrap().iter().any(|s| s["id"] == kept["id"]));
    let (other, _) = second_district(&app).await;
    let r = app.get(&other, &format!("/api/v1/summaries/{}/download?format=md", kept["id"])).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Through the page: keep, then open the version.
    let b = app.browser("kuangqu").await;
    let r = b.post("/summaries", &[("org_id", ""), ("period", "2020H1")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = b.get(&at).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("中心组学习") && html.contains("台账此后的变化不会改变它"));
}

/// An org's own template, edited in the browser: errors name their line and
/// nothing is saved; a saved copy serves the org and the orgs below it.
#[tokio::test]
async fn templates_are_edited_checked_and_inherited() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let (status, html) = b.get("/summary/template?period=2020H1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("使用系统默认模板") && html.contains("宣传思想文化工作总结"), "the default is shown");

    let r = b.post("/summary/template/preview", &[("period", "2020H1"), ("source", "# 标题\n{{ data.org }\n")]).await;
    let fragment = r.text().await.unwrap();
    assert!(fragment.contains("模板第2行：语法错误"), "{fragment}");

    let r =
        b.post("/summary/template", &[("period", "2020H1"), ("source", "# 标题\n\n{{ data.no_such_name }}\n")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-source\">模板第3行：使用了不存在的名称"), "{html}");
    let (_, s) = summary(&app, &token, "period=2020H1").await;
    assert!(s["title"].as_str().unwrap().contains("宣传思想文化工作总结"), "nothing was saved");

    let looping = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
    let r = b.post("/summary/template", &[("period", "2020H1"), ("source", looping)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("无限循环"));

    let own = "# {{ data.org }}自定义总结\n\n本期共开展工作{{ data.total|figure('项') }}。\n";
    assert_eq!(
        b.post("/summary/template", &[("period", "2020H1"), ("source", own)]).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, s) = summary(&app, &token, "period=2020H1").await;
    assert_eq!(s["title"], "X矿矿区党委自定义总结");
    let community = app.org("第一社区").await.id;
    let (_, s) = summary(&app, &token, &format!("org_id={community}&period=2020H1")).await;
    assert_eq!(s["title"], "第一社区自定义总结", "an org below inherits the template");
    let (_, html) = b.get(&format!("/summary/template?org_id={community}")).await;
    assert!(html.contains("沿用“X矿矿区党委”的模板"), "{html}");

    let shequ = app.browser("shequ1").await;
    let r = shequ.post("/summary/template", &[("org_id", &community.to_string()), ("source", own)]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "a recorder does not change templates");

    assert_eq!(b.post("/summary/template/reset", &[("period", "2020H1")]).await.status(), StatusCode::SEE_OTHER);
    let (_, s) = summary(&app, &token, "period=2020H1").await;
    assert!(s["title"].as_str().unwrap().contains("宣传思想文化工作总结"), "back to the default");
}

/// The text of a PDF, by `pdftotext` (installed by scripts/setup.sh), without
/// the spaces and line breaks of its layout.
fn pdf_text(pdf: &[u8]) -> String {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    let out = std::process::Command::new(tools::path(tools::PDFTOTEXT)).arg(file.path()).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).chars().filter(|c| !c.is_whitespace()).collect()
}
