//! The HTML preview: the same blocks, each cited figure a link to its records.

use super::{Block, Document, Span};

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

/// The page of the records a citation names ("activity:1,2" → the activity
/// list of those ids); `None` for kinds without a page.
fn cite_href(cite: &str) -> Option<String> {
    let (kind, ids) = cite.split_once(':')?;
    if kind == "activities" {
        // A list's filter: "activities:org_id=1&period=2025&kind=sanitation".
        return Some(format!("/activities?{ids}"));
    }
    if kind == "indicator_values" {
        // The values behind a large sum: "indicator_values:org_id=3&period=2021".
        return Some(format!("/indicators?{ids}"));
    }
    let ids: Vec<&str> =
        ids.split(',').map(str::trim).filter(|s| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty()).collect();
    if ids.is_empty() {
        return None;
    }
    let base = match kind {
        "activity" if ids.len() == 1 => return Some(format!("/activities/{}", ids[0])),
        "activity" => "/activities?ids=",
        "case" if ids.len() == 1 => return Some(format!("/cases/{}", ids[0])),
        "case" => "/cases?ids=",
        "project" => return Some(format!("/projects/{}", ids[0])),
        "pledge" => return Some("/responsibility".to_owned()),
        "screening" => return Some(format!("/screenings/{}", ids[0])),
        "key_person" => return Some("/key-persons?all=1".to_owned()),
        "follow_up" => return Some("/follow-ups".to_owned()),
        "disinfection" => return Some("/disinfections".to_owned()),
        "rectification" => return Some("/rectifications".to_owned()),
        "indicator_value" => return Some("/indicators".to_owned()),
        _ => return None,
    };
    Some(format!("{base}{}", ids.join(",")))
}

fn spans_html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s.cite.as_deref().and_then(cite_href) {
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

/// The document as an HTML fragment (an `<article>`).
pub fn html(doc: &Document) -> String {
    let mut out = format!("<article class=\"official\">\n<h1>{}</h1>\n", escape(&doc.title));
    for b in &doc.blocks {
        out.push_str(&match b {
            Block::Heading { level, marker, spans } => {
                format!("<h{n} class=\"level{level}\">{}{}</h{n}>\n", escape(marker), spans_html(spans), n = level + 1)
            }
            Block::Paragraph(spans) => format!("<p>{}</p>\n", spans_html(spans)),
            Block::Right(spans) => format!("<p class=\"right\">{}</p>\n", spans_html(spans)),
        });
    }
    out.push_str("</article>\n");
    out
}
