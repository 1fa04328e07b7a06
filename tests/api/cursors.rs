//! Keyset cursors: every connection pages by cursor exactly as one long page reads, forward and
//! backward; a record published or unpublished between two pages neither repeats nor skips a
//! row; names are in reading order (case and accents ignored) on both backends; and a cursor
//! of another list or order is refused.

use crate::common::TestApp;
use crate::editing::{change_state, create, program_input, update};
use serde_json::{Value, json};

/// The `programs` page after `after`, `first` long: (ids, endCursor, pageInfo).
async fn program_page(app: &TestApp, first: u64, after: Option<&str>) -> (Vec<String>, Value) {
    let q = r#"query($first: Int, $after: String) { programs(first: $first, after: $after) {
        pageInfo { startCursor endCursor hasNextPage hasPreviousPage } nodes { id } } }"#;
    let data = app.data(q, json!({"first": first, "after": after})).await;
    let ids = data["programs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, data["programs"]["pageInfo"].clone())
}

/// Unpublishes a published record by its ID (as an editor).
async fn unpublish(app: &TestApp, token: &str, id: &str) {
    let record = app
        .data_as(
            token,
            "query($id: ID!) { editorialRecord(id: $id) { id version } }",
            json!({"id": id}),
        )
        .await["editorialRecord"]
        .clone();
    let done = change_state(app, token, "unpublish", &record).await;
    assert_eq!(done["state"], "DRAFT", "{done}");
}

/// Creates and publishes a program called `name`; returns its editorial record.
async fn published_program(app: &TestApp, token: &str, slug: &str, name: &str) -> Value {
    let mut input = program_input(slug);
    input["name"] = json!(name);
    let draft = create(app, token, "Program", input).await;
    let published = change_state(app, token, "publish", &draft).await;
    assert_eq!(published["state"], "PUBLISHED", "{published}");
    published
}

/// Creates and publishes a program called `name`; returns its ID.
async fn publish_program(app: &TestApp, token: &str, slug: &str, name: &str) -> String {
    let published = published_program(app, token, slug, name).await;
    published["id"].as_str().unwrap().to_owned()
}

backend_test!(
    publishing_between_pages_neither_repeats_nor_skips,
    seeded,
    |app| async move {
        let (all, _) = program_page(app, 100, None).await;
        assert!(all.len() > 40, "the seed has enough programs to page");
        let token = app.editor().await;

        // Page 1, then an unpublish and a publish, both ahead of the reader's cursor.
        let (page1, info1) = program_page(app, 10, None).await;
        assert_eq!(page1, all[..10]);
        assert_eq!(info1["hasPreviousPage"], false);
        unpublish(app, &token, &all[3]).await;
        let first_by_name = publish_program(app, &token, "zz-aardvark", "Aaa first by name").await;
        let (page2, info2) = program_page(app, 10, info1["endCursor"].as_str()).await;
        assert_eq!(page2, all[10..20], "page 2 is where page 1 ended");
        assert_eq!(info2["hasPreviousPage"], true);
        assert_eq!(info2["hasNextPage"], true);

        // The row the cursor names is unpublished itself: the place it held still holds.
        unpublish(app, &token, &all[19]).await;
        let (page3, _) = program_page(app, 10, info2["endCursor"].as_str()).await;
        assert_eq!(page3, all[20..30]);

        // A fresh reader sees the new list: the new program near the start (ahead of the
        // cursors above), the unpublished ones gone, the rest as before.
        let (now, _) = program_page(app, 100, None).await;
        assert!(now[..3].contains(&first_by_name), "{now:?}");
        let kept: Vec<&String> = all
            .iter()
            .filter(|id| *id != &all[3] && *id != &all[19])
            .collect();
        let rest: Vec<&String> = now.iter().filter(|id| **id != first_by_name).collect();
        assert_eq!(rest, kept);

        // Backward from a cursor, with a publish behind it and an unpublish in front of it.
        let q = r#"query($before: String) { programs(last: 5, before: $before) {
            pageInfo { hasNextPage hasPreviousPage } nodes { id } } }"#;
        let (_, info4) = program_page(app, 30, None).await;
        let before = info4["endCursor"].as_str().unwrap().to_owned();
        let expected: Vec<String> = now[24..29].to_vec();
        unpublish(app, &token, &now[31]).await;
        publish_program(app, &token, "zz-aardwolf", "Aab second by name").await;
        let back = app.data(q, json!({"before": before})).await;
        let ids: Vec<String> = back["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids, expected);
        assert_eq!(back["programs"]["pageInfo"]["hasPreviousPage"], true);
        assert_eq!(back["programs"]["pageInfo"]["hasNextPage"], true);
    }
);

/// Each connection of the API, with its arguments and the field that identifies a node.
const CONNECTIONS: [(&str, &str, &str); 14] = [
    ("programs", "", "id"),
    ("programs", "orderBy: {field: NAME, direction: DESC}", "id"),
    ("programs", "orderBy: {field: COUNTRY}", "id"),
    (
        "programs",
        "orderBy: {field: COUNTRY, direction: DESC}",
        "id",
    ),
    ("programs", "orderBy: {field: IN_FORCE_ON}", "id"),
    (
        "programs",
        "orderBy: {field: IN_FORCE_ON, direction: DESC}",
        "id",
    ),
    (
        "programs",
        "orderBy: {field: UPDATED_AT, direction: DESC}",
        "id",
    ),
    ("people", "", "id"),
    ("sources", "", "id"),
    ("commentaries", "", "id"),
    ("policyEvents", "", "id"),
    ("timeline", "", "id"),
    (
        "search",
        "query: \"visa\"",
        "score node { ... on Node { id } }",
    ),
    ("changes", "since: \"2000-01-01T00:00:00Z\"", "id"),
];

async fn walk(
    app: &TestApp,
    (field, args, node): (&str, &str, &str),
    per_page: usize,
    backward: bool,
) -> Vec<Value> {
    let (size, cursor, from, more) = if backward {
        ("last", "before", "startCursor", "hasPreviousPage")
    } else {
        ("first", "after", "endCursor", "hasNextPage")
    };
    let sep = if args.is_empty() { "" } else { ", " };
    let q = format!(
        "query($c: String) {{ {field}({args}{sep}{size}: {per_page}, {cursor}: $c) {{
            pageInfo {{ {from} {more} }} nodes {{ {node} }} }} }}"
    );
    let mut pages: Vec<Vec<Value>> = Vec::new();
    let mut c: Option<String> = None;
    loop {
        let data = app.data(&q, json!({"c": c})).await;
        let conn = &data[field];
        pages.push(conn["nodes"].as_array().unwrap().clone());
        if conn["pageInfo"][more] != true {
            break;
        }
        c = conn["pageInfo"][from].as_str().map(str::to_owned);
        assert!(pages.len() < 50, "{field}({args}) does not end");
    }
    if backward {
        pages.reverse();
    }
    pages.concat()
}

backend_test!(
    every_connection_pages_like_one_long_page,
    seeded,
    |app| async move {
        // Unknown in-force dates and an unpublished record make the orders less trivial.
        let token = app.editor().await;
        publish_program(app, &token, "zz-undated", "Undated test visa").await;
        for (field, args, node) in CONNECTIONS {
            let sep = if args.is_empty() { "" } else { ", " };
            let q =
                format!("{{ {field}({args}{sep}first: 100) {{ totalCount nodes {{ {node} }} }} }}");
            let data = app.data(&q, json!({})).await;
            // The first 100 (the largest page); some lists are longer.
            let head = data[field]["nodes"].as_array().unwrap().clone();
            let total = data[field]["totalCount"].as_u64().unwrap() as usize;
            assert!(head.len() > 1, "{field}({args}) has more than one page");
            // At least four pages, at most about twenty.
            let per_page = (head.len() / 4).max(total / 20 + 1);
            let list = (field, args, node);
            let forward = walk(app, list, per_page, false).await;
            assert_eq!(forward.len(), total, "{field}({args}): every row once");
            assert_eq!(forward[..head.len()], head[..], "{field}({args}) forward");
            let mut unique = forward.iter().map(Value::to_string).collect::<Vec<_>>();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), total, "{field}({args}): no row twice");
            assert_eq!(
                walk(app, list, per_page, true).await,
                forward,
                "{field}({args}) backward"
            );
        }
    }
);

/// Reading order as a client sorts names case- and accent-insensitively (`localeCompare` at
/// base sensitivity), ties by id.
fn reading_key(name: &str) -> String {
    entity::folding::sort_key(name)
}

backend_test!(names_are_in_reading_order, seeded, |app| async move {
    let token = app.editor().await;
    for (slug, name) in [
        ("zz-vitem", "VITEM XIV"),
        ("zz-visa-v", "Visa V"),
        ("zz-visa-iv", "visa IV"),
        ("zz-elan-1", "Élan visa"),
        ("zz-elan-2", "elan visa"),
    ] {
        publish_program(app, &token, slug, name).await;
    }
    // A renamed program moves to its new place: the key follows the name when an edit is
    // published, not only when a record is created.
    let zeta = published_program(app, &token, "zz-zeta", "Zeta visa").await;
    let renamed = update(app, &token, "Program", &zeta, json!({"name": "vitem xv"})).await;
    change_state(app, &token, "publish", &renamed).await;
    for (direction, reverse) in [("ASC", false), ("DESC", true)] {
        let q = format!(
            "{{ programs(first: 100, orderBy: {{field: NAME, direction: {direction}}}) {{ nodes {{ name slug }} }} }}"
        );
        let data = app.data(&q, json!({})).await;
        let names: Vec<(String, String)> = data["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["name"].as_str().unwrap().to_owned(),
                    n["slug"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by_key(|(name, _)| reading_key(name));
        if reverse {
            sorted.reverse();
        }
        let keys = |list: &[(String, String)]| -> Vec<String> {
            list.iter().map(|(n, _)| reading_key(n)).collect()
        };
        assert_eq!(keys(&names), keys(&sorted), "{direction}");
        let at = |slug: &str| names.iter().position(|(_, s)| s == slug).unwrap();
        if reverse {
            assert!(at("zz-zeta") < at("zz-vitem"));
            assert!(at("zz-vitem") < at("zz-visa-v") && at("zz-visa-v") < at("zz-visa-iv"));
            assert_eq!(
                at("zz-elan-2") + 1,
                at("zz-elan-1"),
                "equal names: by id, reversed"
            );
        } else {
            assert!(at("zz-visa-iv") < at("zz-visa-v") && at("zz-visa-v") < at("zz-vitem"));
            assert_eq!(
                at("zz-vitem") + 1,
                at("zz-zeta"),
                "renamed: VITEM XIV, vitem xv"
            );
            assert_eq!(at("zz-elan-1") + 1, at("zz-elan-2"), "equal names: by id");
        }
    }

    // People too.
    let data = app
        .data("{ people(first: 100) { nodes { name } } }", json!({}))
        .await;
    let people: Vec<String> = data["people"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| reading_key(n["name"].as_str().unwrap()))
        .collect();
    let mut sorted = people.clone();
    sorted.sort();
    assert_eq!(people, sorted);
});

backend_test!(
    cursors_of_other_lists_and_orders_are_refused,
    seeded,
    |app| async move {
        let (_, info) = program_page(app, 3, None).await;
        let cursor = info["endCursor"].as_str().unwrap();
        for (query, field) in [
            (
                "query($c: String) { people(after: $c) { nodes { id } } }",
                "after",
            ),
            (
                "query($c: String) { programs(before: $c, orderBy: {field: COUNTRY}) { nodes { id } } }",
                "before",
            ),
            (
                "query($c: String) { programs(first: 2, last: 2, after: $c) { nodes { id } } }",
                "last",
            ),
        ] {
            let body = app.graphql(query, json!({"c": cursor})).await;
            let error = &body["errors"][0];
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
            assert_eq!(error["extensions"]["field"], field, "{body}");
        }
        // The cursor the name order gave is good for the name order in either direction.
        let body = app
            .graphql(
                "query($c: String) { programs(last: 2, before: $c) { nodes { id } } }",
                json!({"c": cursor}),
            )
            .await;
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(
            body["data"]["programs"]["nodes"].as_array().unwrap().len(),
            2
        );
    }
);
