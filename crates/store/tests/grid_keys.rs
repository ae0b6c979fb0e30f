//! Households are listed in the order addresses read, by a sort key the
//! store keeps beside each address; rows written before the key existed get
//! theirs when the store opens. On SQLite by default, on PostgreSQL when
//! TAIZHANG_PG_URL is set.

use taizhang_core::auth::now;
use taizhang_core::grid::Household;
use taizhang_core::model::*;
use taizhang_core::store::HouseholdQuery;
use taizhang_store::testing::TestDb;

fn ctx() -> AuditCtx {
    AuditCtx { user_id: None, username: "test".into(), ip: None, at: now() }
}

/// Runs statements over a plain connection of the test database's engine.
fn raw(url: &str, sql: &str) {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let conn = rusqlite::Connection::open(path.trim_start_matches("//")).unwrap();
        conn.execute_batch(sql).unwrap();
    } else {
        // The synchronous client must not run inside the async runtime.
        let (url, sql) = (url.to_owned(), sql.to_owned());
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            client.batch_execute(&sql).unwrap();
        })
        .join()
        .unwrap();
    }
}

async fn addresses(store: &dyn taizhang_core::store::Store, grid: Id) -> Vec<String> {
    let q = HouseholdQuery {
        scope_path: "/".into(),
        grid_id: Some(grid),
        text: String::new(),
        page: 1,
        per_page: 50,
        after: None,
    };
    store.households(&q).await.unwrap().items.into_iter().map(|h| h.address).collect()
}

#[tokio::test]
async fn households_are_in_address_order_and_old_rows_get_their_key_on_open() {
    let db = TestDb::new();
    let store = taizhang_store::open(&db.url).await.expect("open");
    let c = ctx();
    let root = store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::Community, name: "社区".into(), purpose: None }, &c)
        .await
        .unwrap();
    let grid = store
        .org_create(NewOrg { parent_id: Some(root.id), kind: OrgKind::Grid, name: "网格".into(), purpose: None }, &c)
        .await
        .unwrap();
    for address in ["10栋101室", "2栋101室", "1栋1101室", "1栋201室"] {
        let h = Household { id: 0, org_id: grid.id, address: address.into(), members: Vec::new() };
        store.household_save(h, &c).await.unwrap();
    }
    let natural = ["1栋201室", "1栋1101室", "2栋101室", "10栋101室"];
    assert_eq!(addresses(store.as_ref(), grid.id).await, natural);

    // Rows as an older version wrote them, without the key: ordered again
    // once the store has opened.
    drop(store);
    raw(&db.url, "UPDATE households SET address_key = NULL");
    let store = taizhang_store::open(&db.url).await.expect("reopen");
    assert_eq!(addresses(store.as_ref(), grid.id).await, natural);
    // A changed address takes its new place.
    let first = store
        .households(&HouseholdQuery {
            scope_path: "/".into(),
            grid_id: Some(grid.id),
            text: "10栋".into(),
            page: 1,
            per_page: 5,
            after: None,
        })
        .await
        .unwrap()
        .items
        .remove(0);
    store.household_save(Household { address: "1栋101室".into(), ..first }, &c).await.unwrap();
    assert_eq!(addresses(store.as_ref(), grid.id).await, ["1栋101室", "1栋201室", "1栋1101室", "2栋101室"]);
}
