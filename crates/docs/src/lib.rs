//! Documents: the spreadsheets offices already use (ledger exports, import
//! templates with drop-down lists, error reports) and reading them back.
//! Reports in the official document layout (`report`): DOCX, HTML, Markdown.
//! Knows the layouts; knows nothing of HTTP or SQL.

mod activities;
mod indicators;
mod marked;
mod package;
pub mod report;
mod roster;
mod sheet;
mod table;
mod thumbnail;
mod xml_text;

pub use activities::{ActivityExport, TemplateChoices, activities_workbook, activity_template, read_activities};
pub use indicators::{UNIT_HEADER, read_indicator_values};
pub use marked::{Problem, activities_error_workbook, indicator_error_workbook, roster_error_workbook};
pub use roster::{read_roster, roster_template, roster_workbook};
pub use sheet::{SheetError, error_report};
pub use table::{Cell, Column, table_workbook};
pub use thumbnail::{THUMBNAIL_SIZE, thumbnail};
pub use xml_text::xml_safe;
