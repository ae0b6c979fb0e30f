//! The error workbook of an import, made for fixing: the uploaded sheet
//! itself (its values as read, under its own name), each bad cell filled red
//! and a 错误说明 column at the right holding every message of its row; the
//! plain list of errors on a second sheet (错误清单). Fixed, the first sheet
//! imports again as it is: the 错误说明 column carries no known header, and a
//! marked workbook uploaded again reuses that column instead of adding one.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rust_xlsxwriter::{Color, Format, FormatPattern, Workbook};

use crate::sheet::{ColumnSpec, Region, SheetError, error_list, find_header, first_sheet_name, xlsx_cells_and_merges};

use crate::xml_safe;

/// One problem of an import: its 1-based sheet row (`None` for the file as a
/// whole), its column's key (as the reader names it) and header, and the message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    pub row: Option<usize>,
    pub key: String,
    pub column: String,
    pub message: String,
}

/// Header of the column that explains a bad row.
pub const NOTE_HEADER: &str = "错误说明";
/// Name of the sheet with the plain list of errors.
pub const LIST_SHEET: &str = "错误清单";
/// Fill of a bad cell.
pub const BAD_FILL: u32 = 0xFF0000;

/// Merged regions are merged again only up to this many cells in all; past
/// it, their cells are written as plain values.
const MAX_MERGED_CELLS: usize = 200_000;
/// Largest upload marked, in non-empty cells (about 50,000 residents of ten
/// columns): the writer holds the whole sheet in memory (a million cells
/// took about 280 MB). A larger upload is refused here
/// ([`SheetError::TooManyCells`]) and gets the list alone.
pub const MAX_MARKED_CELLS: usize = 500_000;
/// Longest text a cell of a workbook may hold.
const MAX_CELL_CHARS: usize = 32_767;
/// Last column index a workbook may use.
const LAST_COLUMN: usize = 16_383;

/// The error workbook of a roster upload (.xlsx or CSV, read as
/// [`crate::read_roster`] reads it, with the same column mapping).
pub fn roster_error_workbook(
    bytes: &[u8],
    mapping: &[(String, String)],
    title: &str,
    problems: &[Problem],
) -> Result<Vec<u8>, SheetError> {
    let upload = if bytes.starts_with(b"PK\x03\x04") {
        let (top, rows, regions) = xlsx_cells_and_merges(bytes)?;
        Upload { name: first_sheet_name(bytes), top, rows, regions }
    } else {
        let (top, rows) = crate::roster::cells(bytes)?;
        Upload { name: None, top, rows, regions: Vec::new() }
    };
    marked(upload, "居民花名册", &crate::roster::specs(mapping), title, problems)
}

/// The error workbook of an activity ledger upload (.xlsx).
pub fn activities_error_workbook(bytes: &[u8], title: &str, problems: &[Problem]) -> Result<Vec<u8>, SheetError> {
    let (top, rows, regions) = xlsx_cells_and_merges(bytes)?;
    let upload = Upload { name: first_sheet_name(bytes), top, rows, regions };
    let specs: Vec<ColumnSpec> = crate::activities::columns()
        .into_iter()
        .map(|(key, header, required)| ColumnSpec { key, headers: vec![header.to_owned()], required })
        .collect();
    marked(upload, "工作台账", &specs, title, problems)
}

/// The error workbook of an indicator values upload (.xlsx).
pub fn indicator_error_workbook(bytes: &[u8], title: &str, problems: &[Problem]) -> Result<Vec<u8>, SheetError> {
    let (top, rows, regions) = xlsx_cells_and_merges(bytes)?;
    let upload = Upload { name: first_sheet_name(bytes), top, rows, regions };
    marked(upload, "统计指标", &crate::indicators::specs(), title, problems)
}

/// An uploaded sheet as read: its name, the 0-based sheet row of `rows[0]`,
/// the cells as text (merged regions filled) and the merged regions.
struct Upload {
    name: Option<String>,
    top: usize,
    rows: Vec<Vec<String>>,
    regions: Vec<Region>,
}

/// What is wrong with one row: its messages and the columns of its bad cells.
#[derive(Default)]
struct BadRow {
    messages: Vec<String>,
    columns: BTreeSet<usize>,
}

fn cell_text(text: &str) -> String {
    let safe = xml_safe(text);
    match safe.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => safe[..at].to_owned(),
        None => safe.into_owned(),
    }
}

/// Width of a text in Excel's units, CJK characters counting two.
fn display_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn marked(
    upload: Upload,
    default_name: &str,
    specs: &[ColumnSpec],
    title: &str,
    problems: &[Problem],
) -> Result<Vec<u8>, SheetError> {
    let Upload { name, top, rows, regions } = upload;
    if rows.iter().map(|row| row.iter().filter(|c| !c.is_empty()).count()).sum::<usize>() > MAX_MARKED_CELLS {
        return Err(SheetError::TooManyCells);
    }
    let header = find_header(&rows, specs)?;
    let position = |key: &str| header.positions.iter().find(|(k, _)| *k == key).and_then(|(_, at)| *at);
    let widest = rows.iter().map(Vec::len).max().unwrap_or(0).min(LAST_COLUMN);
    // A marked workbook uploaded again has the column already: reuse it.
    let note_col = rows[header.at]
        .iter()
        .position(|cell| cell.trim() == NOTE_HEADER)
        .filter(|at| *at < LAST_COLUMN)
        .unwrap_or(widest);

    let mut bad: BTreeMap<usize, BadRow> = BTreeMap::new();
    for p in problems {
        let Some(index) = p.row.and_then(|n| n.checked_sub(top + 1)).filter(|i| *i < rows.len() && *i > header.at)
        else {
            continue;
        };
        let entry = bad.entry(index).or_default();
        if !entry.messages.contains(&p.message) {
            entry.messages.push(p.message.clone());
        }
        if let Some(column) = position(&p.key).filter(|c| *c != note_col && *c <= LAST_COLUMN) {
            entry.columns.insert(column);
        }
    }
    let is_bad = |r: usize, c: usize| bad.get(&r).is_some_and(|b| b.columns.contains(&c));

    let text = Format::new().set_num_format("@");
    let red =
        Format::new().set_num_format("@").set_pattern(FormatPattern::Solid).set_background_color(Color::RGB(BAD_FILL));
    let note_head = Format::new().set_bold().set_font_color(Color::RGB(0xC00000));
    let note = Format::new().set_font_color(Color::RGB(0xC00000));

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name = name.filter(|n| n != LIST_SHEET).unwrap_or_else(|| default_name.to_owned());
    if sheet.set_name(name.as_str()).is_err() {
        sheet.set_name(default_name)?;
    }

    // Merged regions merged again, within the cells read and a budget; the
    // cells they cover are written by the merge.
    let mut covered: HashSet<(usize, usize)> = HashSet::new();
    let mut budget = MAX_MERGED_CELLS;
    let (last_row, last_col) = (rows.len().saturating_sub(1), widest.saturating_sub(1));
    for region in &regions {
        let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
        let (r1, c1) = ((region.end.0 as usize).min(last_row), (region.end.1 as usize).min(last_col));
        if r0 > r1 || c0 > c1 || (r0 == r1 && c0 == c1) || (c0..=c1).contains(&note_col) {
            continue;
        }
        let area = (r1 - r0 + 1) * (c1 - c0 + 1);
        if area > budget || (r0..=r1).any(|r| (c0..=c1).any(|c| covered.contains(&(r, c)))) {
            continue;
        }
        budget -= area;
        let value = rows.get(r0).and_then(|row| row.get(c0)).map_or("", String::as_str);
        let any_bad = (r0..=r1).any(|r| (c0..=c1).any(|c| is_bad(r, c)));
        sheet.merge_range(
            (top + r0) as u32,
            c0 as u16,
            (top + r1) as u32,
            c1 as u16,
            &cell_text(value),
            if any_bad { &red } else { &text },
        )?;
        for r in r0..=r1 {
            for c in c0..=c1 {
                covered.insert((r, c));
            }
        }
    }

    for (r, row) in rows.iter().enumerate() {
        let at = (top + r) as u32;
        for (c, value) in row.iter().enumerate().take(LAST_COLUMN + 1) {
            if c == note_col || covered.contains(&(r, c)) {
                continue;
            }
            let format = if is_bad(r, c) { &red } else { &text };
            if !value.is_empty() {
                sheet.write_string_with_format(at, c as u16, cell_text(value), format)?;
            }
        }
        if let Some(b) = bad.get(&r) {
            // Bad cells the row leaves empty (a required value missing).
            for &c in &b.columns {
                if !covered.contains(&(r, c)) && row.get(c).is_none_or(String::is_empty) {
                    sheet.write_blank(at, c as u16, &red)?;
                }
            }
            sheet.write_string_with_format(at, note_col as u16, cell_text(&b.messages.join("；")), &note)?;
        }
    }
    sheet.write_string_with_format((top + header.at) as u32, note_col as u16, NOTE_HEADER, &note_head)?;

    // Columns as wide as their texts (from the first rows), within bounds.
    for c in 0..widest.min(LAST_COLUMN) {
        if c == note_col {
            continue;
        }
        let width = rows.iter().take(2000).filter_map(|row| row.get(c)).map(|v| display_width(v)).max().unwrap_or(0);
        sheet.set_column_width(c as u16, (width + 2).clamp(6, 40) as f64)?;
    }
    sheet.set_column_width(note_col as u16, 60)?;
    sheet.set_freeze_panes((top + header.at + 1) as u32, 0)?;

    let list: Vec<(Option<usize>, String, String)> =
        problems.iter().map(|p| (p.row, p.column.clone(), p.message.clone())).collect();
    error_list(book.add_worksheet(), LIST_SHEET, title, &list)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx};

    use super::*;

    fn problem(row: usize, key: &str, column: &str, message: &str) -> Problem {
        Problem { row: Some(row), key: key.into(), column: column.into(), message: message.into() }
    }

    /// A part of a package as text.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        text
    }

    /// The `s` (style) attribute of a cell in a sheet's XML.
    fn style_of(sheet: &str, cell: &str) -> Option<usize> {
        let at = sheet.find(&format!("<c r=\"{cell}\""))?;
        let element = &sheet[at..at + sheet[at..].find('>')?];
        let s = element.find(" s=\"")? + 4;
        element[s..s + element[s..].find('"')?].parse().ok()
    }

    /// Whether the cell format `index` of styles.xml fills with red.
    fn is_red(styles: &str, index: usize) -> bool {
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let xf = xfs.split("<xf ").nth(index + 1).unwrap();
        let fill: usize = xf.split("fillId=\"").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let fills = &styles[styles.find("<fills").unwrap()..styles.find("</fills>").unwrap()];
        fills.split("<fill>").nth(fill + 1).unwrap().contains("rgb=\"FFFF0000\"")
    }

    #[test]
    fn the_upload_comes_back_with_bad_cells_red_and_every_message_of_a_row() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("花名册 & 2020").unwrap();
        sheet.merge_range(0, 0, 0, 3, "第一社区居民花名册", &Format::new()).unwrap();
        for (i, h) in ["姓名", "身份证号", "住址", "所属网格"].iter().enumerate() {
            sheet.write(1, i as u16, *h).unwrap();
        }
        let rows = [
            ["韦丽华", "45900119800101002X", "1栋101", "第一网格"],
            ["", "459001198001010021", "1栋101", "火星网格"],
            ["覃明", "459001198001010039", "1栋102", "第一网格"],
        ];
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if c != 2 {
                    sheet.write(2 + r as u32, c as u16, *v).unwrap();
                }
            }
        }
        // 住址 merged down the first two rows.
        sheet.merge_range(2, 2, 3, 2, "1栋101", &Format::new()).unwrap();
        sheet.write(4, 2, "1栋102").unwrap();
        let upload = book.save_to_buffer().unwrap();

        let problems = vec![
            problem(4, "name", "姓名", "第4行“姓名”：不能为空"),
            problem(4, "grid", "所属网格", "第4行“所属网格”：“火星网格”不存在"),
            Problem { row: None, key: "file".into(), column: String::new(), message: "整个文件未导入".into() },
        ];
        let bytes = roster_error_workbook(&upload, &[], "居民花名册导入错误报告", &problems).unwrap();

        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), vec!["花名册 & 2020".to_owned(), LIST_SHEET.to_owned()]);
        let first = book.worksheet_range_at(0).unwrap().unwrap();
        let text = |r: u32, c: u32| first.get_value((r, c)).map(|d| d.to_string()).unwrap_or_default();
        assert_eq!(text(0, 0), "第一社区居民花名册");
        assert_eq!((text(1, 0), text(1, 3), text(1, 4)), ("姓名".into(), "所属网格".into(), NOTE_HEADER.into()));
        assert_eq!((text(2, 1), text(2, 2), text(2, 4)), ("45900119800101002X".into(), "1栋101".into(), String::new()));
        assert_eq!(text(3, 4), "第4行“姓名”：不能为空；第4行“所属网格”：“火星网格”不存在");
        assert_eq!((text(4, 0), text(4, 4)), ("覃明".into(), String::new()));
        let list = book.worksheet_range(LIST_SHEET).unwrap();
        assert!(list.rows().any(|r| r.first() == Some(&Data::Float(4.0)) && r[1] == Data::String("所属网格".into())));
        assert!(list.rows().any(|r| r.get(2) == Some(&Data::String("整个文件未导入".into()))));

        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        let styles = part(&bytes, "xl/styles.xml");
        // The empty name and the unknown grid are red; nothing else is.
        for cell in ["A4", "D4"] {
            assert!(is_red(&styles, style_of(&sheet, cell).unwrap()), "{cell}");
        }
        for cell in ["B4", "A3", "D5", "C3"] {
            assert!(!style_of(&sheet, cell).is_some_and(|s| is_red(&styles, s)), "{cell}");
        }
        // The title and the 住址 of one household are merged again.
        assert!(
            sheet.contains("<mergeCell ref=\"A1:D1\"/>") && sheet.contains("<mergeCell ref=\"C3:C4\"/>"),
            "{sheet}"
        );

        // Fixed and uploaded again, the column is reused, not added.
        let again = roster_error_workbook(&bytes, &[], "x", &[problem(5, "grid", "所属网格", "又错了")]).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(again)).unwrap();
        let first = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(first.get_value((1, 4)), Some(&Data::String(NOTE_HEADER.into())));
        assert_eq!(first.get_value((1, 5)), None);
        assert!(first.get_value((3, 4)).is_none_or(|d| *d == Data::Empty), "old messages are cleared");
        assert_eq!(first.get_value((4, 4)), Some(&Data::String("又错了".into())));
        assert_eq!(crate::read_roster(&bytes, &[]).unwrap().len(), 3, "the marked sheet reads as a roster");
    }

    #[test]
    fn a_csv_roster_and_an_activity_ledger() {
        let csv = "姓名,身份证号,住址,网格\n韦丽华,45900119800101002X,1栋101,第一网格\n覃明,123,1栋102,第一网格\n";
        let mapping = vec![("所属网格".to_owned(), "网格".to_owned())];
        let problems = vec![problem(3, "id_number", "身份证号", "第3行“身份证号”：位数不对")];
        let bytes = roster_error_workbook(csv.as_bytes(), &mapping, "x", &problems).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names()[0], "居民花名册");
        let first = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(first.get_value((2, 1)), Some(&Data::String("123".into())));
        assert_eq!(first.get_value((2, 4)), Some(&Data::String("第3行“身份证号”：位数不对".into())));
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(is_red(&part(&bytes, "xl/styles.xml"), style_of(&sheet, "B3").unwrap()));

        let rows = vec![crate::ActivityExport {
            sheet: taizhang_core::ledger::SheetActivity {
                org: "X矿矿区党委".into(),
                date: "2020-02-30".into(),
                kind: "宣传".into(),
                title: "宣传".into(),
                ..Default::default()
            },
            present: 0,
        }];
        let upload = crate::activities_workbook("X矿矿区党委工作台账", &rows).unwrap();
        let problems = vec![problem(3, "date", "日期", "第3行“日期”：不是有效日期")];
        let bytes = activities_error_workbook(&upload, "x", &problems).unwrap();
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
        let first = book.worksheet_range_at(0).unwrap().unwrap();
        let header: Vec<String> = first.rows().nth(1).unwrap().iter().map(|d| d.to_string()).collect();
        let column = header.iter().position(|h| h == "日期").unwrap();
        assert_eq!(header.last().map(String::as_str), Some(NOTE_HEADER));
        let cell = format!("{}3", (b'A' + column as u8) as char);
        assert!(is_red(&part(&bytes, "xl/styles.xml"), style_of(&sheet, &cell).unwrap()), "{cell}");
        // An upload that cannot be read, or too large to mark, is refused;
        // the caller falls back to the list.
        assert!(activities_error_workbook(b"not a workbook", "x", &problems).is_err());
        let mut big = String::from("姓名,身份证号,住址,所属网格\n");
        for i in 0..MAX_MARKED_CELLS / 4 + 1 {
            big.push_str(&format!("居民{i},1,1栋,第一网格\n"));
        }
        assert_eq!(roster_error_workbook(big.as_bytes(), &[], "x", &problems), Err(SheetError::TooManyCells));
    }
}
