//! Resource exhaustion, tried on the real server as a separate process (so
//! that its memory can be read from /proc): a template that builds huge
//! strings, spreadsheet and image bombs, and a burst of PDF conversions.
//! Each test measures time or the server's resident memory and asserts a
//! generous bound; none of them may take the server down.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use taizhang_store::testing::TestDb;

mod common;

const PASSWORD: &str = "hardening-demo-password";

struct Server {
    child: Child,
    base: String,
    _db: TestDb,
}

impl Server {
    /// `taizhang demo` over a fresh database, on a random port.
    fn start() -> Server {
        let db = TestDb::new();
        let mut child = Command::new(env!("CARGO_BIN_EXE_taizhang"))
            .args(["--database-url", &db.url, "demo", "--listen", "127.0.0.1:0"])
            .env("TAIZHANG_ADMIN_PASSWORD", PASSWORD)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the demo");
        let base = common::address_of(&mut child);
        Server { child, base, _db: db }
    }

    /// The server's resident memory, in MB.
    fn rss_mb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        kb / 1024
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn token(&self, http: &Client, username: &str) -> String {
        let r = http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login of {username}");
        r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// A browser session: (client with cookies, CSRF token).
    async fn browser(&self, username: &str) -> (Client, String) {
        let client = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let form = client.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let r = client
            .post(self.url("/login"))
            .form(&[("username", username), ("password", PASSWORD), ("next", "/"), ("_csrf", &csrf(&form))])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "form login of {username}");
        let home = client.get(self.url("/")).send().await.unwrap().text().await.unwrap();
        (client, csrf(&home))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..start + 64].to_owned()
}

/// Polls /healthz until `stop`, returning the slowest answer.
async fn slowest_health(http: Client, url: String, stop: tokio::sync::watch::Receiver<bool>) -> Duration {
    let mut slowest = Duration::ZERO;
    while !*stop.borrow() {
        let started = Instant::now();
        let r = http.get(&url).timeout(Duration::from_secs(30)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        slowest = slowest.max(started.elapsed());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    slowest
}

#[tokio::test]
async fn a_template_that_builds_huge_strings_is_stopped_without_stalling_the_server() {
    let server = Server::start();
    let http = Client::new();
    let before = server.rss_mb();
    // A viewer may not run templates at all.
    let (viewer, viewer_csrf) = server.browser("chakan").await;
    let r = viewer
        .post(server.url("/summary/template/preview"))
        .form(&[("source", "{{ 1 }}"), ("period", "2020H1"), ("_csrf", &viewer_csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (admin, admin_csrf) = server.browser("kuangqu").await;
    let bombs: [&'static str; 3] = [
        // Each round holds 600 MB at once, past the worker's 512 MB under
        // any allocator (glibc's fragmentation alone once stopped a lighter loop).
        r#"{% set big = "x"*100000000 %}{% for i in range(30) %}{% set t = (big ~ i)|upper %}{% set u = t ~ t ~ t %}{% endfor %}"#,
        r#"{% set a = "x"*100000000 %}{% set b = a ~ a %}{% set c = b ~ b %}{% set d = c ~ c %}{% set e = d ~ d %}{{ e|length }}"#,
        r#"{% for i in range(100) %}{{ "x"*50000000 }}{% endfor %}"#,
    ];
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let health = tokio::spawn(slowest_health(http.clone(), server.url("/healthz"), stop_rx));
    let mut tasks = Vec::new();
    for source in bombs.into_iter().chain(bombs) {
        let (client, token, url) = (admin.clone(), admin_csrf.clone(), server.url("/summary/template/preview"));
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let r = client
                .post(url)
                .form(&[("source", source), ("period", "2020H1"), ("_csrf", &token)])
                .send()
                .await
                .unwrap();
            let (status, body) = (r.status(), r.text().await.unwrap());
            (started.elapsed(), status, body)
        }));
    }
    for task in tasks {
        let (took, status, body) = task.await.unwrap();
        assert!(took < Duration::from_secs(12), "a preview took {took:?}");
        // Stopped with its reason, or turned away while others ran.
        assert!(
            status.is_success()
                || status == StatusCode::UNPROCESSABLE_ENTITY
                || status == StatusCode::TOO_MANY_REQUESTS,
            "{status}"
        );
        assert!(body.contains("模板"), "the preview says what stopped it: {status}");
    }
    stop_tx.send(true).unwrap();
    let slowest = health.await.unwrap();
    assert!(slowest < Duration::from_secs(1), "/healthz took {slowest:?} while templates ran");
    let grown = server.rss_mb().saturating_sub(before);
    assert!(grown < 100, "the server grew by {grown} MB");

    // A template that cannot be rendered within the limits is never saved.
    let r = admin
        .post(server.url("/summary/template"))
        .form(&[("source", bombs[0]), ("period", "2020H1"), ("_csrf", &admin_csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// A workbook whose one merged region covers a whole sheet of cells, one per
/// row far to the right.
fn merged_bomb(rows: usize) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut part = |name: &str, text: &str| {
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    };
    part(
        "[Content_Types].xml",
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
    );
    part(
        "xl/workbook.xml",
        r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    part(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
    );
    let mut sheet = String::from(
        r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    sheet.push_str(&format!(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{}</t></is></c></row>"#, "填".repeat(2000)));
    for r in 2..=rows {
        sheet.push_str(&format!(r#"<row r="{r}"><c r="GR{r}"><v>1</v></c></row>"#));
    }
    sheet.push_str(&format!(
        r#"</sheetData><mergeCells count="1"><mergeCell ref="A1:GR{rows}"/></mergeCells></worksheet>"#
    ));
    part("xl/worksheets/sheet1.xml", &sheet);
    out.finish().unwrap().into_inner()
}

#[tokio::test]
async fn spreadsheet_bombs_are_refused_within_bounded_memory() {
    let server = Server::start();
    let http = Client::new();
    let viewer = server.token(&http, "chakan").await;
    let admin = server.token(&http, "kuangqu").await;
    let bomb = merged_bomb(100_000);
    let before = server.rss_mb();
    for path in ["/api/v1/activities/import", "/api/v1/roster/import"] {
        // A viewer is refused before the file is read.
        let started = Instant::now();
        let r = http.post(server.url(path)).bearer_auth(&viewer).body(bomb.clone()).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(started.elapsed() < Duration::from_secs(2), "{path}: the viewer waited {:?}", started.elapsed());
    }
    // One bomb from an account that may import: refused, naming the limit,
    // having cost less than 100 MB.
    let peak_of = |tasks: Vec<tokio::task::JoinHandle<(StatusCode, String)>>| async {
        let mut peak = 0;
        while !tasks.iter().all(|t| t.is_finished()) {
            peak = peak.max(server.rss_mb());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        for task in tasks {
            let (status, body) = task.await.unwrap();
            assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
            assert!(body.contains("表格内容过多") || body.contains("较多"), "{body}");
        }
        peak
    };
    let send = |path: &str| {
        let request = http.post(server.url(path)).bearer_auth(&admin).body(bomb.clone());
        tokio::spawn(async move {
            let r = request.send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        })
    };
    let grown = peak_of(vec![send("/api/v1/activities/import")]).await.saturating_sub(before);
    assert!(grown < 100, "the server grew by {grown} MB reading one bomb");
    // Six at once: they take turns.
    let burst = (0..6).map(|i| send(if i % 2 == 0 { "/api/v1/activities/import" } else { "/api/v1/roster/import" }));
    let grown = peak_of(burst.collect()).await.saturating_sub(before);
    assert!(grown < 150, "the server grew by {grown} MB reading six bombs");
}

#[tokio::test]
async fn huge_images_cost_nothing_before_access_and_little_after() {
    let server = Server::start();
    let http = Client::new();
    let admin = server.token(&http, "kuangqu").await;
    let mut png = Vec::new();
    image::RgbImage::new(9000, 9000).write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    let activity: Value = http
        .get(server.url("/api/v1/activities?per_page=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = activity["items"][0]["id"].as_i64().unwrap();
    let before = server.rss_mb();
    let mut tasks = Vec::new();
    for i in 0..6 {
        let target = if i % 2 == 0 { 999_999_999 } else { id };
        let request = http
            .post(server.url(&format!("/api/v1/activities/{target}/evidence?name=photo.png")))
            .bearer_auth(&admin)
            .body(png.clone());
        tasks.push(tokio::spawn(async move { (target, request.send().await.unwrap().status()) }));
    }
    let mut peak = 0;
    while !tasks.iter().all(|t| t.is_finished()) {
        peak = peak.max(server.rss_mb());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for task in tasks {
        let (target, status) = task.await.unwrap();
        let expected = if target == id { StatusCode::CREATED } else { StatusCode::NOT_FOUND };
        assert_eq!(status, expected);
    }
    let grown = peak.saturating_sub(before);
    assert!(grown < 100, "the server grew by {grown} MB decoding photos");
}

/// LibreOffice conversions running now (the `soffice` script starts
/// one `soffice.bin` per conversion, and may restart it once on a fresh
/// profile: conversions are told apart by their command lines, which name
/// each one's own scratch folder).
fn converters() -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path().join("cmdline")).ok())
        .filter(|cmd| cmd.contains("soffice") && cmd.contains("--convert-to"))
        .map(|cmd| cmd.split('\0').skip(1).collect::<Vec<_>>().join(" "))
        .collect::<std::collections::HashSet<_>>()
        .len()
}

#[tokio::test]
async fn pdf_conversions_take_turns_and_an_unchanged_summary_is_converted_once() {
    if !common::tools::available("PDF conversions", &[common::tools::SOFFICE]) {
        return;
    }
    let server = Server::start();
    let http = Client::new();
    let admin = server.token(&http, "kuangqu").await;
    let url = server.url("/api/v1/summary/download?period=2020H1&format=pdf");
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let request = http.get(&url).bearer_auth(&admin).timeout(Duration::from_secs(300));
        tasks.push(tokio::spawn(async move {
            let r = request.send().await.unwrap();
            (r.status(), r.bytes().await.unwrap())
        }));
    }
    let mut most = 0;
    while !tasks.iter().all(|t| t.is_finished()) {
        most = most.max(converters());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(most <= 2, "{most} converters ran at once");
    for task in tasks {
        let (status, bytes) = task.await.unwrap();
        assert!(status == StatusCode::OK || status == StatusCode::TOO_MANY_REQUESTS, "{status}");
        if status == StatusCode::OK {
            assert!(bytes.starts_with(b"%PDF"));
        }
    }
    let started = Instant::now();
    let r = http.get(&url).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    assert!(started.elapsed() < Duration::from_secs(5), "the unchanged summary was converted again");
}
