//! DOCX in the layout of GB/T 9704-2012: A4, margins 37/28/35/26 mm, 22 lines
//! of 28 characters, title 二号 小标宋 centred, body 三号 仿宋 indented two
//! characters, level headings 黑体 / 楷体 / 仿宋, page numbers "— 1 —" in 四号
//! 宋体 at the outer edge (odd pages right, even pages left).

use docx_rs::{
    AlignmentType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType,
};

use super::{Block, Document, Span};
use crate::xml_safe;

/// Twips (1/20 pt) and half-points, as the format counts them.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: i32 = 2098; // 37 mm
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1588; // 28 mm
const MARGIN_RIGHT: i32 = 1474; // 26 mm
const LINE_PITCH: i32 = 579; // 22 lines in 225 mm
const CHAR_SPACE: isize = -848; // 28 characters of 16 pt in 156 mm
const BODY_SIZE: usize = 32; // 三号
const TITLE_SIZE: usize = 44; // 二号
const PAGE_NUMBER_SIZE: usize = 28; // 四号
const TWO_CHARACTERS: i32 = 640;

const FANGSONG: &str = "仿宋_GB2312";
const TITLE_FACE: &str = "方正小标宋简体";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const SONGTI: &str = "宋体";

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().east_asia(east_asia).ascii("Times New Roman").hi_ansi("Times New Roman").hint("eastAsia")
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH)
}

fn runs(mut p: Paragraph, spans: &[Span], face: &str) -> Paragraph {
    for s in spans {
        p = p.add_run(Run::new().add_text(xml_safe(&s.text)).fonts(fonts(face)).size(BODY_SIZE));
    }
    p
}

/// A footer with the page number "— n —", set to one side, one character in.
fn page_number_footer(align: AlignmentType) -> Footer {
    let run = |r: Run| r.fonts(fonts(SONGTI)).size(PAGE_NUMBER_SIZE);
    let mut p = Paragraph::new()
        .align(align)
        .add_run(run(Run::new().add_text("— ")))
        .add_run(run(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new()))))
        .add_run(run(Run::new().add_field_char(FieldCharType::Separate, false)))
        .add_run(run(Run::new().add_text("1")))
        .add_run(run(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(run(Run::new().add_text(" —")));
    p = match align {
        AlignmentType::Right => p.indent(None, None, Some(280), None),
        _ => p.indent(Some(280), None, None, None),
    };
    Footer::new().add_paragraph(p)
}

/// The document as DOCX bytes.
pub fn docx(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc, true)
}

/// The same for conversion to PDF by LibreOffice, which spreads characters
/// over Word's character grid instead of condensing them: the line grid
/// only, so that the free fonts set about 28 characters to the line.
pub(super) fn docx_for_pdf(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc, false)
}

fn build(doc: &Document, char_grid: bool) -> Result<Vec<u8>, String> {
    let mut d = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(851)
                .footer(992),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(BODY_SIZE)
        .default_line_spacing(exact_lines())
        .footer(page_number_footer(AlignmentType::Right))
        .even_footer(page_number_footer(AlignmentType::Left));
    d.document = d.document.doc_grid(if char_grid {
        DocGrid::new().grid_type(DocGridType::LinesAndChars).line_pitch(LINE_PITCH as usize).char_space(CHAR_SPACE)
    } else {
        DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize)
    });
    let title = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(exact_lines())
        .add_run(Run::new().add_text(xml_safe(&doc.title)).fonts(fonts(TITLE_FACE)).size(TITLE_SIZE));
    // The title, then one blank line before the body.
    d = d.add_paragraph(title).add_paragraph(Paragraph::new().line_spacing(exact_lines()));
    for block in &doc.blocks {
        let indented = Paragraph::new().line_spacing(exact_lines()).indent(
            Some(0),
            Some(SpecialIndentType::FirstLine(TWO_CHARACTERS)),
            None,
            None,
        );
        let p = match block {
            Block::Heading { level, marker, spans } => {
                let face = match level {
                    1 => HEITI,
                    2 => KAITI,
                    _ => FANGSONG,
                };
                let p = indented.add_run(Run::new().add_text(xml_safe(marker)).fonts(fonts(face)).size(BODY_SIZE));
                runs(p, spans, face)
            }
            Block::Paragraph(spans) => runs(indented, spans, FANGSONG),
            Block::Right(spans) => runs(
                Paragraph::new().line_spacing(exact_lines()).align(AlignmentType::Right).indent(
                    None,
                    None,
                    Some(TWO_CHARACTERS),
                    None,
                ),
                spans,
                FANGSONG,
            ),
        };
        d = d.add_paragraph(p);
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out).map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut out = String::new();
        zip.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut out).unwrap();
        out
    }

    /// Attribute values of every `<tag .../>` (or `<tag ...>`) in the XML.
    fn attrs(xml: &str, tag: &str, attr: &str) -> Vec<String> {
        let mut out = Vec::new();
        for piece in xml.split(&format!("<{tag} ")).skip(1) {
            let end = piece.find('>').unwrap_or(piece.len());
            let head = &piece[..end];
            if let Some(at) = head.find(&format!("{attr}=\"")) {
                let rest = &head[at + attr.len() + 2..];
                out.push(rest[..rest.find('"').unwrap()].to_owned());
            }
        }
        out
    }

    /// The GB/T 9704 checklist, read back from the DOCX XML.
    #[test]
    fn the_layout_follows_gbt_9704() {
        let doc = super::super::parse(
            "# 2020年上半年工作总结\n\n开头。\n\n## 一节\n正文。\n### 小节\n正文。\n#### 再小\n正文。\n>> 2020年7月10日\n",
        );
        let bytes = docx(&doc).unwrap();
        let body = part(&bytes, "word/document.xml");
        assert_eq!(attrs(&body, "w:pgSz", "w:w"), ["11906"]);
        assert_eq!(attrs(&body, "w:pgSz", "w:h"), ["16838"]);
        let margin = |a: &str| attrs(&body, "w:pgMar", a)[0].parse::<i32>().unwrap();
        assert!((2041..=2154).contains(&margin("w:top")), "top 37 mm");
        assert!((1531..=1644).contains(&margin("w:left")), "left 28 mm");
        assert!((8744..=8944).contains(&(11906 - margin("w:left") - margin("w:right"))), "156 mm text width");
        assert!((12656..=12856).contains(&(16838 - margin("w:top") - margin("w:bottom"))), "225 mm text height");
        assert_eq!(attrs(&body, "w:docGrid", "w:type"), ["linesAndChars"]);
        assert_eq!(attrs(&body, "w:docGrid", "w:linePitch"), ["579"]);
        assert_eq!(attrs(&body, "w:docGrid", "w:charSpace"), ["-848"]);
        // Title 二号 小标宋 centred; body 三号; headings 黑体, 楷体, 仿宋; indented two characters.
        let sizes = attrs(&body, "w:sz", "w:val");
        assert_eq!(sizes[0], "44");
        assert!(sizes[1..].iter().all(|s| s == "32"), "{sizes:?}");
        let faces = attrs(&body, "w:rFonts", "w:eastAsia");
        assert_eq!(faces[0], "方正小标宋简体");
        for face in ["黑体", "楷体_GB2312", "仿宋_GB2312"] {
            assert!(faces.contains(&face.to_owned()), "{face} in {faces:?}");
        }
        assert!(attrs(&body, "w:jc", "w:val").contains(&"center".to_owned()));
        assert_eq!(attrs(&body, "w:ind", "w:firstLine").iter().filter(|v| *v == "640").count(), 7);
        assert!(attrs(&body, "w:spacing", "w:line").iter().all(|v| v == "579"));
        assert!(attrs(&body, "w:spacing", "w:lineRule").iter().all(|v| v == "exact"));
        assert!(!body.contains("w:color"), "black text only");
        // Markers of the levels.
        for marker in ["一、", "（一）", "1．"] {
            assert!(body.contains(&format!(">{marker}<")), "{marker}");
        }
        let styles = part(&bytes, "word/styles.xml");
        assert!(styles.contains("仿宋_GB2312") && styles.contains("w:val=\"32\""), "default 三号 仿宋");
        // Page numbers: odd right, even left, "— n —" in 四号 宋体 around a PAGE field.
        let settings = part(&bytes, "word/settings.xml");
        assert!(settings.contains("evenAndOddHeaders"));
        let types = attrs(&body, "w:footerReference", "w:type");
        assert!(types.contains(&"default".to_owned()) && types.contains(&"even".to_owned()), "{types:?}");
        let mut sides = Vec::new();
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let footers: Vec<String> =
            zip.file_names().filter(|n| n.starts_with("word/footer")).map(str::to_owned).collect();
        assert_eq!(footers.len(), 2);
        for name in footers {
            let xml = part(&bytes, &name);
            assert!(xml.contains("PAGE"), "{name} has a PAGE field");
            assert!(xml.contains("— ") && xml.contains(" —"), "{name}");
            assert!(attrs(&xml, "w:sz", "w:val").iter().all(|v| v == "28"), "四号");
            assert!(attrs(&xml, "w:rFonts", "w:eastAsia").iter().all(|v| v == "宋体"));
            sides.extend(attrs(&xml, "w:jc", "w:val"));
        }
        sides.sort();
        assert_eq!(sides, ["left", "right"]);
    }
}
