//! Pages on a phone: the bottom tab bar holds each role's usual pages (the
//! full menu stays one tap away), every cell of a list table carries its
//! column's name for the card layout, number-like fields open the number
//! keypad, a viewer is shown no link or button for a write, and the site
//! icon is served. (The real-browser check of the width is in browser.rs.)

use reqwest::StatusCode;

use crate::helpers::*;

const GRID_WORKER: [(&str, &str); 5] = [
    ("/", "今日"),
    ("/households", "住户"),
    ("/screenings", "走访"),
    ("/follow-ups", "随访"),
    ("/auth/password", "我的"),
];
const RECORDER: [(&str, &str); 5] =
    [("/", "首页"), ("/activities", "台账"), ("/summary", "总结"), ("/people", "人员"), ("/auth/password", "我的")];
const ADMIN_OR_VIEWER: [(&str, &str); 5] = [
    ("/dashboard", "看板"),
    ("/activities", "台账"),
    ("/summary", "总结"),
    ("/orgs", "组织"),
    ("/auth/password", "我的"),
];

/// The part of `html` from `start` up to the next `end`.
fn section<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(start)?;
    let rest = &html[from..];
    Some(&rest[..rest.find(end)?])
}

/// The tab bar's destinations, in order: (address, label).
fn tabs(html: &str) -> Vec<(String, String)> {
    let nav = section(html, "<nav class=\"tabbar\"", "</nav>").expect("a tab bar");
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = a[..a.find('"').unwrap()].to_owned();
            let label = section(a, "<span>", "</span>").unwrap().trim_start_matches("<span>").to_owned();
            (href, label)
        })
        .collect()
}

/// The local addresses a part of a page links to.
fn links(part: &str) -> Vec<String> {
    part.split("href=\"").skip(1).map(|a| a[..a.find('"').unwrap()].to_owned()).filter(|h| h.starts_with('/')).collect()
}

/// The first link of a page to `prefix` followed by an id.
fn first_link(html: &str, prefix: &str) -> Option<String> {
    // A prefix may name where the id goes: `/people/{id}/care-plan`.
    let (prefix, suffix) = prefix.split_once("{id}").unwrap_or((prefix, ""));
    html.split(&format!("href=\"{prefix}")).skip(1).find_map(|rest| {
        let id: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        (!id.is_empty() && rest[id.len()..].starts_with(&format!("{suffix}\"")))
            .then(|| format!("{prefix}{id}{suffix}"))
    })
}

/// Every page a user reaches from the tab bar, the full menu and the home
/// page's shortcuts, and the first record of each list.
async fn pages_of(b: &Browser) -> Vec<String> {
    let (_, home) = b.get("/").await;
    let mut pages: Vec<String> = tabs(&home).into_iter().map(|(href, _)| href).collect();
    pages.extend(links(section(&home, "<nav class=\"main-nav\"", "</nav>").expect("the full menu")));
    pages.extend(links(section(&home, "<main>", "</main>").unwrap()).into_iter().filter(|h| !h.contains("/new")));
    for (list, prefix) in [
        ("/households", "/households/"),
        ("/screenings", "/screenings/"),
        ("/key-persons?all=1", "/people/{id}/care-plan"),
        ("/people", "/people/"),
        ("/activities?period=2020", "/activities/"),
        ("/cases", "/cases/"),
        ("/projects", "/projects/"),
        ("/orgs", "/orgs/"),
    ] {
        if let Some(record) = first_link(&b.get(list).await.1, prefix) {
            pages.push(record);
        }
    }
    let mut seen = std::collections::HashSet::new();
    pages.retain(|p| seen.insert(p.clone()));
    pages
}

/// Every table cell is labelled with its column for the card layout, except
/// a row's single cell that spans the table ("nothing found").
fn assert_cells_labelled(html: &str, what: &str) {
    for (i, cell) in html.split("<td").skip(1).enumerate() {
        let tag = &cell[..cell.find('>').unwrap()];
        assert!(
            tag.contains("data-label=\"") || tag.contains("colspan="),
            "{what}: cell {i} has no data-label: <td{tag}>"
        );
    }
    for table in html.split("<div class=\"table-wrap").skip(1) {
        assert!(table.starts_with(" cards\""), "{what}: a list table without the card layout");
    }
}

#[tokio::test]
async fn each_role_has_its_tab_bar_and_every_table_is_labelled() {
    let app = spawn_app().await;
    for (user, expected) in
        [("wangge1", GRID_WORKER), ("shequ1", RECORDER), ("kuangqu", ADMIN_OR_VIEWER), ("chakan", ADMIN_OR_VIEWER)]
    {
        let expected: Vec<(String, String)> = expected.iter().map(|(h, l)| (h.to_string(), l.to_string())).collect();
        let b = app.browser(user).await;
        let pages = pages_of(&b).await;
        assert!(pages.len() > 20, "{user}: {pages:?}");
        for path in &pages {
            let (status, html) = b.get(path).await;
            assert_eq!(status, StatusCode::OK, "{user} {path}");
            assert_eq!(tabs(&html), expected, "{user} {path}: the tab bar");
            // The full menu stays reachable behind 更多.
            assert!(html.contains("href=\"#menu\"") && html.contains("id=\"menu\""), "{user} {path}");
            // The tab of the page's section is marked.
            let bare = path.split('?').next().unwrap();
            if let Some((href, _)) =
                expected.iter().find(|(href, _)| bare == href || (href != "/" && bare.starts_with(&format!("{href}/"))))
            {
                assert!(html.contains(&format!("<a href=\"{href}\" aria-current=\"page\">")), "{user} {path}");
            }
            // The audit log's template is not part of this work.
            if bare != "/audit" {
                assert_cells_labelled(&html, &format!("{user} {path}"));
            }
        }
    }
}

#[tokio::test]
async fn a_viewer_is_shown_no_link_or_button_for_a_write() {
    let app = spawn_app().await;
    let viewer = app.browser("chakan").await;
    let pages = pages_of(&viewer).await;
    assert!(pages.iter().any(|p| p.starts_with("/activities/")) && pages.iter().any(|p| p.starts_with("/people/")));
    for path in &pages {
        let (status, html) = viewer.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for link in links(&html) {
            let bare = link.split('?').next().unwrap();
            assert!(
                !(bare.ends_with("/new")
                    || bare.ends_with("/edit")
                    || bare.ends_with("/import")
                    || bare.ends_with("template.xlsx")),
                "{path}: a viewer is offered {link}"
            );
        }
        // Forms that write: only signing out and the account's own password.
        for form in html.split("<form").skip(1) {
            let tag = &form[..form.find('>').unwrap()];
            if tag.contains("method=\"post\"") {
                assert!(
                    tag.contains("action=\"/logout\"") || tag.contains("action=\"/auth/password\""),
                    "{path}: a viewer is offered <form{tag}>"
                );
            }
        }
        assert!(!html.contains("hx-post"), "{path}");
        for word in [">新增<", ">登记<", ">编辑<", ">删除<", ">上传<", ">导入<", ">保存<"] {
            assert!(!html.contains(word), "{path}: {word}");
        }
    }

    // The same pages offer a recorder their writes (so the checks above look
    // at the right marks).
    let recorder = app.browser("shequ1").await;
    let (_, activities) = recorder.get("/activities").await;
    assert!(activities.contains("href=\"/activities/new\"") && activities.contains("href=\"/activities/import\""));
    let (_, households) = recorder.get("/households").await;
    assert!(households.contains("href=\"/roster/import\"") && households.contains("<form method=\"post\""));
}

#[tokio::test]
async fn number_fields_open_the_keypad_and_visible_phone_numbers_can_be_called() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    let (_, form) = b.get("/activities/new").await;
    for name in ["others_count", "banners", "boards", "posts", "reached"] {
        let field = section(&form, &format!("id=\"f-{name}\""), ">").unwrap();
        assert!(field.contains("inputmode=\"numeric\""), "{name}: {field}");
    }
    let (_, form) = b.get("/people/new").await;
    let mobile = section(&form, "id=\"f-mobile\"", ">").unwrap();
    assert!(mobile.contains("type=\"tel\""), "{mobile}");

    // A masked number stays text; one the account may see is a tel: link.
    let person = app
        .store
        .person_search(&taizhang_core::model::PersonQuery {
            per_page: 50,
            ..taizhang_core::model::PersonQuery::new(app.org("第一社区第一网格").await.path, String::new())
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|p| p.mobile.is_some())
        .expect("a resident with a mobile number")
        .id;
    let (_, masked) = b.get(&format!("/people/{person}")).await;
    assert!(!masked.contains("href=\"tel:"), "masked numbers are not links");
    let (_, list) = b.get("/people").await;
    assert!(!list.contains("href=\"tel:"), "masked numbers are not links");
    let (_, revealed) = b.get(&format!("/people/{person}?reveal=1")).await;
    let dd = section(&revealed, "id=\"mobile\"", "</dd>").unwrap();
    assert!(dd.contains("<a href=\"tel:1") && !dd.contains('*'), "{dd}");
}

#[tokio::test]
async fn the_site_icon_is_served() {
    let app = spawn_app().await;
    let r = app.http.get(app.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.text().await.unwrap().starts_with("<svg"));
    let b = app.browser("wangge1").await;
    let (_, home) = b.get("/").await;
    assert!(home.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
    let login = app.http.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    assert!(login.contains("<link rel=\"icon\" href=\"/favicon.ico\""));
}
