//! The programs some tests need beyond Rust (LibreOffice, poppler's
//! pdftotext, Chromium and chromedriver), found on the `PATH`. One helper for
//! every test crate (included by path), so that a machine with only Rust
//! passes `cargo test`: a test whose program is missing says loudly that it
//! is skipped and why, unless `TAIZHANG_REQUIRE_TOOLS=1` (set by `.ci/run`
//! after `scripts/setup.sh`), where it fails instead.

// Each test crate uses some of the tools.
#![allow(dead_code)]

use std::path::PathBuf;

/// A program a test needs: its name on the `PATH` (or the variable that
/// names it elsewhere) and what installs it.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    pub program: &'static str,
    /// A variable that may name the program's path instead of the `PATH`.
    pub variable: Option<&'static str>,
    pub what: &'static str,
}

/// LibreOffice, which turns the summary's DOCX into PDF.
pub const SOFFICE: Tool = Tool { program: "soffice", variable: None, what: "LibreOffice" };
/// poppler-utils: the text of a PDF.
pub const PDFTOTEXT: Tool = Tool { program: "pdftotext", variable: None, what: "poppler-utils" };
/// poppler-utils: the fonts of a PDF.
pub const PDFFONTS: Tool = Tool { program: "pdffonts", variable: None, what: "poppler-utils" };
/// poppler-utils: the page size of a PDF.
pub const PDFINFO: Tool = Tool { program: "pdfinfo", variable: None, what: "poppler-utils" };
/// The browser of the browser tests.
pub const CHROMIUM: Tool = Tool { program: "chromium", variable: Some("TAIZHANG_CHROMIUM"), what: "Chromium" };
/// The WebDriver server that drives it.
pub const CHROMEDRIVER: Tool =
    Tool { program: "chromedriver", variable: Some("TAIZHANG_CHROMEDRIVER"), what: "chromium-driver" };

/// The variable that turns a missing program into a failure.
pub const REQUIRE_VAR: &str = "TAIZHANG_REQUIRE_TOOLS";

impl Tool {
    /// The program's path: the variable's value when set, else the first
    /// executable file of that name on the `PATH`.
    pub fn path(&self) -> Option<PathBuf> {
        if let Some(path) = self.variable.and_then(std::env::var_os).filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(path)).filter(|p| executable(p));
        }
        std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join(self.program)).find(|p| executable(p))
    }
}

fn executable(path: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Whether every tool `part` needs is here. When one is missing, prints
/// that `part` is skipped and why and answers false, or, with
/// `TAIZHANG_REQUIRE_TOOLS=1`, fails the test.
pub fn available(part: &str, tools: &[Tool]) -> bool {
    let missing: Vec<String> = tools
        .iter()
        .filter(|t| t.path().is_none())
        .map(|t| match t.variable {
            Some(v) => format!("{} ({}, or {v})", t.program, t.what),
            None => format!("{} ({})", t.program, t.what),
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!("{part}: {} not found; scripts/setup.sh installs what is missing", missing.join(", "));
    let required = std::env::var(REQUIRE_VAR).is_ok_and(|v| !v.is_empty() && v != "0");
    assert!(!required, "{why} ({REQUIRE_VAR} is set, so it cannot be skipped)");
    eprintln!("SKIPPED {why}");
    false
}

/// The path of a tool that [`available`] found.
pub fn path(tool: Tool) -> PathBuf {
    tool.path().unwrap_or_else(|| panic!("{} was checked with `available` first", tool.program))
}
