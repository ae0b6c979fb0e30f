//! Regression tests of the hardening issue: who may grant the personal-data
//! permission, sign-in throttling, sessions after a password change, bounded
//! audit entries, hidden birth dates, parallel memberships, small counts in
//! the daily report, and bounded dates, years and counts.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use serde_json::{Value, json};
use taizhang_core::auth::{Actor, now};
use taizhang_demo::DISTRICT;

use crate::helpers::{PASSWORD, TestApp, field_errors, spawn_app};

async fn json_of(app: &TestApp, token: &str, path: &str) -> Value {
    let r = app.get(token, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    app.store.user_by_username(username).await.unwrap().expect(username).id
}

/// Sends `n` identical requests at once; their statuses and bodies.
async fn parallel(app: &TestApp, n: usize, token: Option<&str>, path: &str, body: Value) -> Vec<(StatusCode, Value)> {
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (http, url, body) = (app.http.clone(), app.url(path), body.clone());
            let token = token.map(str::to_owned);
            tokio::spawn(async move {
                let mut request = http.post(url).json(&body);
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let r = request.send().await.unwrap();
                let status = r.status();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// People registered in an org's subtree (demo residents and cadres).
async fn people_in(app: &TestApp, org: &str) -> Vec<taizhang_core::model::Person> {
    let org = app.org(org).await;
    let page = app.services.person_search(&Actor::system("test"), "", Some(org.id), 1, 50).await.unwrap();
    let mut people = Vec::new();
    for view in page.items {
        people.push(app.store.person_get(view.person.id).await.unwrap().unwrap());
    }
    people
}

// Item 5: only an administrator holding the personal-data permission may grant it.
#[tokio::test]
async fn hardening_access_only_holders_grant_the_personal_permission() {
    let app = spawn_app().await;
    app.add_user("plain_admin", "org_admin", DISTRICT, false).await;
    let plain = app.token("plain_admin").await;
    let district = app.org(DISTRICT).await;
    let refused = |r: &(StatusCode, Value)| {
        r.0 == StatusCode::FORBIDDEN
            || (r.0 == StatusCode::UNPROCESSABLE_ENTITY
                && field_errors(&r.1).iter().any(|(f, m)| f == "can_view_personal" && m.contains("权限")))
    };
    async fn answer(r: reqwest::Response) -> (StatusCode, Value) {
        let status = r.status();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    // Not to itself.
    let me = user_id(&app, "plain_admin").await;
    let r =
        answer(app.send(&plain, "PATCH", &format!("/api/v1/users/{me}"), json!({ "can_view_personal": true })).await)
            .await;
    assert!(refused(&r), "{r:?}");
    assert!(!app.store.user_get(me).await.unwrap().unwrap().can_view_personal);
    // Not to a new account.
    let new = |name: &str, personal: bool| {
        json!({ "username": name, "display_name": name, "role": "recorder", "org_id": district.id,
                "can_view_personal": personal, "password": "a-long-password" })
    };
    let r = answer(app.send(&plain, "POST", "/api/v1/users", new("new_one", true)).await).await;
    assert!(refused(&r), "{r:?}");
    assert!(app.store.user_by_username("new_one").await.unwrap().is_none());
    // Nor afterwards to an account it created without it.
    let r = app.send(&plain, "POST", "/api/v1/users", new("new_two", false)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let two = user_id(&app, "new_two").await;
    let r =
        answer(app.send(&plain, "PATCH", &format!("/api/v1/users/{two}"), json!({ "can_view_personal": true })).await)
            .await;
    assert!(refused(&r), "{r:?}");
    // Other changes stay possible.
    let r = app.send(&plain, "PATCH", &format!("/api/v1/users/{two}"), json!({ "display_name": "新二" })).await;
    assert_eq!(r.status(), StatusCode::OK);

    // An administrator who holds it may grant it, and the grant is audited.
    let kuangqu = app.token("kuangqu").await;
    let r = app.send(&kuangqu, "PATCH", &format!("/api/v1/users/{two}"), json!({ "can_view_personal": true })).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(app.store.user_get(two).await.unwrap().unwrap().can_view_personal);
    let r = app.send(&kuangqu, "POST", "/api/v1/users", new("new_three", true)).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let admin = app.token("admin").await;
    let audit = json_of(&app, &admin, "/api/v1/audit?entity=user&per_page=50").await;
    let items = audit["items"].as_array().unwrap();
    let grant = items
        .iter()
        .find(|e| e["action"] == "update" && e["entity_id"] == two && e["username"] == "kuangqu")
        .expect("the grant's audit entry");
    assert_eq!(grant["detail"], "授予查看个人信息权限");
    assert_eq!(
        (&grant["before"]["can_view_personal"], &grant["after"]["can_view_personal"]),
        (&json!(false), &json!(true))
    );
    let three = user_id(&app, "new_three").await;
    let created = items.iter().find(|e| e["action"] == "create" && e["entity_id"] == three).expect("creation entry");
    assert_eq!(created["detail"], "授予查看个人信息权限");
}

// Item 6: parallel wrong passwords are all counted; the lock is per account and address.
#[tokio::test]
async fn hardening_access_parallel_wrong_passwords_lock_the_account() {
    let app = spawn_app().await;
    app.add_user("target_user", "recorder", DISTRICT, false).await;
    let wrong = json!({ "username": "target_user", "password": "wrong-password" });
    let answers = parallel(&app, 20, None, "/api/v1/auth/login", wrong).await;
    let tried = answers.iter().filter(|(s, _)| *s == StatusCode::UNAUTHORIZED).count();
    let refused = answers.iter().filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!(tried + refused, 20, "{answers:?}");
    assert!(tried <= 5, "at most the allowed attempts reach the password check: {tried}");
    let r = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "username": "target_user", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("登录失败次数过多"), "{body}");
    // Another account from the same address is not affected.
    app.token("shequ1").await;
}

// Item 7: a password change ends the account's other sessions and tokens.
#[tokio::test]
async fn hardening_access_password_change_revokes_other_tokens() {
    let app = spawn_app().await;
    let first = app.token("shequ1").await;
    let second = app.token("shequ1").await;
    let browser = app.browser("shequ1").await;
    assert_eq!(app.get(&second, "/api/v1/me").await.status(), StatusCode::OK);
    let change = json!({ "old_password": PASSWORD, "new_password": "another-password-2", "repeat_password": "another-password-2" });
    let r = app.send(&first, "POST", "/api/v1/auth/password", change).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&second, "/api/v1/me").await.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.get(&first, "/api/v1/me").await.status(), StatusCode::OK);
    let (status, _) = browser.get("/").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "the web session ended too");
    app.token_with("shequ1", "another-password-2").await;
    // A wrong old password changes nothing.
    let bad = json!({ "old_password": "nope-nope", "new_password": "third-password-3", "repeat_password": "third-password-3" });
    let r = app.send(&first, "POST", "/api/v1/auth/password", bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "old_password");
}

// Item 8: huge usernames on failed sign-ins never reach the audit log whole.
#[tokio::test]
async fn hardening_access_long_usernames_stay_out_of_the_audit_log() {
    let app = spawn_app().await;
    for n in [500_000, 60_000, 65] {
        let name = "a".repeat(n);
        let r = app
            .http
            .post(app.url("/api/v1/auth/login"))
            .json(&json!({ "username": name, "password": "whatever-it-is" }))
            .send()
            .await
            .unwrap();
        let status = r.status();
        assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::PAYLOAD_TOO_LARGE, "{n}: {status}");
        let body: Value = r.json().await.unwrap();
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{message}");
        if n <= 60_000 {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "answered like a wrong password");
        }
    }
    let admin = app.token("admin").await;
    let audit = json_of(&app, &admin, "/api/v1/audit?action=login_failed&per_page=50").await;
    let items = audit["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{audit}");
    for e in items {
        let name = e["username"].as_str().unwrap();
        assert!(name.chars().count() <= 100, "an audit name of {} characters", name.chars().count());
        assert!(e["detail"].as_str().unwrap().chars().count() <= 1000);
    }
    assert!(items.iter().any(|e| e["username"].as_str().unwrap() == format!("{}…", "a".repeat(64))));
}

// Item 13: without the permission, a PATCH of birth_date answers the same for any date.
#[tokio::test]
async fn hardening_access_birth_date_guesses_get_the_same_answer() {
    let app = spawn_app().await;
    let token = app.token("shequ1").await;
    let person = people_in(&app, "第一社区")
        .await
        .into_iter()
        .find(|p| p.id_number.is_some() && p.birth_date.is_some())
        .expect("a resident with an ID number");
    let right = person.birth_date.unwrap();
    let wrong = right + chrono::Duration::days(1);
    let path = format!("/api/v1/people/{}", person.id);
    let mut answers = Vec::new();
    for date in [wrong, right] {
        let r = app.send(&token, "PATCH", &path, json!({ "birth_date": date.to_string() })).await;
        let status = r.status();
        answers.push((status, r.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1], "the answer must not depend on the guess");
    assert!(!answers[0].1.contains("不符"), "{}", answers[0].1);
    // The stored date still comes from the ID number.
    let stored = app.store.person_get(person.id).await.unwrap().unwrap();
    assert_eq!(stored.birth_date, Some(right));
    // With the permission the date is checked against the number as before.
    let kuangqu = app.token("kuangqu").await;
    let r = app.send(&kuangqu, "PATCH", &path, json!({ "birth_date": wrong.to_string() })).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

// Item 16: parallel identical memberships: one row, the others a conflict.
#[tokio::test]
async fn hardening_access_parallel_memberships_make_one_row() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let person = people_in(&app, "第一社区").await.into_iter().next().expect("a person");
    let org = app.org("第一社区党支部").await;
    let body =
        json!({ "person_id": person.id, "org_id": org.id, "role": "宣传委员", "started_on": "2020-03-01", "note": "" });
    let answers = parallel(&app, 6, Some(&token), "/api/v1/memberships", body).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let conflicts = answers.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 5), "{answers:?}");
    for (status, body) in &answers {
        if *status == StatusCode::CONFLICT {
            assert!(body["error"]["message"].as_str().unwrap().contains("已在"), "{body}");
        }
    }
    let rows = json_of(&app, &token, &format!("/api/v1/people/{}/memberships", person.id)).await;
    let same = rows.as_array().unwrap().iter().filter(|m| m["org_id"] == org.id && m["role"] == "宣传委员").count();
    assert_eq!(same, 1);
}

// Item 20: the daily report shows counts of health checks from 1 to 2 as "<3"
// to accounts without the personal-data permission.
#[tokio::test]
async fn hardening_access_daily_report_hides_small_health_counts() {
    let app = spawn_app().await;
    let kuangqu = app.token("kuangqu").await;
    let today = now().date_naive();
    let check = |temperature: &str| json!({ "checked_at": format!("{today} 08:00"), "temperature": temperature, "symptoms": "", "by": "谢美玲" });
    // One abnormal reading in the first community, three normal ones in the second.
    let first = people_in(&app, "第一社区").await;
    let r = app.send(&kuangqu, "POST", &format!("/api/v1/people/{}/health-checks", first[0].id), check("38.2")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    for p in people_in(&app, "第二社区").await.iter().take(3) {
        let r = app.send(&kuangqu, "POST", &format!("/api/v1/people/{}/health-checks", p.id), check("36.5")).await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let path = format!("/api/v1/daily-report?day={today}");
    let line = |report: &Value, name: &str| {
        report["lines"].as_array().unwrap().iter().find(|l| l["org_name"] == name).cloned().expect(name)
    };

    let viewer = app.token("chakan").await;
    let report = json_of(&app, &viewer, &path).await;
    assert_eq!(report["small_counts_hidden"], true);
    let one = line(&report, "第一社区");
    assert_eq!((&one["checks"], &one["abnormal_checks"]), (&Value::Null, &Value::Null), "{one}");
    let three = line(&report, "第二社区");
    assert_eq!((&three["checks"], &three["abnormal_checks"]), (&json!(3), &json!(0)), "{three}");

    let full = json_of(&app, &kuangqu, &path).await;
    assert_eq!(full["small_counts_hidden"], false);
    let one = line(&full, "第一社区");
    assert_eq!((&one["checks"], &one["abnormal_checks"]), (&json!(1), &json!(1)), "{one}");

    // The page and the workbook say "<3" too.
    let (status, html) = app.browser("chakan").await.get(&format!("/daily-report?day={today}")).await;
    assert_eq!(status, StatusCode::OK);
    let row = html.split("<tr").find(|r| r.contains("第一社区</td>")).expect("the first community's row");
    assert!(row.contains("&lt;3") && !row.contains(">1</td>"), "{row}");
    let r = app.get(&viewer, &format!("/api/v1/daily-report/export.xlsx?day={today}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let is_first = |c: &Data| matches!(c, Data::String(s) if s == "第一社区");
    let row = range.rows().find(|r| r.iter().any(is_first)).expect("the row").to_vec();
    let col = row.iter().position(is_first).unwrap();
    assert_eq!((row[col + 4].to_string(), row[col + 5].to_string()), ("<3".to_owned(), "<3".to_owned()), "{row:?}");
    assert!(matches!(row[col + 1], Data::Float(_)), "other figures stay numbers");
}

// Item 21: years, dates and counts are bounded, with the field named.
#[tokio::test]
async fn hardening_access_years_dates_and_counts_are_bounded() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let district = app.org(DISTRICT).await;
    for path in [
        "/api/v1/targets?year=2147483647".to_owned(),
        "/api/v1/targets?year=1899".to_owned(),
        format!("/api/v1/study-plans?org_id={}&year=2147483647", district.id),
        format!("/api/v1/responsibility?org_id={}&year=-3", district.id),
    ] {
        let r = app.get(&token, &path).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let fields = field_errors(&r.json().await.unwrap());
        assert_eq!(fields.len(), 1, "{path}");
        assert_eq!(fields[0].0, "year", "{path}");
        assert!(fields[0].1.contains("1900年至2100年"), "{path}: {}", fields[0].1);
    }
    assert_eq!(app.get(&token, "/api/v1/targets?year=2020").await.status(), StatusCode::OK);

    let activity = |extra: Value| {
        let mut body = json!({ "org_id": district.id, "kind": "meeting", "title": "会议", "date": "2020-05-01" });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let cases = [
        (json!({ "date": "0001-01-01" }), "date"),
        (json!({ "date": "2020-05-01", "reported_on": "9999-01-01", "reported_by": "张伟" }), "reported_on"),
        (json!({ "others_count": 4_000_000_000u64 }), "others_count"),
        (json!({ "banners": 1_000_001 }), "banners"),
        (json!({ "reached": 4_000_000_000u64 }), "reached"),
    ];
    for (extra, field) in cases {
        let r = app.send(&token, "POST", "/api/v1/activities", activity(extra.clone())).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{extra}");
        let fields = field_errors(&r.json().await.unwrap());
        assert!(fields.iter().any(|(f, _)| f == field), "{extra}: {fields:?}");
    }
    let r = app.send(&token, "POST", "/api/v1/activities", activity(json!({ "date": "0001-01-01" }))).await;
    let fields = field_errors(&r.json().await.unwrap());
    assert_eq!(fields[0].1, "活动日期应在1900年至2100年之间");
    let r = app.get(&token, "/api/v1/activities?from=0001-01-01").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&r.json().await.unwrap())[0].0, "from");
    let r = app.send(&token, "POST", "/api/v1/activities", activity(json!({ "others_count": 1_000_000 }))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // A person's birth date too.
    let r = app
        .send(
            &token,
            "POST",
            "/api/v1/people",
            json!({ "org_id": district.id, "name": "测试", "birth_date": "0001-01-01" }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_errors(&r.json().await.unwrap())[0],
        ("birth_date".to_owned(), "出生日期应在1900年至2100年之间".to_owned())
    );
}
