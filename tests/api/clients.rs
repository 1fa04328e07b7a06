//! What frontend clients and their tools rely on: scalars they can type, times without
//! nanoseconds, and errors that null only the field that failed.

use serde_json::json;

backend_test!(scalars_say_what_they_are, seeded, |app| async move {
    let data = app
        .data(
            "{ date: __type(name: \"Date\") { specifiedByURL description } \
               dateTime: __type(name: \"DateTime\") { specifiedByURL description } \
               program(slug: \"cn-k-visa\") { updatedAt } }",
            json!({}),
        )
        .await;
    for scalar in ["date", "dateTime"] {
        assert_eq!(
            data[scalar]["specifiedByURL"], "https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
            "{data}"
        );
        assert!(
            !data[scalar]["description"]
                .as_str()
                .unwrap()
                .contains("Implement"),
            "{data}"
        );
    }
    // Every custom scalar says where its format is specified.
    let all = app
        .data(
            "{ __schema { types { kind name specifiedByURL } } }",
            json!({}),
        )
        .await;
    let unspecified: Vec<&str> = all["__schema"]["types"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "SCALAR")
        .filter(|t| {
            !["String", "Int", "Float", "Boolean", "ID"].contains(&t["name"].as_str().unwrap())
        })
        .filter(|t| t["specifiedByURL"].is_null())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        unspecified.is_empty(),
        "scalars without @specifiedBy: {unspecified:?}"
    );
    // RFC 3339 to the second, in UTC: `2026-12-04T16:21:02Z`.
    let at = data["program"]["updatedAt"].as_str().unwrap();
    let shape: Vec<bool> = at.chars().map(|c| c.is_ascii_digit()).collect();
    assert_eq!(at.len(), 20, "{at}");
    assert!(at.ends_with('Z') && !at.contains('.'), "{at}");
    assert_eq!(shape.iter().filter(|d| **d).count(), 14, "{at}");
    // A time that is not one is a request error naming its argument.
    let body = app
        .graphql(
            "{ changes(since: \"yesterday\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
    assert_eq!(body["errors"][0]["extensions"]["field"], "since", "{body}");
    // Any offset is accepted.
    let data = app
        .data(
            "{ changes(since: \"2020-01-01T08:00:00+08:00\", first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(
        data["changes"]["totalCount"].as_i64().unwrap() > 0,
        "{data}"
    );
});

backend_test!(
    a_dated_view_has_its_own_identity,
    seeded,
    |app| async move {
        let fields = "id slug status { legalStatus asOf } fees(current: true) { label }";
        let data = app
            .data(
                &format!(
                    "{{ today: program(slug: \"us-h1b\") {{ {fields} }} \
                   then: program(slug: \"us-h1b\", asOf: \"2025-09-20\") {{ {fields} }} }}"
                ),
                json!({}),
            )
            .await;
        let (today, then) = (&data["today"], &data["then"]);
        assert_ne!(today["id"], then["id"], "two views, two identities: {data}");
        assert_ne!(
            today["fees"].as_array().unwrap().len(),
            then["fees"].as_array().unwrap().len(),
            "the views differ (the $100,000 payment): {data}"
        );
        // Each ID refetches its own view, identical.
        for view in [today, then] {
            let node = app
                .data(
                    &format!(
                        "query($id: ID!) {{ node(id: $id) {{ ... on Program {{ {fields} }} }} }}"
                    ),
                    json!({"id": view["id"]}),
                )
                .await;
            assert_eq!(&node["node"], view, "{node}");
        }
        // A list seen on a date gives the same dated identities.
        let list = app
        .data(
            &format!(
                "{{ programs(asOf: \"2025-09-20\", filter: {{text: \"H-1B\"}}) {{ nodes {{ {fields} }} }} }}"
            ),
            json!({}),
        )
        .await;
        let h1b = list["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["slug"] == "us-h1b")
            .unwrap_or_else(|| panic!("{list}"));
        assert_eq!(h1b, then);
        // A view is not a record: editing or linking needs the program's own ID.
        let token = app.editor().await;
        let error = app
            .error_as(
                &token,
                "mutation($id: ID!) { publish(id: $id, expectedVersion: 1) { state } }",
                json!({"id": then["id"]}),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error}");
    }
);
