//! Property tests of the validators and parsers users type into: whatever
//! the input, they answer without panicking, and what they accept is valid.
//! `PROPTEST_CASES` sets the number of cases (256 by default; CI's run).

use chrono::NaiveDate;
use proptest::prelude::*;
use taizhang_core::id_number::{IdNumber, IdNumberError, check_char, looks_like_excel_mangled};
use taizhang_core::mobile::Mobile;
use taizhang_core::period::Period;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
}

/// 17 digits of a plausible number: a region of Guangxi (45), a birth date
/// between 1900 and 2025, a sequence number.
fn first17() -> impl Strategy<Value = String> {
    (0u32..100, 0u32..100, 1900i32..2026, 1u32..13, 1u32..29, 0u32..1000)
        .prop_map(|(a, b, y, m, d, seq)| format!("45{a:02}{b:02}{y:04}{m:02}{d:02}{seq:03}"))
}

proptest! {
    #[test]
    fn id_numbers_never_panic(s in ".{0,40}") {
        let _ = IdNumber::parse(&s, today());
        let _ = looks_like_excel_mangled(&s);
    }

    #[test]
    fn a_number_with_its_check_character_is_valid(body in first17()) {
        let check = check_char(&body).unwrap();
        let id = IdNumber::parse(&format!("{body}{check}"), today()).unwrap();
        prop_assert_eq!(id.as_str(), format!("{body}{check}"));
        prop_assert_eq!(id.masked().chars().count(), 18);
        prop_assert!(!id.masked().contains(&body[6..14]), "the birth date is hidden");
        // Any other last character is refused as a wrong check digit.
        for other in "0123456789X".chars().filter(|c| *c != check) {
            let refused = IdNumber::parse(&format!("{body}{other}"), today());
            prop_assert!(
                matches!(refused, Err(IdNumberError::CheckDigit { .. })),
                "{body}{other}: {refused:?}"
            );
        }
    }

    #[test]
    fn mobiles_never_panic_and_valid_ones_round_trip(s in ".{0,30}", n in 3u64..10, rest in 0u64..1_000_000_000) {
        let _ = Mobile::parse(&s);
        let number = format!("1{n}{rest:09}");
        let m = Mobile::parse(&number).unwrap();
        prop_assert_eq!(m.as_str(), number.as_str());
        prop_assert_eq!(m.masked().chars().count(), 11);
    }

    #[test]
    fn periods_never_panic_and_codes_round_trip(s in ".{0,20}", year in 1990i32..2100, part in 1u8..13) {
        let _ = Period::parse(&s);
        for p in [Period::Year(year), Period::Half(year, 1 + part % 2), Period::Quarter(year, 1 + part % 4), Period::Month(year, part)] {
            prop_assert_eq!(Period::parse(&p.code()).unwrap(), p);
            prop_assert_eq!(Period::parse(&p.label()).unwrap(), p);
            prop_assert!(p.start() <= p.end());
        }
    }
}
