//! Facts that stay true (issue 12): every value carries its state and when a source last
//! verified it, the same in GraphQL, compare and the exports; terms that run out stop being
//! current.

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
