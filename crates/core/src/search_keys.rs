//! Pinyin search keys for person names, so that `zw` or `zhangwei` finds `张伟`.

use pinyin::ToPinyin;

/// Returns `(full, initials)` for a name: full pinyin without tones or spaces
/// and the first letter of each syllable, both lowercase.
///
/// Polyphonic characters use the `pinyin` crate's default reading. `ü` is
/// written `v`, as typed on a keyboard (`吕` → `lv`). ASCII letters and digits
/// are lowercased and kept in both keys; every other character (spaces, the
/// middle dot in transliterated names, punctuation, characters without a
/// reading) is dropped.
pub fn name_keys(name: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in name.chars() {
        if let Some(py) = c.to_pinyin() {
            let plain = py.plain();
            full.extend(plain.chars().map(keyboard_letter));
            initials.extend(plain.chars().next().map(keyboard_letter));
        } else if c.is_ascii_alphanumeric() {
            let lower = c.to_ascii_lowercase();
            full.push(lower);
            initials.push(lower);
        }
    }
    (full, initials)
}

/// Maps `ü` (the only non-ASCII letter in toneless pinyin) to `v`.
fn keyboard_letter(c: char) -> char {
    if c == 'ü' { 'v' } else { c.to_ascii_lowercase() }
}

/// Normalises a search query: trims, lowercases and removes all whitespace.
pub fn normalize_query(q: &str) -> String {
    q.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(name: &str) -> (String, String) {
        name_keys(name)
    }

    #[test]
    fn common_names() {
        assert_eq!(keys("张伟"), ("zhangwei".into(), "zw".into()));
        assert_eq!(keys("王芳"), ("wangfang".into(), "wf".into()));
        assert_eq!(keys("欧阳娜娜"), ("ouyangnana".into(), "oynn".into()));
        assert_eq!(keys("李"), ("li".into(), "l".into()));
    }

    #[test]
    fn u_umlaut_becomes_v() {
        assert_eq!(keys("吕"), ("lv".into(), "l".into()));
        assert_eq!(keys("女"), ("nv".into(), "n".into()));
        let (full, initials) = keys("吕绿");
        assert!(full.is_ascii() && initials.is_ascii());
    }

    #[test]
    fn polyphonic_uses_default_reading() {
        let (full, initials) = keys("单");
        let default = '单'.to_pinyin().unwrap().plain();
        assert_eq!(full, default.replace('ü', "v"));
        assert_eq!(initials.len(), 1);
        assert!(full.starts_with(&initials));
    }

    #[test]
    fn ascii_kept_and_lowercased() {
        assert_eq!(keys("Li Ming"), ("liming".into(), "liming".into()));
        assert_eq!(keys("张3"), ("zhang3".into(), "z3".into()));
        assert_eq!(keys("A组王五"), ("azuwangwu".into(), "azww".into()));
    }

    #[test]
    fn other_characters_dropped() {
        assert_eq!(keys("阿依·买买提"), keys("阿依买买提"));
        assert_eq!(keys(" 张 伟 "), ("zhangwei".into(), "zw".into()));
        assert_eq!(keys("张伟（大）"), keys("张伟大"));
        assert_eq!(keys("Ｌｉ"), (String::new(), String::new()));
        assert_eq!(keys(""), (String::new(), String::new()));
        assert_eq!(keys("😀-_,."), (String::new(), String::new()));
    }

    #[test]
    fn keys_are_lowercase_ascii() {
        for name in ["张伟", "欧阳修", "诸葛亮", "司马光", "吕布", "ZHANG伟", "曾"] {
            let (full, initials) = keys(name);
            assert!(full.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{name}: {full}");
            assert!(initials.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()), "{name}: {initials}");
            assert!(initials.len() <= full.len());
        }
    }

    #[test]
    fn query_normalisation() {
        assert_eq!(normalize_query("  Zhang Wei "), "zhangwei");
        assert_eq!(normalize_query("ZW"), "zw");
        assert_eq!(normalize_query("张\u{3000}伟\t"), "张伟");
        assert_eq!(normalize_query(""), "");
        assert_eq!(normalize_query("   "), "");
    }
}
