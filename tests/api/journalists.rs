//! Journalists' features on the seeded content: the timeline, what changed since a moment and
//! its Atom feed.

use serde_json::{Value, json};

const TIMELINE: &str = r#"query($programs: [String!], $countries: [String!], $kinds: [PolicyEventKind!], $from: Date, $to: Date) {
  timeline(programs: $programs, countries: $countries, kinds: $kinds, from: $from, to: $to, first: 100) {
    totalCount nodes { date { text } kind title program { slug } } } }"#;

backend_test!(
    timeline_across_programs_newest_first,
    seeded,
    |app| async move {
        let all = app
            .data(TIMELINE, json!({ "programs": ["cn-k-visa", "us-h1b"] }))
            .await;
        let nodes = all["timeline"]["nodes"].as_array().unwrap();
        assert!(nodes.len() >= 4, "{all:#}");
        let dates: Vec<&str> = nodes
            .iter()
            .map(|n| n["date"]["text"].as_str().unwrap())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
        let slugs: Vec<&str> = nodes
            .iter()
            .map(|n| n["program"]["slug"].as_str().unwrap())
            .collect();
        assert!(slugs.contains(&"cn-k-visa") && slugs.contains(&"us-h1b"));

        // Narrowed by country (any case), kind and dates.
        let narrowed = app
        .data(TIMELINE, json!({ "countries": ["us"], "kinds": ["SIGNED"], "from": "2025-01-01", "to": "2025-12-31" }))
        .await;
        let nodes = narrowed["timeline"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 1, "{narrowed:#}");
        assert_eq!(nodes[0]["date"]["text"], "2025-09-19");
        assert_eq!(nodes[0]["program"]["slug"], "us-h1b");

        let body = app
            .graphql(TIMELINE, json!({ "countries": ["Narnia"] }))
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "countries");
        let body = app
            .graphql(
                TIMELINE,
                json!({ "from": "2025-12-31", "to": "2025-01-01" }),
            )
            .await;
        assert_eq!(body["errors"][0]["extensions"]["field"], "to");
    }
);

const CHANGES: &str = r#"query($since: DateTime!) { changes(since: $since, first: 100) {
  totalCount nodes { kind recordType title version summary changes { field before after }
    record { ... on Program { slug name } } } } }"#;

backend_test!(
    changes_since_a_moment_and_the_atom_feed,
    seeded,
    |app| async move {
        // The seed itself: every program is new.
        let seeded = app
            .data(CHANGES, json!({ "since": "2000-01-01T00:00:00Z" }))
            .await;
        assert!(seeded["changes"]["totalCount"].as_u64().unwrap() > 67);
        assert!(
            seeded["changes"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .all(|n| n["kind"] == "NEW")
        );

        let since = chrono::Utc::now().to_rfc3339();
        let nothing = app.data(CHANGES, json!({ "since": since })).await;
        assert_eq!(nothing["changes"]["totalCount"], 0);

        // An editor's draft is not a public change; its publication is, with what changed.
        let token = app.editor().await;
        let record = app
            .data_as(
                &token,
                "{ editorialRecords(recordType: PROGRAM, limit: 100) { id version content } }",
                json!({}),
            )
            .await["editorialRecords"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["content"]["slug"] == "cn-k-visa")
            .unwrap()
            .clone();
        let edited = app
        .data_as(&token,
            "mutation($id: ID!, $v: Int!) { updateProgram(id: $id, expectedVersion: $v, input: { summary: \"A corrected summary.\" }) { id version } }",
            json!({ "id": record["id"], "v": record["version"] }))
        .await["updateProgram"]
        .clone();
        assert_eq!(
            app.data(CHANGES, json!({ "since": since })).await["changes"]["totalCount"],
            0
        );
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": edited["id"], "v": edited["version"] }),
        )
        .await;
        let changed = app.data(CHANGES, json!({ "since": since })).await;
        assert_eq!(changed["changes"]["totalCount"], 1, "{changed:#}");
        let change = &changed["changes"]["nodes"][0];
        assert_eq!(change["kind"], "UPDATED");
        assert_eq!(change["recordType"], "Program");
        assert_eq!(change["record"]["slug"], "cn-k-visa");
        assert_eq!(change["changes"].as_array().unwrap().len(), 1);
        assert_eq!(change["changes"][0]["field"], "summary");
        assert_eq!(change["changes"][0]["after"], "A corrected summary.");

        // The same as Atom, parsed by a feed parser.
        let response = app
            .client
            .get(format!("{}/feed.atom", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let feed: atom_syndication::Feed = response.text().await.unwrap().parse().unwrap();
        assert_eq!(feed.entries().len(), 50);
        let newest = &feed.entries()[0];
        assert!(
            newest.title().as_str().starts_with("Program updated: "),
            "{}",
            newest.title().as_str()
        );
        assert!(
            newest
                .content()
                .unwrap()
                .value()
                .unwrap()
                .contains("summary: ")
        );
        assert!(newest.links()[0].href().contains("/records/"));
        let since_feed = app
            .client
            .get(format!("{}/feed.atom", app.base))
            .query(&[("since", since.as_str())])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let feed: atom_syndication::Feed = since_feed.parse().unwrap();
        assert_eq!(feed.entries().len(), 1);
        let bad = app
            .client
            .get(format!("{}/feed.atom?since=yesterday", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status().as_u16(), 400);
        let _: Value = bad.json().await.unwrap();
    }
);

const COMPARE: &str = r#"query($slugs: [String!]!, $asOf: Date) { compare(slugs: $slugs, asOf: $asOf) {
  programs { slug }
  rows { attribute label cells { program value state cited note wording
    citations { excerpt confidence source { title publisher url publishedOn { text } } } } } } }"#;

fn row<'a>(comparison: &'a Value, attribute: &str) -> &'a Vec<Value> {
    comparison["compare"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["attribute"] == attribute)
        .unwrap_or_else(|| panic!("no row {attribute}"))["cells"]
        .as_array()
        .unwrap()
}

backend_test!(k_visa_against_h1b_side_by_side, seeded, |app| async move {
    let c = app
        .data(COMPARE, json!({ "slugs": ["cn-k-visa", "us-h1b"] }))
        .await;
    assert_eq!(
        c["compare"]["programs"],
        json!([{ "slug": "cn-k-visa" }, { "slug": "us-h1b" }])
    );

    let sponsorship = row(&c, "employerSponsorship");
    assert_eq!(sponsorship[0]["value"], "no");
    assert_eq!(sponsorship[1]["value"], "yes");
    assert!(
        sponsorship
            .iter()
            .all(|cell| cell["state"] == "KNOWN" && cell["cited"] == true)
    );

    let work = row(&c, "workAuthorization");
    assert_eq!(work[0]["state"], "UNCONFIRMED");
    assert_eq!(work[0]["value"], "unconfirmed");

    let fees = row(&c, "currentFees");
    let h1b = fees[1]["value"].as_str().unwrap();
    assert!(
        h1b.contains("USD 100000") && h1b.contains("from 2025-09-21"),
        "{h1b}"
    );
    assert!(fees[1]["cited"] == true);
    let citation = &fees[1]["citations"][0];
    assert!(citation["source"]["title"].is_string() && citation["source"]["url"].is_string());
    // The K visa's fee is recorded without an amount: unknown, and said so.
    assert_eq!(fees[0]["state"], "UNKNOWN");
    assert_eq!(fees[0]["value"], Value::Null);
    assert!(
        fees[0]["note"]
            .as_str()
            .unwrap()
            .starts_with("amount unknown")
    );

    // Every cell either has citations or says it is uncited.
    for r in c["compare"]["rows"].as_array().unwrap() {
        for cell in r["cells"].as_array().unwrap() {
            assert_eq!(
                cell["cited"],
                json!(!cell["citations"].as_array().unwrap().is_empty())
            );
        }
    }
    assert!(
        row(&c, "requirement.education")[0]["value"]
            .as_str()
            .unwrap()
            .contains("STEM")
    );

    // Before the $100,000 payment took effect.
    let before = app
        .data(
            COMPARE,
            json!({ "slugs": ["cn-k-visa", "us-h1b"], "asOf": "2025-09-20" }),
        )
        .await;
    let h1b = row(&before, "currentFees")[1]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!h1b.contains("100000") && h1b.contains("USD 780"), "{h1b}");

    for (slugs, field) in [
        (json!(["cn-k-visa"]), "slugs"),
        (json!(["cn-k-visa", "cn-k-visa"]), "slugs"),
        (json!(["cn-k-visa", "Not A Slug"]), "slugs"),
    ] {
        let body = app.graphql(COMPARE, json!({ "slugs": slugs })).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body:#}");
    }
    let body = app
        .graphql(COMPARE, json!({ "slugs": ["cn-k-visa", "xx-nothing"] }))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
});

const AS_OF: &str = r#"query($slug: String!, $asOf: Date) { program(slug: $slug, asOf: $asOf) {
  asOf status { legalStatus since { text } } fees(current: true) { label amount { amount currency } effectiveFrom } } }"#;

backend_test!(
    h1b_fees_before_and_after_2025_09_21,
    seeded,
    |app| async move {
        let amounts = |data: &Value| -> Vec<String> {
            data["program"]["fees"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|f| f["amount"]["amount"].as_str().map(str::to_owned))
                .collect()
        };
        let before = app
            .data(AS_OF, json!({ "slug": "us-h1b", "asOf": "2025-09-20" }))
            .await;
        assert_eq!(before["program"]["asOf"], "2025-09-20");
        assert!(amounts(&before).contains(&"780".to_owned()));
        assert!(!amounts(&before).contains(&"100000".to_owned()));
        let after = app
            .data(AS_OF, json!({ "slug": "us-h1b", "asOf": "2025-09-21" }))
            .await;
        assert!(amounts(&after).contains(&"100000".to_owned()));
        assert!(amounts(&after).contains(&"780".to_owned()));
        // Long before the fee rule of 2024-04-01 the $780 fee was not in effect either.
        let old = app
            .data(AS_OF, json!({ "slug": "us-h1b", "asOf": "2020-01-01" }))
            .await;
        assert!(!amounts(&old).contains(&"780".to_owned()));
        // The H-1B's start date is not recorded: its status in the past is unknown, not guessed.
        assert_eq!(old["program"]["status"]["legalStatus"], Value::Null);
        let today = app.data(AS_OF, json!({ "slug": "us-h1b" })).await;
        assert_eq!(today["program"]["status"]["legalStatus"], "IN_FORCE");

        // The K visa: announced in August 2025, in force from 2025-10-01.
        let k = app
            .data(AS_OF, json!({ "slug": "cn-k-visa", "asOf": "2025-09-15" }))
            .await;
        assert_eq!(k["program"]["status"]["legalStatus"], "ANNOUNCED");
        let k = app
            .data(AS_OF, json!({ "slug": "cn-k-visa", "asOf": "2025-10-01" }))
            .await;
        assert_eq!(
            k["program"]["status"],
            json!({ "legalStatus": "IN_FORCE", "since": { "text": "2025-10-01" } })
        );
        let k = app
            .data(AS_OF, json!({ "slug": "cn-k-visa", "asOf": "2025-01-01" }))
            .await;
        assert_eq!(k["program"]["status"]["legalStatus"], Value::Null);
    }
);

const ELIGIBLE: &str = r#"query($profile: ProfileInput!, $only: [Likelihood!]) {
  eligiblePrograms(profile: $profile, only: $only, first: 100) { totalCount edges { node {
    program { slug } result checks { criterion outcome reason requirement { kind description } } } } } }"#;

/// The results of an `ELIGIBLE` answer (one page holds them all).
fn eligible(data: &Value) -> Vec<Value> {
    let connection = &data["eligiblePrograms"];
    let nodes: Vec<Value> = connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no edges: {data}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(
        connection["totalCount"],
        nodes.len(),
        "one page holds them all"
    );
    nodes
}

backend_test!(
    eligibility_gives_likely_unlikely_and_unknown_with_reasons,
    seeded,
    |app| async move {
        let profile = json!({ "nationality": "IN", "age": 27, "highestDegree": "MASTER",
        "fieldOfStudy": "engineering", "yearsOfExperience": 3,
        "annualIncome": { "amount": "30000", "currency": "EUR" } });
        let data = app.data(ELIGIBLE, json!({ "profile": profile })).await;
        let all = eligible(&data);
        let of = |slug: &str| {
            all.iter()
                .find(|e| e["program"]["slug"] == slug)
                .unwrap_or_else(|| panic!("{slug} missing"))
        };
        assert_eq!(all.len(), 67);

        // Italy asks €28,000 a year: met, the rest is listed to check.
        let italy = of("italy-digital-nomad");
        assert_eq!(italy["result"], "LIKELY", "{italy:#}");
        let income = italy["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == "income")
            .unwrap();
        assert_eq!(income["outcome"], "MET");
        assert!(income["reason"].as_str().unwrap().contains("EUR 28000"));

        // Portugal asks €3,680 a month (€44,160 a year).
        let portugal = of("portugal-digital-nomad");
        assert_eq!(portugal["result"], "UNLIKELY");
        let income = portugal["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["criterion"] == "income")
            .unwrap();
        assert_eq!(income["outcome"], "NOT_MET");
        assert!(
            income["reason"].as_str().unwrap().contains("EUR 44160"),
            "{income:#}"
        );

        // The H-1B needs an employer: unknown until the profile says whether it has a job offer.
        assert_eq!(of("us-h1b")["result"], "UNKNOWN");
        let mut no_offer = profile.clone();
        no_offer["hasJobOffer"] = json!(false);
        let data = app.data(ELIGIBLE, json!({ "profile": no_offer })).await;
        let find = |slug: &str| {
            eligible(&data)
                .into_iter()
                .find(|e| e["program"]["slug"] == slug)
                .unwrap()
        };
        let h1b = find("us-h1b");
        assert_eq!(h1b["result"], "UNLIKELY");
        assert!(
            h1b["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| { c["criterion"] == "employerSponsorship" && c["outcome"] == "NOT_MET" })
        );
        // Without a job offer, a program whose sponsorship rule is unknown cannot be LIKELY.
        assert_eq!(find("italy-digital-nomad")["result"], "UNKNOWN");

        // The K visa's degree and age rules are words, not data: unknown, never a pass or a fail.
        let k = of("cn-k-visa");
        assert_eq!(k["result"], "UNKNOWN");
        assert!(k["checks"].as_array().unwrap().iter().any(|c| {
            c["criterion"] == "education"
                && c["outcome"] == "UNKNOWN"
                && c["reason"]
                    .as_str()
                    .unwrap()
                    .contains("not recorded as data")
        }));

        // LIKELY first; `only` filters.
        assert_eq!(all[0]["result"], "LIKELY");
        let likely = app
            .data(ELIGIBLE, json!({ "profile": profile, "only": ["LIKELY"] }))
            .await;
        assert!(eligible(&likely).iter().all(|e| e["result"] == "LIKELY"));

        // An income in another currency is not converted.
        let dollars = json!({ "annualIncome": { "amount": "100000", "currency": "USD" } });
        let data = app.data(ELIGIBLE, json!({ "profile": dollars })).await;
        let italy = eligible(&data)
            .into_iter()
            .find(|e| e["program"]["slug"] == "italy-digital-nomad")
            .unwrap();
        assert_eq!(italy["result"], "UNKNOWN");
        assert!(
            italy["checks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["reason"].as_str().unwrap().contains("not converted"))
        );

        let body = app
            .graphql(ELIGIBLE, json!({ "profile": { "nationality": "India" } }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "profile.nationality"
        );
        let body = app
            .graphql(
                ELIGIBLE,
                json!({ "profile": { "annualIncome": { "amount": "-1", "currency": "EUR" } } }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["field"],
            "profile.annualIncome.amount"
        );
    }
);

backend_test!(permalinks_cite_as_and_json_ld, seeded, |app| async move {
    let data = app
        .data(
            r#"{ program(slug: "cn-k-visa") { name version permalink citeAs
            fees { permalink citeAs } commentaries { permalink citeAs }
            facts { field permalink citeAs } policyEvents { permalink } } }"#,
            json!({}),
        )
        .await;
    let p = &data["program"];
    let permalink = p["permalink"].as_str().unwrap();
    assert_eq!(permalink, format!("{}/programs/cn-k-visa", app.base));
    let today = chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        p["citeAs"],
        format!(
            "visa-kb, '{}', revision {}, retrieved {today}, {permalink}",
            p["name"].as_str().unwrap(),
            p["version"]
        )
    );
    let fact = p["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "work_authorization")
        .unwrap();
    assert_eq!(fact["permalink"], format!("{permalink}#work_authorization"));

    let get = |url: String, accept: &'static str| {
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .header("Accept", accept)
                .send()
                .await
                .unwrap()
        }
    };
    let response = get(permalink.to_owned(), "application/ld+json").await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/ld+json")
    );
    let ld: Value = response.json().await.unwrap();
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "GovernmentService");
    assert_eq!(ld["@id"], permalink);
    assert_eq!(ld["alternateName"], "K字签证");
    assert!(!ld["citation"].as_array().unwrap().is_empty());
    assert!(
        ld["additionalProperty"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["propertyID"] == "workAuthorization"
                && p["value"] == "unconfirmed"
                && p["description"]
                    .as_str()
                    .is_some_and(|d| d.starts_with("UNCONFIRMED")))
    );

    let html = get(permalink.to_owned(), "text/html")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Cite this")
            && html.contains("<p>visa-kb, ")
            && html.contains("application/ld+json")
    );

    let commentary = p["commentaries"][0]["permalink"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(commentary.contains("/records/"));
    let ld: Value = get(commentary, "application/ld+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ld["@type"], "Quotation");
    assert!(ld["text"].is_string());
    // The speaker is named, and the title ends at a word.
    let speaker = ld["creator"]["name"].as_str().unwrap_or_default();
    assert!(!speaker.is_empty(), "{ld}");
    assert_eq!(ld["spokenByCharacter"], ld["creator"]);
    let title = ld["name"].as_str().unwrap();
    let body = ld["text"].as_str().unwrap();
    if let Some(head) = title.strip_suffix('…') {
        let rest = &body[head.len()..];
        assert!(
            body.starts_with(head) && rest.starts_with(char::is_whitespace),
            "{title}"
        );
    } else {
        assert_eq!(title, body);
    }
    // Dates at the precision their sources give: no invented days.
    let sources = app
        .data(
            "{ sources(first: 100) { nodes { url publishedOn { text } } } }",
            json!({}),
        )
        .await;
    let program_ld: Value = get(permalink.to_owned(), "application/ld+json")
        .await
        .json()
        .await
        .unwrap();
    let mut compared = 0;
    for cited in program_ld["citation"].as_array().unwrap() {
        let Some(url) = cited["url"].as_str() else {
            continue;
        };
        let source = sources["sources"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["url"] == url)
            .unwrap();
        assert_eq!(
            cited["datePublished"].as_str(),
            source["publishedOn"]["text"].as_str(),
            "{url}"
        );
        compared += 1;
    }
    assert!(compared > 0);
    let event = p["policyEvents"][0]["permalink"]
        .as_str()
        .unwrap()
        .to_owned();
    let ld: Value = get(event, "application/ld+json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ld["@type"], "Event");
    assert!(!ld["citation"].as_array().unwrap().is_empty());
    assert_eq!(ld["subjectOf"]["@id"], permalink);

    for missing in [
        "/programs/xx-nothing",
        "/records/garbage",
        "/records/UHJvZ3JhbTo5OTk5",
    ] {
        let response = get(format!("{}{missing}", app.base), "application/ld+json").await;
        assert_eq!(response.status().as_u16(), 404, "{missing}");
    }
});

const SEARCH: &str = r#"query($q: String!, $first: Int) { search(query: $q, first: $first) {
  totalCount edges { node { score field snippet node { __typename
    ... on Program { slug } ... on Source { title } ... on Requirement { kind } ... on Commentary { body } } } } } }"#;

fn hits(data: &Value) -> Vec<Value> {
    data["search"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

backend_test!(
    search_stems_folds_and_reads_chinese_and_japanese,
    seeded,
    |app| async move {
        // "sponsor" finds "sponsorship" and "sponsored", highlighted.
        let data = app
            .data(SEARCH, json!({ "q": "sponsor", "first": 50 }))
            .await;
        let found = hits(&data);
        assert!(found.iter().any(|h| {
            h["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>sponsorship</mark>")
        }));
        assert!(found.iter().any(|h| {
            h["snippet"]
                .as_str()
                .unwrap()
                .contains("<mark>sponsored</mark>")
        }));
        let scores: Vec<i64> = found.iter().map(|h| h["score"].as_i64().unwrap()).collect();
        let mut sorted = scores.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(scores, sorted, "ranked");

        // Chinese and Japanese local names.
        let data = app.data(SEARCH, json!({ "q": "K字签证" })).await;
        let first = &hits(&data)[0];
        assert_eq!(first["node"]["slug"], "cn-k-visa");
        assert_eq!(first["field"], "localName");
        assert!(
            first["snippet"].as_str().unwrap().contains("字签证</mark>"),
            "{first:#}"
        );
        let data = app.data(SEARCH, json!({ "q": "高度専門職" })).await;
        assert_eq!(
            hits(&data)[0]["node"]["slug"],
            "jp-highly-skilled-professional"
        );
        // The English name too, in any case and with or without accents.
        let data = app.data(SEARCH, json!({ "q": "k VISA" })).await;
        assert!(hits(&data).iter().any(|h| h["node"]["slug"] == "cn-k-visa"));
        let plain =
            app.data(SEARCH, json!({ "q": "residence" })).await["search"]["totalCount"].clone();
        let accented =
            app.data(SEARCH, json!({ "q": "RÉSIDENCE" })).await["search"]["totalCount"].clone();
        assert_eq!(plain, accented);
        assert!(plain.as_u64().unwrap() > 0);

        for bad in ["", "   ", "the and"] {
            let body = app.graphql(SEARCH, json!({ "q": bad })).await;
            assert_eq!(body["errors"][0]["extensions"]["field"], "query", "{bad:?}");
        }
    }
);

// A search's total comes with its hits (every match is grouped to rank them anyway): it is the
// same on every page, after any cursor and past the end, and it is the number of hits a client
// walking every page sees.
backend_test!(
    a_search_total_is_the_same_on_every_page,
    seeded,
    |app| async move {
        const PAGE: &str = r#"query($q: String!, $after: String) { search(query: $q, first: 3, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { node { score } } } }"#;
        let mut after = Value::Null;
        let mut walked = 0;
        let mut totals = Vec::new();
        loop {
            let page =
                app.data(PAGE, json!({ "q": "visa", "after": after })).await["search"].clone();
            totals.push(page["totalCount"].as_u64().unwrap());
            walked += page["edges"].as_array().unwrap().len() as u64;
            if page["pageInfo"]["hasNextPage"] != json!(true) {
                after = page["pageInfo"]["endCursor"].clone();
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert!(
            totals.len() > 2,
            "{totals:?}: the seed should give several pages"
        );
        assert!(
            totals.iter().all(|t| *t == walked),
            "{totals:?}, walked {walked}"
        );
        // Past the end: no hits, and still the total (counted by its own statement).
        let past = app.data(PAGE, json!({ "q": "visa", "after": after })).await["search"].clone();
        assert_eq!(past["edges"], json!([]));
        assert_eq!(past["totalCount"].as_u64().unwrap(), walked);
    }
);

// A one-word search is read along the index of its best-held term, with the few records of
// the other terms it begins summed whole: the same hits, in the same order and with the same
// total, as grouping every posting the word begins (written here in plain SQL over the index).
// `visas` begins four indexed terms in the seed (visa, visaguid, ...); `talent` one.
backend_test!(
    one_word_reads_its_postings_in_the_order_grouping_gives,
    seeded,
    |app| async move {
        use sea_orm::ConnectionTrait;
        for (word, stem, terms) in [("visas", "visa", 4), ("talent", "talent", 1)] {
            let db = app.db.connect().await;
            let sql =
                |text: String| sea_orm::Statement::from_string(db.get_database_backend(), text);
            let range = format!("term LIKE '{stem}%'");
            let named = db
                .query_all_raw(sql(format!("SELECT term FROM search_vocab WHERE {range}")))
                .await
                .unwrap();
            assert_eq!(named.len(), terms, "the indexed terms '{word}' begins");
            let grouped = db
                .query_all_raw(sql(format!(
                    "SELECT record_type, record_id, SUM(weight) AS score FROM search_term
                     WHERE {range} GROUP BY record_type, record_id
                     ORDER BY score DESC, record_type, record_id"
                )))
                .await
                .unwrap();
            let expected: Vec<(i64, String)> = grouped
                .iter()
                .map(|row| {
                    let kind: String = row.try_get("", "record_type").unwrap();
                    let id: i32 = row.try_get("", "record_id").unwrap();
                    let score: i64 = row.try_get::<i64>("", "score").unwrap();
                    let kind = api::kb::RecordKind::from_stored_name(&kind).unwrap();
                    (score, api::kb::global_id::encode(kind, id))
                })
                .collect();
            db.close().await.unwrap();
            assert!(
                expected.len() > 7,
                "'{word}' is in several pages of records"
            );

            let mut walked = Vec::new();
            let mut after = Value::Null;
            loop {
                let page = app
                    .data(
                        r#"query($q: String!, $after: String) { search(query: $q, first: 7, after: $after) {
                             totalCount pageInfo { hasNextPage endCursor }
                             edges { node { score node { ... on Program { id } ... on Requirement { id }
                               ... on Commentary { id } ... on Source { id } ... on Person { id } } } } } }"#,
                        json!({ "q": word, "after": after }),
                    )
                    .await["search"]
                    .clone();
                assert_eq!(page["totalCount"], json!(expected.len()), "'{word}'");
                for edge in page["edges"].as_array().unwrap() {
                    walked.push((
                        edge["node"]["score"].as_i64().unwrap(),
                        edge["node"]["node"]["id"].as_str().unwrap().to_owned(),
                    ));
                }
                if page["pageInfo"]["hasNextPage"] != json!(true) {
                    break;
                }
                after = page["pageInfo"]["endCursor"].clone();
            }
            assert_eq!(walked, expected, "'{word}'");
        }
    }
);

backend_test!(
    search_follows_edits_and_never_shows_drafts,
    empty,
    |app| async move {
        let token = app.editor().await;
        let created = app
        .data_as(&token, r#"mutation { createProgram(input: { slug: "zz-zephyr", name: "Zephyr researcher permit",
            country: "IS", category: RESEARCH, legalStatus: ANNOUNCED }) { id version } }"#, json!({}))
        .await["createProgram"]
        .clone();
        let count = |q: &'static str| async move {
            app.data(SEARCH, json!({ "q": q })).await["search"]["totalCount"]
                .as_u64()
                .unwrap()
        };
        assert_eq!(count("zephyr").await, 0, "a draft is not found");
        let published = app
        .data_as(&token, "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": created["id"], "v": created["version"] }))
        .await["publish"]
        .clone();
        assert_eq!(count("zephyr").await, 1);
        // A pending edit is not searchable until it is published.
        let edited = app
        .data_as(&token, "mutation($id: ID!, $v: Int!) { updateProgram(id: $id, expectedVersion: $v, input: { name: \"Aurora researcher permit\" }) { version } }",
            json!({ "id": created["id"], "v": published["version"] }))
        .await["updateProgram"]
        .clone();
        assert_eq!(count("aurora").await, 0);
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": created["id"], "v": edited["version"] }),
        )
        .await;
        assert_eq!(count("aurora").await, 1);
        assert_eq!(count("zephyr").await, 0);
        let current = app
            .data_as(
                &token,
                "query($id: ID!) { editorialRecord(id: $id) { version } }",
                json!({ "id": created["id"] }),
            )
            .await["editorialRecord"]["version"]
            .clone();
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": created["id"], "v": current }),
        )
        .await;
        assert_eq!(count("aurora").await, 0, "archived records are not found");
    }
);

// A citation is no stronger than its source: agency, news or law-firm pages are at most
// SECONDARY however official the fact they report; a social-media post is UNVERIFIED.
backend_test!(
    citations_carry_their_own_confidence,
    seeded,
    |app| async move {
        let data = app
        .data(
            "{ programs(first: 100) { nodes { slug citations { field confidence source { kind url } } } } }",
            json!({}),
        )
        .await;
        let mut checked = 0;
        for program in data["programs"]["nodes"].as_array().unwrap() {
            for citation in program["citations"].as_array().unwrap() {
                let kind = citation["source"]["kind"].as_str().unwrap_or_default();
                let allowed: &[&str] = match kind {
                    "OFFICIAL" | "LEGAL_TEXT" => &["OFFICIAL", "SECONDARY", "UNVERIFIED"],
                    "SOCIAL_MEDIA" => &["UNVERIFIED"],
                    _ => &["SECONDARY", "UNVERIFIED"],
                };
                if let Some(confidence) = citation["confidence"].as_str() {
                    assert!(
                        allowed.contains(&confidence),
                        "{} cites a {kind} source as {confidence}: {citation}",
                        program["slug"]
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "only {checked} citations checked");
    }
);

// A speaker's name finds the person (issue: "Stefanie Kam" found nothing).
backend_test!(search_finds_people, seeded, |app| async move {
    let data = app
        .data(
            r#"{ search(query: "Stefanie Kam") { edges { node { field node { __typename ... on Person { name affiliation } } } } } }"#,
            json!({}),
        )
        .await;
    let hits = data["search"]["edges"].as_array().unwrap();
    assert!(
        hits.iter()
            .any(|h| h["node"]["node"]["__typename"] == "Person"
                && h["node"]["node"]["name"] == "Stefanie Kam"
                && h["node"]["field"] == "name"),
        "{data}"
    );
});

// A value is KNOWN only where a cited official or secondary source supports it; conditional or
// mixed wording stays unknown (data/README).
backend_test!(values_show_what_backs_them, seeded, |app| async move {
    let data = app
        .data(
            r#"{ compare(slugs: ["us-h1b", "us-gold-card", "us-o1"]) { rows { attribute cells { program state value cited } } } }"#,
            json!({}),
        )
        .await;
    let state = |attribute: &str, program: &str| -> (String, Value) {
        let row = data["compare"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["attribute"] == attribute)
            .unwrap();
        let cell = row["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["program"] == program)
            .unwrap();
        (
            cell["state"].as_str().unwrap().to_owned(),
            cell["value"].clone(),
        )
    };
    // "usually multiple entry (reciprocity-dependent)", "Multiple (visa-dependent)".
    assert_eq!(state("entries", "us-h1b").0, "UNKNOWN");
    assert_eq!(state("entries", "us-o1").0, "UNKNOWN");
    // "No for individual card; corporate card is employer-paid".
    assert_eq!(state("employerSponsorship", "us-gold-card").0, "UNKNOWN");
    // "Yes (permanent resident)", from memory: shown, but not as known.
    assert_eq!(
        state("workAuthorization", "us-gold-card"),
        ("UNVERIFIED".to_owned(), json!("yes"))
    );
    // Every KNOWN cell but the country is cited.
    for row in data["compare"]["rows"].as_array().unwrap() {
        for cell in row["cells"].as_array().unwrap() {
            if cell["state"] == "KNOWN" && row["attribute"] != "country" {
                assert_eq!(cell["cited"], true, "{} {cell}", row["attribute"]);
            }
        }
    }
});

// GlobeNomad's values are all cited to its page, the maximum stay too, and its JSON-LD carries
// the attribution its licence asks for.
backend_test!(
    dataset_values_are_cited_with_attribution,
    seeded,
    |app| async move {
        let nomads = app
        .data(
            r#"{ programs(filter: {category: [DIGITAL_NOMAD]}, first: 100) { nodes { slug } } }"#,
            json!({}),
        )
        .await;
        let slugs: Vec<String> = nomads["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["slug"].as_str().unwrap().to_owned())
            .collect();
        assert!(slugs.len() > 20);
        let data = app
        .data(
            r#"query($slugs: [String!]!) { compare(slugs: $slugs) { rows { attribute cells { program value cited state } } } }"#,
            json!({ "slugs": slugs[..10] }),
        )
        .await;
        let stays = data["compare"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["attribute"] == "maxStay")
            .unwrap();
        let mut with_value = 0;
        for cell in stays["cells"].as_array().unwrap() {
            if !cell["value"].is_null() {
                assert_eq!(cell["cited"], true, "{cell}");
                assert_eq!(cell["state"], "KNOWN", "{cell}");
                with_value += 1;
            }
        }
        assert!(with_value > 0, "{stays}");
        let ld: Value = app
            .client
            .get(format!("{}/programs/{}", app.base, slugs[0]))
            .header("Accept", "application/ld+json")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let dataset = ld["citation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["license"].is_string())
            .unwrap_or_else(|| panic!("no licensed citation: {ld}"));
        assert!(
            dataset["creditText"]
                .as_str()
                .is_some_and(|t| t.contains("GlobeNomad")),
            "{dataset}"
        );
    }
);

// The $100,000 H-1B payment was proclaimed for 12 months from 2025-09-21 unless extended: past
// 2026-09-21, with no source saying it was extended, it is not shown as plainly in effect.
backend_test!(
    a_term_past_its_scheduled_end_is_unconfirmed,
    seeded,
    |app| async move {
        let fees = app
        .data(
            r#"{ program(slug: "us-h1b") { fees(current: true) { label term scheduledEndOn scheduledEndCondition } } }"#,
            json!({}),
        )
        .await;
        let payment = fees["program"]["fees"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| {
                f["label"]
                    .as_str()
                    .unwrap()
                    .starts_with("Proclamation payment")
            })
            .unwrap()
            .clone();
        assert_eq!(payment["scheduledEndOn"], "2026-09-21");
        assert_eq!(
            payment["scheduledEndCondition"],
            "12 months from 2025-09-21 unless extended"
        );
        let today = chrono::Utc::now().date_naive();
        let past = today > chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap();
        assert_eq!(
            payment["term"],
            if past {
                "PAST_SCHEDULED_END"
            } else {
                "IN_EFFECT"
            }
        );
        let fees_cell = |data: &Value| -> Value {
            data["compare"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["attribute"] == "currentFees")
                .unwrap()["cells"][0]
                .clone()
        };
        let now = app
            .data(COMPARE, json!({ "slugs": ["us-h1b", "cn-k-visa"] }))
            .await;
        let cell = fees_cell(&now);
        if past {
            assert_eq!(cell["state"], "UNCONFIRMED", "{cell}");
            assert!(
                cell["note"]
                    .as_str()
                    .unwrap()
                    .contains("scheduled to end on 2026-09-21"),
                "{cell}"
            );
        }
        // Within its term it was in effect, and known.
        let then = app
            .data(
                COMPARE,
                json!({ "slugs": ["us-h1b", "cn-k-visa"], "asOf": "2025-12-01" }),
            )
            .await;
        assert_eq!(fees_cell(&then)["state"], "KNOWN", "{}", fees_cell(&then));
    }
);

const ELIGIBLE_PAGE: &str = r#"query($profile: ProfileInput!, $first: Int, $after: String, $last: Int, $before: String) {
  eligiblePrograms(profile: $profile, first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { program { slug } result } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;

backend_test!(
    eligibility_is_a_paged_connection_in_its_ranking_order,
    seeded,
    |app| async move {
        let profile = json!({ "nationality": "IN", "age": 27, "highestDegree": "MASTER",
        "fieldOfStudy": "engineering", "yearsOfExperience": 3,
        "annualIncome": { "amount": "30000", "currency": "EUR" } });
        let all = eligible(
            &app.data(ELIGIBLE, json!({ "profile": profile.clone() }))
                .await,
        );
        let slugs = |nodes: &[Value]| -> Vec<String> {
            nodes
                .iter()
                .map(|n| n["program"]["slug"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        // LIKELY first, then UNKNOWN, then UNLIKELY; the first and another are there.
        let rank = |r: &Value| match r.as_str() {
            Some("LIKELY") => 0,
            Some("UNKNOWN") => 1,
            _ => 2,
        };
        let ranks: Vec<i32> = all.iter().map(|n| rank(&n["result"])).collect();
        assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
        assert!(
            ranks.first() == Some(&0) && ranks.last() != Some(&0),
            "{ranks:?}"
        );

        // Forward by pages of 10: the same programs in the same order.
        let mut paged = Vec::new();
        let mut after = Value::Null;
        loop {
            let vars = json!({ "profile": profile.clone(), "first": 10, "after": after });
            let page = app.data(ELIGIBLE_PAGE, vars).await["eligiblePrograms"].clone();
            assert_eq!(page["totalCount"], all.len());
            let edges = page["edges"].as_array().cloned().unwrap_or_default();
            assert!(edges.len() <= 10);
            paged.extend(edges.iter().map(|e| e["node"].clone()));
            assert_eq!(page["pageInfo"]["hasPreviousPage"], !after.is_null());
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(slugs(&paged), slugs(&all));

        // Backward from the end: the last 5, then the 5 before them.
        let vars = json!({ "profile": profile.clone(), "last": 5 });
        let tail = app.data(ELIGIBLE_PAGE, vars).await["eligiblePrograms"].clone();
        let tail_nodes: Vec<Value> = tail["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        assert_eq!(slugs(&tail_nodes), slugs(&all[all.len() - 5..]));
        let vars = json!({ "profile": profile.clone(), "last": 5, "before": tail["pageInfo"]["startCursor"] });
        let before = app.data(ELIGIBLE_PAGE, vars).await["eligiblePrograms"].clone();
        let before_nodes: Vec<Value> = before["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"].clone())
            .collect();
        assert_eq!(
            slugs(&before_nodes),
            slugs(&all[all.len() - 10..all.len() - 5])
        );

        // A cursor of another list is refused with the argument named.
        let other = app
            .data(
                "{ programs(first: 1) { pageInfo { endCursor } } }",
                json!({}),
            )
            .await["programs"]["pageInfo"]["endCursor"]
            .clone();
        let body = app
            .graphql(
                ELIGIBLE_PAGE,
                json!({ "profile": profile, "first": 5, "after": other }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{body}"
        );
        assert_eq!(body["errors"][0]["extensions"]["field"], "after", "{body}");
    }
);
