//! The errors of an import as a workbook: the uploaded sheet marked where it
//! is wrong, or the plain list of problems.

use taizhang_core::{Error, FieldError};
use taizhang_docs::{Problem, SheetError};

/// A document that could not be read is an input error on `file`; one that
/// could not be written, a storage error.
pub fn sheet_error(e: SheetError) -> Error {
    match e {
        SheetError::Write(detail) => Error::Storage(detail),
        other => Error::invalid("file", other.to_string()),
    }
}

/// The sheets an import reads: each with its error report's title and the
/// headers of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Import {
    Activities,
    Roster,
    Indicators,
}

pub const ACTIVITY_REPORT_TITLE: &str = "工作台账导入错误报告：以下行未导入，整个文件均未导入。";
pub const ROSTER_REPORT_TITLE: &str = "居民花名册导入错误报告：以下行有误，整个文件均未导入。";
pub const INDICATOR_REPORT_TITLE: &str = "统计指标导入错误报告：以下行有误，整个文件均未导入。";

impl Import {
    /// The title of the error report.
    pub fn report_title(self) -> &'static str {
        match self {
            Import::Activities => ACTIVITY_REPORT_TITLE,
            Import::Roster => ROSTER_REPORT_TITLE,
            Import::Indicators => INDICATOR_REPORT_TITLE,
        }
    }

    /// The header of a column, by its key.
    fn header(self, key: &str) -> &'static str {
        match self {
            Import::Activities => {
                taizhang_core::ledger::SHEET_COLUMNS.iter().find(|(k, _)| *k == key).map_or("", |(_, h)| *h)
            }
            Import::Roster => taizhang_core::grid::roster_header(key),
            Import::Indicators => taizhang_core::indicator::sheet_header(key),
        }
    }

    /// Field errors (`rows[N].key`, N the 1-based sheet row) as problems:
    /// the row, the column's key and header, the message.
    pub(crate) fn problems(self, errors: &[FieldError]) -> Vec<Problem> {
        errors
            .iter()
            .map(|e| {
                let row = e.field.strip_prefix("rows[").and_then(|r| r.split(']').next()).and_then(|r| r.parse().ok());
                let key = if row.is_some() { e.field.rsplit('.').next().unwrap_or_default() } else { "" };
                Problem { row, key: key.to_owned(), column: self.header(key).to_owned(), message: e.message.clone() }
            })
            .collect()
    }

    /// Field errors as (row, column header, message) lines.
    pub fn lines(self, errors: &[FieldError]) -> Vec<(Option<usize>, String, String)> {
        lines(&self.problems(errors))
    }

    /// The plain list of problems as a workbook, which costs little to make
    /// (it does not read the upload again).
    pub fn error_list(self, errors: &[FieldError]) -> Result<Vec<u8>, Error> {
        taizhang_docs::error_report(self.report_title(), &self.lines(errors)).map_err(sheet_error)
    }

    /// The error report: when some errors name rows and the upload reads
    /// again, the uploaded sheet with its bad cells red and a 错误说明 column,
    /// the list on a second sheet (`marked`); otherwise the list alone.
    pub(crate) fn report(
        self,
        errors: &[FieldError],
        marked: impl FnOnce(&str, &[Problem]) -> Result<Vec<u8>, SheetError>,
    ) -> Result<Vec<u8>, Error> {
        let problems = self.problems(errors);
        if problems.iter().any(|p| p.row.is_some()) {
            match marked(self.report_title(), &problems) {
                Ok(bytes) => return Ok(bytes),
                Err(SheetError::Write(detail)) => {
                    tracing::warn!(%detail, "marked error workbook failed; the list instead")
                }
                Err(_) => {}
            }
        }
        taizhang_docs::error_report(self.report_title(), &lines(&problems)).map_err(sheet_error)
    }
}

/// Problems as (row, column header, message) lines.
fn lines(problems: &[Problem]) -> Vec<(Option<usize>, String, String)> {
    problems.iter().map(|p| (p.row, p.column.clone(), p.message.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_errors_name_their_row_and_column() {
        let errors = vec![
            FieldError { field: "rows[3].date".into(), message: "日期有误".into() },
            FieldError { field: "file".into(), message: "空文件".into() },
        ];
        let lines = Import::Activities.lines(&errors);
        assert_eq!(lines[0].0, Some(3));
        assert_eq!(lines[0].2, "日期有误");
        assert!(!lines[0].1.is_empty(), "the date column has a header");
        assert_eq!(lines[1], (None, String::new(), "空文件".to_owned()));
    }
}
