//! Checks of a summary draft that staff edited before export: a figure
//! whose text no longer says what its records count, and figures that the
//! records no longer support since the draft was generated.

use std::collections::BTreeMap;

use super::{Block, Document, parse};

/// Each cited figure of a document: its records (`cite`) → the texts it is
/// written as, in order.
fn figures(doc: &Document) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in &doc.blocks {
        let spans = match b {
            Block::Heading { spans, .. } | Block::Paragraph(spans) | Block::Right(spans) => spans,
        };
        for s in spans {
            if let Some(cite) = s.cite.as_ref().filter(|c| !c.is_empty()) {
                out.entry(cite.clone()).or_default().push(s.text.clone());
            }
        }
    }
    out
}

/// The leading number of a figure's text ("12次" → "12"), or the text.
fn number(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    if end == 0 { text } else { &text[..end] }
}

/// What to tell staff before a draft is exported, in Chinese:
/// - a figure of `draft` whose number differs from the one generated for
///   the same records (`generated`): the sentence was edited;
/// - figures that the records give differently now (`current`, the summary
///   generated again) than when the draft was made.
pub fn draft_warnings(draft: &str, generated: &str, current: &str) -> Vec<String> {
    let mut out = Vec::new();
    let then = figures(&parse(generated));
    for (cite, texts) in figures(&parse(draft)) {
        let Some(original) = then.get(&cite) else { continue };
        for text in texts {
            if !original.iter().any(|o| number(o) == number(&text)) {
                out.push(format!("草稿中的“{text}”与所引记录不符（按记录应为“{}”），请核对或改回。", original[0]));
            }
        }
    }
    if generated != current {
        let now = figures(&parse(current));
        let changed = then.iter().filter(|(cite, texts)| now.get(*cite) != Some(texts)).count()
            + now.keys().filter(|cite| !then.contains_key(*cite)).count();
        if changed > 0 {
            out.push(format!(
                "生成草稿后台账记录有变化，有{changed}处数字与现在的记录不同；可点“按最新记录重新生成”，或核对后再导出。"
            ));
        } else {
            out.push("生成草稿后台账记录有变化（文字或名单不同），请核对后再导出。".to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GENERATED: &str = "# 标题\n\n开展活动[[3次|activity:1,2,3]]，其中宣讲[[2次|activity:1,2]]。\n";

    #[test]
    fn an_unchanged_draft_has_no_warnings() {
        let draft = "# 标题\n\n今年开展活动[[3次|activity:1,2,3]]，其中宣讲[[2次|activity:1,2]]，效果良好。\n";
        assert!(draft_warnings(draft, GENERATED, GENERATED).is_empty());
    }

    #[test]
    fn an_edited_figure_is_named() {
        let draft = "# 标题\n\n开展活动[[5次|activity:1,2,3]]，其中宣讲[[2次|activity:1,2]]。\n";
        let w = draft_warnings(draft, GENERATED, GENERATED);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("“5次”") && w[0].contains("“3次”"), "{w:?}");
    }

    #[test]
    fn records_changed_since_the_draft_are_flagged() {
        let now = "# 标题\n\n开展活动[[4次|activity:1,2,3,4]]，其中宣讲[[2次|activity:1,2]]。\n";
        let w = draft_warnings(GENERATED, GENERATED, now);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("2处"), "{w:?}");
    }
}
