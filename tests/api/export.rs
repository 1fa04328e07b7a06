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
        let h1b = rows.iter().find(|r| &r[col("slug")] == "us-h1b").unwrap();
        assert!(h1b[col("current_fees")].contains(
            "Proclamation payment ($100,000) - one-time, per new petition in scope: USD 100000"
        ));
        assert!(h1b[col("fees_sources")].contains("https://chugh.com/"));
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
