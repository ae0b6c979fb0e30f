//! One mapping from service errors to HTTP: a status per kind, rendered as
//! JSON for the API and as a page for the browser. Storage failures are
//! logged and answered with a plain message that leaks nothing.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use taizhang_core::{Error, FieldError};

fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Conflict(_) => StatusCode::CONFLICT,
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::Unauthenticated => StatusCode::UNAUTHORIZED,
        Error::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
        Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
        Error::Storage(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn code_of(error: &Error) -> &'static str {
    match error {
        Error::Invalid(_) => "invalid",
        Error::Conflict(_) => "conflict",
        Error::NotFound => "not_found",
        Error::Forbidden => "forbidden",
        Error::Unauthenticated => "unauthenticated",
        Error::TooManyAttempts(_) => "too_many_attempts",
        Error::Unavailable(_) => "unavailable",
        Error::Busy(_) => "busy",
        Error::Storage(_) => "internal",
    }
}

/// The message a user may see.
fn public_message(error: &Error) -> String {
    match error {
        Error::Storage(detail) => {
            tracing::error!(%detail, "storage failure");
            "服务器内部错误，请稍后重试".to_owned()
        }
        Error::Unauthenticated => "用户名或密码错误，或登录已过期".to_owned(),
        other => other.to_string(),
    }
}

/// The JSON error body of the API.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable kind: invalid, conflict, not_found, forbidden,
    /// unauthenticated, too_many_attempts, busy, bad_request, unavailable, internal.
    pub code: String,
    /// Chinese message for people.
    pub message: String,
    /// Per-field problems, for input errors.
    pub fields: Vec<FieldErrorBody>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FieldErrorBody {
    pub field: String,
    pub message: String,
}

impl From<FieldError> for FieldErrorBody {
    fn from(e: FieldError) -> Self {
        FieldErrorBody { field: e.field, message: e.message }
    }
}

/// An error answered by the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody {
                error: ErrorDetail { code: "bad_request".into(), message: message.into(), fields: Vec::new() },
            },
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError {
            status: status_of(&error),
            body: ErrorBody {
                error: ErrorDetail {
                    code: code_of(&error).into(),
                    message: public_message(&error),
                    fields: error.field_errors().into_iter().map(Into::into).collect(),
                },
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// An error answered with a page.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
}

impl From<Error> for PageError {
    fn from(error: Error) -> Self {
        PageError { status: status_of(&error), message: public_message(&error) }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title = match self.status {
            StatusCode::NOT_FOUND => "页面不存在",
            StatusCode::FORBIDDEN => "没有权限",
            StatusCode::INTERNAL_SERVER_ERROR => "服务器错误",
            _ => "操作未完成",
        };
        let body = crate::templates::render(
            "error.html",
            &serde_json::json!({ "title": title, "message": self.message, "status": self.status.as_u16() }),
        )
        .unwrap_or_else(|_| "服务器内部错误".to_owned());
        (self.status, Html(body)).into_response()
    }
}
