//! Editing end to end: every content mutation, validation errors with their fields, the
//! draft/publish visibility rules through every public path, revisions with diffs and restore,
//! archive and restore, and no lost edits across two servers on one database.

use crate::common;

use serde_json::{Value, json};

const RECORD: &str = "id version state content pendingDraft";

/// Runs a mutation as `token` and returns its payload (the one root field).
pub(crate) async fn mutate(app: &common::TestApp, token: &str, query: &str, vars: Value) -> Value {
    let data = app.data_as(token, query, vars).await;
    data.as_object().unwrap().values().next().unwrap().clone()
}

pub(crate) async fn create(app: &common::TestApp, token: &str, kind: &str, input: Value) -> Value {
    let query =
        format!("mutation($input: {kind}Input!) {{ create{kind}(input: $input) {{ {RECORD} }} }}");
    mutate(app, token, &query, json!({ "input": input })).await
}

pub(crate) async fn update(
    app: &common::TestApp,
    token: &str,
    kind: &str,
    record: &Value,
    input: Value,
) -> Value {
    let query = format!(
        "mutation($id: ID!, $v: Int!, $input: {kind}Input!) {{ update{kind}(id: $id, expectedVersion: $v, input: $input) {{ {RECORD} }} }}"
    );
    mutate(
        app,
        token,
        &query,
        json!({ "id": record["id"], "v": record["version"], "input": input }),
    )
    .await
}

pub(crate) async fn change_state(
    app: &common::TestApp,
    token: &str,
    action: &str,
    record: &Value,
) -> Value {
    let query = format!(
        "mutation($id: ID!, $v: Int!) {{ {action}(id: $id, expectedVersion: $v) {{ {RECORD} }} }}"
    );
    mutate(
        app,
        token,
        &query,
        json!({ "id": record["id"], "v": record["version"] }),
    )
    .await
}

/// The first error of a create that must fail.
async fn create_error(app: &common::TestApp, token: &str, kind: &str, input: Value) -> Value {
    let query =
        format!("mutation($input: {kind}Input!) {{ create{kind}(input: $input) {{ id }} }}");
    let body = app
        .graphql_as(token, &query, json!({ "input": input }))
        .await;
    assert!(
        body.get("errors").is_some(),
        "{kind} {input} was accepted: {body:#}"
    );
    body["errors"][0].clone()
}

pub(crate) fn program_input(slug: &str) -> Value {
    json!({ "slug": slug, "name": "Test talent visa", "localName": "测试签证", "country": "cn",
            "category": "TALENT", "legalStatus": "ANNOUNCED", "announcedOn": "2025-08",
            "validity": { "value": 5, "unit": "YEARS" }, "employerSponsorship": "NO" })
}

/// A draft program with one of every kind of child record; returns them by kind.
async fn draft_program_with_children(
    app: &common::TestApp,
    token: &str,
) -> Vec<(&'static str, Value)> {
    let program = create(app, token, "Program", program_input("zz-draft")).await;
    let pid = program["id"].clone();
    let requirement = create(
        app,
        token,
        "Requirement",
        json!({
        "programId": pid, "kind": "EDUCATION", "description": "Bachelor's or above in STEM",
        "minDegree": "BACHELOR", "fieldsOfStudy": ["STEM"], "mandatory": true }),
    )
    .await;
    let fee = create(
        app,
        token,
        "Fee",
        json!({
        "programId": pid, "label": "Visa fee", "amount": "100000", "currency": "usd",
        "effectiveFrom": "2025-09-21" }),
    )
    .await;
    let event = create(
        app,
        token,
        "PolicyEvent",
        json!({
        "programId": pid, "occurredOn": "2025-08-07", "kind": "ANNOUNCED", "title": "Announced" }),
    )
    .await;
    let source = create(
        app,
        token,
        "Source",
        json!({
        "url": "https://example.org/Notice?utm_source=x", "title": "Notice", "kind": "OFFICIAL",
        "language": "zh-CN", "publishedOn": "2025-08" }),
    )
    .await;
    let person = create(
        app,
        token,
        "Person",
        json!({ "name": "A. Expert", "affiliation": "Somewhere" }),
    )
    .await;
    let commentary = create(
        app,
        token,
        "Commentary",
        json!({
        "personId": person["id"], "kind": "QUOTE", "body": "It is a test.", "stance": "NEUTRAL",
        "sourceId": source["id"], "programIds": [pid] }),
    )
    .await;
    let citation = create(
        app,
        token,
        "Citation",
        json!({
        "sourceId": source["id"], "supports": pid, "field": "employerSponsorship",
        "excerpt": "no employer needed", "confidence": "OFFICIAL" }),
    )
    .await;
    vec![
        ("Program", program),
        ("Requirement", requirement),
        ("Fee", fee),
        ("PolicyEvent", event),
        ("Source", source),
        ("Person", person),
        ("Commentary", commentary),
        ("Citation", citation),
    ]
}

const PUBLIC_VIEW: &str = r#"{
  programs { totalCount nodes { slug name } }
  sources { totalCount } people { totalCount } commentaries { totalCount } policyEvents { totalCount }
}"#;

const PUBLIC_PROGRAM: &str = r#"query($slug: String!) { program(slug: $slug) {
  name requirements { description } fees { label } policyEvents { title }
  citations { excerpt } commentaries { body } } }"#;

backend_test!(
    drafts_are_invisible_to_the_public_everywhere,
    empty,
    |app| async move {
        let token = app.editor().await;
        let records = draft_program_with_children(app, &token).await;
        for (kind, record) in &records {
            assert_eq!(record["state"], "DRAFT", "{kind}");
            assert_eq!(record["version"], 1, "{kind}");
        }
        assert_eq!(records[0].1["content"]["country"], "CN");
        assert_eq!(records[4].1["content"]["url"], "https://example.org/Notice");

        let view = app.data(PUBLIC_VIEW, json!({})).await;
        assert_eq!(
            view,
            json!({ "programs": { "totalCount": 0, "nodes": [] }, "sources": { "totalCount": 0 },
                "people": { "totalCount": 0 }, "commentaries": { "totalCount": 0 },
                "policyEvents": { "totalCount": 0 } })
        );
        for (kind, record) in &records {
            let node = app
                .data(
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": record["id"] }),
                )
                .await;
            assert_eq!(node["node"], Value::Null, "{kind} leaked through node(id)");
        }
        assert_eq!(
            app.error_code(PUBLIC_PROGRAM, json!({ "slug": "zz-draft" }))
                .await,
            "NOT_FOUND"
        );
        assert_eq!(app.get_json("/export/programs.json").await, json!([]));
        // Editors see drafts.
        let seen = app
            .data_as(
                &token,
                "query($id: ID!) { editorialRecord(id: $id) { state recordType } }",
                json!({ "id": records[0].1["id"] }),
            )
            .await;
        assert_eq!(
            seen["editorialRecord"],
            json!({ "state": "DRAFT", "recordType": "Program" })
        );

        // The program alone published: its draft children stay hidden.
        change_state(app, &token, "publish", &records[0].1).await;
        let program = app
            .data(PUBLIC_PROGRAM, json!({ "slug": "zz-draft" }))
            .await;
        assert_eq!(
            program["program"],
            json!({ "name": "Test talent visa", "requirements": [], "fees": [], "policyEvents": [],
                "citations": [], "commentaries": [] })
        );

        // Everything published: everything visible.
        for (_, record) in &records[1..] {
            change_state(app, &token, "publish", record).await;
        }
        let program = app
            .data(PUBLIC_PROGRAM, json!({ "slug": "zz-draft" }))
            .await;
        assert_eq!(
            program["program"]["requirements"][0]["description"],
            "Bachelor's or above in STEM"
        );
        assert_eq!(program["program"]["fees"][0]["label"], "Visa fee");
        assert_eq!(
            program["program"]["citations"][0]["excerpt"],
            "no employer needed"
        );
        assert_eq!(
            program["program"]["commentaries"][0]["body"],
            "It is a test."
        );
        let view = app.data(PUBLIC_VIEW, json!({})).await;
        assert_eq!(view["sources"]["totalCount"], 1);
        assert_eq!(view["commentaries"]["totalCount"], 1);

        // Archiving (the delete) hides it again, through the nested field too.
        let fee = app
            .data_as(
                &token,
                "query($id: ID!) { editorialRecord(id: $id) { id version } }",
                json!({ "id": records[2].1["id"] }),
            )
            .await["editorialRecord"]
            .clone();
        let archived = change_state(app, &token, "archive", &fee).await;
        assert_eq!(archived["state"], "ARCHIVED");
        let program = app
            .data(PUBLIC_PROGRAM, json!({ "slug": "zz-draft" }))
            .await;
        assert_eq!(program["program"]["fees"], json!([]));
        let error = app
        .error_as(&token,
            "mutation($id: ID!, $v: Int!) { updateFee(id: $id, expectedVersion: $v, input: { label: \"x\" }) { id } }",
            json!({ "id": archived["id"], "v": archived["version"] }))
        .await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        let restored = change_state(app, &token, "restore", &archived).await;
        assert_eq!(restored["state"], "DRAFT");
    }
);

backend_test!(
    editing_a_published_program_works_on_a_draft_copy,
    empty,
    |app| async move {
        let token = app.editor().await;
        let program = create(app, &token, "Program", program_input("zz-copy")).await;
        let published = change_state(app, &token, "publish", &program).await;
        assert_eq!(published["version"], 2);

        let edited = update(
            app,
            &token,
            "Program",
            &published,
            json!({ "name": "Renamed", "summary": "Half an edit" }),
        )
        .await;
        assert_eq!(edited["state"], "PUBLISHED");
        assert_eq!(edited["version"], 3);
        assert_eq!(edited["content"]["name"], "Test talent visa");
        assert_eq!(edited["pendingDraft"]["name"], "Renamed");
        // A second edit builds on the pending draft, not on the published content.
        let edited = update(
            app,
            &token,
            "Program",
            &edited,
            json!({ "localName": null }),
        )
        .await;
        assert_eq!(edited["pendingDraft"]["summary"], "Half an edit");
        assert_eq!(edited["pendingDraft"]["localName"], Value::Null);

        // Readers still see the published content.
        let public = app
            .data(
                "{ program(slug: \"zz-copy\") { name summary localName } }",
                json!({}),
            )
            .await;
        assert_eq!(
            public["program"],
            json!({ "name": "Test talent visa", "summary": null, "localName": "测试签证" })
        );

        let republished = change_state(app, &token, "publish", &edited).await;
        assert_eq!(republished["pendingDraft"], Value::Null);
        let public = app
            .data(
                "{ program(slug: \"zz-copy\") { name summary localName } }",
                json!({}),
            )
            .await;
        assert_eq!(
            public["program"],
            json!({ "name": "Renamed", "summary": "Half an edit", "localName": null })
        );

        // Nothing pending: publishing again is refused; unpublishing hides it.
        let error = app
            .error_as(
                &token,
                "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { id } }",
                json!({ "id": republished["id"], "v": republished["version"] }),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        change_state(app, &token, "unpublish", &republished).await;
        assert_eq!(
            app.error_code("{ program(slug: \"zz-copy\") { name } }", json!({}))
                .await,
            "NOT_FOUND"
        );
    }
);

backend_test!(revisions_diff_and_restore, empty, |app| async move {
    let token = app.editor().await;
    let v1 = create(app, &token, "Program", program_input("zz-history")).await;
    let v2 = update(
        app,
        &token,
        "Program",
        &v1,
        json!({ "name": "Second name" }),
    )
    .await;
    let v3 = update(
        app,
        &token,
        "Program",
        &v2,
        json!({ "name": "Third name", "workAuthorization": "RESTRICTED" }),
    )
    .await;
    assert_eq!(v3["version"], 3);

    let query = "query($id: ID!) { revisions(of: $id) { id version action summary live author { displayName } changes { field before after } } }";
    let revisions =
        app.data_as(&token, query, json!({ "id": v1["id"] })).await["revisions"].clone();
    let revisions = revisions.as_array().unwrap();
    assert_eq!(revisions.len(), 3);
    assert_eq!(revisions[0]["version"], 3);
    assert_eq!(revisions[0]["action"], "update");
    assert!(
        revisions[0]["author"]["displayName"]
            .as_str()
            .unwrap()
            .starts_with("editor")
    );
    assert_eq!(
        revisions[0]["changes"],
        json!([{ "field": "name", "before": "Second name", "after": "Third name" },
               { "field": "workAuthorization", "before": "unconfirmed", "after": "restricted" }])
    );
    assert_eq!(revisions[2]["action"], "create");

    // Restoring version 1 is a new revision 4 with version 1's content.
    let first = revisions[2]["id"].clone();
    let restored = mutate(app, &token,
        "mutation($id: ID!, $v: Int!) { restoreRevision(id: $id, expectedVersion: $v) { version content } }",
        json!({ "id": first, "v": 3 })).await;
    assert_eq!(restored["version"], 4);
    assert_eq!(restored["content"]["name"], "Test talent visa");
    assert_eq!(restored["content"]["workAuthorization"], "unconfirmed");
    let revisions =
        app.data_as(&token, query, json!({ "id": v1["id"] })).await["revisions"].clone();
    assert_eq!(revisions.as_array().unwrap().len(), 4);
    assert_eq!(revisions[0]["action"], "restore_revision");
    assert_eq!(
        revisions[0]["changes"][0],
        json!({ "field": "name", "before": "Third name", "after": "Test talent visa" })
    );
    // A stale version is refused.
    let error = app
        .error_as(
            &token,
            "mutation($id: ID!) { restoreRevision(id: $id, expectedVersion: 3) { version } }",
            json!({ "id": first }),
        )
        .await;
    assert_eq!(error["extensions"]["code"], "CONFLICT");
    assert_eq!(error["extensions"]["currentVersion"], 4);
});

backend_test!(
    inputs_are_validated_and_name_their_field,
    empty,
    |app| async move {
        let token = app.editor().await;
        let program = create(app, &token, "Program", program_input("zz-valid")).await;
        let pid = program["id"].clone();
        let cases = [
            (
                "Program",
                json!({ "slug": "Bad Slug", "name": "x", "country": "CN", "category": "TALENT", "legalStatus": "ANNOUNCED" }),
                "slug",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-x", "name": "x", "country": "XX", "category": "TALENT", "legalStatus": "ANNOUNCED" }),
                "country",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-x", "country": "CN", "category": "TALENT", "legalStatus": "ANNOUNCED" }),
                "name",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-x", "name": "x", "country": "CN", "category": "TALENT", "legalStatus": "ANNOUNCED", "officialUrl": "ftp://x" }),
                "officialUrl",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-x", "name": "x", "country": "CN", "category": "TALENT", "legalStatus": "ANNOUNCED", "announcedOn": "2025-13" }),
                "announcedOn",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-x", "name": "x", "country": "CN", "category": "TALENT", "legalStatus": "IN_FORCE", "inForceOn": "2025-10-01", "endsOn": "2025-01-01" }),
                "endsOn",
                "BAD_USER_INPUT",
            ),
            (
                "Program",
                json!({ "slug": "zz-valid", "name": "x", "country": "CN", "category": "TALENT", "legalStatus": "ANNOUNCED" }),
                "slug",
                "CONFLICT",
            ),
            (
                "Fee",
                json!({ "programId": pid, "label": "Fee", "amount": "-5", "currency": "USD" }),
                "amount",
                "BAD_USER_INPUT",
            ),
            (
                "Fee",
                json!({ "programId": pid, "label": "Fee", "amount": "5", "currency": "DOLLARS" }),
                "currency",
                "BAD_USER_INPUT",
            ),
            (
                "Fee",
                json!({ "programId": pid, "label": "Fee", "amount": "5" }),
                "currency",
                "BAD_USER_INPUT",
            ),
            (
                "Fee",
                json!({ "programId": pid, "label": "Fee", "effectiveFrom": "2025-09-21", "effectiveUntil": "2025-01-01" }),
                "effectiveUntil",
                "BAD_USER_INPUT",
            ),
            (
                "Fee",
                json!({ "programId": "UHJvZ3JhbTo5OTk5", "label": "Fee" }),
                "programId",
                "BAD_USER_INPUT",
            ),
            (
                "Requirement",
                json!({ "programId": pid, "kind": "AGE", "minAge": 40, "maxAge": 30 }),
                "maxAge",
                "BAD_USER_INPUT",
            ),
            (
                "Requirement",
                json!({ "programId": pid, "kind": "INCOME", "minIncome": "1000" }),
                "incomeCurrency",
                "BAD_USER_INPUT",
            ),
            (
                "Source",
                json!({ "title": "x", "kind": "NEWS", "url": "not a url" }),
                "url",
                "BAD_USER_INPUT",
            ),
            (
                "Source",
                json!({ "title": "x", "kind": "NEWS", "language": "english!" }),
                "language",
                "BAD_USER_INPUT",
            ),
            (
                "Citation",
                json!({ "sourceId": pid, "supports": pid }),
                "sourceId",
                "BAD_USER_INPUT",
            ),
            (
                "Commentary",
                json!({ "kind": "QUOTE", "body": "x", "stance": "MIXED" }),
                "personId",
                "BAD_USER_INPUT",
            ),
            (
                "PolicyEvent",
                json!({ "programId": pid, "kind": "OTHER", "title": "x" }),
                "occurredOn",
                "BAD_USER_INPUT",
            ),
            ("Person", json!({ "name": "   " }), "name", "BAD_USER_INPUT"),
        ];
        for (kind, input, field, code) in cases {
            let error = create_error(app, &token, kind, input.clone()).await;
            assert_eq!(
                error["extensions"]["code"], code,
                "{kind} {input}: {error:#}"
            );
            assert_eq!(
                error["extensions"]["field"], field,
                "{kind} {input}: {error:#}"
            );
        }
        // Unique URLs compare normalised; nothing of a failed mutation is left behind.
        create(
            app,
            &token,
            "Source",
            json!({ "title": "A", "kind": "NEWS", "url": "https://example.org/a" }),
        )
        .await;
        let error = create_error(
            app,
            &token,
            "Source",
            json!({ "title": "B", "kind": "NEWS", "url": "HTTPS://EXAMPLE.org/a#frag" }),
        )
        .await;
        assert_eq!(error["extensions"]["code"], "CONFLICT");
        assert_eq!(error["extensions"]["field"], "url");
        let admin = app.admin().await;
        let log = app
            .data_as(&admin, "{ auditLog(first: 100) { totalCount } }", json!({}))
            .await;
        // Two accounts created and signed in, the program and the first source: the failed
        // mutations wrote nothing.
        assert_eq!(log["auditLog"]["totalCount"], 6);
    }
);

// Two servers on one database, the same edit sent to both at once: exactly one wins.
backend_test!(
    concurrent_edits_on_two_servers_never_lose_one,
    empty,
    |app| async move {
        let token = app.editor().await;
        let program = create(app, &token, "Program", program_input("zz-race")).await;
        let second = app.replica().await;
        let query = "mutation($id: ID!, $name: String!) { updateProgram(id: $id, expectedVersion: 1, input: { name: $name }) { version } }";
        let auth = format!("Bearer {token}");
        for round in 0..5 {
            let (expected, a, b) = if round == 0 {
                (1, "From A", "From B")
            } else {
                (round + 1, "A again", "B again")
            };
            let query = query.replace(
                "expectedVersion: 1",
                &format!("expectedVersion: {expected}"),
            );
            let vars_a = json!({ "id": program["id"], "name": format!("{a} {round}") });
            let vars_b = json!({ "id": program["id"], "name": format!("{b} {round}") });
            let (ra, rb) = tokio::join!(
                app.post_to(&app.base, Some(&auth), &query, vars_a),
                app.post_to(&second, Some(&auth), &query, vars_b),
            );
            let outcomes: Vec<&Value> = vec![&ra.1, &rb.1];
            let wins = outcomes
                .iter()
                .filter(|b| b.get("errors").is_none())
                .count();
            assert_eq!(wins, 1, "round {round}: {outcomes:#?}");
            let loser = outcomes.iter().find(|b| b.get("errors").is_some()).unwrap();
            assert_eq!(
                loser["errors"][0]["extensions"]["code"], "CONFLICT",
                "{loser:#}"
            );
            assert_eq!(
                loser["errors"][0]["extensions"]["currentVersion"],
                expected + 1
            );
        }
        let query = "query($id: ID!) { revisions(of: $id) { version } }";
        let revisions = app
            .data_as(&token, query, json!({ "id": program["id"] }))
            .await;
        assert_eq!(revisions["revisions"].as_array().unwrap().len(), 6);
    }
);

backend_test!(mutations_are_refused_over_get, empty, |app| async move {
    let response = app
        .client
        .get(format!("{}/graphql", app.base))
        .query(&[(
            "query",
            "mutation { login(email: \"a@b.c\", password: \"x\") { token } }",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
});

backend_test!(
    every_content_type_can_be_updated_and_listed,
    empty,
    |app| async move {
        let token = app.editor().await;
        let records = draft_program_with_children(app, &token).await;
        let edits = [
            (
                "Program",
                json!({ "legalStatus": "IN_FORCE", "inForceOn": "2025-10-01" }),
                "legalStatus",
                json!("in_force"),
            ),
            (
                "Requirement",
                json!({ "mandatory": null }),
                "mandatory",
                Value::Null,
            ),
            (
                "Fee",
                json!({ "effectiveUntil": "2026-09-20" }),
                "effectiveUntil",
                json!("2026-09-20"),
            ),
            (
                "PolicyEvent",
                json!({ "kind": "IN_FORCE", "occurredOn": "2025-10" }),
                "precision",
                json!("month"),
            ),
            (
                "Source",
                json!({ "publisher": "Ministry" }),
                "publisher",
                json!("Ministry"),
            ),
            (
                "Person",
                json!({ "role": "Professor" }),
                "role",
                json!("Professor"),
            ),
            (
                "Commentary",
                json!({ "stance": "CRITICAL", "programIds": [] }),
                "stance",
                json!("critical"),
            ),
            (
                "Citation",
                json!({ "supports": records[2].1["id"] }),
                "feeId",
                json!(records[2].1["id"].clone()),
            ),
        ];
        for ((kind, record), (edit_kind, input, field, expected)) in records.iter().zip(edits) {
            assert_eq!(*kind, edit_kind);
            let updated = update(app, &token, kind, record, input).await;
            assert_eq!(updated["version"], 2, "{kind}");
            if field == "feeId" {
                // A citation moved to the fee supports the fee only.
                assert!(updated["content"]["feeId"].is_number(), "{updated:#}");
                assert_eq!(updated["content"]["programId"], Value::Null);
            } else {
                assert_eq!(updated["content"][field], expected, "{kind}: {updated:#}");
            }
        }
        let listed = app
        .data_as(&token, "{ editorialRecords(recordType: PROGRAM, state: DRAFT) { recordType state version } }", json!({}))
        .await;
        assert_eq!(
            listed["editorialRecords"],
            json!([{ "recordType": "Program", "state": "DRAFT", "version": 2 }])
        );
        let listed = app
            .data_as(
                &token,
                "{ editorialRecords(recordType: FEE, state: PUBLISHED) { version } }",
                json!({}),
            )
            .await;
        assert_eq!(listed["editorialRecords"], json!([]));
        let error = app
            .error_as(
                &token,
                "{ editorialRecords(recordType: FEE, limit: 1000) { version } }",
                json!({}),
            )
            .await;
        assert_eq!(error["extensions"]["field"], "limit");
    }
);

backend_test!(imports_write_revisions_too, seeded, |app| async move {
    let token = app.editor().await;
    let id = app
        .data("{ program(slug: \"cn-k-visa\") { id } }", json!({}))
        .await["program"]["id"]
        .clone();
    let revisions = app
        .data_as(&token, "query($id: ID!) { revisions(of: $id) { version action author { email } summary snapshot } }",
            json!({ "id": id }))
        .await;
    let first = &revisions["revisions"][0];
    assert_eq!(first["action"], "import");
    assert_eq!(first["author"], Value::Null);
    assert_eq!(first["version"], 1);
    assert_eq!(first["snapshot"]["slug"], "cn-k-visa");
    assert_eq!(first["snapshot"]["employerSponsorship"], "no");
});

// Public answers are cached per server. On PostgreSQL a hit costs no statement while the
// server's listener hears every replica's commits, and a change made through another server
// reaches it within the notice's delivery (milliseconds; the test allows 5 s); on SQLite every
// hit asks the database for the content version, so the change is seen at once. A change made
// through the server itself is seen at once on both.
backend_test!(
    cached_public_answers_follow_changes_on_other_replicas,
    empty,
    |app| async move {
        use std::sync::atomic::Ordering;
        use std::time::{Duration, Instant};
        let postgres = app.backend == common::Backend::Postgres;
        let token = app.editor().await;
        let bearer = format!("Bearer {token}");
        let program = create(app, &token, "Program", program_input("zz-cache")).await;
        let program = change_state(app, &token, "publish", &program).await;
        let other = app.replica().await;
        let query = r#"{ program(slug: "zz-cache") { name } }"#;
        // The name `app` answers with, and the statements it took.
        let read = || async {
            let before = app.statements.load(Ordering::SeqCst);
            let name =
                app.post_to(&app.base, None, query, json!({})).await.1["data"]["program"]["name"]
                    .clone();
            (name, app.statements.load(Ordering::SeqCst) - before)
        };
        let (name, _) = read().await;
        assert_eq!(name, "Test talent visa");
        // From the cache: no statement once the listener hears (it starts with the server).
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let (name, statements) = read().await;
            assert_eq!(name, "Test talent visa");
            if !postgres {
                assert_eq!(statements, 1, "a hit asks SQLite for the content version");
                break;
            }
            if statements == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "every hit still asks the database"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // A change through the other replica.
        let mutate_on_other = |query: String, variables: Value| {
            let (other, bearer) = (other.clone(), bearer.clone());
            async move {
                let (_, body) = app.post_to(&other, Some(&bearer), &query, variables).await;
                assert!(body.get("errors").is_none(), "{body:#}");
                body["data"]
                    .as_object()
                    .unwrap()
                    .values()
                    .next()
                    .unwrap()
                    .clone()
            }
        };
        let edited = mutate_on_other(
            format!("mutation($id: ID!, $v: Int!, $input: ProgramInput!) {{ updateProgram(id: $id, expectedVersion: $v, input: $input) {{ {RECORD} }} }}"),
            json!({ "id": program["id"], "v": program["version"], "input": { "name": "Renamed elsewhere" } }),
        )
        .await;
        let published = mutate_on_other(
            format!("mutation($id: ID!, $v: Int!) {{ publish(id: $id, expectedVersion: $v) {{ {RECORD} }} }}"),
            json!({ "id": edited["id"], "v": edited["version"] }),
        )
        .await;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let (name, _) = read().await;
            if name == "Renamed elsewhere" {
                break;
            }
            assert!(
                postgres && Instant::now() < deadline,
                "the change made elsewhere is not seen: {name}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // And a change through this server is seen at once, before its own notice comes back.
        let edited = update(
            app,
            &token,
            "Program",
            &published,
            json!({ "name": "Renamed here" }),
        )
        .await;
        change_state(app, &token, "publish", &edited).await;
        assert_eq!(read().await.0, "Renamed here");
    }
);

// Writers take turns, on PostgreSQL as on SQLite: a write waits while another writing
// transaction is open, and goes on when it ends. The content version (the newest revision's
// id) and `changes(since:)` (revision times) rest on it: a write that took its id and time
// before another and became visible after it would be missed by both.
backend_test!(
    a_write_waits_for_the_write_before_it,
    empty,
    |app| async move {
        let token = app.editor().await;
        let db = app.db.connect().await;
        let open = api::db::begin_write(&db)
            .await
            .expect("an open writing transaction");
        let mut write = std::pin::pin!(create(
            app,
            &token,
            "Source",
            json!({ "url": "https://example.org/turns", "title": "Turns", "kind": "OFFICIAL" }),
        ));
        let waited = tokio::time::timeout(std::time::Duration::from_millis(500), &mut write).await;
        assert!(waited.is_err(), "a write went ahead while another was open");
        open.commit().await.expect("end the open transaction");
        let created = write.await;
        assert_eq!(created["version"], 1, "{created}");
        db.close().await.ok();
    }
);

// A writing transaction that is dropped, not ended (its request was cancelled), gives up its
// turn at once: its connection sends the queued `ROLLBACK` when it goes back to the pool, even
// though the pool no longer pings every connection it takes back (vendor/README.md).
backend_test!(a_dropped_write_gives_up_its_turn, empty, |app| async move {
    let token = app.editor().await;
    let db = app.db.connect().await;
    let open = api::db::begin_write(&db)
        .await
        .expect("an open writing transaction");
    drop(open);
    let write = create(
        app,
        &token,
        "Source",
        json!({ "url": "https://example.org/dropped", "title": "Dropped", "kind": "OFFICIAL" }),
    );
    let created = tokio::time::timeout(std::time::Duration::from_secs(10), write)
        .await
        .expect("a write went ahead after the dropped transaction");
    assert_eq!(created["version"], 1, "{created}");
    db.close().await.ok();
});
