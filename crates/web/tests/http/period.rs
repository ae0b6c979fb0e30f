//! The working period: chosen once in the header, remembered, and shown by
//! every page that has a period; a default that finds the org's records.

use reqwest::StatusCode;

use crate::helpers::*;

/// The periods a page's period list and the header's picker have selected
/// (options whose value starts with a year; org lists select ids).
fn selected_periods(html: &str) -> Vec<String> {
    html.split("<option value=\"")
        .skip(1)
        .filter_map(|o| {
            let (value, rest) = o.split_once('"')?;
            let period = value.len() >= 4 && value.bytes().take(4).all(|b| b.is_ascii_digit());
            (period && rest.trim_start().starts_with("selected")).then(|| value.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn the_working_period_is_chosen_once_and_every_page_opens_on_it() {
    let app = spawn_app().await;
    let b = app.browser("kuangqu").await;
    // No choice yet: the demo's records are all in 2020's first half, so
    // that is where the pages open, not on today's empty half-year.
    let (_, summary) = b.get("/summary").await;
    assert!(selected_periods(&summary).contains(&"2020H1".to_owned()), "{:?}", selected_periods(&summary));
    assert!(!summary.contains("placeholder=\"2020H1\""), "no page asks for a period as free text");

    // Choose 2019年 in the header's picker, on the dashboard.
    let r = b.client.get(format!("{}/period?set=2019&back=/dashboard?period=2020H1", b.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/dashboard", "back to the page, without its own period");
    for page in ["/dashboard", "/summary", "/reviews"] {
        let (status, html) = b.get(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(html.contains("2019年"), "{page} shows the working period");
        assert!(selected_periods(&html).iter().all(|p| p == "2019"), "{page}: {:?}", selected_periods(&html));
    }
    let (_, chain) = b.get("/responsibility").await;
    assert!(chain.contains("2019"), "the responsibility chain opens on the working period's year");
    // A link that names its own period still shows that period.
    let (_, html) = b.get("/summary?period=2020H1").await;
    assert!(html.contains("2020年上半年"));
    // A made-up period is refused with a Chinese message, not a 500.
    let r = b.client.get(format!("{}/period?set=abc&back=/", b.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
