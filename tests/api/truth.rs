//! Facts that stay true (issue 12): every value carries its state and when a source last
//! verified it, the same in GraphQL, compare and the exports; terms that run out stop being
//! current.

use entity::revision;
use migration::MigratorTrait;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

const VALUES: &str = r#"query($slug: String!) { program(slug: $slug) {
  lastVerifiedOn { text }
  values { attribute label value state note cited lastVerifiedOn { text } }
  fees { label term scheduledEndOn lastVerifiedOn { text } }
} }"#;

const COMPARE: &str = r#"query($slugs: [String!]!) { compare(slugs: $slugs) {
  rows { attribute cells { program value state note lastVerifiedOn { text } } } } }"#;

fn value<'a>(program: &'a Value, attribute: &str) -> &'a Value {
    program["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["attribute"] == attribute)
        .unwrap_or_else(|| panic!("no value {attribute}: {program:#}"))
}

fn past_the_h1b_payment_term() -> bool {
    chrono::Utc::now().date_naive() > chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap()
}

backend_test!(
    a_programs_values_carry_state_and_freshness,
    seeded,
    |app| async move {
        let k = app.data(VALUES, json!({ "slug": "cn-k-visa" })).await;
        let k = &k["program"];
        // Unconfirmed work rights are never shown as a plain value.
        let work = value(k, "workAuthorization");
        assert_eq!(work["state"], "UNCONFIRMED", "{work:#}");
        let sponsorship = value(k, "employerSponsorship");
        assert_eq!(
            (&sponsorship["state"], &sponsorship["value"]),
            (&json!("KNOWN"), &json!("no"))
        );
        // Its sources say when they were last checked, at their own precision.
        let verified = sponsorship["lastVerifiedOn"]["text"].as_str().unwrap();
        assert!(verified.starts_with("2025"), "{verified}");
        assert!(k["lastVerifiedOn"]["text"].as_str().unwrap() >= verified);
        // An unknown value has no value at all.
        for v in k["values"].as_array().unwrap() {
            if v["state"] == "UNKNOWN" {
                assert!(v["value"].is_null(), "{v:#}");
            }
        }

        let h1b = app.data(VALUES, json!({ "slug": "us-h1b" })).await;
        let h1b = &h1b["program"];
        let payment = h1b["fees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["scheduledEndOn"] == "2026-09-21")
            .expect("the $100,000 payment has a scheduled end");
        assert_eq!(payment["lastVerifiedOn"]["text"], "2025-11-20");
        let fees = value(h1b, "currentFees");
        if past_the_h1b_payment_term() {
            assert_eq!(payment["term"], "PAST_SCHEDULED_END");
            assert_eq!(fees["state"], "UNCONFIRMED", "{fees:#}");
            let note = fees["note"].as_str().unwrap();
            assert!(
                note.contains("scheduled to end on 2026-09-21 (")
                    && note.contains("unless extended")
                    && note.contains("no source since 2025-11-20"),
                "{note}"
            );
        }
    }
);

backend_test!(compare_and_program_values_agree, seeded, |app| async move {
    let slugs = ["cn-k-visa", "us-h1b", "us-gold-card"];
    let compared = app.data(COMPARE, json!({ "slugs": slugs })).await;
    for (i, slug) in slugs.iter().enumerate() {
        let program = app.data(VALUES, json!({ "slug": slug })).await;
        let program = &program["program"];
        for row in compared["compare"]["rows"].as_array().unwrap() {
            let attribute = row["attribute"].as_str().unwrap();
            let cell = &row["cells"][i];
            let Some(v) = program["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["attribute"] == attribute)
            else {
                // A requirement kind only another compared program has.
                assert!(attribute.starts_with("requirement."), "{attribute}");
                assert_eq!(cell["state"], "UNKNOWN");
                continue;
            };
            for field in ["value", "state", "note", "lastVerifiedOn"] {
                assert_eq!(cell[field], v[field], "{slug} {attribute} {field}");
            }
        }
    }
});

const REVERIFY: &str = r#"query($days: Int, $limit: Int = 20, $offset: Int = 0) {
  valuesToReverify(staleAfterDays: $days, limit: $limit, offset: $offset) {
    totalCount staleAfterDays
    items { reason program { slug } value { attribute state note lastVerifiedOn { text } } } } }"#;

backend_test!(
    editors_get_the_values_to_reverify,
    seeded,
    |app| async move {
        // Editors only.
        let anonymous = app.graphql(REVERIFY, json!({})).await;
        assert_eq!(
            anonymous["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{anonymous:#}"
        );
        let token = app.editor().await;
        let list = app.data_as(&token, REVERIFY, json!({ "limit": 100 })).await;
        let list = &list["valuesToReverify"];
        assert_eq!(list["staleAfterDays"], 365, "the configured default");
        let items = list["items"].as_array().unwrap();
        let total = list["totalCount"].as_u64().unwrap();
        assert!(total >= items.len() as u64 && !items.is_empty(), "{list:#}");
        // Most urgent first.
        let rank = |r: &Value| match r.as_str().unwrap() {
            "PAST_SCHEDULED_END" => 0,
            "NEVER_VERIFIED" => 1,
            _ => 2,
        };
        let ranks: Vec<u8> = items.iter().map(|i| rank(&i["reason"])).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        assert_eq!(ranks, sorted);
        for item in items {
            match item["reason"].as_str().unwrap() {
                "NEVER_VERIFIED" => assert!(item["value"]["lastVerifiedOn"].is_null()),
                "NOT_VERIFIED_SINCE" => {
                    assert!(item["value"]["lastVerifiedOn"]["text"].is_string())
                }
                _ => assert_eq!(item["value"]["state"], "UNCONFIRMED"),
            }
        }
        if past_the_h1b_payment_term() {
            let first = &items[0];
            assert_eq!(
                (
                    &first["reason"],
                    &first["program"]["slug"],
                    &first["value"]["attribute"]
                ),
                (
                    &json!("PAST_SCHEDULED_END"),
                    &json!("us-h1b"),
                    &json!("currentFees")
                ),
                "{list:#}"
            );
        }
        // A shorter window finds at least as many; paging walks the same list.
        let strict = app
            .data_as(&token, REVERIFY, json!({ "days": 30, "limit": 1 }))
            .await;
        assert!(strict["valuesToReverify"]["totalCount"].as_u64().unwrap() >= total);
        let second = app
            .data_as(&token, REVERIFY, json!({ "limit": 1, "offset": 1 }))
            .await;
        assert_eq!(
            second["valuesToReverify"]["items"][0]["value"]["attribute"],
            items[1]["value"]["attribute"]
        );
        for bad in [
            json!({ "days": 0 }),
            json!({ "limit": 0 }),
            json!({ "offset": -1 }),
        ] {
            let error = app.error_as(&token, REVERIFY, bad).await;
            assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{error:#}");
        }
    }
);

const FRESHNESS: &str = r#"query($since: Date, $notSince: Date) {
  programs(first: 100, filter: { verifiedSince: $since, notVerifiedSince: $notSince }) {
    totalCount nodes { slug lastVerifiedOn { text } } } }"#;

backend_test!(
    lists_filter_on_when_a_source_last_verified,
    seeded,
    |app| async move {
        let all = app.data(FRESHNESS, json!({})).await;
        let total = all["programs"]["totalCount"].as_u64().unwrap();
        let day = "2025-10-01";
        let fresh = app.data(FRESHNESS, json!({ "since": day })).await;
        let stale = app.data(FRESHNESS, json!({ "notSince": day })).await;
        let count = |v: &Value| v["programs"]["totalCount"].as_u64().unwrap();
        assert_eq!(
            count(&fresh) + count(&stale),
            total,
            "each program is one or the other"
        );
        assert!(count(&fresh) > 0 && count(&stale) > 0);
        // The filter and `lastVerifiedOn` follow one rule (a partial date from its first day).
        for p in fresh["programs"]["nodes"].as_array().unwrap() {
            let text = p["lastVerifiedOn"]["text"].as_str().unwrap();
            let padded = match text.len() {
                4 => format!("{text}-01-01"),
                7 => format!("{text}-01"),
                _ => text.to_owned(),
            };
            assert!(padded.as_str() >= day, "{p:#}");
        }
        for p in stale["programs"]["nodes"].as_array().unwrap() {
            if let Some(text) = p["lastVerifiedOn"]["text"].as_str() {
                assert!(text < day, "{p:#}");
            }
        }
        // The export takes the same filter.
        let exported = app
            .get_json(&format!("/export/programs.json?verified_since={day}"))
            .await;
        assert_eq!(exported.as_array().unwrap().len() as u64, count(&fresh));
        let bad = app
            .client
            .get(format!(
                "{}/export/programs.json?verified_since=soon",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
    }
);

backend_test!(
    a_citation_claims_no_more_than_its_source,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let source = app
            .data_as(
                &token,
                r#"mutation { createSource(input: { title: "A wire story on the K visa",
                   kind: NEWS, url: "https://news.example/k-visa" }) { id } }"#,
                json!({}),
            )
            .await;
        let source = source["createSource"]["id"].as_str().unwrap().to_owned();
        let program = app
            .data(r#"{ program(slug: "cn-k-visa") { id } }"#, json!({}))
            .await;
        let program = program["program"]["id"].as_str().unwrap().to_owned();
        const CITE: &str = r#"mutation($source: ID!, $program: ID!, $confidence: Confidence) {
          createCitation(input: { sourceId: $source, supports: $program,
            field: "employer_sponsorship", confidence: $confidence }) { id } }"#;
        let vars = |confidence: &str| json!({ "source": source, "program": program, "confidence": confidence });
        // News confirms at most SECONDARY, whatever the fact's own confidence.
        let error = app.error_as(&token, CITE, vars("OFFICIAL")).await;
        assert_eq!(
            (&error["extensions"]["code"], &error["extensions"]["field"]),
            (&json!("BAD_USER_INPUT"), &json!("confidence")),
            "{error:#}"
        );
        assert_eq!(error["message"], "a news source confirms at most SECONDARY");
        app.data_as(&token, CITE, vars("SECONDARY")).await;

        // A source may not become a kind that confirms less than its citations claim.
        let official = app
            .data_as(
                &token,
                r#"mutation { createSource(input: { title: "The decree",
                   kind: OFFICIAL, url: "https://gov.example/decree" }) { id version } }"#,
                json!({}),
            )
            .await;
        let official = &official["createSource"];
        let vars =
            json!({ "source": official["id"], "program": program, "confidence": "OFFICIAL" });
        app.data_as(&token, CITE, vars).await;
        let demoted = app
            .error_as(
                &token,
                r#"mutation($id: ID!, $v: Int!) { updateSource(id: $id, expectedVersion: $v,
                     input: { kind: NEWS }) { version } }"#,
                json!({ "id": official["id"], "v": official["version"] }),
            )
            .await;
        assert_eq!(
            (
                &demoted["extensions"]["code"],
                &demoted["extensions"]["field"]
            ),
            (&json!("BAD_USER_INPUT"), &json!("kind")),
            "{demoted:#}"
        );
    }
);

backend_test!(
    a_program_past_its_scheduled_end_is_unconfirmed,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let program = app
            .data(
                r#"{ program(slug: "cn-k-visa") { id version lastVerifiedOn { text } } }"#,
                json!({}),
            )
            .await;
        let (id, version) = (
            program["program"]["id"].as_str().unwrap().to_owned(),
            program["program"]["version"].as_i64().unwrap(),
        );
        const SCHEDULE: &str = r#"mutation($id: ID!, $v: Int!, $on: Date!) {
          updateProgram(id: $id, expectedVersion: $v, input: {
            scheduledEndOn: $on, scheduledEndCondition: "an illustrative pilot term" }) { version } }"#;
        // Not before the day it took effect (2025-10-01).
        let early = app
            .error_as(
                &token,
                SCHEDULE,
                json!({ "id": id, "v": version, "on": "2025-09-30" }),
            )
            .await;
        assert_eq!(early["extensions"]["field"], "scheduledEndOn", "{early:#}");
        let saved = app
            .data_as(
                &token,
                SCHEDULE,
                json!({ "id": id, "v": version, "on": "2026-01-31" }),
            )
            .await;
        let v = saved["updateProgram"]["version"].as_i64().unwrap();
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": id, "v": v }),
        )
        .await;
        let seen = app
            .data(
                r#"{ program(slug: "cn-k-visa") { scheduledEndOn scheduledEndCondition
                     values { attribute state note } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(seen["program"]["scheduledEndOn"], "2026-01-31");
        let status = value(&seen["program"], "status");
        let newest = program["program"]["lastVerifiedOn"]["text"]
            .as_str()
            .unwrap();
        assert!(
            newest < "2026-01-31",
            "the seed's sources predate the end: {newest}"
        );
        assert_eq!(status["state"], "UNCONFIRMED", "{status:#}");
        let note = status["note"].as_str().unwrap();
        assert!(
            note.contains("scheduled to end on 2026-01-31 (an illustrative pilot term)")
                && note.contains(&format!("no source since {newest}")),
            "{note}"
        );
        // The same day seen before the end: the term is said, the status stands.
        let before = app
            .data(
                r#"{ program(slug: "cn-k-visa", asOf: "2026-01-15") { values { attribute state note } } }"#,
                json!({}),
            )
            .await;
        let status = value(&before["program"], "status");
        assert_ne!(status["state"], "UNCONFIRMED", "{status:#}");
        assert!(
            status["note"]
                .as_str()
                .unwrap()
                .contains("scheduled to end on 2026-01-31")
        );
        // And editors are told to look at it.
        let due = app.data_as(&token, REVERIFY, json!({ "limit": 100 })).await;
        assert!(
            due["valuesToReverify"]["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["program"]["slug"] == "cn-k-visa"
                    && i["value"]["attribute"] == "status"
                    && i["reason"] == "PAST_SCHEDULED_END"),
            "{due:#}"
        );
    }
);

backend_test!(
    changes_and_the_feed_keep_a_dates_precision,
    seeded,
    |app| async move {
        // An editor corrects a source's date to what it gives: a month.
        let token = app.editor().await;
        let since = chrono::Utc::now().to_rfc3339();
        let source = app
            .data(
                r#"{ sources(first: 1, filter: { text: "udn.com" }) { nodes { id publishedOn { text } } } }"#,
                json!({}),
            )
            .await;
        let source = &source["sources"]["nodes"][0];
        assert_eq!(source["publishedOn"]["text"], "2025-08-14", "{source:#}");
        let record = app
            .data_as(
                &token,
                "query($id: ID!) { editorialRecord(id: $id) { version } }",
                json!({ "id": source["id"] }),
            )
            .await;
        let saved = app
            .data_as(
                &token,
                r#"mutation($id: ID!, $v: Int!) { updateSource(id: $id, expectedVersion: $v,
                     input: { publishedOn: "2025-08" }) { version } }"#,
                json!({ "id": source["id"], "v": record["editorialRecord"]["version"] }),
            )
            .await;
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { id } }",
            json!({ "id": source["id"], "v": saved["updateSource"]["version"] }),
        )
        .await;
        let changes = app
            .data(
                r#"query($since: DateTime!) { changes(since: $since, recordTypes: [SOURCE], first: 10) {
                     nodes { changes { field before after } } } }"#,
                json!({ "since": since }),
            )
            .await;
        let fields = &changes["changes"]["nodes"][0]["changes"];
        assert_eq!(
            fields,
            &json!([{ "field": "publishedOn", "before": "2025-08-14", "after": "2025-08" }]),
            "a date and its precision are one field, read at its precision"
        );
        let feed = app.get_text("/feed.atom").await;
        assert!(
            feed.contains("published_on: 2025-08-14 → 2025-08") && !feed.contains("_precision"),
            "the feed reads dates as the API does"
        );

        // Migration 10 fills in older histories with the rule the writers apply: run again on
        // this history, it gives every revision the same public flag and predecessor.
        let db = app.db.connect().await;
        let marks = || async {
            revision::Entity::find()
                .order_by_asc(revision::Column::Id)
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.id, r.public, r.previous_public_id))
                .collect::<Vec<_>>()
        };
        let written = marks().await;
        assert!(written.iter().any(|(_, _, previous)| previous.is_some()));
        assert!(written.iter().any(|(_, public, _)| !public));
        // Back to before migration 10 (the five after it undone too), and up again.
        migration::Migrator::down(&db, Some(6)).await.unwrap();
        migration::Migrator::up(&db, None).await.unwrap();
        assert_eq!(marks().await, written);
    }
);
