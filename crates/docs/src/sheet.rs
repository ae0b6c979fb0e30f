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

/// The rows under the header of the first sheet, each with its 1-based row
/// number, as (column key, text) pairs for the columns in `columns`
/// ((key, header, required)). The header is the first row among the first
/// ten that holds every required header.
pub fn read_rows(bytes: &[u8], columns: &[(&'static str, &'static str, bool)]) -> Result<Vec<SheetRow>, SheetError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| SheetError::NotXlsx)?;
    let range = book.worksheet_range_at(0).ok_or(SheetError::NoSheet)?.map_err(|_| SheetError::NotXlsx)?;
    let (top, _) = range.start().unwrap_or((0, 0));
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
    let normalize = |s: &str| s.replace([' ', '\u{3000}', '*', '＊', '\n'], "");
    let header_at = rows.iter().take(10).position(|row| {
        columns.iter().filter(|c| c.2).all(|(_, header, _)| row.iter().any(|cell| normalize(cell) == *header))
    });
    let Some(header_at) = header_at else {
        let required: Vec<&str> = columns.iter().filter(|c| c.2).map(|c| c.1).collect();
        return Err(SheetError::NoHeader(required.join("、")));
    };
    let header = &rows[header_at];
    let positions: Vec<(&'static str, Option<usize>)> =
        columns.iter().map(|(key, name, _)| (*key, header.iter().position(|cell| normalize(cell) == *name))).collect();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| c.is_empty()) {
            continue;
        }
        let values = positions
            .iter()
            .map(|(key, at)| (*key, at.and_then(|a| row.get(a)).cloned().unwrap_or_default()))
            .collect();
        out.push((top as usize + i + 1, values));
    }
    Ok(out)
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
