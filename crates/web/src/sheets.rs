//! Spreadsheet answers shared by pages and API: downloads of the ledgers
//! and templates that `taizhang_reports` makes (re-exported here), and
//! imports and their error reports run in turn with other heavy work
//! ([`crate::gates`]).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use taizhang_core::auth::Actor;
use taizhang_core::{Error, FieldError};
use taizhang_reports::{Import, sheet_error};

use crate::AppState;

pub use taizhang_reports::{
    activity_template as template, cases_export, daily_report_workbook, export, indicator_export, indicator_problems,
    problems, projects_export, responsibility_export, review_export, roster_export, roster_problems, roster_template,
};

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Largest spreadsheet accepted for import.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// Largest roster accepted (a county's roster of 100,000 residents as CSV is about 12 MB).
pub const MAX_ROSTER_BYTES: usize = 64 * 1024 * 1024;

/// A file name for `filename*=UTF-8''…`: letters, digits and `. - _` as
/// they are, every other byte percent-encoded.
pub fn encode_filename(name: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'.').remove(b'-').remove(b'_');
    percent_encoding::utf8_percent_encode(name, KEEP).to_string()
}

/// A download of an .xlsx file named in Chinese.
pub fn xlsx_response(file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", encode_filename(file_name))),
        ],
        bytes,
    )
        .into_response()
}

/// Reads an upload on the import lane, in turn with other imports; the
/// account's right to import is checked by the caller before.
async fn read_in_turn<T: Send + 'static>(
    state: &AppState,
    read: impl FnOnce() -> Result<T, taizhang_docs::SheetError> + Send + 'static,
) -> Result<T, Error> {
    let permit = state.gates.imports.enter().await?;
    state
        .gates
        .import_lane
        .run(move || {
            let _permit = permit;
            read()
        })
        .await?
        .map_err(sheet_error)
}

/// Reads and imports an uploaded workbook: the account's right to import
/// is checked before the file is read, and the reading waits for its turn
/// ([`crate::gates::Gates::imports`]).
pub async fn import(state: &AppState, actor: &Actor, bytes: &[u8], source: &str) -> Result<usize, Error> {
    state.services.activity_may_import(actor)?;
    let bytes = bytes.to_vec();
    let rows = read_in_turn(state, move || taizhang_docs::read_activities(&bytes)).await?;
    state.services.activity_import(actor, rows, source).await
}

/// Reads and imports an uploaded roster (.xlsx or .csv) under an org, with
/// the same checks before reading and the same turns as [`import`].
pub async fn roster_import(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    bytes: &[u8],
    mapping: &str,
    source: &str,
) -> Result<taizhang_core::grid::RosterOutcome, Error> {
    state.services.roster_may_import(actor, org_id).await?;
    let (bytes, mapping) = (bytes.to_vec(), taizhang_reports::parse_mapping(mapping));
    let rows = read_in_turn(state, move || taizhang_docs::read_roster(&bytes, &mapping)).await?;
    state.services.roster_import(actor, org_id, &rows, source).await
}

/// Reads and imports an uploaded values sheet for an org and period, with
/// the same checks before reading and the same turns as [`import`].
pub async fn indicator_import(
    state: &AppState,
    actor: &Actor,
    org_id: Option<i64>,
    period: &str,
    bytes: &[u8],
    source: &str,
) -> Result<usize, Error> {
    state.services.indicator_may_enter(actor, org_id).await?;
    let bytes = bytes.to_vec();
    let rows = read_in_turn(state, move || taizhang_docs::read_indicator_values(&bytes)).await?;
    state.services.indicator_import(actor, org_id, period, rows, source).await
}

/// Makes an error report as heavy work: in turn with imports, on their lane
/// (it reads the upload again). When no turn comes, the list alone, which
/// costs nothing to make.
async fn report_in_turn(
    state: &AppState,
    import: Import,
    errors: Vec<FieldError>,
    make: impl FnOnce(&[FieldError]) -> Result<Vec<u8>, Error> + Send + 'static,
) -> Result<Vec<u8>, Error> {
    match state.gates.imports.enter().await {
        Ok(permit) => {
            state
                .gates
                .import_lane
                .run(move || {
                    let _permit = permit;
                    make(&errors)
                })
                .await?
        }
        Err(_) => import.error_list(&errors),
    }
}

/// The error report of an activity import ([`taizhang_reports::error_report`]), in turn with imports.
pub async fn error_report_in_turn(state: &AppState, errors: Vec<FieldError>, bytes: Vec<u8>) -> Result<Vec<u8>, Error> {
    report_in_turn(state, Import::Activities, errors, move |errors| taizhang_reports::error_report(errors, &bytes))
        .await
}

/// The error report of a roster import ([`taizhang_reports::roster_error_report`]), in turn with imports.
pub async fn roster_error_report_in_turn(
    state: &AppState,
    errors: Vec<FieldError>,
    bytes: Vec<u8>,
    mapping: String,
) -> Result<Vec<u8>, Error> {
    report_in_turn(state, Import::Roster, errors, move |errors| {
        taizhang_reports::roster_error_report(errors, &bytes, &mapping)
    })
    .await
}

/// The error report of an indicator import ([`taizhang_reports::indicator_error_report`]), in turn with imports.
pub async fn indicator_error_report_in_turn(
    state: &AppState,
    errors: Vec<FieldError>,
    bytes: Vec<u8>,
) -> Result<Vec<u8>, Error> {
    report_in_turn(state, Import::Indicators, errors, move |errors| {
        taizhang_reports::indicator_error_report(errors, &bytes)
    })
    .await
}
