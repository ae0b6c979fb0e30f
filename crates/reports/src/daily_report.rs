//! The daily report of epidemic prevention (疫情防控信息报送) as a ledger.

use taizhang_core::Error;
use taizhang_docs::{Cell, table_workbook};

use crate::problems::sheet_error;

/// The daily report as a ledger workbook: the same figures as the page and the API.
pub fn daily_report_workbook(report: &taizhang_core::grid::DailyReport) -> Result<(String, Vec<u8>), Error> {
    let columns: Vec<(&str, u16)> = vec![
        ("单位", 18),
        ("新增重点人员", 10),
        ("在管重点人员", 10),
        ("解除管控", 10),
        ("健康监测（人次）", 10),
        ("异常", 8),
        ("已随访", 8),
        ("逾期未随访", 10),
        ("消毒场所（次）", 10),
        ("应排查户数", 10),
        ("已排查户数", 10),
        ("户覆盖率", 10),
        ("应排查人数", 10),
        ("已排查人数", 10),
        ("人覆盖率", 10),
    ];
    let row = |l: &taizhang_core::grid::ReportLine| -> Vec<Cell> {
        let n = |v: u64| Cell::Number(v as f64);
        // A hidden count of health checks is the text "<3", as on the page.
        let count = |c: taizhang_core::grid::HealthCount| c.exact().map_or_else(|| Cell::from(c.to_string()), n);
        vec![
            Cell::from(l.org_name.as_str()),
            n(l.new_key_persons),
            n(l.under_care),
            n(l.released),
            count(l.checks),
            count(l.abnormal_checks),
            n(l.follow_ups_done),
            n(l.follow_ups_overdue),
            n(l.disinfections),
            n(l.coverage.households),
            n(l.coverage.visited),
            Cell::from(format!("{}%", l.coverage.household_percent())),
            n(l.coverage.residents),
            n(l.coverage.with_status),
            Cell::from(format!("{}%", l.coverage.person_percent())),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = report.lines.iter().map(row).collect();
    rows.push(row(&report.total));
    let title = format!("{}疫情防控信息报送（{}）", report.org_name, report.day);
    let bytes = table_workbook(&title, "信息报送", &columns, &rows).map_err(sheet_error)?;
    Ok((format!("{title}.xlsx"), bytes))
}
