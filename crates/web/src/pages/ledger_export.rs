//! The activity ledger as a workbook: the export of the list as filtered
//! (`/activities/export.xlsx`), the blank import template, and the import of a
//! filled one (all rows or none, with the upload's bad cells marked).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{PageResult, render, render_status};
use crate::AppState;
use crate::auth::PageActor;

pub async fn export(
    State(state): State<AppState>,
    page: PageActor,
    Query(q): Query<super::activities::ListQuery>,
) -> PageResult {
    let filter = q.filter();
    let (name, bytes) = crate::sheets::export(&state.services, &page.actor, &filter).await?;
    Ok(crate::sheets::xlsx_response(&name, bytes))
}

pub async fn template(State(state): State<AppState>, page: PageActor) -> PageResult {
    let bytes = crate::sheets::template(&state.services, &page.actor).await?;
    Ok(crate::sheets::xlsx_response("工作台账导入模板.xlsx", bytes))
}

pub async fn import_form(page: PageActor) -> PageResult {
    render(&page, "import.html", json!({ "imported": null, "problems": [], "report": null, "error": null }))
}

pub async fn import(
    State(state): State<AppState>,
    crate::auth::CsrfMultipart(page, parts): crate::auth::CsrfMultipart,
) -> PageResult {
    use base64::Engine;
    let Some(file) = parts.iter().find(|p| p.name == "file" && !p.bytes.is_empty()) else {
        return render_status(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            "import.html",
            &mut json!({ "imported": null, "problems": [], "report": null, "error": "请选择要导入的 Excel 文件" }),
        );
    };
    let source = file.file_name.clone().unwrap_or_else(|| "上传文件".to_owned());
    match crate::sheets::import(&state, &page.actor, &file.bytes, &source).await {
        Ok(n) => render(&page, "import.html", json!({ "imported": n, "problems": [], "report": null, "error": null })),
        Err(taizhang_core::Error::Invalid(errors)) => {
            let problems: Vec<Value> = crate::sheets::problems(&errors)
                .into_iter()
                .map(|(row, column, message)| json!({ "row": row, "column": column, "message": message }))
                .collect();
            // The upload itself, its bad cells marked, with the list of errors.
            let report = crate::sheets::error_report_in_turn(&state, errors, file.bytes.clone()).await?;
            let report = base64::engine::general_purpose::STANDARD.encode(report);
            render_status(
                &page,
                StatusCode::UNPROCESSABLE_ENTITY,
                "import.html",
                &mut json!({ "imported": null, "problems": problems, "report": report, "error": null }),
            )
        }
        Err(other) => Err(other.into()),
    }
}
