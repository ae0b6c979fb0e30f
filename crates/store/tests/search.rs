//! The people search and the lists' pages, against a plain scan, on both
//! engines: every index path finds what the rule of `search_keys::Query`
//! finds over every row, in the same order; keyset pages cover every row
//! once, also when rows are added between pages; the tallies behind the
//! totals stay equal to counts through creates, moves and deletes.

use std::collections::HashSet;
use std::sync::Arc;

use taizhang_core::auth::now;
use taizhang_core::grid::Household;
use taizhang_core::id_number::{IdNumber, check_char};
use taizhang_core::mobile::Mobile;
use taizhang_core::model::*;
use taizhang_core::search_keys::{Query, name_keys, normalize_query, person_terms};
use taizhang_core::store::{HouseholdQuery, Store};
use taizhang_store::testing::{SearchPlan, TestDb, force_search_plan};

fn ctx() -> AuditCtx {
    AuditCtx { user_id: None, username: "test".into(), ip: None, at: now() }
}

async fn org(store: &Arc<dyn Store>, parent: Option<&Org>, kind: OrgKind, name: &str) -> Org {
    let new = NewOrg { parent_id: parent.map(|p| p.id), kind, name: name.into(), purpose: None };
    store.org_create(new, &ctx()).await.unwrap()
}

const SURNAMES: [&str; 9] = ["王", "李", "张", "刘", "陈", "欧阳", "吕", "单", "阿依"];
const GIVEN: [&str; 9] = ["小明", "芳", "伟", "娜", "建国", "秀英", "·买买提", "鑫", "Li"];

/// A valid ID number for `n` (no real region code).
fn id_for(n: usize) -> String {
    let first17 = format!("459001{}{:03}", 19500101 + (n % 28) as u32, n % 1000);
    format!("{first17}{}", check_char(&first17).unwrap())
}

fn fields(org_id: Id, n: usize) -> PersonFields {
    let today = now().date_naive();
    let suffix = ["", "明", "华"][(n / 81) % 3];
    PersonFields {
        org_id,
        name: format!("{}{}{suffix}", SURNAMES[n % 9], GIVEN[(n / 9) % 9]),
        gender: None,
        birth_date: None,
        // Every other person has an ID number; tails repeat across people.
        id_number: n.is_multiple_of(2).then(|| IdNumber::parse(&id_for(n), today).unwrap()),
        id_number_pending: None,
        mobile: (!n.is_multiple_of(5))
            .then(|| Mobile::parse(&format!("138{:08}", 10_000_000 + n % 97 * 1000 + n)).unwrap()),
        party_member: false,
        notes: String::new(),
    }
}

/// A county of two districts with two grids each, and `n` people spread
/// over the grids.
async fn county(n: usize) -> (TestDb, Arc<dyn Store>, Vec<Org>) {
    let db = TestDb::new();
    let store = taizhang_store::open(&db.url).await.expect("open");
    let root = org(&store, None, OrgKind::County, "县").await;
    let mut orgs = vec![root.clone()];
    for d in 0..2 {
        let district = org(&store, Some(&root), OrgKind::PartyCommittee, &format!("第{d}区")).await;
        orgs.push(district.clone());
        for g in 0..2 {
            orgs.push(org(&store, Some(&district), OrgKind::Grid, &format!("第{d}区第{g}网格")).await);
        }
    }
    let grids: Vec<Id> = orgs.iter().filter(|o| o.kind == OrgKind::Grid).map(|o| o.id).collect();
    for i in 0..n {
        store.person_create(fields(grids[i % grids.len()], i), &ctx()).await.unwrap();
    }
    (db, store, orgs)
}

/// Every person of the county, as a plain read of each page by number.
async fn everyone(store: &Arc<dyn Store>) -> Vec<Person> {
    let mut all = Vec::new();
    for page in 1.. {
        let found =
            store.person_search(&PersonQuery { page, per_page: 200, ..PersonQuery::new("/", "") }).await.unwrap();
        let done = found.items.len() < 200;
        all.extend(found.items);
        if done {
            break;
        }
    }
    all
}

/// Walks a search page by page through its cursors.
async fn walk(store: &Arc<dyn Store>, mut q: PersonQuery) -> (Vec<Id>, Page<Person>) {
    let mut ids = Vec::new();
    let first = store.person_search(&q).await.unwrap();
    let mut page = first.clone();
    loop {
        ids.extend(page.items.iter().map(|p| p.id));
        let Some(next) = page.next.clone() else { break };
        q.after = Some(Cursor::decode(&next).unwrap());
        page = store.person_search(&q).await.unwrap();
    }
    (ids, first)
}

/// People in the list's order: org by org in path order, by pinyin within.
fn sorted_ids(mut people: Vec<&Person>, orgs: &[Org]) -> Vec<Id> {
    let path = |p: &Person| orgs.iter().find(|o| o.id == p.org_id).map(|o| (o.path.clone(), o.id)).unwrap();
    people.sort_by_key(|p| (path(p), name_keys(&p.name).0, p.id));
    people.iter().map(|p| p.id).collect()
}

#[tokio::test]
async fn every_search_path_finds_what_a_scan_finds() {
    let (_db, store, orgs) = county(243).await;
    let all = everyone(&store).await;
    assert_eq!(all.len(), 243);
    let with_id = all.iter().find(|p| p.id_number.is_some()).unwrap();
    let id_tail = |n: usize| {
        let id = with_id.id_number.as_ref().unwrap().as_str().to_lowercase();
        id[id.len() - n..].to_owned()
    };
    let phone = all.iter().find_map(|p| p.mobile.as_ref()).unwrap().as_str().to_owned();
    let mut queries: Vec<String> = SURNAMES.iter().map(|s| s.to_string()).collect();
    queries.extend(["小明", "建国", "阳芳", "买买", "依·", "·", "鑫明", "王小明华", "lI"].map(String::from));
    queries.extend(
        ["wang", "xiaom", "ming", "ouyang", "lv", "li", "l", "w", "x", "jianguo", "guo", "wxm", "oy"].map(String::from),
    );
    queries.extend([phone[7..].to_owned(), phone.clone(), phone[5..].to_owned(), "12".into(), "123456789012".into()]);
    queries.extend([id_tail(4), id_tail(6), id_tail(18), "%".into(), "_".into(), "x".into(), "a组".into()]);
    // The last digit of an ID number may be X; its tail is searched with a final x.
    if let Some(x) = all.iter().filter_map(|p| p.id_number.as_ref()).find(|n| n.as_str().ends_with('X')) {
        queries.push(x.as_str()[14..].to_lowercase());
    }
    let scopes = [&orgs[0], &orgs[1], &orgs[2]];
    for plan in [SearchPlan::ByCost, SearchPlan::Index, SearchPlan::InOrder] {
        force_search_plan(plan);
        for scope in scopes {
            for text in &queries {
                // The permission matters only to a tail of digits (or with a final x).
                let tail = text.chars().all(|c| c.is_ascii_digit() || c == 'x');
                for id_numbers in if tail { vec![false, true] } else { vec![false] } {
                    let rule = Query::parse(&normalize_query(text), id_numbers);
                    let expected = sorted_ids(
                        all.iter()
                            .filter(|p| {
                                scope.path == "/"
                                    || orgs.iter().any(|o| o.id == p.org_id && o.path.starts_with(&scope.path))
                            })
                            .filter(|p| {
                                rule.as_ref().is_none_or(|r| {
                                    let terms = person_terms(
                                        &p.name,
                                        p.mobile.as_ref().map(|m| m.as_str()),
                                        p.id_number.as_ref().map(|n| n.as_str()),
                                    );
                                    r.matches(&p.name, &terms)
                                })
                            })
                            .collect(),
                        &orgs,
                    );
                    // Forced plans walk small pages only; the chosen one also a full page.
                    let sizes = if plan == SearchPlan::ByCost { vec![7, 50] } else { vec![7] };
                    for per_page in sizes {
                        let q =
                            PersonQuery { per_page, id_numbers, ..PersonQuery::new(scope.path.clone(), text.clone()) };
                        let (found, first) = walk(&store, q.clone()).await;
                        let what = format!("{plan:?} {} {text:?} ids={id_numbers} per_page={per_page}", scope.name);
                        assert_eq!(found, expected, "{what}");
                        assert!(first.total_exact, "{what}");
                        assert_eq!(first.total, expected.len() as u64, "{what}");
                        // A page by number is the same rows as by cursor.
                        let second = store.person_search(&PersonQuery { page: 2, ..q }).await.unwrap();
                        let by_number: Vec<Id> = second.items.iter().map(|p| p.id).collect();
                        let from = (per_page as usize).min(expected.len());
                        let to = (2 * per_page as usize).min(expected.len());
                        assert_eq!(by_number, expected[from..to], "{what} page 2");
                    }
                }
            }
        }
    }
    force_search_plan(SearchPlan::ByCost);
}

#[tokio::test]
async fn keyset_pages_cover_every_row_once_while_rows_are_added() {
    let (_db, store, orgs) = county(60).await;
    let grid = orgs.iter().find(|o| o.kind == OrgKind::Grid).unwrap();
    let before: HashSet<Id> = everyone(&store).await.iter().map(|p| p.id).collect();
    let mut q = PersonQuery { per_page: 7, ..PersonQuery::new("/", "") };
    let mut seen = Vec::new();
    let mut keys = Vec::new();
    let mut n = 1000;
    loop {
        let page = store.person_search(&q).await.unwrap();
        for p in &page.items {
            seen.push(p.id);
            let org = orgs.iter().find(|o| o.id == p.org_id).unwrap();
            keys.push((org.path.clone(), org.id, name_keys(&p.name).0, p.id));
        }
        // Between pages, people are added before and after the cursor.
        for name in ["阿爱", "朱珠"] {
            let mut f = fields(grid.id, n);
            f.name = name.into();
            store.person_create(f, &ctx()).await.unwrap();
            n += 1;
        }
        match page.next {
            Some(next) => q.after = Some(Cursor::decode(&next).unwrap()),
            None => break,
        }
    }
    let unique: HashSet<Id> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no row twice");
    assert!(before.is_subset(&unique), "every row there before the walk is seen");
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "in order");
    assert!(seen.len() > before.len(), "rows added after the cursor are seen too");
}

#[tokio::test]
async fn household_pages_cover_every_household_once_while_some_are_added() {
    let (_db, store, orgs) = county(0).await;
    let grids: Vec<&Org> = orgs.iter().filter(|o| o.kind == OrgKind::Grid).collect();
    let c = ctx();
    let mut all = HashSet::new();
    for (i, grid) in grids.iter().enumerate() {
        for n in 0..9 {
            let address = format!("{}栋{}0{}室", n % 4 + 1, i + 1, n);
            let h = Household { id: 0, org_id: grid.id, address, members: Vec::new() };
            all.insert(store.household_save(h, &c).await.unwrap().id);
        }
    }
    let query = |after: Option<Cursor>| HouseholdQuery {
        scope_path: "/".into(),
        grid_id: None,
        text: String::new(),
        page: 1,
        per_page: 4,
        after,
    };
    let first = store.households(&query(None)).await.unwrap();
    assert_eq!(first.total, all.len() as u64);
    let mut seen = Vec::new();
    let mut page = first;
    let mut added = 0;
    loop {
        seen.extend(page.items.iter().map(|h| h.id));
        let grid = grids[added % grids.len()];
        let h = Household { id: 0, org_id: grid.id, address: format!("99栋{added}室"), members: Vec::new() };
        store.household_save(h, &c).await.unwrap();
        added += 1;
        let Some(next) = page.next else { break };
        page = store.households(&query(Some(Cursor::decode(&next).unwrap()))).await.unwrap();
    }
    let unique: HashSet<Id> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no household twice");
    assert!(all.is_subset(&unique), "every household there before the walk is seen");
    // The walk is the list's order: the same as one long page.
    let whole = store.households(&HouseholdQuery { per_page: 1000, ..query(None) }).await.unwrap();
    let order: Vec<Id> = whole.items.iter().map(|h| h.id).filter(|id| unique.contains(id)).collect();
    assert_eq!(order, seen);
    assert_eq!(whole.total, (all.len() + added) as u64);
    // Pages by number walk the same order, and one grid's list is its part of it.
    let ids = |page: &taizhang_core::model::Page<taizhang_core::grid::Household>| -> Vec<Id> {
        page.items.iter().map(|h| h.id).collect()
    };
    let mut by_number = Vec::new();
    for page in 1.. {
        let p = store.households(&HouseholdQuery { page, ..query(None) }).await.unwrap();
        if p.items.is_empty() {
            break;
        }
        by_number.extend(ids(&p));
    }
    assert_eq!(by_number, ids(&whole));
    let grid = whole.items[whole.items.len() / 2].org_id;
    let in_grid =
        store.households(&HouseholdQuery { grid_id: Some(grid), per_page: 1000, ..query(None) }).await.unwrap();
    let expected: Vec<Id> = whole.items.iter().filter(|h| h.org_id == grid).map(|h| h.id).collect();
    assert_eq!(ids(&in_grid), expected);
}

#[tokio::test]
async fn totals_from_the_tallies_equal_counts() {
    let (_db, store, orgs) = county(30).await;
    let c = ctx();
    let grids: Vec<&Org> = orgs.iter().filter(|o| o.kind == OrgKind::Grid).collect();
    let count = |people: &[Person], path: &str| {
        people.iter().filter(|p| orgs.iter().any(|o| o.id == p.org_id && o.path.starts_with(path))).count() as u64
    };
    let check = |label: &'static str| {
        let store = store.clone();
        let orgs = orgs.clone();
        async move {
            let people = everyone(&store).await;
            for o in &orgs {
                let total = store.person_search(&PersonQuery::new(o.path.clone(), "")).await.unwrap().total;
                assert_eq!(total, count(&people, &o.path), "{label}: {}", o.name);
            }
            people
        }
    };
    let people = check("created").await;
    // A person moved to another grid, another deleted.
    let moved = &people[0];
    let mut f = fields(grids[3].id, 0);
    f.name = moved.name.clone();
    f.id_number = moved.id_number.clone();
    f.mobile = moved.mobile.clone();
    store.person_update(moved.id, f, &c).await.unwrap();
    store.person_delete(people[1].id, &c).await.unwrap();
    check("moved and deleted").await;
    // A household per grid, one of them moved.
    let mut first = None;
    for grid in &grids {
        let h = Household { id: 0, org_id: grid.id, address: "1栋101室".into(), members: Vec::new() };
        first.get_or_insert(store.household_save(h, &c).await.unwrap());
    }
    let mut h = first.unwrap();
    h.org_id = grids[1].id;
    h.address = "2栋101室".into();
    store.household_save(h, &c).await.unwrap();
    for (grid, n) in grids.iter().zip([0, 2, 1, 1]) {
        let q = HouseholdQuery {
            scope_path: grid.path.clone(),
            grid_id: None,
            text: String::new(),
            page: 1,
            per_page: 10,
            after: None,
        };
        assert_eq!(store.households(&q).await.unwrap().total, n, "{}", grid.name);
    }
}
