//! What the editors' workspace at `/edit` stands on: the work list (filters, totals, pages and
//! their errors), records as their input types (what a form shows and sends back), and the
//! page itself (its policy and its files).

use crate::common;
use crate::editing::{change_state, create, update};
use serde_json::{Value, json};

const LIST: &str = r#"query($t: RecordType!, $f: WorkListFilter, $l: Int! = 20, $o: Int! = 0) {
    workList(recordType: $t, filter: $f, limit: $l, offset: $o) {
        totalCount records { id title state pendingChanges { field } } } }"#;

async fn list(app: &common::TestApp, token: &str, kind: &str, filter: Value) -> Value {
    app.data_as(token, LIST, json!({ "t": kind, "f": filter }))
        .await["workList"]
        .clone()
}

fn titles(list: &Value) -> Vec<String> {
    list["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(
    the_work_list_filters_counts_and_pages,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let other = app.editor().await;
        let me = app.data_as(&token, "{ me { id } }", json!({})).await["me"]["id"].clone();
        let program = create(
            app,
            &token,
            "Program",
            json!({"slug": "nz-test-talent", "name": "Test Talent Visa", "country": "NZ",
                   "category": "TALENT", "legalStatus": "ANNOUNCED"}),
        )
        .await;
        create(
            app,
            &token,
            "Fee",
            json!({"programId": program["id"], "label": "Lodgement fee", "amount": "100", "currency": "NZD"}),
        )
        .await;

        // State, country (any case), author and text.
        let drafts = list(app, &other, "PROGRAM", json!({"state": "DRAFT"})).await;
        assert_eq!(drafts["totalCount"], 1);
        assert_eq!(titles(&drafts), ["Test Talent Visa"]);
        let nz = list(app, &other, "PROGRAM", json!({"country": "nz"})).await;
        assert!(titles(&nz).contains(&"Test Talent Visa".to_owned()));
        let cn = list(app, &other, "PROGRAM", json!({"country": "CN"})).await;
        assert!(cn["totalCount"].as_u64().unwrap() > 0);
        assert!(!titles(&cn).contains(&"Test Talent Visa".to_owned()));
        let mine = list(app, &other, "PROGRAM", json!({"author": me})).await;
        assert_eq!(titles(&mine), ["Test Talent Visa"]);
        let text = list(app, &other, "PROGRAM", json!({"text": "TALENT vis"})).await;
        assert!(titles(&text).contains(&"Test Talent Visa".to_owned()));
        // What belongs to a record.
        let fees = list(app, &other, "FEE", json!({"of": program["id"]})).await;
        assert_eq!(titles(&fees), ["Lodgement fee"]);

        // A pending edit of a published record.
        let published = change_state(app, &token, "publish", &program).await;
        let pending = list(app, &other, "PROGRAM", json!({"pending": true})).await;
        assert_eq!(pending["totalCount"], 0);
        update(
            app,
            &token,
            "Program",
            &published,
            json!({"summary": "A test."}),
        )
        .await;
        let pending = list(app, &other, "PROGRAM", json!({"pending": true})).await;
        assert_eq!(titles(&pending), ["Test Talent Visa"]);
        assert_eq!(
            pending["records"][0]["pendingChanges"][0]["field"],
            "summary"
        );
        let settled = list(app, &other, "PROGRAM", json!({"pending": false})).await;
        assert!(!titles(&settled).contains(&"Test Talent Visa".to_owned()));

        // Pages: the same total on each, no record twice.
        let page = |offset: i64| {
            let other = other.clone();
            async move {
                app.data_as(
                    &other,
                    LIST,
                    json!({"t": "PROGRAM", "f": {"country": "CN"}, "l": 2, "o": offset}),
                )
                .await["workList"]
                    .clone()
            }
        };
        let (first, second) = (page(0).await, page(2).await);
        assert_eq!(first["totalCount"], second["totalCount"]);
        assert_eq!(first["totalCount"], cn["totalCount"]);
        let ids = |l: &Value| -> Vec<Value> {
            l["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].clone())
                .collect()
        };
        assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)));

        // A source is found at its normalised URL, whatever way it is written.
        create(
            app,
            &token,
            "Source",
            json!({"title": "Test notice", "kind": "OFFICIAL",
                   "url": "https://EXAMPLE.org/notice?utm_source=feed"}),
        )
        .await;
        let found = list(
            app,
            &other,
            "SOURCE",
            json!({"text": "https://example.org/notice"}),
        )
        .await;
        assert_eq!(titles(&found), ["Test notice"]);
    }
);

backend_test!(
    work_list_errors_name_their_field,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let program = app
            .data(r#"{ program(slug: "cn-k-visa") { id } }"#, json!({}))
            .await["program"]["id"]
            .clone();
        for (kind, filter, limit, field) in [
            ("SOURCE", json!({"country": "CN"}), 20, "filter.country"),
            (
                "PROGRAM",
                json!({"country": "Atlantis"}),
                20,
                "filter.country",
            ),
            ("PERSON", json!({"of": program}), 20, "filter.of"),
            ("FEE", json!({"of": "not an id"}), 20, "filter.of"),
            ("PROGRAM", json!({"author": program}), 20, "filter.author"),
            ("PROGRAM", json!({"text": " "}), 20, "filter.text"),
            ("PROGRAM", json!({}), 0, "limit"),
        ] {
            let error = app
                .error_as(
                    &token,
                    LIST,
                    json!({"t": kind, "f": filter, "l": limit, "o": 0}),
                )
                .await;
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error:#}");
            assert_eq!(error["extensions"]["field"], field, "{error:#}");
        }
        // Readers have no work list.
        let code = app.error_code(LIST, json!({"t": "PROGRAM", "f": {}})).await;
        assert_eq!(code, "UNAUTHENTICATED");
    }
);

// A form shows a record as its input type; sending that back (with enum names, as a client
// that read the input type does) changes nothing.
backend_test!(
    a_record_reads_as_its_input_and_round_trips,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let program = create(
            app,
            &token,
            "Program",
            json!({"slug": "nz-round-trip", "name": "Round Trip Visa", "country": "NZ",
                   "category": "TALENT", "legalStatus": "IN_FORCE", "inForceOn": "2025-10",
                   "validity": {"value": 5, "unit": "YEARS"}, "scheduledEndOn": "2027-01-31"}),
        )
        .await;
        let fee = create(
            app,
            &token,
            "Fee",
            json!({"programId": program["id"], "label": "Visa fee", "amount": "1234.5", "currency": "NZD"}),
        )
        .await;
        const READ: &str =
            "query($id: ID!) { editorialRecord(id: $id) { version title input content } }";
        let read = |id: Value| {
            let token = token.clone();
            async move { app.data_as(&token, READ, json!({"id": id})).await["editorialRecord"].clone() }
        };
        let before = read(program["id"].clone()).await;
        let input = &before["input"];
        assert_eq!(before["title"], "Round Trip Visa");
        assert_eq!(input["inForceOn"], "2025-10");
        assert_eq!(input["validity"], json!({"value": 5, "unit": "years"}));
        assert_eq!(input["legalStatus"], "in_force");
        assert_eq!(input["scheduledEndOn"], "2027-01-31");
        assert!(input.get("id").is_none() && input.get("version").is_none());
        let fee_input = read(fee["id"].clone()).await["input"].clone();
        assert_eq!(fee_input["amount"], "1234.5");
        assert_eq!(fee_input["programId"], program["id"]);

        // Back as a client sends it: enum values by their GraphQL names.
        let mut again = input.as_object().unwrap().clone();
        for (name, value) in again.iter_mut() {
            if let Some(text) = value.as_str()
                && [
                    "category",
                    "legalStatus",
                    "entries",
                    "employerSponsorship",
                    "workAuthorization",
                    "prPath",
                ]
                .contains(&name.as_str())
            {
                *value = Value::from(text.to_uppercase());
            }
        }
        again["validity"]["unit"] = json!("YEARS");
        again.remove("maxStay");
        update(app, &token, "Program", &program, Value::Object(again)).await;
        let after = read(program["id"].clone()).await;
        assert_eq!(after["content"], before["content"]);
    }
);

backend_test!(
    the_workspace_page_loads_only_its_own_files,
    seeded,
    |app| async move {
        let client = &app.client;
        let page = client
            .get(format!("{}/edit", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
        let policy = page.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(!policy.contains("unsafe"), "{policy}");
        assert_eq!(page.headers()["x-robots-tag"], "noindex");
        let html = page.text().await.unwrap();
        // Both files load from this server, by digest, and are kept for good.
        let mut files = 0;
        for (attribute, rest) in [("src=\"", &html), ("href=\"", &html)] {
            for part in rest.split(attribute).skip(1) {
                let path = part.split('"').next().unwrap();
                if !path.starts_with("/assets/edit-") {
                    continue;
                }
                files += 1;
                let file = client
                    .get(format!("{}{path}", app.base))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(file.status(), 200, "{path}");
                assert!(
                    file.headers()["cache-control"]
                        .to_str()
                        .unwrap()
                        .contains("immutable")
                );
                assert!(html.contains("integrity=\"sha384-"));
            }
        }
        assert_eq!(files, 2, "{html}");
        let stale = client
            .get(format!("{}/assets/edit-000000000000/edit.js", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(stale.status(), 404);
    }
);

// A page of the work list costs the same statements whatever its length: the sign-in check,
// the count, the page's ids, its rows and their pending drafts.
backend_test!(
    a_work_list_page_is_read_together,
    seeded,
    |app| async move {
        use std::sync::atomic::Ordering;
        let token = app.editor().await;
        let mut counts = Vec::new();
        for limit in [2, 20] {
            let before = app.statements.load(Ordering::SeqCst);
            let page = app
                .data_as(&token, LIST, json!({"t": "PROGRAM", "f": {}, "l": limit}))
                .await;
            assert_eq!(page["workList"]["records"].as_array().unwrap().len(), limit);
            counts.push(app.statements.load(Ordering::SeqCst) - before);
        }
        assert_eq!(
            counts[0], counts[1],
            "statements grew with the page: {counts:?}"
        );
        assert!(counts[1] <= 5, "{counts:?}");
    }
);

// An editor can drop a pending edit: readers never see it, the record keeps what they see, and
// an editor still holding the edit conflicts instead of saving it back.
backend_test!(a_pending_edit_can_be_discarded, seeded, |app| async move {
    let token = app.editor().await;
    let program = create(
        app,
        &token,
        "Program",
        json!({"slug": "nz-discard", "name": "Discard Visa", "country": "NZ",
               "category": "TALENT", "legalStatus": "ANNOUNCED"}),
    )
    .await;
    let published = change_state(app, &token, "publish", &program).await;
    let edited = update(
        app,
        &token,
        "Program",
        &published,
        json!({"name": "Discard Visa (an edit to drop)"}),
    )
    .await;
    assert!(edited["pendingDraft"].is_object());
    let dropped = change_state(app, &token, "discardDraft", &edited).await;
    assert!(dropped["pendingDraft"].is_null());
    assert_eq!(dropped["state"], "PUBLISHED");
    assert_eq!(dropped["content"], published["content"]);
    assert_eq!(dropped["version"], edited["version"].as_i64().unwrap() + 1);
    // Nothing left to discard; an old version conflicts.
    let again = app
        .error_as(
            &token,
            "mutation($id: ID!, $v: Int!) { discardDraft(id: $id, expectedVersion: $v) { id } }",
            json!({"id": dropped["id"], "v": dropped["version"]}),
        )
        .await;
    assert_eq!(again["extensions"]["code"], "BAD_USER_INPUT");
    let stale = app
        .error_as(
            &token,
            "mutation($id: ID!, $v: Int!, $input: ProgramInput!) { updateProgram(id: $id, expectedVersion: $v, input: $input) { id } }",
            json!({"id": edited["id"], "v": edited["version"], "input": {"summary": "x"}}),
        )
        .await;
    assert_eq!(stale["extensions"]["code"], "CONFLICT");
    // The history says what was dropped; readers' change list never had it.
    let revisions = app
        .data_as(
            &token,
            "query($id: ID!) { revisions(of: $id) { action summary } }",
            json!({"id": program["id"]}),
        )
        .await;
    let discard = revisions["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "discard_draft")
        .cloned()
        .expect("a discard revision");
    assert!(
        discard["summary"].as_str().unwrap().contains("name"),
        "{discard}"
    );
    let sheet = app.get_text("/programs/nz-discard").await;
    assert!(sheet.contains("Discard Visa") && !sheet.contains("an edit to drop"));
});
