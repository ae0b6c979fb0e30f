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
    /// Checks an uploaded file (not empty, within the size limit, of a type
    /// judged by its content), naming `field` in any error.
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
        let file_name = clean_file_name(file_name);
        let Some(content_type) = sniff(&bytes, &file_name) else {
            return Err(Error::invalid(
                field,
                format!("“{file_name}”不是支持的文件类型：只接受 JPG、PNG、GIF、WebP 照片和 PDF、Word、Excel 文件"),
            ));
        };
        Ok(NewFile { file_name, content_type: content_type.to_owned(), sha256: sha256_hex(&bytes), bytes })
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

/// The content type of an accepted file, judged by its first bytes: JPEG,
/// PNG, GIF and WebP photos, PDF, and Word/Excel files (zip containers
/// whose name ends .docx or .xlsx).
pub fn sniff(bytes: &[u8], file_name: &str) -> Option<&'static str> {
    let lower = file_name.to_lowercase();
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
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".docx") {
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    } else if bytes.starts_with(b"PK\x03\x04") && lower.ends_with(".xlsx") {
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    } else {
        None
    }
}

/// A file name safe to store and to send back: no folders, no control
/// characters, at most 100 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control() && *c != '"').take(100).collect();
    if cleaned.trim().is_empty() { "未命名文件".to_owned() } else { cleaned.trim().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "a.png"), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....", "x"), Some("image/png"));
        assert_eq!(sniff(b"%PDF-1.7 ...", "x.jpg"), Some("application/pdf"));
        assert_eq!(
            sniff(b"PK\x03\x04....", "报告.DOCX"),
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        );
        assert_eq!(sniff(b"PK\x03\x04....", "a.zip"), None);
        assert_eq!(sniff(b"<html><script>", "photo.jpg"), None);
        assert_eq!(sniff(b"MZ\x90\x00", "setup.exe"), None);
    }

    #[test]
    fn file_names_lose_folders_and_control_characters() {
        assert_eq!(clean_file_name("C:\\照片\\活动.jpg"), "活动.jpg");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\"c.png"), "abc.png");
        assert_eq!(clean_file_name(" "), "未命名文件");
    }
}
