//! Reading the first worksheet of an uploaded .xlsx as offices fill them:
//! title rows above the header, merged cells, dates as Excel serials,
//! numbers where text was meant.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::package::{Budget, MAX_CELLS_SEEN, preflight};
pub(crate) use crate::package::{Region, first_sheet_name};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SheetError {
    #[error("文件不是有效的 Excel（.xlsx）文件")]
    NotXlsx,
    #[error("Excel 文件中没有工作表")]
    NoSheet,
    #[error("前10行中找不到表头，请使用导入模板（缺少列：{0}）")]
    NoHeader(String),
    #[error("文件不是 Excel（.xlsx）或 CSV 文件")]
    NotSpreadsheet,
    #[error("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")]
    OldXls,
    #[error("表格超过25万行，请分成多个文件导入")]
    TooLarge,
    #[error("表格内容过多（超过200万个单元格，或文字超过32MB、共享字符串过多），请分成多个文件导入")]
    TooManyCells,
    #[error("生成 Excel 文件失败：{0}")]
    Write(String),
}

impl From<XlsxError> for SheetError {
    fn from(e: XlsxError) -> Self {
        SheetError::Write(e.to_string())
    }
}

/// A data row: its 1-based number in the sheet and its (column key, text) cells.
pub type SheetRow = (usize, Vec<(&'static str, String)>);

/// A cell as text: dates as YYYY-MM-DD, whole numbers without ".0".
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        // Excel keeps 15 significant digits: a longer number (an ID number
        // typed into a number cell) has lost its tail; show it as Excel does.
        Data::Float(f) if f.fract() == 0.0 => format!("{f:E}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(_) | Data::DateTimeIso(_) => match cell.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) if dt.date() == chrono::NaiveDate::from_ymd_opt(1899, 12, 31).unwrap_or_default() => {
                dt.time().format("%H:%M").to_string()
            }
            Some(dt) => dt.format("%Y-%m-%d %H:%M").to_string(),
            None => String::new(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// The first sheet of an .xlsx as text cells, with every merged region
/// filled with its top-left value (offices merge 住址 or 户主 down a
/// household's rows), and the 0-based sheet row of the first row.
///
/// The work is bounded by what is kept, never by what the file claims: the
/// package is unzipped once with caps ([`preflight`]), cells are read one by
/// one and counted (those past the column cap too), merged regions fill only
/// rows and columns that hold cells, and every kept cell and byte of text
/// counts against [`crate::package::MAX_CELLS`] and
/// [`crate::package::MAX_TEXT_BYTES`].
pub fn xlsx_cells(bytes: &[u8]) -> Result<(usize, Vec<Vec<String>>), SheetError> {
    xlsx_cells_and_merges(bytes).map(|(top, rows, _)| (top, rows))
}

/// A sheet as read: the 0-based sheet row of the first row, the cells as
/// text, and the merged regions.
pub(crate) type CellsAndMerges = (usize, Vec<Vec<String>>, Vec<Region>);

/// [`xlsx_cells`], and the merged regions of the sheet (as the file claims
/// them: a region may reach past the cells read).
pub(crate) fn xlsx_cells_and_merges(bytes: &[u8]) -> Result<CellsAndMerges, SheetError> {
    let merged = preflight(bytes)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::NotXlsx)?;
    let name = book.sheet_names().first().cloned().ok_or(SheetError::NoSheet)?;
    // Cell by cell, never as one dense rectangle: a file claiming a cell
    // at XFD1048576 must not make us allocate the whole sheet.
    let mut reader = book.worksheet_cells_reader(&name).map_err(|_| SheetError::NotXlsx)?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut budget = Budget::default();
    let mut widest = 0usize;
    while let Some(cell) = reader.next_cell().map_err(|_| SheetError::NotXlsx)? {
        budget.seen += 1;
        if budget.seen > MAX_CELLS_SEEN {
            return Err(SheetError::TooManyCells);
        }
        let (r, c) = cell.get_position();
        if r >= MAX_ROWS {
            return Err(SheetError::TooLarge);
        }
        if c >= MAX_COLUMNS {
            continue;
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (r, c) = (r as usize, c as usize);
        widest = widest.max(c + 1);
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        budget.keep(rows[r].len(), c + 1, text.len())?;
        if rows[r].len() <= c {
            rows[r].resize(c + 1, String::new());
        }
        rows[r][c] = text;
    }
    drop(reader);
    for region in &merged {
        let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
        let Some(value) = rows.get(r0).and_then(|row| row.get(c0)).cloned() else { continue };
        // Only rows and columns that hold cells are filled: a region may
        // claim the whole sheet.
        let r1 = (region.end.0 as usize).min(rows.len().saturating_sub(1));
        let c1 = (region.end.1 as usize).min(widest.saturating_sub(1));
        for row in rows.iter_mut().take(r1 + 1).skip(r0) {
            if row.is_empty() || c0 > c1 {
                continue;
            }
            budget.keep(row.len(), c1 + 1, value.len() * (c1 + 1 - c0))?;
            if row.len() <= c1 {
                row.resize(c1 + 1, String::new());
            }
            for cell in &mut row[c0..=c1] {
                cell.clone_from(&value);
            }
        }
    }
    Ok((0, rows, merged))
}

/// Largest sheet read: more rows is refused, more columns are ignored.
pub const MAX_ROWS: u32 = 250_000;
pub const MAX_COLUMNS: u32 = 200;

/// A column to find under a header: its key, the headers it may carry (the
/// first is its own name) and whether it must be present.
pub struct ColumnSpec {
    pub key: &'static str,
    pub headers: Vec<String>,
    pub required: bool,
}

fn normalize(s: &str) -> String {
    s.replace([' ', '\u{3000}', '*', '＊', '\n', '\r'], "")
}

/// Where the header of a sheet is: its index among the rows read, and the
/// position of each column (by key) in it, `None` for a column it lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub at: usize,
    pub positions: Vec<(&'static str, Option<usize>)>,
}

/// Finds the header: the first row among the first ten that holds every
/// required column (a column by any of the headers it may carry).
pub fn find_header(rows: &[Vec<String>], columns: &[ColumnSpec]) -> Result<Header, SheetError> {
    let find = |row: &[String], spec: &ColumnSpec| {
        spec.headers.iter().find_map(|h| row.iter().position(|cell| normalize(cell) == normalize(h)))
    };
    let header_at =
        rows.iter().take(10).position(|row| columns.iter().filter(|c| c.required).all(|c| find(row, c).is_some()));
    let Some(at) = header_at else {
        // Name the required columns missing from the likeliest header row.
        let best = rows
            .iter()
            .take(10)
            .max_by_key(|row| columns.iter().filter(|c| find(row, c).is_some()).count())
            .cloned()
            .unwrap_or_default();
        let missing: Vec<&str> =
            columns.iter().filter(|c| c.required && find(&best, c).is_none()).map(|c| c.headers[0].as_str()).collect();
        return Err(SheetError::NoHeader(missing.join("、")));
    };
    let header = &rows[at];
    Ok(Header { at, positions: columns.iter().map(|c| (c.key, find(header, c))).collect() })
}

/// The rows under the header, each with its 1-based row number, as (column
/// key, text) pairs. The header is the first row among the first ten that
/// holds every required column; `top` is the sheet row of `rows[0]`.
pub fn rows_under_header(
    top: usize,
    mut rows: Vec<Vec<String>>,
    columns: &[ColumnSpec],
) -> Result<Vec<SheetRow>, SheetError> {
    let Header { at: header_at, positions } = find_header(&rows, columns)?;
    // Cells are moved out of the rows, unless two columns share one.
    let shared =
        positions.iter().enumerate().any(|(i, (_, a))| a.is_some() && positions[..i].iter().any(|(_, b)| b == a));
    let mut out = Vec::with_capacity(rows.len().saturating_sub(header_at + 1));
    for (i, row) in rows.iter_mut().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| c.is_empty()) {
            continue;
        }
        let values = positions
            .iter()
            .map(|(key, at)| {
                let cell = at.and_then(|a| row.get_mut(a));
                (*key, cell.map(|c| if shared { c.clone() } else { std::mem::take(c) }).unwrap_or_default())
            })
            .collect();
        out.push((top + i + 1, values));
    }
    Ok(out)
}

/// The rows under the header of the first sheet of an .xlsx, for the columns
/// in `columns` ((key, header, required)).
pub fn read_rows(bytes: &[u8], columns: &[(&'static str, &'static str, bool)]) -> Result<Vec<SheetRow>, SheetError> {
    let (top, rows) = xlsx_cells(bytes)?;
    let specs: Vec<ColumnSpec> = columns
        .iter()
        .map(|(key, header, required)| ColumnSpec { key, headers: vec![(*header).to_owned()], required: *required })
        .collect();
    rows_under_header(top, rows, &specs)
}

/// An error report: one line per problem, with the row and column named.
pub fn error_report(title: &str, problems: &[(Option<usize>, String, String)]) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    error_list(book.add_worksheet(), "错误报告", title, problems)?;
    Ok(book.save_to_buffer()?)
}

/// Writes the error list (title, then 行号, 列, 问题 per problem) on a sheet.
pub(crate) fn error_list(
    sheet: &mut rust_xlsxwriter::Worksheet,
    name: &str,
    title: &str,
    problems: &[(Option<usize>, String, String)],
) -> Result<(), SheetError> {
    sheet.set_name(name)?;
    let bold = Format::new().set_bold();
    sheet.write_with_format(0, 0, crate::xml_safe(title).as_ref(), &bold)?;
    for (col, header) in ["行号", "列", "问题"].iter().enumerate() {
        sheet.write_with_format(2, col as u16, *header, &bold)?;
    }
    for (i, (row, column, message)) in problems.iter().enumerate() {
        let r = 3 + i as u32;
        match row {
            Some(n) => sheet.write(r, 0, *n as u32)?,
            None => sheet.write(r, 0, "")?,
        };
        // Messages quote what the file held, which may be any character.
        sheet.write(r, 1, crate::xml_safe(column).as_ref())?;
        sheet.write(r, 2, crate::xml_safe(message).as_ref())?;
    }
    sheet.set_column_width(0, 8)?;
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 80)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::package::MAX_SHARED_STRINGS;

    /// A workbook written by hand, so that it can claim what a real one never would.
    fn package(sheet: &str, strings: Option<&str>) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let mut part = |name: &str, text: &str| {
            out.start_file(name, options).unwrap();
            out.write_all(text.as_bytes()).unwrap();
        };
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        );
        part(
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="表" sheetId="1" r:id="rId7"/></sheets></workbook>"#,
        );
        part(
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/data.xml"/></Relationships>"#,
        );
        part("xl/worksheets/data.xml", sheet);
        if let Some(strings) = strings {
            part("xl/sharedStrings.xml", strings);
        }
        out.finish().unwrap().into_inner()
    }

    fn sheet_xml(cells: &str, merges: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData>{merges}</worksheet>"#
        )
    }

    fn inline(r: &str, text: &str) -> String {
        format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    #[test]
    fn merged_regions_are_found_in_the_first_sheet_and_fill_only_cells_that_exist() {
        let cells = format!(
            "<row r=\"1\">{}{}</row><row r=\"2\">{}</row><row r=\"250000\">{}</row>",
            inline("A1", "1栋"),
            inline("B1", "张三"),
            inline("B2", "李四"),
            inline("B250000", "王五")
        );
        // The region claims the whole column; only rows with cells are filled.
        let bytes =
            package(&sheet_xml(&cells, r#"<mergeCells count="1"><mergeCell ref="A1:A1048576"/></mergeCells>"#), None);
        assert_eq!(preflight(&bytes).unwrap(), vec![Region { start: (0, 0), end: (1_048_575, 0) }]);
        let (_, rows) = xlsx_cells(&bytes).unwrap();
        assert_eq!(rows[1], vec!["1栋".to_owned(), "李四".to_owned()]);
        assert_eq!(rows[249_999], vec!["1栋".to_owned(), "王五".to_owned()]);
        assert!(rows[2].is_empty());
    }

    #[test]
    fn a_merged_region_over_many_rows_stops_at_the_cell_budget() {
        // One cell far right in each of 20,000 rows: the region would fill
        // four million cells.
        let mut cells = String::new();
        for r in 1..=20_000 {
            cells.push_str(&format!("<row r=\"{r}\">{}</row>", inline(&format!("GR{r}"), "x")));
        }
        let bytes =
            package(&sheet_xml(&cells, r#"<mergeCells count="1"><mergeCell ref="A1:GR20000"/></mergeCells>"#), None);
        assert_eq!(xlsx_cells(&bytes), Err(SheetError::TooManyCells));
    }

    #[test]
    fn cells_past_the_column_cap_are_counted_and_refused() {
        let row: String = (0..1000).map(|i| format!("<c r=\"{}{}\"><v>1</v></c>", "ZZ", i + 1)).collect();
        let mut cells = String::new();
        for r in 1..=4_100 {
            cells.push_str(&format!("<row r=\"{r}\">{}</row>", row.replace("ZZ1\"", &format!("ZZ{r}\""))));
        }
        let bytes = package(&sheet_xml(&cells, ""), None);
        assert_eq!(xlsx_cells(&bytes), Err(SheetError::TooManyCells));
    }

    #[test]
    fn shared_strings_are_capped_in_size_and_count() {
        let cells = format!("<row r=\"1\">{}</row>", inline("A1", "x"));
        let many: String = "<si><t>a</t></si>".repeat(MAX_SHARED_STRINGS + 1);
        let strings = format!(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{many}</sst>"#
        );
        assert_eq!(preflight(&package(&sheet_xml(&cells, ""), Some(&strings))), Err(SheetError::TooManyCells));
        let big = format!("<si><t>{}</t></si>", "长".repeat(12 * 1024 * 1024));
        let strings = format!(
            r#"<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{big}</sst>"#
        );
        assert_eq!(xlsx_cells(&package(&sheet_xml(&cells, ""), Some(&strings))), Err(SheetError::TooManyCells));
        assert_eq!(xlsx_cells(b"PK\x03\x04 not really a zip"), Err(SheetError::NotXlsx));
    }
}
