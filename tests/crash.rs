//! Crash safety: the real server killed with SIGKILL in the middle of a
//! roster import and of a burst of writes, again and again, then restarted.
//! After each kill the audit chain is whole (and SQLite's integrity check
//! passes), the import is wholly there or wholly absent, and every write the
//! server acknowledged is present. `TAIZHANG_CRASH_KILLS` sets the number of
//! kills (20 by default).

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

mod common;
use taizhang_store::testing::TestDb;

const PASSWORD: &str = "crash-demo-password";
/// Rows of each roster sent before a kill.
const ROSTER_ROWS: usize = 5_000;

fn taizhang(db: &TestDb) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_taizhang"));
    c.args(["--database-url", &db.url]).env("TAIZHANG_ADMIN_PASSWORD", PASSWORD).env("RUST_LOG", "error");
    c
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(db: &TestDb) -> Server {
        let mut child = taizhang(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the server");
        let base = common::address_of(&mut child);
        Server { child, base }
    }

    /// SIGKILL: no shutdown, no flushing, no goodbye.
    fn kill(mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }
}

async fn login(http: &reqwest::Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "username": "admin", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// A valid synthetic ID number, unique per round and row.
fn id_number(round: usize, row: usize) -> String {
    let n = round * ROSTER_ROWS + row;
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap() + chrono::Days::new((n % 25_000) as u64);
    let first17 = format!("459004{}{:03}", birth.format("%Y%m%d"), n / 25_000);
    format!("{first17}{}", taizhang_core::id_number::check_char(&first17).unwrap())
}

fn roster(round: usize) -> String {
    let mut csv = String::from("姓名,身份证号,住址,所属网格\n");
    for row in 0..ROSTER_ROWS {
        csv.push_str(&format!(
            "崩溃{round}号{row},{},崩溃测试{round}栋{row}室,第一社区第一网格\n",
            id_number(round, row)
        ));
    }
    csv
}

fn check_integrity(db: &TestDb) {
    let out = taizhang(db).args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "the audit chain after a kill: {out:?}");
    if let Some(path) = db.url.strip_prefix("sqlite:") {
        let conn = rusqlite::Connection::open(path).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kills_lose_no_acknowledged_write_and_leave_no_half_import() {
    let db = TestDb::new();
    assert!(taizhang(&db).args(["demo", "--no-serve"]).output().unwrap().status.success());
    let kills: usize = std::env::var("TAIZHANG_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(20);
    let http = reqwest::Client::new();
    let (mut whole, mut absent, mut acknowledged) = (0, 0, 0);
    let mut rng = 0x2020_u64;
    let mut delay = |max: u64| {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        Duration::from_millis((rng >> 33) % max)
    };
    let org = {
        let server = Server::start(&db);
        let token = login(&http, &server.base).await;
        let orgs: Value = http
            .get(format!("{}/api/v1/orgs", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id =
            orgs.as_array().unwrap().iter().find(|o| o["name"] == "第一社区第一网格").unwrap()["id"].as_i64().unwrap();
        server.kill();
        id
    };
    for round in 0..kills {
        let server = Server::start(&db);
        let token = login(&http, &server.base).await;
        if round % 2 == 0 {
            // A roster import, killed at a random moment.
            let (client, url, token, body) =
                (http.clone(), format!("{}/api/v1/roster/import", server.base), token.clone(), roster(round));
            let import = tokio::spawn(async move { client.post(url).bearer_auth(token).body(body).send().await });
            tokio::time::sleep(delay(1500)).await;
            server.kill();
            let _ = import.await;
        } else {
            // Four writers creating people as fast as they can; each 201 is remembered.
            let done: Arc<Mutex<Vec<i64>>> = Arc::default();
            let mut writers = Vec::new();
            for w in 0..4 {
                let (client, base, token, done) = (http.clone(), server.base.clone(), token.clone(), done.clone());
                writers.push(tokio::spawn(async move {
                    for n in 0.. {
                        let body = json!({ "org_id": org, "name": format!("写入{round}-{w}-{n}") });
                        let Ok(r) =
                            client.post(format!("{base}/api/v1/people")).bearer_auth(&token).json(&body).send().await
                        else {
                            break;
                        };
                        if r.status() != reqwest::StatusCode::CREATED {
                            break;
                        }
                        let Ok(p) = r.json::<Value>().await else { break };
                        done.lock().unwrap().push(p["id"].as_i64().unwrap());
                    }
                }));
            }
            tokio::time::sleep(Duration::from_millis(100) + delay(400)).await;
            server.kill();
            for w in writers {
                let _ = w.await;
            }
            let done = done.lock().unwrap().clone();
            acknowledged += done.len();
            let server = Server::start(&db);
            let token = login(&http, &server.base).await;
            for id in &done {
                let r =
                    http.get(format!("{}/api/v1/people/{id}", server.base)).bearer_auth(&token).send().await.unwrap();
                assert_eq!(
                    r.status(),
                    reqwest::StatusCode::OK,
                    "round {round}: person {id} was acknowledged, then lost"
                );
            }
            server.kill();
        }
        check_integrity(&db);
        // Each import so far is all there or not there at all.
        let server = Server::start(&db);
        let token = login(&http, &server.base).await;
        for r in (0..=round).step_by(2) {
            let q = format!("{}/api/v1/households?q=崩溃测试{r}栋&per_page=1", server.base);
            let found: Value = http.get(q).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
            let total = found["total"].as_u64().unwrap() as usize;
            assert!(total == 0 || total == ROSTER_ROWS, "round {r}: {total} of {ROSTER_ROWS} households landed");
            if r == round {
                if total == 0 { absent += 1 } else { whole += 1 }
            }
        }
        server.kill();
    }
    eprintln!(
        "{kills} kills: {whole} imports landed whole, {absent} not at all; {acknowledged} acknowledged writes all present"
    );
    assert!(acknowledged > 0, "the writers got some writes in before the kills");
}
