//! Flash messages: a short word after a change ("已保存"), shown once on the
//! page the change leads to.
//!
//! A handler that redirects after a successful post names one [`Flash`]; the
//! redirect sets a short-lived cookie holding only that message's code. The
//! next full page (`base.html`, in an element with `role="status"`) shows the
//! message and clears the cookie. The cookie never carries text from a
//! request: a value that is not one of the codes below is ignored, so nothing
//! a user typed (or a forged cookie) is ever reflected.

use axum::http::{HeaderValue, header};
use axum::response::Response;

use super::see_other;
use crate::auth::{PageActor, set_cookie};

pub const FLASH_COOKIE: &str = "tz_flash";

/// Seconds the message waits for its page: the redirect is followed at once,
/// so a message left unread (an error page came next) soon goes away.
const MAX_AGE_SECS: i64 = 30;

/// The messages a page may show after a change, one table: the variant, its
/// code (the cookie's value: lowercase ASCII and underscores) and its Chinese
/// text. Add a line to offer a new message.
macro_rules! flashes {
    ($($variant:ident => $code:literal, $text:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Flash { $($variant),* }

        impl Flash {
            const ALL: &[Flash] = &[$(Flash::$variant),*];

            /// The cookie's value.
            pub fn code(self) -> &'static str {
                match self { $(Flash::$variant => $code),* }
            }

            /// What the page says.
            pub fn text(self) -> &'static str {
                match self { $(Flash::$variant => $text),* }
            }
        }
    };
}

flashes! {
    Saved => "saved", "已保存";
    Added => "added", "已添加";
    Deleted => "deleted", "已删除";
    Removed => "removed", "已移除";
    Uploaded => "uploaded", "已上传";
    Reported => "reported", "已登记上报";
    Visited => "visited", "已登记走访";
    FollowedUp => "followed_up", "已记录随访";
    Accepted => "accepted", "已采纳";
    Dismissed => "dismissed", "已忽略";
    Linked => "linked", "已关联";
    Released => "released", "已解除";
    VersionKept => "version_kept", "已保存为版本";
    TemplateReset => "template_reset", "已恢复默认模板";
}

impl Flash {
    /// The message a cookie's value names, if it names one.
    pub fn from_code(code: &str) -> Option<Flash> {
        Flash::ALL.iter().copied().find(|f| f.code() == code)
    }
}

/// After a successful post: to `to` (as [`see_other`]), with `flash` shown
/// on the page there.
pub fn redirect(page: &PageActor, to: &str, flash: Flash) -> Response {
    let mut response = see_other(to);
    append_cookie(&mut response, flash.code(), MAX_AGE_SECS, page.secure_cookies);
    response
}

/// Marks a rendered page as having shown the message: the cookie is cleared.
pub fn shown(response: &mut Response, page: &PageActor) {
    if page.flash.is_some() {
        append_cookie(response, "", 0, page.secure_cookies);
    }
}

fn append_cookie(response: &mut Response, value: &str, max_age: i64, secure: bool) {
    if let Ok(v) = HeaderValue::from_str(&set_cookie(FLASH_COOKIE, value, max_age, secure)) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::Flash;

    #[test]
    fn codes_are_distinct_plain_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for &f in Flash::ALL {
            assert!(seen.insert(f.code()), "{f:?}");
            assert!(f.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{f:?}");
            assert_eq!(Flash::from_code(f.code()), Some(f));
            assert!(!f.text().is_empty() && f.text().chars().count() <= 12, "{f:?}");
        }
        for other in ["", "Saved", "saved ", "<script>", "已保存", "saved;x"] {
            assert_eq!(Flash::from_code(other), None, "{other:?}");
        }
    }
}
