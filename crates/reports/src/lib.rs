//! Document use cases, shared by the web's pages and API and by the command
//! line: the ledgers offices keep as spreadsheets (titles, column sets, rows
//! from the services), import templates, error reports of bad imports, and
//! the work summary (facts, template, markup). Over the services (`core`) and
//! the formats (`docs`); knows nothing of HTTP, SQL or addresses.
//!
//! Each function that writes a workbook answers its file name beside it.

mod activities;
mod cases;
mod daily_report;
mod indicators;
mod problems;
mod projects;
mod reporting;
mod responsibility;
mod review;
mod roster;
pub mod summary;

pub use activities::{activity_template, error_report, export, problems};
pub use cases::cases_export;
pub use daily_report::daily_report_workbook;
pub use indicators::{indicator_error_report, indicator_export, indicator_problems};
pub use problems::{Import, sheet_error};
pub use projects::projects_export;
pub use reporting::{matrix_export, submission_export};
pub use responsibility::responsibility_export;
pub use review::review_export;
pub use roster::{parse_mapping, roster_error_report, roster_export, roster_problems, roster_template};
