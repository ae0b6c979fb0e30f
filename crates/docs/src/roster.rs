//! The resident roster (居民花名册) as offices keep it: .xlsx or .csv (UTF-8
//! or GBK, as Excel saves it), title rows above the header, merged cells,
//! the headers they use; the export and the import template.

use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Formula, Workbook};
use taizhang_core::grid::{ROSTER_COLUMNS, RosterRow};

use crate::sheet::{ColumnSpec, SheetError, rows_under_header, xlsx_cells};
use crate::table::{Cell, table_workbook};
use crate::xml_safe;

/// Column widths of the roster, in column order.
const WIDTHS: [u16; 10] = [10, 6, 22, 12, 14, 28, 10, 10, 16, 16];

/// Reads a roster. `mapping` pairs a column (its key or standard header,
/// such as `身份证号`) with the header the file uses for it instead.
pub fn read_roster(bytes: &[u8], mapping: &[(String, String)]) -> Result<Vec<RosterRow>, SheetError> {
    let (top, rows) = cells(bytes)?;
    Ok(rows_under_header(top, rows, &specs(mapping))?
        .into_iter()
        .map(|(row, values)| RosterRow::from_cells(row, values))
        .collect())
}

/// The roster's columns with the headers each may carry: its own, the one
/// `mapping` gives, the usual others.
pub(crate) fn specs(mapping: &[(String, String)]) -> Vec<ColumnSpec> {
    ROSTER_COLUMNS
        .iter()
        .map(|(key, header, required, aliases)| {
            let mut headers: Vec<String> = vec![(*header).to_owned()];
            headers.extend(mapping.iter().filter(|(k, _)| k == key || k == header).map(|(_, h)| h.trim().to_owned()));
            headers.extend(aliases.iter().map(|a| (*a).to_owned()));
            ColumnSpec { key, headers, required: *required }
        })
        .collect()
}

/// The cells of an .xlsx or a CSV file, by content, never by name.
pub(crate) fn cells(bytes: &[u8]) -> Result<(usize, Vec<Vec<String>>), SheetError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return xlsx_cells(bytes);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(SheetError::OldXls);
    }
    let text = decode_text(bytes).ok_or(SheetError::NotSpreadsheet)?;
    let delimiter = match text.lines().next() {
        Some(first) if first.contains('\t') && !first.contains(',') => b'\t',
        _ => b',',
    };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| SheetError::NotSpreadsheet)?;
        // The reader skips blank lines; keep row numbers those of the file.
        let line = record.position().map_or(0, |p| p.line() as usize);
        if line > crate::sheet::MAX_ROWS as usize {
            return Err(SheetError::TooLarge);
        }
        while rows.len() + 1 < line {
            rows.push(Vec::new());
        }
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok((0, rows))
}

/// Text of a CSV file: UTF-8 (with or without BOM) or GBK; `None` for
/// anything that is not text.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.is_empty() || bytes.contains(&0) {
        return None;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Some(text.to_owned());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    (!had_errors).then(|| text.into_owned())
}

/// The roster as a ledger workbook that reads back with [`read_roster`].
pub fn roster_workbook(title: &str, rows: &[RosterRow]) -> Result<Vec<u8>, SheetError> {
    let columns: Vec<(&str, u16)> = ROSTER_COLUMNS.iter().zip(WIDTHS).map(|(c, w)| (c.1, w)).collect();
    let cells: Vec<Vec<Cell>> = rows.iter().map(|r| r.cells().into_iter().map(Cell::from).collect()).collect();
    table_workbook(title, "居民花名册", &columns, &cells)
}

/// An empty roster with the headers, one sample row, the ID column kept as
/// text (so Excel cannot turn numbers into 4.40524E+17) and drop-down lists
/// for 性别, 与户主关系 and 所属网格 (on a hidden sheet).
pub fn roster_template(grids: &[String], relations: &[&str], sample: &RosterRow) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    let genders = vec!["男".to_owned(), "女".to_owned()];
    let relations: Vec<String> = relations.iter().map(|r| (*r).to_owned()).collect();
    let lists: [(&str, &Vec<String>); 3] = [("gender", &genders), ("relation", &relations), ("grid", &grids.to_vec())];
    {
        let sheet = book.add_worksheet();
        sheet.set_name("花名册")?;
        let header = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#F2F2F2");
        let hint = Format::new().set_italic().set_font_color("#808080");
        let text = Format::new().set_num_format("@");
        sheet.write_with_format(
            0,
            0,
            "居民花名册导入模板：第3行为示例，请删除后填写；带*的列必填；身份证号请按文本填写。",
            &hint,
        )?;
        for (i, ((_, name, required, _), width)) in ROSTER_COLUMNS.iter().zip(WIDTHS).enumerate() {
            let label = if *required { format!("{name}*") } else { (*name).to_owned() };
            sheet.write_with_format(1, i as u16, label.as_str(), &header)?;
            sheet.set_column_width(i as u16, width)?;
        }
        sheet.set_column_format(2, &text)?;
        sheet.set_column_format(4, &text)?;
        for (i, value) in sample.cells().iter().enumerate() {
            sheet.write_string(2, i as u16, xml_safe(value).as_ref())?;
        }
        for (n, (key, items)) in lists.iter().enumerate() {
            if items.is_empty() {
                continue;
            }
            let col = ROSTER_COLUMNS.iter().position(|c| c.0 == *key).unwrap_or(0) as u16;
            let letter = (b'A' + n as u8) as char;
            let formula = Formula::new(format!("=选项!${letter}$2:${letter}${}", items.len() + 1));
            let mut validation = DataValidation::new().allow_list_formula(formula);
            if *key == "relation" {
                // Offer the usual relations but accept any.
                validation = validation.ignore_blank(true).show_error_message(false);
            }
            sheet.add_data_validation(2, col, 200_000, col, &validation)?;
        }
        sheet.set_freeze_panes(2, 0)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("选项")?;
    for (n, (key, items)) in lists.iter().enumerate() {
        sheet.write(0, n as u16, taizhang_core::grid::roster_header(key))?;
        for (i, item) in items.iter().enumerate() {
            sheet.write(i as u32 + 1, n as u16, xml_safe(item).as_ref())?;
        }
    }
    sheet.set_hidden(true);
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(row: usize) -> RosterRow {
        RosterRow {
            row,
            name: "韦丽华".into(),
            gender: "女".into(),
            id_number: "45900119800101002X".into(),
            birth_date: "1980-01-01".into(),
            mobile: "13800000000".into(),
            address: "第一社区1栋101".into(),
            head: "韦丽华".into(),
            relation: "户主".into(),
            grid: "第一社区第一网格".into(),
            notes: String::new(),
        }
    }

    #[test]
    fn an_export_and_the_template_read_back() {
        let bytes = roster_workbook("第一社区居民花名册", &[sample(0), sample(0)]).unwrap();
        let back = read_roster(&bytes, &[]).unwrap();
        assert_eq!(back, vec![sample(3), sample(4)]);
        let template = roster_template(&["第一社区第一网格".into()], &["户主"], &sample(0)).unwrap();
        assert_eq!(read_roster(&template, &[]).unwrap(), vec![sample(3)]);
    }

    #[test]
    fn csv_in_gbk_with_a_title_other_headers_and_a_mapping() {
        let text = "2020年第一社区居民花名册\n\n名字,证件号,家庭住址,网格,手机号\n韦丽华,45900119800101002X,1栋101,第一社区第一网格,13800000000\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let mapping = vec![("身份证号".to_owned(), "证件号".to_owned())];
        let rows = read_roster(&gbk, &mapping).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].row, rows[0].name.as_str(), rows[0].id_number.as_str()),
            (4, "韦丽华", "45900119800101002X")
        );
        assert_eq!((rows[0].grid.as_str(), rows[0].mobile.as_str()), ("第一社区第一网格", "13800000000"));
        // Without the mapping, the missing column is named.
        assert_eq!(read_roster(&gbk, &[]), Err(SheetError::NoHeader("身份证号".into())));
    }

    #[test]
    fn numbers_merged_cells_and_files_that_are_not_spreadsheets() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        for (i, h) in ["姓名", "身份证号", "住址", "所属网格"].iter().enumerate() {
            sheet.write(0, i as u16, *h).unwrap();
        }
        sheet.write(1, 0, "韦丽华").unwrap();
        sheet.write(1, 1, 459001198001010020.0).unwrap();
        sheet.write(2, 0, "覃明").unwrap();
        sheet.write(2, 1, "459001198001010039").unwrap();
        sheet.merge_range(1, 2, 2, 2, "1栋101", &Format::new()).unwrap();
        sheet.merge_range(1, 3, 2, 3, "第一社区第一网格", &Format::new()).unwrap();
        let rows = read_roster(&book.save_to_buffer().unwrap(), &[]).unwrap();
        assert!(taizhang_core::id_number::looks_like_excel_mangled(&rows[0].id_number), "{}", rows[0].id_number);
        assert_eq!((rows[1].address.as_str(), rows[1].grid.as_str()), ("1栋101", "第一社区第一网格"));
        assert_eq!(read_roster(b"\x89PNG\r\n\x1a\n\0\0\0", &[]), Err(SheetError::NotSpreadsheet));
        // A cell far down the sheet is refused, without allocating the rectangle up to it.
        let mut far = Workbook::new();
        let sheet = far.add_worksheet();
        sheet.write(0, 0, "姓名").unwrap();
        sheet.write(1_048_000, 16_000, "x").unwrap();
        assert_eq!(read_roster(&far.save_to_buffer().unwrap(), &[]), Err(SheetError::TooLarge));
        let blank_lines = "\n".repeat(300_000);
        assert!(read_roster(format!("{blank_lines}姓名\n").as_bytes(), &[]).is_err());
        assert_eq!(read_roster(&[0xD0, 0xCF, 0x11, 0xE0, 1, 2], &[]), Err(SheetError::OldXls));
    }
}
