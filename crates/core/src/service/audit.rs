use super::Services;
use crate::audit::{self, ChainBreak};
use crate::auth::Actor;
use crate::error::Result;
use crate::model::{AuditEntry, AuditQuery, Page, Role};

impl Services {
    /// Browses the audit log. Organisation administrators see the entries
    /// about their subtree; system administrators see everything.
    pub async fn audit_list(&self, actor: &Actor, mut query: AuditQuery) -> Result<Page<AuditEntry>> {
        actor.require(Role::OrgAdmin)?;
        query.scope_path = (actor.scope_path != "/").then(|| actor.scope_path.clone());
        query.page = query.page.max(1);
        query.per_page = query.per_page.clamp(1, 200);
        self.store.audit_list(&query).await
    }

    /// Walks the whole chain: the number of entries, or the first break.
    pub async fn audit_verify(&self) -> Result<std::result::Result<usize, ChainBreak>> {
        let entries = self.store.audit_all().await?;
        Ok(audit::verify(&entries))
    }
}
