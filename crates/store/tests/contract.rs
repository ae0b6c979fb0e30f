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
    let (_db, store) = fresh().await;
    let c = ctx();
    let root = store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &c)
        .await
        .unwrap();
    let a = store
        .org_create(
            NewOrg { parent_id: Some(root.id), kind: OrgKind::PartyCommittee, name: "甲".into(), purpose: None },
            &c,
        )
        .await
        .unwrap();
    let b = store
        .org_create(
            NewOrg { parent_id: Some(root.id), kind: OrgKind::PartyCommittee, name: "乙".into(), purpose: None },
            &c,
        )
        .await
        .unwrap();
    let a1 = store
        .org_create(NewOrg { parent_id: Some(a.id), kind: OrgKind::Community, name: "甲一".into(), purpose: None }, &c)
        .await
        .unwrap();
    let a1g = store
        .org_create(NewOrg { parent_id: Some(a1.id), kind: OrgKind::Grid, name: "网格".into(), purpose: None }, &c)
        .await
        .unwrap();
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
    let (_db, store) = fresh().await;
    let c = ctx();
    let root = store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &c)
        .await
        .unwrap();
    let a = store
        .org_create(NewOrg { parent_id: Some(root.id), kind: OrgKind::Community, name: "甲".into(), purpose: None }, &c)
        .await
        .unwrap();
    let b = store
        .org_create(NewOrg { parent_id: Some(root.id), kind: OrgKind::Community, name: "乙".into(), purpose: None }, &c)
        .await
        .unwrap();
    store.person_create(person(a.id, "张伟", None, Some("13812345678")), &c).await.unwrap();
    store.person_create(person(a.id, "李娜", None, Some("13900001111")), &c).await.unwrap();
    store.person_create(person(b.id, "张伟", None, None), &c).await.unwrap();

    let search = |scope: &str, text: &str| PersonQuery {
        scope_path: scope.into(),
        text: text.into(),
        org_id: None,
        page: 1,
        per_page: 50,
    };
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
    assert_eq!(
        store
            .person_search(&PersonQuery {
                scope_path: "/".into(),
                text: String::new(),
                org_id: None,
                page: 1,
                per_page: 10
            })
            .await
            .unwrap()
            .total,
        1
    );
    let creates = store.audit_all().await.unwrap().into_iter().filter(|e| e.record.entity == "person").count();
    assert_eq!(creates, 1);
}

#[tokio::test]
async fn sessions_expire() {
    let (_db, store) = fresh().await;
    let services = Services::new(store.clone());
    let actor = Actor::system("test");
    let root = services
        .org_create(
            &actor,
            OrgInput { parent_id: None, kind: "county".into(), name: "县".into(), ..Default::default() },
        )
        .await
        .unwrap();
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
    let services = Services::new(store.clone());
    let actor = Actor::system("test");
    let root = services
        .org_create(
            &actor,
            OrgInput { parent_id: None, kind: "county".into(), name: "县".into(), ..Default::default() },
        )
        .await
        .unwrap();
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
    let services = Services::new(store.clone());
    let actor = Actor::system("test");
    let root = services
        .org_create(
            &actor,
            OrgInput { parent_id: None, kind: "county".into(), name: "县".into(), ..Default::default() },
        )
        .await
        .unwrap();
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

    let (_db, store) = fresh().await;
    let c = ctx();
    let root = store
        .org_create(NewOrg { parent_id: None, kind: OrgKind::County, name: "县".into(), purpose: None }, &c)
        .await
        .unwrap();
    let a = store
        .org_create(
            NewOrg { parent_id: Some(root.id), kind: OrgKind::Community, name: "甲社区".into(), purpose: None },
            &c,
        )
        .await
        .unwrap();
    let b = store
        .org_create(
            NewOrg { parent_id: Some(root.id), kind: OrgKind::Community, name: "乙社区".into(), purpose: None },
            &c,
        )
        .await
        .unwrap();
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
