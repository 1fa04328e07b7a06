//! Responses follow the query: keys in the order the query asked for them (GraphQL spec,
//! "ordered map"), whichever resolver finishes first.

use serde_json::{Value, json};

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

backend_test!(fields_come_back_in_query_order, seeded, |app| async move {
    // Slow (batched, database-backed) fields interleaved with instant ones.
    let data = app
        .data(
            r#"{ program(slug: "us-h1b") { policyEvents { title } slug fees { label } name commentaries { body }
                country requirements { kind } id facts { field } legalStatus } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        keys(&data["program"]),
        vec![
            "policyEvents",
            "slug",
            "fees",
            "name",
            "commentaries",
            "country",
            "requirements",
            "id",
            "facts",
            "legalStatus"
        ]
    );
    let data = app
        .data(
            r#"{ zz: programs(first: 3) { nodes { facts { field } name citations { field } slug } totalCount } aa: __typename }"#,
            json!({}),
        )
        .await;
    assert_eq!(keys(&data), vec!["zz", "aa"]);
    assert_eq!(keys(&data["zz"]), vec!["nodes", "totalCount"]);
    for node in data["zz"]["nodes"].as_array().unwrap() {
        assert_eq!(keys(node), vec!["facts", "name", "citations", "slug"]);
    }
});
