//! Import errors as users fix them: the error workbook is the uploaded sheet
//! itself, its bad cells filled red and a 错误说明 column at the right of
//! each bad row, with the plain list of errors on a second sheet.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use taizhang_core::grid::RosterRow;
use taizhang_core::id_number::check_char;
use taizhang_core::ledger::SheetActivity;

use crate::helpers::{TestApp, spawn_app};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A valid synthetic ID number (no real region) for a birth date and sequence.
fn id_number(birth: &str, seq: u32) -> String {
    let first17 = format!("459003{}{seq:03}", birth.replace('-', ""));
    format!("{first17}{}", check_char(&first17).unwrap())
}

fn resident(name: &str, id: &str, grid: &str) -> RosterRow {
    RosterRow {
        name: name.into(),
        id_number: id.into(),
        address: "新村3号".into(),
        grid: grid.into(),
        ..Default::default()
    }
}

async fn post(app: &TestApp, token: &str, path: &str, body: Vec<u8>) -> reqwest::Response {
    app.http.post(app.url(path)).bearer_auth(token).header("content-type", XLSX).body(body).send().await.unwrap()
}

/// Every sheet of a workbook as rows of cell texts.
fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|r| r.iter().map(Data::to_string).collect()).collect();
            (name, rows)
        })
        .collect()
}

/// A part of the package as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

/// The fill colour of a cell ("FFFF0000" for red), read from the sheet's
/// XML (its `s` attribute) and styles.xml (that cell format's fill).
fn fill_of(bytes: &[u8], cell: &str) -> Option<String> {
    let sheet = part(bytes, "xl/worksheets/sheet1.xml");
    let styles = part(bytes, "xl/styles.xml");
    let at = sheet.find(&format!("<c r=\"{cell}\""))?;
    let element = &sheet[at..at + sheet[at..].find('>')?];
    let style: usize = element.split(" s=\"").nth(1)?.split('"').next()?.parse().ok()?;
    let xfs = &styles[styles.find("<cellXfs")?..];
    let xf = xfs.split("<xf ").nth(style + 1)?;
    let fill: usize = xf.split("fillId=\"").nth(1)?.split('"').next()?.parse().ok()?;
    let fills = &styles[styles.find("<fills")?..styles.find("</fills>")?];
    let fill = fills.split("<fill>").nth(fill + 1)?;
    Some(fill.split("fgColor rgb=\"").nth(1)?.split('"').next()?.to_owned())
}

/// The column letter of a 0-based index (A–Z).
fn letter(column: usize) -> char {
    (b'A' + column as u8) as char
}

#[tokio::test]
async fn a_bad_roster_comes_back_as_the_uploaded_sheet_marked_for_fixing() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let grid = "第一社区第一网格";
    let mut wrong_check = id_number("1980-01-01", 62);
    wrong_check.replace_range(17.., if wrong_check.ends_with('0') { "1" } else { "0" });
    let rows = vec![
        resident("韦一", &id_number("1980-01-01", 52), grid),
        resident("韦二", &wrong_check, grid),
        resident("韦三", &id_number("1991-03-03", 92), "不存在的网格"),
        resident("韦四", &id_number("1992-04-04", 12), grid),
    ];
    let upload = taizhang_docs::roster_workbook("测试花名册", &rows).unwrap();
    let r = post(&app, &token, "/api/v1/roster/import?report=xlsx", upload.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], XLSX);
    let bytes = r.bytes().await.unwrap().to_vec();

    let sent = sheets(&upload);
    let back = sheets(&bytes);
    let names: Vec<&str> = back.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec![sent[0].0.as_str(), "错误清单"], "the upload's sheet first, named as uploaded");
    let (sent, first) = (&sent[0].1, &back[0].1);
    // Title, header and rows as uploaded, the 错误说明 column added at the right.
    let width = sent[1].len();
    assert_eq!(first.len(), sent.len());
    for (r, row) in sent.iter().enumerate() {
        assert_eq!(&first[r][..width], &row[..], "row {}", r + 1);
    }
    assert_eq!(first[1][width], "错误说明");
    let column = |header: &str| sent[1].iter().position(|h| h == header).unwrap();
    // Data starts on sheet row 3: 韦二 is row 4, 韦三 row 5.
    assert!(first[3][width].contains("第4行") && first[3][width].contains("校验位"), "{:?}", first[3]);
    assert!(first[4][width].contains("不存在的网格"), "{:?}", first[4]);
    assert!(first[2][width].is_empty() && first[5][width].is_empty(), "good rows carry no note");

    // The bad cells are filled red; their neighbours are not.
    let id_cell = format!("{}4", letter(column("身份证号")));
    let grid_cell = format!("{}5", letter(column("所属网格")));
    assert_eq!(fill_of(&bytes, &id_cell).as_deref(), Some("FFFF0000"), "{id_cell}");
    assert_eq!(fill_of(&bytes, &grid_cell).as_deref(), Some("FFFF0000"), "{grid_cell}");
    for cell in [format!("{}4", letter(column("姓名"))), format!("{}5", letter(column("身份证号"))), "C3".into()]
    {
        assert_ne!(fill_of(&bytes, &cell).as_deref(), Some("FFFF0000"), "{cell}");
    }
    assert!(part(&bytes, "xl/styles.xml").contains("rgb=\"FFFF0000\""));

    // The plain list on the second sheet.
    let list = &back[1].1;
    assert!(list.iter().any(|l| l[0] == "4" && l[1] == "身份证号" && l[2].contains("校验位")), "{list:?}");
    assert!(list.iter().any(|l| l[0] == "5" && l[1] == "所属网格"), "{list:?}");

    // The marked sheet, fixed, imports as it is.
    let fixed = taizhang_docs::read_roster(&bytes, &[]).unwrap();
    assert_eq!(fixed.len(), 4);
    assert_eq!(fixed[1].id_number, wrong_check, "values as read");
}

#[tokio::test]
async fn a_bad_activity_ledger_and_the_import_page_offer_the_marked_sheet() {
    use base64::Engine;
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    let good = SheetActivity {
        org: "X矿矿区党委".into(),
        date: "2020-07-03".into(),
        kind: "宣传".into(),
        title: "七月宣传".into(),
        ..Default::default()
    };
    let bad = SheetActivity { org: "火星矿区".into(), title: "七月宣传二".into(), ..good.clone() };
    let rows: Vec<taizhang_docs::ActivityExport> =
        [good, bad].into_iter().map(|sheet| taizhang_docs::ActivityExport { sheet, present: 0 }).collect();
    let upload = taizhang_docs::activities_workbook("测试台账", &rows).unwrap();
    let r = post(&app, &token, "/api/v1/activities/import?report=xlsx", upload.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let bytes = r.bytes().await.unwrap().to_vec();
    let back = sheets(&bytes);
    let header = &back[0].1[1];
    assert_eq!(header.last().map(String::as_str), Some("错误说明"));
    assert!(back[0].1[3].last().unwrap().contains("火星矿区"), "{:?}", back[0].1[3]);
    let org = header.iter().position(|h| h == "组织").unwrap();
    assert_eq!(fill_of(&bytes, &format!("{}4", letter(org))).as_deref(), Some("FFFF0000"));
    assert_eq!(back[1].0, "错误清单");

    // The page's download is the same marked workbook.
    let b = app.browser("kuangqu").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .part("file", reqwest::multipart::Part::bytes(upload).file_name("台账.xlsx"));
    let r = b.client.post(format!("{}/activities/import", b.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let marker = ";base64,";
    let start = html.find(marker).expect("a report link") + marker.len();
    // The page escapes "/" in attributes, as HTML allows.
    let encoded = html[start..start + html[start..].find('"').unwrap()].replace("&#x2f;", "/");
    let report = base64::engine::general_purpose::STANDARD.decode(encoded).unwrap();
    let page = sheets(&report);
    assert_eq!(page[0].1[1].last().map(String::as_str), Some("错误说明"));
    assert_eq!(page[1].0, "错误清单");
}
