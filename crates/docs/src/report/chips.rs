//! Figure chips in a section's own text: `「次数」`, `「宣讲·次数」`,
//! `「7至8月·次数」`, `「指标：覆盖率」` ... replaced by the section's figures,
//! each citing its records (see `taizhang_core::composition::CHIPS`).

use serde_json::Value as Json;
use taizhang_core::composition::{chips_in, parse_months};

use super::template::written_number;

fn n(v: &Json) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// "[[12次|activity:1,2]]" of a figure (`{n, cite}`) with its unit.
fn cited(figure: &Json, unit: &str) -> String {
    let count = figure.get("n").and_then(Json::as_u64).unwrap_or(0);
    match figure.get("cite").and_then(Json::as_str) {
        Some(c) if !c.is_empty() => format!("[[{count}{unit}|{c}]]"),
        _ => format!("{count}{unit}"),
    }
}

fn amount(v: &Json, unit: &str) -> String {
    format!("{}{unit}", written_number(n(v)))
}

/// Two significant digits, rounded (`up` false) or down (`up` true is never
/// used: "余" reads down, "约" rounds).
fn two_digits(n: f64, round: bool) -> f64 {
    if n.abs() < 100.0 {
        return if round { (n / 10.0).round() * 10.0 } else { (n / 10.0).floor() * 10.0 };
    }
    let scale = 10f64.powi(n.abs().log10().floor() as i32 - 1);
    (if round { (n / scale).round() } else { (n / scale).floor() }) * scale
}

/// A chip's text written approximately: "·约" gives 约4200人次 (two
/// significant digits, rounded), "·余" gives 4200余人次 (two significant
/// digits, down); numbers under ten stay as they are.
fn approximate(text: &str, round: bool) -> String {
    let start = text.find(|c: char| c.is_ascii_digit()).unwrap_or(text.len());
    let rest = &text[start..];
    let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
    let Ok(mut n) = rest[..len].parse::<f64>() else { return text.to_owned() };
    let mut end = start + len;
    if rest[len..].starts_with('万') {
        n *= 1e4;
        end += '万'.len_utf8();
    } else if rest[len..].starts_with('亿') {
        n *= 1e8;
        end += '亿'.len_utf8();
    }
    if n < 10.0 {
        return text.to_owned();
    }
    let written = written_number(two_digits(n, round));
    let number = if round { format!("约{written}") } else { format!("{written}余") };
    format!("{}{number}{}", &text[..start], &text[end..])
}

/// The text of one chip, or `None` when the section has no such figure.
fn value(chip: &str, section: &Json, data: &Json) -> Option<String> {
    if let Some(base) = chip.strip_suffix("·约") {
        return value(base, section, data).map(|t| approximate(&t, true));
    }
    if let Some(base) = chip.strip_suffix("·余") {
        return value(base, section, data).map(|t| approximate(&t, false));
    }
    let g = section.get("group")?;
    let when = data.get("period_name").and_then(Json::as_str).filter(|s| !s.is_empty()).unwrap_or("全年");
    Some(match chip {
        "期间" => when.to_owned(),
        "次数" => cited(g.get("count")?, "次"),
        "参与人次" => amount(g.get("people")?, "人次"),
        "服务人次" => amount(g.get("others")?, "人次"),
        "覆盖人次" => amount(g.get("reached")?, "人次"),
        "服务时长" => amount(g.get("hours")?, "小时"),
        "横幅" => amount(g.get("banners")?, "条"),
        "展板" => amount(g.get("boards")?, "块"),
        "信息" => amount(g.get("posts")?, "条"),
        "活动名称" => {
            let titles: Vec<&str> = g.get("titles")?.as_array()?.iter().filter_map(Json::as_str).collect();
            if titles.is_empty() {
                return None;
            }
            titles.join("、")
        }
        "项目数" | "完工项目数" | "在建项目数" | "未开工项目数" => {
            let p = data.get("figures")?.get("projects")?;
            let key = match chip {
                "项目数" => "total",
                "完工项目数" => "done",
                "在建项目数" => "in_progress",
                _ => "not_started",
            };
            cited(p.get(key)?, "个")
        }
        "重点人员" => cited(data.get("figures")?.get("key_persons")?.get("total")?, "人"),
        _ => return indicator(chip, data).or_else(|| counted(chip, g)),
    })
}

/// 「<种类>·次数」 and 「7至8月·次数」 inside the section's group.
fn counted(chip: &str, g: &Json) -> Option<String> {
    let head = chip.strip_suffix("·次数")?.trim();
    if let Some(months) = parse_months(head) {
        let mut ids: Vec<String> = Vec::new();
        let mut total = 0;
        for m in g.get("months")?.as_array()? {
            if months.contains(&(m.get("month")?.as_u64()? as u32)) {
                let count = m.get("count")?;
                total += count.get("n")?.as_u64()?;
                if let Some(rest) = count.get("cite").and_then(Json::as_str).and_then(|c| c.strip_prefix("activity:")) {
                    ids.push(rest.to_owned());
                }
            }
        }
        return Some(if ids.is_empty() {
            format!("{total}次")
        } else {
            format!("[[{total}次|activity:{}]]", ids.join(","))
        });
    }
    let kinds = g.get("kinds")?.as_array()?;
    let k = kinds.iter().find(|k| k.get("label").and_then(Json::as_str) == Some(head))?;
    Some(cited(k.get("count")?, "次"))
}

/// A number given as a number or as text ("+12.3").
fn number_of(v: &Json) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str().and_then(|s| s.trim_start_matches('+').parse().ok()))
}

/// 「指标：<名称>」, 「指标：<名称>·同比」, 「指标：<名称>·目标完成率」.
fn indicator(chip: &str, data: &Json) -> Option<String> {
    let rest = chip.strip_prefix("指标：").or_else(|| chip.strip_prefix("指标:"))?.trim();
    let (name, what) = match rest.rsplit_once('·') {
        Some((name, what)) => (name.trim(), what.trim()),
        None => (rest, ""),
    };
    let list = data.get("figures")?.get("indicators")?.as_array()?;
    let i = list.iter().find(|i| i.get("name").and_then(Json::as_str) == Some(name))?;
    let cite = i.get("cite").and_then(Json::as_str).unwrap_or_default();
    let unit = i.get("unit").and_then(Json::as_str).unwrap_or_default();
    let text = match what {
        "" => format!("{}{unit}", i.get("value").and_then(Json::as_str)?),
        "同比" => {
            // For a percentage the change is in 百分点; otherwise relative.
            let (key, points) = if unit == "%" { ("change", "个百分点") } else { ("change_percent", "%") };
            let change: f64 = number_of(i.get(key)?)?;
            let word = if change >= 0.0 { "增长" } else { "下降" };
            format!("同比{word}{}{points}", written_number(change.abs()))
        }
        "目标完成率" => format!("{}%", written_number(number_of(i.get("percent_of_target")?)?)),
        _ => return None,
    };
    Some(if cite.is_empty() { text } else { format!("[[{text}|{cite}]]") })
}

/// `text` (already escaped for the markup) with each chip replaced by its
/// figure; a chip the section has no figure for is left as 【名称：无数据】,
/// plainly visible in the preview.
pub fn fill(text: &str, section: &Json, data: &Json) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    for chip in chips_in(text) {
        let Some(start) = rest.find('「') else { break };
        let Some(len) = rest[start..].find('」') else { break };
        out.push_str(&rest[..start]);
        match value(chip, section, data) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&format!("【{chip}：无数据】")),
        }
        rest = &rest[start + len + '」'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn approximate_figures_read_as_documents_write_them() {
        assert_eq!(approximate("4236人次", true), "约4200人次");
        assert_eq!(approximate("4236人次", false), "4200余人次");
        assert_eq!(approximate("[[1.26万人次|activity:1]]", true), "[[约1.3万人次|activity:1]]");
        assert_eq!(approximate("215户", false), "210余户");
        assert_eq!(approximate("37件", false), "30余件");
        assert_eq!(approximate("7次", true), "7次");
    }

    #[test]
    fn chips_become_cited_figures() {
        let section = json!({ "group": {
            "count": { "n": 3, "cite": "activity:1,2,3" }, "people": 12600, "others": 0, "reached": 0,
            "hours": 0.0, "banners": 2, "boards": 0, "posts": 0, "titles": ["甲", "乙"],
            "kinds": [{ "label": "宣讲", "count": { "n": 2, "cite": "activity:1,2" } }],
            "months": [{ "month": 7, "count": { "n": 1, "cite": "activity:1" } },
                       { "month": 8, "count": { "n": 1, "cite": "activity:2" } },
                       { "month": 9, "count": { "n": 1, "cite": "activity:3" } }] } });
        let data = json!({ "period_name": "", "figures": { "indicators": [
            { "name": "覆盖率", "unit": "%", "value": "96.5", "change": "+1.2", "change_percent": "+1.26", "cite": "indicator_value:4" }] } });
        let text = fill(
            "「期间」开展「次数」，其中「宣讲·次数」，7至8月「7至8月·次数」，参与「参与人次」，覆盖率「指标：覆盖率」，「指标：覆盖率·同比」；「未知·次数」",
            &section,
            &data,
        );
        assert_eq!(
            text,
            "全年开展[[3次|activity:1,2,3]]，其中[[2次|activity:1,2]]，7至8月[[2次|activity:1,2]]，参与1.26万人次，\
             覆盖率[[96.5%|indicator_value:4]]，[[同比增长1.2个百分点|indicator_value:4]]；【未知·次数：无数据】"
        );
    }
}
