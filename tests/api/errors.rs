//! Bad input gets a clear error with a stable code, never a panic or a 500; limits hold.

use serde_json::json;

backend_test!(bad_input_is_bad_user_input, seeded, |app| async move {
    let programs = "query($first: Int, $after: String, $filter: ProgramFilter) { programs(first: $first, after: $after, filter: $filter) { totalCount } }";
    assert_eq!(
        app.error_code(programs, json!({"after": "not-a-cursor"}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(programs, json!({"first": 101})).await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(programs, json!({"first": -1})).await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(programs, json!({"filter": {"country": ["china"]}}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(programs, json!({"filter": {"text": ""}}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(
            programs,
            json!({"filter": {"maxFee": {"amount": "10", "currency": "dollars"}}})
        )
        .await,
        "BAD_USER_INPUT"
    );
    let both = app
        .graphql("{ programs(first: 1, last: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(both["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(both["errors"][0]["extensions"]["field"], "last");

    let program = "query($slug: String!) { program(slug: $slug) { name } }";
    assert_eq!(
        app.error_code(program, json!({"slug": "Not A Slug!"}))
            .await,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        app.error_code(program, json!({"slug": "no-such-program"}))
            .await,
        "NOT_FOUND"
    );

    let node = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        app.error_code(node, json!({"id": "garbage"})).await,
        "BAD_USER_INPUT"
    );
    // A well-formed ID of nothing is simply null.
    let missing = app.data(node, json!({"id": "UHJvZ3JhbTo5OTk5OTk"})).await;
    assert!(missing["node"].is_null());
});

backend_test!(limits_reject_abusive_queries, seeded, |app| async move {
    // Deep but cheap (each level one object), so the depth limit answers, not the cost.
    let deep = format!(
        "{{ __type(name: \"Program\") {{ fields {{ type {{ {} name {} }} }} }} }}",
        "ofType { ".repeat(16),
        "} ".repeat(16)
    );
    let body = app.graphql(&deep, json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested too deep"),
        "{body}"
    );

    let aliases: String = (0..60).map(|i| format!("a{i}: __typename ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("alias"),
        "{body}"
    );

    let wide = "{ programs(first: 100) { nodes { requirements { citations { source { title } } } fees { citations { source { title } } } facts { citations { source { title } } } commentaries { citations { source { title } } } policyEvents { citations { source { title } } } } } }";
    let one = app.graphql(wide, json!({})).await;
    assert!(
        one["errors"].is_null(),
        "a big but legitimate query passes: {one}"
    );
    let many: String = (0..30)
        .map(|i| format!("p{i}: {}", &wide[2..wide.len() - 2]))
        .collect::<Vec<_>>()
        .join(" ");
    let body = app.graphql(&format!("{{ {many} }}"), json!({})).await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "COST_LIMIT_EXCEEDED",
        "{body}"
    );
    let cost = &body["extensions"]["cost"];
    assert!(cost["requested"].as_u64().unwrap() > cost["limit"].as_u64().unwrap());
    assert_eq!(body["data"], serde_json::Value::Null, "nothing ran: {body}");
});

backend_test!(
    standard_introspection_query_works,
    empty,
    |app| async move {
        // The query GraphiQL and code generators send.
        let introspection = r#"query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
        types { ...FullType } directives { name description locations args { ...InputValue } } } }
      fragment FullType on __Type { kind name description
        fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
        inputFields { ...InputValue } interfaces { ...TypeRef }
        enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason } possibleTypes { ...TypeRef } }
      fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
      fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name
        ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }"#;
        let data = app.data(introspection, json!({})).await;
        let types = data["__schema"]["types"].as_array().unwrap();
        let program = types
            .iter()
            .find(|t| t["name"] == "Program")
            .expect("Program type");
        assert!(
            program["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
        assert!(
            program["fields"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["description"].as_str().is_some_and(|d| !d.is_empty())),
            "every field is documented"
        );
    }
);

backend_test!(http_errors_are_clean, empty, |app| async move {
    let not_json = app
        .client
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let huge = "x".repeat(1024 * 1024);
    let too_big = app
        .client
        .post(format!("{}/graphql", app.base))
        .json(&json!({"query": format!("{{ __typename }} # {huge}")}))
        .send()
        .await
        .unwrap();
    assert_eq!(too_big.status(), 413);
    let syntax = app.graphql("{ programs { ", json!({})).await;
    assert!(syntax["errors"][0]["message"].is_string());
    let unknown = app.graphql("{ noSuchField }", json!({})).await;
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("noSuchField")
    );
});

backend_test!(probes_answer, empty, |app| async move {
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready = app
        .client
        .get(format!("{}/readyz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let graphiql = app
        .client
        .get(format!("{}/", app.base))
        .send()
        .await
        .unwrap();
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let get = app
        .client
        .get(format!("{}/graphql?query=%7B__typename%7D", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        get.json::<serde_json::Value>().await.unwrap()["data"]["__typename"],
        "Query"
    );
});

backend_test!(
    browsers_may_call_the_api_and_big_answers_compress,
    empty,
    |app| async move {
        let preflight = app
            .client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
            .header("Origin", "https://frontend.example")
            .header("Access-Control-Request-Method", "POST")
            // The headers common clients and tracing add pass too.
            .header(
                "Access-Control-Request-Headers",
                "content-type,apollographql-client-name,x-request-id,sentry-trace,baggage",
            )
            .send()
            .await
            .unwrap();
        assert!(preflight.status().is_success(), "{}", preflight.status());
        assert!(
            preflight
                .headers()
                .contains_key("access-control-allow-origin")
        );
        let gzip = app
            .client
            .post(format!("{}/graphql", app.base))
            .header("Accept-Encoding", "gzip")
            .json(&json!({"query": "{ __schema { types { name description } } }"}))
            .send()
            .await
            .unwrap();
        assert_eq!(gzip.headers()["content-encoding"], "gzip");
    }
);
