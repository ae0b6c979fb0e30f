//! HTTP tests: the server on a random port over a fresh database (SQLite,
//! or PostgreSQL when TAIZHANG_PG_URL is set), spoken to as a client would.

mod helpers;
#[path = "../../../../tests/common/tools.rs"]
mod tools;

mod activity_forms;
mod api_auth;
mod api_ledgers;
mod api_orgs;
mod api_people;
mod audit_log;
mod browser;
mod demo_offices;
mod error_workbook;
mod evidence;
mod governance;
mod grid;
mod grid_worker;
mod hardening;
mod hardening_access;
mod hardening_text;
mod hardening_web;
mod indicators;
mod ops;
mod pages;
mod pages_numbers;
mod period;
mod permissions;
mod phone;
mod print;
mod probe;
mod reporting;
mod sheets;
mod summary;
mod summary_any_office;
mod summary_composer;
mod summary_figures;
