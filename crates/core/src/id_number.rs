//! Mainland China resident identity card numbers (GB 11643-1999).
//!
//! [`IdNumber`] can only be constructed through [`IdNumber::parse`], so every
//! value in circulation has a valid length, province code, birth date and (for
//! 18-character numbers) check character.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize, Serializer};

/// Weights of the 17 body digits for the ISO 7064 MOD 11-2 check character.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character indexed by `sum mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Earliest birth year accepted (historical records do contain 19th-century births).
const MIN_BIRTH_YEAR: i32 = 1800;

/// Gender as encoded in the sequence digit of an ID number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// Stable machine code: `"male"` / `"female"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    /// Chinese label: `"男"` / `"女"`.
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    /// Accepts `male`/`female`/`m`/`f` (any case, surrounding spaces ignored) and `男`/`女`.
    pub fn parse(input: &str) -> Option<Gender> {
        let s = input.trim().to_ascii_lowercase();
        match s.as_str() {
            "male" | "m" | "男" => Some(Gender::Male),
            "female" | "f" | "女" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// Why a string is not a valid ID number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号不能为空")]
    Empty,
    #[error("身份证号应为18位（或旧式15位），实际为{0}位")]
    Length(usize),
    #[error("身份证号含有非法字符")]
    BadChar,
    #[error("身份证号的地区码无效")]
    Region,
    #[error("身份证号中的出生日期无效")]
    BirthDate,
    #[error("身份证号中的出生日期晚于今天")]
    FutureBirth,
    #[error("身份证号校验位错误：应为{expected}，实为{found}")]
    CheckDigit { expected: char, found: char },
}

/// A validated resident ID number: 18 characters (last may be `X`, always
/// stored uppercase) or a legacy 15-digit number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses and validates an ID number. `today` bounds the birth date.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let len = s.chars().count();
        let value = match len {
            18 => {
                let (body, last) = s.split_at(s.len() - s.chars().last().map_or(0, char::len_utf8));
                if !body.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdNumberError::BadChar);
                }
                let last = match last {
                    "x" | "X" => 'X',
                    d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => d.as_bytes()[0] as char,
                    _ => return Err(IdNumberError::BadChar),
                };
                check_region(body)?;
                check_birth(&body[6..14], today)?;
                // `body` is 17 ASCII digits, so a check character always exists.
                let expected = check_char(body).ok_or(IdNumberError::BadChar)?;
                if expected != last {
                    return Err(IdNumberError::CheckDigit { expected, found: last });
                }
                let mut v = String::with_capacity(18);
                v.push_str(body);
                v.push(last);
                v
            }
            15 => {
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdNumberError::BadChar);
                }
                check_region(s)?;
                let birth = format!("19{}", &s[6..12]);
                check_birth(&birth, today)?;
                s.to_owned()
            }
            n => return Err(IdNumberError::Length(n)),
        };
        Ok(IdNumber(value))
    }

    /// Rebuilds a number read back from storage, where it was written after
    /// [`IdNumber::parse`] succeeded. The value is re-validated (without the
    /// birth-date upper bound) and normalised; a value that no longer passes is
    /// kept verbatim so that a corrupted row stays visible rather than failing
    /// the whole read. The accessors never panic, whatever the content.
    pub fn from_stored(value: String) -> IdNumber {
        IdNumber::parse(&value, NaiveDate::MAX).unwrap_or(IdNumber(value))
    }

    /// The full number (uppercase `X`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for a legacy 15-digit number.
    pub fn is_legacy(&self) -> bool {
        self.0.len() == 15
    }

    /// Birth date encoded in the number. (Only a corrupted stored value,
    /// see [`IdNumber::from_stored`], can yield the `NaiveDate::MIN` fallback.)
    pub fn birth_date(&self) -> NaiveDate {
        let parts = if self.is_legacy() {
            (self.digits(6..8).map(|y| y + 1900), self.digits(8..10), self.digits(10..12))
        } else {
            (self.digits(6..10), self.digits(10..12), self.digits(12..14))
        };
        match parts {
            (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
            _ => None,
        }
        .unwrap_or(NaiveDate::MIN)
    }

    /// Gender from the sequence digit (odd: male, even: female).
    pub fn gender(&self) -> Gender {
        let idx = if self.is_legacy() { 14 } else { 16 };
        match self.digits(idx..idx + 1) {
            Some(d) if d % 2 == 1 => Gender::Male,
            _ => Gender::Female,
        }
    }

    /// The six-digit administrative region code.
    pub fn region_code(&self) -> &str {
        self.0.get(..6).unwrap_or(&self.0)
    }

    /// First four and last four characters kept, the rest replaced with `*`.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        if n <= 8 {
            return "*".repeat(n);
        }
        let mut out: String = chars[..4].iter().collect();
        out.push_str(&"*".repeat(n - 8));
        out.extend(&chars[n - 4..]);
        out
    }

    /// The number held by `range` if it is all ASCII digits.
    fn digits(&self, range: std::ops::Range<usize>) -> Option<u32> {
        self.0.get(range).filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).map(num)
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Computes the ISO 7064 MOD 11-2 check character for the first 17 digits.
/// Returns `None` unless `first17` is exactly 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize])
}

/// Heuristic: does `input` look like an ID number that a spreadsheet stored as
/// a number? Catches scientific notation (`4.40524E+17`), 18-digit values whose
/// last three digits were zeroed by float rounding (ending in `000` with a
/// failing check digit), and 16–17 digit strings (digits lost).
pub fn looks_like_excel_mangled(input: &str) -> bool {
    let s = input.trim();
    if is_scientific_id(s) {
        return true;
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        match s.len() {
            16 | 17 => return true,
            18 if s.ends_with("000") => return check_char(&s[..17]) != Some('0'),
            _ => {}
        }
    }
    false
}

/// `d[.ddd](E|e)[+]NN` with an exponent that fits a 15- or 18-digit number.
fn is_scientific_id(s: &str) -> bool {
    let Some(pos) = s.find(['E', 'e']) else {
        return false;
    };
    let (mantissa, exponent) = (&s[..pos], &s[pos + 1..]);
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    if exponent.is_empty() || exponent.len() > 2 || !exponent.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if !(14..=17).contains(&num(exponent)) {
        return false;
    }
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let int_ok = int_part.len() == 1 && matches!(int_part.as_bytes()[0], b'1'..=b'9');
    let frac_ok = frac_part.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
    int_ok && frac_ok
}

/// Parses a short run of ASCII digits already known to be valid.
fn num(digits: &str) -> u32 {
    digits.bytes().fold(0, |acc, b| acc * 10 + u32::from(b.wrapping_sub(b'0')))
}

fn check_region(digits: &str) -> Result<(), IdNumberError> {
    let province = num(&digits[..2]);
    let valid = matches!(
        province,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83
    );
    if valid { Ok(()) } else { Err(IdNumberError::Region) }
}

/// `yyyymmdd` is 8 ASCII digits.
fn check_birth(yyyymmdd: &str, today: NaiveDate) -> Result<(), IdNumberError> {
    let (y, m, d) = (num(&yyyymmdd[..4]), num(&yyyymmdd[4..6]), num(&yyyymmdd[6..8]));
    let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(IdNumberError::BirthDate)?;
    if date.year() < MIN_BIRTH_YEAR {
        return Err(IdNumberError::BirthDate);
    }
    if date > today {
        return Err(IdNumberError::FutureBirth);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
    }

    fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse(s, today())
    }

    /// Builds a valid 18-character number from a 17-digit body.
    fn with_check(body: &str) -> String {
        format!("{body}{}", check_char(body).unwrap())
    }

    #[test]
    fn standard_vectors() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.region_code(), "110105");
        assert!(!id.is_legacy());

        let id = parse("440524188001010014").unwrap();
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1880, 1, 1).unwrap());
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.region_code(), "440524");
    }

    #[test]
    fn lowercase_x_is_uppercased() {
        let id = parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, parse("11010519491231002X").unwrap());
    }

    #[test]
    fn trims_surrounding_spaces() {
        let id = parse("  11010519491231002X \t").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert!(parse("\u{3000}11010519491231002X\u{3000}").is_ok());
    }

    #[test]
    fn check_char_computation() {
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(check_char("44052418800101001"), Some('4'));
        assert_eq!(check_char("1101051949123100"), None);
        assert_eq!(check_char("110105194912310021"), None);
        assert_eq!(check_char("1101051949123100a"), None);
        assert_eq!(check_char(""), None);
    }

    #[test]
    fn wrong_check_digit() {
        assert_eq!(parse("110105194912310021"), Err(IdNumberError::CheckDigit { expected: 'X', found: '1' }));
        assert_eq!(parse("44052418800101001X"), Err(IdNumberError::CheckDigit { expected: '4', found: 'X' }));
        let msg = parse("110105194912310021").unwrap_err().to_string();
        assert_eq!(msg, "身份证号校验位错误：应为X，实为1");
    }

    #[test]
    fn length_errors() {
        assert_eq!(parse(""), Err(IdNumberError::Empty));
        assert_eq!(parse("   "), Err(IdNumberError::Empty));
        assert_eq!(parse("1101051949"), Err(IdNumberError::Length(10)));
        assert_eq!(parse("11010519491231002X1"), Err(IdNumberError::Length(19)));
        assert_eq!(IdNumberError::Length(10).to_string(), "身份证号应为18位（或旧式15位），实际为10位");
        // Length counts characters, not bytes.
        assert_eq!(parse("身份证"), Err(IdNumberError::Length(3)));
    }

    #[test]
    fn bad_characters() {
        assert_eq!(parse("1101051949123100AX"), Err(IdNumberError::BadChar));
        assert_eq!(parse("11010519491231002Y"), Err(IdNumberError::BadChar));
        assert_eq!(parse("X10105194912310021"), Err(IdNumberError::BadChar));
        assert_eq!(parse("1101051949 231002X"), Err(IdNumberError::BadChar));
        assert_eq!(parse("11010519491231002号"), Err(IdNumberError::BadChar));
        assert_eq!(parse("11010549123100X"), Err(IdNumberError::BadChar));
        assert_eq!(parse("１１０１０５４９１２３１００２"), Err(IdNumberError::BadChar));
    }

    #[test]
    fn region_codes() {
        for prefix in [
            "00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80", "84", "91",
            "99",
        ] {
            let body = format!("{prefix}010519491231002");
            assert_eq!(parse(&with_check(&body)), Err(IdNumberError::Region), "{prefix}");
        }
        for prefix in ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83"] {
            let body = format!("{prefix}010519491231002");
            let id = parse(&with_check(&body)).unwrap_or_else(|e| panic!("{prefix}: {e}"));
            assert!(id.region_code().starts_with(prefix));
        }
    }

    #[test]
    fn birth_date_checks() {
        // Not a real date.
        assert_eq!(parse(&with_check("11010519490230002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&with_check("11010519491301002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&with_check("11010519490000002")), Err(IdNumberError::BirthDate));
        assert_eq!(parse(&with_check("11010520230229002")), Err(IdNumberError::BirthDate));
        // Leap day is fine.
        assert!(parse(&with_check("11010520000229002")).is_ok());
        // Lower bound 1800-01-01.
        assert!(parse(&with_check("11010518000101002")).is_ok());
        assert_eq!(parse(&with_check("11010517991231002")), Err(IdNumberError::BirthDate));
        // Upper bound: today.
        assert!(parse(&with_check("11010520240601002")).is_ok());
        assert_eq!(parse(&with_check("11010520240602002")), Err(IdNumberError::FutureBirth));
        assert_eq!(IdNumberError::FutureBirth.to_string(), "身份证号中的出生日期晚于今天");
    }

    #[test]
    fn legacy_fifteen_digits() {
        let id = parse("110105491231002").unwrap();
        assert!(id.is_legacy());
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.masked(), "1101*******1002");

        let id = parse("440524800101001").unwrap();
        assert_eq!(id.gender(), Gender::Male);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1980, 1, 1).unwrap());

        assert_eq!(parse("110105491331002"), Err(IdNumberError::BirthDate));
        assert_eq!(parse("990105491231002"), Err(IdNumberError::Region));
        // 19YY birth dates are never in the future relative to 2024.
        assert!(parse("110105991231002").is_ok());
    }

    #[test]
    fn gender_from_sequence_digit() {
        for (seq, g) in [('0', Gender::Female), ('1', Gender::Male), ('8', Gender::Female), ('9', Gender::Male)] {
            let body = format!("4401061990010100{seq}");
            assert_eq!(parse(&with_check(&body)).unwrap().gender(), g);
        }
    }

    #[test]
    fn masking() {
        let id = parse(&with_check("45010119900101123")).unwrap();
        assert_eq!(id.as_str().len(), 18);
        let masked = id.masked();
        assert_eq!(masked.len(), 18);
        assert_eq!(&masked[..4], "4501");
        assert_eq!(&masked[4..14], "**********");
        assert_eq!(&masked[14..], &id.as_str()[14..]);
        assert_eq!(parse("11010519491231002X").unwrap().masked(), "1101**********002X");
    }

    #[test]
    fn from_stored_values() {
        let id = IdNumber::from_stored("11010519491231002x".to_owned());
        assert_eq!(id, parse("11010519491231002X").unwrap());
        assert_eq!(IdNumber::from_stored("110105491231002".to_owned()).gender(), Gender::Female);
        // A birth date after any `today` is still accepted from storage.
        let future = with_check("11010520990101001");
        assert_eq!(IdNumber::from_stored(future.clone()).as_str(), future);

        // Corrupted rows are kept verbatim and never make accessors panic.
        for raw in [
            "",
            "12",
            "abcdefghijklmnopqr",
            "4.40524E+17",
            "身份证号码身份证号码身份证号码身份证号",
            "110105194912310021",
        ] {
            let id = IdNumber::from_stored(raw.to_owned());
            assert_eq!(id.as_str(), raw);
            let _ = (id.birth_date(), id.gender(), id.region_code(), id.is_legacy());
            assert_eq!(id.masked().chars().count(), raw.chars().count());
        }
        let bad = IdNumber::from_stored("110105194912310021".to_owned());
        assert_eq!(bad.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(bad.masked(), "1101**********0021");
        assert_eq!(IdNumber::from_stored("12".to_owned()).masked(), "**");
        assert_eq!(IdNumber::from_stored("12".to_owned()).birth_date(), NaiveDate::MIN);
    }

    #[test]
    fn display_and_serialize() {
        let id = parse("11010519491231002x").unwrap();
        assert_eq!(id.to_string(), "11010519491231002X");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"11010519491231002X\"");
    }

    #[test]
    fn gender_helpers() {
        assert_eq!(Gender::Male.as_str(), "male");
        assert_eq!(Gender::Female.as_str(), "female");
        assert_eq!(Gender::Male.label(), "男");
        assert_eq!(Gender::Female.label(), "女");
        for s in ["male", "MALE", "Male", "m", "M", "男", " 男 "] {
            assert_eq!(Gender::parse(s), Some(Gender::Male), "{s}");
        }
        for s in ["female", "FEMALE", "f", "F", "女"] {
            assert_eq!(Gender::parse(s), Some(Gender::Female), "{s}");
        }
        for s in ["", "x", "unknown", "男女", "ma"] {
            assert_eq!(Gender::parse(s), None, "{s}");
        }
        assert_eq!(serde_json::to_string(&Gender::Female).unwrap(), "\"female\"");
        assert_eq!(serde_json::from_str::<Gender>("\"male\"").unwrap(), Gender::Male);
    }

    #[test]
    fn excel_mangling_detection() {
        assert!(looks_like_excel_mangled("4.40524E+17"));
        assert!(looks_like_excel_mangled("4.40524188001E17"));
        assert!(looks_like_excel_mangled("4.40524188001e+17"));
        assert!(looks_like_excel_mangled(" 1.10105E+14 "));
        assert!(looks_like_excel_mangled("4E+17"));
        // Float rounding zeroed the tail.
        assert!(looks_like_excel_mangled("440524188001010000"));
        // Precision loss / truncation.
        assert!(looks_like_excel_mangled("4405241880010100"));
        assert!(looks_like_excel_mangled("44052418800101001"));

        // Valid numbers are not flagged.
        assert!(!looks_like_excel_mangled("440524188001010014"));
        assert!(!looks_like_excel_mangled("11010519491231002X"));
        assert!(!looks_like_excel_mangled("110105491231002"));
        // An 18-digit number ending in 000 with a correct check digit is genuine.
        let genuine = "110105199001013000";
        assert_eq!(check_char(&genuine[..17]), Some('0'));
        assert!(parse(genuine).is_ok());
        assert!(!looks_like_excel_mangled(genuine));
        // Unrelated inputs.
        assert!(!looks_like_excel_mangled(""));
        assert!(!looks_like_excel_mangled("1E5"));
        assert!(!looks_like_excel_mangled("12.5E+17"));
        assert!(!looks_like_excel_mangled("4.E+17"));
        assert!(!looks_like_excel_mangled("abcE+17"));
        assert!(!looks_like_excel_mangled("13812345678"));
        assert!(!looks_like_excel_mangled("张三"));
    }

    #[test]
    fn every_generated_id_round_trips() {
        for day in 1..=28u32 {
            for seq in [0u32, 1, 57, 998, 999] {
                let body = format!("3201021985{:02}{:02}{:03}", (day % 12) + 1, day, seq);
                let s = with_check(&body);
                let id = parse(&s).unwrap();
                assert_eq!(id.as_str(), s);
                assert!(!looks_like_excel_mangled(&s));
            }
        }
    }
}
