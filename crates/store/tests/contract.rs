//! The storage contract, run against SQLite by default and against
//! PostgreSQL when TAIZHANG_PG_URL is set: the same story on both engines.

use std::sync::Arc;

use taizhang_core::auth::{Actor, now};
use taizhang_core::model::*;
use taizhang_core::service::{OrgInput, OrgUpdate, PersonInput};
use taizhang_core::store::Store;
use taizhang_core::{Error, Services};
use taizhang_store::testing::TestDb;

async fn fresh() -> (TestDb, Arc<dyn Store>) {
    let db = TestDb::new();
    let store = taizhang_store::open(&db.url).await.expect("open");
    (db, store)
}

fn ctx() -> AuditCtx {
    AuditCtx { user_id: None, username: "test".into(), ip: None, at: now() }
}

/// A new org of `kind` named `name` under `parent` (a root without one).
async fn org(store: &Arc<dyn Store>, parent: Option<&Org>, kind: OrgKind, name: &str) -> Org {
    let new = NewOrg { parent_id: parent.map(|p| p.id), kind, name: name.into(), purpose: None };
    store.org_create(new, &ctx()).await.unwrap()
}

/// A county with two orgs of `kind` under it: records go in the first; the
/// second's scope must not see them.
async fn county_with_two(store: &Arc<dyn Store>, kind: OrgKind) -> (Org, Org, Org) {
    let root = org(store, None, OrgKind::County, "县").await;
    let a = org(store, Some(&root), kind, "甲").await;
    let b = org(store, Some(&root), kind, "乙").await;
    (root, a, b)
}

#[tokio::test]
async fn migrations_run_once_and_reopen_cleanly() {
    let db = TestDb::new();
    let first = taizhang_store::open(&db.url).await.expect("first open");
    first
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &ctx())
        .await
        .unwrap();
    drop(first);
    let again = taizhang_store::open(&db.url).await.expect("second open");
    assert_eq!(again.org_subtree("/").await.unwrap().len(), 1);
}

#[tokio::test]
async fn unknown_scheme_is_a_clear_error() {
    let error = taizhang_store::open("mysql://localhost/x").await.err().expect("refused");
    assert!(error.to_string().contains("不支持的数据库地址"), "{error}");
}

#[tokio::test]
async fn moving_an_org_rewrites_the_subtree_paths() {
    let (_db, store, root, a, b) = fresh_with_two(OrgKind::PartyCommittee).await;
    let c = ctx();
    let a1 = org(&store, Some(&a), OrgKind::Community, "甲一").await;
    let a1g = org(&store, Some(&a1), OrgKind::Grid, "网格").await;
    assert_eq!(a1g.path, format!("/{}/{}/{}/{}/", root.id, a.id, a1.id, a1g.id));

    let moved = store.org_update(a1.id, OrgChange { parent_id: Some(b.id), ..Default::default() }, &c).await.unwrap();
    assert_eq!(moved.parent_id, Some(b.id));
    let grid = store.org_get(a1g.id).await.unwrap().unwrap();
    assert_eq!(grid.path, format!("/{}/{}/{}/{}/", root.id, b.id, a1.id, a1g.id));
    let under_a: Vec<_> = store.org_subtree(&a.path).await.unwrap().into_iter().map(|o| o.id).collect();
    assert_eq!(under_a, vec![a.id]);

    // The store itself refuses a cycle, whatever the caller checked.
    let cycle = store.org_update(b.id, OrgChange { parent_id: Some(a1g.id), ..Default::default() }, &c).await;
    assert!(matches!(cycle, Err(Error::Invalid(_))));
}

fn person(org_id: Id, name: &str, id_number: Option<&str>, mobile: Option<&str>) -> PersonFields {
    let today = now().date_naive();
    PersonFields {
        org_id,
        name: name.into(),
        gender: None,
        birth_date: None,
        id_number: id_number.map(|n| taizhang_core::id_number::IdNumber::parse(n, today).unwrap()),
        id_number_pending: None,
        mobile: mobile.map(|m| taizhang_core::mobile::Mobile::parse(m).unwrap()),
        party_member: false,
        notes: String::new(),
    }
}

#[tokio::test]
async fn people_search_by_pinyin_initials_phone_tail_within_scope() {
    let (_db, store, root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    store.person_create(person(a.id, "张伟", None, Some("13812345678")), &c).await.unwrap();
    store.person_create(person(a.id, "李娜", None, Some("13900001111")), &c).await.unwrap();
    store.person_create(person(b.id, "张伟", None, None), &c).await.unwrap();

    let search = |scope: &str, text: &str| PersonQuery::new(scope, text);
    let names = |p: Page<Person>| p.items.into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(names(store.person_search(&search(&a.path, "zw")).await.unwrap()), vec!["张伟"]);
    assert_eq!(names(store.person_search(&search(&a.path, "zhangwei")).await.unwrap()), vec!["张伟"]);
    assert_eq!(names(store.person_search(&search(&a.path, "张")).await.unwrap()), vec!["张伟"]);
    assert_eq!(names(store.person_search(&search(&a.path, "5678")).await.unwrap()), vec!["张伟"]);
    assert_eq!(names(store.person_search(&search(&a.path, "")).await.unwrap()), vec!["李娜", "张伟"]);
    assert_eq!(store.person_search(&search(&root.path, "zw")).await.unwrap().total, 2);
    // LIKE wildcards typed by a user are literal.
    assert_eq!(store.person_search(&search(&root.path, "%")).await.unwrap().total, 0);

    let mut paged = search(&root.path, "");
    paged.per_page = 2;
    paged.page = 2;
    let page = store.person_search(&paged).await.unwrap();
    assert_eq!((page.total, page.items.len(), page.pages()), (3, 1, 2));
}

#[tokio::test]
async fn an_id_number_is_registered_once() {
    let (_db, store) = fresh().await;
    let c = ctx();
    let root = store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &c)
        .await
        .unwrap();
    store.person_create(person(root.id, "甲", Some("11010519491231002X"), None), &c).await.unwrap();
    let again = store.person_create(person(root.id, "乙", Some("11010519491231002X"), None), &c).await;
    match again {
        Err(Error::Conflict(f)) => assert_eq!(f.field, "id_number"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Nothing half-written: the failed create left neither a row nor an audit entry.
    assert_eq!(store.person_search(&PersonQuery { per_page: 10, ..PersonQuery::new("/", "") }).await.unwrap().total, 1);
    let creates = store.audit_all().await.unwrap().into_iter().filter(|e| e.record.entity == "person").count();
    assert_eq!(creates, 1);
}

#[tokio::test]
async fn sessions_expire() {
    let (_db, store) = fresh().await;
    let (_services, _actor, root) = with_services(&store).await;
    let user = store
        .user_create(
            NewUser {
                username: "u1".into(),
                display_name: "用户".into(),
                role: Role::Viewer,
                org_id: root.id,
                can_view_personal: false,
                password_hash: "x".into(),
            },
            &ctx(),
        )
        .await
        .unwrap();
    let t = now();
    store
        .session_create(Session {
            token_hash: "h".into(),
            user_id: user.id,
            kind: SessionKind::Web,
            csrf: "c".into(),
            created_at: t,
            expires_at: t + chrono::Duration::hours(1),
        })
        .await
        .unwrap();
    assert!(store.session_get("h", t).await.unwrap().is_some());
    assert!(store.session_get("h", t + chrono::Duration::hours(2)).await.unwrap().is_none());
    store.session_delete("h").await.unwrap();
    assert!(store.session_get("h", t).await.unwrap().is_none());
}

#[tokio::test]
async fn audit_chain_detects_edits_and_deletions() {
    let (db, store) = fresh().await;
    let (services, actor, root) = with_services(&store).await;
    for name in ["甲", "乙", "丙"] {
        services
            .org_create(
                &actor,
                OrgInput {
                    parent_id: Some(root.id),
                    kind: "community".into(),
                    name: name.into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    let input = PersonInput {
        org_id: Some(root.id),
        name: "张伟".into(),
        id_number: "11010519491231002X".into(),
        ..Default::default()
    };
    let p = services.person_create(&actor, &input).await.unwrap();
    services.person_update(&actor, p.id, &PersonInput { name: "张伟伟".into(), ..input }).await.unwrap();
    services
        .org_update(&actor, root.id + 1, OrgUpdate { name: Some("甲社区".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(services.audit_verify().await.unwrap(), Ok(7));

    // The audit entry of a person keeps the ID number masked.
    let entries = store.audit_all().await.unwrap();
    let person_entry = entries.iter().find(|e| e.record.entity == "person").unwrap();
    assert_eq!(person_entry.record.after.as_ref().unwrap()["id_number"], "1101**********002X");

    // The database refuses changes to the log...
    assert!(db.execute_raw("UPDATE audit_log SET username = 'x' WHERE id = 2").is_err());
    assert!(db.execute_raw("DELETE FROM audit_log WHERE id = 2").is_err());

    // ...and someone who removes that guard is still found out.
    let unguard = if db.is_postgres() {
        "DROP TRIGGER audit_log_no_change ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete"
    };
    db.execute_raw(unguard).unwrap();
    db.execute_raw("UPDATE audit_log SET username = 'mallory' WHERE id = 3").unwrap();
    let broken = services.audit_verify().await.unwrap().unwrap_err();
    assert_eq!(broken, taizhang_core::audit::ChainBreak::Content { id: 3 });
    db.execute_raw("DELETE FROM audit_log WHERE id = 3").unwrap();
    let broken = services.audit_verify().await.unwrap().unwrap_err();
    assert_eq!(broken, taizhang_core::audit::ChainBreak::Link { id: 4 });
}

#[tokio::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let (_db, store) = fresh().await;
    let (services, actor, root) = with_services(&store).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let services = services.clone();
        let actor = actor.clone();
        tasks.push(tokio::spawn(async move {
            let input = PersonInput { org_id: Some(root.id), name: format!("人员{i}"), ..Default::default() };
            services.person_create(&actor, &input).await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(services.audit_verify().await.unwrap(), Ok(21));
}

/// The monthly aggregate the dashboard reads (counts, activities with evidence,
/// reported ones) always equals a count of the activities themselves, through
/// creates, edits that move an activity between orgs and months, evidence
/// gained and lost, and deletes.
#[tokio::test]
async fn the_monthly_aggregate_follows_every_write() {
    use chrono::NaiveDate;
    use taizhang_core::evidence::NewEvidence;
    use taizhang_core::ledger::{ActivityFields, ActivityQuery, VOLUNTEER_KIND};

    let (_db, store, root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2020, m, d).unwrap();
    let fields = |org: Id, kind: &str, date: NaiveDate, reported: bool| ActivityFields {
        org_id: org,
        kind: kind.into(),
        title: format!("{kind} {date}"),
        date,
        reported_on: reported.then_some(date),
        ..Default::default()
    };
    let photo = |activity_id: Id| NewEvidence {
        activity_id,
        file_name: "a.txt".into(),
        content_type: "text/plain".into(),
        sha256: String::new(),
        bytes: b"x".to_vec(),
        thumbnail: None,
    };
    let check = |store: Arc<dyn Store>, path: String, from: NaiveDate, to: NaiveDate| async move {
        let counts = store
            .activity_counts(&path, &from.format("%Y-%m").to_string(), &to.format("%Y-%m").to_string())
            .await
            .unwrap();
        let query = |unreported: bool, without_evidence: bool| ActivityQuery {
            scope_path: path.clone(),
            from: Some(from),
            to: Some(to),
            unreported,
            without_evidence,
            ..Default::default()
        };
        // Each figure against the rows themselves (the list's items, not its total).
        let rows = |unreported: bool, without_evidence: bool| {
            let store = store.clone();
            let mut q = query(unreported, without_evidence);
            q.per_page = 1000;
            async move { store.activity_list(&q).await.unwrap().items.len() as u64 }
        };
        assert_eq!(counts.total, rows(false, false).await, "{path} total");
        assert_eq!(counts.without_evidence(), rows(false, true).await, "{path} without evidence");
        assert_eq!(counts.unreported(VOLUNTEER_KIND), rows(true, false).await, "{path} unreported");
        // And the query counts, which read the aggregate for whole months and
        // the rows otherwise.
        for (unreported, without_evidence) in [(false, false), (false, true), (true, false), (true, true)] {
            let whole = query(unreported, without_evidence);
            let part =
                ActivityQuery { to: whole.to.map(|d| d - chrono::Days::new(1)), per_page: 1000, ..whole.clone() };
            let whole = ActivityQuery { per_page: 1000, ..whole };
            for q in [whole, part] {
                let listed = store.activity_list(&q).await.unwrap().items.len() as u64;
                assert_eq!(store.activity_count(&q).await.unwrap(), listed, "{path} {q:?}");
            }
        }
        counts
    };
    let whole_year = |store: &Arc<dyn Store>| {
        let store = store.clone();
        let (ra, rb, rr) = (a.path.clone(), b.path.clone(), root.path.clone());
        async move {
            for path in [ra, rb, rr.clone()] {
                check(store.clone(), path.clone(), day(1, 1), day(12, 31)).await;
                check(store.clone(), path, day(3, 1), day(3, 31)).await;
            }
            check(store.clone(), rr, day(1, 1), day(12, 31)).await
        }
    };

    let v1 = store.activity_create(fields(a.id, VOLUNTEER_KIND, day(3, 6), false), &c).await.unwrap();
    let v2 = store.activity_create(fields(a.id, VOLUNTEER_KIND, day(3, 20), true), &c).await.unwrap();
    let s1 = store.activity_create(fields(b.id, "study_day", day(4, 3), false), &c).await.unwrap();
    let counts = whole_year(&store).await;
    assert_eq!((counts.total, counts.without_evidence(), counts.unreported(VOLUNTEER_KIND)), (3, 3, 1));

    // Evidence: the first file counts, a second does not, losing the last one does.
    let e1 = store.evidence_add(photo(v1.id), &c).await.unwrap();
    let e2 = store.evidence_add(photo(v1.id), &c).await.unwrap();
    store.evidence_add(photo(s1.id), &c).await.unwrap();
    assert_eq!(whole_year(&store).await.without_evidence(), 1);
    store.evidence_delete(e1.id, &c).await.unwrap();
    assert_eq!(whole_year(&store).await.without_evidence(), 1);
    store.evidence_delete(e2.id, &c).await.unwrap();
    assert_eq!(whole_year(&store).await.without_evidence(), 2);

    // An edit moves an activity with evidence to another org and month, and reports it.
    store.evidence_add(photo(v1.id), &c).await.unwrap();
    store.activity_update(v1.id, fields(b.id, VOLUNTEER_KIND, day(5, 8), true), &c).await.unwrap();
    let counts = whole_year(&store).await;
    assert_eq!((counts.without_evidence(), counts.unreported(VOLUNTEER_KIND)), (1, 0));
    // Un-reporting counts it again.
    store.activity_update(v2.id, fields(a.id, VOLUNTEER_KIND, day(3, 20), false), &c).await.unwrap();
    assert_eq!(whole_year(&store).await.unreported(VOLUNTEER_KIND), 1);

    // Deletes take the activity out, with its evidence.
    store.activity_delete(s1.id, &c).await.unwrap();
    store.activity_delete(v1.id, &c).await.unwrap();
    let counts = whole_year(&store).await;
    assert_eq!((counts.total, counts.without_evidence(), counts.unreported(VOLUNTEER_KIND)), (1, 1, 1));

    // The import path keeps the same books.
    let batch = vec![fields(a.id, VOLUNTEER_KIND, day(3, 1), true), fields(b.id, "meeting", day(7, 1), false)];
    store.activity_import(batch, "导入.xlsx".into(), &c).await.unwrap();
    let counts = whole_year(&store).await;
    assert_eq!((counts.total, counts.without_evidence(), counts.unreported(VOLUNTEER_KIND)), (3, 3, 1));
}

#[tokio::test]
async fn indicator_values_are_exact_unique_per_period_and_go_with_their_indicator() {
    use taizhang_core::indicator::{Aggregate, Decimal, Indicator, IndicatorValue, ValueChange};
    let (_db, store) = fresh().await;
    let c = ctx();
    let org = |parent: Option<Id>, kind: OrgKind, name: &str| NewOrg {
        parent_id: parent,
        kind,
        name: name.into(),
        purpose: None,
    };
    let town = store.org_create(org(None, OrgKind::Township, "镇"), &c).await.unwrap();
    let village = store.org_create(org(Some(town.id), OrgKind::Village, "村"), &c).await.unwrap();
    let other = store.org_create(org(None, OrgKind::Township, "另一镇"), &c).await.unwrap();
    let define = |org_id: Id, name: &str| Indicator {
        id: 0,
        org_id,
        org_path: String::new(),
        org_kind: Some(OrgKind::Village),
        name: name.into(),
        unit: "%".into(),
        decimals: 2,
        aggregate: Aggregate::Sum,
        sort: 3,
        created_at: now(),
        created_by: "test".into(),
    };
    let rate = store.indicator_save(define(town.id, "覆盖率"), &c).await.unwrap();
    assert_eq!((rate.org_path.as_str(), rate.org_kind, rate.decimals), (town.path.as_str(), Some(OrgKind::Village), 2));
    let clash = store.indicator_save(define(town.id, "覆盖率"), &c).await;
    assert!(matches!(clash, Err(Error::Conflict(ref f)) if f.field == "name"), "{clash:?}");
    let elsewhere = store.indicator_save(define(other.id, "覆盖率"), &c).await.unwrap();
    // By subtree, and by the ancestors named.
    let ids = |list: Vec<Indicator>| list.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(store.indicators(&village.path, vec![town.id]).await.unwrap()), vec![rate.id]);
    assert_eq!(ids(store.indicators(&village.path, vec![]).await.unwrap()), Vec::<Id>::new());
    assert_eq!(ids(store.indicators(&other.path, vec![]).await.unwrap()), vec![elsewhere.id]);

    let d = |s: &str| Decimal::parse(s, 4).unwrap();
    let value = |org_id: Id, period: &str, v: &str| IndicatorValue {
        id: 0,
        indicator_id: rate.id,
        org_id,
        period: period.into(),
        value: d(v),
        target: Some(d("95")),
        last_year: None,
        note: "统计站".into(),
        updated_at: now(),
        updated_by: "test".into(),
    };
    let batch = vec![
        ValueChange::Set(value(village.id, "2021", "96.49")),
        ValueChange::Set(value(village.id, "2020", "-0.01")),
    ];
    assert_eq!(store.indicator_values_apply(batch.clone(), town.id, None, &c).await.unwrap(), 2);
    // The same again changes nothing; a new value replaces the old one (one per org and period).
    assert_eq!(store.indicator_values_apply(batch, town.id, None, &c).await.unwrap(), 0);
    let changed = vec![ValueChange::Set(value(village.id, "2021", "96.5"))];
    assert_eq!(store.indicator_values_apply(changed, town.id, Some("表.xlsx".into()), &c).await.unwrap(), 1);
    let values = store.indicator_values(&town.path, vec!["2021".into(), "2020".into()]).await.unwrap();
    let texts: Vec<(String, String, Option<String>)> =
        values.iter().map(|v| (v.period.clone(), v.value.to_string(), v.target.map(|t| t.to_string()))).collect();
    assert_eq!(
        texts,
        [
            ("2020".to_owned(), "-0.01".to_owned(), Some("95".to_owned())),
            ("2021".into(), "96.5".into(), Some("95".into()))
        ]
    );
    assert!(store.indicator_values(&other.path, vec!["2021".into()]).await.unwrap().is_empty());
    let clear = vec![ValueChange::Clear { indicator_id: rate.id, org_id: village.id, period: "2020".into() }];
    assert_eq!(store.indicator_values_apply(clear, town.id, None, &c).await.unwrap(), 1);
    assert_eq!(store.indicator_values_of(rate.id).await.unwrap().len(), 1);

    // Renamed, and deleted with its values.
    let renamed = store.indicator_save(Indicator { name: "入户覆盖率".into(), ..rate.clone() }, &c).await.unwrap();
    assert_eq!((renamed.id, renamed.name.as_str()), (rate.id, "入户覆盖率"));
    store.indicator_delete(rate.id, &c).await.unwrap();
    assert!(store.indicator_get(rate.id).await.unwrap().is_none());
    assert!(store.indicator_values_of(rate.id).await.unwrap().is_empty());
    let log = store.audit_all().await.unwrap();
    let imports = log.iter().filter(|e| e.record.entity == "indicator_value" && e.record.action == "import").count();
    assert_eq!(imports, 1);
}

// --- every aggregate: written, read back through the trait, within its scope ---

fn day(m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2020, m, d).unwrap()
}

fn file(name: &str, bytes: &[u8]) -> taizhang_core::evidence::NewFile {
    taizhang_core::evidence::NewFile {
        file_name: name.into(),
        content_type: "text/plain".into(),
        sha256: "0".repeat(64),
        bytes: bytes.to_vec(),
    }
}

/// The services over `store`, as the system, with a county made through them.
async fn with_services(store: &Arc<dyn Store>) -> (Arc<Services>, Actor, Org) {
    let services = Services::new(store.clone());
    let actor = Actor::system("test");
    let county = OrgInput { parent_id: None, kind: "county".into(), name: "县".into(), ..Default::default() };
    let root = services.org_create(&actor, county).await.unwrap();
    (services, actor, root)
}

/// A fresh store with a county and two orgs of `kind` under it (see [`county_with_two`]).
async fn fresh_with_two(kind: OrgKind) -> (TestDb, Arc<dyn Store>, Org, Org, Org) {
    let (db, store) = fresh().await;
    let (root, a, b) = county_with_two(&store, kind).await;
    (db, store, root, a, b)
}

/// A deleted record's id is never given to a later one (a saved summary's
/// link to it must not open another record).
#[tokio::test]
async fn ids_are_never_reused_after_a_delete() {
    use taizhang_core::ledger::ActivityFields;
    let (_db, store) = fresh().await;
    let c = ctx();
    let root = org(&store, None, OrgKind::County, "县").await;
    let fields = || ActivityFields {
        org_id: root.id,
        kind: "meeting".into(),
        title: "会议".into(),
        date: day(3, 1),
        ..Default::default()
    };
    let first = store.activity_create(fields(), &c).await.unwrap();
    store.activity_delete(first.id, &c).await.unwrap();
    let second = store.activity_create(fields(), &c).await.unwrap();
    assert!(second.id > first.id, "the id {} came back", first.id);
    // After reopening, too (SQLite keeps the sequence in the file).
    let p = store.person_create(person(root.id, "甲", None, None), &c).await.unwrap();
    store.person_delete(p.id, &c).await.unwrap();
    let again = store.person_create(person(root.id, "乙", None, None), &c).await.unwrap();
    assert!(again.id > p.id);
}

#[tokio::test]
async fn grid_households_residents_screenings_and_visits() {
    use taizhang_core::grid::*;
    use taizhang_core::store::HouseholdQuery;
    let (_db, store, root, g1, g2) = fresh_with_two(OrgKind::Grid).await;
    let c = ctx();
    let h = store
        .household_save(Household { id: 0, org_id: g1.id, address: "1栋101".into(), members: vec![] }, &c)
        .await
        .unwrap();
    let head = store.person_create(person(g1.id, "王五", None, None), &c).await.unwrap();
    store.resident_set(head.id, Some((h.id, HEAD.into())), &c).await.unwrap();
    let got = store.household_get(h.id).await.unwrap().unwrap();
    assert_eq!((got.address.as_str(), got.members.len()), ("1栋101", 1));
    assert_eq!((got.members[0].person_id, got.members[0].relation.as_str()), (head.id, HEAD));
    assert_eq!(store.households_by_ids(vec![h.id]).await.unwrap().len(), 1);
    let query = |path: &str, text: &str| HouseholdQuery {
        scope_path: path.into(),
        grid_id: None,
        text: text.into(),
        page: 1,
        per_page: 10,
        after: None,
    };
    assert_eq!(store.households(&query(&g1.path, "")).await.unwrap().total, 1);
    assert_eq!(store.households(&query(&g1.path, "wangwu")).await.unwrap().total, 1);
    assert_eq!(store.households(&query(&g2.path, "")).await.unwrap().total, 0);
    assert_eq!(store.resident_get(head.id).await.unwrap().unwrap().household_id, h.id);
    assert_eq!(store.residents(&g1.path, None).await.unwrap().len(), 1);
    assert!(store.residents(&g2.path, None).await.unwrap().is_empty());

    let s = store
        .screening_create(
            Screening {
                id: 0,
                org_id: root.id,
                name: "摸排".into(),
                starts_on: day(2, 1),
                ends_on: day(2, 29),
                grid_ids: vec![g1.id],
            },
            &c,
        )
        .await
        .unwrap();
    assert_eq!(store.screening_get(s.id).await.unwrap().unwrap().grid_ids, vec![g1.id]);
    assert_eq!(store.screenings(&root.path).await.unwrap().len(), 1);
    assert_eq!(store.screenings_covering(&g1.path).await.unwrap().len(), 1);
    assert!(store.screenings_covering(&g2.path).await.unwrap().is_empty());
    assert_eq!(store.missed_households(s.id, None, 10).await.unwrap().len(), 1);
    let visit = Visit {
        id: 0,
        screening_id: s.id,
        household_id: h.id,
        grid_id: g1.id,
        visited_on: day(2, 3),
        visitor: "李四".into(),
        result: VisitResult::AllSeen,
        note: String::new(),
        statuses: vec![(head.id, PersonStatus::Seen)],
    };
    let v = store.visit_record(visit, &c).await.unwrap();
    let visits = store.visits(s.id, Some(h.id), None, 10).await.unwrap();
    assert_eq!(
        (visits.len(), visits[0].id, visits[0].statuses.clone()),
        (1, v.id, vec![(head.id, PersonStatus::Seen)])
    );
    let coverage = store.coverage(s.id).await.unwrap();
    assert_eq!(
        coverage.iter().map(|g| (g.grid_id, g.households, g.visited, g.residents, g.with_status)).collect::<Vec<_>>(),
        vec![(g1.id, 1, 1, 1, 1)]
    );
    assert!(store.missed_households(s.id, None, 10).await.unwrap().is_empty());
    assert!(store.missed_persons(s.id, None, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn care_key_persons_plans_follow_ups_checks_and_disinfections() {
    use taizhang_core::grid::*;
    let (_db, store, _root, g1, g2) = fresh_with_two(OrgKind::Grid).await;
    let c = ctx();
    let p = store.person_create(person(g1.id, "赵六", None, None), &c).await.unwrap();
    let cadre = store.person_create(person(g1.id, "网格员", None, None), &c).await.unwrap();
    let group = store.key_group_create(g1.id, "居家观察".into(), &c).await.unwrap();
    assert!(store.key_groups().await.unwrap().iter().any(|g| g.id == group.id));
    let stay = KeyPerson {
        id: 0,
        key_group_id: group.id,
        group_name: String::new(),
        person_id: p.id,
        person_name: String::new(),
        org_id: g1.id,
        entered_on: day(2, 1),
        enter_reason: "返乡".into(),
        left_on: None,
        leave_reason: String::new(),
    };
    let stay = store.key_person_enter(stay, &c).await.unwrap();
    assert_eq!((stay.person_name.as_str(), stay.group_name.as_str()), ("赵六", "居家观察"));
    assert_eq!(store.key_persons(&g1.path, None).await.unwrap().len(), 1);
    assert!(store.key_persons(&g2.path, None).await.unwrap().is_empty());
    let left = store.key_person_leave(stay.id, day(2, 15), "解除".into(), &c).await.unwrap();
    assert_eq!(store.key_person_get(stay.id).await.unwrap().unwrap().left_on, Some(day(2, 15)));
    assert_eq!(left.leave_reason, "解除");

    let plan = CarePlan {
        id: 0,
        person_id: p.id,
        person_name: String::new(),
        org_id: g1.id,
        cadre_id: cadre.id,
        cadre_name: String::new(),
        measures: "每日电话".into(),
        every_days: 7,
        starts_on: day(2, 1),
        ends_on: None,
    };
    let plan = store.care_plan_save(plan, &c).await.unwrap();
    assert_eq!((plan.cadre_name.as_str(), plan.every_days), ("网格员", 7));
    assert_eq!(store.care_plan_of(p.id).await.unwrap().unwrap().id, plan.id);
    assert_eq!(store.care_plans(&g1.path).await.unwrap().len(), 1);
    assert!(store.care_plans(&g2.path).await.unwrap().is_empty());

    let follow =
        FollowUp { id: 0, person_id: p.id, done_on: day(2, 8), by: "网格员".into(), findings: "正常".into() };
    store.follow_up_add(follow, g1.id, &c).await.unwrap();
    assert_eq!(store.follow_ups(&g1.path, day(2, 1), day(2, 29)).await.unwrap()[0].findings, "正常");
    assert!(store.follow_ups(&g2.path, day(2, 1), day(2, 29)).await.unwrap().is_empty());
    assert!(store.follow_ups(&g1.path, day(3, 1), day(3, 31)).await.unwrap().is_empty());

    let at = day(2, 9).and_hms_opt(8, 30, 0).unwrap();
    let (from, to) = (day(2, 9).and_hms_opt(0, 0, 0).unwrap(), day(2, 10).and_hms_opt(0, 0, 0).unwrap());
    let check = HealthCheck {
        id: 0,
        person_id: p.id,
        person_name: String::new(),
        org_id: g1.id,
        checked_at: at,
        temperature: 37.6,
        symptoms: "咳嗽".into(),
        by: "网格员".into(),
        recorded_by: None,
    };
    store.health_check_add(check, &c).await.unwrap();
    let checks = store.health_checks(&g1.path, Some(p.id), from, to).await.unwrap();
    assert_eq!((checks.len(), checks[0].checked_at, checks[0].temperature), (1, at, 37.6));
    assert!(store.health_checks(&g2.path, None, from, to).await.unwrap().is_empty());

    let done =
        Disinfection {
            id: 0, org_id: g1.id, place: "楼道".into(), done_at: at, by: "保洁".into(), agent: "84".into()
        };
    store.disinfection_add(done, &c).await.unwrap();
    assert_eq!(store.disinfections(&g1.path, from, to).await.unwrap()[0].place, "楼道");
    assert!(store.disinfections(&g2.path, from, to).await.unwrap().is_empty());
}

#[tokio::test]
async fn responsibility_duties_pledges_and_their_scans() {
    use taizhang_core::responsibility::{Duty, Pledge};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::PartyCommittee).await;
    let c = ctx();
    let p = store.person_create(person(a.id, "书记", None, None), &c).await.unwrap();
    let duty = Duty {
        id: 0,
        org_id: a.id,
        person_id: p.id,
        person_name: String::new(),
        post: "党委书记".into(),
        first_responsible: true,
        area_ids: vec![],
    };
    let duty = store.duty_save(duty, &c).await.unwrap();
    assert_eq!((duty.person_name.as_str(), duty.first_responsible), ("书记", true));
    let again = store.duty_save(Duty { id: 0, ..duty.clone() }, &c).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    assert_eq!(store.duties(&a.path).await.unwrap().len(), 1);
    assert!(store.duties(&b.path).await.unwrap().is_empty());

    let pledge = Pledge {
        id: 0,
        org_id: a.id,
        year: 2020,
        signer_id: p.id,
        signer_name: String::new(),
        counterpart: "县委".into(),
        signed_on: day(1, 10),
        duties: "抓落实".into(),
        scan_id: None,
        created_at: now(),
    };
    let pledge = store.pledge_create(pledge, Some(file("责任书.txt", b"scan")), &c).await.unwrap();
    let scan = pledge.scan_id.expect("a scan");
    let (kept, bytes) = store.attachment(scan).await.unwrap().unwrap();
    assert_eq!((kept.file_name.as_str(), bytes.as_slice()), ("责任书.txt", &b"scan"[..]));
    assert_eq!(store.pledges(&a.path).await.unwrap()[0].signer_name, "书记");
    assert!(store.pledges(&b.path).await.unwrap().is_empty());

    store.pledge_delete(pledge.id, &c).await.unwrap();
    assert!(store.pledge_get(pledge.id).await.unwrap().is_none());
    assert!(store.attachment(scan).await.unwrap().is_none());
    store.duty_delete(duty.id, &c).await.unwrap();
    assert!(store.duty_get(duty.id).await.unwrap().is_none());
}

#[tokio::test]
async fn cases_with_steps() {
    use taizhang_core::cases::{Case, CaseKind, CaseStep, Outcome};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let case = Case {
        id: 0,
        org_id: a.id,
        kind: CaseKind::Dispute,
        received_on: day(4, 1),
        parties: "甲乙两户".into(),
        matter: "漏水".into(),
        reported_by: String::new(),
        handler: "调解员".into(),
        deadline: Some(day(4, 15)),
        outcome: None,
        resolution: String::new(),
        closed_on: None,
        steps: vec![],
        created_at: now(),
        updated_at: now(),
    };
    let case = store.case_save(case, &c).await.unwrap();
    let step = CaseStep { id: 0, date: day(4, 2), text: "上门了解".into(), by: "调解员".into() };
    store.case_step_add(case.id, step, &c).await.unwrap();
    let closed = Case { outcome: Some(Outcome::Mediated), closed_on: Some(day(4, 5)), ..case.clone() };
    store.case_save(closed, &c).await.unwrap();
    let got = store.case_get(case.id).await.unwrap().unwrap();
    assert_eq!((got.outcome, got.closed_on, got.steps.len()), (Some(Outcome::Mediated), Some(day(4, 5)), 1));
    assert_eq!(got.steps[0].text, "上门了解");
    assert_eq!(store.cases(&a.path).await.unwrap().len(), 1);
    assert!(store.cases(&b.path).await.unwrap().is_empty());
}

#[tokio::test]
async fn projects_with_measures_milestones_and_progress() {
    use taizhang_core::project::{Measure, Milestone, ProgressUpdate, Project};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Village).await;
    let c = ctx();
    let project = Project {
        id: 0,
        org_id: a.id,
        name: "道路硬化".into(),
        category: "基础设施".into(),
        description: String::new(),
        started_on: Some(day(3, 1)),
        measures: vec![Measure { name: "长度".into(), value: 1.5, unit: "公里".into() }],
        milestones: vec![Milestone { id: 0, name: "开工".into(), done_on: Some(day(3, 1)) }],
        updates: vec![],
    };
    let project = store.project_save(project, &c).await.unwrap();
    assert_eq!((project.measures[0].value, project.milestones.len()), (1.5, 1));
    let update = ProgressUpdate {
        id: 0,
        date: day(5, 1),
        percent: 40,
        note: "路基完成".into(),
        reason: String::new(),
        photo_id: None,
        created_by: String::new(),
        created_at: now(),
    };
    let with_photo = store.progress_add(project.id, update, Some(file("现场.txt", b"photo")), &c).await.unwrap();
    let photo = with_photo.updates[0].photo_id.expect("a photo");
    assert_eq!(store.attachment(photo).await.unwrap().unwrap().1, b"photo");
    let got = store.project_get(project.id).await.unwrap().unwrap();
    assert_eq!((got.updates.len(), got.updates[0].percent, got.updates[0].created_by.as_str()), (1, 40, "test"));
    assert_eq!(store.projects(&a.path).await.unwrap().len(), 1);
    assert!(store.projects(&b.path).await.unwrap().is_empty());
}

#[tokio::test]
async fn review_items_and_dismissed_suggestions() {
    use taizhang_core::review::{ReviewItem, Section};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let item = |text: &str, source: &str| ReviewItem {
        id: 0,
        org_id: a.id,
        period: "2020H1".into(),
        section: Section::Problem,
        position: 0,
        text: text.into(),
        source: source.into(),
    };
    let first = store.review_item_save(item("学习不够深入", ""), &c).await.unwrap();
    let second = store.review_item_save(item("台账不全", "target:1"), &c).await.unwrap();
    assert_eq!((first.position, second.position), (1, 2));
    let again = store.review_item_save(item("台账不全", "target:1"), &c).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    assert_eq!(store.review_items(a.id, "2020H1").await.unwrap().len(), 2);
    assert!(store.review_items(b.id, "2020H1").await.unwrap().is_empty());
    store.review_item_delete(first.id, &c).await.unwrap();
    assert!(store.review_item_get(first.id).await.unwrap().is_none());
    store.review_dismiss(a.id, "2020H1", "overdue:3", &c).await.unwrap();
    store.review_dismiss(a.id, "2020H1", "overdue:3", &c).await.unwrap();
    assert_eq!(store.review_dismissed(a.id, "2020H1").await.unwrap(), vec!["overdue:3".to_owned()]);
    assert!(store.review_dismissed(b.id, "2020H1").await.unwrap().is_empty());
}

#[tokio::test]
async fn targets_by_scope_and_year() {
    use taizhang_core::target::{Exemption, Frequency, Target};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let target = Target {
        id: 0,
        org_id: a.id,
        year: 2020,
        kind: "study_day".into(),
        frequency: Frequency::Month,
        min_count: 1,
        include_subtree: false,
        title: "每月主题党日".into(),
        exemptions: vec![Exemption { start: day(2, 1), end: day(2, 29), reason: "疫情".into() }],
    };
    let target = store.target_create(target, &c).await.unwrap();
    let got = store.target_get(target.id).await.unwrap().unwrap();
    assert_eq!((got.frequency, got.exemptions.len(), got.title.as_str()), (Frequency::Month, 1, "每月主题党日"));
    assert_eq!(store.target_list(&a.path, 2020).await.unwrap().len(), 1);
    assert!(store.target_list(&a.path, 2021).await.unwrap().is_empty());
    assert!(store.target_list(&b.path, 2020).await.unwrap().is_empty());
    store.target_delete(target.id, &c).await.unwrap();
    assert!(store.target_get(target.id).await.unwrap().is_none());
}

#[tokio::test]
async fn study_plans_and_rectifications() {
    use taizhang_core::ledger::{PlanItem, Rectification};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let item = PlanItem {
        id: 0,
        org_id: a.id,
        year: 2020,
        month: 3,
        topic: "学习党章".into(),
        materials: "党章".into(),
        activity_id: None,
    };
    let item = store.plan_item_save(item, &c).await.unwrap();
    assert_eq!(store.plan_item_get(item.id).await.unwrap().unwrap().topic, "学习党章");
    assert_eq!(store.plan_items(&a.path, 2020).await.unwrap().len(), 1);
    assert!(store.plan_items(&b.path, 2020).await.unwrap().is_empty());
    store.plan_item_delete(item.id, &c).await.unwrap();
    assert!(store.plan_item_get(item.id).await.unwrap().is_none());

    let order = Rectification {
        id: 0,
        org_id: a.id,
        activity_id: None,
        subject: "某小区".into(),
        problem: "消防通道堵塞".into(),
        requirement: "清理".into(),
        found_on: day(6, 1),
        deadline: day(6, 10),
        rectified_on: None,
        reinspected_on: None,
        reinspected_by: String::new(),
        reinspection_passed: None,
        reinspection_note: String::new(),
    };
    let order = store.rectification_save(order, &c).await.unwrap();
    let done = Rectification { rectified_on: Some(day(6, 8)), reinspection_passed: Some(true), ..order.clone() };
    store.rectification_save(done, &c).await.unwrap();
    let got = store.rectification_get(order.id).await.unwrap().unwrap();
    assert_eq!((got.rectified_on, got.reinspection_passed), (Some(day(6, 8)), Some(true)));
    assert_eq!(store.rectifications(&a.path).await.unwrap().len(), 1);
    assert!(store.rectifications(&b.path).await.unwrap().is_empty());
}

#[tokio::test]
async fn summaries_versions_templates_compositions_and_drafts() {
    use taizhang_core::summary::{SavedSummary, SummaryDraft};
    let (_db, store, _root, a, b) = fresh_with_two(OrgKind::Community).await;
    let c = ctx();
    let version = |period: &str| SavedSummary {
        id: 0,
        org_id: a.id,
        period: period.into(),
        title: format!("{period}工作总结"),
        markup: "# 总结".into(),
        data: "{}".into(),
        created_at: now(),
        created_by: String::new(),
    };
    let first = store.summary_save(version("2020H1"), &c).await.unwrap();
    let second = store.summary_save(version("2020H2"), &c).await.unwrap();
    assert_eq!(store.summary_get(first.id).await.unwrap().unwrap().created_by, "test");
    let ids = |list: Vec<SavedSummary>| list.into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(ids(store.summaries(a.id, None).await.unwrap()), vec![second.id, first.id]);
    assert_eq!(ids(store.summaries(a.id, Some("2020H1")).await.unwrap()), vec![first.id]);
    assert!(store.summaries(b.id, None).await.unwrap().is_empty());

    store.summary_template_set(a.id, Some("模板".into()), &c).await.unwrap();
    assert_eq!(store.summary_templates(vec![a.id, b.id]).await.unwrap(), vec![(a.id, "模板".to_owned())]);
    store.summary_template_set(a.id, None, &c).await.unwrap();
    assert!(store.summary_templates(vec![a.id]).await.unwrap().is_empty());

    store.summary_composition_set(a.id, Some("{\"sections\":[]}".into()), &c).await.unwrap();
    assert_eq!(store.summary_compositions(vec![a.id, b.id]).await.unwrap().len(), 1);

    let draft = SummaryDraft {
        org_id: a.id,
        period: "2020H1".into(),
        markup: "草稿".into(),
        generated: "生成".into(),
        data: "{}".into(),
        updated_at: now(),
        updated_by: String::new(),
    };
    store.summary_draft_set(a.id, "2020H1".into(), Some(draft), &c).await.unwrap();
    let got = store.summary_draft(a.id, "2020H1".into()).await.unwrap().unwrap();
    assert_eq!((got.markup.as_str(), got.generated.as_str()), ("草稿", "生成"));
    assert!(store.summary_draft(b.id, "2020H1".into()).await.unwrap().is_none());
    store.summary_draft_set(a.id, "2020H1".into(), None, &c).await.unwrap();
    assert!(store.summary_draft(a.id, "2020H1".into()).await.unwrap().is_none());
}

/// The bulk paths (COPY on PostgreSQL, multi-row INSERTs on SQLite): an
/// import of activities and one of visits read back as written, with ids of
/// their own next to records made one by one, and their audit entries.
#[tokio::test]
async fn activity_and_visit_imports_read_back_as_written() {
    use std::collections::HashSet;
    use taizhang_core::grid::*;
    use taizhang_core::ledger::*;
    let (_db, store, root, g1, g2) = fresh_with_two(OrgKind::Grid).await;
    let c = ctx();
    let mut people = Vec::new();
    for name in ["甲一", "乙二", "丙三"] {
        people.push(store.person_create(person(g1.id, name, None, None), &c).await.unwrap());
    }
    let activity = |i: usize| {
        let p = &people[i % 3];
        ActivityFields {
            org_id: if i.is_multiple_of(2) { g1.id } else { g2.id },
            kind: if i.is_multiple_of(3) { VOLUNTEER_KIND.into() } else { "meeting".into() },
            title: format!("活动{i:04}"),
            summary: if i.is_multiple_of(5) { String::new() } else { format!("纪要 {i} 'x' \\ \"y\"") },
            place: "会议室".into(),
            date: day(1 + (i % 12) as u32, 1 + (i % 28) as u32),
            start_time: if i.is_multiple_of(4) { "09:30".into() } else { String::new() },
            host: "主持人".into(),
            participants: if i.is_multiple_of(7) {
                Vec::new()
            } else {
                vec![Participant {
                    person_id: p.id,
                    person_name: p.name.clone(),
                    attendance: if i.is_multiple_of(2) { Attendance::Present } else { Attendance::Leave },
                    leave_reason: if i.is_multiple_of(2) { String::new() } else { "出差".into() },
                    hours: i.is_multiple_of(3).then_some(1.5),
                }]
            },
            others_count: (i % 9) as u32,
            channels: if i.is_multiple_of(2) { vec!["广播".into(), "微信".into()] } else { Vec::new() },
            quantities: Quantities { banners: 1, boards: 2, posts: (i % 4) as u32, reached: 100 },
            role_models: if i.is_multiple_of(6) { vec!["张三".into(), "李四".into()] } else { Vec::new() },
            materials: vec![format!("材料{i}")],
            reported_on: i.is_multiple_of(6).then(|| day(12, 31)),
            reported_by: if i.is_multiple_of(3) { "上报人".into() } else { String::new() },
            ..Default::default()
        }
    };
    // One made by hand before and after the imports: ids never collide.
    let before = store.activity_create(activity(9000), &c).await.unwrap();
    // More than one multi-row statement's worth, in two imports.
    let first: Vec<ActivityFields> = (0..620).map(activity).collect();
    let second: Vec<ActivityFields> = (620..700).map(activity).collect();
    assert_eq!(store.activity_import(first.clone(), "一.xlsx".into(), &c).await.unwrap(), 620);
    assert_eq!(store.activity_import(second.clone(), "二.xlsx".into(), &c).await.unwrap(), 80);
    let after = store.activity_create(activity(9001), &c).await.unwrap();

    let all = store
        .activities_matching(&ActivityQuery { scope_path: root.path.clone(), per_page: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(all.len(), 702);
    let ids: HashSet<Id> = all.iter().map(|a| a.id).collect();
    assert_eq!(ids.len(), 702, "ids unique");
    assert!(ids.contains(&before.id) && ids.contains(&after.id));
    let mut got: Vec<ActivityFields> =
        all.iter().filter(|a| a.id != before.id && a.id != after.id).map(|a| a.fields.clone()).collect();
    got.sort_by(|a, b| a.title.cmp(&b.title));
    let expected: Vec<ActivityFields> = first.iter().chain(&second).cloned().collect();
    assert_eq!(got.len(), expected.len());
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g, e);
    }
    // The monthly counts took the imports in.
    let counts = store.activity_counts(&root.path, "2020-01", "2020-12").await.unwrap();
    assert_eq!(counts.total, 702);

    // Visits: more households than one multi-row statement takes.
    let mut households = Vec::new();
    for i in 0..520_u32 {
        let grid = if i.is_multiple_of(2) { g1.id } else { g2.id };
        let h = Household {
            id: 0,
            org_id: grid,
            address: format!("{}栋{}室", 1 + i / 100, 101 + i % 100),
            members: vec![],
        };
        households.push(store.household_save(h, &c).await.unwrap());
    }
    for (p, h) in people.iter().zip([&households[0], &households[2], &households[4]]) {
        store.resident_set(p.id, Some((h.id, HEAD.into())), &c).await.unwrap();
    }
    let s = store
        .screening_create(
            Screening {
                id: 0,
                org_id: root.id,
                name: "摸排".into(),
                starts_on: day(2, 1),
                ends_on: day(2, 29),
                grid_ids: vec![g1.id, g2.id],
            },
            &c,
        )
        .await
        .unwrap();
    let visit = |i: usize, h: &Household, statuses: Vec<(Id, PersonStatus)>| Visit {
        id: 0,
        screening_id: s.id,
        household_id: h.id,
        grid_id: h.org_id,
        visited_on: day(2, 1 + (i % 28) as u32),
        visitor: format!("网格员{}", i % 5),
        result: VisitResult::ALL[i % 4],
        note: if i.is_multiple_of(3) { format!("备注{i}") } else { String::new() },
        statuses,
    };
    let batch: Vec<Visit> = households
        .iter()
        .enumerate()
        .map(|(i, h)| {
            // Households 0, 2 and 4 are the people's.
            let statuses = match i {
                0 | 2 | 4 => vec![(people[i / 2].id, PersonStatus::Away)],
                _ => Vec::new(),
            };
            visit(i, h, statuses)
        })
        .collect();
    assert_eq!(store.visits_import(s.id, batch.clone(), &c).await.unwrap(), 520);
    // A second round for the first household: its person's status moves to
    // the new visit (the upsert path).
    let again = vec![visit(27, &households[0], vec![(people[0].id, PersonStatus::Seen)])];
    assert_eq!(store.visits_import(s.id, again.clone(), &c).await.unwrap(), 1);

    let got = store.visits(s.id, None, None, 10_000).await.unwrap();
    assert_eq!(got.len(), 521);
    let visit_ids: HashSet<Id> = got.iter().map(|v| v.id).collect();
    assert_eq!(visit_ids.len(), 521, "visit ids unique");
    let strip = |v: &Visit| Visit { id: 0, ..v.clone() };
    let mut expected: Vec<Visit> = batch.iter().chain(&again).cloned().collect();
    // The first household's first visit lost its person's status to the second.
    expected[0].statuses.clear();
    let key = |v: &Visit| (v.household_id, v.visited_on, v.note.clone());
    expected.sort_by_key(key);
    let mut got: Vec<Visit> = got.iter().map(strip).collect();
    got.sort_by_key(key);
    assert_eq!(got, expected);
    let coverage = store.coverage(s.id).await.unwrap();
    let total: u64 = coverage.iter().map(|g| g.visited).sum();
    let with_status: u64 = coverage.iter().map(|g| g.with_status).sum();
    assert_eq!((total, with_status), (520, 3));

    // One audit entry per import.
    let audit = store.audit_all().await.unwrap();
    let imports =
        |entity: &str| audit.iter().filter(|e| e.record.action == "import" && e.record.entity == entity).count();
    assert_eq!((imports("activity"), imports("visit")), (2, 2));
}
