//! The PDF of a summary, read back from the file LibreOffice wrote: the body
//! in the free 仿宋 (FandolFang), digits too; 28 characters on a full line and
//! 22 lines on a full page of the GB/T 9704 type area; a long title broken
//! into lines of similar length; no face but the Fandol ones and Noto CJK SC.
//!
//! Needs LibreOffice, the fonts and poppler-utils (`scripts/setup.sh`); skips
//! without them unless `TAIZHANG_REQUIRE_TOOLS=1`.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use taizhang_docs::report::{self, Format};

#[path = "../../../tests/common/tools.rs"]
mod tools;

/// The GB/T 9704 type area on A4, in PDF points.
const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = LEFT + 156.0 * MM;
const BOTTOM: f64 = (37.0 + 225.0) * MM;
/// 225 mm in 22 lines.
const LINE_PITCH: f64 = 225.0 * MM / 22.0;

/// 19 Chinese characters and a year: set as it comes, the last line would
/// hold "结" alone.
const TITLE: &str = "2020年上半年矿区党支部宣传思想文化工作总结";

/// A summary of several long paragraphs with digits, two headings and a
/// name outside GB 2312 (喆), more than two pages long.
fn markup() -> String {
    let sentences = [
        "上半年，矿区党委坚持以习近平新时代中国特色社会主义思想为指导，认真落实意识形态工作责任制，",
        "全年共组织理论中心组学习12次，开展专题宣讲38场，覆盖干部职工2460人次，",
        "各基层党支部结合实际开展主题党日活动，推动学习教育走深走实，取得了明显成效，",
        "通过微信公众号、宣传栏和广播等渠道发布稿件156篇，其中被上级媒体采用27篇，",
        "针对检查中发现的问题建立整改台账，明确责任人和完成时限，逐项销号管理。",
    ];
    let mut out = format!("# {TITLE}\n\n");
    for i in 0..10 {
        match i {
            1 => out.push_str("## 工作开展情况\n\n"),
            2 => out.push_str("### 理论学习\n\n"),
            _ => {}
        }
        for k in 0..4 {
            out.push_str(sentences[(i + k) % sentences.len()]);
        }
        if i == 9 {
            out.push_str("宣讲员张喆同志的专题党课受到好评。");
        }
        out.push_str("\n\n");
    }
    out.push_str(">> 2020年7月10日\n");
    out
}

/// A line of text where pdftotext found it, in points from the page's top left.
#[derive(Debug)]
struct Line {
    page: usize,
    x_min: f64,
    x_max: f64,
    y_min: f64,
    height: f64,
    text: String,
}

impl Line {
    fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// The value of attribute `name` in the attributes of a tag.
fn attr<'a>(tag: &'a str, name: &str) -> &'a str {
    let tag_start = tag.find(&format!("{name}=\"")).filter(|&at| at == 0 || tag.as_bytes()[at - 1] == b' ');
    let at = tag_start.unwrap_or_else(|| panic!("{name} in {tag}")) + name.len() + 2;
    &tag[at..at + tag[at..].find('"').unwrap()]
}

fn number(tag: &str, name: &str) -> f64 {
    attr(tag, name).parse().unwrap()
}

/// Text without its tags and entities.
fn text_of(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

fn tool(program: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(pdf)
        .args(if program == "pdffonts" { &[][..] } else { &["-"][..] })
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils, scripts/setup.sh): {e}"));
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The lines of every page, from `pdftotext -bbox-layout`.
fn lines(pdf: &Path) -> Vec<Line> {
    let xml = tool("pdftotext", &["-bbox-layout"], pdf);
    let mut lines = Vec::new();
    for (page, page_xml) in xml.split("<page ").skip(1).enumerate() {
        for line_xml in page_xml.split("<line ").skip(1) {
            let head = &line_xml[..line_xml.find('>').unwrap()];
            let body = &line_xml[head.len() + 1..line_xml.find("</line>").unwrap()];
            let y_min = number(head, "yMin");
            lines.push(Line {
                page: page + 1,
                x_min: number(head, "xMin"),
                x_max: number(head, "xMax"),
                y_min,
                height: number(head, "yMax") - y_min,
                text: text_of(body).split_whitespace().collect(),
            });
        }
    }
    lines
}

/// The pieces of text of each font, from `pdftohtml -xml`: (size, family
/// without the subset prefix, text). A line changes pieces where its font
/// changes, so a digit in another face would stand apart.
fn pieces(pdf: &Path) -> Vec<(u32, String, String)> {
    let xml = tool("pdftohtml", &["-xml", "-i", "-stdout"], pdf);
    let mut fonts = BTreeMap::new();
    for spec in xml.split("<fontspec ").skip(1) {
        let family = attr(spec, "family");
        let family = family.split_once('+').map_or(family, |(_, f)| f).to_owned();
        fonts.insert(attr(spec, "id").to_owned(), (attr(spec, "size").parse::<u32>().unwrap(), family));
    }
    xml.split("<text ")
        .skip(1)
        .map(|t| {
            let (size, family) = fonts[attr(t, "font")].clone();
            let text = text_of(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]);
            (size, family, text.split_whitespace().collect())
        })
        .collect()
}

/// The fonts `pdffonts` lists, without the subset prefix.
fn fonts(pdf: &Path) -> Vec<String> {
    tool("pdffonts", &[], pdf)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.split_once('+').map_or(name, |(_, n)| n).to_owned())
        .collect()
}

#[test]
fn the_pdf_is_set_like_an_official_document() {
    if !tools::available("the PDF layout", &[tools::SOFFICE, tools::PDFTOTEXT, tools::PDFFONTS]) {
        return;
    }
    let doc = report::parse(&markup());
    let pdf = report::write(&doc, Format::Pdf, &report::no_links, &report::PdfConfig::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), &pdf).unwrap();
    let (lines, pieces, fonts) = (lines(file.path()), pieces(file.path()), fonts(file.path()));
    for l in &lines {
        eprintln!(
            "p{} x {:.1}..{:.1} y {:.1} h {:.1} [{}] {}",
            l.page,
            l.x_min,
            l.x_max,
            l.y_min,
            l.height,
            l.chars(),
            l.text
        );
    }
    eprintln!("fonts: {fonts:?}");

    // Fonts: the Fandol faces (title FandolSong Bold, body FandolFang, level 1
    // FandolHei, level 2 FandolKai, page numbers FandolSong) and Noto Serif
    // CJK for 喆; no Latin face for digits. (Noto's collection shares one CFF
    // among its regions, named for the Japanese one: the PDF calls even the SC
    // face "NotoSerifCJKjp-Regular-VKana", so the name cannot tell the region.)
    for face in ["FandolFang-Regular", "FandolSong-Bold", "FandolHei-Regular", "FandolKai-Regular"] {
        assert!(fonts.iter().any(|f| f == face), "{face} in {fonts:?}");
    }
    assert!(fonts.iter().any(|f| f.starts_with("NotoSerifCJK")), "Noto Serif CJK for 喆: {fonts:?}");
    assert!(fonts.iter().all(|f| f.starts_with("Fandol") || f.starts_with("NotoSerifCJK")), "{fonts:?}");

    // The body, digits and all, in FandolFang: every piece of text of the
    // body's size is FandolFang but the headings and 喆.
    let body_size = pieces.iter().fold(BTreeMap::new(), |mut n: BTreeMap<u32, usize>, p| {
        *n.entry(p.0).or_default() += p.2.chars().count();
        n
    });
    let body_size = *body_size.iter().max_by_key(|(_, n)| **n).unwrap().0;
    for (size, family, text) in &pieces {
        if *size != body_size {
            continue;
        }
        let expected = match text.as_str() {
            "喆" => "NotoSerifCJK",
            t if t.starts_with("一、") => "FandolHei",
            t if t.starts_with("（一）") => "FandolKai",
            _ => "FandolFang",
        };
        assert!(family.starts_with(expected), "{text:?} in {family}, not {expected}");
    }
    assert!(
        pieces.iter().any(|(s, f, t)| *s == body_size && f.starts_with("FandolFang") && t.contains("2460")),
        "digits in FandolFang"
    );

    // Title: taller lines at the top of page 1, centred, of similar length,
    // none a single character.
    let body_height = lines.iter().filter(|l| l.y_min < BOTTOM).map(|l| l.height).fold(f64::MAX, f64::min);
    let title: Vec<&Line> = lines.iter().filter(|l| l.page == 1 && l.height > body_height * 1.2).collect();
    assert_eq!(title.iter().map(|l| l.text.as_str()).collect::<String>(), TITLE);
    assert!(title.len() >= 2, "{title:?}");
    assert!(title.iter().all(|l| l.chars() > 1), "no line of one character: {title:?}");
    let widths: Vec<f64> = title.iter().map(|l| l.x_max - l.x_min).collect();
    let (narrowest, widest) = widths.iter().fold((f64::MAX, 0f64), |(a, b), w| (a.min(*w), b.max(*w)));
    assert!(narrowest >= 0.75 * widest, "lines of similar length: {title:?}");
    for l in &title {
        assert!(((l.x_min + l.x_max) / 2.0 - (LEFT + RIGHT) / 2.0).abs() < 3.0, "centred: {l:?}");
    }

    // Body lines: neither title nor page number.
    let body: Vec<&Line> =
        lines.iter().filter(|l| l.y_min < BOTTOM && (l.height - body_height).abs() < body_height * 0.2).collect();

    // 28 characters on a full line: one of Chinese text alone (digits are
    // narrower) from the left margin to the right one. A closing mark may
    // hang past the margin as the 29th, as Word allows by default.
    let full: Vec<&&Line> = body
        .iter()
        .filter(|l| !l.text.chars().any(|c| c.is_ascii()))
        .filter(|l| (l.x_min - LEFT).abs() < 2.0 && l.x_max > RIGHT - 2.0)
        .collect();
    assert!(full.len() >= 20, "full lines: {}", full.len());
    let mut per_line = BTreeMap::new();
    for l in &full {
        assert!((27..=29).contains(&l.chars()), "28 ± 1 characters: {l:?}");
        *per_line.entry(l.chars()).or_insert(0) += 1;
    }
    let usual = *per_line.iter().max_by_key(|(_, n)| **n).unwrap().0;
    assert_eq!(usual, 28, "characters per full line: {per_line:?}");

    // 22 lines on a full page (a middle one), one line pitch apart.
    let pages = lines.iter().map(|l| l.page).max().unwrap();
    assert!(pages >= 3, "{pages} pages");
    for page in 2..pages {
        let on_page: Vec<&&Line> = body.iter().filter(|l| l.page == page).collect();
        assert!((21..=23).contains(&on_page.len()), "22 ± 1 lines on page {page}: {}", on_page.len());
        for pair in on_page.windows(2) {
            let step = pair[1].y_min - pair[0].y_min;
            assert!((step - LINE_PITCH).abs() < 0.5, "line pitch {step:.2} on page {page}, not {LINE_PITCH:.2}");
        }
    }
}
