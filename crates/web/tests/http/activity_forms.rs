//! The activity form per kind of work: the sections each kind shows, the
//! attendance picker's presets and counts, photos attached while creating
//! (all or nothing), "复制上一条", and the defaults of dates and people fields.

use reqwest::StatusCode;
use serde_json::Value;
use taizhang_core::auth::Actor;
use taizhang_core::model::OrgKind;

use crate::evidence::png;
use crate::helpers::*;

/// The opening tag of the first element marked `data-section="name"`.
fn section_tag<'a>(html: &'a str, name: &str) -> &'a str {
    let marker = format!("data-section=\"{name}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no section {name}"));
    let open = html[..at].rfind('<').unwrap();
    let close = at + html[at..].find('>').unwrap();
    &html[open..=close]
}

fn shown(html: &str, name: &str) -> bool {
    !section_tag(html, name).contains(" hidden")
}

const SECTIONS: [&str; 7] = ["topic", "materials", "attendance", "publicity", "quantities", "hours", "platform_report"];

/// The sections a form shows, in [`SECTIONS`] order.
fn shown_sections(html: &str) -> Vec<&'static str> {
    SECTIONS.into_iter().filter(|s| shown(html, s)).collect()
}

/// The value of an input named `name`.
fn input_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no input {name}"));
    let tag = &html[html[..at].rfind('<').unwrap()..at + html[at..].find('>').unwrap()];
    let Some(v) = tag.find("value=\"") else { return String::new() };
    let rest = &tag[v + 7..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn activity(app: &TestApp, token: &str, id: i64) -> Value {
    let r = app.get(token, &format!("/api/v1/activities/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn created_id(r: &reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap();
    location.rsplit('/').next().unwrap().parse().expect(location)
}

/// The leading group under `parent` that serves a summary topic, found by codes.
async fn group_serving(app: &TestApp, parent: i64, purpose: &str) -> taizhang_core::model::Org {
    let tree = app.services.org_tree(&Actor::system("t")).await.unwrap();
    tree.into_iter()
        .find(|o| {
            o.parent_id == Some(parent) && o.kind == OrgKind::LeadingGroup && o.purpose.as_deref() == Some(purpose)
        })
        .expect("a leading group serving the topic")
}

async fn current_members(app: &TestApp, org: i64) -> Vec<i64> {
    let mut ids: Vec<i64> = app
        .services
        .memberships_of_org(&Actor::system("t"), org)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.ended_on.is_none())
        .map(|m| m.person_id)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[tokio::test]
async fn the_form_shows_each_kind_its_sections_and_keeps_the_rest() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let r = app.send(&token, "POST", "/api/v1/kinds", serde_json::json!({ "name": "理论宣讲" })).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let b = app.browser("kuangqu").await;
    let study = vec!["topic", "materials", "attendance"];
    for (kind, want) in [
        ("central_group_study", study.clone()),
        ("study_day", study.clone()),
        ("meeting", study.clone()),
        ("publicity", vec!["publicity", "quantities"]),
        ("volunteer_activity", vec!["hours", "platform_report"]),
        ("sanitation", vec![]),
        ("inspection", vec![]),
        ("visit", vec![]),
        ("理论宣讲", vec!["topic", "materials", "attendance", "publicity", "quantities"]),
        ("", SECTIONS.to_vec()),
    ] {
        let (status, html) = b.get(&format!("/activities/new?kind={}", urlencode(kind))).await;
        assert_eq!(status, StatusCode::OK, "{kind}");
        assert_eq!(shown_sections(&html), want, "{kind}: the sections shown on first load");
        // Hidden or not, every field is in the form.
        for name in ["materials", "channels", "campaign_id", "banners", "reached", "reported_on", "reported_by"] {
            assert!(html.contains(&format!("name=\"{name}\"")), "{kind}: {name} is in the form");
        }
        // The script switches with the same table.
        let table = html.split("data-sections=\"").nth(1).unwrap().split('"').next().unwrap().replace("&quot;", "\"");
        let table: Value = serde_json::from_str(&table).expect("the sections table");
        assert_eq!(table[kind], serde_json::json!(want), "{kind}: the script's table");
    }

    // Refused, the form keeps the kind's sections and any section holding data.
    let district = app.org("X矿矿区党委").await.id.to_string();
    let r = b
        .post(
            "/activities",
            &[("org_id", &district), ("kind", "meeting"), ("title", ""), ("date", "2020-05-06"), ("banners", "4")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert_eq!(shown_sections(&html), ["topic", "materials", "attendance", "quantities"]);

    // A record whose kind changed keeps what its hidden sections held, and
    // its form shows them.
    let r = b
        .post(
            "/activities",
            &[
                ("org_id", &district),
                ("kind", "meeting"),
                ("title", "宣传例会"),
                ("date", "2020-05-06"),
                ("channels", "wechat_group"),
                ("banners", "4"),
            ],
        )
        .await;
    let id = created_id(&r);
    let saved = activity(&app, &token, id).await;
    assert_eq!(saved["channels"], serde_json::json!(["wechat_group"]));
    assert_eq!(saved["banners"], 4);
    let (_, html) = b.get(&format!("/activities/{id}/edit")).await;
    assert_eq!(shown_sections(&html), ["topic", "materials", "attendance", "publicity", "quantities"]);
}

#[tokio::test]
async fn a_publicity_record_saves_channels_and_quantities() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let org = app.org("第一社区").await.id.to_string();
    let campaigns: Value = app.get(&token, "/api/v1/campaigns").await.json().await.unwrap();
    let campaign = campaigns.as_array().unwrap()[0]["id"].as_i64().unwrap().to_string();
    let (_, form) = b.get(&format!("/activities/new?kind=publicity&org_id={org}")).await;
    assert_eq!(shown_sections(&form), ["publicity", "quantities"]);
    let r = b
        .post(
            "/activities",
            &[
                ("org_id", &org),
                ("kind", "publicity"),
                ("title", "文明实践进小区"),
                ("date", "2020-06-12"),
                ("campaign_id", &campaign),
                ("channels", "banner"),
                ("channels", "wechat_group"),
                ("banners", "2"),
                ("boards", "3"),
                ("posts", "5"),
                ("reached", "800"),
                ("role_models", "黄文秀"),
            ],
        )
        .await;
    let id = created_id(&r);
    let saved = activity(&app, &token, id).await;
    assert_eq!(saved["kind"], "publicity");
    assert_eq!(saved["campaign_id"].as_i64().unwrap().to_string(), campaign);
    assert_eq!(saved["channels"], serde_json::json!(["banner", "wechat_group"]));
    let quantities = ["banners", "boards", "posts", "reached"].map(|k| saved[k].as_u64().unwrap());
    assert_eq!(quantities, [2, 3, 5, 800]);
    let (_, page) = b.get(&format!("/activities/{id}")).await;
    assert!(page.contains("横幅、微信群") && page.contains("横幅2条，展板3块，信息5条，覆盖800人次"), "{page}");
}

#[tokio::test]
async fn a_study_session_picked_by_preset_saves_its_attendance_counts() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let district = app.org("X矿矿区党委").await;
    let group = group_serving(&app, district.id, taizhang_core::purpose::THEORY_STUDY).await;
    let members = current_members(&app, group.id).await;
    assert!(members.len() >= 4, "{members:?}");

    // The picker of a central group session suggests the theory-study group
    // first: exactly its members, each of them in the list.
    let (status, picker) =
        b.get(&format!("/activities/participants?org_id={}&kind=central_group_study", district.id)).await;
    assert_eq!(status, StatusCode::OK);
    let first = picker.split("data-preset=\"").nth(1).expect("a preset");
    let tag_start = picker[..picker.find("data-preset=\"").unwrap()].rfind('<').unwrap();
    assert!(picker[tag_start..].starts_with("<button type=\"button\" class=\"link suggested\""), "suggested first");
    let mut ids: Vec<i64> = first[..first.find('"').unwrap()].split(' ').map(|s| s.parse().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, members, "the preset is the group's members");
    assert!(first.contains(&format!("{}成员（{}人）", group.name, members.len())));
    for id in &members {
        assert!(picker.contains(&format!("id=\"p-{id}\"")), "member {id} can be picked");
    }
    // Another leading group under the district is offered, not suggested.
    assert_eq!(picker.matches("class=\"link suggested\"").count(), 1);

    // A branch's session suggests the branch's own members.
    let tree = app.services.org_tree(&Actor::system("t")).await.unwrap();
    let branch = tree.iter().find(|o| o.kind == OrgKind::PartyBranch && o.parent_id == Some(district.id)).unwrap();
    let (_, branch_picker) = b.get(&format!("/activities/participants?org_id={}&kind=study_day", branch.id)).await;
    let own = branch_picker.split("class=\"link suggested\"").nth(1).expect("a suggested preset");
    assert!(own[..own.find("</button>").unwrap()].contains("本组织成员"), "{own}");

    // Saved with one on leave and one absent: 应到 / 实到 / 请假 on the record.
    let org = district.id.to_string();
    let mut fields: Vec<(String, String)> = vec![
        ("org_id".into(), org),
        ("kind".into(), "central_group_study".into()),
        ("title".into(), "中心组专题学习（测试）".into()),
        ("date".into(), "2020-06-18".into()),
    ];
    for (i, id) in members.iter().enumerate() {
        fields.push(("person".into(), id.to_string()));
        let attendance = match i {
            0 => "leave",
            1 => "absent",
            _ => "present",
        };
        fields.push((format!("attendance_{id}"), attendance.into()));
        if i == 0 {
            fields.push((format!("leave_reason_{id}"), "外出参加培训".into()));
        }
    }
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let id = created_id(&b.post("/activities", &borrowed).await);
    let saved = activity(&app, &token, id).await;
    assert_eq!(saved["participants"].as_array().unwrap().len(), members.len());
    let (_, page) = b.get(&format!("/activities/{id}")).await;
    let n = members.len();
    let counts = format!("应到 {n} 人，实到 {} 人，请假 1 人，缺席 1 人", n - 2);
    assert!(page.contains(&counts), "the record counts its attendance: {counts}");
    // The form counts the same on editing.
    let (_, form) = b.get(&format!("/activities/{id}/edit")).await;
    for (what, count) in [("expected", n), ("present", n - 2), ("leave", 1)] {
        assert!(form.contains(&format!("data-count=\"{what}\">{count}<")), "{what}: {count}");
    }
}

fn multipart(csrf: &str, fields: &[(&str, &str)], files: Vec<(&'static str, Vec<u8>)>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new().text("_csrf", csrf.to_owned());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in files {
        form = form.part("photos", reqwest::multipart::Part::bytes(bytes).file_name(name));
    }
    form
}

async fn titled(app: &TestApp, token: &str, title: &str) -> u64 {
    let list: Value = app.get(token, &format!("/api/v1/activities?q={}", urlencode(title))).await.json().await.unwrap();
    list["total"].as_u64().unwrap()
}

#[tokio::test]
async fn photos_attached_while_creating_are_stored_or_refuse_the_whole_post() {
    let app = spawn_app().await;
    let token = app.token("shequ1").await;
    let b = app.browser("shequ1").await;
    let org = app.org("第一社区").await.id.to_string();
    let (_, form) = b.get("/activities/new?kind=sanitation").await;
    assert!(
        form.contains("enctype=\"multipart/form-data\"") && form.contains("type=\"file\" name=\"photos\" multiple")
    );
    let fields = |title: &'static str| {
        vec![
            ("org_id", org.clone()),
            ("kind", "sanitation".to_owned()),
            ("title", title.to_owned()),
            ("date", "2020-06-05".to_owned()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, Vec<u8>)>| {
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let form = multipart(&b.csrf, &f, files);
        b.client.post(format!("{}/activities", b.base)).multipart(form).send()
    };

    // A refused file: 422 naming the field and the file, nothing saved.
    let r = send(fields("清理楼道杂物"), vec![("现场.png", png()), ("说明.txt", "只是文字".as_bytes().to_vec())])
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let error = html.split("id=\"e-photos\">").nth(1).expect("the photos field's error");
    assert!(error[..error.find("</p>").unwrap()].contains("说明.txt"), "{error}");
    assert!(html.contains("id=\"f-photos\" aria-invalid=\"true\""));
    assert_eq!(titled(&app, &token, "清理楼道杂物").await, 0, "nothing saved");
    // A wrong field and a good photo: nothing saved, the photo asked for again.
    let mut wrong = fields("清理楼道杂物");
    wrong[3].1 = "2020-02-30".into();
    let r = send(wrong, vec![("现场.png", png())]).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-date\"") && html.contains("请改正上面的错误后重新选择"));
    assert_eq!(titled(&app, &token, "清理楼道杂物").await, 0, "nothing saved");
    // Without the form's token nothing is read.
    let form = reqwest::multipart::Form::new()
        .text("title", "x")
        .part("photos", reqwest::multipart::Part::bytes(png()).file_name("a.png"));
    let r = b.client.post(format!("{}/activities", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Good files: the record and its evidence, the photo with its thumbnail.
    let r = send(fields("清理楼道杂物"), vec![("现场.png", png()), ("整治前.png", png())]).await.unwrap();
    let id = created_id(&r);
    let evidence: Value = app.get(&token, &format!("/api/v1/activities/{id}/evidence")).await.json().await.unwrap();
    let evidence = evidence.as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    assert!(evidence.iter().all(|e| e["content_type"] == "image/png" && e["has_thumbnail"] == true), "{evidence:?}");
    let (_, page) = b.get(&format!("/activities/{id}")).await;
    assert!(page.contains("alt=\"现场.png\""), "the record shows its photo");

    // A viewer's post is refused before any file is looked at.
    let viewer = app.browser("chakan").await;
    let form = multipart(
        &viewer.csrf,
        &[("org_id", &org), ("kind", "sanitation"), ("title", "查看者的记录"), ("date", "2020-06-05")],
        vec![("a.png", png())],
    );
    let r = viewer.client.post(format!("{}/activities", viewer.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(titled(&app, &token, "查看者的记录").await, 0);
}

#[tokio::test]
async fn copy_last_starts_from_this_accounts_last_record_of_the_kind() {
    let app = spawn_app().await;
    let token = app.token("shequ1").await;
    let b = app.browser("shequ1").await;
    let org = app.org("第一社区").await;
    let people = app.services.person_search(&Actor::system("t"), "", Some(org.id), 1, 2).await.unwrap();
    let someone = people.items[0].person.id.to_string();
    let campaigns: Value = app.get(&token, "/api/v1/campaigns").await.json().await.unwrap();
    let campaign = campaigns.as_array().unwrap()[1]["id"].as_i64().unwrap().to_string();
    let areas: Value = app.get(&token, "/api/v1/work-areas").await.json().await.unwrap();
    let area = areas.as_array().unwrap()[0]["id"].as_i64().unwrap().to_string();
    let oid = org.id.to_string();

    // Nothing entered yet by this account.
    let (_, html) = b.get("/activities/new?copy=last&kind=publicity").await;
    assert!(html.contains("id=\"copy-missing\""));

    let publicity = |title: &'static str, date: &'static str| {
        vec![
            ("org_id", oid.clone()),
            ("kind", "publicity".to_owned()),
            ("work_area_id", area.clone()),
            ("title", title.to_owned()),
            ("summary", "宣传内容".to_owned()),
            ("date", date.to_owned()),
            ("campaign_id", campaign.clone()),
            ("channels", "slogan".to_owned()),
            ("channels", "wechat_group".to_owned()),
            ("banners", "6".to_owned()),
            ("person", someone.clone()),
        ]
    };
    for (title, date) in [("禁毒宣传（一）", "2020-06-01"), ("禁毒宣传（二）", "2020-06-08")] {
        let fields = publicity(title, date);
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        created_id(&b.post("/activities", &f).await);
    }
    // A record of another kind afterwards does not count for publicity.
    let f = [("org_id", oid.as_str()), ("kind", "meeting"), ("title", "网格员例会"), ("date", "2020-06-09")];
    let meeting = created_id(&b.post("/activities", &f).await);

    let (_, html) = b.get("/activities/new?copy=last&kind=publicity").await;
    assert!(html.contains("id=\"copied\""), "a copy");
    assert_eq!(input_value(&html, "title"), "禁毒宣传（二）");
    assert!(html.contains(&format!("<option value=\"{campaign}\" selected>")), "the campaign");
    assert!(html.contains(&format!("<option value=\"{area}\" selected>")), "the work area");
    assert!(
        html.contains("value=\"slogan\" checked") && html.contains("value=\"wechat_group\" checked"),
        "the channels"
    );
    assert!(html.contains(&format!("id=\"p-{someone}\" checked")), "the participants");
    assert_ne!(input_value(&html, "date"), "2020-06-08", "the date starts again");
    assert_eq!(input_value(&html, "banners"), "", "quantities are the new record's own");
    assert!(!html.contains(">宣传内容<"), "so is the content");
    assert_eq!(shown_sections(&html), ["publicity", "quantities"]);
    // Any kind: the last record entered.
    let (_, html) = b.get("/activities/new?copy=last").await;
    assert_eq!(input_value(&html, "title"), "网格员例会");
    // Another account's last records are its own.
    let other = app.browser("kuangqu").await;
    let (_, html) = other.get("/activities/new?copy=last&kind=publicity").await;
    assert!(html.contains("id=\"copy-missing\""));
    // The new form links to the copy of its kind; a record's page to a copy of itself.
    let (_, html) = b.get("/activities/new?kind=publicity").await;
    assert!(html.contains("href=\"/activities/new?copy=last&amp;kind=publicity\""));
    let (_, page) = b.get(&format!("/activities/{meeting}")).await;
    assert!(page.contains(&format!("href=\"/activities/new?copy={meeting}\"")));
    let (_, html) = b.get(&format!("/activities/new?copy={meeting}")).await;
    assert_eq!(input_value(&html, "title"), "网格员例会");
}

#[tokio::test]
async fn a_new_record_dates_within_the_working_period_and_names_the_person() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let b = app.browser("kuangqu").await;
    let today = taizhang_core::auth::now().date_naive();

    // A past period: its last day.
    b.get("/period?set=2020H1&back=/").await;
    let (_, html) = b.get("/activities/new?kind=meeting").await;
    assert_eq!(input_value(&html, "date"), "2020-06-30");
    b.get("/period?set=2020-03&back=/").await;
    let (_, html) = b.get("/activities/new?kind=meeting").await;
    assert_eq!(input_value(&html, "date"), "2020-03-31");
    // The period holding today: today.
    b.get(&format!("/period?set={}&back=/", today.format("%Y-%m"))).await;
    let (_, html) = b.get("/activities/new?kind=meeting").await;
    assert_eq!(input_value(&html, "date"), today.to_string());

    // 上报人 is the signed-in person's name, not the account's label.
    let (_, html) = b.get("/activities/new?kind=volunteer_activity").await;
    assert_eq!(input_value(&html, "reported_by"), "矿区办公室");
    // Left as offered without a report date, it reports nothing.
    let district = app.org("X矿矿区党委").await.id.to_string();
    let f = [
        ("org_id", district.as_str()),
        ("kind", "volunteer_activity"),
        ("title", "助老服务"),
        ("date", "2020-06-20"),
        ("reported_by", "矿区办公室"),
    ];
    let id = created_id(&b.post("/activities", &f).await);
    let saved = activity(&app, &token, id).await;
    assert_eq!((saved["reported_on"].clone(), saved["reported_by"].clone()), (Value::Null, Value::from("")));
    let (_, page) = b.get(&format!("/activities/{id}")).await;
    assert!(page.contains("value=\"矿区办公室\""), "the report form names the person too");
}

fn urlencode(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'_');
    percent_encoding::utf8_percent_encode(s, KEEP).to_string()
}
