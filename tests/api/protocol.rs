//! GraphQL over HTTP (the GraphQL Foundation's spec): media types, the status of request
//! errors, answers without `data` when nothing ran, a code on every error, and nullable
//! lookups that fail alone. (`tests/http-audit` runs the spec's own audit suite in CI.)

use crate::common::TestApp;
use serde_json::{Value, json};

const SPEC_TYPE: &str = "application/graphql-response+json";

/// POSTs `body` as JSON with `accept`; returns the status, the Content-Type and the body.
async fn post(app: &TestApp, accept: Option<&str>, body: Value) -> (u16, String, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.base)).json(&body);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, media, response.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

backend_test!(accept_chooses_the_media_type, seeded, |app| async move {
    let query = json!({"query": "{ __typename }"});
    for (accept, expected) in [
        (None, "application/json"),
        (Some("*/*"), "application/json"),
        (Some("application/json"), "application/json"),
        (Some(SPEC_TYPE), SPEC_TYPE),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            SPEC_TYPE,
        ),
    ] {
        let (status, media, body) = post(app, accept, query.clone()).await;
        assert_eq!(status, 200, "{accept:?}");
        assert!(media.starts_with(expected), "{accept:?}: {media}");
        assert!(media.contains("charset=utf-8"), "{media}");
        assert_eq!(body["data"]["__typename"], "Query");
    }
    // The answer depends on `Accept`: shared caches must keep the two apart.
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&query)
        .send()
        .await
        .unwrap();
    let vary = response.headers()["vary"].to_str().unwrap();
    assert!(vary.split(", ").any(|h| h == "Accept"), "{vary}");
    // A cached answer keeps the negotiated type (the second request is a cache hit).
    for _ in 0..2 {
        let (_, media, _) = post(
            app,
            Some(SPEC_TYPE),
            json!({"query": "{ programs(first: 1) { totalCount } }"}),
        )
        .await;
        assert!(media.starts_with(SPEC_TYPE), "{media}");
    }
});

backend_test!(
    request_errors_are_4xx_without_data,
    seeded,
    |app| async move {
        // (query, variables, code, field)
        let cases = [
            (
                "{ programs(first: 1) { totalCount }",
                json!({}),
                "GRAPHQL_PARSE_FAILED",
                None,
            ),
            (
                "{ programs { nope } }",
                json!({}),
                "GRAPHQL_VALIDATION_FAILED",
                None,
            ),
            (
                "query CoerceFailure($id: ID!) { __typename }",
                json!({"id": null}),
                "BAD_USER_INPUT",
                Some("$id"),
            ),
            (
                "query($first: Int) { programs(first: $first) { totalCount } }",
                json!({"first": 3_000_000_000_u64}),
                "BAD_USER_INPUT",
                Some("$first"),
            ),
            (
                "query($slug: String!) { program(slug: $slug) { name } }",
                json!({}),
                "BAD_USER_INPUT",
                Some("$slug"),
            ),
            (
                "{ program(slug: \"us-h1b\", asOf: \"yesterday\") { name } }",
                json!({}),
                "BAD_USER_INPUT",
                Some("asOf"),
            ),
        ];
        for (query, variables, expected, field) in cases {
            let request = json!({"query": query, "variables": variables});
            let (status, _, body) = post(app, Some(SPEC_TYPE), request.clone()).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert!(
                body.get("data").is_none(),
                "{query}: nothing ran, so no data: {body}"
            );
            assert_eq!(code(&body), expected, "{query}: {body}");
            if let Some(field) = field {
                assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
            }
            // Clients that ask for plain JSON keep reading `errors` from a 200.
            let (status, media, body) = post(app, Some("application/json"), request).await;
            assert_eq!(status, 200, "{query}: {body}");
            assert!(media.starts_with("application/json"));
            assert!(body.get("data").is_none(), "{body}");
            assert_eq!(code(&body), expected, "{query}: {body}");
        }
    }
);

backend_test!(
    a_document_sent_again_is_checked_as_the_first_time,
    seeded_uncached,
    |app| async move {
        // Sent again without variables, a document that ran skips the validation it passed.
        let valid = json!({"query": "{ programs(first: 2) { totalCount nodes { slug } } }"});
        let (status, _, first) = post(app, Some(SPEC_TYPE), valid.clone()).await;
        assert_eq!(status, 200, "{first}");
        assert!(first["data"]["programs"]["totalCount"].as_i64() > Some(0));
        for _ in 0..2 {
            let (status, _, again) = post(app, Some(SPEC_TYPE), valid.clone()).await;
            assert_eq!((status, &again), (200, &first));
        }
        // A document refused by validation is refused every time.
        for _ in 0..3 {
            let refused = json!({"query": "{ programs { nope } }"});
            let (status, _, body) = post(app, Some(SPEC_TYPE), refused).await;
            assert_eq!(status, 400, "{body}");
            assert_eq!(code(&body), "GRAPHQL_VALIDATION_FAILED", "{body}");
        }
        // Validated without variables, then sent with a value its argument cannot take: the
        // value still meets validation.
        let query = "query($c: [Category!]) { programs(filter: {category: $c}) { totalCount } }";
        for _ in 0..2 {
            let (status, _, body) = post(app, Some(SPEC_TYPE), json!({"query": query})).await;
            assert_eq!(status, 200, "{body}");
        }
        let bad = json!({"query": query, "variables": {"c": ["NOT_A_CATEGORY"]}});
        let (status, _, body) = post(app, Some(SPEC_TYPE), bad).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        // Limits are checked on every request: a document one level too deep never passes.
        let levels = api::config::Limits::default().max_depth / 2;
        let deep = format!(
            "{{ program(slug: \"us-h1b\") {{ {} slug {} }} }}",
            "policyEvents { program {".repeat(levels),
            "} }".repeat(levels)
        );
        for _ in 0..2 {
            let request = json!({"query": deep});
            let (status, _, body) = post(app, Some(SPEC_TYPE), request).await;
            assert_eq!(status, 400, "{body}");
        }
    }
);

backend_test!(malformed_requests_are_400, seeded, |app| async move {
    let url = format!("{}/graphql", app.base);
    for accept in [SPEC_TYPE, "application/json"] {
        // No `query`, a `query` that is not a string, a body that is not JSON, no body.
        for body in [
            r#"{"notquery": "{ __typename }"}"#,
            r#"{"query": {"obj": 1}}"#,
            "{",
            "",
        ] {
            let response = app
                .client
                .post(&url)
                .header("content-type", "application/json")
                .header("accept", accept)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{body:?} ({accept})");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(code(&answer), "BAD_REQUEST", "{answer}");
            assert!(answer.get("data").is_none());
        }
    }
    // A POST without a Content-Type is refused (4xx), not run.
    let response = app
        .client
        .post(&url)
        .body(r#"{"query": "{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    // A mutation over GET: 405 with `Allow: POST`.
    let response = app
        .client
        .get(format!("{url}?query=mutation%7B__typename%7D"))
        .header("accept", SPEC_TYPE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    // GET runs a query, with its variables as URL-encoded JSON.
    let response = app
        .client
        .get(format!(
            "{url}?query=query(%24s%3AString!)%7Bprogram(slug%3A%24s)%7Bslug%7D%7D&variables=%7B%22s%22%3A%22us-h1b%22%7D"
        ))
        .header("accept", SPEC_TYPE)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["program"]["slug"], "us-h1b", "{body}");
});

backend_test!(a_missing_program_fails_alone, seeded, |app| async move {
    let body = app
        .graphql(
            "{ programs(first: 2) { totalCount } missing: program(slug: \"no-such-program\") { name } \
               k: program(slug: \"cn-k-visa\") { name } node(id: \"bm9wZQ\") { id } }",
            json!({}),
        )
        .await;
    let data = &body["data"];
    assert!(
        data["programs"]["totalCount"].as_i64().unwrap() > 0,
        "{body}"
    );
    assert!(data["missing"].is_null(), "{body}");
    assert!(
        data.get("missing").is_some(),
        "the field is there, null: {body}"
    );
    assert_eq!(data["k"]["name"], "K visa", "{body}");
    assert!(data["node"].is_null(), "{body}");
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    let at = |path: &str| {
        errors
            .iter()
            .find(|e| e["path"] == json!([path]))
            .unwrap_or_else(|| panic!("no error at {path}: {body}"))
    };
    assert_eq!(at("missing")["extensions"]["code"], "NOT_FOUND");
    assert_eq!(at("node")["extensions"]["code"], "BAD_USER_INPUT");
    // With the spec's media type the answer is still a 200: something ran.
    let (status, _, body) = post(
        app,
        Some(SPEC_TYPE),
        json!({"query": "{ a: program(slug: \"no-such-program\") { name } __typename }"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["__typename"], "Query");
    // An editors' lookup without a token fails alone too.
    let body = app
        .graphql(
            "{ __typename editorialRecord(id: \"bm9wZQ\") { state } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["__typename"], "Query", "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
});

// A corpus of bad requests: every error of every answer carries a code.
backend_test!(every_error_has_a_code, seeded, |app| async move {
    let deep = format!(
        "{{ {}}}",
        "__type(name: \"Query\") { ".to_owned()
            + &"ofType { ".repeat(20)
            + "name "
            + &"} ".repeat(21)
    );
    let aliases = format!(
        "{{ {} }}",
        (0..60)
            .map(|i| format!("a{i}: __typename"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let corpus: Vec<(String, Value)> = vec![
        (
            "{ programs(first: 3000000000) { totalCount } }".into(),
            json!({}),
        ),
        ("{ programs(first: -1) { totalCount } }".into(), json!({})),
        (
            "{ programs(first: \"ten\") { totalCount } }".into(),
            json!({}),
        ),
        (
            "{ programs(orderBy: {field: NOPE}) { totalCount } }".into(),
            json!({}),
        ),
        ("{ programs { nope } }".into(), json!({})),
        ("{ programs".into(), json!({})),
        ("".into(), json!({})),
        (
            "query A { __typename } query B { __typename }".into(),
            json!({}),
        ),
        (deep, json!({})),
        (aliases, json!({})),
        ("{ program { name } }".into(), json!({})),
        (
            "{ program(slug: \"Not A Slug\") { name } }".into(),
            json!({}),
        ),
        (
            "{ compare(slugs: [\"no-such\"]) { programs { name } } }".into(),
            json!({}),
        ),
        ("{ node(id: \"bm9wZQ\") { id } }".into(), json!({})),
        ("{ search(query: \"\") { totalCount } }".into(), json!({})),
        (
            "{ changes(since: \"not a time\") { totalCount } }".into(),
            json!({}),
        ),
        (
            "{ timeline(from: \"2025-13-01\") { totalCount } }".into(),
            json!({}),
        ),
        ("{ users { email } }".into(), json!({})),
        ("{ editorialRecord(id: \"x\") { state } }".into(), json!({})),
        (
            "mutation { publish(id: \"x\") { state } }".into(),
            json!({}),
        ),
        (
            "query($f: ProgramFilter) { programs(filter: $f) { totalCount } }".into(),
            json!({"f": {"country": 7}}),
        ),
        (
            "query($f: Int!) { programs(first: $f) { totalCount } }".into(),
            json!({"f": 1.5}),
        ),
        ("subscription { x }".into(), json!({})),
    ];
    // Some of them, more precisely: (query, code, field).
    let precisely = [
        (
            "{ programs(first: 3000000000) { totalCount } }",
            "BAD_USER_INPUT",
            Some("first"),
        ),
        (
            "{ programs(first: 10, last: 3000000000) { totalCount } }",
            "BAD_USER_INPUT",
            Some("last"),
        ),
        (
            "{ programs(first: \"ten\") { totalCount } }",
            "BAD_USER_INPUT",
            Some("first"),
        ),
        ("{ programs { nope } }", "GRAPHQL_VALIDATION_FAILED", None),
        ("{ programs", "GRAPHQL_PARSE_FAILED", None),
        (
            "query A { __typename } query B { __typename }",
            "OPERATION_RESOLUTION_FAILURE",
            None,
        ),
        (
            "{ program(slug: \"nope-nope\") { name } }",
            "NOT_FOUND",
            None,
        ),
    ];
    for (query, expected, field) in precisely {
        let body = app.graphql(query, json!({})).await;
        assert_eq!(code(&body), expected, "{query}: {body}");
        if let Some(field) = field {
            assert_eq!(
                body["errors"][0]["extensions"]["field"], field,
                "{query}: {body}"
            );
        }
    }
    let body = app.graphql(&corpus[8].0, json!({})).await;
    assert_eq!(code(&body), "DEPTH_LIMIT_EXCEEDED", "{body}");
    let body = app.graphql(&corpus[9].0, json!({})).await;
    assert_eq!(code(&body), "ALIAS_LIMIT_EXCEEDED", "{body}");
    for (query, variables) in corpus {
        let body = app.graphql(&query, variables).await;
        let errors = body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{query}: no errors: {body}"));
        for error in errors {
            let code = error["extensions"]["code"].as_str();
            assert!(
                code.is_some_and(|c| !c.is_empty()),
                "{query}: an error without a code: {error}"
            );
            assert_ne!(code, Some("INTERNAL_SERVER_ERROR"), "{query}: {error}");
        }
    }
});

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

backend_test!(persisted_queries, seeded, |app| async move {
    let query = "query Program($slug: String!) { program(slug: $slug) { slug name } }";
    let hash = sha256_hex(query);
    let persisted = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let variables = json!({"slug": "cn-k-visa"});
    // The hash alone, before the server has seen the text: the client is asked for it.
    let (status, _, body) = post(
        app,
        None,
        json!({"extensions": persisted, "variables": variables}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(code(&body), "PERSISTED_QUERY_NOT_FOUND", "{body}");
    assert_eq!(body["errors"][0]["message"], "PersistedQueryNotFound");
    // The text with its hash: answered and remembered.
    let (_, _, body) = post(
        app,
        None,
        json!({"query": query, "extensions": persisted, "variables": variables}),
    )
    .await;
    assert_eq!(body["data"]["program"]["slug"], "cn-k-visa", "{body}");
    // Then the hash alone is enough, over POST and over GET (a short URL a CDN can cache).
    let (_, _, body) = post(
        app,
        None,
        json!({"extensions": persisted, "variables": {"slug": "us-h1b"}}),
    )
    .await;
    assert_eq!(body["data"]["program"]["slug"], "us-h1b", "{body}");
    let url = reqwest::Url::parse_with_params(
        &format!("{}/graphql", app.base),
        &[
            ("extensions", persisted.to_string()),
            ("variables", variables.to_string()),
        ],
    )
    .unwrap();
    // Twice: computed, then from the response cache; a CDN may keep either for a minute.
    for _ in 0..2 {
        let response = app.client.get(url.clone()).send().await.unwrap();
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=60, stale-while-revalidate=300"
        );
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["data"]["program"]["name"], "K visa", "{body}");
    }
    // An answer with an error is not kept.
    let response = app
        .client
        .get(format!(
            "{}/graphql?query=%7Bprogram(slug%3A%22no-such%22)%7Bname%7D%7D",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["cache-control"], "no-store");
    // A text that does not hash to its hash is refused.
    let wrong =
        json!({"persistedQuery": {"version": 1, "sha256Hash": sha256_hex("{ __typename }")}});
    let (status, _, body) = post(
        app,
        Some(SPEC_TYPE),
        json!({"query": query, "extensions": wrong, "variables": variables}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(code(&body), "BAD_REQUEST", "{body}");
    // A persisted mutation still cannot run over GET.
    let mutation = "mutation { __typename }";
    let hash = sha256_hex(mutation);
    let extensions = json!({"persistedQuery": {"version": 1, "sha256Hash": hash}});
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": mutation, "extensions": extensions}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let url = reqwest::Url::parse_with_params(
        &format!("{}/graphql", app.base),
        &[("extensions", extensions.to_string())],
    )
    .unwrap();
    let response = app.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), 405);
});

// The explorer at `/` loads every script and stylesheet from this server, each pinned by its
// integrity hash, and its policy allows no other origin: it works offline.
backend_test!(
    the_explorer_loads_everything_from_this_server,
    empty,
    |app| async move {
        use base64::Engine;
        use sha2::{Digest, Sha384};
        let page = app
            .client
            .get(format!("{}/", app.base))
            .send()
            .await
            .unwrap();
        let policy = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!policy.contains("http"), "{policy}");
        let html = page.text().await.unwrap();
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{html}"
        );
        let mut loaded = 0;
        for (attribute, kind) in [("src=\"", "javascript"), ("href=\"", "css")] {
            for piece in html.split(attribute).skip(1) {
                let path = &piece[..piece.find('"').unwrap()];
                let integrity = piece
                    .split("integrity=\"")
                    .nth(1)
                    .map(|rest| &rest[..rest.find('"').unwrap()])
                    .unwrap_or_else(|| panic!("{path} has no integrity hash"));
                let asset = app
                    .client
                    .get(format!("{}{path}", app.base))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(asset.status(), 200, "{path}");
                let content_type = asset.headers()["content-type"].to_str().unwrap().to_owned();
                assert!(content_type.contains(kind), "{path}: {content_type}");
                assert!(
                    asset.headers()["cache-control"]
                        .to_str()
                        .unwrap()
                        .contains("immutable")
                );
                let bytes = asset.bytes().await.unwrap();
                let digest =
                    base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes));
                assert_eq!(integrity, format!("sha384-{digest}"), "{path}");
                loaded += 1;
            }
        }
        // React, ReactDOM, GraphiQL and the explorer, and two stylesheets.
        assert_eq!(loaded, 6);
        let missing = app
            .client
            .get(format!(
                "{}/assets/graphiql-0.0.1/graphiql.min.js",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
    }
);
