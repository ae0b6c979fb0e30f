//! PDF: the GB/T 9704 DOCX converted by LibreOffice (`soffice --headless`),
//! with the free Fandol faces, made for Chinese typesetting in the GB style,
//! standing in for the official ones (仿宋 by FandolFang, 小标宋 and 宋体 by
//! FandolSong, 黑体 by FandolHei, 楷体 by FandolKai) and Noto CJK SC for the
//! characters they lack, as `scripts/setup.sh` installs them. A stand-in that
//! is missing fails the conversion, naming the font, rather than letting
//! another face take its place. Each conversion runs in a folder and a
//! LibreOffice profile of its own, and is stopped after two minutes.

use std::collections::BTreeSet;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a conversion may take before it is stopped.
const TIMEOUT: Duration = Duration::from_secs(120);

const SERIF_FALLBACK: &str = "Noto Serif CJK SC";
const SANS_FALLBACK: &str = "Noto Sans CJK SC";

/// The official faces, the free ones that stand in for them, and the faces
/// for characters the stand-in lacks (outside GB 2312): Noto's simplified
/// Chinese variant by name, so that the region does not depend on the
/// language fontconfig guesses. (A PDF names every region of Noto's
/// collection "NotoSerifCJKjp-Regular-VKana", after the one CFF they share.)
const FONT_ALIASES: &[(&str, &str, &str)] = &[
    ("仿宋_GB2312", "FandolFang", SERIF_FALLBACK),
    ("仿宋", "FandolFang", SERIF_FALLBACK),
    ("方正小标宋简体", "FandolSong", SERIF_FALLBACK),
    ("小标宋", "FandolSong", SERIF_FALLBACK),
    ("宋体", "FandolSong", SERIF_FALLBACK),
    ("黑体", "FandolHei", SANS_FALLBACK),
    ("楷体_GB2312", "FandolKai", SERIF_FALLBACK),
    ("楷体", "FandolKai", SERIF_FALLBACK),
];

/// A file of the Fandol faces, by which TeX Live's `kpsewhich` finds their
/// folder when fontconfig does not list them.
const FANDOL_PROBE: &str = "FandolFang-Regular.otf";

/// How PDFs are made, passed in by the program that makes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PdfConfig {
    /// The LibreOffice program; `soffice` on the PATH when `None`.
    pub soffice: Option<PathBuf>,
}

impl PdfConfig {
    fn program(&self) -> &Path {
        self.soffice.as_deref().unwrap_or(Path::new("soffice"))
    }
}

/// A fontconfig file that keeps the system's fonts, adds `dirs`, and the
/// aliases. The Bold files of FandolSong and FandolHei declare a regular
/// weight; they are marked bold when scanned, so that a bold title finds
/// FandolSong Bold.
fn fonts_conf(dirs: &[PathBuf]) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n<fontconfig>\n  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>\n",
    );
    for dir in dirs {
        s.push_str(&format!("  <dir>{}</dir>\n", xml_escape(&dir.to_string_lossy())));
    }
    for family in ["FandolSong", "FandolHei"] {
        s.push_str(&format!(
            "  <match target=\"scan\"><test name=\"family\"><string>{family}</string></test><test name=\"style\"><string>Bold</string></test><edit name=\"weight\" mode=\"assign\"><const>bold</const></edit></match>\n"
        ));
    }
    for (official, free, fallback) in FONT_ALIASES {
        s.push_str(&format!(
            "  <alias binding=\"same\"><family>{official}</family><prefer><family>{free}</family><family>{fallback}</family></prefer></alias>\n"
        ));
    }
    for (generic, fallback) in [("serif", SERIF_FALLBACK), ("sans-serif", SANS_FALLBACK)] {
        s.push_str(&format!(
            "  <alias><family>{generic}</family><prefer><family>{fallback}</family></prefer></alias>\n"
        ));
    }
    s.push_str("</fontconfig>\n");
    s
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The font families fontconfig lists under `conf`.
fn families(conf: &Path, home: &Path) -> Result<BTreeSet<String>, String> {
    let out = Command::new("fc-list")
        .arg(":")
        .arg("family")
        .env("FONTCONFIG_FILE", conf)
        .env("HOME", home)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "无法生成 PDF：本机未安装 fontconfig（fc-list），无法检查字体（请运行 scripts/setup.sh）".to_owned()
            }
            _ => format!("无法生成 PDF：无法检查字体（{e}）"),
        })?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .flat_map(|line| line.split(','))
        .map(|family| family.trim().to_owned())
        .filter(|family| !family.is_empty())
        .collect())
}

/// The folder of the Fandol faces in TeX Live, if `kpsewhich` finds it.
fn tex_live_fandol() -> Option<PathBuf> {
    let out = Command::new("kpsewhich").arg(FANDOL_PROBE).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && path.is_file()).then(|| path.parent().map(Path::to_path_buf)).flatten()
}

/// The stand-ins and fallbacks that `available` lacks, each with the faces
/// it stands in for.
fn missing_fonts(available: &BTreeSet<String>) -> Vec<(&'static str, Vec<&'static str>)> {
    let mut missing: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for (official, free, fallback) in FONT_ALIASES {
        for font in [*free, *fallback] {
            if available.contains(font) {
                continue;
            }
            match missing.iter_mut().find(|(f, _)| *f == font) {
                Some((_, officials)) => officials.push(official),
                None => missing.push((font, vec![official])),
            }
        }
    }
    missing
}

/// The message for missing fonts, in Chinese, naming each.
fn missing_message(missing: &[(&str, Vec<&str>)]) -> String {
    let names: Vec<String> =
        missing.iter().map(|(font, officials)| format!("{font}（代替{}）", officials.join("、"))).collect();
    format!("无法生成 PDF：缺少字体 {}。请运行 scripts/setup.sh 安装字体，或改为下载 Word 文档", names.join("、"))
}

/// Writes the fontconfig file for a conversion into `dir` and checks that
/// every font it names is there: the system's fonts, else with TeX Live's
/// Fandol folder added.
fn prepare_fonts(dir: &Path) -> Result<PathBuf, String> {
    let conf = dir.join("fonts.conf");
    let write = |dirs: &[PathBuf]| std::fs::write(&conf, fonts_conf(dirs)).map_err(|e| format!("无法生成 PDF：{e}"));
    write(&[])?;
    let mut missing = missing_fonts(&families(&conf, dir)?);
    if missing.iter().any(|(font, _)| font.starts_with("Fandol"))
        && let Some(fandol) = tex_live_fandol()
    {
        write(&[fandol])?;
        missing = missing_fonts(&families(&conf, dir)?);
    }
    if missing.is_empty() { Ok(conf) } else { Err(missing_message(&missing)) }
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
pub fn from_docx(docx: &[u8], config: &PdfConfig) -> Result<Vec<u8>, String> {
    let scratch = Scratch::new().map_err(|e| format!("无法生成 PDF：临时目录不可用（{e}）"))?;
    let input = scratch.0.join("summary.docx");
    std::fs::write(&input, docx).map_err(|e| format!("无法生成 PDF：{e}"))?;
    let conf = prepare_fonts(&scratch.0)?;
    // A process group of its own: `soffice` starts the real office process as
    // a child, and a timeout must stop both.
    let mut child = Command::new(config.program())
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
        let conf = fonts_conf(&[PathBuf::from("/fonts/a&b")]);
        assert!(conf.contains(
            "<family>仿宋_GB2312</family><prefer><family>FandolFang</family><family>Noto Serif CJK SC</family>"
        ));
        assert!(conf.contains("<family>方正小标宋简体</family><prefer><family>FandolSong</family>"));
        assert!(
            conf.contains("<family>黑体</family><prefer><family>FandolHei</family><family>Noto Sans CJK SC</family>")
        );
        assert!(conf.contains("<family>楷体_GB2312</family><prefer><family>FandolKai</family>"));
        assert!(!conf.contains("JP"), "Noto's Chinese variant, never the Japanese one");
        assert!(conf.contains("<dir>/fonts/a&amp;b</dir>"));
        assert_eq!(conf.matches("<alias").count(), FONT_ALIASES.len() + 2);
    }

    #[test]
    fn a_missing_font_is_named_in_chinese() {
        let all: BTreeSet<String> = FONT_ALIASES.iter().flat_map(|(_, f, n)| [f.to_string(), n.to_string()]).collect();
        assert!(missing_fonts(&all).is_empty());
        let mut without_fang = all.clone();
        without_fang.remove("FandolFang");
        let message = missing_message(&missing_fonts(&without_fang));
        assert_eq!(
            message,
            "无法生成 PDF：缺少字体 FandolFang（代替仿宋_GB2312、仿宋）。请运行 scripts/setup.sh 安装字体，或改为下载 Word 文档"
        );
        let message = missing_message(&missing_fonts(&BTreeSet::new()));
        for font in ["FandolFang", "FandolSong", "FandolHei", "FandolKai", "Noto Serif CJK SC", "Noto Sans CJK SC"] {
            assert_eq!(message.matches(font).count(), 1, "{font} named once: {message}");
        }
    }
}
