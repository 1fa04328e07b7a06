//! The public read API on the seeded content.

use serde_json::{Value, json};

/// The slugs of a `programs` connection's nodes, in order.
fn slugs(data: &serde_json::Value) -> Vec<String> {
    data["programs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["slug"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(k_visa_facts_carry_their_sources, seeded, |app| async move {
    let data = app
        .data(
            r#"query { program(slug: "cn-k-visa") {
                name localName country legalStatus employerSponsorship workAuthorization entries
                inForceOn { text precision }
                facts { field wording confidence cited citations { confidence excerpt source { title url kind publisher } } }
                commentaries { body kind stance group person { name affiliation } citations { excerpt } }
                policyEvents { date { text precision } kind title cited }
            } }"#,
            json!({}),
        )
        .await;
    let p = &data["program"];
    assert_eq!(p["name"], "K visa");
    assert_eq!(p["localName"], "K字签证");
    assert_eq!(p["country"], "CN");
    assert_eq!(p["legalStatus"], "IN_FORCE");
    assert_eq!(p["employerSponsorship"], "NO");
    assert_eq!(p["workAuthorization"], "UNCONFIRMED");
    assert_eq!(p["entries"], "MULTIPLE");
    assert_eq!(
        p["inForceOn"],
        json!({"text": "2025-10-01", "precision": "DAY"})
    );

    let facts = p["facts"].as_array().unwrap();
    let fact = |field: &str| {
        facts
            .iter()
            .find(|f| f["field"] == field)
            .unwrap_or_else(|| panic!("fact {field}"))
    };
    // The age limit is not published: unknown, not guessed, and uncited.
    let pr = fact("pr_path");
    assert!(pr["confidence"].is_null(), "unknown stays unknown: {pr}");
    // The article is the only source of "not a path to immigration".
    let article_cites: Vec<_> = pr["citations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["source"]["url"].is_null())
        .collect();
    assert_eq!(article_cites.len(), 1);
    assert_eq!(article_cites[0]["source"]["kind"], "NEWS");
    assert!(
        article_cites[0]["source"]["publisher"].is_null(),
        "the article's publisher is unknown"
    );
    assert!(
        article_cites[0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("not a path to immigration")
    );
    let work = fact("work_authorization");
    assert!(work["wording"].as_str().unwrap().starts_with("UNCLEAR"));
    assert_eq!(work["cited"], true);

    // Stefanie Kam's quote cites the article and nothing else.
    let comments = p["commentaries"].as_array().unwrap();
    let kam = comments
        .iter()
        .find(|c| c["person"]["name"] == "Stefanie Kam")
        .expect("Kam quote");
    assert_eq!(kam["kind"], "QUOTE");
    assert_eq!(kam["stance"], "CRITICAL");
    assert_eq!(
        kam["person"]["affiliation"],
        "Nanyang Technological University"
    );
    assert_eq!(kam["citations"].as_array().unwrap().len(), 1);
    assert!(
        comments
            .iter()
            .any(|c| c["group"] == "A social media user" && c["stance"] == "CRITICAL")
    );
    assert!(comments.iter().any(|c| {
        c["group"]
            .as_str()
            .is_some_and(|g| g.contains("Global Times"))
            && c["stance"] == "SUPPORTIVE"
    }));

    let events = p["policyEvents"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "IN_FORCE"
        && e["date"]["text"] == "2025-10-01"
        && e["cited"] == true));
});

backend_test!(h1b_fee_history_keeps_both_fees, seeded, |app| async move {
    let data = app
        .data(
            r#"{ program(slug: "us-h1b") { employerSponsorship
                fees { label amount { amount currency } effectiveFrom effectiveUntil current cited confidence } } }"#,
            json!({}),
        )
        .await;
    let p = &data["program"];
    assert_eq!(p["employerSponsorship"], "YES");
    let fees = p["fees"].as_array().unwrap();
    let payment = fees
        .iter()
        .find(|f| f["amount"]["amount"] == "100000")
        .expect("the $100,000 payment");
    assert_eq!(payment["amount"]["currency"], "USD");
    assert_eq!(payment["effectiveFrom"], "2025-09-21");
    assert_eq!(payment["cited"], true);
    let base = fees
        .iter()
        .find(|f| f["amount"]["amount"] == "780")
        .expect("the $780 base fee");
    assert_eq!(base["effectiveFrom"], "2024-04-01");
    // "750 / 1500" is not one number: no amount, the wording is kept, and it was from memory.
    let acwia = fees
        .iter()
        .find(|f| f["label"] == "ACWIA training fee")
        .expect("ACWIA fee");
    assert!(acwia["amount"].is_null());
    assert_eq!(acwia["confidence"], "UNVERIFIED");
    assert_eq!(acwia["cited"], false);
});

// A page filtered by words counts its matches in its own read when it has no cursor (a
// window over every match), and apart when it has one: both give the same total, the number of
// programs the walk meets, and a total of 0 past the end.
backend_test!(
    a_page_filtered_by_words_carries_the_same_total_on_every_page,
    seeded,
    |app| async move {
        let q = r#"query($first: Int, $after: String, $last: Int) {
        programs(filter: {text: "visa"}, first: $first, after: $after, last: $last) {
            totalCount pageInfo { hasNextPage endCursor } nodes { slug } } }"#;
        let mut walked: Vec<Value> = Vec::new();
        let mut totals = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = app.data(q, json!({"first": 3, "after": after})).await;
            let conn = &page["programs"];
            walked.extend(conn["nodes"].as_array().unwrap().iter().cloned());
            totals.push(conn["totalCount"].as_u64().unwrap());
            if conn["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        let seen = walked.len();
        assert!(totals.len() > 2, "a walk of several pages: {totals:?}");
        assert!(
            totals.iter().all(|t| *t == seen as u64),
            "{seen} walked, totals {totals:?}"
        );
        // The first page from the back: the same total, and the walk's last two, in order.
        let last = app.data(q, json!({"last": 2})).await;
        assert_eq!(
            last["programs"]["totalCount"].as_u64().unwrap(),
            seen as u64
        );
        assert_eq!(
            last["programs"]["nodes"].as_array().unwrap()[..],
            walked[seen - 2..]
        );
        let none = app
            .data(
                r#"{ programs(filter: {text: "no program says this"}, first: 5) { totalCount nodes { slug } } }"#,
                json!({}),
            )
            .await;
        assert_eq!(none["programs"]["totalCount"], 0);
    }
);

// A first page filtered by words and counted sorts and counts its matches' keys, then reads
// its rows by id: in every order, from either end, it holds the rows the uncounted page holds,
// in the same order, and its total is the number of matches.
backend_test!(
    a_counted_page_filtered_by_words_holds_the_rows_of_the_uncounted_one,
    seeded,
    |app| async move {
        let counted = r#"query($order: ProgramOrder, $first: Int, $last: Int) {
            programs(filter: {text: "a"}, orderBy: $order, first: $first, last: $last) {
                totalCount nodes { slug name country } } }"#;
        let uncounted = counted.replace("totalCount ", "");
        let all = app.data(&uncounted, json!({"first": 100})).await["programs"]["nodes"]
            .as_array()
            .unwrap()
            .len();
        assert!(all > 10, "the seed has many programs with an `a`: {all}");
        for field in ["NAME", "COUNTRY", "IN_FORCE_ON", "UPDATED_AT"] {
            for direction in ["ASC", "DESC"] {
                for (first, last) in [(Some(7), None), (None, Some(7)), (Some(100), None)] {
                    let vars = json!({
                        "order": {"field": field, "direction": direction},
                        "first": first,
                        "last": last,
                    });
                    let with = app.data(counted, vars.clone()).await;
                    let without = app.data(&uncounted, vars).await;
                    let case = format!("{field} {direction} first {first:?} last {last:?}");
                    assert_eq!(
                        with["programs"]["nodes"], without["programs"]["nodes"],
                        "{case}"
                    );
                    assert_eq!(with["programs"]["totalCount"], all, "{case}");
                }
            }
        }
    }
);

// The text filter finds a text in the name, the local name or the summary, never across two of
// them: checked against every program's own fields, for texts inside a field, across the
// boundary of two (with a space or a line feed), and in another case.
backend_test!(
    the_text_filter_matches_within_one_field,
    seeded,
    |app| async move {
        let all = app
            .data(
                r#"{ programs(first: 100) { nodes { slug name localName summary } } }"#,
                json!({}),
            )
            .await;
        let programs = all["programs"]["nodes"].as_array().unwrap().clone();
        let fields = |p: &Value| -> Vec<String> {
            ["name", "localName", "summary"]
                .iter()
                .filter_map(|f| p[f].as_str().map(str::to_lowercase))
                .collect()
        };
        // A text across the name and the summary of one program, with a space and a line feed.
        let (tail, head) = programs
            .iter()
            .find_map(|p| {
                let name = p["name"].as_str()?;
                let summary = p["summary"].as_str()?;
                let tail = name.rsplit(' ').next()?;
                let head = summary.split(' ').next()?;
                (tail.is_ascii() && head.is_ascii()).then(|| (tail.to_owned(), head.to_owned()))
            })
            .unwrap();
        let texts = [
            "visa".to_owned(),
            "TALENT".to_owned(),
            format!("{tail} {head}"),
            format!("{tail}\n{head}"),
            format!("{tail}\n"),
        ];
        let q = "query($t: String) { programs(filter: {text: $t}, first: 100) { nodes { slug } } }";
        for text in texts {
            let wanted = text.trim().to_lowercase();
            let mut expected: Vec<String> = programs
                .iter()
                .filter(|p| fields(p).iter().any(|f| f.contains(&wanted)))
                .map(|p| p["slug"].as_str().unwrap().to_owned())
                .collect();
            let mut found = slugs(&app.data(q, json!({ "t": text })).await);
            expected.sort();
            found.sort();
            assert_eq!(found, expected, "text {text:?}");
        }
    }
);

backend_test!(
    pagination_walks_forward_and_backward,
    seeded,
    |app| async move {
        let q = r#"query($first: Int, $after: String, $last: Int, $before: String) {
        programs(first: $first, after: $after, last: $last, before: $before) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { slug } } }"#;
        let page1 = app.data(q, json!({"first": 30})).await;
        let total = page1["programs"]["totalCount"].as_u64().unwrap();
        assert_eq!(
            total, 67,
            "22 researched programs and 45 GlobeNomad programs"
        );
        assert_eq!(page1["programs"]["nodes"].as_array().unwrap().len(), 30);
        assert_eq!(page1["programs"]["pageInfo"]["hasNextPage"], true);
        assert_eq!(page1["programs"]["pageInfo"]["hasPreviousPage"], false);

        let mut seen: Vec<String> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let page = app.data(q, json!({"first": 30, "after": after})).await;
            let conn = &page["programs"];
            seen.extend(
                conn["nodes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n["slug"].as_str().unwrap().to_owned()),
            );
            if conn["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
        }
        assert_eq!(seen.len() as u64, total);
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no program twice");

        // The last 5, then the 5 before them, line up with the forward walk.
        let tail = app.data(q, json!({"last": 5})).await;
        let tail_slugs = slugs(&tail);
        assert_eq!(tail_slugs, seen[seen.len() - 5..]);
        let before = tail["programs"]["pageInfo"]["startCursor"]
            .as_str()
            .unwrap();
        let prev = app.data(q, json!({"last": 5, "before": before})).await;
        let prev_slugs = slugs(&prev);
        assert_eq!(prev_slugs, seen[seen.len() - 10..seen.len() - 5]);
    }
);

backend_test!(filters_narrow_the_list, seeded, |app| async move {
    let q = r#"query($filter: ProgramFilter, $order: ProgramOrder) {
        programs(filter: $filter, orderBy: $order, first: 100) { totalCount nodes { slug country category employerSponsorship inForceOn { date } } } }"#;
    let cn = app.data(q, json!({"filter": {"country": ["CN"]}})).await;
    assert_eq!(slugs(&cn), vec!["cn-k-visa", "cn-r-visa"]);

    let local = app.data(q, json!({"filter": {"text": "K字"}})).await;
    assert_eq!(slugs(&local), vec!["cn-k-visa"]);
    let case = app.data(q, json!({"filter": {"text": "gold CARD"}})).await;
    assert!(slugs(&case).contains(&"us-gold-card".to_owned()));

    let unsponsored = app
        .data(
            q,
            json!({"filter": {"category": ["TALENT"], "employerSponsorship": ["NO"]}}),
        )
        .await;
    let s = slugs(&unsponsored);
    assert!(
        s.contains(&"cn-k-visa".to_owned()) && !s.contains(&"us-h1b".to_owned()),
        "{s:?}"
    );
    assert!(
        unsponsored["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["category"] == "TALENT" && n["employerSponsorship"] == "NO")
    );

    let nomad = app
        .data(q, json!({"filter": {"category": ["DIGITAL_NOMAD"]}}))
        .await;
    assert_eq!(
        nomad["programs"]["totalCount"], 43,
        "45 GlobeNomad records less the two without a nomad route"
    );

    // Every current fee known, in USD and at most 100: the H-1B (with its $100,000) is out.
    let cheap = app
        .data(
            q,
            json!({"filter": {"maxFee": {"amount": "100", "currency": "USD"}}}),
        )
        .await;
    let s = slugs(&cheap);
    assert!(!s.is_empty() && !s.contains(&"us-h1b".to_owned()), "{s:?}");

    let stem = app
        .data(q, json!({"filter": {"fieldOfStudy": "mathematics"}}))
        .await;
    assert!(slugs(&stem).contains(&"cn-k-visa".to_owned()));

    let by_date = app.data(q, json!({"filter": {"country": ["CN", "US", "GB"]}, "order": {"field": "IN_FORCE_ON", "direction": "DESC"}})).await;
    let dates: Vec<Option<&str>> = by_date["programs"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["inForceOn"]["date"].as_str())
        .collect();
    let known: Vec<&str> = dates.iter().flatten().copied().collect();
    let mut sorted = known.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(known, sorted, "newest first");
    let first_unknown = dates
        .iter()
        .position(Option::is_none)
        .unwrap_or(dates.len());
    assert!(
        dates[first_unknown..].iter().all(Option::is_none),
        "unknown dates last: {dates:?}"
    );
});

backend_test!(node_finds_records_by_global_id, seeded, |app| async move {
    let data = app
        .data(
            r#"{ program(slug: "us-h1b") { id fees { id label } } }"#,
            json!({}),
        )
        .await;
    let id = data["program"]["id"].as_str().unwrap();
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { id ... on Program { slug } } }",
            json!({"id": id}),
        )
        .await;
    assert_eq!(node["node"]["slug"], "us-h1b");
    let fee_id = data["program"]["fees"][0]["id"].as_str().unwrap();
    let fee = app
        .data(
            "query($id: ID!) { node(id: $id) { ... on Fee { label } } }",
            json!({"id": fee_id}),
        )
        .await;
    assert_eq!(fee["node"]["label"], data["program"]["fees"][0]["label"]);
});

backend_test!(
    timeline_lists_events_newest_first,
    seeded,
    |app| async move {
        let data = app
            .data(
                r#"{ policyEvents(filter: {country: ["US"], from: "2025-01-01"}, first: 50) {
                nodes { date { date } kind title program { slug } } } }"#,
                json!({}),
            )
            .await;
        let nodes = data["policyEvents"]["nodes"].as_array().unwrap();
        assert!(
            nodes
                .iter()
                .any(|n| n["kind"] == "FEE_CHANGE" && n["date"]["date"] == "2025-09-21")
        );
        assert!(
            nodes
                .iter()
                .all(|n| n["program"]["slug"].as_str().unwrap().starts_with("us-"))
        );
        let dates: Vec<&str> = nodes
            .iter()
            .map(|n| n["date"]["date"].as_str().unwrap())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted);
    }
);

backend_test!(sources_and_people_are_listed, seeded, |app| async move {
    let data = app
        .data(
            r#"{ sources(filter: {kind: [DATASET]}, first: 1) { totalCount nodes { publisher licence attribution accessedOn } }
                 people(first: 10) { nodes { name affiliation } }
                 commentaries(filter: {program: "cn-k-visa", stance: [CRITICAL]}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["sources"]["totalCount"], 45);
    let s = &data["sources"]["nodes"][0];
    assert_eq!(
        s["attribution"],
        "GlobeNomad Visa Dataset — https://globenomad.com/data — CC BY 4.0"
    );
    assert!(s["accessedOn"].is_string());
    assert!(
        data["people"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "Stefanie Kam")
    );
    assert_eq!(data["commentaries"]["totalCount"], 2);
});

// A dataset's "no nomad visa" entry is no program in force: NO_ROUTE today and on any date,
// and never counted among programs in force.
backend_test!(
    a_route_that_does_not_exist_is_never_in_force,
    seeded,
    |app| async move {
        let q = r#"query($asOf: Date) { programs(filter: {country: ["QA", "VN"]}, asOf: $asOf, first: 20) {
        nodes { name category legalStatus status { legalStatus since { text } } } } }"#;
        for as_of in [None, Some("2025-01-01")] {
            let data = app.data(q, json!({ "asOf": as_of })).await;
            let nodes = data["programs"]["nodes"].as_array().unwrap();
            let none: Vec<&Value> = nodes
                .iter()
                .filter(|p| p["name"].as_str().unwrap_or_default().starts_with("No "))
                .collect();
            assert_eq!(none.len(), 2, "Qatar's and Vietnam's entries: {data}");
            for p in none {
                {
                    assert_eq!(p["legalStatus"], "NO_ROUTE", "{p}");
                    assert_eq!(p["status"]["legalStatus"], "NO_ROUTE", "{as_of:?} {p}");
                    assert!(p["status"]["since"].is_null(), "{p}");
                    assert_eq!(p["category"], "OTHER");
                }
            }
        }
        let in_force = app
            .data(
                r#"{ programs(filter: {legalStatus: [IN_FORCE]}, first: 100) { nodes { name } } }"#,
                json!({}),
            )
            .await;
        for p in in_force["programs"]["nodes"].as_array().unwrap() {
            assert!(!p["name"].as_str().unwrap().starts_with("No "), "{p}");
        }
    }
);
