//! Errors of the domain and its services.
//!
//! Every message a user can see is in Simplified Chinese and names the field
//! (and, for imports, the row) that caused it.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field key as used in forms and JSON bodies (`id_number`, `name`, ...).
    pub field: String,
    /// Chinese message, naming the field.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// Errors raised by services and stores.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input was wrong; nothing was written.
    #[error("输入有误：{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<FieldError>),
    /// The thing does not exist, or lies outside the caller's scope.
    #[error("未找到该记录")]
    NotFound,
    /// The caller may see the thing but not do this to it.
    #[error("没有权限执行此操作")]
    Forbidden,
    /// No valid credentials.
    #[error("请先登录")]
    Unauthenticated,
    /// Too many failed sign-ins; try again after the given number of seconds.
    #[error("登录失败次数过多，请{0}秒后再试")]
    TooManyAttempts(u64),
    /// A uniqueness rule was broken (field, message).
    #[error("{}", .0.message)]
    Conflict(FieldError),
    /// A helper the server relies on is missing or failed (the PDF
    /// converter); the text, in Chinese, says what to do instead.
    #[error("{0}")]
    Unavailable(String),
    /// Heavy work (an import, a PDF, a template) is already running at the
    /// limit the server allows; the text, in Chinese, says to try again.
    #[error("{0}")]
    Busy(String),
    /// The storage engine failed. The text is for logs, never for users.
    #[error("storage failure: {0}")]
    Storage(String),
}

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Conflict(FieldError::new(field, message))
    }

    /// The field errors to show beside form fields, if this is an input error.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Error::Invalid(errors) => errors.clone(),
            Error::Conflict(error) => vec![error.clone()],
            _ => Vec::new(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A character no document can carry, since XML 1.0 (the inside of .xlsx and
/// .docx files) forbids it: NUL and the other C0 controls but tab, line feed
/// and carriage return, and U+FFFE and U+FFFF. (Lone surrogates, the other
/// characters XML forbids, cannot occur in a Rust string.)
pub fn xml_invalid(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Collects field errors while an input is checked, so that every wrong field
/// is reported at once rather than the first one only.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Keeps the value when `result` is Ok, records the error under `field` otherwise.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, result: std::result::Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// Refuses text holding a character no document can carry
    /// ([`xml_invalid`]), which would break every export it reaches; the
    /// message names the field by `label`. True when the text is clean.
    pub fn text(&mut self, field: &str, label: &str, value: &str) -> bool {
        if value.chars().any(xml_invalid) {
            self.add(field, format!("{label}含有无法识别的控制字符（常由复制粘贴带入），请删除后重新填写"));
            false
        } else {
            true
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A problem was already recorded for this field.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Invalid(self.0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_no_document_can_carry_is_refused_by_field() {
        for bad in ["\u{FFFF}", "\u{FFFE}", "\u{0}", "\u{1}", "\u{B}", "\u{1F}"] {
            let mut problems = Problems::new();
            assert!(!problems.text("title", "活动名称", &format!("学习{bad}会")), "{bad:?}");
            let Err(Error::Invalid(errors)) = problems.finish() else { panic!("{bad:?} refused") };
            assert_eq!(errors[0].field, "title");
            assert!(errors[0].message.starts_with("活动名称"), "{}", errors[0].message);
        }
        let mut problems = Problems::new();
        assert!(problems.text("summary", "活动内容", "第一行\n第二行\r\n\t缩进 \u{FFFD} 😀 \u{7F}"));
        assert!(problems.is_empty());
    }
}
