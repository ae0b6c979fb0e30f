//! Operations: `/metrics` in the Prometheus text format.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn metrics_count_requests_by_route_with_latency_and_the_pool() {
    let app = spawn_app().await;
    let token = app.token("kuangqu").await;
    for _ in 0..3 {
        assert_eq!(app.get(&token, "/api/v1/people?per_page=5").await.status(), StatusCode::OK);
    }
    let person = app.get(&token, "/api/v1/people?per_page=1").await.json::<serde_json::Value>().await.unwrap()["items"]
        [0]["id"]
        .clone();
    assert_eq!(app.get(&token, &format!("/api/v1/people/{person}")).await.status(), StatusCode::OK);
    assert_eq!(app.get(&token, "/api/v1/people/999999999").await.status(), StatusCode::NOT_FOUND);
    let r = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    let value = |series: &str| -> Option<f64> {
        text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.trim().parse().ok()))
    };
    assert_eq!(value(r#"taizhang_http_requests_total{method="GET",route="/api/v1/people",status="200"}"#), Some(4.0));
    // Ids are not labels: one series for every person, by the route's template.
    assert_eq!(
        value(r#"taizhang_http_requests_total{method="GET",route="/api/v1/people/{id}",status="200"}"#),
        Some(1.0)
    );
    assert_eq!(
        value(r#"taizhang_http_requests_total{method="GET",route="/api/v1/people/{id}",status="404"}"#),
        Some(1.0)
    );
    assert_eq!(value(r#"taizhang_http_request_duration_seconds_count{route="/api/v1/people"}"#), Some(4.0));
    assert_eq!(value(r#"taizhang_http_request_duration_seconds_bucket{route="/api/v1/people",le="+Inf"}"#), Some(4.0));
    assert!(value(r#"taizhang_db_pool_max_connections"#).unwrap() >= 1.0);
    assert!(text.contains(&format!("backend=\"{}\"", app.store.backend())));
    // Every sample line is `name{labels} value` or `name value`, after its HELP and TYPE.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (series, number) = line.rsplit_once(' ').unwrap();
        assert!(number.parse::<f64>().is_ok() && series.starts_with("taizhang_"), "{line}");
    }
}
