//! The sheet of indicator values (统计指标): reading an upload back. The
//! export (the grid of an org and period, also the import template) is a
//! ledger table ([`crate::table_workbook`]) with the same headers.

use taizhang_core::indicator::{IndicatorSheetRow, SHEET_COLUMNS};

use crate::sheet::{ColumnSpec, SheetError, rows_under_header, xlsx_cells};

/// The header of the column of the indicator's unit in the export; an
/// import ignores it (the unit is the indicator's).
pub const UNIT_HEADER: &str = "计量单位";

/// The headers a column may carry: its own first, then those offices use.
fn headers(key: &str) -> Vec<String> {
    let others: &[&str] = match key {
        "org" => &["单位", "组织", "单位名称", "组织名称"],
        "indicator" => &["指标名称", "统计指标"],
        "value" => &["指标值", "值", "本期数值"],
        "target" => &["目标值", "年度目标"],
        "last_year" => &["上年同期", "去年同期数值"],
        "note" => &["数据来源", "来源"],
        _ => &[],
    };
    let own = taizhang_core::indicator::sheet_header(key);
    std::iter::once(own).chain(others.iter().copied()).map(str::to_owned).collect()
}

/// The columns to find: the indicator and its value are required.
pub(crate) fn specs() -> Vec<ColumnSpec> {
    SHEET_COLUMNS
        .iter()
        .map(|(key, _)| ColumnSpec { key, headers: headers(key), required: matches!(*key, "indicator" | "value") })
        .collect()
}

/// The rows of an uploaded values sheet (.xlsx), with their sheet rows.
pub fn read_indicator_values(bytes: &[u8]) -> Result<Vec<IndicatorSheetRow>, SheetError> {
    let (top, rows) = xlsx_cells(bytes)?;
    let rows = rows_under_header(top, rows, &specs())?;
    Ok(rows
        .into_iter()
        .map(|(row, cells)| {
            let mut r = IndicatorSheetRow { row, ..Default::default() };
            for (key, text) in cells {
                let slot = match key {
                    "org" => &mut r.org,
                    "indicator" => &mut r.indicator,
                    "value" => &mut r.value,
                    "target" => &mut r.target,
                    "last_year" => &mut r.last_year,
                    "note" => &mut r.note,
                    _ => continue,
                };
                *slot = text;
            }
            r
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, table_workbook};

    #[test]
    fn an_export_reads_back_as_its_rows() {
        let columns = [
            ("单位/组织", 16),
            ("指标", 16),
            (UNIT_HEADER, 8),
            ("数值", 10),
            ("目标", 10),
            ("去年同期", 10),
            ("备注", 20),
        ];
        let rows = vec![
            vec![
                Cell::from("青山村"),
                Cell::from("覆盖率"),
                Cell::from("%"),
                Cell::Number(96.5),
                Cell::Number(95.0),
                Cell::from(""),
                Cell::from("镇统计站"),
            ],
            vec![
                Cell::from("青山村"),
                Cell::from("农家书屋"),
                Cell::from("个"),
                Cell::from(""),
                Cell::from(""),
                Cell::from(""),
                Cell::from(""),
            ],
        ];
        let bytes = table_workbook("青山村2021年统计指标", "统计指标", &columns, &rows).unwrap();
        let read = read_indicator_values(&bytes).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(
            read[0],
            IndicatorSheetRow {
                row: 3,
                org: "青山村".into(),
                indicator: "覆盖率".into(),
                value: "96.5".into(),
                target: "95".into(),
                last_year: String::new(),
                note: "镇统计站".into(),
            }
        );
        assert_eq!((read[1].row, read[1].value.as_str()), (4, ""));
    }

    #[test]
    fn a_sheet_without_the_columns_names_them() {
        let bytes = table_workbook("表", "表", &[("名称", 10)], &[vec![Cell::from("x")]]).unwrap();
        assert_eq!(read_indicator_values(&bytes), Err(SheetError::NoHeader("指标、数值".into())));
    }
}
