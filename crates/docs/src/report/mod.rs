//! Reports in the official document layout: a small markup (what templates
//! write) parsed into a [`Document`], written as DOCX (GB/T 9704), HTML and
//! Markdown.
//!
//! The markup, one block per line or paragraph:
//! - `# text`: the title;
//! - `## text`, `### text`, `#### text`: headings of levels 1 to 3, numbered by
//!   the writer (一、 / （一） / 1．) so that a section left out leaves no gap;
//! - `>> text`: a line set to the right (signature, date);
//! - anything else: body text; lines not separated by a blank line join into
//!   one paragraph.
//!
//! Inside text, `[[shown text|activity:1,2,3]]` cites the records a figure
//! came from: HTML links to them, DOCX and Markdown show the text alone.
//!
//! A backslash before one of `\ [ ] | # >` makes that character plain text
//! ([`escape_markup`]). Templates get every string of their facts escaped
//! this way, so that record text (a title written `[[9次|activity:1]]` or
//! `## 标题`) never becomes a citation, a heading or a right-aligned line.

mod chips;
mod docx;
mod draft;
mod fields;
mod html;
mod markdown;
mod pdf;
mod template;

pub use docx::docx;
pub use draft::draft_warnings;
pub use fields::{FIELD_SECTIONS, FILTERS, Field, FieldSection, GuideField, GuideSection, field_guide, sample_data};
pub use html::html;
pub use markdown::markdown;
pub use pdf::PdfConfig;
pub use template::{
    DEFAULT_SUMMARY, GENERIC_SUMMARY, PRESETS, TemplateError, WorkerAnswer, WorkerRequest, check, is_preset,
    preset_for_kind, render, worker, written_number,
};

use taizhang_core::numerals::to_chinese;

/// The forms a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Html,
    Markdown,
}

impl Format {
    /// `docx`, `pdf`, `html` or `md` (also the extension of a file name).
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().trim_start_matches('.').to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            "html" | "htm" => Some(Format::Html),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Markdown => "md",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
        }
    }
}

/// Where the records a citation names are shown: from the citation's record
/// kind and the rest of it (ids "1,2", or a list's filter
/// "org_id=1&period=2025") to an address, `None` for none. The caller knows
/// the addresses (the web its own pages); the documents do not.
pub type Links<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

/// A link maker that gives no links: citations stay plain text.
pub fn no_links(_kind: &str, _rest: &str) -> Option<String> {
    None
}

/// The document written in a format; HTML as a whole page, its citations
/// linked by `links`. PDF waits for LibreOffice (about a second), run as
/// `pdf` says: call it where blocking is allowed.
pub fn write(doc: &Document, format: Format, links: Links, pdf: &PdfConfig) -> Result<Vec<u8>, String> {
    Ok(match format {
        Format::Docx => docx(doc)?,
        Format::Pdf => pdf::from_docx(&docx::docx_for_pdf(doc)?, pdf)?,
        Format::Html => format!(
            "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{}</body></html>\n",
            html::escape(&doc.title),
            html(doc, links)
        )
        .into_bytes(),
        Format::Markdown => markdown(doc).into_bytes(),
    })
}

/// A run of text, citing records when `cite` is set ("activity:1,2").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub cite: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `level` 1..=3 and its marker (一、, （一）, 1．).
    Heading {
        level: u8,
        marker: String,
        spans: Vec<Span>,
    },
    Paragraph(Vec<Span>),
    /// Set to the right: signature and date.
    Right(Vec<Span>),
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    pub title: String,
    pub blocks: Vec<Block>,
}

impl Document {
    /// The whole text without markup, headings with their markers.
    pub fn plain_text(&self) -> String {
        let mut out = vec![self.title.clone()];
        for b in &self.blocks {
            out.push(match b {
                Block::Heading { marker, spans, .. } => format!("{marker}{}", text_of(spans)),
                Block::Paragraph(spans) | Block::Right(spans) => text_of(spans),
            });
        }
        out.join("\n")
    }
}

pub fn text_of(spans: &[Span]) -> String {
    spans.iter().map(|s| s.text.as_str()).collect()
}

/// The characters of the markup that a backslash makes plain text.
const MARKUP: [char; 6] = ['\\', '[', ']', '|', '#', '>'];

/// `text` as plain text in the markup: every markup character behind a
/// backslash. [`parse`] takes the backslashes away again.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if MARKUP.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text an escaped markup text stands for.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && MARKUP.contains(&next) => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Where `pattern` first occurs in `text` outside escapes.
fn find_unescaped(text: &str, pattern: &str) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|(_, next)| MARKUP.contains(next)) {
            chars.next();
        } else if text[i..].starts_with(pattern) {
            return Some(i);
        }
    }
    None
}

/// Splits text into spans at `[[text|cite]]` (escaped brackets and bars are
/// text) and takes the escapes away.
fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = find_unescaped(rest, "[[") {
        let after = &rest[start + 2..];
        let Some(len) = find_unescaped(after, "]]") else { break };
        let inner = &after[..len];
        if start > 0 {
            out.push(Span { text: unescape(&rest[..start]), cite: None });
        }
        match find_unescaped(inner, "|") {
            Some(bar) => out.push(Span {
                text: unescape(&inner[..bar]),
                cite: Some(unescape(&inner[bar + 1..]).trim().to_owned()),
            }),
            None => out.push(Span { text: unescape(inner), cite: None }),
        }
        rest = &after[len + 2..];
    }
    if !rest.is_empty() {
        out.push(Span { text: unescape(rest), cite: None });
    }
    out
}

/// The marker of the `n`th (1-based) heading of a level.
fn marker(level: u8, n: u32) -> String {
    match level {
        1 => format!("{}、", to_chinese(n)),
        2 => format!("（{}）", to_chinese(n)),
        _ => format!("{n}．"),
    }
}

/// Parses the markup. Headings are numbered per level, restarting under each
/// heading of the level above; a heading with nothing under it before the
/// next heading of its level or above is dropped, so that no heading stands
/// empty.
pub fn parse(markup: &str) -> Document {
    let mut doc = Document::default();
    let mut raw: Vec<(u8, String)> = Vec::new(); // (0 paragraph, 1..3 heading, 9 right)
    let mut paragraph: Vec<String> = Vec::new();
    let flush = |paragraph: &mut Vec<String>, raw: &mut Vec<(u8, String)>| {
        if !paragraph.is_empty() {
            raw.push((0, paragraph.join("")));
            paragraph.clear();
        }
    };
    for line in markup.lines() {
        let line = line.trim();
        let heading = ["#### ", "### ", "## ", "# "].iter().find(|p| line.starts_with(*p));
        if line.is_empty() {
            flush(&mut paragraph, &mut raw);
        } else if let Some(prefix) = heading {
            flush(&mut paragraph, &mut raw);
            let level = (prefix.len() - 2) as u8;
            let text = line[prefix.len()..].trim().to_owned();
            if level == 0 {
                doc.title = text_of(&spans(&text));
            } else {
                raw.push((level, text));
            }
        } else if let Some(text) = line.strip_prefix(">>") {
            flush(&mut paragraph, &mut raw);
            raw.push((9, text.trim().to_owned()));
        } else {
            paragraph.push(line.to_owned());
        }
    }
    flush(&mut paragraph, &mut raw);
    // Drop headings with no body below them.
    let keep: Vec<bool> = (0..raw.len())
        .map(|i| {
            let level = raw[i].0;
            if !(1..=3).contains(&level) {
                return true;
            }
            raw[i + 1..]
                .iter()
                .take_while(|(l, _)| !((1..=3).contains(l) && *l <= level))
                .any(|(l, _)| *l == 0 || *l == 9)
        })
        .collect();
    let mut counters = [0u32; 4];
    for ((level, text), keep) in raw.into_iter().zip(keep) {
        if !keep {
            continue;
        }
        doc.blocks.push(match level {
            1..=3 => {
                counters[level as usize] += 1;
                for deeper in counters.iter_mut().skip(level as usize + 1) {
                    *deeper = 0;
                }
                Block::Heading { level, marker: marker(level, counters[level as usize]), spans: spans(&text) }
            }
            9 => Block::Right(spans(&text)),
            _ => Block::Paragraph(spans(&text)),
        });
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_and_empty_ones_dropped() {
        let doc = parse(
            "# 工作总结\n\n开头一段，\n接着一行。\n\n## 意识形态\n正文[[4次|activity:1,2]]。\n\n## 空的一节\n\n\
             ## 理论学习\n### 中心组\n学习。\n### 空的小节\n## 下一步\n>> 2020年7月10日\n",
        );
        assert_eq!(doc.title, "工作总结");
        let text = doc.plain_text();
        assert_eq!(
            text,
            "工作总结\n开头一段，接着一行。\n一、意识形态\n正文4次。\n二、理论学习\n（一）中心组\n学习。\n三、下一步\n2020年7月10日"
        );
        let Block::Paragraph(spans) = &doc.blocks[2] else { panic!() };
        assert_eq!(spans[1], Span { text: "4次".into(), cite: Some("activity:1,2".into()) });
    }
}
