use std::sync::{Arc, OnceLock};

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::model::Org;
use taizhang_store::testing::TestDb;
use taizhang_web::{AppState, WebConfig};

pub const PASSWORD: &str = "demo-password-1";

pub struct TestApp {
    pub base: String,
    pub services: Arc<Services>,
    /// The store under the services, for tests that check what was stored.
    pub store: Arc<dyn taizhang_core::store::Store>,
    pub http: Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    /// Kept so the database lives as long as the app.
    _db: TestDb,
}

/// The demo district, loaded once per test process into a template that
/// each test copies (loading it takes seconds, a copy a fraction of that).
fn demo_template() -> &'static TestDb {
    static TEMPLATE: OnceLock<TestDb> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        // A runtime of its own, on a thread of its own: every connection of
        // the loading store is closed when it ends, before any copy is made.
        std::thread::spawn(|| {
            let db = TestDb::template();
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let store = taizhang_store::open(&db.url).await.expect("open store");
                let services = Services::new(store);
                taizhang_demo::load(&services, PASSWORD).await.expect("demo");
            });
            drop(runtime);
            db
        })
        .join()
        .expect("the demo template")
    })
}

/// Starts the server on port 0 over a fresh database holding the demo
/// district (a copy of the template).
pub async fn spawn_app() -> TestApp {
    let db = demo_template().copy();
    let store = taizhang_store::open(&db.url).await.expect("open store");
    let services = Services::new(store.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(services.clone(), WebConfig { max_body_bytes: 64 * 1024, ..WebConfig::default() });
    tokio::spawn(taizhang_web::serve(listener, state, async {
        let _ = rx.await;
    }));
    TestApp {
        base,
        services,
        store,
        http: Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        _shutdown: tx,
        _db: db,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// An org of the demo by name.
    pub async fn org(&self, name: &str) -> Org {
        self.services.org_lookup(&Actor::system("test"), name).await.expect(name)
    }

    pub async fn token(&self, username: &str) -> String {
        self.token_with(username, PASSWORD).await
    }

    pub async fn token_with(&self, username: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "login of {username}");
        response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    /// Creates an account through the services (no HTTP).
    pub async fn add_user(&self, username: &str, role: &str, org: &str, personal: bool) {
        let org = self.org(org).await;
        self.services
            .user_create(
                &Actor::system("test"),
                &taizhang_core::service::UserInput {
                    username: username.into(),
                    display_name: username.into(),
                    role: role.into(),
                    org_id: Some(org.id),
                    can_view_personal: personal,
                    password: PASSWORD.into(),
                },
            )
            .await
            .expect("user");
    }

    /// Removes every activity (through the services), for import tests.
    pub async fn db_clear_activities(&self) {
        let actor = Actor::system("test");
        // Approved reports lock their records: reopen them first, from the top.
        for task in self.services.report_tasks(&actor).await.unwrap() {
            let matrix = self.services.report_matrix(&actor, task.id, 24).await.unwrap();
            for row in &matrix.rows {
                for cell in row.cells.iter().filter(|c| c.state.approved()) {
                    let reopen = taizhang_core::service::Decision::Reopen;
                    self.services
                        .submission_decide(&actor, task.id, row.org_id, &cell.period, reopen, "测试前清空台账")
                        .await
                        .unwrap();
                }
            }
        }
        loop {
            let page = self
                .services
                .activity_list(
                    &actor,
                    &taizhang_core::service::ActivityFilter { per_page: Some(200), ..Default::default() },
                )
                .await
                .unwrap();
            if page.items.is_empty() {
                break;
            }
            for a in page.items {
                self.services.activity_delete(&actor, a.id).await.unwrap();
            }
        }
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn send(&self, token: &str, method: &str, path: &str, body: Value) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        self.http.request(method, self.url(path)).bearer_auth(token).json(&body).send().await.unwrap()
    }

    /// A browser-like client with a cookie jar, signed in through the form.
    pub async fn browser(&self, username: &str) -> Browser {
        let client = Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let form = client.get(self.url("/login")).send().await.unwrap().text().await.unwrap();
        let csrf = hidden_csrf(&form);
        let response = client
            .post(self.url("/login"))
            .form(&[("username", username), ("password", PASSWORD), ("next", "/"), ("_csrf", &csrf)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "form login of {username}");
        let home = client.get(self.url("/")).send().await.unwrap().text().await.unwrap();
        Browser { client, base: self.base.clone(), csrf: hidden_csrf(&home) }
    }
}

pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("a csrf field") + marker.len();
    html[start..start + 64].to_owned()
}

pub struct Browser {
    pub client: Client,
    pub base: String,
    pub csrf: String,
}

impl Browser {
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("_csrf", &self.csrf));
        self.client.post(format!("{}{path}", self.base)).form(&fields).send().await.unwrap()
    }
}

/// The field errors of an API error body, as (field, message) pairs.
pub fn field_errors(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| (f["field"].as_str().unwrap().to_owned(), f["message"].as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// A second district under the county with its own administrator: (token, org).
pub async fn second_district(app: &TestApp) -> (String, Value) {
    let admin = app.token("admin").await;
    let county = app.org("X自治县").await;
    let org: Value = app
        .send(
            &admin,
            "POST",
            "/api/v1/orgs",
            json!({ "parent_id": county.id, "kind": "party_committee", "name": "Y矿矿区党委" }),
        )
        .await
        .json()
        .await
        .unwrap();
    app.add_user("y_admin", "org_admin", "Y矿矿区党委", false).await;
    (app.token("y_admin").await, org)
}
