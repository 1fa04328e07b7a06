//! HTTP caching of public reads: every page, permalink, export, the feed and GraphQL GET
//! answers carry an ETag, Last-Modified and a public Cache-Control; the same request with the
//! tag is 304 until the content changes; editors' and failed answers are never kept.

use crate::common;

use reqwest::header::{ACCEPT, AUTHORIZATION, CACHE_CONTROL, ETAG, IF_NONE_MATCH, VARY};
use serde_json::json;

const PUBLIC: &str = "public, max-age=60, stale-while-revalidate=300";

/// The public reads, by path.
async fn paths(app: &common::TestApp) -> Vec<String> {
    let record = app
        .data("{ program(slug: \"cn-k-visa\") { id } }", json!({}))
        .await["program"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    vec![
        "/feed.atom".to_owned(),
        "/programs/cn-k-visa".to_owned(),
        format!("/records/{record}"),
        "/export/programs.csv".to_owned(),
        "/export/programs.json?country=CN".to_owned(),
        "/graphql?query=%7Bprograms(first%3A2)%7BtotalCount%7D%7D".to_owned(),
    ]
}

backend_test!(
    public_reads_are_validated_until_the_content_changes,
    seeded,
    |app| async move {
        let mut tags = Vec::new();
        for path in paths(app).await {
            let url = format!("{}{path}", app.base);
            let first = app.client.get(&url).send().await.unwrap();
            assert_eq!(first.status(), 200, "{path}");
            let headers = first.headers().clone();
            let tag = headers[ETAG].to_str().unwrap().to_owned();
            assert!(tag.starts_with("W/\""), "{path}: {tag}");
            assert_eq!(headers[CACHE_CONTROL], PUBLIC, "{path}");
            assert!(headers.contains_key("last-modified"), "{path}");
            assert!(
                headers.get_all(VARY).iter().any(|v| v
                    .to_str()
                    .unwrap()
                    .to_ascii_lowercase()
                    .contains("accept")),
                "{path}"
            );
            let again = app
                .client
                .get(&url)
                .header(IF_NONE_MATCH, &tag)
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), 304, "{path}");
            assert_eq!(again.headers()[ETAG].to_str().unwrap(), tag, "{path}");
            assert_eq!(again.headers()[CACHE_CONTROL], PUBLIC, "{path}");
            assert!(again.bytes().await.unwrap().is_empty(), "{path}");
            tags.push((url, tag));
        }

        // Another media type is another answer, with its own tag.
        let url = format!("{}/programs/cn-k-visa", app.base);
        let html = app
            .client
            .get(&url)
            .header(ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        let json_ld = app
            .client
            .get(&url)
            .header(ACCEPT, "application/ld+json")
            .send()
            .await
            .unwrap();
        assert_ne!(html.headers()[ETAG], json_ld.headers()[ETAG]);

        // An editor's request is never validated nor kept; neither is a failed answer.
        let token = app.editor().await;
        let (url, tag) = &tags[0];
        let editor = app
            .client
            .get(url)
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .header(IF_NONE_MATCH, tag)
            .send()
            .await
            .unwrap();
        assert_eq!(editor.status(), 200);
        assert!(!editor.headers().contains_key(ETAG));
        let failed = app
            .client
            .get(format!(
                "{}/graphql?query=%7Bprogram(slug%3A%22no-such%22)%7Bname%7D%7D",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert!(!failed.headers().contains_key(ETAG));
        assert_eq!(failed.headers()[CACHE_CONTROL], "no-store");

        // A write moves the content version: every old tag is answered in full, with a new one.
        app.data_as(
        &token,
        r#"mutation { createSource(input: { url: "https://example.org/etag", title: "A new source", kind: OFFICIAL }) { id } }"#,
        json!({}),
    )
    .await;
        for (url, tag) in &tags {
            let after = app
                .client
                .get(url)
                .header(IF_NONE_MATCH, tag)
                .send()
                .await
                .unwrap();
            assert_eq!(after.status(), 200, "{url}");
            assert_ne!(after.headers()[ETAG].to_str().unwrap(), tag, "{url}");
        }
    }
);
