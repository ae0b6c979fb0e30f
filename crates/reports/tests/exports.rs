//! Exports over a real store (SQLite, or PostgreSQL when `TAIZHANG_PG_URL`
//! is set) with the demo district loaded.

use taizhang_core::Services;
use taizhang_core::auth::Actor;
use taizhang_core::service::ActivityFilter;
use taizhang_store::testing::TestDb;

#[tokio::test]
async fn the_activity_ledger_loads_its_rows_at_once_and_as_each_alone() {
    let db = TestDb::new();
    let services = Services::new(taizhang_store::open(&db.url).await.expect("store"));
    taizhang_demo::load(&services, "demo-password-1").await.expect("demo");
    let actor = Actor::system("test");
    let filter = ActivityFilter { period: Some("2020".into()), ..Default::default() };
    let activities = services.activity_export(&actor, &filter).await.unwrap();
    assert!(activities.len() > 50, "the demo's year: {}", activities.len());
    let at_once = services.activity_sheets(&actor, &activities).await.unwrap();
    let mut one_by_one = Vec::new();
    for a in &activities {
        one_by_one.push(services.activity_sheet(&actor, a).await.unwrap());
    }
    assert_eq!(at_once, one_by_one);
    assert!(at_once.iter().any(|s| !s.work_area.is_empty()) && at_once.iter().any(|s| !s.campaign.is_empty()));
    let (name, bytes) = taizhang_reports::export(&services, &actor, &filter).await.unwrap();
    assert!(name.starts_with("全部工作台账（2020") && name.ends_with("）.xlsx"), "{name}");
    assert!(bytes.starts_with(b"PK"));
}
