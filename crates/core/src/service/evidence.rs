use super::Services;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::evidence::{Evidence, MAX_EVIDENCE_BYTES, NewEvidence, clean_file_name, sha256_hex, sniff};
use crate::model::{Id, Role};

impl Services {
    /// Attaches a file to an activity. The type is judged by the content;
    /// `thumbnail` is a small preview made by the caller for images.
    pub async fn evidence_add(
        &self,
        actor: &Actor,
        activity_id: Id,
        file_name: &str,
        bytes: Vec<u8>,
        thumbnail: Option<Vec<u8>>,
    ) -> Result<Evidence> {
        self.activity_get(actor, activity_id).await?;
        actor.require(Role::Recorder)?;
        if bytes.is_empty() {
            return Err(Error::invalid("file", "请选择要上传的文件"));
        }
        if bytes.len() > MAX_EVIDENCE_BYTES {
            return Err(Error::invalid(
                "file",
                format!("文件超过{}MB，请压缩后再上传", MAX_EVIDENCE_BYTES / 1024 / 1024),
            ));
        }
        let file_name = clean_file_name(file_name);
        let Some(content_type) = sniff(&bytes, &file_name) else {
            return Err(Error::invalid(
                "file",
                format!("“{file_name}”不是支持的文件类型：只接受 JPG、PNG、GIF、WebP 照片和 PDF、Word、Excel 文件"),
            ));
        };
        let new = NewEvidence {
            activity_id,
            file_name,
            content_type: content_type.to_owned(),
            sha256: sha256_hex(&bytes),
            thumbnail: if content_type.starts_with("image/") { thumbnail } else { None },
            bytes,
        };
        self.store.evidence_add(new, &actor.ctx()).await
    }

    pub async fn evidence_list(&self, actor: &Actor, activity_id: Id) -> Result<Vec<Evidence>> {
        self.activity_get(actor, activity_id).await?;
        self.store.evidence_list(activity_id).await
    }

    /// The file's description and bytes (or its thumbnail's), if visible.
    pub async fn evidence_file(&self, actor: &Actor, id: Id, thumbnail: bool) -> Result<(Evidence, Vec<u8>)> {
        let evidence = self.store.evidence_get(id).await?.ok_or(Error::NotFound)?;
        self.activity_get(actor, evidence.activity_id).await?;
        let bytes = self.store.evidence_data(id, thumbnail).await?.ok_or(Error::NotFound)?;
        Ok((evidence, bytes))
    }

    pub async fn evidence_delete(&self, actor: &Actor, id: Id) -> Result<Evidence> {
        let evidence = self.store.evidence_get(id).await?.ok_or(Error::NotFound)?;
        self.activity_get(actor, evidence.activity_id).await?;
        actor.require(Role::Recorder)?;
        self.store.evidence_delete(id, &actor.ctx()).await?;
        Ok(evidence)
    }
}
