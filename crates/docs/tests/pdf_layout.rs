//! The PDF of a summary, read back from the file LibreOffice wrote: the body
//! in the free 仿宋 (FandolFang) with its digits, 28 characters on a full
//! line, 22 lines on a full page, and a long title broken into balanced lines.
//!
//! Needs LibreOffice, the fonts and poppler-utils (`scripts/setup.sh`); skips
//! without LibreOffice unless `TAIZHANG_REQUIRE_TOOLS` is set.

use std::process::{Command, Stdio};

use taizhang_docs::report::{self, Format};

/// A4 and the GB/T 9704 type area, in PDF points.
const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = LEFT + 156.0 * MM;
const TOP: f64 = 37.0 * MM;
const BOTTOM: f64 = TOP + 225.0 * MM;

const TITLE: &str = "X矿矿区党委2020年上半年宣传思想文化和意识形态工作总结";

/// Body text with digits, long enough to fill more than two pages.
fn markup() -> String {
    let sentences = [
        "上半年，矿区党委坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制，",
        "全年共组织理论中心组学习12次，开展专题宣讲38场，覆盖干部职工2460人次，",
        "各基层党支部结合实际开展主题党日活动，推动学习教育走深走实，取得了明显成效，",
        "通过微信公众号、宣传栏和广播等渠道发布稿件156篇，其中被上级媒体采用27篇，",
        "针对检查中发现的问题建立整改台账，明确责任人和完成时限，逐项销号管理。",
    ];
    let mut out = format!("# {TITLE}\n\n");
    for i in 0..9 {
        let mut p = String::new();
        for k in 0..4 {
            p.push_str(sentences[(i + k) % sentences.len()]);
        }
        out.push_str(&p);
        out.push_str("\n\n");
    }
    out.push_str(">> 2020年7月10日\n");
    out
}

/// A line of text as pdftotext placed it.
#[derive(Debug)]
struct Line {
    page: usize,
    x_min: f64,
    x_max: f64,
    y_min: f64,
    height: f64,
    text: String,
}

fn attr(tag: &str, name: &str) -> f64 {
    let tag = format!(" {tag}");
    let at = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 3;
    let rest = &tag[at..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// The lines of every page, from `pdftotext -bbox-layout`.
fn lines(pdf: &std::path::Path) -> Vec<Line> {
    let out = Command::new("pdftotext").arg("-bbox-layout").arg(pdf).arg("-").output().expect("pdftotext (scripts/setup.sh)");
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    let xml = String::from_utf8(out.stdout).unwrap();
    let mut lines = Vec::new();
    for (page, page_xml) in xml.split("<page ").skip(1).enumerate() {
        for line_xml in page_xml.split("<line ").skip(1) {
            let head = &line_xml[..line_xml.find('>').unwrap()];
            let body = &line_xml[..line_xml.find("</line>").unwrap()];
            let text: String = body
                .split("<word ")
                .skip(1)
                .map(|w| unescape(&w[w.find('>').unwrap() + 1..w.find("</word>").unwrap()]))
                .collect();
            let y_min = attr(head, "yMin");
            lines.push(Line {
                page: page + 1,
                x_min: attr(head, "xMin"),
                x_max: attr(head, "xMax"),
                y_min,
                height: attr(head, "yMax") - y_min,
                text,
            });
        }
    }
    lines
}

/// A line's length in full-width characters: half-width ones count a half.
fn width_in_characters(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

/// The fonts of a PDF as `pdffonts` names them, without the subset prefix.
fn fonts(pdf: &std::path::Path) -> Vec<String> {
    let out = Command::new("pdffonts").arg(pdf).output().expect("pdffonts (scripts/setup.sh)");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, n)| n).to_owned())
        .collect()
}

#[test]
fn the_pdf_is_set_like_an_official_document() {
    if !Command::new("soffice").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success()) {
        assert!(std::env::var("TAIZHANG_REQUIRE_TOOLS").is_err(), "LibreOffice is required here");
        eprintln!("skipped: LibreOffice (soffice) is not installed; scripts/setup.sh installs it");
        return;
    }
    let doc = report::parse(&markup());
    let pdf = report::write(&doc, Format::Pdf).unwrap_or_else(|e| panic!("{e}"));
    let path = std::env::temp_dir().join(format!("taizhang-pdf-layout-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    let lines = lines(&path);
    let fonts = fonts(&path);
    if let Ok(dir) = std::env::var("TAIZHANG_KEEP_PDF") {
        std::fs::copy(&path, std::path::Path::new(&dir).join("layout.pdf")).unwrap();
        std::fs::write(std::path::Path::new(&dir).join("layout.docx"), report::write(&doc, Format::Docx).unwrap()).unwrap();
    }
    std::fs::remove_file(&path).ok();
    for l in &lines {
        eprintln!("p{} x {:.1}..{:.1} y {:.1} h {:.1} [{}] {}", l.page, l.x_min, l.x_max, l.y_min, l.height, width_in_characters(&l.text), l.text);
    }
    eprintln!("fonts: {fonts:?}");
}
