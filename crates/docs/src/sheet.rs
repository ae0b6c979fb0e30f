//! Reading the first worksheet of an uploaded .xlsx as offices fill them:
//! title rows above the header, merged cells, dates as Excel serials,
//! numbers where text was meant.

use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

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
pub fn xlsx_cells(bytes: &[u8]) -> Result<(usize, Vec<Vec<String>>), SheetError> {
    std::thread::scope(|scope| {
        // The merged regions need a second pass over the sheet's XML: it
        // runs on another core while this one reads the cells.
        let merged = scope.spawn(|| {
            let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).ok()?;
            book.worksheet_merge_cells_at(0)?.ok()
        });
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::NotXlsx)?;
        let name = book.sheet_names().first().cloned().ok_or(SheetError::NoSheet)?;
        // Cell by cell, never as one dense rectangle: a file claiming a cell
        // at XFD1048576 must not make us allocate the whole sheet.
        let mut reader = book.worksheet_cells_reader(&name).map_err(|_| SheetError::NotXlsx)?;
        let mut rows: Vec<Vec<String>> = Vec::new();
        while let Some(cell) = reader.next_cell().map_err(|_| SheetError::NotXlsx)? {
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
            if rows.len() <= r {
                rows.resize_with(r + 1, Vec::new);
            }
            if rows[r].len() <= c {
                rows[r].resize(c + 1, String::new());
            }
            rows[r][c] = text;
        }
        drop(reader);
        for region in merged.join().ok().flatten().unwrap_or_default() {
            let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
            let Some(value) = rows.get(r0).and_then(|row| row.get(c0)).cloned() else { continue };
            // Only the cells that exist are filled: a region may claim the whole sheet.
            let r1 = (region.end.0 as usize).min(rows.len().saturating_sub(1));
            let c1 = (region.end.1 as usize).min(MAX_COLUMNS as usize - 1);
            for row in rows.iter_mut().take(r1 + 1).skip(r0) {
                if row.len() <= c1 {
                    row.resize(c1 + 1, String::new());
                }
                for cell in &mut row[c0..=c1] {
                    cell.clone_from(&value);
                }
            }
        }
        Ok((0, rows))
    })
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

/// The rows under the header, each with its 1-based row number, as (column
/// key, text) pairs. The header is the first row among the first ten that
/// holds every required column; `top` is the sheet row of `rows[0]`.
pub fn rows_under_header(
    top: usize,
    mut rows: Vec<Vec<String>>,
    columns: &[ColumnSpec],
) -> Result<Vec<SheetRow>, SheetError> {
    let find = |row: &[String], spec: &ColumnSpec| {
        spec.headers.iter().find_map(|h| row.iter().position(|cell| normalize(cell) == normalize(h)))
    };
    let header_at =
        rows.iter().take(10).position(|row| columns.iter().filter(|c| c.required).all(|c| find(row, c).is_some()));
    let Some(header_at) = header_at else {
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
    let header = &rows[header_at];
    let positions: Vec<(&'static str, Option<usize>)> = columns.iter().map(|c| (c.key, find(header, c))).collect();
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
    let sheet = book.add_worksheet();
    sheet.set_name("错误报告")?;
    let bold = Format::new().set_bold();
    sheet.write_with_format(0, 0, title, &bold)?;
    for (col, header) in ["行号", "列", "问题"].iter().enumerate() {
        sheet.write_with_format(2, col as u16, *header, &bold)?;
    }
    for (i, (row, column, message)) in problems.iter().enumerate() {
        let r = 3 + i as u32;
        match row {
            Some(n) => sheet.write(r, 0, *n as u32)?,
            None => sheet.write(r, 0, "")?,
        };
        sheet.write(r, 1, column.as_str())?;
        sheet.write(r, 2, message.as_str())?;
    }
    sheet.set_column_width(0, 8)?;
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 80)?;
    Ok(book.save_to_buffer()?)
}
