//! The write rules are one table: the editors' mutations and the importer refuse the same
//! invalid records, at the same field (`inForceOn` in GraphQL is `in_force_on` in the import
//! format), and store nothing.

use serde_json::{Value, json};

/// A case: the program fields (import spelling), and the column at fault.
struct Case {
    what: &'static str,
    program: Value,
    fee: Option<Value>,
    requirement: Option<Value>,
    column: &'static str,
}

fn cases() -> Vec<Case> {
    let long = "x".repeat(301);
    vec![
        Case {
            what: "announced after it took effect",
            program: json!({ "announced_on": "2025-10-02", "in_force_on": "2025-10-01" }),
            fee: None,
            requirement: None,
            column: "in_force_on",
        },
        Case {
            what: "ends before it took effect",
            program: json!({ "in_force_on": "2025-10-01", "ends_on": "2025-09" }),
            fee: None,
            requirement: None,
            column: "ends_on",
        },
        Case {
            what: "a name over 300 characters",
            program: json!({ "name": long }),
            fee: None,
            requirement: None,
            column: "name",
        },
        Case {
            what: "a fee that ends before it starts",
            program: json!({}),
            fee: Some(json!({ "label": "Fee", "amount": "10", "currency": "USD",
                              "effective_from": "2025-09-21", "effective_until": "2025-09-20" })),
            requirement: None,
            column: "effective_until",
        },
        Case {
            what: "a maximum age below the minimum",
            program: json!({}),
            fee: None,
            requirement: Some(json!({ "kind": "age", "min_age": 40, "max_age": 18 })),
            column: "max_age",
        },
        Case {
            what: "a country that is not an ISO code",
            program: json!({ "country": "XX" }),
            fee: None,
            requirement: None,
            column: "country",
        },
        Case {
            what: "a slug with spaces",
            program: json!({ "slug": "Bad Slug" }),
            fee: None,
            requirement: None,
            column: "slug",
        },
        Case {
            what: "a currency that is not an ISO code",
            program: json!({}),
            fee: Some(json!({ "label": "Fee", "amount": "10", "currency": "ZZZ" })),
            requirement: None,
            column: "currency",
        },
    ]
}

/// `snake_case` keys → `camelCase`, and date-only fields as GraphQL takes them.
fn graphql_input(fields: &Value) -> Value {
    let map = fields.as_object().unwrap();
    Value::Object(
        map.iter()
            .map(|(k, v)| (api::kb::rules::camel(k), v.clone()))
            .collect(),
    )
}

fn program_doc(slug: &str, case: &Case) -> Value {
    let mut program = json!({ "slug": slug, "name": "Rules test", "country": "NZ",
                              "category": "talent", "legal_status": "in_force" });
    for (k, v) in case.program.as_object().unwrap() {
        program[k] = v.clone();
    }
    if let Some(fee) = &case.fee {
        program["fees"] = json!([fee]);
    }
    if let Some(requirement) = &case.requirement {
        program["requirements"] = json!([requirement]);
    }
    json!({ "format": "visa-kb/v1", "programs": [program] })
}

backend_test!(
    editors_and_the_importer_refuse_the_same_records_at_the_same_field,
    empty,
    |app| async move {
        let db = app.db.connect().await;
        let token = app.editor().await;
        let program = app
            .data_as(
                &token,
                r#"mutation { createProgram(input: { slug: "rules-ok", name: "Rules test",
                     country: "NZ", category: TALENT, legalStatus: IN_FORCE }) { id } }"#,
                json!({}),
            )
            .await;
        let program_id = program["createProgram"]["id"].clone();
        for (i, case) in cases().iter().enumerate() {
            // The importer: nothing stored, the record and the column named.
            let doc = program_doc(&format!("rules-{i}"), case);
            let err = api::import::import_json(&db, &doc.to_string(), None)
                .await
                .expect_err(case.what);
            match err {
                api::import::ImportError::Invalid { field, .. } => {
                    // Nested records are named by their path: `fees[0].effective_until`.
                    let nested = format!(".{}", case.column);
                    assert!(
                        field == case.column || field.ends_with(&nested),
                        "import: {}: {field}",
                        case.what
                    );
                }
                other => panic!("import: {}: {other:?}", case.what),
            }
            let count = app.data("{ programs { totalCount } }", json!({})).await;
            let editors_only = app
                .data_as(
                    &token,
                    "{ editorialRecords(recordType: PROGRAM, limit: 100) { id } }",
                    json!({}),
                )
                .await;
            assert_eq!(count["programs"]["totalCount"], 0, "import: {}", case.what);
            assert_eq!(
                editors_only["editorialRecords"].as_array().unwrap().len(),
                1,
                "import stored something: {}",
                case.what
            );

            // The editors: the same record refused at the same field.
            let (query, input) = if let Some(fee) = &case.fee {
                let mut input = graphql_input(fee);
                input["programId"] = program_id.clone();
                (
                    "mutation($i: FeeInput!) { createFee(input: $i) { id } }",
                    input,
                )
            } else if let Some(requirement) = &case.requirement {
                let mut input = graphql_input(requirement);
                input["programId"] = program_id.clone();
                input["kind"] = json!("AGE");
                (
                    "mutation($i: RequirementInput!) { createRequirement(input: $i) { id } }",
                    input,
                )
            } else {
                let mut input = graphql_input(&case.program);
                let defaults = [
                    ("slug", json!(format!("rules-editor-{i}"))),
                    ("country", json!("NZ")),
                    ("category", json!("TALENT")),
                    ("legalStatus", json!("IN_FORCE")),
                    ("name", json!("Rules test")),
                ];
                for (field, value) in defaults {
                    if input.get(field).is_none() {
                        input[field] = value;
                    }
                }
                (
                    "mutation($i: ProgramInput!) { createProgram(input: $i) { id } }",
                    input,
                )
            };
            let body = app.graphql_as(&token, query, json!({ "i": input })).await;
            let error = &body["errors"][0]["extensions"];
            assert_eq!(
                error["code"], "BAD_USER_INPUT",
                "editor: {}: {body}",
                case.what
            );
            assert_eq!(
                error["field"],
                json!(api::kb::rules::camel(case.column)),
                "editor: {}: {body}",
                case.what
            );
        }
    }
);

backend_test!(
    a_commentary_said_by_nobody_is_refused_by_both_at_the_same_field,
    empty,
    |app| async move {
        let db = app.db.connect().await;
        let token = app.editor().await;
        // A blank group is no group: neither path may store a statement nobody made.
        for group in [json!(null), json!("   ")] {
            let doc = json!({ "format": "visa-kb/v1", "commentaries": [
                { "group": group, "kind": "quote", "body": "Nobody said this.", "stance": "neutral" }
            ]})
            .to_string();
            match api::import::import_json(&db, &doc, None).await {
                Err(api::import::ImportError::Invalid { field, .. }) => {
                    assert_eq!(field, "person", "import, group {group}")
                }
                other => panic!("import, group {group}: {other:?}"),
            }
            let body = app
                .graphql_as(
                    &token,
                    "mutation($i: CommentaryInput!) { createCommentary(input: $i) { id } }",
                    json!({ "i": { "groupName": group, "kind": "QUOTE",
                                   "body": "Nobody said this.", "stance": "NEUTRAL" } }),
                )
                .await;
            let error = &body["errors"][0]["extensions"];
            assert_eq!(error["code"], "BAD_USER_INPUT", "editor: {body}");
            assert_eq!(error["field"], "personId", "editor: {body}");
        }
        let count = app
            .data_as(
                &token,
                "{ editorialRecords(recordType: COMMENTARY) { id } }",
                json!({}),
            )
            .await;
        assert_eq!(
            count["editorialRecords"],
            json!([]),
            "nothing stored: {count}"
        );
    }
);
