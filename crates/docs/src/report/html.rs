//! The HTML preview: the same blocks, each cited figure a link to its
//! records where the caller's link maker gives one (the docs know no
//! addresses).

use super::{Block, Document, Links, Span};

pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The address of the records a citation names ("activity:1,2" → its kind
/// and the rest), `None` for none.
fn href(cite: &str, links: Links) -> Option<String> {
    let (kind, rest) = cite.split_once(':')?;
    links(kind, rest)
}

fn spans_html(spans: &[Span], links: Links) -> String {
    spans
        .iter()
        .map(|s| match s.cite.as_deref().and_then(|c| href(c, links)) {
            Some(href) => format!(
                "<a class=\"cite\" href=\"{}\" data-cite=\"{}\">{}</a>",
                escape(&href),
                escape(s.cite.as_deref().unwrap_or_default()),
                escape(&s.text)
            ),
            None => escape(&s.text),
        })
        .collect()
}

/// The document as an HTML fragment (an `<article>`), each citation a link
/// where `links` gives an address for it.
pub fn html(doc: &Document, links: Links) -> String {
    let mut out = format!("<article class=\"official\">\n<h1>{}</h1>\n", escape(&doc.title));
    for b in &doc.blocks {
        out.push_str(&match b {
            Block::Heading { level, marker, spans } => {
                format!(
                    "<h{n} class=\"level{level}\">{}{}</h{n}>\n",
                    escape(marker),
                    spans_html(spans, links),
                    n = level + 1
                )
            }
            Block::Paragraph(spans) => format!("<p>{}</p>\n", spans_html(spans, links)),
            Block::Right(spans) => format!("<p class=\"right\">{}</p>\n", spans_html(spans, links)),
        });
    }
    out.push_str("</article>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::super::{no_links, parse};
    use super::*;

    #[test]
    fn citations_link_where_the_caller_gives_an_address() {
        let doc = parse("# 总结\n学习[[4次|activity:1,2]]，宣传[[2次|pledge:7]]。\n");
        let links = |kind: &str, rest: &str| (kind == "activity").then(|| format!("/a?ids={rest}"));
        let out = html(&doc, &links);
        assert!(out.contains("<a class=\"cite\" href=\"/a?ids=1,2\" data-cite=\"activity:1,2\">4次</a>"), "{out}");
        assert!(out.contains("宣传2次。"), "no address, plain text: {out}");
        assert!(!html(&doc, &no_links).contains("<a "));
    }
}
