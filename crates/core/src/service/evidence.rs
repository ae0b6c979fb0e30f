use super::Services;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::evidence::{Evidence, NewEvidence, NewFile};
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
        self.evidence_may_add(actor, activity_id).await?;
        let file = NewFile::check("file", file_name, bytes)?;
        let new = NewEvidence {
            activity_id,
            thumbnail: if file.is_image() { thumbnail } else { None },
            file_name: file.file_name,
            content_type: file.content_type,
            sha256: file.sha256,
            bytes: file.bytes,
        };
        self.store.evidence_add(new, &actor.ctx()).await
    }

    /// May the actor attach files to this activity? Asked before an upload
    /// is read or decoded.
    pub async fn evidence_may_add(&self, actor: &Actor, activity_id: Id) -> Result<()> {
        self.activity_get(actor, activity_id).await?;
        actor.require(Role::Recorder)
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
