//! The section composer and the draft: an office arranges its summary's
//! sections by binding them to its own areas and kinds (ids, not words),
//! writes a section's text with figure chips, edits the generated draft, and
//! is told before export when a figure no longer matches its records.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = app.send(token, "POST", path, body.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{path} {body}");
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// A village with two areas and a year of records; its admin's token.
async fn village(app: &TestApp) -> (i64, String, i64, i64) {
    let admin = app.token("admin").await;
    let county = app.org("X自治县").await;
    let village =
        created(app, &admin, "/api/v1/orgs", json!({ "parent_id": county.id, "kind": "village", "name": "东山村" }))
            .await;
    app.add_user("dongshan", "org_admin", "东山村", false).await;
    let t = app.token("dongshan").await;
    let farming = created(app, &t, "/api/v1/work-areas", json!({ "name": "农技服务" })).await;
    let culture = created(app, &t, "/api/v1/work-areas", json!({ "name": "文化活动" })).await;
    for (kind, area, title, date, others) in [
        ("meeting", farming, "春耕技术培训", "2021-03-10", 30),
        ("meeting", farming, "果树修剪培训", "2021-07-12", 25),
        ("meeting", farming, "秋收农机讲座", "2021-08-20", 40),
        ("publicity", culture, "广场舞比赛", "2021-07-30", 120),
    ] {
        created(
            app,
            &t,
            "/api/v1/activities",
            json!({ "org_id": village, "kind": kind, "work_area_id": area, "title": title, "date": date,
                    "others_count": others }),
        )
        .await;
    }
    (village, t, farming, culture)
}

async fn summary_text(app: &TestApp, t: &str, org: i64) -> String {
    let r = app.get(t, &format!("/api/v1/summary?org_id={org}&period=2021")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Value>().await.unwrap()["text"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn sections_bound_by_id_state_their_figures_and_chips() {
    let app = spawn_app().await;
    let (org, t, farming, culture) = village(&app).await;

    // The default: a section per top-level area, in the office's order.
    let default: Value = app.get(&t, &format!("/api/v1/summary/composition?org_id={org}")).await.json().await.unwrap();
    assert_eq!(default["is_default"], true, "{default}");
    let text = summary_text(&app, &t, org).await;
    let (a, b) = (text.find("农技服务").unwrap(), text.find("文化活动").unwrap());
    assert!(a < b, "{text}");
    assert!(text.contains("农技服务方面共开展3次会议"), "{text}");

    let composition = json!({
        "title": "东山村「期间」为民服务工作总结",
        "sections": [
            { "heading": "文化惠民", "level": 1, "parts": ["activities"], "binding": { "areas": [culture] } },
            { "heading": "农技下乡", "level": 1, "parts": ["activities"], "binding": { "areas": [farming] },
              "text": "「期间」共举办培训「次数」，其中7至8月「7至8月·次数」，参与「参与人次」，主要有「活动名称」。" },
            { "heading": "志愿服务", "level": 1, "parts": ["activities"], "binding": { "kinds": ["volunteer_activity"] } },
        ]
    });
    let r = app.send(&t, "PUT", &format!("/api/v1/summary/composition?org_id={org}"), composition.clone()).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT, "{:?}", r.text().await);
    let text = summary_text(&app, &t, org).await;
    assert!(text.contains("一、文化惠民"), "{text}");
    assert!(text.contains("二、农技下乡"), "{text}");
    assert!(
        text.contains("全年共举办培训3次，其中7至8月2次，参与95人次，主要有春耕技术培训、果树修剪培训、秋收农机讲座。"),
        "{text}"
    );
    assert!(!text.contains("志愿服务"), "a section without records is left out:\n{text}");
    assert!(text.find("文化惠民").unwrap() < text.find("农技下乡").unwrap(), "{text}");

    // Renaming the areas changes no figure: sections take areas by id.
    for (id, name) in [(farming, "甲领域"), (culture, "乙领域")] {
        let r = app.send(&t, "PATCH", &format!("/api/v1/work-areas/{id}"), json!({ "name": name })).await;
        assert!(r.status().is_success(), "rename {id}: {}", r.status());
    }
    assert_eq!(summary_text(&app, &t, org).await, text);

    // Wrong input is named by section and field.
    let bad = json!({ "sections": [
        { "heading": "", "parts": ["activities"] },
        { "heading": "好", "text": "「不存在的标签」" },
        { "heading": "又好", "binding": { "areas": [999999] } },
    ] });
    let r = app.send(&t, "PUT", &format!("/api/v1/summary/composition?org_id={org}"), bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let errors = field_errors(&r.json().await.unwrap());
    let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert!(fields.contains(&"sections[0].heading"), "{errors:?}");
    assert!(fields.contains(&"sections[1].text"), "{errors:?}");
    assert!(errors.iter().all(|(_, m)| m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))), "{errors:?}");

    // A viewer or a recorder may not rearrange the summary.
    app.add_user("dongshan_view", "viewer", "东山村", false).await;
    let viewer = app.token("dongshan_view").await;
    let r = app.send(&viewer, "PUT", &format!("/api/v1/summary/composition?org_id={org}"), composition).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Back to the default.
    let r = app.send(&t, "DELETE", &format!("/api/v1/summary/composition?org_id={org}"), json!(null)).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(summary_text(&app, &t, org).await.contains("甲领域方面共开展3次会议"));
}

#[tokio::test]
async fn the_composer_page_saves_sections_and_names_errors() {
    let app = spawn_app().await;
    let (org, _, farming, _) = village(&app).await;
    let browser = app.browser("dongshan").await;
    let (status, html) = browser.get(&format!("/summary/composition?org_id={org}&period=2021")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("农技服务") && html.contains("系统拟写"), "{html}");
    let org_s = org.to_string();
    let farming_s = farming.to_string();
    let form = [
        ("org_id", org_s.as_str()),
        ("period", "2021"),
        ("title", ""),
        ("s0_heading", "农技下乡"),
        ("s0_level", "1"),
        ("s0_order", "1"),
        ("s0_parts", "activities"),
        ("s0_areas", farming_s.as_str()),
        ("s0_text", ""),
        ("s1_new", "1"),
        ("s1_heading", ""),
        ("s1_text", ""),
    ];
    let r = browser.post("/summary/composition", &form).await;
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    let (_, html) = browser.get(&format!("/summary?org_id={org}&period=2021")).await;
    assert!(html.contains("农技下乡"), "{html}");
    let mut bad = form.to_vec();
    bad[3] = ("s0_heading", "");
    let r = browser.post("/summary/composition", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("第1节缺少标题") && html.contains("aria-invalid=\"true\""), "{html}");
}

#[tokio::test]
async fn an_edited_draft_warns_of_changed_figures_and_records() {
    let app = spawn_app().await;
    let (org, t, farming, _) = village(&app).await;
    let path = format!("/api/v1/summary/draft?org_id={org}&period=2021");
    assert_eq!(app.get(&t, &path).await.status(), StatusCode::NOT_FOUND);

    // The first save keeps the markup as generated; saving the generated
    // text with a sentence added warns of nothing.
    let base = app.send(&t, "PUT", &path, json!({ "markup": "# 草稿\n\n占位。" })).await;
    assert_eq!(base.status(), StatusCode::OK, "{:?}", base.text().await);
    let out: Value = base.json().await.unwrap();
    let generated = out["generated"].as_str().unwrap().to_owned();
    assert!(generated.contains("[[3次|activity:"), "{generated}");
    let edited = generated.clone() + "\n另有群众点赞。\n";
    let out: Value = app.send(&t, "PUT", &path, json!({ "markup": edited })).await.json().await.unwrap();
    assert_eq!(out["warnings"], json!([]), "{out}");

    // A figure changed by hand is named.
    let changed = generated.replacen("[[3次|activity:", "[[5次|activity:", 1);
    let out: Value = app.send(&t, "PUT", &path, json!({ "markup": changed })).await.json().await.unwrap();
    let warnings = out["warnings"].to_string();
    assert!(warnings.contains("5次") && warnings.contains("3次"), "{out}");

    // A record added since the draft is flagged.
    app.send(&t, "PUT", &path, json!({ "markup": generated })).await;
    created(
        &app,
        &t,
        "/api/v1/activities",
        json!({ "org_id": org, "kind": "meeting", "work_area_id": farming, "title": "冬季培训", "date": "2021-12-01" }),
    )
    .await;
    let out: Value = app.get(&t, &path).await.json().await.unwrap();
    assert!(out["warnings"].to_string().contains("台账记录有变化"), "{out}");

    // A viewer may read but not write a draft; an empty draft is refused by field.
    app.add_user("dongshan_view", "viewer", "东山村", false).await;
    let viewer = app.token("dongshan_view").await;
    assert_eq!(app.send(&viewer, "PUT", &path, json!({ "markup": "x" })).await.status(), StatusCode::FORBIDDEN);
    let r = app.send(&t, "PUT", &path, json!({ "markup": "  " })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "markup");

    // The draft downloads as Word, and dropping it goes back to the records.
    let browser = app.browser("dongshan").await;
    let (status, html) = browser.get(&format!("/summary/draft?org_id={org}&period=2021")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("导出前请核对") && html.contains("/summary/draft/download"), "{html}");
    let (status, _) = browser.get(&format!("/summary/draft/download?org_id={org}&period=2021&format=docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.send(&t, "DELETE", &path, json!(null)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&t, &path).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_office_adopts_the_usual_areas_of_its_kind_once() {
    let app = spawn_app().await;
    let (org, t, _, _) = village(&app).await;
    let path = format!("/api/v1/work-areas/defaults?org_id={org}");
    let r = app.send(&t, "POST", &path, json!(null)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let areas: Vec<Value> = r.json().await.unwrap();
    let names: Vec<&str> = areas.iter().filter_map(|a| a["name"].as_str()).collect();
    for name in ["党建引领", "产业发展", "乡村治理", "村民自治", "人居环境", "农技服务"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let again: Vec<Value> = app.send(&t, "POST", &path, json!(null)).await.json().await.unwrap();
    assert_eq!(again.len(), areas.len(), "nothing is added twice");
    // The default composition now has a section per top-level area.
    let c: Value = app.get(&t, &format!("/api/v1/summary/composition?org_id={org}")).await.json().await.unwrap();
    let headings: Vec<&str> =
        c["composition"]["sections"].as_array().unwrap().iter().filter_map(|s| s["heading"].as_str()).collect();
    assert!(headings.contains(&"党建引领") && headings.contains(&"农技服务"), "{headings:?}");
    // A recorder may not.
    app.add_user("dongshan_rec", "recorder", "东山村", false).await;
    let rec = app.token("dongshan_rec").await;
    assert_eq!(app.send(&rec, "POST", &path, json!(null)).await.status(), StatusCode::FORBIDDEN);
}
