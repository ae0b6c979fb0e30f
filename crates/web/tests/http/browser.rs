//! Browser tests: real Chromium, headless, driven over the W3C WebDriver
//! protocol by chromedriver (Debian's chromium and chromium-driver, installed
//! by `scripts/setup.sh`). A user signs in, enters a person with a wrong ID
//! number and sees the error beside the field, records an activity and adds
//! a photo, sees the dashboard count it, and clicks the summary's Word, HTML,
//! Markdown and PDF links, each of which saves a file.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, spawn_app};
use crate::tools::{self, Tool};

/// chromedriver on a free port, stopped when dropped.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Chrome DevTools command, sent through chromedriver's own endpoint
/// (`{ "cmd": …, "params": … }`); WebDriver has no word for these.
#[derive(Debug)]
struct Cdp(Value);

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (axum::http::Method, Option<String>) {
        (axum::http::Method::POST, Some(self.0.to_string()))
    }
}

/// One browser session (fantoccini over chromedriver), saving downloads
/// into a folder of its own.
struct Browser {
    client: Client,
    downloads: tempfile::TempDir,
    _driver: Driver,
}

impl Browser {
    /// A browser for `test`, or `None` (said loudly, or a failure under
    /// `TAIZHANG_REQUIRE_TOOLS=1`) when Chromium, chromedriver or one of
    /// the `other` tools the test needs is missing.
    async fn start(test: &str, other: &[Tool]) -> Option<Browser> {
        if !tools::available(test, &[&[tools::CHROMIUM, tools::CHROMEDRIVER][..], other].concat()) {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(tools::path(tools::CHROMEDRIVER))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (scripts/setup.sh installs chromium and chromium-driver)");
        let driver = Driver { child };
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let downloads = tempfile::Builder::new().prefix("taizhang-downloads-").tempdir().unwrap();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools::path(tools::CHROMIUM),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                         "--disable-background-networking", "--disable-component-update", "--no-first-run"],
                "prefs": { "download.default_directory": downloads.path(), "download.prompt_for_download": false },
            },
        });
        let Value::Object(caps) = caps else { unreachable!("an object") };
        let mut client = None;
        // chromedriver may listen a moment before it takes sessions.
        while client.is_none() {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => client = Some(c),
                Err(e) => {
                    assert!(started.elapsed() < Duration::from_secs(20), "no session: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        let browser = Browser { client: client.unwrap(), downloads, _driver: driver };
        // Headless Chromium saves downloads only when told where.
        browser
            .cdp(json!({ "cmd": "Browser.setDownloadBehavior",
                "params": { "behavior": "allow", "downloadPath": browser.downloads.path() } }))
            .await;
        Some(browser)
    }

    /// A Chrome DevTools command: `{ "cmd": …, "params": … }`; its answer.
    async fn cdp(&self, command: Value) -> Value {
        self.client.issue_cmd(Cdp(command.clone())).await.unwrap_or_else(|e| panic!("{command}: {e}"))
    }

    async fn delete_cookies(&self) {
        self.client.delete_all_cookies().await.unwrap();
    }

    async fn go(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("{url}: {e}"));
    }

    async fn url(&self) -> String {
        self.client.current_url().await.unwrap().to_string()
    }

    async fn source(&self) -> String {
        self.client.source().await.unwrap_or_default()
    }

    /// The first element matching a CSS selector, waiting up to ten seconds.
    async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    async fn type_into(&self, css: &str, text: &str) {
        self.find(css).await.send_keys(text).await.unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Runs a script with `args` (a JSON array) and answers what it returns.
    async fn script(&self, script: &str, args: Value) -> Value {
        let args = args.as_array().cloned().unwrap_or_default();
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// Waits until the page's address passes `test`.
    async fn wait_url(&self, test: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            let url = self.url().await;
            if test(&url) {
                return url;
            }
            let page = self.source().await;
            let errors: Vec<&str> = page.split("class=\"error\"").skip(1).collect();
            assert!(started.elapsed() < Duration::from_secs(10), "still at {url}: {errors:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks a link as a user would and waits for the file it saves: its
    /// name and bytes. The page must not have turned into the file.
    async fn click_download(&self, css: &str) -> (String, Vec<u8>) {
        let folder = self.downloads.path();
        let before: Vec<_> = std::fs::read_dir(folder).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
        let page = self.url().await;
        self.click(css).await;
        let started = Instant::now();
        loop {
            let saved = std::fs::read_dir(folder)
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.path())
                .find(|p| !before.contains(p) && p.extension().is_none_or(|x| x != "crdownload" && x != "tmp"));
            if let Some(path) = saved {
                tokio::time::sleep(Duration::from_millis(300)).await;
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(self.url().await, page, "the page stayed where it was");
                return (name, bytes);
            }
            assert!(started.elapsed() < Duration::from_secs(90), "clicking {css} saved no file");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits until the page holds `text`.
    async fn wait_text(&self, text: &str) {
        let started = Instant::now();
        loop {
            if self.source().await.contains(text) {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(10), "the page never showed {text}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn dashboard_total(&self, base: &str) -> u64 {
        self.go(&format!("{base}/dashboard?period=2020H1")).await;
        self.text(".tile strong").await.trim().parse().expect("the dashboard's total")
    }
}

#[tokio::test]
async fn a_recorder_works_through_the_pages_in_a_real_browser() {
    let app = spawn_app().await;
    let base = app.base.clone();
    let Some(b) = Browser::start("a_recorder_works_through_the_pages_in_a_real_browser", &[]).await else { return };
    let district = app.org("X矿矿区党委").await.id;

    // Sign in.
    b.go(&format!("{base}/login")).await;
    b.type_into("#f-username", "kuangqu").await;
    b.type_into("#f-password", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.wait_url(|u| !u.contains("/login")).await;
    b.find("header .me").await;

    // A wrong ID number: the error sits beside its field, the typed name stays.
    b.go(&format!("{base}/people/new")).await;
    b.script("document.querySelector('#f-org_id').value = arguments[0];", json!([district.to_string()])).await;
    b.type_into("#f-name", "赵六").await;
    b.type_into("#f-id_number", "110105194912310021").await;
    b.click("form.card button[type=submit]").await;
    let error = b.text("#e-id_number").await;
    assert!(error.contains("校验位"), "{error}");
    let beside = b
        .script(
            "return document.querySelector('#e-id_number').closest('.field').querySelector('#f-id_number') !== null;",
            json!([]),
        )
        .await;
    assert_eq!(beside, json!(true), "the message is in the field's own block");
    let kept = b.script("return document.querySelector('#f-name').value;", json!([])).await;
    assert_eq!(kept, json!("赵六"));

    // An activity of the half-year, then a photo of it.
    let before = b.dashboard_total(&base).await;
    b.go(&format!("{base}/activities/new")).await;
    b.script(
        "document.querySelector('#f-org_id').value = arguments[0];
         document.querySelector('#f-kind').value = 'meeting';
         document.querySelector('#f-date').value = '2020-05-20';",
        json!([district.to_string()]),
    )
    .await;
    b.type_into("#f-title", "浏览器测试：支部书记例会").await;
    b.type_into("#f-place", "矿区党委会议室").await;
    b.click("form.card button[type=submit]").await;
    b.wait_url(|u| u.rsplit('/').next().is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())))
        .await;
    let photo = png_file();
    b.type_into("#f-file", &photo.path().to_string_lossy()).await;
    b.click("form[enctype='multipart/form-data'] button[type=submit]").await;
    b.find(".evidence img").await;
    assert_eq!(b.dashboard_total(&base).await, before + 1, "the dashboard counts the new record");

    // The summary's downloads, clicked: each saves a file of its type.
    b.go(&format!("{base}/summary?period=2020H1")).await;
    let pdf = tools::available("the summary's PDF link", &[tools::SOFFICE]);
    for (format, extension, head) in [
        ("docx", "docx", &b"PK"[..]),
        ("html", "html", b"<!doctype"),
        ("md", "md", "#".as_bytes()),
        ("pdf", "pdf", b"%PDF"),
    ] {
        if format == "pdf" && !pdf {
            continue;
        }
        let (name, bytes) = b.click_download(&format!("a[href*=\"format={format}\"]")).await;
        assert!(name.ends_with(&format!(".{extension}")), "{format}: saved as {name}");
        assert!(bytes.starts_with(head), "{format}: {:?}", String::from_utf8_lossy(&bytes[..bytes.len().min(40)]));
    }
}

/// On a 390×844 phone screen, no page of the grid worker's, the recorder's
/// or the administrator's tab bar or full menu is wider than the screen, the
/// tab bar is shown with tap targets of at least 44px, and 更多 opens the
/// full menu.
#[tokio::test]
async fn no_page_is_wider_than_a_phone() {
    let app = spawn_app().await;
    let base = app.base.clone();
    let Some(b) = Browser::start("no_page_is_wider_than_a_phone", &[]).await else { return };
    let phone = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false } });
    b.cdp(phone).await;
    // The district's administrator too: the longest lists of orgs.
    for user in ["wangge1", "shequ1", "kuangqu"] {
        b.delete_cookies().await;
        b.go(&format!("{base}/login")).await;
        b.type_into("#f-username", user).await;
        b.type_into("#f-password", PASSWORD).await;
        b.click("form button[type=submit]").await;
        b.wait_url(|u| !u.contains("/login")).await;
        b.find(".tabbar").await;

        let tabs = b
            .script(
                "return Array.from(document.querySelectorAll('.tabbar a')).map(function (a) {
                   var r = a.getBoundingClientRect();
                   return [a.getAttribute('href'), r.height, getComputedStyle(a.parentNode).display];
                 });",
                json!([]),
            )
            .await;
        let tabs = tabs.as_array().expect("tab bar links").clone();
        assert_eq!(tabs.len(), 5, "{user}: {tabs:?}");
        for t in &tabs {
            assert_ne!(t[2], "none", "{user}: the tab bar is shown on a phone");
            assert!(t[1].as_f64().unwrap() >= 44.0, "{user}: a tab is under 44px tall: {t}");
        }
        // The full menu is folded away until 更多 is tapped.
        let shown = "return getComputedStyle(document.querySelector('#menu')).display !== 'none';";
        assert_eq!(b.script(shown, json!([])).await, json!(false), "{user}: the full menu is folded");
        b.click(".menu-open").await;
        assert_eq!(b.script(shown, json!([])).await, json!(true), "{user}: 更多 opens the full menu");

        let menu = b
            .script(
                "return Array.from(document.querySelectorAll('#menu a, .tabbar a'))
                   .map(function (a) { return a.getAttribute('href'); })
                   .filter(function (h) { return h.charAt(0) === '/'; });",
                json!([]),
            )
            .await;
        let mut pages: Vec<String> = menu.as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_owned()).collect();
        let mut seen = std::collections::HashSet::new();
        pages.retain(|p| seen.insert(p.clone()));
        assert!(pages.len() >= 15, "{user}: {pages:?}");
        for page in &pages {
            b.go(&format!("{base}{page}")).await;
            b.find("main").await;
            let width = b
                .script(
                    "var w = document.documentElement.clientWidth, wide = [];
                     document.querySelectorAll('body *').forEach(function (e) {
                       var r = e.getBoundingClientRect();
                       if (r.width > 0 && r.right > w + 0.5 && wide.length < 5) {
                         wide.push(e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className : '') + ' ' + Math.round(r.right) + 'px');
                       }
                     });
                     return [document.documentElement.scrollWidth, wide];",
                    json!([]),
                )
                .await;
            let scroll = width[0].as_f64().unwrap();
            assert!(
                scroll <= 390.0,
                "{user} {page}: the page is {scroll}px wide on a 390px screen; too wide: {}",
                width[1]
            );
        }
    }
}

/// A form answers in the page: refused, the first wrong field has the focus
/// and is scrolled into view (on a short screen, below the first screenful);
/// saved, the next page says 已保存 in a status line, once.
#[tokio::test]
async fn a_form_answers_with_its_first_wrong_field_or_its_word() {
    let app = spawn_app().await;
    let base = app.base.clone();
    let Some(b) = Browser::start("a_form_answers_with_its_first_wrong_field_or_its_word", &[]).await else { return };
    let short = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 390, "height": 560, "deviceScaleFactor": 1, "mobile": false } });
    b.cdp(short).await;
    let org = app.org("第一社区").await.id;
    b.go(&format!("{base}/login")).await;
    b.type_into("#f-username", "shequ1").await;
    b.type_into("#f-password", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.wait_url(|u| !u.contains("/login")).await;

    b.go(&format!("{base}/people/new")).await;
    b.script("document.querySelector('#f-org_id').value = arguments[0];", json!([org.to_string()])).await;
    b.type_into("#f-name", "焦点测试").await;
    b.type_into("#f-mobile", "12345").await;
    // Sent as the button would (the phone's tab bar may cover the button itself).
    let submit = "document.querySelector('form.card').requestSubmit();";
    b.script(submit, json!([])).await;
    b.find("#e-mobile").await;
    let started = Instant::now();
    let focus = loop {
        let focus = b
            .script(
                "var el = document.activeElement, r = el.getBoundingClientRect();
                 return [el.id, el.getAttribute('aria-invalid'), r.top >= 0 && r.bottom <= window.innerHeight, window.scrollY > 0];",
                json!([]),
            )
            .await;
        if focus[0] == json!("f-mobile") || started.elapsed() > Duration::from_secs(5) {
            break focus;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(focus, json!(["f-mobile", "true", true, true]), "the wrong field has the focus, in view");
    assert_eq!(b.script("return document.querySelectorAll('.flash').length;", json!([])).await, json!(0));

    b.script("document.querySelector('#f-mobile').value = '';", json!([])).await;
    b.script(submit, json!([])).await;
    let person = b.wait_url(|u| u.rsplit('/').next().is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()))).await;
    assert_eq!(b.text("main [role=status].flash").await, "已保存");
    b.go(&person).await;
    b.find("main h1").await;
    assert_eq!(b.script("return document.querySelectorAll('.flash').length;", json!([])).await, json!(0), "said once");
}

/// The grid worker's round on a 390×844 phone: a household opened from the
/// households list, 登记走访 on its page, then a follow-up and a reading for
/// the household's key person; the worker sees the reading and its flag. No
/// page on the way is wider than the screen.
#[tokio::test]
async fn a_grid_worker_visits_a_household_and_follows_up_on_a_phone() {
    let app = spawn_app().await;
    let base = app.base.clone();
    // An open campaign over the worker's grid and a key person with a plan
    // from today in the first household of the worker's list (the demo's are of 2020).
    let admin = app.token("kuangqu").await;
    let grid = app.org("第一社区第一网格").await.id;
    let today = taizhang_core::auth::now().date_naive();
    let screening = json!({ "org_id": app.org("第一社区").await.id, "name": "冬季入户走访", "starts_on": today.to_string(),
        "ends_on": (today + chrono::Duration::days(7)).to_string(), "grid_ids": [grid] });
    assert_eq!(app.send(&admin, "POST", "/api/v1/screenings", screening).await.status(), reqwest::StatusCode::CREATED);
    let worker = app.token("wangge1").await;
    let first: Value = app.get(&worker, "/api/v1/households?per_page=1").await.json().await.unwrap();
    let household = first["items"][0]["id"].as_i64().unwrap();
    let person = first["items"][0]["members"][0]["person_id"].as_i64().unwrap();
    let group: Value = app.get(&admin, "/api/v1/key-groups").await.json().await.unwrap();
    let enter = json!({ "key_group_id": group[0]["id"], "person_id": person, "entered_on": today.to_string(), "reason": "外省返乡" });
    assert_eq!(app.send(&admin, "POST", "/api/v1/key-persons", enter).await.status(), reqwest::StatusCode::CREATED);
    let cadre: Value = app.get(&admin, "/api/v1/people?q=谢美玲").await.json().await.unwrap();
    let plan = json!({ "cadre_id": cadre["items"][0]["id"], "measures": "居家观察，每日随访", "every_days": 1,
        "starts_on": today.to_string() });
    let r = app.send(&admin, "PUT", &format!("/api/v1/people/{person}/care-plan"), plan).await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);

    let Some(b) = Browser::start("a_grid_worker_visits_a_household_and_follows_up_on_a_phone", &[]).await else {
        return;
    };
    let phone = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false } });
    b.cdp(phone).await;
    let fits = |what: &'static str| {
        let b = &b;
        async move {
            b.find("main").await;
            let width = b.script("return document.documentElement.scrollWidth;", json!([])).await;
            assert!(width.as_f64().unwrap() <= 390.0, "{what}: the page is {width}px wide on a 390px screen");
        }
    };
    b.go(&format!("{base}/login")).await;
    b.type_into("#f-username", "wangge1").await;
    b.type_into("#f-password", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.wait_url(|u| !u.contains("/login")).await;
    b.find("#work-today").await;
    fits("the home page").await;

    // The households list, then the first household, tapped.
    b.click(".tabbar a[href='/households']").await;
    b.wait_url(|u| u.ends_with("/households")).await;
    fits("the households list").await;
    b.click(&format!("main table a[href='/households/{household}']")).await;
    b.wait_url(|u| u.ends_with(&format!("/households/{household}"))).await;
    fits("the household").await;

    // 登记走访: the open campaign is picked, today and the worker's name filled in.
    b.type_into("#visit-form #f-note", "已发放防疫告知书").await;
    b.click("#visit-form button[type=submit]").await;
    b.wait_url(|u| u.contains("visited=")).await;
    assert!(b.text("#visit-done").await.contains("已登记走访"));
    assert!(b.text("ul.visits li.just").await.contains("冬季入户走访"));
    fits("the household after the visit").await;

    // The key person of the household: a follow-up, then a reading.
    b.click(&format!("main a.tag[href='/people/{person}/care-plan']")).await;
    b.wait_url(|u| u.ends_with(&format!("/people/{person}/care-plan"))).await;
    fits("the care page").await;
    b.type_into("form[action$='/follow-ups'] [name=findings]", "自述乏力，已通知社区医生").await;
    b.click("form[action$='/follow-ups'] button[type=submit]").await;
    b.wait_text("：自述乏力，已通知社区医生").await;
    fits("the care page after the follow-up").await;
    b.script(
        "document.querySelector(\"form[action$='/health-checks'] [name=checked_at]\").value = arguments[0];",
        json!([format!("{today}T08:30")]),
    )
    .await;
    b.type_into("form[action$='/health-checks'] [name=temperature]", "38.4").await;
    b.click("form[action$='/health-checks'] button[type=submit]").await;
    b.wait_text("tag warn flag").await;
    let row = b
        .script(
            "var cell = document.querySelector('td[data-label^=\"体温\"] .flag');
             return cell ? cell.closest('tr').innerText : '';",
            json!([]),
        )
        .await;
    let row = row.as_str().unwrap_or_default();
    assert!(row.contains("38.4") && row.contains("发热") && !row.contains("**"), "the worker's own reading: {row}");
    fits("the care page after the reading").await;

    // Home again: the reading among the day's abnormal ones.
    b.click(".tabbar a[href='/']").await;
    b.wait_url(|u| u.trim_end_matches('/') == base).await;
    assert!(b.text("#abnormal + ul").await.contains("38.4"));
    fits("the home page after the round").await;
}

/// A 1×1 PNG in a file of its own, removed when dropped.
fn png_file() -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".png").tempfile().unwrap();
    std::fs::write(file.path(), PNG).unwrap();
    file
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xDE, 0x00, 0x00, 0x00, 0x0C, 0x49,
    0x44, 0x41, 0x54, 0x08, 0xD7, 0x63, 0xF8, 0xCF, 0xC0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xDD, 0x8D, 0xB0,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// The print views in a real browser: on a 390px phone no sheet is wider
/// than the screen and the 打印 button is a tap target; printed (Chromium's
/// own PDF), the pages are A4, each session's sheet starts a page of its own
/// and a table's header row is repeated on every page it runs over.
#[tokio::test]
async fn print_views_fit_a_phone_and_print_a4_sheets() {
    let app = spawn_app().await;
    let base = app.base.clone();
    let admin = app.token("kuangqu").await;
    let district = app.org("X矿矿区党委").await.id;
    let list: Value = app.get(&admin, "/api/v1/activities?kind=study_day&period=2020-06").await.json().await.unwrap();
    let sessions = list["total"].as_u64().unwrap() as usize;
    assert!(sessions >= 2, "June has Friday sessions");
    let session = list["items"][0]["id"].as_i64().unwrap();

    let Some(b) =
        Browser::start("print_views_fit_a_phone_and_print_a4_sheets", &[tools::PDFINFO, tools::PDFTOTEXT]).await
    else {
        return;
    };
    b.go(&format!("{base}/login")).await;
    b.type_into("#f-username", "kuangqu").await;
    b.type_into("#f-password", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.wait_url(|u| !u.contains("/login")).await;

    let phone = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false } });
    b.cdp(phone).await;
    let pages = [
        format!("/activities/{session}/print/sign-in"),
        format!("/activities/{session}/print/minutes"),
        format!("/activities/print?org_id={district}&month=2020-06"),
        format!("/activities/print/sign-in?org_id={district}&month=2020-06"),
        format!("/activities/print/minutes?org_id={district}&month=2020-06"),
    ];
    for page in &pages {
        b.go(&format!("{base}{page}")).await;
        b.find("main.sheets").await;
        let width = b.script("return document.documentElement.scrollWidth;", json!([])).await;
        assert!(width.as_f64().unwrap() <= 390.0, "{page}: the page is {width}px wide on a 390px screen");
        let button =
            b.script("return document.querySelector('[data-print]').getBoundingClientRect().height;", json!([])).await;
        assert!(button.as_f64().unwrap() >= 44.0, "{page}: the print button is a tap target");
        assert_eq!(b.script("return document.querySelectorAll('nav').length;", json!([])).await, json!(0));
    }
    let clear = json!({ "cmd": "Emulation.clearDeviceMetricsOverride", "params": {} });
    b.cdp(clear).await;

    // Printed: the text of each page of Chromium's PDF.
    let printed = |path: String| {
        let b = &b;
        let base = base.clone();
        async move {
            b.go(&format!("{base}{path}")).await;
            b.find("main.sheets").await;
            let pdf = json!({ "cmd": "Page.printToPDF", "params": { "preferCSSPageSize": true } });
            let answer = b.cdp(pdf).await;
            let bytes = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                answer["data"].as_str().unwrap_or_else(|| panic!("{path}: no PDF: {answer}")),
            )
            .unwrap();
            let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
            std::fs::write(file.path(), &bytes).unwrap();
            let size = Command::new(tools::path(tools::PDFINFO)).arg(file.path()).output().unwrap();
            let text = Command::new(tools::path(tools::PDFTOTEXT)).arg(file.path()).arg("-").output().unwrap();
            let info = String::from_utf8_lossy(&size.stdout).into_owned();
            assert!(info.contains("(A4)"), "{path}: printed on A4: {info}");
            let text = String::from_utf8_lossy(&text.stdout).into_owned();
            let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
            pages.retain(|p| !p.trim().is_empty());
            pages
        }
    };
    // The month's sign-in sheets: one (or more) pages per session, the
    // header row on every page, no page holding two sessions, the screen's
    // bar not printed.
    let sheets = printed(format!("/activities/print/sign-in?org_id={district}&month=2020-06")).await;
    let starts = sheets.iter().filter(|p| p.contains("签到表")).count();
    let sessions_with_people =
        b.script("return document.querySelectorAll('article.sheet.sign-in').length;", json!([])).await;
    assert_eq!(json!(starts), sessions_with_people, "each session's sheet starts a page");
    assert!(sheets.len() > starts, "a session of more people runs over a page");
    for (i, page) in sheets.iter().enumerate() {
        assert!(page.contains("序号") && page.contains("签名"), "page {}: the header row", i + 1);
        assert!(page.matches("签到表").count() <= 1, "page {}: one sheet a page", i + 1);
        assert!(!page.contains("打印") && !page.contains("返回"), "page {}: the bar is not printed", i + 1);
    }
    assert!(sheets.last().unwrap().contains("应到"), "the counts at the foot");
    // The month's ledger: its header repeated over every page.
    let ledger = printed(format!("/activities/print?org_id={district}&month=2020-06")).await;
    for page in &ledger {
        assert!(page.contains("活动名称") && page.contains("参与人次"), "the ledger's header row on every page");
    }
    assert!(ledger.last().unwrap().contains("共"), "the count at the foot");
}

/// The activity form on a 390×844 phone: the kind switches its sections,
/// the attendance is picked by a preset, filtered and counted live, a photo
/// is attached while creating, the record counts 应到 / 实到 / 请假, and
/// 复制上一条 starts the next session from it. No page is wider than the screen.
#[tokio::test]
async fn a_study_session_is_recorded_on_a_phone_by_kind_preset_and_copy() {
    let app = spawn_app().await;
    let base = app.base.clone();
    let district = app.org("X矿矿区党委").await;
    let actor = taizhang_core::auth::Actor::system("t");
    let group = app
        .services
        .org_tree(&actor)
        .await
        .unwrap()
        .into_iter()
        .find(|o| {
            o.parent_id == Some(district.id) && o.purpose.as_deref() == Some(taizhang_core::purpose::THEORY_STUDY)
        })
        .expect("the theory-study group");
    let mut members: Vec<i64> =
        app.services.memberships_of_org(&actor, group.id).await.unwrap().iter().map(|m| m.person_id).collect();
    members.sort();
    members.dedup();
    let n = members.len();

    let Some(b) = Browser::start("a_study_session_is_recorded_on_a_phone_by_kind_preset_and_copy", &[]).await else {
        return;
    };
    let phone = json!({ "cmd": "Emulation.setDeviceMetricsOverride",
        "params": { "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": false } });
    b.cdp(phone).await;
    let fits = |what: &'static str| {
        let b = &b;
        async move {
            b.find("main").await;
            let width = b.script("return document.documentElement.scrollWidth;", json!([])).await;
            assert!(width.as_f64().unwrap() <= 390.0, "{what}: the page is {width}px wide on a 390px screen");
        }
    };
    let shown = |css: &'static str| {
        let b = &b;
        async move {
            let v = b
                .script(
                    "var el = document.querySelector(arguments[0]); return !!el && el.offsetParent !== null;",
                    json!([css]),
                )
                .await;
            v == json!(true)
        }
    };
    let count = |what: &'static str| {
        let b = &b;
        async move {
            let v = b
                .script(
                    "return document.querySelector('[data-count=' + arguments[0] + ']').textContent;",
                    json!([what]),
                )
                .await;
            v.as_str().unwrap_or_default().parse::<usize>().unwrap_or(usize::MAX)
        }
    };
    let choose_kind = |kind: &'static str| {
        let b = &b;
        async move {
            b.script(
                "var k = document.querySelector('#f-kind'); k.value = arguments[0];
                 k.dispatchEvent(new Event('change', { bubbles: true }));",
                json!([kind]),
            )
            .await;
        }
    };
    // A tap as a user makes it: the control scrolled into the middle of
    // the screen first (the tab bar covers the screen's foot).
    let tap = |css: String| {
        let b = &b;
        async move {
            b.find(&css).await;
            b.script("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' });", json!([css])).await;
            b.click(&css).await;
        }
    };
    b.go(&format!("{base}/login")).await;
    b.type_into("#f-username", "kuangqu").await;
    b.type_into("#f-password", PASSWORD).await;
    b.click("form button[type=submit]").await;
    b.wait_url(|u| !u.contains("/login")).await;

    // The kind decides the sections, switched in the page.
    b.go(&format!("{base}/activities/new")).await;
    fits("the new form").await;
    choose_kind("publicity").await;
    assert!(shown("section[data-section=publicity]").await && shown("section[data-section=quantities]").await);
    assert!(!shown("[data-section=materials]").await && !shown("p.counts").await);
    choose_kind("volunteer_activity").await;
    assert!(shown("section[data-section=platform_report]").await && shown("th[data-section=hours]").await);
    assert!(!shown("section[data-section=publicity]").await);
    choose_kind("central_group_study").await;
    assert!(
        shown("[data-section=materials]").await
            && shown("p.counts").await
            && shown("th[data-section=attendance]").await
    );
    assert!(!shown("section[data-section=publicity]").await && !shown("th[data-section=hours]").await);
    assert!(!shown("section[data-section=platform_report]").await, "the offered 上报人 is no data");
    assert_eq!(b.text("label[for=f-summary]").await, "学习主题和内容");
    let copy = b.script("return document.querySelector('#copy-last').getAttribute('href');", json!([])).await;
    assert_eq!(copy, json!("/activities/new?copy=last&kind=central_group_study"));
    fits("the study form").await;

    // The group's members by their preset, one on leave, counted as picked.
    let preset = format!(
        "#participants button[data-preset='{}']",
        members.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(" ")
    );
    tap(preset).await;
    assert_eq!((count("expected").await, count("present").await, count("leave").await), (n, n, 0));
    let first = members[0];
    b.script(
        "var s = document.querySelector('[name=attendance_' + arguments[0] + ']'); s.value = 'leave';
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([first]),
    )
    .await;
    b.type_into(&format!("[name=leave_reason_{first}]"), "下村入户").await;
    assert_eq!((count("expected").await, count("present").await, count("leave").await), (n, n - 1, 1));
    // The filter keeps the rows whose name or initials match; 全不选 acts on those.
    let name = b.text(&format!("label[for=p-{}]", members[1])).await;
    b.type_into("#participants .picker-search", &name).await;
    let rows = b
        .script("return Array.from(document.querySelectorAll('#participants tbody tr')).filter(function (r) { return !r.hidden; }).length;", json!([]))
        .await;
    assert!(rows.as_u64().unwrap() >= 1 && rows.as_u64().unwrap() < 10, "the filter narrows the list: {rows}");
    tap("#participants button[data-pick=none]".into()).await;
    assert_eq!(count("expected").await, n - 1, "全不选 clears only the people shown");
    tap("#participants button[data-pick=all]".into()).await;
    assert_eq!(count("expected").await, n);
    b.script("var s = document.querySelector('#participants .picker-search'); s.value = ''; s.dispatchEvent(new Event('input', { bubbles: true }));", json!([])).await;
    fits("the picker").await;

    // Title, a photo, saved.
    b.type_into("#f-title", "中心组手机录入学习").await;
    b.type_into("#f-materials", "《宣传工作条例》").await;
    let photo = png_file();
    b.type_into("#f-photos", &photo.path().to_string_lossy()).await;
    b.script("document.querySelector('#activity-form').requestSubmit();", json!([])).await;
    let record = b
        .wait_url(|u| u.rsplit('/').next().is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit())))
        .await;
    drop(photo);
    b.find(".evidence img").await;
    let counts = b.text("#attendance-counts").await;
    assert_eq!(counts, format!("应到 {n} 人，实到 {} 人，请假 1 人", n - 1));
    fits("the saved record").await;

    // 复制上一条: the next session starts from it, the date reset, all present.
    b.go(&format!("{base}/activities/new?kind=central_group_study")).await;
    tap("#copy-last".into()).await;
    b.wait_url(|u| u.contains("copy=last")).await;
    b.find("#copied").await;
    let title = b.script("return document.querySelector('#f-title').value;", json!([])).await;
    assert_eq!(title, json!("中心组手机录入学习"));
    assert_eq!((count("expected").await, count("present").await, count("leave").await), (n, n, 0));
    let date = b.script("return document.querySelector('#f-date').value;", json!([])).await;
    assert_eq!(date, json!("2020-06-30"), "the working period's last day");
    fits("the copied form").await;
    assert!(record.contains("/activities/"));
}
