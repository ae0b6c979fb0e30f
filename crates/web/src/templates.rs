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
    env
});

pub fn render(name: &str, context: &impl Serialize) -> Result<String, minijinja::Error> {
    ENV.get_template(name)?.render(context)
}
