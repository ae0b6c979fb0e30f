//! Chinese numerals as written in official documents (公文).
//!
//! Counting numbers use `零` for zero (`一百零一`), a leading `一十` is written
//! `十` (`十一`, `十万`) and inner tens keep the `一` (`一百一十`). Heading
//! markers follow the four-level hierarchy of GB/T 9704: `一、`, `（一）`,
//! `1.`, `（1）`.

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const SECTION_UNITS: [&str; 4] = ["千", "百", "十", ""];

/// Writes `n` in Chinese numerals, e.g. `101` → `"一百零一"`, `10` → `"十"`.
///
/// Intended for 0..=99 999, but every `u32` is handled (using `万` and `亿`).
pub fn to_chinese(n: u32) -> String {
    if n == 0 {
        return DIGITS[0].to_string();
    }
    let sections = [(n / 100_000_000, "亿"), ((n / 10_000) % 10_000, "万"), (n % 10_000, "")];
    let mut out = String::new();
    let mut started = false;
    let mut skipped_zero_section = false;
    for (section, unit) in sections {
        if section == 0 {
            skipped_zero_section |= started;
            continue;
        }
        if started && (skipped_zero_section || section < 1000) {
            out.push(DIGITS[0]);
        }
        push_section(&mut out, section, !started);
        out.push_str(unit);
        started = true;
        skipped_zero_section = false;
    }
    out
}

/// Appends a section `1..=9999`. `leading` marks the most significant section,
/// where `一十` is shortened to `十`.
fn push_section(out: &mut String, section: u32, leading: bool) {
    let digits = [section / 1000, (section / 100) % 10, (section / 10) % 10, section % 10];
    let mut emitted = false;
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 {
            pending_zero |= emitted;
            continue;
        }
        if pending_zero {
            out.push(DIGITS[0]);
            pending_zero = false;
        }
        let bare_ten = leading && !emitted && i == 2 && d == 1;
        if !bare_ten {
            out.push(DIGITS[d as usize]);
        }
        out.push_str(SECTION_UNITS[i]);
        emitted = true;
    }
}

/// Parses Chinese numerals back into a number; the inverse of [`to_chinese`].
///
/// Also accepts `〇` for zero, `两` for two and the long form `一十`.
/// Ambiguous colloquial abbreviations such as `一百一` (110 or 101?) are
/// rejected. Returns `None` for anything malformed or above `u32::MAX`.
pub fn from_chinese(s: &str) -> Option<u32> {
    let s = s.trim();
    if s == "零" || s == "〇" {
        return Some(0);
    }
    if s.is_empty() {
        return None;
    }
    let (yi, rest) = match s.split_once('亿') {
        Some((high, rest)) => (Some(high), rest),
        None => (None, s),
    };
    let (wan, low) = match rest.split_once('万') {
        Some((mid, low)) => (Some(mid), low),
        None => (None, rest),
    };
    let mut total: u32 = 0;
    let mut has_higher = false;
    for (part, multiplier) in [(yi, 100_000_000u32), (wan, 10_000)] {
        if let Some(part) = part {
            let value = parse_section(part, has_higher)?;
            if value == 0 {
                return None;
            }
            total = total.checked_add(value.checked_mul(multiplier)?)?;
            has_higher = true;
        }
    }
    if low.is_empty() {
        return has_higher.then_some(total);
    }
    total.checked_add(parse_section(low, has_higher)?)
}

fn digit_value(c: char) -> Option<u32> {
    match c {
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

fn unit_value(c: char) -> Option<u32> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        _ => None,
    }
}

/// Parses one non-empty section (value 0..=9999, no `万`/`亿`). `has_higher`
/// means a larger unit (`万`/`亿`) precedes it, which allows a leading `零`.
fn parse_section(s: &str, has_higher: bool) -> Option<u32> {
    if s.is_empty() {
        return None;
    }
    let mut value = 0u32;
    let mut pending: Option<u32> = None;
    // Sentinel larger than any in-section unit.
    let mut last_unit = 10_000u32;
    let mut zero_since_unit = false;
    let mut prev_zero = false;
    for c in s.chars() {
        if c == '零' || c == '〇' {
            // A zero may only stand between a higher unit and a lower digit.
            let allowed = (value > 0 || has_higher) && pending.is_none() && !prev_zero;
            if !allowed {
                return None;
            }
            zero_since_unit = true;
            prev_zero = true;
            continue;
        }
        prev_zero = false;
        if let Some(d) = digit_value(c) {
            if pending.is_some() {
                return None;
            }
            pending = Some(d);
        } else if let Some(u) = unit_value(c) {
            if u >= last_unit {
                return None;
            }
            let d = match pending.take() {
                Some(d) => d,
                // Bare `十` at the start of a section means ten.
                None if u == 10 && value == 0 => 1,
                None => return None,
            };
            value += d * u;
            last_unit = u;
            zero_since_unit = false;
        } else {
            return None;
        }
    }
    if prev_zero {
        return None;
    }
    if let Some(d) = pending {
        // A trailing digit is the ones digit only after `十`, after an explicit
        // `零`, or when it stands alone as the whole number.
        let unambiguous = last_unit == 10 || zero_since_unit || (last_unit == 10_000 && !has_higher);
        if !unambiguous {
            return None;
        }
        value += d;
    }
    Some(value)
}

/// Heading number for the given level of an official document:
/// 1 → `一、`, 2 → `（一）`, 3 → `1.`, 4 → `（1）`.
/// Level 0 is treated as 1 and levels above 4 as 4.
pub fn heading_marker(level: u8, n: u32) -> String {
    match level {
        0 | 1 => format!("{}、", to_chinese(n)),
        2 => format!("（{}）", to_chinese(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// Enumeration prefix used in running text: `一是`, `二是`, …
pub fn enumeration(n: u32) -> String {
    format!("{}是", to_chinese(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers() {
        let cases = [
            (0, "零"),
            (1, "一"),
            (2, "二"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (19, "十九"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "一百"),
            (101, "一百零一"),
            (110, "一百一十"),
            (111, "一百一十一"),
            (200, "二百"),
            (999, "九百九十九"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (1100, "一千一百"),
            (1011, "一千零一十一"),
            (2024, "二千零二十四"),
            (9999, "九千九百九十九"),
        ];
        for (n, s) in cases {
            assert_eq!(to_chinese(n), s, "{n}");
        }
    }

    #[test]
    fn wan_and_above() {
        let cases = [
            (10_000, "一万"),
            (10_001, "一万零一"),
            (10_010, "一万零一十"),
            (10_100, "一万零一百"),
            (11_000, "一万一千"),
            (12_345, "一万二千三百四十五"),
            (20_000, "二万"),
            (99_999, "九万九千九百九十九"),
            (100_000, "十万"),
            (150_000, "十五万"),
            (1_000_000, "一百万"),
            (1_010_000, "一百零一万"),
            (100_000_000, "一亿"),
            (100_000_001, "一亿零一"),
            (100_001_000, "一亿零一千"),
            (100_010_000, "一亿零一万"),
            (110_000_000, "一亿一千万"),
            (1_000_000_000, "十亿"),
            (u32::MAX, "四十二亿九千四百九十六万七千二百九十五"),
        ];
        for (n, s) in cases {
            assert_eq!(to_chinese(n), s, "{n}");
            assert_eq!(from_chinese(s), Some(n), "{s}");
        }
    }

    #[test]
    fn round_trip_0_to_20000() {
        for n in 0..=20_000 {
            let s = to_chinese(n);
            assert_eq!(from_chinese(&s), Some(n), "{n} -> {s}");
        }
    }

    #[test]
    fn round_trip_sampled_up_to_99999() {
        for n in (20_000..=99_999).step_by(7) {
            let s = to_chinese(n);
            assert_eq!(from_chinese(&s), Some(n), "{n} -> {s}");
        }
        assert_eq!(from_chinese(&to_chinese(99_999)), Some(99_999));
    }

    #[test]
    fn from_chinese_variants() {
        assert_eq!(from_chinese("〇"), Some(0));
        assert_eq!(from_chinese(" 十二 "), Some(12));
        assert_eq!(from_chinese("一十"), Some(10));
        assert_eq!(from_chinese("一十五"), Some(15));
        assert_eq!(from_chinese("两千"), Some(2000));
        assert_eq!(from_chinese("两百零二"), Some(202));
        assert_eq!(from_chinese("一百〇一"), Some(101));
        assert_eq!(from_chinese("一万零一百"), Some(10_100));
    }

    #[test]
    fn from_chinese_rejects_malformed() {
        for s in [
            "",
            "  ",
            "零零",
            "一零",
            "一二",
            "百",
            "千",
            "万",
            "亿",
            "十百",
            "百一",
            "一百一",
            "一千一",
            "一万一",
            "一百零",
            "零一",
            "一百零零一",
            "一百零十",
            "一千千",
            "三十四十",
            "abc",
            "12",
            "一万万",
            "零万",
            "一亿亿",
            "五十亿",
        ] {
            assert_eq!(from_chinese(s), None, "{s:?}");
        }
    }

    #[test]
    fn heading_markers() {
        assert_eq!(heading_marker(1, 1), "一、");
        assert_eq!(heading_marker(1, 12), "十二、");
        assert_eq!(heading_marker(2, 3), "（三）");
        assert_eq!(heading_marker(2, 10), "（十）");
        assert_eq!(heading_marker(3, 1), "1.");
        assert_eq!(heading_marker(3, 15), "15.");
        assert_eq!(heading_marker(4, 2), "（2）");
        assert_eq!(heading_marker(0, 1), "一、");
        assert_eq!(heading_marker(9, 2), "（2）");
        // Full-width brackets, no trailing 、 at level 2.
        let m = heading_marker(2, 1);
        assert!(m.starts_with('\u{FF08}') && m.ends_with('\u{FF09}'));
        assert!(!m.contains('、'));
    }

    #[test]
    fn enumerations() {
        assert_eq!(enumeration(1), "一是");
        assert_eq!(enumeration(2), "二是");
        assert_eq!(enumeration(10), "十是");
        assert_eq!(enumeration(11), "十一是");
    }
}
