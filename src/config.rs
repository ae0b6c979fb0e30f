//! The one typed configuration of the binary: defaults, then environment
//! variables, then command-line flags (clap reads both). Passed in, never
//! global.

use std::path::PathBuf;

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Folder for the embedded database and uploaded files.
    #[arg(long, global = true, env = "TAIZHANG_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Database: `sqlite:PATH` or `postgres://user@host/db`. Default: the
    /// SQLite file `taizhang.db` in the data folder.
    #[arg(long, global = true, env = "TAIZHANG_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Mark cookies Secure; set when the site is served over HTTPS.
    #[arg(long, global = true, env = "TAIZHANG_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The LibreOffice program that converts summaries to PDF. Default:
    /// `soffice` on the PATH.
    #[arg(long, global = true, env = "TAIZHANG_SOFFICE")]
    pub soffice: Option<PathBuf>,
}

impl Config {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite:{}", self.data_dir.join("taizhang.db").display()),
        }
    }

    /// How PDFs are made.
    pub fn pdf(&self) -> taizhang_docs::report::PdfConfig {
        taizhang_docs::report::PdfConfig { soffice: self.soffice.clone() }
    }

    /// The URL with any password replaced, for logs and messages.
    pub fn redacted_database_url(&self) -> String {
        redact(&self.database_url())
    }
}

fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            if user_info.contains(':') { format!("{scheme}://{user}:***@{host}") } else { url.to_owned() }
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(super::redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite:./data/x.db"), "sqlite:./data/x.db");
    }
}
