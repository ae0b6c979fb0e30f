//! Evidence (佐证材料): photos and files that prove an activity took place.
//! The type is decided by the content, never by the name the browser sent.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::model::Id;

/// Largest file accepted as evidence.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;

/// A stored file, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub id: Id,
    pub activity_id: Id,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub has_thumbnail: bool,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

impl Evidence {
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// A new file to store.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    pub activity_id: Id,
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// A checked file to store: an evidence file, a pledge's scan, a progress photo.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl NewFile {
    /// Checks an uploaded file (not empty, within the size limit, a name
    /// without control or bidi characters, of a type judged by its content),
    /// naming `field` in any error. The stored name is the one given with the
    /// extension of the type found (a PNG named `evil.html` is kept as
    /// `evil.png`).
    pub fn check(field: &str, file_name: &str, bytes: Vec<u8>) -> crate::Result<NewFile> {
        use crate::Error;
        if bytes.is_empty() {
            return Err(Error::invalid(field, "请选择要上传的文件"));
        }
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(Error::invalid(
                field,
                format!("文件超过{}MB，请压缩后再上传", MAX_EVIDENCE_BYTES / 1024 / 1024),
            ));
        }
        if file_name.chars().any(|c| c.is_control() || is_bidi_control(c) || crate::error::xml_invalid(c)) {
            // The name is not repeated: shown on a page, it would reorder the text around it.
            return Err(Error::invalid(
                field,
                "文件名含有控制字符或文字方向控制符（可能用于伪装文件类型），请重命名后再上传",
            ));
        }
        let file_name = clean_file_name(file_name);
        let Some(content_type) = sniff(&bytes) else {
            return Err(Error::invalid(
                field,
                format!(
                    "“{file_name}”不是支持的文件类型：只接受 JPG、PNG、GIF、WebP 照片和 PDF、Word（.docx）、Excel（.xlsx）文件"
                ),
            ));
        };
        Ok(NewFile {
            file_name: name_for(&file_name, content_type),
            content_type: content_type.to_owned(),
            sha256: sha256_hex(&bytes),
            bytes,
        })
    }

    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

/// A file attached to a pledge or a progress update, without its bytes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub id: Id,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
}

/// What an attachment is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachmentOwner {
    /// The signed scan of a pledge (by pledge id).
    PledgeScan(Id),
    /// The photo of a progress update (by update id).
    ProgressPhoto(Id),
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The accepted types with their extensions, the usual one first.
const TYPES: [(&str, &[&str]); 7] = [
    ("image/jpeg", &["jpg", "jpeg", "jpe", "jfif"]),
    ("image/png", &["png"]),
    ("image/gif", &["gif"]),
    ("image/webp", &["webp"]),
    ("application/pdf", &["pdf"]),
    (DOCX, &["docx"]),
    (XLSX, &["xlsx"]),
];

/// The content type of an accepted file, judged by its bytes alone: JPEG,
/// PNG, GIF and WebP photos, PDF, and Word/Excel files (zip packages whose
/// directory holds `[Content_Types].xml` and `word/document.xml` or
/// `xl/workbook.xml`).
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        office_package(bytes)
    } else {
        None
    }
}

/// Word or Excel, by the parts the zip's central directory lists (nothing
/// is unpacked); `None` for any other zip or a broken one.
fn office_package(bytes: &[u8]) -> Option<&'static str> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    zip.index_for_name("[Content_Types].xml")?;
    if zip.index_for_name("word/document.xml").is_some() {
        Some(DOCX)
    } else if zip.index_for_name("xl/workbook.xml").is_some() {
        Some(XLSX)
    } else {
        None
    }
}

/// Marks and overrides of the text direction (U+202E shows `gpj.exe` as
/// `exe.jpg`) and the invisible direction marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `file_name` with the extension of `content_type`: kept when it is one of
/// the type's own (any case), replaced otherwise (`evil.html` as a PNG is
/// `evil.png`); names of stored files written before the rule are sent
/// through here too.
pub fn name_for(file_name: &str, content_type: &str) -> String {
    let Some((_, extensions)) = TYPES.iter().find(|(t, _)| *t == content_type) else {
        return file_name.to_owned();
    };
    let (stem, ext) = match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.trim().is_empty() => (stem, Some(ext)),
        _ => (file_name, None),
    };
    if ext.is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e))) {
        return file_name.to_owned();
    }
    let stem = if stem.trim().is_empty() || stem.starts_with('.') { "未命名文件" } else { stem };
    let stem: String = stem.chars().take(100 - extensions[0].len() - 1).collect();
    format!("{}.{}", stem.trim_end(), extensions[0])
}

/// A file name safe to store and to send back: no folders, no control or
/// bidi characters, at most 100 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !is_bidi_control(*c) && *c != '"').take(100).collect();
    if cleaned.trim().is_empty() { "未命名文件".to_owned() } else { cleaned.trim().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip package holding the given (empty) parts.
    fn package(parts: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for part in parts {
            zip.start_file(*part, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(b"<x/>").unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&package(&["[Content_Types].xml", "word/document.xml"])), Some(DOCX));
        assert_eq!(
            sniff(&package(&["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"])),
            Some(XLSX)
        );
        // A zip is not a Word file because of its name or its first bytes.
        assert_eq!(sniff(b"PK\x03\x04...."), None);
        assert_eq!(sniff(&package(&["word/document.xml"])), None);
        assert_eq!(sniff(&package(&["[Content_Types].xml", "evil.exe"])), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
    }

    #[test]
    fn stored_names_take_the_extension_of_the_type() {
        let png = b"\x89PNG\r\n\x1a\n....".to_vec();
        assert_eq!(NewFile::check("file", "evil.html", png.clone()).unwrap().file_name, "evil.png");
        assert_eq!(NewFile::check("file", "活动照片", png.clone()).unwrap().file_name, "活动照片.png");
        assert_eq!(NewFile::check("file", "a.PNG", png.clone()).unwrap().file_name, "a.PNG");
        assert_eq!(NewFile::check("file", ".html", png).unwrap().file_name, "未命名文件.png");
        let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0];
        assert_eq!(NewFile::check("file", "IMG_0001.JPEG", jpeg.clone()).unwrap().file_name, "IMG_0001.JPEG");
        assert_eq!(NewFile::check("file", "报告.pdf.exe", jpeg).unwrap().file_name, "报告.pdf.jpg");
        let docx = package(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(NewFile::check("file", "报告.zip", docx).unwrap().file_name, "报告.docx");
        assert_eq!(name_for("a.html", "text/html"), "a.html");
    }

    #[test]
    fn names_with_control_or_bidi_characters_are_refused() {
        let png = b"\x89PNG\r\n\x1a\n....".to_vec();
        for name in
            ["photo\u{202E}gnp.exe", "a\u{2067}b.png", "a\u{200F}.png", "a\u{0}b.png", "a\nb.png", "a\u{FFFF}.png"]
        {
            let e = NewFile::check("file", name, png.clone()).unwrap_err();
            let fields = e.field_errors();
            assert_eq!(fields[0].field, "file", "{name:?}");
            assert!(fields[0].message.contains("文件名"), "{name:?}: {}", fields[0].message);
        }
        let e = NewFile::check("file", "x.docx", b"PK\x03\x04 junk".to_vec()).unwrap_err();
        assert!(e.field_errors()[0].message.contains("不是支持的文件类型"), "{e}");
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_file_name("C:\\照片\\活动.jpg"), "活动.jpg");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\"c.png"), "abc.png");
        assert_eq!(clean_file_name("a\u{202E}gnp.exe"), "agnp.exe");
        assert_eq!(clean_file_name(" "), "未命名文件");
    }
}
