//! The public API under attack (issue 10): forged hosts, login races, request cost, injection.

use crate::common;

use serde_json::{Value, json};

const PERMALINK: &str = r#"{ program(slug: "us-h1b") { permalink citeAs } }"#;

/// POSTs `query` with extra headers and returns the program's permalink.
async fn permalink_with(app: &common::TestApp, headers: &[(&str, &str)]) -> String {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({ "query": PERMALINK }));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body: Value = request.send().await.unwrap().json().await.unwrap();
    body["data"]["program"]["permalink"]
        .as_str()
        .unwrap_or_else(|| panic!("no permalink: {body}"))
        .to_owned()
}

const FORGED: [&[(&str, &str)]; 5] = [
    &[("x-forwarded-host", "evil.example")],
    &[("forwarded", "host=evil.example;proto=https")],
    &[("x-forwarded-proto", "javascript")],
    &[("host", "evil.example")],
    &[
        ("x-forwarded-host", "evil.example"),
        ("x-forwarded-proto", "https"),
    ],
];

backend_test!(
    a_stranger_cannot_put_a_host_into_permalinks,
    seeded,
    |app| async move {
        let expected = format!("{}/programs/us-h1b", app.base);
        for headers in FORGED {
            assert_eq!(permalink_with(app, headers).await, expected, "{headers:?}");
            // Nor into what the cache hands the next reader.
            assert_eq!(
                permalink_with(app, &[]).await,
                expected,
                "after {headers:?}"
            );
        }
        for headers in FORGED {
            let mut request = app.client.get(format!("{}/programs/us-h1b", app.base));
            let mut feed = app.client.get(format!("{}/feed.atom", app.base));
            for (name, value) in headers {
                request = request.header(*name, *value);
                feed = feed.header(*name, *value);
            }
            let ld = request
                .header("accept", "application/ld+json")
                .send()
                .await
                .unwrap();
            let ld = ld.text().await.unwrap();
            assert!(ld.contains(&expected), "{headers:?}: {ld}");
            let feed = feed.send().await.unwrap().text().await.unwrap();
            for page in [&ld, &feed] {
                assert!(!page.contains("evil.example"), "{headers:?}: {page}");
                assert!(!page.contains("javascript:"), "{headers:?}: {page}");
            }
        }
    }
);

backend_test!(
    a_trusted_proxy_decides_the_host_and_scheme_when_well_formed,
    seeded_behind_proxy,
    |app| async move {
        let own = format!("{}/programs/us-h1b", app.base);
        let proxied = &[
            ("x-forwarded-host", "kb.example.org"),
            ("x-forwarded-proto", "https"),
        ];
        assert_eq!(
            permalink_with(app, proxied).await,
            "https://kb.example.org/programs/us-h1b"
        );
        assert_eq!(
            permalink_with(
                app,
                &[(
                    "forwarded",
                    "for=1.2.3.4;host=\"kb.example.org:8443\";proto=https"
                )]
            )
            .await,
            "https://kb.example.org:8443/programs/us-h1b"
        );
        // The answer cached for the proxied host is not another host's answer.
        assert_eq!(permalink_with(app, &[]).await, own);
        assert_eq!(
            permalink_with(app, proxied).await,
            "https://kb.example.org/programs/us-h1b"
        );
        // Malformed forwarding is ignored, even from the proxy.
        for headers in [
            &[("x-forwarded-proto", "javascript")][..],
            &[("x-forwarded-host", "evil.example/x?y")][..],
            &[("forwarded", "host=\"a b\";proto=https")][..],
        ] {
            assert_eq!(permalink_with(app, headers).await, own, "{headers:?}");
        }
    }
);
