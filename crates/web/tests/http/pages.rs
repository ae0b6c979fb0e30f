use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn pages_need_a_session_and_cookies_are_protected() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/people")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=/people");

    let form = app.http.get(app.url("/login")).send().await.unwrap();
    let cookie = form.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let html = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_csrf(&html);
    let r = client
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("next", "/orgs"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/orgs");
    let session = r.headers()["set-cookie"].to_str().unwrap();
    assert!(session.starts_with("tz_session=") && session.contains("HttpOnly") && session.contains("SameSite=Lax"));

    // A sign-in form without the token is refused.
    let r =
        app.http.post(app.url("/login")).form(&[("username", "admin"), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // An open redirect is not followed.
    let html = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_csrf(&html);
    let r = client
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("next", "//evil.example/"), ("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn every_page_renders_for_every_role() {
    let app = spawn_app().await;
    let person = app
        .store
        .person_search(&taizhang_core::model::PersonQuery {
            per_page: 1,
            ..taizhang_core::model::PersonQuery::new(app.org("第一社区第一网格").await.path, String::new())
        })
        .await
        .unwrap()
        .items[0]
        .id;
    let org = app.org("第一社区第一网格").await.id;
    for user in ["admin", "kuangqu", "shequ1", "chakan"] {
        let b = app.browser(user).await;
        for path in [
            "/".to_owned(),
            "/orgs".into(),
            format!("/orgs/{org}"),
            "/people".into(),
            "/people?q=zw".into(),
            "/people?page=2".into(),
            format!("/people/{person}"),
            "/auth/password".into(),
            "/dashboard".into(),
            "/dashboard?period=2020H1".into(),
            "/activities?period=2020".into(),
            "/targets?year=2020".into(),
            "/study-plans?year=2020".into(),
            "/rectifications".into(),
            "/rectifications?status=overdue".into(),
            "/volunteer-hours?period=2020H1".into(),
            "/responsibility".into(),
            "/responsibility?year=2020".into(),
            "/cases".into(),
            "/cases?kind=petition&status=closed&from=2020-01-01".into(),
            "/projects".into(),
            "/reviews".into(),
            "/reviews?period=2020H1".into(),
        ] {
            let (status, body) = b.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{user} {path}");
            assert!(body.contains("<html lang=\"zh-CN\">"), "{user} {path}");
        }
    }
    let b = app.browser("kuangqu").await;
    for path in
        ["/users", "/users/new", "/audit", "/audit?action=login", "/people/new", &format!("/people/{person}/edit")]
    {
        assert_eq!(b.get(path).await.0, StatusCode::OK, "{path}");
    }
    let (status, body) = b.get("/audit?from=yesterday").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("格式应为"));
    assert_eq!(b.get("/nowhere").await.0, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/people/abc").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_wrong_id_number_is_shown_beside_its_field() {
    let app = spawn_app().await;
    let b = app.browser("shequ1").await;
    let grid = app.org("第一社区第三网格").await;
    let org_id = grid.id.to_string();
    let r = b
        .post(
            "/people",
            &[("org_id", &org_id), ("name", "赵六"), ("id_number", "110105194912310021"), ("mobile", "13812345678")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    // The message sits in the id_number field's block, and the typed values are kept.
    let field = html.split("id=\"f-id_number\"").nth(1).expect("the field");
    let block = &field[..field.find("</div>").unwrap()];
    assert!(block.contains("class=\"error\" id=\"e-id_number\""), "{block}");
    assert!(block.contains("校验位"), "{block}");
    assert!(html.contains("value=\"赵六\""));
    assert!(html.contains("value=\"13812345678\""));

    // Corrected, it is saved and shown masked.
    let r = b
        .post(
            "/people",
            &[("org_id", &org_id), ("name", "赵六"), ("id_number", "11010519491231002X"), ("party_member", "on")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = b.get(&location).await;
    assert!(page.contains("1101**********002X"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let b = app.browser("admin").await;
    let grid = app.org("第一社区第三网格").await.id.to_string();
    let r = b
        .client
        .post(format!("{}/people", b.base))
        .form(&[("org_id", grid.as_str()), ("name", "无令牌")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = b
        .client
        .post(format!("{}/people", b.base))
        .form(&[("org_id", grid.as_str()), ("name", "假令牌"), ("_csrf", &"0".repeat(64))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // htmx sends the token as a header instead.
    let r = b
        .client
        .post(format!("{}/people", b.base))
        .header("X-CSRF-Token", &b.csrf)
        .form(&[("org_id", grid.as_str()), ("name", "头部令牌")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn stored_markup_renders_as_text() {
    let app = spawn_app().await;
    let b = app.browser("admin").await;
    let grid = app.org("第一社区第三网格").await.id.to_string();
    let r = b.post("/people", &[("org_id", &grid), ("name", "<script>alert(1)</script>")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    for path in [location.as_str(), "/people?q=script"] {
        let (_, html) = b.get(path).await;
        assert!(!html.contains("<script>alert(1)"), "{path}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;"), "{path}");
    }
}

#[tokio::test]
async fn manage_orgs_and_passwords_through_pages() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let community = app.org("第二社区").await;
    let parent = community.id.to_string();
    let r = b.post("/orgs", &[("parent_id", &parent), ("kind", "grid"), ("name", "")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"e-name\""));
    let r = b.post("/orgs", &[("parent_id", &parent), ("kind", "grid"), ("name", "第二社区第三网格")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let r = b.post(&location, &[("action", "rename"), ("name", "第二社区新网格")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = b.get(&location).await;
    assert!(html.contains("第二社区新网格"));

    // Moving the centre under its own grid is refused beside the field.
    let centre = app.org("X矿矿区管委中心").await;
    let grid = app.org("第一社区第一网格").await.id.to_string();
    let r = b.post(&format!("/orgs/{}", centre.id), &[("action", "move"), ("parent_id", &grid)]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("id=\"e-parent_id\""));

    let r = b
        .post("/auth/password", &[("old_password", "wrong"), ("new_password", "short"), ("repeat_password", "other")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    for field in ["old_password", "new_password", "repeat_password"] {
        assert!(html.contains(&format!("id=\"e-{field}\"")), "{field}");
    }
    let r = b
        .post(
            "/auth/password",
            &[("old_password", PASSWORD), ("new_password", "a-new-password"), ("repeat_password", "a-new-password")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.token_with("kuangqu", "a-new-password").await;
}

#[tokio::test]
async fn ledger_pages_render_and_record_work() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let district = app.org("X矿矿区党委").await;
    for path in [
        "/dashboard",
        "/dashboard?period=2020H1",
        "/activities",
        "/activities?period=2020H1&kind=study_day",
        "/activities?unreported=on",
        "/activities/new",
        &format!("/activities/participants?org_id={}", district.id),
        "/targets",
        "/targets?year=2020",
    ] {
        let (status, _) = b.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let (_, html) = b.get(&format!("/dashboard?period=2020H1&org_id={}", district.id)).await;
    assert!(
        html.contains(
            "理论中心组学习全年目标10次，截至2020年6月30日已开展4次（按时间进度应已开展5次），全年还需开展6次"
        ),
        "dashboard sentence"
    );
    let (status, _) = b.get("/dashboard?period=2020H3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A form with mistakes keeps what was typed and names each field.
    let org = district.id.to_string();
    let members: Vec<serde_json::Value> = app
        .services
        .memberships_of_org(&taizhang_core::auth::Actor::system("t"), district.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| serde_json::json!(m.person_id))
        .collect();
    let someone = members[0].to_string();
    let r = b
        .post(
            "/activities",
            &[
                ("org_id", &org),
                ("kind", "meeting"),
                ("title", ""),
                ("date", "2020-13-01"),
                ("person", &someone),
                (&format!("attendance_{someone}"), "leave"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"e-title\""));
    assert!(html.contains("id=\"e-date\""));
    assert!(html.contains("第1名参加人员请假，请填写请假原因"));
    assert!(html.contains(&format!("id=\"p-{someone}\" checked")), "the chosen participant stays chosen");

    let r = b
        .post(
            "/activities",
            &[
                ("org_id", &org),
                ("kind", "publicity"),
                ("work_area_id", "8"),
                ("title", "扫黑除恶宣传进小区"),
                ("date", "2020-07-03"),
                ("campaign_id", "2"),
                ("channels", "banner"),
                ("channels", "board"),
                ("banners", "3"),
                ("person", &someone),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, html) = b.get(&location).await;
    assert!(html.contains("扫黑除恶宣传进小区") && html.contains("横幅、展板") && html.contains("横幅3条"));
    let (status, _) = b.get(&format!("{location}/edit")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_delete_asks_first_and_names_what_goes() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let token = app.token("kuangqu").await;
    let activity: serde_json::Value = app.get(&token, "/api/v1/activities?per_page=1").await.json().await.unwrap();
    let person: serde_json::Value = app.get(&token, "/api/v1/people?per_page=1").await.json().await.unwrap();
    let pages = [
        format!("/activities/{}", activity["items"][0]["id"]),
        format!("/people/{}", person["items"][0]["id"]),
        "/responsibility?year=2020".to_owned(),
        "/reviews?period=2020H1".to_owned(),
        "/targets".to_owned(),
        "/summary/template".to_owned(),
    ];
    let mut deletes = 0;
    for page in &pages {
        let (status, html) = b.get(page).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{page}");
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap_or(form.len())];
            if tag.contains("/delete\"") || tag.contains("/reset\"") {
                deletes += 1;
                assert!(tag.contains("hx-confirm=\"确定"), "{page}: a delete without a confirmation: <form{tag}>");
            }
        }
    }
    assert!(deletes >= 4, "the pages offer deletes ({deletes})");
}

/// The `Set-Cookie` of a response for one cookie.
fn set_cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

/// After a change the next page says so, once: the redirect sets a
/// short-lived cookie naming the message (HttpOnly, SameSite=Lax, for the
/// whole site), the page shows it in a role="status" element and clears it,
/// and the page after shows nothing. A part of a page fetched by htmx leaves
/// it for the page; a forged cookie shows nothing of its own.
#[tokio::test]
async fn a_change_is_confirmed_once_on_the_next_page() {
    let app = spawn_app().await;
    let b = app.browser("shequ1").await;
    let org = app.org("第一社区").await.id.to_string();
    let r = b.post("/people", &[("org_id", &org), ("name", "闪现测试")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie_of(&r, "tz_flash").expect("the redirect leaves a message");
    assert!(cookie.starts_with("tz_flash=saved;"), "{cookie}");
    for part in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(part), "{part}: {cookie}");
    }
    let max_age: u32 = cookie.split("Max-Age=").nth(1).and_then(|s| s.split(';').next()).unwrap().parse().unwrap();
    assert!((1..=60).contains(&max_age), "{cookie}");
    let person = r.headers()["location"].to_str().unwrap().to_owned();

    // A part of a page (htmx, not a boosted navigation) neither shows nor clears it.
    let part = b
        .client
        .get(format!("{}/activities/participants?org_id={org}", b.base))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert!(set_cookie_of(&part, "tz_flash").is_none());
    assert!(!part.text().await.unwrap().contains("已保存"));

    let shown = b.client.get(format!("{}{person}", b.base)).send().await.unwrap();
    let cleared = set_cookie_of(&shown, "tz_flash").expect("the page clears the message");
    assert!(cleared.starts_with("tz_flash=;") && cleared.contains("Max-Age=0"), "{cleared}");
    let html = shown.text().await.unwrap();
    assert!(html.contains("<p class=\"flash\" role=\"status\">已保存</p>"), "the page says 已保存");
    let (_, again) = b.get(&person).await;
    assert!(!again.contains("class=\"flash\""), "said once");

    // Each kind of change has its word.
    let r = b.post(&format!("{person}/delete"), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = b.get(r.headers()["location"].to_str().unwrap()).await;
    assert!(list.contains("role=\"status\">已删除</p>"));

    // A forged cookie is not text to show: only the fixed messages exist.
    for forged in ["%3Cscript%3Ealert(1)%3C%2Fscript%3E", "已保存", "saved%3Cb%3E"] {
        let html = b
            .client
            .get(format!("{}/people", b.base))
            .header("cookie", format!("tz_flash={forged}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!html.contains("class=\"flash\""), "{forged}");
        assert!(!html.contains("<script>alert"), "{forged}");
    }
}

/// The template editor explains itself: every name a template may use and
/// every filter, with what it is in Chinese and a line using it, from the
/// one table the template tests check.
#[tokio::test]
async fn the_template_editor_lists_the_names_and_filters_it_takes() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let (status, html) = b.get("/summary/template?period=2020H1").await;
    assert_eq!(status, StatusCode::OK);
    let guide = &html[html.find("id=\"field-guide\"").expect("the panel")..];
    for section in taizhang_docs::report::FIELD_SECTIONS {
        assert!(guide.contains(section.title), "{}", section.title);
        for field in section.fields {
            assert!(guide.contains(&format!("<code>{}</code>", field.path)), "{}", field.path);
        }
    }
    for filter in taizhang_docs::report::FILTERS {
        assert!(guide.contains(&format!("<code>{}</code>", filter.path)), "{}", filter.path);
    }
    for words in ["按工作类型", "参与人次", "服务时长", "带出处链接", "一是……；二是……", "包含：", "first_responsible"]
    {
        assert!(guide.contains(words), "{words}");
    }
    // Examples are shown as text, not run: the braces reach the page escaped or as written.
    assert!(guide.contains("{{ data.org }}{{ data.period_label }}工作总结"));
}
