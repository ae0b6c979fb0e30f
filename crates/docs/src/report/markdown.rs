//! Markdown: the text with headings, for pasting into other tools. Text is
//! escaped, so that record text (`[x](javascript:…)`, `<img onerror=…>`)
//! shows as written and never becomes a link, an image or HTML.

use super::html::escape as html_escape;
use super::{Block, Document, text_of};

/// Text as Markdown shows it literally: `&`, `<` and `>` as HTML entities,
/// the ASCII punctuation Markdown gives a meaning behind a backslash, and at
/// the start of a line the marks of lists, headings and rules.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Digits at the start of a line, whose `.` or `)` would start a list.
    let mut leading_digits = true;
    for (i, c) in text.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' if leading_digits && i > 0 => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
        leading_digits = leading_digits && c.is_ascii_digit();
    }
    out
}

pub fn markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n", escape(&doc.title));
    for b in &doc.blocks {
        out.push('\n');
        out.push_str(&match b {
            Block::Heading { level, marker, spans } => {
                format!("{} {}{}\n", "#".repeat(usize::from(*level) + 1), escape(marker), escape(&text_of(spans)))
            }
            Block::Paragraph(spans) => format!("{}\n", escape(&text_of(spans))),
            // An HTML block: Markdown is not read inside it, HTML is.
            Block::Right(spans) => format!("<p align=\"right\">{}</p>\n", html_escape(&text_of(spans))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_text_is_escaped() {
        let doc = super::super::parse(
            "# 标题<b>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)> **粗** `码` a_b_c & {{ data }}\n\n\
             - 列表\n\n1. 编号\n\n2020.5 日期\n\n>> 2020年<b>7月</b>\n",
        );
        let md = markdown(&doc);
        assert_eq!(
            md,
            "# 标题&lt;b&gt;\n\n\
             \\[x\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x onerror=alert\\(1\\)&gt; \\*\\*粗\\*\\* \\`码\\` a\\_b\\_c &amp; {{ data }}\n\n\
             \\- 列表\n\n1\\. 编号\n\n2020\\.5 日期\n\n<p align=\"right\">2020年&lt;b&gt;7月&lt;/b&gt;</p>\n"
        );
    }
}
