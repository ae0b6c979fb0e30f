//! Property tests of what users upload and write: rosters in any bytes, and
//! summary templates in any text. Neither panics; what a roster holds comes
//! back as written; a template either renders or says what is wrong.

use proptest::prelude::*;
use taizhang_core::grid::RosterRow;
use taizhang_docs::{read_roster, report, roster_workbook};

/// Cell text as offices type it: Chinese, digits, punctuation, no line breaks.
fn cell() -> impl Strategy<Value = String> {
    "[\\p{Han}0-9A-Za-z（）()、，·\\-]{0,12}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_roster(&bytes, &[]);
    }

    #[test]
    fn any_text_as_csv_is_read_or_refused(text in ".{0,400}") {
        let _ = read_roster(text.as_bytes(), &[("身份证号".to_owned(), "证件".to_owned())]);
    }

    #[test]
    fn a_written_roster_reads_back(rows in proptest::collection::vec((cell(), cell(), cell(), cell()), 1..20)) {
        let rows: Vec<RosterRow> = rows
            .into_iter()
            .map(|(name, id, address, grid)| RosterRow {
                // Required columns must be non-empty for the row to be kept.
                name: format!("名{name}"),
                id_number: format!("4{id}"),
                address: format!("址{address}"),
                grid: format!("格{grid}"),
                ..Default::default()
            })
            .collect();
        let bytes = roster_workbook("花名册", &rows).unwrap();
        let back = read_roster(&bytes, &[]).unwrap();
        prop_assert_eq!(back.len(), rows.len());
        for (a, b) in rows.iter().zip(&back) {
            prop_assert_eq!((&a.name, &a.id_number, &a.address, &a.grid), (&b.name, &b.id_number, &b.address, &b.grid));
        }
    }

    #[test]
    fn any_template_renders_or_says_why(source in ".{0,200}") {
        let data = serde_json::json!({ "org": "X矿矿区党委", "total": { "n": 3, "cite": "activity:1,2,3" } });
        match report::render(&source, &data) {
            Ok(markup) => { let _ = report::parse(&markup); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    /// Nested loops that print nothing: small ones finish, and once the loop
    /// runs more times than the template may spend instructions (each turn
    /// spends at least one), the fuel limit stops it, not a range limit or a
    /// timeout.
    #[test]
    fn loops_are_stopped(n in prop_oneof![1u64..=100, 1_500u64..100_000]) {
        let source = format!("{{% for i in range({n}) %}}{{% for j in range({n}) %}}{{% endfor %}}{{% endfor %}}");
        let result = report::render(&source, &serde_json::json!({}));
        if n <= 100 {
            prop_assert_eq!(result, Ok(String::new()));
        } else {
            let e = result.expect_err("a loop past the fuel must be stopped");
            prop_assert!(e.message.starts_with("模板运行步数超过上限"), "{}", e);
        }
    }

    /// A loop that prints a kilobyte a turn stops at the output limit
    /// (512 KB, so 512 turns fit) with that error.
    #[test]
    fn output_is_bounded(n in 1u64..5_000) {
        let source = format!("{{% for i in range({n}) %}}{{{{ data.kb }}}}{{% endfor %}}");
        let result = report::render(&source, &serde_json::json!({ "kb": "x".repeat(1024) }));
        if n <= 512 {
            prop_assert_eq!(result.map(|s| s.len()), Ok(n as usize * 1024));
        } else {
            let e = result.expect_err("output past the limit must be stopped");
            prop_assert_eq!(e.message, "生成的文字超过512KB上限");
        }
    }
}
