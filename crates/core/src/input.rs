//! Reading the use cases' inputs from JSON and from HTML forms alike: one
//! input type per use case, one parser per number field. A form sends every
//! value as text, an empty one for "none"; JSON sends numbers and `null`.
//! Both give the field's own error for a value that is not a number (never a
//! silent 0 or none).

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};

use crate::error::Problems;

/// An optional integer: absent, `null` or empty text is none; a number, or
/// text holding one, is that number; anything else is an error naming the
/// type expected (`expected u32`), which the web layer shows as the field's
/// error. Use with `#[serde(default, deserialize_with = "empty_as_none")]`.
pub fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr + TryFrom<i64> + TryFrom<u64>,
{
    d.deserialize_option(OptionalNumber(PhantomData))
}

struct OptionalNumber<T>(PhantomData<T>);

impl<'de, T> Visitor<'de> for OptionalNumber<T>
where
    T: FromStr + TryFrom<i64> + TryFrom<u64>,
{
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // The bare type name (`u32`, `i64`), as serde's own messages give it.
        f.write_str(std::any::type_name::<T>().rsplit("::").next().unwrap_or_default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        T::try_from(v).map(Some).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v).map(Some).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim() {
            "" => Ok(None),
            s => s.parse().map(Some).map_err(|_| E::invalid_value(Unexpected::Str(v), &self)),
        }
    }
}

/// A number field a page reads from form text by hand, the way
/// [`empty_as_none`] reads it: empty is none, a number is that number, and
/// anything else is recorded in `problems` as the field's error, in the words
/// the API gives for the same value in JSON ([`expected_number`]). A page
/// never turns a bad number into 0 or none.
pub fn number_from_text<T: FromStr>(problems: &mut Problems, field: &str, text: &str) -> Option<T> {
    match text.trim() {
        "" => None,
        s => s.parse().map_err(|_| problems.add(field, expected_number::<T>())).ok(),
    }
}

/// What a number field of type `T` expects, in Chinese.
pub fn expected_number<T>() -> &'static str {
    match std::any::type_name::<T>().rsplit("::").next().unwrap_or_default() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "应为非负整数",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "应为整数",
        _ => "应为数字",
    }
}

/// A number kept as text for the service to check ("5200", "3.5"): JSON may
/// send a number or text, a form sends text; `null` is empty. Anything else
/// (true, a list) reaches the service as text that is not a number, so the
/// service refuses it by field. Use with `#[serde(default, deserialize_with = "number_as_text")]`.
pub fn number_as_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_f64().map(|n| n.to_string()).unwrap_or_else(|| n.to_string()),
        serde_json::Value::String(text) => text,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{empty_as_none, number_as_text, number_from_text};
    use crate::error::Problems;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Input {
        #[serde(default, deserialize_with = "empty_as_none")]
        every_days: Option<u32>,
    }

    fn json(text: &str) -> Result<Input, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn json_numbers_null_and_absence() {
        assert_eq!(json(r#"{"every_days": 7}"#), Ok(Input { every_days: Some(7) }));
        assert_eq!(json(r#"{"every_days": null}"#), Ok(Input { every_days: None }));
        assert_eq!(json("{}"), Ok(Input { every_days: None }));
        assert!(json(r#"{"every_days": -1}"#).unwrap_err().contains("expected u32"));
        assert!(json(r#"{"every_days": 1.5}"#).unwrap_err().contains("expected u32"));
        assert!(json(r#"{"every_days": true}"#).unwrap_err().contains("expected u32"));
    }

    #[test]
    fn form_text_is_a_number_none_or_the_fields_error() {
        // What a form posts, read as text the way a form reader does.
        let text = |v: &str| json(&format!(r#"{{"every_days": {}}}"#, serde_json::Value::from(v)));
        assert_eq!(text(""), Ok(Input { every_days: None }));
        assert_eq!(text(" 14 "), Ok(Input { every_days: Some(14) }));
        let bad = text("七").unwrap_err();
        assert!(bad.contains("invalid value") && bad.contains("expected u32"), "{bad}");
        assert!(text("-3").unwrap_err().contains("expected u32"));
    }

    #[test]
    fn numbers_as_text() {
        #[derive(Deserialize)]
        struct Measure {
            #[serde(default, deserialize_with = "number_as_text")]
            value: String,
        }
        let value = |v: &str| serde_json::from_str::<Measure>(&format!(r#"{{"value": {v}}}"#)).unwrap().value;
        assert_eq!(value("5200"), "5200");
        assert_eq!(value("3.5"), "3.5");
        assert_eq!(value(r#""5200""#), "5200");
        assert_eq!(value("null"), "");
        assert_eq!(value("true"), "true");
        assert_eq!(value("[1]"), "[1]");
        assert_eq!(serde_json::from_str::<Measure>("{}").unwrap().value, "");
    }

    #[test]
    fn form_text_by_hand_gives_the_fields_error() {
        let mut problems = Problems::new();
        assert_eq!(number_from_text::<u32>(&mut problems, "every_days", " 14 "), Some(14));
        assert_eq!(number_from_text::<u32>(&mut problems, "every_days", ""), None);
        assert!(problems.is_empty());
        assert_eq!(number_from_text::<u32>(&mut problems, "every_days", "-3"), None);
        assert_eq!(number_from_text::<i32>(&mut problems, "year", "二〇二六"), None);
        let errors = problems.finish().unwrap_err().field_errors();
        let shown: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(shown, [("every_days", "应为非负整数"), ("year", "应为整数")]);
    }
}
