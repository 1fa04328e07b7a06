//! Prometheus metrics at `/metrics`: what operators read, and who may read it.

use serde_json::json;

/// The value of the series `name{labels}` in a scrape (labels as written in the text format).
fn value(scrape: &str, series: &str) -> Option<f64> {
    scrape
        .lines()
        .find(|line| line.starts_with(series) && line[series.len()..].starts_with(' '))
        .and_then(|line| line.rsplit(' ').next()?.parse().ok())
}

backend_test!(
    requests_operations_cache_and_pools_are_counted,
    seeded_rate_limited,
    |app| async move {
        let post = |client: &str, body: serde_json::Value| {
            app.client
                .post(format!("{}/graphql", app.base))
                .header("x-forwarded-for", client.to_owned())
                .json(&body)
                .send()
        };
        // The same public question twice (a miss, then a hit), named.
        let named = json!({"query": "query ProgramPage { program(slug: \"cn-k-visa\") { name } }"});
        for _ in 0..2 {
            assert_eq!(
                post("198.51.100.1", named.clone()).await.unwrap().status(),
                200
            );
        }
        // A client over its rate (5 at once).
        let mut refused = 0;
        for _ in 0..8 {
            if post("198.51.100.2", json!({"query": "{ __typename }"}))
                .await
                .unwrap()
                .status()
                == 429
            {
                refused += 1;
            }
        }
        assert!(refused > 0);
        app.client
            .get(format!("{}/programs/cn-k-visa", app.base))
            .send()
            .await
            .unwrap();

        let response = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/plain")
        );
        let scrape = response.text().await.unwrap();
        assert_eq!(
            value(
                &scrape,
                r#"visa_kb_graphql_operations_total{operation="ProgramPage",status="200"}"#
            ),
            Some(2.0),
            "{scrape}"
        );
        assert!(
            value(
                &scrape,
                r#"visa_kb_http_requests_total{method="POST",route="/graphql",status="429"}"#
            ) >= Some(f64::from(refused))
        );
        assert!(
            value(
                &scrape,
                r#"visa_kb_http_requests_total{method="GET",route="/programs/{slug}",status="200"}"#
            ) >= Some(1.0),
            "{scrape}"
        );
        assert_eq!(
            value(&scrape, "visa_kb_rate_limited_total"),
            Some(f64::from(refused))
        );
        assert!(
            value(&scrape, r#"visa_kb_response_cache_total{result="hit"}"#) >= Some(1.0),
            "{scrape}"
        );
        assert!(
            value(&scrape, r#"visa_kb_response_cache_total{result="miss"}"#) >= Some(1.0),
            "{scrape}"
        );
        assert!(
            value(
                &scrape,
                r#"visa_kb_http_request_duration_seconds_count{route="/graphql"}"#
            ) >= Some(2.0)
        );
        assert!(
            value(&scrape, r#"visa_kb_db_pool_connections{state="idle"}"#) >= Some(1.0),
            "{scrape}"
        );
        assert!(value(&scrape, r#"visa_kb_db_pool_connections{state="in_use"}"#).is_some());

        // A public client (forwarded by the trusted proxy) is not shown them.
        let response = app
            .client
            .get(format!("{}/metrics", app.base))
            .header("x-forwarded-for", "203.0.113.9")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
    }
);

backend_test!(
    operation_names_cannot_grow_the_series,
    seeded,
    |app| async move {
        for i in 0..210 {
            app.graphql(&format!("query Op{i} {{ __typename }}"), json!({}))
                .await;
        }
        let scrape = app.get_text("/metrics").await;
        let named = scrape
            .lines()
            .filter(|l| l.starts_with("visa_kb_graphql_operations_total{operation=\"Op"))
            .count();
        assert_eq!(named, 200, "at most 200 names");
        assert!(
            value(
                &scrape,
                r#"visa_kb_graphql_operations_total{operation="other",status="200"}"#
            ) >= Some(10.0)
        );
    }
);
