//! Search keys for people: pinyin keys of names, so that `zw` or
//! `zhangwei` finds `张伟`, and the search terms the engines' text indexes
//! keep (SQLite FTS5, PostgreSQL GIN over a tsvector), with the one rule of
//! what a query matches ([`Query::matches`]), which both indexes answer.

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
    let syllables = syllables(name);
    let initials = syllables.iter().filter_map(|s| s.chars().next()).collect();
    (syllables.concat(), initials)
}

/// The syllables of a name as [`name_keys`] reads them: the toneless pinyin
/// of each character that has one, and each ASCII letter or digit alone.
pub fn syllables(name: &str) -> Vec<String> {
    name.chars()
        .filter_map(|c| {
            if let Some(py) = c.to_pinyin() {
                Some(py.plain().chars().map(keyboard_letter).collect())
            } else if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase().to_string())
            } else {
                None
            }
        })
        .collect()
}

/// Maps `ü` (the only non-ASCII letter in toneless pinyin) to `v`.
fn keyboard_letter(c: char) -> char {
    if c == 'ü' { 'v' } else { c.to_ascii_lowercase() }
}

/// Normalises a search query: trims, lowercases and removes all whitespace.
pub fn normalize_query(q: &str) -> String {
    q.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Marks a phone term (the number reversed, so that a tail is a prefix).
const PHONE: char = '#';
/// Marks an ID number term (reversed, lowercase).
const ID_NUMBER: char = '!';

/// The characters of a name that its terms are made of: letters and digits,
/// lowercased (what a text index tokenizer keeps; spaces, dots and brackets
/// are left out).
fn name_chars(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The search terms of a person, space-separated, as the store keeps them
/// beside the person (`persons.search_terms`) for the engines' text indexes:
/// - each character of the name (`王`, `小`, `明`);
/// - the pinyin from each syllable on (`wangxiaoming`, `xiaoming`, `ming`)
///   and the initials (`wxm`), matched by prefix;
/// - the phone number reversed after `#`, the ID number reversed after `!`
///   (a tail is then a prefix).
///
/// No term is empty, and terms hold only letters, digits, `#` and `!`.
pub fn person_terms(name: &str, mobile: Option<&str>, id_number: Option<&str>) -> String {
    let mut terms: Vec<String> = Vec::new();
    terms.extend(name_chars(name).iter().map(char::to_string));
    let syllables = syllables(name);
    for i in 0..syllables.len() {
        terms.push(syllables[i..].concat());
    }
    terms.push(syllables.iter().filter_map(|s| s.chars().next()).collect());
    if let Some(m) = mobile.filter(|m| !m.is_empty()) {
        terms.push(std::iter::once(PHONE).chain(m.chars().rev()).collect());
    }
    if let Some(n) = id_number.filter(|n| !n.is_empty()) {
        terms.push(std::iter::once(ID_NUMBER).chain(n.chars().rev().flat_map(char::to_lowercase)).collect());
    }
    let mut seen = std::collections::HashSet::new();
    terms.retain(|t| !t.is_empty() && seen.insert(t.clone()));
    terms.join(" ")
}

/// A term of a query: the whole term, or any term that starts with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub prefix: bool,
}

impl Term {
    fn whole(text: String) -> Term {
        Term { text, prefix: false }
    }
    fn prefix(text: String) -> Term {
        Term { text, prefix: true }
    }

    /// Whether a person's terms (as [`person_terms`] wrote them) hold this one.
    pub fn found_in(&self, terms: &str) -> bool {
        terms.split(' ').any(|t| if self.prefix { t.starts_with(&self.text) } else { t == self.text })
    }
}

/// A search of the people register, read from what the user typed
/// (already through [`normalize_query`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Characters of a name (anything that is not plain ASCII letters or
    /// digits): the name holds the text. `all` are the terms every such name
    /// has (its characters); the store checks the name itself too.
    Name { text: String, all: Vec<Term> },
    /// ASCII letters (and digits): pinyin from a syllable on, or initials,
    /// start with it.
    Pinyin(Term),
    /// Digits: the tail of a phone number, or of an ID number for an account
    /// that may search by it (also with a final `x`).
    Tail { any: Vec<Term> },
}

impl Query {
    /// The query `text` stands for; `id_numbers`: whether the account may
    /// search by ID number. None for an empty text.
    pub fn parse(text: &str, id_numbers: bool) -> Option<Query> {
        if text.is_empty() {
            return None;
        }
        let reversed = |mark: char| std::iter::once(mark).chain(text.chars().rev()).collect::<String>();
        let digits = text.chars().all(|c| c.is_ascii_digit());
        let id_tail =
            text.len() > 1 && text.ends_with('x') && text[..text.len() - 1].chars().all(|c| c.is_ascii_digit());
        if digits || (id_tail && id_numbers) {
            let mut any = Vec::new();
            if digits && text.len() <= 11 {
                let term = reversed(PHONE);
                any.push(if text.len() == 11 { Term::whole(term) } else { Term::prefix(term) });
            }
            if id_numbers && text.len() <= 18 {
                let term = reversed(ID_NUMBER);
                any.push(if text.len() == 18 { Term::whole(term) } else { Term::prefix(term) });
            }
            return Some(Query::Tail { any });
        }
        if text.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Some(Query::Pinyin(Term::prefix(text.to_owned())));
        }
        let mut all: Vec<Term> = Vec::new();
        for c in name_chars(text) {
            let term = Term::whole(c.to_string());
            if !all.contains(&term) {
                all.push(term);
            }
        }
        Some(Query::Name { text: text.to_owned(), all })
    }

    /// The rule itself, on one person: what a plain scan of the register
    /// finds, and what the indexes must find.
    pub fn matches(&self, name: &str, terms: &str) -> bool {
        match self {
            Query::Name { text, all } => {
                name.to_lowercase().contains(text.as_str()) && all.iter().all(|t| t.found_in(terms))
            }
            Query::Pinyin(term) => term.found_in(terms),
            Query::Tail { any } => any.iter().any(|t| t.found_in(terms)),
        }
    }
}
#[cfg(test)]
mod tests {
    #[test]
    fn terms_of_a_person() {
        let terms = person_terms("王小明", Some("13812345678"), Some("11010519491231002X"));
        let list: Vec<&str> = terms.split(' ').collect();
        for t in ["王", "小", "明", "wangxiaoming", "xiaoming", "ming", "wxm", "#87654321831"] {
            assert!(list.contains(&t), "{t} in {terms}");
        }
        assert!(list.contains(&"!x20013219491501011"));
        assert!(list.iter().all(|t| !t.is_empty()));
        assert_eq!(person_terms("李", None, None), "李 li l");
        assert_eq!(person_terms("阿依·买买提", None, None).split(' ').filter(|t| *t == "买").count(), 1);
    }

    #[test]
    fn what_a_query_matches() {
        let terms = person_terms("王小明", Some("13812345678"), Some("11010519491231002X"));
        let finds = |q: &str, ids: bool| Query::parse(&normalize_query(q), ids).unwrap().matches("王小明", &terms);
        for q in ["王", "小明", "王小明", "wang", "xiaom", "ming", "wx", "wxm", "5678", "13812345678"] {
            assert!(finds(q, false), "{q}");
        }
        for q in ["明王", "angx", "xm", "1234", "002x", "王小明明"] {
            assert!(!finds(q, false), "{q}");
        }
        // ID tails only for an account that may search by them.
        assert!(finds("002x", true) && finds("1231002x", true) && finds("11010519491231002X", true));
        assert!(!finds("11010519491231002X", false));
        assert!(Query::parse("", false).is_none());
        // A query of punctuation alone is checked against the name only.
        assert!(Query::parse("·", false).unwrap().matches("阿依·买买提", &person_terms("阿依·买买提", None, None)));
    }

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
