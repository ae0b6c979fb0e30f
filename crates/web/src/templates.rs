//! Page templates: minijinja, auto-escaping, embedded in the binary.
//! Strict about undefined names, so a typo fails loudly in tests.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use taizhang_core::service::PeriodYear;

macro_rules! embed {
    ($env:ident, $($name:literal),* $(,)?) => {
        $( $env.add_template($name, include_str!(concat!("../templates/", $name))).expect($name); )*
    };
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    embed!(
        env,
        "base.html",
        "period_picker.html",
        "period_select.html",
        "error.html",
        "login.html",
        "home.html",
        "orgs.html",
        "org.html",
        "people.html",
        "person.html",
        "person_form.html",
        "users.html",
        "user_form.html",
        "audit.html",
        "password.html",
        "macros.html",
        "activities.html",
        "activity.html",
        "activity_form.html",
        "participants.html",
        "dashboard.html",
        "targets.html",
        "import.html",
        "study_plan.html",
        "rectifications.html",
        "volunteers.html",
        "work_areas.html",
        "responsibility.html",
        "person_select.html",
        "cases.html",
        "case.html",
        "case_fields.html",
        "projects.html",
        "project.html",
        "project_fields.html",
        "review.html",
        "indicators.html",
        "report_tasks.html",
        "report_task.html",
        "submission.html",
        "summary.html",
        "summary_version.html",
        "summary_template.html",
        "summary_composition.html",
        "summary_draft.html",
        "summary_preview.html",
        "households.html",
        "household.html",
        "roster_import.html",
        "screenings.html",
        "screening.html",
        "key_persons.html",
        "care.html",
        "follow_ups.html",
        "disinfections.html",
        "daily_report.html",
        "print_base.html",
        "print_sign_in.html",
        "print_minutes.html",
        "print_ledger.html",
    );
    // The summary topics a campaign, work area or org may serve, for the
    // `purpose_select` macro.
    let purposes: Vec<minijinja::Value> = taizhang_core::purpose::PURPOSES
        .iter()
        .map(|(code, label)| minijinja::context! { value => *code, label => *label })
        .collect();
    env.add_global("purposes", purposes);
    env.add_function("period_options", period_options);
    env.add_function("icon", icon);
    env
});

/// The SVG of the icon `name` (one of [`ICON_PATHS`]), for the menu and the
/// tab bar: a function rather than a template macro, as every page draws
/// six.
fn icon(name: &str) -> Result<minijinja::Value, minijinja::Error> {
    let Some((_, path)) = ICON_PATHS.iter().find(|(n, _)| *n == name) else {
        return Err(minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("no icon {name}")));
    };
    Ok(minijinja::Value::from_safe_string(format!(
        r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="{path}"/></svg>"#
    )))
}

/// The path data of each icon `base.html` draws.
const ICON_PATHS: &[(&str, &str)] = &[
    ("today", "M4 5h16v16H4z M4 10h16 M8 3v4 M16 3v4 M8 14h3"),
    ("house", "M3 10.5 12 3l9 7.5 M5 9v12h14V9 M10 21v-6h4v6"),
    ("visit", "M9 3h6v3H9z M7 4.5H5V21h14V4.5h-2 M9 13.5l2 2 4-4"),
    ("care", "M3 12h4l2-5 4 10 2-5h6"),
    ("me", "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z M4 21c0-4 3.6-6 8-6s8 2 8 6"),
    ("home", "M3 11 12 3l9 8 M5 9.5V21h5v-6h4v6h5V9.5"),
    ("ledger", "M5 4h10a3 3 0 0 1 3 3v14H8a3 3 0 0 1-3-3z M5 18a3 3 0 0 1 3-3h10 M9 8h5"),
    ("summary", "M6 3h9l4 4v14H6z M14 3v5h5 M9 13h7 M9 17h7"),
    (
        "people",
        "M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z M2 20c0-3.5 3-5.5 7-5.5s7 2 7 5.5 M16 4.5a3.5 3.5 0 0 1 0 6.5 M18 14.5c2.5.6 4 2.5 4 5.5",
    ),
    ("dashboard", "M3 21h18 M6 21V11 M11 21V5 M16 21v-7 M21 21V8"),
    ("orgs", "M9 3h6v5H9z M3 16h6v5H3z M15 16h6v5h-6z M12 8v4 M6 16v-4h12v4"),
    ("more", "M4 6h16 M4 12h16 M4 18h16"),
];

/// The `<option>`s of a period list, in an `<optgroup>` per year: the
/// picker's years around the working period (`working`, a code), `selected`
/// marked, and `selected` first on its own when those years do not hold it.
/// Built here rather than by a template loop: every page has the picker,
/// and its 133 options cost the template engine more than a list page's
/// rows.
fn period_options(working: Option<String>, selected: Option<String>) -> minijinja::Value {
    use std::fmt::Write;
    let chosen = working.as_deref().and_then(|code| taizhang_core::period::Period::parse(code).ok());
    let years = picker_years(chosen);
    let selected = selected.unwrap_or_default();
    let mut html = String::with_capacity(8 * 1024);
    let listed = years.iter().flat_map(|y| &y.choices).any(|(code, _)| *code == selected);
    if !selected.is_empty() && !listed {
        let code = minijinja::HtmlEscape(&selected);
        let _ = write!(html, "<option value=\"{code}\" selected>{code}</option>");
    }
    for y in years.iter() {
        let _ = write!(html, "<optgroup label=\"{}年\">", y.year);
        for (code, label) in &y.choices {
            let mark = if *code == selected { " selected" } else { "" };
            let (code, label) = (minijinja::HtmlEscape(code), minijinja::HtmlEscape(label));
            let _ = write!(html, "<option value=\"{code}\"{mark}>{label}</option>");
        }
        html.push_str("</optgroup>");
    }
    minijinja::Value::from_safe_string(html)
}

/// [`taizhang_core::service::period_years`], made once per year it is
/// asked in and chosen year (a few labels per page otherwise).
fn picker_years(chosen: Option<taizhang_core::period::Period>) -> Arc<Vec<PeriodYear>> {
    use chrono::Datelike;
    /// By the year asked in and the chosen period's year.
    type Made = HashMap<(i32, Option<i32>), Arc<Vec<PeriodYear>>>;
    static MADE: LazyLock<Mutex<Made>> = LazyLock::new(Mutex::default);
    let key = (taizhang_core::auth::now().year(), chosen.map(|p| p.year()));
    let mut made = MADE.lock().unwrap_or_else(|e| e.into_inner());
    if made.len() > 64 {
        made.clear();
    }
    made.entry(key).or_insert_with(|| Arc::new(taizhang_core::service::period_years(chosen))).clone()
}

pub fn render(name: &str, context: &impl Serialize) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_options_mark_the_choice_and_escape_what_the_address_brought() {
        let html = period_options(Some("2020H1".into()), Some("2020H1".into())).to_string();
        assert!(html.contains(r#"<option value="2020H1" selected>2020年上半年</option>"#), "{html}");
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(html.contains(r#"<optgroup label="2020年">"#));
        // A period the years do not hold comes first, escaped.
        let html = period_options(None, Some(r#""><script>"#.into())).to_string();
        assert!(html.starts_with(r#"<option value="&quot;&gt;&lt;script&gt;" selected>"#), "{html}");
        assert!(!html.contains("<script>"));
        // Nothing chosen: nothing marked.
        assert!(!period_options(None, Some(String::new())).to_string().contains(" selected"));
    }

    #[test]
    fn an_icon_is_drawn_by_name_and_an_unknown_one_is_an_error() {
        assert!(icon("more").unwrap().to_string().contains(r#"<path d="M4 6h16 M4 12h16 M4 18h16"/>"#));
        assert!(icon("nothing").is_err());
    }
}
