//! PDF: the GB/T 9704 DOCX converted by LibreOffice (`soffice --headless`),
//! with free CJK fonts standing in for the official faces (仿宋 and 小标宋
//! by Noto Serif CJK, 黑体 by Noto Sans CJK, 楷体 by AR PL UKai), as
//! `scripts/setup.sh` installs them. Each conversion runs in a folder and a
//! LibreOffice profile of its own, and is stopped after two minutes.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a conversion may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The official faces and the free ones that stand in for them.
const FONT_ALIASES: &[(&str, &str)] = &[
    ("仿宋_GB2312", "Noto Serif CJK SC"),
    ("仿宋", "Noto Serif CJK SC"),
    ("方正小标宋简体", "Noto Serif CJK SC"),
    ("宋体", "Noto Serif CJK SC"),
    ("黑体", "Noto Sans CJK SC"),
    ("楷体_GB2312", "AR PL UKai CN"),
    ("楷体", "AR PL UKai CN"),
];

/// The LibreOffice program: `TAIZHANG_SOFFICE`, else `soffice` on the PATH.
fn soffice() -> String {
    std::env::var("TAIZHANG_SOFFICE").unwrap_or_else(|_| "soffice".to_owned())
}

/// A fontconfig file that keeps the system's fonts and adds the aliases.
fn fonts_conf() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n",
    );
    for (official, free) in FONT_ALIASES {
        s.push_str(&format!(
            "  <alias binding=\"same\"><family>{official}</family><prefer><family>{free}</family></prefer></alias>\n"
        ));
    }
    s.push_str("</fontconfig>\n");
    s
}

/// A folder of its own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    /// A new folder, never one left behind by an earlier process.
    fn new() -> std::io::Result<Scratch> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let name = format!("taizhang-pdf-{}-{nanos}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Converts DOCX bytes to PDF. Blocking: it waits for LibreOffice.
pub fn from_docx(docx: &[u8]) -> Result<Vec<u8>, String> {
    let scratch = Scratch::new().map_err(|e| format!("无法生成 PDF：临时目录不可用（{e}）"))?;
    let input = scratch.0.join("summary.docx");
    std::fs::write(&input, docx).map_err(|e| format!("无法生成 PDF：{e}"))?;
    let conf = scratch.0.join("fonts.conf");
    std::fs::write(&conf, fonts_conf()).map_err(|e| format!("无法生成 PDF：{e}"))?;
    // A process group of its own: `soffice` starts the real office process as
    // a child, and a timeout must stop both.
    let mut child = Command::new(soffice())
        .process_group(0)
        .arg(format!("-env:UserInstallation={}", file_url(&scratch.0.join("profile"))))
        .args(["--headless", "--norestore", "--nologo", "--convert-to", "pdf", "--outdir"])
        .arg(&scratch.0)
        .arg(&input)
        .env("FONTCONFIG_FILE", &conf)
        .env("HOME", &scratch.0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "无法生成 PDF：本机未安装 LibreOffice（请运行 scripts/setup.sh，或改为下载 Word 文档）".to_owned()
            }
            _ => format!("无法生成 PDF：无法启动 LibreOffice（{e}）"),
        })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = Command::new("kill").arg("-KILL").arg(format!("-{}", child.id())).status();
                let _ = child.kill();
                let _ = child.wait();
                return Err("无法生成 PDF：转换超时，请稍后重试或下载 Word 文档".to_owned());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("无法生成 PDF：{e}")),
        }
    };
    let output = scratch.0.join("summary.pdf");
    match std::fs::read(&output) {
        Ok(pdf) if status.success() && pdf.starts_with(b"%PDF") => Ok(pdf),
        _ => Err("无法生成 PDF：LibreOffice 转换失败，请下载 Word 文档".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_aliases_are_valid_fontconfig() {
        let conf = fonts_conf();
        assert!(conf.contains("<family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family>"));
        assert_eq!(conf.matches("<alias").count(), FONT_ALIASES.len());
    }
}
