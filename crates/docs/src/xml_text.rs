//! Text as an .xlsx or .docx file can carry it.

use std::borrow::Cow;

use taizhang_core::error::xml_invalid;

/// `text` without the characters XML 1.0 forbids (NUL and other C0 controls
/// but tab, line feed and carriage return; U+FFFE, U+FFFF), which would make
/// the whole file unreadable. Inputs refuse them; this keeps records stored
/// before that rule (or text from elsewhere) from breaking an export.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().any(xml_invalid) {
        Cow::Owned(text.chars().filter(|c| !xml_invalid(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_characters_xml_forbids_are_dropped() {
        assert_eq!(xml_safe("学习\u{FFFF}会\u{0}\u{FFFE}\u{1B}"), "学习会");
        let kept = "第一行\n第二行\r\n\t😀 \u{FFFD} _x0000_";
        assert!(matches!(xml_safe(kept), Cow::Borrowed(s) if s == kept));
    }
}
