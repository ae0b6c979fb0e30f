//! The activity ledger as a spreadsheet: export in the office layout,
//! an import template with drop-down lists, and reading an import back.

use rust_xlsxwriter::{DataValidation, Format, FormatBorder, Formula, Workbook};
use taizhang_core::ledger::{SHEET_COLUMNS, SHEET_REQUIRED, SheetActivity};

use crate::sheet::{SheetError, read_rows};
use crate::table::{Cell, Column, table_workbook};
use crate::xml_safe;

/// The sheet's columns with whether an import requires them. The export
/// writes the same columns (with 序号 and 参加人数 in front), so an export
/// imports again.
pub(crate) fn columns() -> Vec<(&'static str, &'static str, bool)> {
    SHEET_COLUMNS.iter().map(|(key, header)| (*key, *header, SHEET_REQUIRED.contains(key))).collect()
}

/// One activity as the export shows it.
#[derive(Debug, Clone, Default)]
pub struct ActivityExport {
    pub sheet: SheetActivity,
    /// People present, for the 参加人数 column.
    pub present: u32,
}

fn value<'a>(a: &'a SheetActivity, key: &str) -> &'a str {
    match key {
        "date" => &a.date,
        "start_time" => &a.start_time,
        "org" => &a.org,
        "kind" => &a.kind,
        "work_area" => &a.work_area,
        "title" => &a.title,
        "place" => &a.place,
        "host" => &a.host,
        "participants" => &a.participants,
        "others_count" => &a.others_count,
        "summary" => &a.summary,
        "campaign" => &a.campaign,
        "channels" => &a.channels,
        "banners" => &a.banners,
        "boards" => &a.boards,
        "posts" => &a.posts,
        "reached" => &a.reached,
        "role_models" => &a.role_models,
        "materials" => &a.materials,
        "reported_on" => &a.reported_on,
        "reported_by" => &a.reported_by,
        _ => "",
    }
}

fn set(a: &mut SheetActivity, key: &str, v: String) {
    let slot = match key {
        "date" => &mut a.date,
        "start_time" => &mut a.start_time,
        "org" => &mut a.org,
        "kind" => &mut a.kind,
        "work_area" => &mut a.work_area,
        "title" => &mut a.title,
        "place" => &mut a.place,
        "host" => &mut a.host,
        "participants" => &mut a.participants,
        "others_count" => &mut a.others_count,
        "summary" => &mut a.summary,
        "campaign" => &mut a.campaign,
        "channels" => &mut a.channels,
        "banners" => &mut a.banners,
        "boards" => &mut a.boards,
        "posts" => &mut a.posts,
        "reached" => &mut a.reached,
        "role_models" => &mut a.role_models,
        "materials" => &mut a.materials,
        "reported_on" => &mut a.reported_on,
        "reported_by" => &mut a.reported_by,
        _ => return,
    };
    *slot = v;
}

fn is_number_column(key: &str) -> bool {
    matches!(key, "others_count" | "banners" | "boards" | "posts" | "reached")
}

/// The ledger in the layout offices keep: a title, then 序号, 日期, 时间 ...
pub fn activities_workbook(title: &str, rows: &[ActivityExport]) -> Result<Vec<u8>, SheetError> {
    let mut columns: Vec<Column> = vec![("参加人数", 8)];
    for (key, name) in SHEET_COLUMNS {
        let width = match *key {
            "title" | "summary" | "participants" | "materials" => 30,
            "org" | "channels" | "campaign" | "work_area" => 16,
            "date" | "reported_on" | "kind" => 12,
            _ => 9,
        };
        columns.push((name, width));
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![Cell::from(row.present)];
            for (key, _) in SHEET_COLUMNS {
                let text = value(&row.sheet, key);
                cells.push(match text.parse::<u32>() {
                    Ok(number) if is_number_column(key) => Cell::from(number),
                    _ => Cell::from(text),
                });
            }
            cells
        })
        .collect();
    table_workbook(title, "工作台账", &columns, &cells)
}

/// What the template's drop-down lists offer.
#[derive(Debug, Clone, Default)]
pub struct TemplateChoices {
    pub orgs: Vec<String>,
    pub kinds: Vec<String>,
    pub work_areas: Vec<String>,
    pub campaigns: Vec<String>,
    pub channels: Vec<String>,
    pub sample: SheetActivity,
}

/// An empty ledger with the headers, one sample row and drop-down lists
/// for the coded columns (lists live on a hidden sheet).
pub fn activity_template(choices: &TemplateChoices) -> Result<Vec<u8>, SheetError> {
    let mut book = Workbook::new();
    let lists: [(&str, &Vec<String>); 5] = [
        ("org", &choices.orgs),
        ("kind", &choices.kinds),
        ("work_area", &choices.work_areas),
        ("campaign", &choices.campaigns),
        ("channels", &choices.channels),
    ];
    {
        let sheet = book.add_worksheet();
        sheet.set_name("导入")?;
        let header = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#F2F2F2");
        let hint = Format::new().set_italic().set_font_color("#808080");
        sheet.write_with_format(
            0,
            0,
            "工作台账导入模板：第3行为示例，请删除后填写；带*的列必填；日期写成2020-07-10。",
            &hint,
        )?;
        for (i, (key, name, required)) in columns().into_iter().enumerate() {
            let text = if required { format!("{name}*") } else { name.to_owned() };
            sheet.write_with_format(1, i as u16, text.as_str(), &header)?;
            sheet.write(2, i as u16, xml_safe(value(&choices.sample, key)).as_ref())?;
            sheet.set_column_width(
                i as u16,
                if matches!(key, "title" | "summary" | "participants") { 24 } else { 12 },
            )?;
        }
        for (n, (key, items)) in lists.iter().enumerate() {
            if items.is_empty() {
                continue;
            }
            let col = SHEET_COLUMNS.iter().position(|c| c.0 == *key).unwrap_or(0) as u16;
            let letter = (b'A' + n as u8) as char;
            let formula = Formula::new(format!("=选项!${letter}$2:${letter}${}", items.len() + 1));
            let mut validation = DataValidation::new().allow_list_formula(formula);
            if *key == "channels" {
                // Several channels go into one cell: offer the list but accept any text.
                validation = validation.ignore_blank(true).show_error_message(false);
            }
            sheet.add_data_validation(2, col, 5000, col, &validation)?;
        }
        sheet.set_freeze_panes(2, 0)?;
    }
    let sheet = book.add_worksheet();
    sheet.set_name("选项")?;
    for (n, (key, items)) in lists.iter().enumerate() {
        let header = SHEET_COLUMNS.iter().find(|c| c.0 == *key).map_or("", |c| c.1);
        sheet.write(0, n as u16, header)?;
        for (i, item) in items.iter().enumerate() {
            sheet.write(i as u32 + 1, n as u16, xml_safe(item).as_ref())?;
        }
    }
    sheet.set_hidden(true);
    Ok(book.save_to_buffer()?)
}

/// Reads the activities of an uploaded ledger or template.
pub fn read_activities(bytes: &[u8]) -> Result<Vec<SheetActivity>, SheetError> {
    let rows = read_rows(bytes, &columns())?;
    Ok(rows
        .into_iter()
        .map(|(row, values)| {
            let mut a = SheetActivity { row, ..Default::default() };
            for (key, v) in values {
                set(&mut a, key, v);
            }
            a
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SheetActivity {
        SheetActivity {
            row: 0,
            org: "X矿矿区党委".into(),
            date: "2020-04-10".into(),
            kind: "宣传".into(),
            title: "扫黑除恶专项斗争宣传".into(),
            channels: "标语、横幅".into(),
            banners: "10".into(),
            participants: "韦建国、蓝秀英".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_export_reads_back_the_same() {
        let rows = vec![ActivityExport { sheet: sample(), present: 2 }, ActivityExport { sheet: sample(), present: 2 }];
        let bytes = activities_workbook("X矿矿区党委工作台账", &rows).unwrap();
        let back = read_activities(&bytes).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].row, 3, "title row, header row, then the first record");
        assert_eq!(SheetActivity { row: 0, ..back[0].clone() }, sample());
    }

    #[test]
    fn the_template_has_headers_a_sample_and_lists() {
        let choices = TemplateChoices {
            orgs: vec!["X矿矿区党委".into()],
            kinds: vec!["宣传".into(), "志愿服务".into()],
            channels: vec!["标语".into()],
            sample: sample(),
            ..Default::default()
        };
        let bytes = activity_template(&choices).unwrap();
        let back = read_activities(&bytes).unwrap();
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].title, "扫黑除恶专项斗争宣传");
        assert_eq!(back[0].row, 3);
    }

    #[test]
    fn not_a_spreadsheet_or_missing_columns() {
        assert_eq!(read_activities(b"hello"), Err(SheetError::NotXlsx));
        let bytes = crate::sheet::error_report("x", &[]).unwrap();
        assert!(matches!(read_activities(&bytes), Err(SheetError::NoHeader(_))));
    }
}
