//! The SQLite database file and its WAL companions are private to the
//! account that runs the server (mode 0600): the register holds personal data.

#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt;

    use taizhang_core::auth::now;
    use taizhang_core::model::{AuditCtx, NewOrg, OrgKind};
    use taizhang_store::testing::TestDb;

    let db = TestDb::sqlite();
    let path = db.url.strip_prefix("sqlite:").expect("a sqlite url").to_owned();
    let store = taizhang_store::open(&db.url).await.expect("open");
    let ctx = AuditCtx { user_id: None, username: "test".into(), ip: None, at: now() };
    store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &ctx)
        .await
        .unwrap();
    let mode = |p: &str| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777).ok();
    assert_eq!(mode(&path), Some(0o600), "{path}");
    for suffix in ["-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        if let Some(m) = mode(&p) {
            assert_eq!(m, 0o600, "{p}");
        }
    }
    // A file left readable by others (an older version, a copy put in place)
    // is made private when the store opens it.
    drop(store);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = taizhang_store::open(&db.url).await.expect("reopen");
    assert_eq!(again.org_subtree("/").await.unwrap().len(), 1);
    assert_eq!(mode(&path), Some(0o600));
}
