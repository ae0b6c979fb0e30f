//! Who is asking: API bearer tokens, page session cookies, and CSRF checks
//! for every form post.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;
use taizhang_core::Error;
use taizhang_core::auth::Actor;
use taizhang_core::model::{OrgKind, Role, SessionKind};

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "tz_session";
pub const LOGIN_CSRF_COOKIE: &str = "tz_login_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn client_ip(parts: &Parts) -> Option<String> {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The value of a request's cookie, read by axum-extra's [`CookieJar`].
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    CookieJar::from_headers(headers).get(name).map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, for the whole site.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age_secs))
        .secure(secure)
        .build()
        .to_string()
}

/// Compares secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The actor of an API call, from `Authorization: Bearer TOKEN`.
pub struct ApiActor(pub Actor);

impl<S> FromRequestParts<S> for ApiActor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(Error::Unauthenticated)?;
        let (actor, session) = state.services.authenticate(token).await?;
        if session.kind != SessionKind::Api {
            return Err(Error::Unauthenticated.into());
        }
        Ok(ApiActor(actor.with_ip(client_ip(parts))))
    }
}

/// The signed-in user of a page, from the session cookie.
#[derive(Clone)]
pub struct PageActor {
    pub actor: Actor,
    pub csrf: String,
    pub token: String,
    /// The page's own address (path and query), for "back here" links.
    pub here: String,
    /// The working period the user chose (a valid period code), if any.
    pub period: Option<String>,
    /// A grid worker: a recorder whose org is a grid. Pages put grid work
    /// first for them (the phone's tab bar).
    pub grid_worker: bool,
    /// The message the last change left for this page ([`crate::pages::flash`]);
    /// none for htmx requests of a page's part, which leave it to the page.
    pub flash: Option<crate::pages::flash::Flash>,
    /// Whether cookies set for this user are marked `Secure`.
    pub secure_cookies: bool,
}

/// The cookie that remembers the working period a user chose.
pub const PERIOD_COOKIE: &str = "tz_period";

/// Sends the browser to the sign-in page.
pub struct ToLogin(String);

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        let target = format!("/login?next={}", percent_encode(&self.0));
        let mut response = Redirect::to(&target).into_response();
        if let Ok(value) = target.parse() {
            // htmx follows this header instead of swapping in the login page.
            response.headers_mut().insert("HX-Redirect", value);
        }
        response
    }
}

/// What `next=` leaves as it is: letters, digits and `/ - _ .`.
const NEXT_KEEPS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'_').remove(b'.');

fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, NEXT_KEEPS).to_string()
}

impl<S> FromRequestParts<S> for PageActor
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/").to_owned();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(ToLogin(here).into_response());
        };
        match state.services.authenticate(&token).await {
            Ok((actor, session)) if session.kind == SessionKind::Web => {
                let period = cookie(&parts.headers, PERIOD_COOKIE)
                    .and_then(|p| taizhang_core::period::Period::parse(&p).ok())
                    .map(|p| p.code());
                let grid_worker = is_grid_worker(&state, &actor).await;
                // A part of a page fetched by htmx (not a boosted navigation)
                // neither shows nor clears the message its page is to show.
                let part = parts.headers.contains_key("hx-request") && !parts.headers.contains_key("hx-boosted");
                let flash = cookie(&parts.headers, crate::pages::flash::FLASH_COOKIE)
                    .filter(|_| !part)
                    .and_then(|code| crate::pages::flash::Flash::from_code(&code));
                Ok(PageActor {
                    actor: actor.with_ip(client_ip(parts)),
                    csrf: session.csrf,
                    token,
                    here,
                    period,
                    grid_worker,
                    flash,
                    secure_cookies: state.config.secure_cookies,
                })
            }
            Ok(_) | Err(Error::Unauthenticated) => Err(ToLogin(here).into_response()),
            Err(other) => Err(crate::error::PageError::from(other).into_response()),
        }
    }
}

/// Whether the actor records for a grid (one lookup, for recorders only).
async fn is_grid_worker(state: &AppState, actor: &Actor) -> bool {
    if actor.role != Role::Recorder {
        return false;
    }
    match actor.org_id {
        Some(id) => state.services.visible_org(actor, id).await.is_ok_and(|org| org.kind == OrgKind::Grid),
        None => false,
    }
}

/// A form post from a signed-in user whose CSRF token matched.
pub struct CsrfForm<T>(pub PageActor, pub T);

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    AppState: FromRef<S>,
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let page = PageActor::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let sent = fields
            .iter()
            .find(|(k, _)| k == CSRF_FIELD)
            .map(|(_, v)| v.clone())
            .or_else(|| parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned));
        if !sent.is_some_and(|s| same_secret(&s, &page.csrf)) {
            return Err(crate::error::PageError {
                status: axum::http::StatusCode::FORBIDDEN,
                message: "表单已过期或来源不明，请刷新页面后重试".into(),
            }
            .into_response());
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            crate::error::PageError {
                status: axum::http::StatusCode::BAD_REQUEST,
                message: format!("表单内容有误：{e}"),
            }
            .into_response()
        })?;
        Ok(CsrfForm(page, form))
    }
}

/// JSON body whose errors are answered in Chinese, as 400: syntax errors,
/// and values of the wrong type or range with the field they are in (as
/// `error.fields`, e.g. `participants[0].person_id`).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !json_content_type(req.headers()) {
            return Err(ApiError::bad_request("请求头 Content-Type 应为 application/json"));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|_| ApiError {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            ..ApiError::bad_request("请求内容过大")
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
        deserializer.end().map_err(|_| ApiError::bad_request("请求内容不是有效的 JSON"))?;
        Ok(ApiJson(value))
    }
}

/// `application/json` or any `application/…+json`.
fn json_content_type(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// A JSON body that does not fit the request's shape, in Chinese, naming the field.
fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_json::error::Category;
    if !matches!(error.inner().classify(), Category::Data) {
        return ApiError::bad_request("请求内容不是有效的 JSON");
    }
    let path = error.path().to_string();
    let text = error.inner().to_string();
    // serde_json appends the position; the field's path says more.
    let text = text.rfind(" at line ").map_or(text.as_str(), |at| &text[..at]);
    let (field, problem) = json_problem(if path == "." { "" } else { &path }, text);
    let message = if field.is_empty() {
        format!("请求内容格式不对：{problem}")
    } else if problem == MISSING {
        format!("请求内容格式不对：缺少字段 {field}")
    } else {
        format!("请求内容格式不对：字段 {field} {problem}")
    };
    let mut answer = ApiError::bad_request(message);
    if !field.is_empty() {
        answer.body.error.fields.push(crate::error::FieldErrorBody { field, message: problem });
    }
    answer
}

const MISSING: &str = "缺少此字段";

/// The field (its path) and the problem in Chinese, from serde's message
/// (`invalid type: string "3", expected u32`, `missing field `x``, …).
fn json_problem(path: &str, text: &str) -> (String, String) {
    let quoted = |rest: &str| rest.split('`').nth(1).unwrap_or_default().to_owned();
    let child = |name: String| if path.is_empty() { name } else { format!("{path}.{name}") };
    let expected = |text: &str| text.rsplit_once(", expected ").map(|(_, e)| e.trim()).unwrap_or_default().to_owned();
    if let Some(rest) = text.strip_prefix("missing field ") {
        return (child(quoted(rest)), MISSING.to_owned());
    }
    if let Some(rest) = text.strip_prefix("unknown field ") {
        return (child(quoted(rest)), "不是可接受的字段".to_owned());
    }
    if let Some(rest) = text.strip_prefix("duplicate field ") {
        return (child(quoted(rest)), "重复出现".to_owned());
    }
    let problem = if text.starts_with("invalid type: ") || text.starts_with("invalid value: ") {
        format!("应为{}", expected_in_chinese(&expected(text)))
    } else if let Some(rest) = text.strip_prefix("unknown variant ") {
        format!("取值“{}”不是可选的值", quoted(rest))
    } else if text.starts_with("invalid length ") {
        "数量不对".to_owned()
    } else if text.starts_with("number out of range") {
        "数值超出范围".to_owned()
    } else if !text.is_ascii() {
        // A message of this project's own types, already in Chinese.
        format!("有误：{text}")
    } else {
        "值无效".to_owned()
    };
    (path.to_owned(), problem)
}

/// What serde expected, in Chinese.
fn expected_in_chinese(expected: &str) -> &'static str {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "非负整数",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "整数",
        "f32" | "f64" => "数字",
        "a boolean" => "true 或 false",
        "a string" | "a borrowed string" | "a character" | "a char" => "文本",
        "a sequence" => "列表（数组）",
        e if e.starts_with("struct ") || e.starts_with("a map") || e.starts_with("map") => "对象",
        e if e.contains("date and time") || e.contains("datetime") => "日期时间（如 2020-07-10T09:00:00）",
        e if e.contains("date") => "日期（如 2020-07-10）",
        e if e.contains("time") => "时间（如 09:00）",
        _ => "正确的格式",
    }
}

/// A numeric id in the path; anything else is a 400 in Chinese.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) = axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_request("路径中的编号无效"))?;
        raw.parse::<i64>().map(IdPath).map_err(|_| ApiError::bad_request(format!("路径中的编号“{raw}”无效，应为数字")))
    }
}

/// Query string whose errors are answered in Chinese, as 400.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or(""))
            .map(ApiQuery)
            .map_err(|e| ApiError::bad_request(format!("查询参数有误：{e}")))
    }
}

/// One part of a multipart form.
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

/// A multipart form post (file uploads) whose CSRF field matched.
pub struct CsrfMultipart(pub PageActor, pub Vec<Part>);

/// The text of a field of a multipart form, trimmed; empty when absent.
pub fn text_field(parts: &[Part], name: &str) -> String {
    parts
        .iter()
        .find(|p| p.name == name)
        .map(|p| String::from_utf8_lossy(&p.bytes).trim().to_owned())
        .unwrap_or_default()
}

/// The file sent in a field of a multipart form: (name, bytes), if one was chosen.
pub fn file_field(parts: &[Part], name: &str) -> Option<(String, Vec<u8>)> {
    parts
        .iter()
        .find(|p| p.name == name && !p.bytes.is_empty())
        .map(|p| (p.file_name.clone().unwrap_or_default(), p.bytes.clone()))
}

impl<S> FromRequest<S> for CsrfMultipart
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let page = PageActor::from_request_parts(&mut parts, state).await?;
        let bad = |status: axum::http::StatusCode, message: &str| {
            crate::error::PageError { status, message: message.to_owned() }.into_response()
        };
        let mut multipart = axum::extract::Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| bad(axum::http::StatusCode::BAD_REQUEST, "上传的表单格式有误"))?;
        let mut out = Vec::new();
        loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_owned();
                    let file_name = field.file_name().map(str::to_owned);
                    let bytes = field
                        .bytes()
                        .await
                        .map_err(|_| bad(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "上传的文件过大"))?;
                    out.push(Part { name, file_name, bytes: bytes.to_vec() });
                }
                Ok(None) => break,
                Err(_) => return Err(bad(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "上传的文件过大或不完整")),
            }
        }
        let sent = out.iter().find(|p| p.name == CSRF_FIELD).map(|p| String::from_utf8_lossy(&p.bytes).into_owned());
        if !sent.is_some_and(|s| same_secret(&s, &page.csrf)) {
            return Err(bad(axum::http::StatusCode::FORBIDDEN, "表单已过期或来源不明，请刷新页面后重试"));
        }
        Ok(CsrfMultipart(page, out))
    }
}

/// A raw request body (uploads) whose size error is answered in Chinese.
pub struct ApiBytes(pub Vec<u8>);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state).await.map(|b| ApiBytes(b.to_vec())).map_err(|_| ApiError {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            ..ApiError::bad_request("上传的文件过大")
        })
    }
}
