//! DOCX in the layout of GB/T 9704-2012: A4, margins 37/28/35/26 mm, 22 lines
//! of 28 characters, title 二号 小标宋 centred (a long one broken into lines of
//! similar length), body 三号 仿宋 indented two characters, level headings
//! 黑体 / 楷体 / 仿宋, page numbers "— 1 —" in 四号 宋体 at the outer edge (odd
//! pages right, even pages left). Digits and Latin letters are set in the
//! same face as the Chinese text around them.

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
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
/// The same squeeze as character spacing of every body run, for LibreOffice:
/// 28 × (16 pt − 0.25 pt) = 441 pt fits the 442.2 pt (156 mm) of a line,
/// 28 × (16 pt − 0.2 pt) would not.
const BODY_CHARACTER_SPACING: i32 = -5;
const BODY_SIZE: usize = 32; // 三号
const TITLE_SIZE: usize = 44; // 二号
const PAGE_NUMBER_SIZE: usize = 28; // 四号
const TWO_CHARACTERS: i32 = 640;
/// Characters of 二号 (22 pt) on a line of 156 mm (442.2 pt).
const TITLE_LINE: f64 = 20.0;

const FANGSONG: &str = "仿宋_GB2312";
const TITLE_FACE: &str = "方正小标宋简体";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const SONGTI: &str = "宋体";

/// One face for every script of a run: digits and Latin letters in the 仿宋
/// of the body too, never in a Latin face the PDF converter would replace.
fn fonts(face: &str) -> RunFonts {
    RunFonts::new().east_asia(face).ascii(face).hi_ansi(face).hint("eastAsia")
}

fn exact_lines() -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(LINE_PITCH)
}

/// What differs between the DOCX for Word and the one LibreOffice converts.
#[derive(Clone, Copy)]
struct Target {
    /// LibreOffice spreads characters over Word's character grid instead of
    /// condensing them: there the grid has lines only and every body run is
    /// condensed by [`BODY_CHARACTER_SPACING`] instead.
    pdf: bool,
}

impl Target {
    fn body_run(self, text: &str, face: &str) -> Run {
        let run = Run::new().add_text(xml_safe(text)).fonts(fonts(face)).size(BODY_SIZE);
        if self.pdf { run.character_spacing(BODY_CHARACTER_SPACING) } else { run }
    }
}

fn runs(mut p: Paragraph, spans: &[Span], face: &str, target: Target) -> Paragraph {
    for s in spans {
        p = p.add_run(target.body_run(&s.text, face));
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

/// The width of a character in characters of its size: Latin letters, digits
/// and other half-width characters take about half a Chinese one.
fn width(c: char) -> f64 {
    if c.is_ascii() || ('\u{ff61}'..='\u{ff9f}').contains(&c) { 0.5 } else { 1.0 }
}

/// Characters that may not begin a line (closing punctuation).
const NO_LINE_START: &str = "，。、；：！？）》」』】〕”’…—·%";
/// Characters that may not end a line (opening punctuation).
const NO_LINE_END: &str = "（《「『【〔“‘";

/// How much a title line should not break at `i` (between `chars[i - 1]` and
/// `chars[i]`): nothing after punctuation, [`AT_A_BOUNDARY`] at another
/// boundary of meaning (after a date, after 的 / 和, before 关于, after the
/// name of an org, before the kind of document), [`INSIDE_A_WORD`] between
/// two other Chinese characters, and `None` where a break is not allowed
/// (inside a number or Latin word, before closing or after opening
/// punctuation).
fn break_penalty(chars: &[char], i: usize) -> Option<f64> {
    let (before, after) = (chars[i - 1], chars[i]);
    if NO_LINE_START.contains(after) || NO_LINE_END.contains(before) {
        return None;
    }
    if before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric() {
        return None;
    }
    if "，、；：！？）》」』】〕”".contains(before) || NO_LINE_END.contains(after) {
        return Some(0.0);
    }
    let head: String = chars[..i].iter().collect();
    let tail: String = chars[i..].iter().collect();
    let boundary = "的和与及暨".contains(before)
        || tail.starts_with("关于")
        || (before == '年' && !"度上下第".contains(after) && !after.is_ascii_digit())
        || ["上半年", "下半年", "年度", "季度", "月"].iter().any(|s| head.ends_with(s))
        || (ORGS.iter().any(|s| head.ends_with(s)) && !after_org(&tail))
        || ["工作", "总结", "报告", "通知", "意见", "方案", "情况"].iter().any(|s| tail.starts_with(s));
    Some(if boundary { AT_A_BOUNDARY } else { INSIDE_A_WORD })
}

/// How the names of orgs end.
const ORGS: [&str; 10] = ["党委", "党工委", "委员会", "支部", "总支", "社区", "街道", "政府", "公司", "中心"];

/// Whether the name of an org goes on ("第一社区|党支部"): the org's party
/// body, or another org word.
fn after_org(tail: &str) -> bool {
    tail.starts_with('党') || ORGS.iter().any(|s| tail.starts_with(s))
}

/// What a break costs, against the squared difference (in characters) of
/// each line from an even share: a boundary of meaning up to about two
/// characters off balance is preferred to a break inside a word.
const AT_A_BOUNDARY: f64 = 1.0;
const INSIDE_A_WORD: f64 = 9.0;

/// The title in lines: one if it fits, else the fewest lines that hold it,
/// of widths as equal as the places it may break allow, at boundaries of
/// meaning where one is near, and never a last line of one character.
fn title_lines(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.trim().chars().collect();
    let total: f64 = chars.iter().copied().map(width).sum();
    if total <= TITLE_LINE {
        return vec![chars.iter().collect()];
    }
    // prefix[i]: the width of the first i characters.
    let mut prefix = vec![0.0; chars.len() + 1];
    for (i, c) in chars.iter().enumerate() {
        prefix[i + 1] = prefix[i] + width(*c);
    }
    let fewest = (total / TITLE_LINE).ceil() as usize;
    for lines in fewest..fewest + 3 {
        let target = total / lines as f64;
        // cost[k][i]: the best cost of the first i characters in k lines; from[k][i]: where line k starts.
        let mut cost = vec![vec![f64::INFINITY; chars.len() + 1]; lines + 1];
        let mut from = vec![vec![0usize; chars.len() + 1]; lines + 1];
        cost[0][0] = 0.0;
        for k in 1..=lines {
            for end in 1..=chars.len() {
                let penalty = if end == chars.len() {
                    0.0
                } else if k == lines {
                    continue;
                } else {
                    match break_penalty(&chars, end) {
                        Some(p) => p,
                        None => continue,
                    }
                };
                // Lines of at least two characters.
                for start in (0..end.saturating_sub(1)).rev() {
                    let w = prefix[end] - prefix[start];
                    if w > TITLE_LINE {
                        break;
                    }
                    if !cost[k - 1][start].is_finite() {
                        continue;
                    }
                    let c = cost[k - 1][start] + (w - target).powi(2) + penalty;
                    if c < cost[k][end] {
                        cost[k][end] = c;
                        from[k][end] = start;
                    }
                }
            }
        }
        if cost[lines][chars.len()].is_finite() {
            let mut out = Vec::with_capacity(lines);
            let mut end = chars.len();
            for k in (1..=lines).rev() {
                let start = from[k][end];
                out.push(chars[start..end].iter().collect());
                end = start;
            }
            out.reverse();
            return out;
        }
    }
    // Nowhere to break (one long number, say): the writer wraps it.
    vec![chars.iter().collect()]
}

/// The document as DOCX bytes.
pub fn docx(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc, Target { pdf: false })
}

/// The same for conversion to PDF by LibreOffice ([`Target::pdf`]): the line
/// grid only with condensed body runs, so that 28 characters fill a line, and
/// the title asked in bold, which selects FandolSong Bold for 小标宋.
pub(super) fn docx_for_pdf(doc: &Document) -> Result<Vec<u8>, String> {
    build(doc, Target { pdf: true })
}

fn build(doc: &Document, target: Target) -> Result<Vec<u8>, String> {
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
    d.document = d.document.doc_grid(if target.pdf {
        DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize)
    } else {
        DocGrid::new().grid_type(DocGridType::LinesAndChars).line_pitch(LINE_PITCH as usize).char_space(CHAR_SPACE)
    });
    let mut title_run = Run::new().fonts(fonts(TITLE_FACE)).size(TITLE_SIZE);
    if target.pdf {
        title_run = title_run.bold();
    }
    for (i, line) in title_lines(&xml_safe(&doc.title)).iter().enumerate() {
        if i > 0 {
            title_run = title_run.add_break(BreakType::TextWrapping);
        }
        title_run = title_run.add_text(line);
    }
    let title = Paragraph::new().align(AlignmentType::Center).line_spacing(exact_lines()).add_run(title_run);
    // The title, then one blank line before the body.
    d = d.add_paragraph(title).add_paragraph(Paragraph::new().line_spacing(exact_lines()));
    for block in &doc.blocks {
        // Justified, so that lines with digits end at the margin too.
        let indented = Paragraph::new().line_spacing(exact_lines()).align(AlignmentType::Both).indent(
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
                let p = indented.add_run(target.body_run(marker, face));
                runs(p, spans, face, target)
            }
            Block::Paragraph(spans) => runs(indented, spans, FANGSONG, target),
            Block::Right(spans) => runs(
                Paragraph::new().line_spacing(exact_lines()).align(AlignmentType::Right).indent(
                    None,
                    None,
                    Some(TWO_CHARACTERS),
                    None,
                ),
                spans,
                FANGSONG,
                target,
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

    fn widths(lines: &[String]) -> Vec<f64> {
        lines.iter().map(|l| l.chars().map(width).sum()).collect()
    }

    #[test]
    fn a_long_title_breaks_into_balanced_lines() {
        assert_eq!(title_lines("2020年上半年工作总结"), ["2020年上半年工作总结"]);
        // 21 characters wide: a line of 20 would leave "结" alone.
        assert_eq!(
            title_lines("某矿区党委2020年上半年宣传思想文化工作总结"),
            ["某矿区党委2020年上半年", "宣传思想文化工作总结"]
        );
        // No boundary of meaning near the middle: the middle itself.
        let lines = title_lines("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌");
        assert_eq!(widths(&lines), [11.0, 10.0]);
        // Numbers stay whole; no line starts with closing punctuation.
        for title in [
            "X矿矿区党委2020年上半年宣传思想文化和意识形态工作总结",
            "关于进一步加强和改进新形势下基层党组织建设工作若干问题的实施意见（试行）",
            "第一社区党支部、第二社区党支部、第三社区党支部、第四社区党支部2020年度联合工作总结报告",
            "一二三四五六七八九十一二三四五六七八九十，一",
        ] {
            let lines = title_lines(title);
            assert_eq!(lines.concat(), title);
            assert!(lines.len() >= 2, "{lines:?}");
            let w = widths(&lines);
            assert!(w.iter().all(|w| *w <= TITLE_LINE), "{lines:?}");
            let (min, max) = w.iter().fold((f64::MAX, 0f64), |(a, b), w| (a.min(*w), b.max(*w)));
            assert!(max - min <= 4.0, "balanced: {lines:?}");
            assert!(lines.iter().all(|l| l.chars().count() >= 2), "{lines:?}");
            assert!(lines.iter().skip(1).all(|l| !NO_LINE_START.contains(l.chars().next().unwrap())), "{lines:?}");
            for pair in lines.windows(2) {
                let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
                assert!(!(digit(pair[0].chars().last()) && digit(pair[1].chars().next())), "{lines:?}");
            }
            eprintln!("{lines:?}");
        }
        let lines = title_lines("X矿矿区党委2020年上半年宣传思想文化和意识形态工作总结");
        assert_eq!(lines, ["X矿矿区党委2020年上半年", "宣传思想文化和意识形态工作总结"]);
    }

    /// The title's lines are separated by line breaks in one centred
    /// paragraph; the DOCX for LibreOffice condenses body runs and has no
    /// character grid, the one for Word has the grid and no condensing.
    #[test]
    fn the_title_breaks_and_the_pdf_variant_condenses() {
        let doc = super::super::parse("# 某矿区党委2020年上半年宣传思想文化工作总结\n\n正文12次。\n");
        let word = part(&docx(&doc).unwrap(), "word/document.xml");
        let title = &word[..word.find("</w:p>").unwrap()];
        assert_eq!(title.matches("<w:br").count(), 1, "{title}");
        assert!(title.contains(">某矿区党委2020年上半年<") && title.contains(">宣传思想文化工作总结<"), "{title}");
        assert!(!title.contains("<w:b "), "小标宋 is not made bold in Word");
        assert!(attrs(&word, "w:spacing", "w:val").is_empty(), "no condensing for Word");
        assert_eq!(attrs(&word, "w:rFonts", "w:ascii")[1], "仿宋_GB2312", "digits in 仿宋");
        let pdf = part(&docx_for_pdf(&doc).unwrap(), "word/document.xml");
        assert_eq!(attrs(&pdf, "w:docGrid", "w:type"), ["lines"]);
        assert!(attrs(&pdf, "w:docGrid", "w:charSpace").is_empty());
        assert_eq!(attrs(&pdf, "w:spacing", "w:val"), ["-5"], "the body run condensed");
        let title = &pdf[..pdf.find("</w:p>").unwrap()];
        assert!(title.contains("<w:b "), "the title asks for FandolSong Bold");
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
