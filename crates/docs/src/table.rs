//! The ledger layout offices print: a title across the top, a header row,
//! 序号 in the first column, thin borders, wrapped text, frozen headers.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::sheet::SheetError;
use crate::xml_safe;

/// One cell of a ledger row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<u32> for Cell {
    fn from(n: u32) -> Self {
        Cell::Number(f64::from(n))
    }
}

/// A column: its header and its width in characters.
pub type Column<'a> = (&'a str, u16);

/// A workbook of one ledger sheet named `sheet_name`, titled `title`, with a
/// 序号 column before `columns`. Text is written through [`xml_safe`], so that
/// no stored record can make the file unreadable.
pub fn table_workbook(
    title: &str,
    sheet_name: &str,
    columns: &[Column],
    rows: &[Vec<Cell>],
) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name)?;
    let title_format = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let header =
        Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#F2F2F2").set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    sheet.merge_range(0, 0, 0, columns.len() as u16, &xml_safe(title), &title_format)?;
    sheet.write_with_format(1, 0, "序号", &header)?;
    sheet.set_column_width(0, 5)?;
    for (i, (name, width)) in columns.iter().enumerate() {
        sheet.write_with_format(1, i as u16 + 1, xml_safe(name).as_ref(), &header)?;
        sheet.set_column_width(i as u16 + 1, *width)?;
    }
    for (n, row) in rows.iter().enumerate() {
        let r = n as u32 + 2;
        sheet.write_with_format(r, 0, n as u32 + 1, &cell)?;
        for (i, value) in row.iter().enumerate() {
            match value {
                Cell::Text(text) => sheet.write_with_format(r, i as u16 + 1, xml_safe(text).as_ref(), &cell)?,
                Cell::Number(number) => sheet.write_with_format(r, i as u16 + 1, *number, &cell)?,
            };
        }
    }
    sheet.set_freeze_panes(2, 0)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn a_ledger_reads_back_with_title_header_and_numbers() {
        let rows = vec![vec![Cell::from("信访"), Cell::from(3u32)], vec![Cell::from("纠纷"), Cell::from(1u32)]];
        let bytes = table_workbook("2020年信访台账", "信访台账", &[("类别", 10), ("件数", 8)], &rows).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("信访台账").unwrap();
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("2020年信访台账".into())));
        assert_eq!(range.get_value((1, 0)), Some(&Data::String("序号".into())));
        assert_eq!(range.get_value((1, 2)), Some(&Data::String("件数".into())));
        assert_eq!(range.get_value((3, 1)), Some(&Data::String("纠纷".into())));
        assert_eq!(range.get_value((3, 2)), Some(&Data::Float(1.0)));
    }

    /// Characters XML forbids, in records stored before inputs refused
    /// them, are dropped: the workbook stays readable.
    #[test]
    fn characters_xml_forbids_are_dropped_and_the_workbook_reads_back() {
        let rows = vec![vec![Cell::from("学习\u{FFFF}会\u{FFFE}"), Cell::from("第一行\n\u{0}第二行\u{1B}")]];
        let bytes = table_workbook("台账\u{FFFF}", "台账", &[("活动\u{FFFE}名称", 10), ("内容", 20)], &rows).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a readable workbook");
        let range = book.worksheet_range("台账").expect("a readable sheet");
        assert_eq!(range.get_value((0, 0)), Some(&Data::String("台账".into())));
        assert_eq!(range.get_value((1, 1)), Some(&Data::String("活动名称".into())));
        assert_eq!(range.get_value((2, 1)), Some(&Data::String("学习会".into())));
        assert_eq!(range.get_value((2, 2)), Some(&Data::String("第一行\n第二行".into())));
    }

    /// The activity ledger (the district's whole export) the same way.
    #[test]
    fn an_activity_ledger_with_a_forbidden_character_reads_back() {
        let sheet = taizhang_core::ledger::SheetActivity {
            title: "学习\u{FFFF}会".into(),
            summary: "内容\u{0}".into(),
            ..Default::default()
        };
        let rows = [crate::ActivityExport { sheet, present: 3 }];
        let bytes = crate::activities_workbook("工作台账", &rows).unwrap();
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("a readable workbook");
        let range = book.worksheet_range("工作台账").expect("a readable sheet");
        let cells: Vec<String> = range.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
        assert!(cells.contains(&"学习会".to_owned()), "{cells:?}");
        assert!(cells.contains(&"内容".to_owned()), "{cells:?}");
    }
}
