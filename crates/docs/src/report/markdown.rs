//! Markdown: the text with headings, for pasting into other tools.

use super::{Block, Document, text_of};

pub fn markdown(doc: &Document) -> String {
    let mut out = format!("# {}\n", doc.title);
    for b in &doc.blocks {
        out.push('\n');
        out.push_str(&match b {
            Block::Heading { level, marker, spans } => {
                format!("{} {marker}{}\n", "#".repeat(usize::from(*level) + 1), text_of(spans))
            }
            Block::Paragraph(spans) => format!("{}\n", text_of(spans)),
            Block::Right(spans) => format!("<p align=\"right\">{}</p>\n", text_of(spans)),
        });
    }
    out
}
