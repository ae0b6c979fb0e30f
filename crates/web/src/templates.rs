//! Page templates: minijinja, auto-escaping, embedded in the binary.
//! Strict about undefined names, so a typo fails loudly in tests.

use std::sync::LazyLock;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

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
    env
});

/// The `<option>`s of a period list, in an `<optgroup>` per year: the
/// picker's years around the working period (`working`, a code), `selected`
/// marked, and `selected` first on its own when those years do not hold it.
/// Built here rather than by a template loop: every page has the picker,
/// and its 133 options cost the template engine more than a list page's
/// rows.
fn period_options(working: Option<String>, selected: Option<String>) -> minijinja::Value {
    use std::fmt::Write;
    let chosen = working.as_deref().and_then(|code| taizhang_core::period::Period::parse(code).ok());
    let years = taizhang_core::service::period_years(chosen);
    let selected = selected.unwrap_or_default();
    let mut html = String::with_capacity(8 * 1024);
    let listed = years.iter().flat_map(|y| &y.choices).any(|(code, _)| *code == selected);
    if !selected.is_empty() && !listed {
        let code = minijinja::HtmlEscape(&selected);
        let _ = write!(html, "<option value=\"{code}\" selected>{code}</option>");
    }
    for y in &years {
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

pub fn render(name: &str, context: &impl Serialize) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(context)
}
