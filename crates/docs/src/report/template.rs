//! User-editable report templates (minijinja), rendered in a sandbox: no
//! loader (no files), no network, the data given and nothing else, a name the
//! data lacks is an error (never silently empty text), and a fuel and size
//! limit stop runaway loops.

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde::Serialize;
use taizhang_core::numerals::to_chinese;

/// The seed's work summary (宣传思想文化工作总结 of a party committee): the
/// preset of party committees and branches.
pub const DEFAULT_SUMMARY: &str = include_str!("../../templates/summary.md.j2");
/// The work summary of any office, from its composition (总结构成): by
/// default one section per top-level work area of its own, then campaigns,
/// sub-orgs, indicators, projects, key persons, teams and matters. The
/// preset of every other kind.
pub const GENERIC_SUMMARY: &str = include_str!("../../templates/composed.md.j2");

/// The built-in templates (presets): (code, name, source).
pub const PRESETS: &[(&str, &str, &str)] = &[
    ("ideology", "宣传思想文化工作总结（党委）", DEFAULT_SUMMARY),
    ("composed", "按总结构成的工作总结", GENERIC_SUMMARY),
];

/// The preset an org of this kind (`OrgKind::as_str`) starts from when
/// neither it nor an org above it keeps a template of its own.
pub fn preset_for_kind(kind: &str) -> &'static str {
    match kind {
        "party_committee" | "party_branch" => DEFAULT_SUMMARY,
        _ => GENERIC_SUMMARY,
    }
}

/// Whether a source is one of the built-in presets (trusted: it runs in the
/// server's own process).
pub fn is_preset(source: &str) -> bool {
    PRESETS.iter().any(|(_, _, s)| *s == source)
}

/// Instructions a template may spend: far more than any real summary needs
/// (the default uses a few thousand), few enough to stop a runaway loop fast.
const FUEL: u64 = 2_000_000;
/// Largest text a template may produce.
const MAX_OUTPUT: usize = 512 * 1024;

/// A template that could not be rendered: the line (when known) and why, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("模板第{}行：{message}", line.map_or("?".to_owned(), |l| l.to_string()))]
pub struct TemplateError {
    pub line: Option<usize>,
    pub message: String,
}

fn explain(e: &Error) -> String {
    let detail = e.detail().map(|d| format!("（{d}）")).unwrap_or_default();
    let what = match e.kind() {
        ErrorKind::SyntaxError => "语法错误",
        ErrorKind::UndefinedError => "使用了不存在的名称",
        ErrorKind::UnknownFilter => "未知的过滤器",
        ErrorKind::UnknownFunction => "未知的函数",
        ErrorKind::UnknownMethod => "未知的方法",
        ErrorKind::InvalidOperation => "无效的操作",
        ErrorKind::OutOfFuel => "模板运行步数超过上限（可能存在无限循环）",
        ErrorKind::TemplateNotFound => "不能引用其他模板或文件",
        ErrorKind::MissingArgument | ErrorKind::TooManyArguments => "参数个数不对",
        ErrorKind::BadSerialization => "数据无法输出",
        _ => "渲染失败",
    };
    format!("{what}{detail}")
}

/// "[[4次|activity:1,2,3,4]]": a figure with its unit, citing its records.
fn figure(value: Value, unit: Option<String>) -> Result<String, Error> {
    let n = value.get_attr("n")?;
    if n.is_undefined() {
        return Err(Error::new(ErrorKind::InvalidOperation, "figure 需要一个统计数（含 n 和 cite）"));
    }
    let cite = value.get_attr("cite")?;
    let text = format!("{n}{}", unit.unwrap_or_default());
    Ok(match cite.as_str() {
        Some(c) if !c.is_empty() => format!("[[{text}|{c}]]"),
        _ => text,
    })
}

/// A number as these documents write it, with its unit: 4200人次,
/// 12.6万人次, 3.42亿元, 182.5小时. Given a figure (with `n` and `cite`), the
/// text cites its records like `figure` does.
fn amount(value: Value, unit: Option<String>) -> Result<String, Error> {
    let (n, cite) = match value.get_attr("n") {
        Ok(n) if !n.is_undefined() => (n, value.get_attr("cite")?.as_str().map(str::to_owned)),
        _ => (value, None),
    };
    let number =
        f64::try_from(n.clone()).map_err(|_| Error::new(ErrorKind::InvalidOperation, "amount 需要一个数字或统计数"))?;
    let text = format!("{}{}", written_number(number), unit.unwrap_or_default());
    Ok(match cite {
        Some(c) if !c.is_empty() => format!("[[{text}|{c}]]"),
        _ => text,
    })
}

/// 12600 as 1.26万, 342000000 as 3.42亿 (two decimals at most, trailing
/// zeros dropped), smaller numbers whole or with one decimal; never "-0".
pub fn written_number(n: f64) -> String {
    let trim = |s: String| {
        if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
    };
    let n = if n == 0.0 { 0.0 } else { n };
    let (scaled, suffix) = if n.abs() >= 1e8 {
        (n / 1e8, "亿")
    } else if n.abs() >= 1e4 {
        (n / 1e4, "万")
    } else {
        return trim(format!("{n:.1}"));
    };
    format!("{}{suffix}", trim(format!("{scaled:.2}")))
}

/// Items joined with 、 (the last with 和 when `last` is given).
fn join_cn(items: Vec<Value>, last: Option<String>) -> String {
    let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
    match (items.split_last(), last) {
        (Some((tail, head)), Some(word)) if !head.is_empty() => format!("{}{word}{tail}", head.join("、")),
        _ => items.join("、"),
    }
}

/// "一是……；二是……。": an enumeration inside one paragraph; a single item is
/// just itself.
fn enumerate_cn(items: Vec<Value>) -> String {
    if let [only] = items.as_slice() {
        return format!("{}。", only.to_string().trim_end_matches(['。', '；']));
    }
    let parts: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let text = v.to_string();
            format!("{}是{}", to_chinese(i as u32 + 1), text.trim_end_matches(['。', '；']))
        })
        .collect();
    if parts.is_empty() { String::new() } else { format!("{}。", parts.join("；")) }
}

/// A section's own text with its figure chips filled ([`super::chips::fill`]).
fn chips(text: String, section: Value, data: Value) -> Result<String, Error> {
    let json = |v: &Value| {
        serde_json::to_value(v).map_err(|e| Error::new(ErrorKind::InvalidOperation, format!("chips 的参数不对（{e}）")))
    };
    Ok(super::chips::fill(&text, &json(&section)?, &json(&data)?))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_fuel(Some(FUEL));
    env.set_recursion_limit(50);
    env.add_filter("figure", figure);
    env.add_filter("amount", amount);
    env.add_filter("cn", |n: u32| to_chinese(n));
    env.add_filter("join_cn", join_cn);
    env.add_filter("enumerate_cn", enumerate_cn);
    env.add_filter("chips", chips);
    env
}

/// Checks a template without data: syntax only.
pub fn check(source: &str) -> Result<(), TemplateError> {
    let mut env = environment();
    env.add_template_owned("summary", source.to_owned())
        .map_err(|e| TemplateError { line: e.line(), message: explain(&e) })
}

/// Renders `source` over `data` into report markup. The output is written
/// into a buffer that refuses to grow past [`MAX_OUTPUT`], so a template
/// that prints without end stops there, not after building it all.
///
/// Every string of `data` reaches the template escaped for the markup
/// ([`super::escape_markup`]): record text shows as written, never as a
/// citation, heading or right-aligned line; the template's own text and the
/// `figure` filter's citations keep their meaning.
pub fn render(source: &str, data: &impl Serialize) -> Result<String, TemplateError> {
    let data = serde_json::to_value(data)
        .map(escaped)
        .map_err(|e| TemplateError { line: None, message: format!("数据无法输出（{e}）") })?;
    let mut env = environment();
    env.add_template_owned("summary", source.to_owned())
        .map_err(|e| TemplateError { line: e.line(), message: explain(&e) })?;
    let template = env.get_template("summary").map_err(|e| TemplateError { line: e.line(), message: explain(&e) })?;
    let mut out = Bounded(Vec::new());
    let too_long =
        || TemplateError { line: None, message: format!("生成的文字超过{}KB上限", MAX_OUTPUT / 1024) };
    match template.render_captured_to(minijinja::context! { data => Value::from_serialize(&data) }, &mut out) {
        Ok(_) => {}
        Err(_) if out.0.len() >= MAX_OUTPUT => return Err(too_long()),
        Err(e) => return Err(TemplateError { line: e.line(), message: explain(&e) }),
    }
    String::from_utf8(out.0).map_err(|_| too_long())
}

/// The facts with every string escaped for the markup (keys are names, not text).
fn escaped(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as Json;
    match value {
        Json::String(s) => Json::String(super::escape_markup(&s)),
        Json::Array(items) => Json::Array(items.into_iter().map(escaped).collect()),
        Json::Object(map) => Json::Object(map.into_iter().map(|(k, v)| (k, escaped(v))).collect()),
        other => other,
    }
}

/// A buffer that fails once it would hold more than [`MAX_OUTPUT`] bytes.
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT {
            self.0.resize(MAX_OUTPUT, 0);
            return Err(std::io::Error::other("output too long"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The request a template worker reads: a template and the facts it runs over.
#[derive(Serialize, serde::Deserialize)]
pub struct WorkerRequest<D> {
    pub source: String,
    pub data: D,
}

/// A worker's answer: the markup, or the template's error.
#[derive(Serialize, serde::Deserialize)]
pub enum WorkerAnswer {
    Markup(String),
    Failed { line: Option<usize>, message: String },
}

/// The template worker's whole life: one [`WorkerRequest`] read as JSON from
/// `input`, one [`WorkerAnswer`] written as JSON to `output`. The program
/// that runs it (in a child process with a memory and time limit) is the
/// sandbox of templates that users write.
pub fn worker(input: impl std::io::Read, output: impl std::io::Write) -> std::io::Result<()> {
    let request: WorkerRequest<serde_json::Value> =
        serde_json::from_reader(input.take(MAX_WORKER_INPUT)).map_err(std::io::Error::other)?;
    let answer = match render(&request.source, &request.data) {
        Ok(markup) => WorkerAnswer::Markup(markup),
        Err(e) => WorkerAnswer::Failed { line: e.line, message: e.message },
    };
    serde_json::to_writer(output, &answer).map_err(std::io::Error::other)
}

/// Largest request a worker reads: a county's facts with room to spare.
const MAX_WORKER_INPUT: u64 = 256 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_their_line_and_stop_loops() {
        let data = serde_json::json!({ "n": 3, "items": ["甲", "乙"] });
        let e = render("第一行\n{{ data.n }\n", &data).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.starts_with("语法错误"), "{e}");
        let e = render("第一行\n第二行{{ data.nothing }}\n", &data).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("不存在的名称"), "{e}");
        let e = render("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}", &data)
            .unwrap_err();
        assert!(e.message.contains("无限循环") || e.message.contains("上限"), "{e}");
        let e = render("{% for i in range(100000) %}{{ 'x' * 1000000 }}{% endfor %}", &data).unwrap_err();
        assert!(e.message.contains("上限"), "{e}");
        let e = render("{% include 'etc/passwd' %}", &data).unwrap_err();
        assert!(e.message.contains("不能引用其他模板"), "{e}");
    }

    #[test]
    fn numbers_are_written_as_documents_write_them() {
        assert_eq!(written_number(4200.0), "4200");
        assert_eq!(written_number(12600.0), "1.26万");
        assert_eq!(written_number(126000.0), "12.6万");
        assert_eq!(written_number(342_000_000.0), "3.42亿");
        assert_eq!(written_number(182.5), "182.5");
        assert_eq!(written_number(-0.0), "0");
        let data = serde_json::json!({ "f": { "n": 126000, "cite": "activity:1" }, "h": 0.0 });
        assert_eq!(
            render("{{ data.f|amount('人次') }} {{ data.h|amount('小时') }}", &data).unwrap(),
            "[[12.6万人次|activity:1]] 0小时"
        );
    }

    #[test]
    fn filters_cite_join_and_enumerate() {
        let data = serde_json::json!({ "f": { "n": 4, "cite": "activity:1,2,3,4" }, "items": ["甲", "乙", "丙"] });
        let out = render(
            "{{ data.f|figure('次') }} {{ data.items|join_cn('和') }} {{ data.items|enumerate_cn }} {{ 12|cn }}",
            &data,
        )
        .unwrap();
        assert_eq!(out, "[[4次|activity:1,2,3,4]] 甲、乙和丙 一是甲；二是乙；三是丙。 十二");
        assert_eq!(render("{{ ['唯一一项。']|enumerate_cn }}", &data).unwrap(), "唯一一项。");
    }

    /// Record text that looks like markup stays text in the document: no
    /// citation, heading or right-aligned line comes from it, and template
    /// syntax in it is not run; the template's own citations still work.
    #[test]
    fn record_text_never_becomes_markup() {
        let title = "[[假数字|activity:1]] [x](javascript:alert(1)) <img src=x onerror=alert(1)> {{ data }}";
        let data = serde_json::json!({
            "titles": [title, "## 假标题", ">> 假落款", "a\\[[b|activity:2]]"],
            "f": { "n": 2, "cite": "activity:7,8" },
            "name": "项目|甲]]",
            "cite": "project:3",
        });
        let markup = render(
            "# 总结\n\n{{ data.titles|join_cn }}，共{{ data.f|figure('次') }}。\n\n{{ data.titles[1] }}\n\n\
             {{ data.titles[2] }}\n\n督促[[{{ data.name }}|{{ data.cite }}]]。\n\n{% for t in data.titles %}{{ t }}{% endfor %}\n",
            &data,
        )
        .unwrap();
        let doc = super::super::parse(&markup);
        let cites: Vec<(String, String)> = doc
            .blocks
            .iter()
            .flat_map(|b| match b {
                super::super::Block::Paragraph(spans) => spans.clone(),
                other => panic!("only paragraphs, not {other:?}"),
            })
            .filter_map(|s| Some((s.text, s.cite?)))
            .collect();
        assert_eq!(
            cites,
            [("2次".to_owned(), "activity:7,8".to_owned()), ("项目|甲]]".to_owned(), "project:3".to_owned())]
        );
        let text = doc.plain_text();
        assert!(text.contains(&format!("{title}、## 假标题、>> 假落款、a\\[[b|activity:2]]，共2次。")), "{text}");
        assert!(text.contains("\n## 假标题\n>> 假落款\n"), "{text}");
        assert!(text.ends_with(&format!("{title}## 假标题>> 假落款a\\[[b|activity:2]]")), "{text}");
    }
}
