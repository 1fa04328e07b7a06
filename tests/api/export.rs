//! Exports for journalists: CSV that a CSV reader parses back, JSON, filters, published only.

use serde_json::Value;

backend_test!(
    csv_parses_back_with_sources_per_fact,
    seeded,
    |app| async move {
        let response = app
            .client
            .get(format!("{}/export/programs.csv?country=CN,US", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let bytes = response.bytes().await.unwrap();
        let text = std::str::from_utf8(&bytes).unwrap();
        let text = text
            .strip_prefix('\u{feff}')
            .expect("a byte-order mark for spreadsheets");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("column {name}"))
        };
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5, "K and R visas, H-1B, O-1, Gold Card");
        let k = rows
            .iter()
            .find(|r| &r[col("slug")] == "cn-k-visa")
            .unwrap();
        assert_eq!(&k[col("local_name")], "K字签证");
        assert_eq!(&k[col("employer_sponsorship")], "no");
        assert_eq!(&k[col("work_authorization")], "unconfirmed");
        assert_eq!(&k[col("in_force_on")], "2025-10-01");
        assert!(
            k[col("employer_sponsorship_sources")]
                .contains("https://udn.com/news/story/7331/8940256")
        );
        // A source without a URL (the article) is named by title and kind, not dropped.
        assert!(
            k[col("pr_path_sources")].contains("China has officially rolled out its new K visa")
                && k[col("pr_path_sources")].contains("[news, no URL]"),
            "{}",
            &k[col("pr_path_sources")]
        );
        // Each value says how far it can be trusted, and when a source last verified it.
        assert_eq!(&k[col("employer_sponsorship_state")], "KNOWN");
        assert_eq!(&k[col("work_authorization_state")], "UNCONFIRMED");
        assert!(!k[col("employer_sponsorship_last_verified")].is_empty());
        let h1b = rows.iter().find(|r| &r[col("slug")] == "us-h1b").unwrap();
        assert!(
            h1b[col("current_fees")].contains(
                "USD 100000 (Proclamation payment ($100,000) - one-time, per new petition in scope"
            ),
            "{}",
            &h1b[col("current_fees")]
        );
        assert!(h1b[col("fees_sources")].contains("https://chugh.com/"));
        // The $100,000 payment was proclaimed for 12 months from 2025-09-21 unless extended.
        // Past that day with no newer source, the export says so instead of "current".
        let today = chrono::Utc::now().date_naive();
        if today > chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap() {
            assert_eq!(&h1b[col("current_fees_state")], "UNCONFIRMED");
            assert!(
                h1b[col("current_fees_note")].contains("scheduled to end on 2026-09-21")
                    && h1b[col("current_fees_note")].contains("no source since 2025-11-20"),
                "{}",
                &h1b[col("current_fees_note")]
            );
        }
    }
);

backend_test!(
    json_export_filters_and_keeps_attribution,
    seeded,
    |app| async move {
        let rows = app
            .get_json("/export/programs.json?category=digital_nomad&country=PT")
            .await;
        let rows = rows.as_array().unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["slug"], "portugal-digital-nomad");
        assert_eq!(
            rows[0]["attribution"][0],
            "GlobeNomad Visa Dataset — https://globenomad.com/data — CC BY 4.0"
        );

        let bad = app
            .client
            .get(format!(
                "{}/export/programs.json?category=spaceship",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);
        let body: Value = bad.json().await.unwrap();
        assert_eq!(body["field"], "category");
        let unknown = app
            .client
            .get(format!("{}/export/programs.csv?colour=red", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(unknown.status(), 400);
    }
);
