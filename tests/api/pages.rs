//! The web pages journalists read: a program's fact sheet at its permalink, and the HTML 404.

use crate::common;

use reqwest::header::{ACCEPT, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use serde_json::{Value, json};
use std::collections::BTreeSet;

async fn page(app: &common::TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

/// Each path gets a 400 page that says what is wrong.
async fn refused(app: &common::TestApp, cases: &[(&str, &str)]) {
    for (path, says) in cases {
        let (status, _, html) = page(app, path).await;
        assert_eq!(status, 400, "{path}");
        assert!(html.contains(says), "{path}: {html}");
    }
}

/// The values of `attribute="…"` in `html`.
fn attribute_values(html: &str, attribute: &str) -> BTreeSet<String> {
    let open = format!("{attribute}=\"");
    html.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The table row (or element) whose id is `id`, up to its end.
fn row<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<tr id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no row #{id}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

backend_test!(
    a_program_sheet_shows_its_facts_with_state_and_sources,
    seeded,
    |app| async move {
        let (status, headers, html) = page(app, "/programs/cn-k-visa").await;
        assert_eq!(status, 200, "{html}");
        assert!(
            headers[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        let policy = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(policy.starts_with("default-src 'none'") && !policy.contains("unsafe-inline"));

        // A page a phone, a search engine and a link preview can read.
        let link = format!("{}/programs/cn-k-visa", app.base);
        assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">"));
        assert!(html.contains("name=\"viewport\" content=\"width=device-width, initial-scale=1\""));
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{link}\">")));
        assert!(html.contains("<meta property=\"og:title\" content=\"K visa\">"));
        assert!(html.contains("<meta name=\"twitter:card\""));
        assert!(html.contains("@media print"));

        // The K visa: no sponsorship, known and cited; work authorization unconfirmed.
        let sponsorship = row(&html, "employer_sponsorship");
        assert!(sponsorship.contains("<strong>no</strong>"), "{sponsorship}");
        assert!(sponsorship.contains("state known") && sponsorship.contains("href=\"#note-"));
        let work = row(&html, "work_authorization");
        assert!(
            work.contains("<span class=\"state unconfirmed\">unconfirmed</span>"),
            "{work}"
        );
        assert!(work.contains("href=\"#note-"), "{work}");

        // Every footnote mark leads to a note, and every note is marked somewhere.
        let marks: BTreeSet<String> = attribute_values(&html, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix('#').map(str::to_owned))
            .filter(|h| h.starts_with("note-"))
            .collect();
        let ids = attribute_values(&html, "id");
        let notes: BTreeSet<String> = ids
            .iter()
            .filter(|i| i.starts_with("note-"))
            .cloned()
            .collect();
        assert!(!marks.is_empty());
        assert_eq!(marks, notes);

        // Each fact's permalink (GraphQL's `Fact.permalink`) points at its row on this page.
        let data = app
            .data(
                r#"{ program(slug: "cn-k-visa") { facts { permalink } } }"#,
                json!({}),
            )
            .await;
        let facts = data["program"]["facts"].as_array().unwrap();
        assert!(!facts.is_empty());
        for fact in facts {
            let permalink = fact["permalink"].as_str().unwrap();
            let (page_link, anchor) = permalink.split_once('#').unwrap();
            assert_eq!(page_link, link);
            assert!(
                ids.contains(anchor),
                "{permalink} names nothing on the page"
            );
        }

        // The sheet's sections, and the same JSON-LD the permalink serves to machines.
        for heading in [
            "Facts",
            "Fees",
            "Requirements",
            "Timeline",
            "Commentary",
            "Sources",
            "Cite this",
        ] {
            assert!(html.contains(&format!("\">{heading}</h2>")), "{heading}");
        }
        assert!(html.contains("@misc{visa-kb-cn-k-visa,"));
        let start = html.find("<script type=\"application/ld+json\">").unwrap();
        let script = &html[start + 35..];
        let embedded: Value =
            serde_json::from_str(&script[..script.find("</script>").unwrap()]).unwrap();
        let served: Value = app
            .client
            .get(format!("{link}?format=jsonld"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        // One read of the sheet makes both, so they are the same document.
        assert_eq!(embedded, served);
    }
);

backend_test!(fees_are_drawn_over_time, seeded, |app| async move {
    let (status, _, html) = page(app, "/programs/us-h1b").await;
    assert_eq!(status, 200);
    let chart = &html[html.find("<svg role=\"img\"").expect("a fee chart")..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert!(
        chart.contains("<title id=\"chart-title-1\">Fees in USD"),
        "{chart}"
    );
    assert!(chart.contains("100000 USD"), "{chart}");

    // A fee in another currency gets a chart of its own after the first: amounts in two
    // currencies are never drawn on one scale.
    let token = app.editor().await;
    let program = app
        .data(r#"{ program(slug: "us-h1b") { id } }"#, json!({}))
        .await;
    let created = app
        .data_as(
            &token,
            "mutation($i: FeeInput!) { createFee(input: $i) { id } }",
            json!({ "i": {
                "programId": program["program"]["id"],
                "label": "Test fee in euros",
                "amount": "250",
                "currency": "EUR",
                "effectiveFrom": "2024-01-01",
            } }),
        )
        .await;
    app.data_as(
        &token,
        "mutation($id: ID!) { publish(id: $id, expectedVersion: 1) { state } }",
        json!({ "id": created["createFee"]["id"] }),
    )
    .await;
    let (_, _, html) = page(app, "/programs/us-h1b").await;
    let titles: Vec<&str> = html
        .match_indices("<title id=\"chart-title-")
        .map(|(at, _)| &html[at..at + 40])
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].contains("Fees in USD"), "{titles:?}");
    assert!(titles[1].contains("Fees in EUR"), "{titles:?}");
});

backend_test!(
    a_source_is_one_note_with_each_passage_cited,
    seeded,
    |app| async move {
        // The H-1B's facts cite some sources several times.
        let (_, _, html) = page(app, "/programs/us-h1b").await;
        let notes: Vec<&str> = html
            .split("<li id=\"note-")
            .skip(1)
            .map(|rest| &rest[..rest.find("</li>").unwrap()])
            .collect();
        assert!(notes.len() > 1, "{html}");
        let mut sources = BTreeSet::new();
        for note in &notes {
            let cite = &note[note.find("<cite").unwrap()..note.find("</cite>").unwrap()];
            assert!(sources.insert(cite.to_owned()), "{cite} is listed twice");
        }
        // More marks than notes: a source several facts cite is one note they all point to.
        let marks = html.matches("href=\"#note-").count();
        assert!(
            marks > notes.len(),
            "{marks} marks for {} notes",
            notes.len()
        );
    }
);

backend_test!(browsers_get_an_html_404, seeded, |app| async move {
    for path in [
        "/programs/no-such-program",
        "/programs/Not%20A%20Slug",
        "/records/nothing",
    ] {
        let (status, headers, html) = page(app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            headers[CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(html.contains("<h1>Nothing published here</h1>"), "{path}");
    }
    // Machines still get JSON.
    let response = app
        .client
        .get(format!("{}/programs/no-such-program", app.base))
        .header(ACCEPT, "application/ld+json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].is_string());
});

backend_test!(
    compare_shows_each_cell_with_its_state_and_notes,
    seeded,
    |app| async move {
        let (status, _, html) = page(app, "/compare?programs=cn-k-visa,us-h1b").await;
        assert_eq!(status, 200, "{html}");
        let start = html
            .find("<th scope=\"row\">Employer sponsorship</th>")
            .unwrap();
        let row = &html[start..];
        let row = &row[..row.find("</tr>").unwrap()];
        let cells: Vec<&str> = row.split("<td>").skip(1).collect();
        assert_eq!(cells.len(), 2, "{row}");
        assert!(cells[0].contains("<strong>no</strong>") && cells[0].contains("href=\"#note-"));
        assert!(cells[1].contains("<strong>yes</strong>") && cells[1].contains("href=\"#note-"));
        let marks: BTreeSet<String> = attribute_values(&html, "href")
            .into_iter()
            .filter_map(|h| h.strip_prefix("#note-").map(str::to_owned))
            .collect();
        let notes: BTreeSet<String> = attribute_values(&html, "id")
            .into_iter()
            .filter_map(|h| h.strip_prefix("note-").map(str::to_owned))
            .collect();
        assert!(!marks.is_empty());
        assert_eq!(marks, notes);
        // Links to each program's sheet, and the form to change the question.
        assert!(html.contains(&format!("<a href=\"{}/programs/us-h1b\">", app.base)));
        assert!(html.contains("<form method=\"get\" action=\"/compare\">"));

        // A date of the reader's choosing: before the K visa came into force.
        let (status, _, before) =
            page(app, "/compare?programs=cn-k-visa,us-h1b&asOf=2025-01-01").await;
        assert_eq!(status, 200);
        assert!(before.contains("as they stood on 2025-01-01"));
        assert_ne!(before, html);
    }
);

backend_test!(
    a_bad_comparison_says_what_is_wrong,
    seeded,
    |app| async move {
        let (status, _, form) = page(app, "/compare").await;
        assert_eq!(status, 200);
        assert!(form.contains("<form") && !form.contains("<table class=\"compare\">"));
        for (path, code, says) in [
            (
                "/compare?programs=cn-k-visa",
                400,
                "compare 2 to 10 programs",
            ),
            ("/compare?programs=cn-k-visa,cn-k-visa", 400, "listed twice"),
            (
                "/compare?programs=cn-k-visa,us-h1b&asOf=2025-13-01",
                400,
                "is not a date",
            ),
            (
                "/compare?programs=cn-k-visa,no-such-program",
                404,
                "no program with slug `no-such-program`",
            ),
        ] {
            let (status, _, html) = page(app, path).await;
            assert_eq!(status, code, "{path}");
            assert!(html.contains(says), "{path}: {html}");
        }
    }
);

/// The sheets an index page links to, in order, and its link to the next page.
fn listed(html: &str, base: &str) -> (Vec<String>, Option<String>) {
    let prefix = format!("{base}/programs/");
    let programs = html
        .split("<td><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|link| link.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    let next = html
        .split("<a href=\"")
        .skip(1)
        .find(|rest| rest.contains("\" rel=\"next\""))
        .and_then(|rest| rest.split('"').next())
        .map(|link| link.replace("&amp;", "&"));
    (programs, next)
}

/// The number of matching programs an index page says it has.
fn shown_total(html: &str) -> usize {
    html.split("<p>")
        .nth(1)
        .and_then(|p| p.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap()
}

backend_test!(
    the_programs_index_filters_and_pages,
    seeded,
    |app| async move {
        let (status, _, first) = page(app, "/programs").await;
        assert_eq!(status, 200);
        let (one, next) = listed(&first, &app.base);
        assert_eq!(one.len(), 50);
        let next = next.expect("a next page");
        let (status, _, second) = page(app, &next).await;
        assert_eq!(status, 200);
        let (two, _) = listed(&second, &app.base);
        assert!(!two.is_empty());
        assert!(one.iter().all(|s| !two.contains(s)), "pages overlap");
        let total = shown_total(&first);
        assert_eq!(one.len() + two.len(), total.min(100));

        // Filtered by words, the first page counts its matches in its own read: the same total
        // as the programs listed over every page, and as a page after a cursor shows.
        let mut at = "/programs?text=visa".to_owned();
        let (mut walked, mut totals) = (0, Vec::new());
        loop {
            let (status, _, html) = page(app, &at).await;
            assert_eq!(status, 200);
            totals.push(shown_total(&html));
            let (programs, next) = listed(&html, &app.base);
            walked += programs.len();
            match next {
                Some(next) => at = next,
                None => break,
            }
        }
        assert!(walked > 0);
        assert!(totals.iter().all(|t| *t == walked), "{totals:?}, {walked}");

        // The exports' filters, as a form: China's programs, the K visa among them.
        let (_, _, china) = page(app, "/programs?country=CN&category=").await;
        let (programs, next) = listed(&china, &app.base);
        assert!(programs.contains(&"cn-k-visa".to_owned()), "{programs:?}");
        assert!(
            programs.iter().all(|s| s.starts_with("cn-")),
            "{programs:?}"
        );
        assert!(next.is_none());
        assert!(china.contains("href=\"/export/programs.csv?country=CN\""));
        let (_, _, none) = page(
            app,
            "/programs?employer_sponsorship=no&work_authorization=unconfirmed",
        )
        .await;
        let (programs, _) = listed(&none, &app.base);
        assert!(programs.contains(&"cn-k-visa".to_owned()), "{programs:?}");
        assert!(!programs.contains(&"us-h1b".to_owned()));

        refused(
            app,
            &[
                ("/programs?category=nope", "`nope` is not a valid category"),
                ("/programs?colour=red", "unknown filter `colour`"),
                ("/programs?after=garbage", "not a cursor"),
            ],
        )
        .await;
    }
);

backend_test!(
    the_timeline_lists_events_with_their_sources,
    seeded,
    |app| async move {
        let (status, _, all) = page(app, "/timeline").await;
        assert_eq!(status, 200);
        let (_, _, china) = page(app, "/timeline?country=CN").await;
        let events = |html: &str| html.matches("<li><time>").count();
        assert!(events(&china) > 0 && events(&china) <= events(&all));
        // The K visa's coming into force, linked to its sheet, with its sources as notes.
        let (_, _, in_force) = page(app, "/timeline?country=CN&kind=in_force").await;
        assert!(
            in_force.contains("<time>2025-10-01</time> · in force"),
            "{in_force}"
        );
        assert!(in_force.contains(&format!(
            "<a href=\"{}/programs/cn-k-visa\">K visa</a>",
            app.base
        )));
        let marks = attribute_values(&in_force, "href")
            .into_iter()
            .filter(|h| h.starts_with("#note-"))
            .count();
        assert!(marks > 0 && in_force.contains("<li id=\"note-1\">"));
        // Newest first.
        let dates: Vec<&str> = all
            .split("<li><time>")
            .skip(1)
            .filter_map(|rest| rest.split('<').next())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted);

        refused(
            app,
            &[
                ("/timeline?kind=nope", "`nope` is not a kind of event"),
                (
                    "/timeline?from=2026-01-01&to=2025-01-01",
                    "must not be before `from`",
                ),
                (
                    "/timeline?country=China",
                    "is not an ISO 3166-1 alpha-2 code",
                ),
                ("/timeline?from=yesterday", "is not a date"),
            ],
        )
        .await;
    }
);

backend_test!(
    what_changed_lists_public_changes_with_their_fields,
    seeded,
    |app| async move {
        let (status, _, all) = page(app, "/changes").await;
        assert_eq!(status, 200, "{all}");
        // The feed of the same changes is linked for feed readers.
        assert!(all.contains("<link rel=\"alternate\" type=\"application/atom+xml\""));
        assert!(all.contains("href=\"/feed.atom\""));
        assert!(
            all.contains("rel=\"next\""),
            "the seed makes more than a page of changes"
        );
        // The seed's programs are new, each linked to its sheet.
        let (_, _, programs) = page(app, "/changes?type=program").await;
        assert!(programs.contains(&format!(
            "<span class=\"new\">new</span>: <a href=\"{}/programs/",
            app.base
        )));

        // An editor renames the K visa: the change says what changed, and leads the list.
        let token = app.editor().await;
        let found = app
            .data_as(
                &token,
                r#"{ program(slug: "cn-k-visa") { id version } }"#,
                json!({}),
            )
            .await;
        let (id, version) = (
            found["program"]["id"].clone(),
            found["program"]["version"].clone(),
        );
        let saved = app
            .data_as(
                &token,
                "mutation($id: ID!, $v: Int!) { updateProgram(id: $id, expectedVersion: $v, input: { localName: \"K字签证 (renamed)\" }) { version } }",
                json!({ "id": id, "v": version }),
            )
            .await;
        let version = saved["updateProgram"]["version"].clone();
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": id, "v": version }),
        )
        .await;
        let (status, _, programs) = page(app, "/changes?since=2000-01-01&type=program").await;
        assert_eq!(status, 200, "{programs}");
        let first = programs
            .split("<li><time")
            .nth(1)
            .expect("a change")
            .split("</li>")
            .next()
            .unwrap_or_default();
        assert!(first.contains("program updated"), "{first}");
        assert!(first.contains(">K visa</a>"), "{first}");
        assert!(first.contains("<ins>K字签证 (renamed)</ins>"), "{first}");
        assert!(programs.contains(" changes since 2000-01-01.</p>"));
        assert!(programs.contains("href=\"/feed.atom?since=2000-01-01T00:00:00Z\""));
        // Only programs.
        assert!(!programs.contains("· fee "), "{programs}");

        refused(
            app,
            &[
                ("/changes?since=last-week", "is not a date"),
                (
                    "/changes?type=spaceship",
                    "`spaceship` is not a kind of record",
                ),
                ("/changes?sort=new", "unknown filter `sort`"),
                ("/changes?after=not-a-cursor", "`not-a-cursor`"),
            ],
        )
        .await;
    }
);

backend_test!(
    search_results_link_each_record_with_its_passage,
    seeded,
    |app| async move {
        let (status, _, form) = page(app, "/search").await;
        assert_eq!(status, 200);
        assert!(form.contains("role=\"search\"") && !form.contains("class=\"hits\""));

        let (status, _, html) = page(app, "/search?q=k+visa").await;
        assert_eq!(status, 200, "{html}");
        assert!(
            html.contains(&format!(
                "program: <a href=\"{}/programs/cn-k-visa\">K visa</a>",
                app.base
            )),
            "{html}"
        );
        assert!(html.contains("<mark>"), "{html}");
        assert!(html.contains("published records match every word."));
        // The passage is escaped text with marks, never markup of the record's.
        let (_, _, escaped) = page(app, "/search?q=%3Cscript%3E+visa").await;
        assert!(!escaped.contains("<script>"), "{escaped}");

        let (status, _, none) = page(app, "/search?q=zzzyxq").await;
        assert_eq!(status, 200);
        assert!(none.contains("No published record matches every word."));

        let long = format!("/search?q={}", "a".repeat(201));
        refused(
            app,
            &[
                ("/search?q=%21%21%21", "the query has no words"),
                (&long, "at most 200 characters"),
                ("/search?q=visa&page=2", "unknown parameter `page`"),
            ],
        )
        .await;
    }
);

backend_test!(
    a_sheet_offers_its_citation_as_ris_and_csl_json,
    seeded,
    |app| async move {
        let (_, _, sheet) = page(app, "/programs/cn-k-visa").await;
        let link = format!("{}/programs/cn-k-visa", app.base);
        assert!(sheet.contains(&format!("<a href=\"{link}/cite.ris\" download>RIS</a>")));
        assert!(sheet.contains("@misc{visa-kb-cn-k-visa,"));

        let ris = app
            .client
            .get(format!("{link}/cite.ris"))
            .send()
            .await
            .unwrap();
        assert_eq!(ris.status(), 200);
        assert_eq!(
            ris.headers()[CONTENT_TYPE],
            "application/x-research-info-systems"
        );
        assert_eq!(
            ris.headers()["content-disposition"],
            "attachment; filename=\"visa-kb-cn-k-visa.ris\""
        );
        let text = ris.text().await.unwrap();
        assert!(text.starts_with("TY  - ELEC\r\nTI  - K visa\r\n"), "{text}");
        assert!(text.contains(&format!("\r\nUR  - {link}\r\n")), "{text}");

        let csl: Value = app
            .client
            .get(format!("{link}/cite.csl.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(csl[0]["type"], "webpage");
        assert_eq!(csl[0]["title"], "K visa");
        assert_eq!(csl[0]["URL"], link);
        assert_eq!(csl[0]["author"][0]["literal"], "visa-kb");

        let missing = app
            .client
            .get(format!("{}/programs/no-such-program/cite.ris", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
    }
);

backend_test!(
    a_withdrawn_program_is_gone_and_a_draft_is_not_found,
    seeded,
    |app| async move {
        let token = app.editor().await;
        let found = app
            .data_as(
                &token,
                r#"{ program(slug: "cn-k-visa") { id version } }"#,
                json!({}),
            )
            .await;
        app.data_as(
            &token,
            "mutation($id: ID!, $v: Int!) { archive(id: $id, expectedVersion: $v) { version } }",
            json!({ "id": found["program"]["id"], "v": found["program"]["version"] }),
        )
        .await;
        let (status, _, html) = page(app, "/programs/cn-k-visa").await;
        assert_eq!(status, 410, "{html}");
        assert!(html.contains("<h1>Withdrawn</h1>"), "{html}");
        assert!(!html.contains("K visa"), "{html}");
        let response = app
            .client
            .get(format!("{}/programs/cn-k-visa", app.base))
            .header(ACCEPT, "application/ld+json")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 410);
        let cite = app
            .client
            .get(format!("{}/programs/cn-k-visa/cite.ris", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(cite.status(), 410);

        // A program never published is nothing to readers, as if it did not exist.
        app.data_as(
            &token,
            r#"mutation { createProgram(input: { slug: "nz-draft-visa", name: "Draft visa",
                country: "NZ", category: TALENT, legalStatus: ANNOUNCED }) { id } }"#,
            json!({}),
        )
        .await;
        let (status, _, html) = page(app, "/programs/nz-draft-visa").await;
        assert_eq!(status, 404, "{html}");
        assert!(!html.contains("Draft visa"));
    }
);

backend_test!(
    a_record_page_shows_what_it_says_and_its_sources,
    seeded,
    |app| async move {
        let fees = app
            .data(
                r#"{ program(slug: "us-h1b") { fees { id label } } }"#,
                json!({}),
            )
            .await;
        let fee = &fees["program"]["fees"][0];
        let path = format!("/records/{}", fee["id"].as_str().unwrap());
        let (status, headers, html) = page(app, &path).await;
        assert_eq!(status, 200, "{html}");
        assert!(headers["vary"].to_str().unwrap().starts_with("Accept"));
        let label = fee["label"].as_str().unwrap();
        assert!(
            html.contains(&format!("<h1>{}</h1>", label.replace('&', "&amp;"))),
            "{html}"
        );
        assert!(html.contains("fee of <a href=\""), "{html}");
        assert!(html.contains("<th scope=\"row\">Amount</th>"), "{html}");
        assert!(html.contains("<h2 id=\"sources\">Sources</h2>"));
        assert!(html.contains("<script type=\"application/ld+json\">"));
        assert!(html.contains("<h2 id=\"cite\">Cite this</h2>"));
        // Machines still get the JSON-LD.
        let ld = app.get_json(&path).await;
        assert_eq!(ld["@type"], "PriceSpecification");
    }
);
