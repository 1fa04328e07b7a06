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

/// Creates and publishes a record with `mutation` (returning `{ id version }`); its global ID.
async fn publish_new(app: &common::TestApp, token: &str, mutation: &str, input: Value) -> String {
    let created = app.data_as(token, mutation, json!({ "i": input })).await;
    let record = created
        .as_object()
        .unwrap()
        .values()
        .next()
        .unwrap()
        .clone();
    let id = record["id"].as_str().unwrap().to_owned();
    app.data_as(
        token,
        "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
        json!({ "id": id, "v": record["version"] }),
    )
    .await;
    id
}

backend_test!(
    exported_names_cannot_run_as_spreadsheet_formulas,
    empty,
    |app| async move {
        let token = app.editor().await;
        let names = ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(A1)"];
        for (i, name) in names.iter().enumerate() {
            publish_new(
                app,
                &token,
                "mutation($i: ProgramInput!) { createProgram(input: $i) { id version } }",
                json!({ "slug": format!("formula-{i}"), "name": name, "country": "NZ",
                        "category": "TALENT", "legalStatus": "IN_FORCE" }),
            )
            .await;
        }
        let csv = app.get_text("/export/programs.csv").await;
        let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let cells: Vec<String> = reader.records().map(|r| r.unwrap()[1].to_owned()).collect();
        for name in names {
            assert!(cells.contains(&format!("'{name}")), "{name} in {cells:?}");
        }
        // The JSON export is data, not a spreadsheet: names stay as they are.
        let json = app.get_json("/export/programs.json").await;
        let exported: Vec<&str> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for name in names {
            assert!(exported.contains(&name), "{name} in {exported:?}");
        }
    }
);

backend_test!(
    pages_keep_hostile_text_inert_and_send_security_headers,
    empty,
    |app| async move {
        let token = app.editor().await;
        let name = "<!--<script>alert(1)</script>";
        let id = publish_new(
            app,
            &token,
            "mutation($i: PersonInput!) { createPerson(input: $i) { id version } }",
            json!({ "name": name }),
        )
        .await;
        for (path, accept) in [
            (format!("/records/{id}"), "text/html"),
            ("/".to_owned(), "text/html"),
        ] {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .header("accept", accept)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let headers = response.headers().clone();
            let policy = headers["content-security-policy"]
                .to_str()
                .unwrap()
                .to_owned();
            assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
            assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            assert!(headers.contains_key("referrer-policy"), "{path}");
            let body = response.text().await.unwrap();
            if path.starts_with("/records/") {
                // The JSON-LD block ends where it should: the page body is still there.
                let script = body
                    .split("<script type=\"application/ld+json\">")
                    .nth(1)
                    .unwrap();
                let json = script.split("</script>").next().unwrap();
                assert!(!json.contains('<'), "{json}");
                let ld: Value = serde_json::from_str(json).unwrap();
                assert_eq!(ld["name"], name);
                // The name is text in the heading (askama escapes `<` as `&#60;`).
                assert!(
                    body.contains("<h1>&#60;!--&#60;script&#62;alert(1)&#60;/script&#62;</h1>"),
                    "{body}"
                );
            }
        }
    }
);

backend_test!(
    graphql_posts_must_be_json_so_other_sites_cannot_send_them_simply,
    empty,
    |app| async move {
        let body = json!({ "query": "{ __typename }" }).to_string();
        for content_type in [
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
            Some("multipart/form-data; boundary=x"),
            None,
        ] {
            let mut request = app
                .client
                .post(format!("{}/graphql", app.base))
                .body(body.clone());
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 415, "{content_type:?}");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(
                answer["errors"][0]["extensions"]["code"],
                "UNSUPPORTED_MEDIA_TYPE"
            );
        }
        let ok = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 200);
    }
);

backend_test!(
    nul_bytes_are_bad_input_naming_the_field_on_both_backends,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let cases: [(&str, Value, &str); 7] = [
            (
                r#"{ programs(filter: {text: "visa\u0000"}) { totalCount } }"#,
                json!({}),
                "filter.text",
            ),
            (
                "query($t: String) { programs(filter: {text: $t}) { totalCount } }",
                json!({ "t": "visa\u{0}" }),
                "$t",
            ),
            (
                r#"{ people(filter: {text: "a\u0000"}) { totalCount } }"#,
                json!({}),
                "filter.text",
            ),
            (
                r#"{ sources(filter: {text: "a\u0000"}) { totalCount } }"#,
                json!({}),
                "filter.text",
            ),
            (
                r#"{ eligiblePrograms(profile: {fieldOfStudy: "eng\u0000"}) { totalCount } }"#,
                json!({}),
                "profile.fieldOfStudy",
            ),
            (
                r#"{ search(query: "visa\u0000") { totalCount } }"#,
                json!({}),
                "query",
            ),
            (
                "mutation($i: PersonInput!) { createPerson(input: $i) { id } }",
                json!({ "i": { "name": "A\u{0}B" } }),
                "$i.name",
            ),
        ];
        for (query, variables, field) in cases {
            let body = app.graphql_as(&token, query, variables).await;
            let error = &body["errors"][0];
            assert_eq!(
                error["extensions"]["code"], "BAD_USER_INPUT",
                "{query}: {body}"
            );
            assert_eq!(error["extensions"]["field"], field, "{query}: {body}");
            assert!(body["data"].is_null(), "nothing ran: {body}");
        }
        for (path, field) in [
            ("/export/programs.csv?text=visa%00", "text"),
            ("/export/programs.json?country=C%00N", "country"),
            ("/programs/cn-k-visa%00", "slug"),
            ("/records/abc%00", "id"),
        ] {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["field"], field, "{path}: {body}");
        }
    }
);

const LOGIN: &str =
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }";

/// Signs in from `client` (an `X-Forwarded-For` address, believed from the trusted proxy);
/// the HTTP status and body.
async fn login_from(
    client: &reqwest::Client,
    base: &str,
    from: &str,
    email: &str,
    password: &str,
) -> (u16, Option<String>, Value) {
    let response = client
        .post(format!("{base}/graphql"))
        .header("x-forwarded-for", from)
        .json(&json!({ "query": LOGIN, "variables": { "e": email, "p": password } }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

backend_test!(
    one_sign_in_per_request_and_no_race_past_the_limit,
    seeded_behind_proxy,
    |app| async move {
        let email = "target@example.org";
        app.create_user(email, entity::enums::Role::Editor).await;
        // A batch carrying a login, or aliased logins, is refused before any runs.
        let guess = json!({ "query": LOGIN, "variables": { "e": email, "p": "guess" } });
        let right =
            json!({ "query": LOGIN, "variables": { "e": email, "p": common::TEST_PASSWORD } });
        let aliased = format!(
            r#"mutation {{ a: login(email: "{email}", password: "guess") {{ token }}
                          b: login(email: "{email}", password: "{}") {{ token }} }}"#,
            common::TEST_PASSWORD
        );
        for body in [
            json!([guess.clone(), right.clone()]),
            json!([{ "query": "{ __typename }" }, right.clone()]),
            json!({ "query": aliased }),
        ] {
            let response = app
                .client
                .post(format!("{}/graphql", app.base))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{body}");
            let answer: Value = response.json().await.unwrap();
            assert_eq!(code(&answer), "LOGIN_MUST_BE_ALONE", "{answer}");
        }

        // 50 concurrent guesses for one account from one address: 5 are checked, the rest
        // refused with 429 and Retry-After, and the right password among them gets no token.
        let mut guesses = tokio::task::JoinSet::new();
        for i in 0..50 {
            let client = app.client.clone();
            let base = app.base.clone();
            let password = if i == 49 {
                common::TEST_PASSWORD.to_owned()
            } else {
                format!("guess{i}")
            };
            guesses.spawn(async move {
                login_from(&client, &base, "10.0.0.1", "target@example.org", &password).await
            });
        }
        let (mut checked, mut refused) = (0, 0);
        while let Some(result) = guesses.join_next().await {
            let (status, retry, body) = result.unwrap();
            match code(&body) {
                "UNAUTHENTICATED" => checked += 1,
                "TOO_MANY_REQUESTS" => {
                    refused += 1;
                    assert_eq!(status, 429, "{body}");
                    assert!(retry.unwrap().parse::<u64>().unwrap() > 0);
                }
                // The right password may be among the first five: then it signs in.
                "" => {
                    assert!(body["data"]["login"]["token"].is_string(), "{body}");
                    checked += 1;
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert!(
            checked <= 5,
            "{checked} passwords checked against a limit of 5"
        );
        assert_eq!(checked + refused, 50);

        // The locked pair is that address's: the editor still signs in from their own.
        let (status, _, body) = login_from(
            &app.client,
            &app.base,
            "10.0.0.1",
            email,
            common::TEST_PASSWORD,
        )
        .await;
        if checked == 5 && body["data"]["login"].is_null() {
            assert_eq!((status, code(&body)), (429, "TOO_MANY_REQUESTS"), "{body}");
        }
        let (status, _, body) = login_from(
            &app.client,
            &app.base,
            "10.0.0.2",
            email,
            common::TEST_PASSWORD,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["login"]["token"].is_string(), "{body}");
    }
);

/// POSTs a raw JSON body to /graphql; the status, body and the time it took.
async fn post_json(app: &common::TestApp, body: &Value) -> (u16, Value, std::time::Duration) {
    let started = std::time::Instant::now();
    let response = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap(), started.elapsed())
}

backend_test!(
    a_request_is_priced_before_it_runs_with_one_budget_for_a_batch,
    seeded,
    |app| async move {
        // Every answer says what it cost and what it may cost.
        let (_, ok, _) = post_json(
            app,
            &json!({ "query": "{ programs(first: 10) { nodes { name } } }" }),
        )
        .await;
        assert_eq!(ok["extensions"]["cost"]["requested"], 1 + 10 * 2, "{ok}");
        assert_eq!(ok["extensions"]["cost"]["limit"], 50_000);

        // The attack: a batch of 10 operations, each 40 aliases of eligiblePrograms with
        // nested lists. Refused before anything runs, in no time.
        let alias = "programs { name requirements { description citations { source { title } } } fees { label } }";
        let op: String = (0..40)
            .map(|i| format!("e{i}: eligiblePrograms(profile: {{age: 30}}, first: 100) {{ edges {{ node {{ program {{ {alias} }} checks {{ reason }} }} }} }}"))
            .collect::<Vec<_>>()
            .join(" ");
        let batch: Vec<Value> = (0..10)
            .map(|_| json!({ "query": format!("{{ {op} }}") }))
            .collect();
        let (status, body, took) = post_json(app, &json!(batch)).await;
        assert_eq!(status, 200);
        assert_eq!(
            body[0]["errors"][0]["extensions"]["code"], "COST_LIMIT_EXCEEDED",
            "{body}"
        );
        assert!(body[0]["data"].is_null());
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");

        // Fragments that spread the next one ten times, 20 deep: priced out, never expanded.
        let mut bomb = String::from("{ ...F0 }");
        for i in 0..20 {
            let spreads: Vec<String> = (0..10).map(|_| format!("...F{}", i + 1)).collect();
            bomb.push_str(&format!(
                " fragment F{i} on Query {{ {} }}",
                spreads.join(" ")
            ));
        }
        bomb.push_str(" fragment F20 on Query { __typename }");
        let (_, body, took) = post_json(app, &json!({ "query": bomb })).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "COST_LIMIT_EXCEEDED",
            "{body}"
        );
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");

        // Operations that each fit share the one budget: together they do not.
        let heavy = "{ programs(first: 100) { nodes { requirements { citations { source { title } } } facts { citations { source { title } } } } } }";
        let (_, one, _) = post_json(app, &json!({ "query": heavy })).await;
        let each = one["extensions"]["cost"]["requested"].as_u64().unwrap();
        assert!(one["errors"].is_null(), "{one}");
        let times = 50_000 / each + 1;
        assert!(times <= 10, "the test needs a heavier query: {each}");
        let batch: Vec<Value> = (0..times).map(|_| json!({ "query": heavy })).collect();
        let (_, body, _) = post_json(app, &json!(batch)).await;
        assert_eq!(
            body[0]["errors"][0]["extensions"]["code"], "COST_LIMIT_EXCEEDED",
            "{body}"
        );
        assert_eq!(body[0]["extensions"]["cost"]["requested"], each * times);
    }
);

backend_test!(
    a_request_running_too_long_is_stopped_with_a_code,
    seeded_impatient,
    |app| async move {
        let heavy = json!({ "query": "{ eligiblePrograms(profile: {age: 30}, first: 100) { edges { node { program { name requirements { description } fees { label } } checks { reason } } } } }" });
        let (status, body, took) = post_json(app, &heavy).await;
        assert_eq!(status, 503, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "TIMEOUT", "{body}");
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }
);

backend_test!(
    an_answer_over_the_size_cap_is_not_sent,
    seeded_terse,
    |app| async move {
        let (status, body, _) = post_json(
            app,
            &json!({ "query": "{ programs(first: 100) { nodes { name summary } } }" }),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            "RESPONSE_TOO_LARGE"
        );
        let (status, small, _) = post_json(
            app,
            &json!({ "query": "{ programs(first: 1) { nodes { name } } }" }),
        )
        .await;
        assert_eq!(status, 200, "{small}");
    }
);

/// GETs `path` as the client `from` (through the trusted proxy) with optional extra headers.
async fn get_as(
    app: &common::TestApp,
    path: &str,
    from: &str,
    authorization: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .get(format!("{}{path}", app.base))
        .header("x-forwarded-for", from);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send().await.unwrap()
}

backend_test!(
    each_anonymous_client_has_its_own_rate_limit,
    seeded_rate_limited,
    |app| async move {
        let token = app.editor().await;
        let query = "/graphql?query=%7B__typename%7D";
        for left in (0..5).rev() {
            let response = get_as(app, query, "10.0.0.9", None).await;
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["ratelimit-limit"], "5");
            assert_eq!(
                response.headers()["ratelimit-remaining"],
                left.to_string().as_str()
            );
        }
        for path in [query, "/export/programs.csv", "/programs/cn-k-visa"] {
            let response = get_as(app, path, "10.0.0.9", None).await;
            assert_eq!(response.status(), 429, "{path}");
            let retry: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(retry >= 1);
            assert_eq!(response.headers()["ratelimit-remaining"], "0");
            let body: Value = response.json().await.unwrap();
            assert_eq!(code(&body), "RATE_LIMITED", "{body}");
        }
        // A made-up token does not get around it; a real one is not counted here.
        let fake = get_as(app, query, "10.0.0.9", Some("Bearer made.up.token")).await;
        assert_eq!(fake.status(), 429);
        let editor = get_as(app, query, "10.0.0.9", Some(&format!("Bearer {token}"))).await;
        assert_eq!(editor.status(), 200);
        // Another client, and the orchestrator's probes, are not affected.
        assert_eq!(get_as(app, query, "10.0.0.8", None).await.status(), 200);
        assert_eq!(get_as(app, "/readyz", "10.0.0.9", None).await.status(), 200);
    }
);

backend_test!(head_requests_allow_and_vary, seeded, |app| async move {
    // HEAD works wherever GET does, without a body.
    for path in [
        "/programs/cn-k-visa",
        "/export/programs.csv",
        "/export/programs.json",
        "/feed.atom",
        "/healthz",
        "/readyz",
        "/graphql?query=%7B__typename%7D",
    ] {
        let response = app
            .client
            .head(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.bytes().await.unwrap().is_empty(), "{path}");
    }
    // A method a route does not answer is 405 saying which it does.
    for (method, path, allow) in [
        (reqwest::Method::POST, "/programs/cn-k-visa", "GET, HEAD"),
        (reqwest::Method::DELETE, "/graphql", "GET, HEAD, POST"),
        (reqwest::Method::PUT, "/export/programs.csv", "GET, HEAD"),
    ] {
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 405, "{method} {path}");
        assert_eq!(response.headers()["allow"], allow, "{method} {path}");
    }
    let mutation = app
        .client
        .get(format!("{}/graphql?query=mutation%7Blogout%7D", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
    // Answers chosen by Accept say so.
    for path in ["/programs/cn-k-visa", "/graphql?query=%7B__typename%7D"] {
        let response = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let vary = response.headers()["vary"].to_str().unwrap().to_owned();
        assert!(
            vary.split(',').any(|v| v.trim() == "Accept"),
            "{path}: {vary}"
        );
    }
});

backend_test!(
    list_bounds_count_published_rows_only,
    seeded,
    |app| async move {
        // The bounds price every request and each answer reports its cost: drafts must not
        // show through them.
        let db = app.db.connect().await;
        let before = api::kb::bounds::load(&db).await.unwrap();
        let token = app.editor().await;
        let draft = app
            .data_as(
                &token,
                "mutation($i: ProgramInput!) { createProgram(input: $i) { id version } }",
                json!({ "i": { "slug": "bounds-draft", "name": "Draft", "country": "NZ",
                               "category": "TALENT", "legalStatus": "IN_FORCE" } }),
            )
            .await;
        let program = draft["createProgram"]["id"].clone();
        for i in 0..(before.requirements_per_program + 2) {
            app.data_as(
                &token,
                "mutation($i: RequirementInput!) { createRequirement(input: $i) { id } }",
                json!({ "i": { "programId": program, "kind": "AGE", "description": format!("r{i}") } }),
            )
            .await;
        }
        assert_eq!(api::kb::bounds::load(&db).await.unwrap(), before);
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": program, "v": draft["createProgram"]["version"] }),
        )
        .await;
        let after = api::kb::bounds::load(&db).await.unwrap();
        assert_eq!(after.programs, before.programs + 1);
    }
);
