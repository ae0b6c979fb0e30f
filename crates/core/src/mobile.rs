//! Mainland China mobile phone numbers.
//!
//! [`Mobile`] can only be constructed through [`Mobile::parse`] and always
//! holds exactly 11 ASCII digits matching `^1[3-9]\d{9}$`.

use std::fmt;

use serde::{Serialize, Serializer};

/// Why a string is not a valid mobile number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MobileError {
    #[error("手机号码不能为空")]
    Empty,
    #[error("手机号码含有非法字符")]
    BadChar,
    #[error("手机号码应为11位数字，以1开头（实际为{0}位）")]
    Length(usize),
    #[error("手机号码应为11位数字，以1开头")]
    Prefix,
    #[error("手机号码第二位应为3至9之间的数字")]
    SecondDigit,
}

/// A validated 11-digit mainland mobile number without country code or separators.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mobile(String);

impl Mobile {
    /// Parses a mobile number, ignoring spaces and hyphens and an optional
    /// `+86` / `0086` / `86` country prefix (only when followed by 11 digits).
    pub fn parse(input: &str) -> Result<Mobile, MobileError> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '－').collect();
        if compact.is_empty() {
            return Err(MobileError::Empty);
        }
        let digits = ["+86", "0086", "86"]
            .iter()
            .filter_map(|p| compact.strip_prefix(p))
            .find(|rest| is_digits(rest, 11))
            .unwrap_or(&compact);
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MobileError::BadChar);
        }
        if digits.len() != 11 {
            return Err(MobileError::Length(digits.len()));
        }
        let bytes = digits.as_bytes();
        if bytes[0] != b'1' {
            return Err(MobileError::Prefix);
        }
        if !(b'3'..=b'9').contains(&bytes[1]) {
            return Err(MobileError::SecondDigit);
        }
        Ok(Mobile(digits.to_owned()))
    }

    /// Rebuilds a number read back from storage, where it was written after
    /// [`Mobile::parse`] succeeded. The value is re-validated and normalised; a
    /// value that no longer passes is kept verbatim so that a corrupted row
    /// stays visible rather than failing the whole read. The accessors never
    /// panic, whatever the content.
    pub fn from_stored(value: String) -> Mobile {
        Mobile::parse(&value).unwrap_or(Mobile(value))
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Middle four digits hidden: `138****5678`.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        if n < 8 {
            return "*".repeat(n);
        }
        let mut out: String = chars[..3].iter().collect();
        out.push_str(&"*".repeat(n - 7));
        out.extend(&chars[n - 4..]);
        out
    }

    /// The last `n` digits (the whole number if `n >= 11`).
    pub fn tail(&self, n: usize) -> &str {
        let skip = self.0.chars().count().saturating_sub(n);
        let start = self.0.char_indices().nth(skip).map_or(self.0.len(), |(i, _)| i);
        &self.0[start..]
    }
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Mobile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Mobile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Mobile::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}")).as_str().to_owned()
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(ok("13812345678"), "13812345678");
        for second in 3..=9 {
            let s = format!("1{second}012345678");
            assert_eq!(ok(&s), s);
        }
    }

    #[test]
    fn separators_removed() {
        assert_eq!(ok(" 138 1234 5678 "), "13812345678");
        assert_eq!(ok("138-1234-5678"), "13812345678");
        assert_eq!(ok("138－1234－5678"), "13812345678");
        assert_eq!(ok("\u{3000}138\t1234 5678"), "13812345678");
    }

    #[test]
    fn country_prefixes() {
        assert_eq!(ok("+8613812345678"), "13812345678");
        assert_eq!(ok("+86 138-1234-5678"), "13812345678");
        assert_eq!(ok("008613812345678"), "13812345678");
        assert_eq!(ok("8613812345678"), "13812345678");
        assert_eq!(ok("86-138-1234-5678"), "13812345678");
    }

    #[test]
    fn prefix_only_stripped_before_eleven_digits() {
        // "86" followed by 10 digits is not a prefix: the whole thing is 12 digits.
        assert_eq!(Mobile::parse("861381234567"), Err(MobileError::Length(12)));
        assert_eq!(Mobile::parse("+86138123456"), Err(MobileError::BadChar));
        assert_eq!(Mobile::parse("+861381234567"), Err(MobileError::BadChar));
        assert_eq!(Mobile::parse("00861381234567"), Err(MobileError::Length(14)));
        // "86" + an 11-digit non-mobile still strips, then fails on shape.
        assert_eq!(Mobile::parse("8623812345678"), Err(MobileError::Prefix));
    }

    #[test]
    fn errors() {
        assert_eq!(Mobile::parse(""), Err(MobileError::Empty));
        assert_eq!(Mobile::parse("  - "), Err(MobileError::Empty));
        assert_eq!(Mobile::parse("1381234567"), Err(MobileError::Length(10)));
        assert_eq!(Mobile::parse("138123456789"), Err(MobileError::Length(12)));
        assert_eq!(Mobile::parse("23812345678"), Err(MobileError::Prefix));
        assert_eq!(Mobile::parse("12812345678"), Err(MobileError::SecondDigit));
        assert_eq!(Mobile::parse("10812345678"), Err(MobileError::SecondDigit));
        assert_eq!(Mobile::parse("1381234567a"), Err(MobileError::BadChar));
        assert_eq!(Mobile::parse("138.1234.5678"), Err(MobileError::BadChar));
        assert_eq!(Mobile::parse("１３８１２３４５６７８"), Err(MobileError::BadChar));
        assert_eq!(Mobile::parse("(010)12345678"), Err(MobileError::BadChar));
    }

    #[test]
    fn error_messages_are_chinese() {
        assert_eq!(MobileError::Prefix.to_string(), "手机号码应为11位数字，以1开头");
        assert_eq!(MobileError::Length(10).to_string(), "手机号码应为11位数字，以1开头（实际为10位）");
        assert_eq!(MobileError::Empty.to_string(), "手机号码不能为空");
    }

    #[test]
    fn masking_and_tail() {
        let m = Mobile::parse("13812345678").unwrap();
        assert_eq!(m.masked(), "138****5678");
        assert_eq!(m.tail(4), "5678");
        assert_eq!(m.tail(0), "");
        assert_eq!(m.tail(11), "13812345678");
        assert_eq!(m.tail(100), "13812345678");
    }

    #[test]
    fn from_stored_values() {
        let m = Mobile::from_stored("138-1234-5678".to_owned());
        assert_eq!(m, Mobile::parse("13812345678").unwrap());
        // Corrupted rows are kept verbatim and never make accessors panic.
        let bad = Mobile::from_stored("010-1234".to_owned());
        assert_eq!(bad.as_str(), "010-1234");
        assert_eq!(bad.masked(), "010*1234");
        assert_eq!(bad.tail(4), "1234");
        let short = Mobile::from_stored("电话".to_owned());
        assert_eq!(short.masked(), "**");
        assert_eq!(short.tail(1), "话");
        assert_eq!(short.tail(5), "电话");
        assert_eq!(Mobile::from_stored(String::new()).tail(3), "");
    }

    #[test]
    fn display_and_serialize() {
        let m = Mobile::parse("+86 138 1234 5678").unwrap();
        assert_eq!(m.to_string(), "13812345678");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"13812345678\"");
    }
}
