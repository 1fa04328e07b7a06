//! No N+1: the statements a page of programs costs do not grow with the page size.

use serde_json::json;
use std::sync::atomic::Ordering;

const EVERYTHING: &str = r#"query($first: Int, $filter: ProgramFilter) { programs(first: $first, filter: $filter) { nodes {
    slug name
    requirements { kind description citations { excerpt source { title url } } }
    fees { label amount { amount currency } citations { source { title } } }
    facts { field wording confidence citations { source { title } } }
    citations { field source { title publisher } }
    commentaries { body person { name } source { title } programs { slug } citations { source { title } } }
    policyEvents { title date { text } program { slug } citations { source { title } } }
} } }"#;

backend_test!(
    nested_lists_are_batched,
    seeded_batching,
    |app| async move {
        let count = |variables: serde_json::Value, expected: usize| async move {
            let before = app.statements.load(Ordering::SeqCst);
            let log_start = app.statement_log.lock().unwrap().len();
            let data = app.data(EVERYTHING, variables).await;
            let log: Vec<String> = app.statement_log.lock().unwrap()[log_start..]
                .iter()
                .map(|s| s.chars().take(60).collect())
                .collect();
            let nodes = data["programs"]["nodes"].as_array().unwrap();
            assert_eq!(nodes.len(), expected);
            // Both pages hold programs with every kind of nested record (commentary, events...).
            assert!(
                nodes.iter().any(|n| n["slug"] == "cn-k-visa")
                    && nodes.iter().any(|n| n["slug"] == "us-h1b")
            );
            (app.statements.load(Ordering::SeqCst) - before, log)
        };
        // One page query, then one statement per kind of nested list and level: requirements,
        // fees, facts, events, commentary (links + rows), people, programs of commentary (links +
        // rows), programs of events, citations with their sources (per kind of record, possibly in a
        // few batches as siblings finish at different times) and commentary sources. None of it
        // depends on how many programs the page holds.
        const BOUND: usize = 22;
        let (small, small_log) =
            count(json!({"first": 50, "filter": {"country": ["CN", "US"]}}), 5).await;
        assert!(
            small <= BOUND,
            "5 programs took {small} statements: {small_log:#?}"
        );
        let (large, large_log) = count(json!({"first": 50}), 50).await;
        assert!(
            large <= BOUND,
            "50 programs took {large} statements: {large_log:#?}"
        );
    }
);

// A page in any of the indexed orders reads its rows from an index in that order, instead of
// sorting every published program. The API orders text by byte (`COLLATE "C"` on PostgreSQL),
// and an index with another collation cannot serve that: this checks the real page statement
// against the real migrations, with the planner told to avoid full scans where it can.
backend_test!(
    program_pages_read_an_index_in_their_order,
    seeded,
    |app| async move {
        use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
        let db = app.db.connect().await;
        let backend = db.get_database_backend();
        for (field, direction) in [
            ("NAME", "ASC"),
            ("NAME", "DESC"),
            ("COUNTRY", "ASC"),
            ("UPDATED_AT", "DESC"),
        ] {
            let log_start = app.statement_log.lock().unwrap().len();
            let query = format!(
                "{{ programs(first: 5, orderBy: {{field: {field}, direction: {direction}}}) {{ nodes {{ slug }} }} }}"
            );
            app.data(&query, json!({})).await;
            let page = app.statement_log.lock().unwrap()[log_start..]
                .iter()
                .find(|sql| sql.contains("FROM \"program\"") && sql.contains("ORDER BY"))
                .cloned()
                .expect("the page statement");
            // The page's one parameter is the limit (one more than the page); the state is a literal.
            let (sql, plan_column, explain) = match backend {
                sea_orm::DbBackend::Postgres => (page.replace("$1", "6"), "QUERY PLAN", "EXPLAIN"),
                _ => (page.replacen('?', "6", 1), "detail", "EXPLAIN QUERY PLAN"),
            };
            let txn = db.begin().await.unwrap();
            if backend == sea_orm::DbBackend::Postgres {
                txn.execute_unprepared("SET LOCAL enable_seqscan = off")
                    .await
                    .unwrap();
            }
            let rows = txn
                .query_all_raw(Statement::from_string(backend, format!("{explain} {sql}")))
                .await
                .unwrap();
            let plan: Vec<String> = rows
                .iter()
                .map(|row| row.try_get::<String>("", plan_column).unwrap())
                .collect();
            txn.rollback().await.unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains("idx_program_")
                    && !plan.contains("Sort")
                    && !plan.contains("TEMP B-TREE"),
                "{field} {direction} is not read from an index in its order:\n{plan}"
            );
        }
    }
);

// On PostgreSQL the text filter, a word anywhere in three columns (`LIKE '%word%'`), is served
// by the trigram index of migration 14 (the three columns' words in one string) instead of a
// read of every program: checked on the real page statement against the real migrations.
// (SQLite reads its small table.)
backend_test!(the_text_filter_reads_its_index, seeded, |app| async move {
    use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
    let db = app.db.connect().await;
    if db.get_database_backend() != sea_orm::DbBackend::Postgres {
        return;
    }
    let log_start = app.statement_log.lock().unwrap().len();
    let data = app
        .data(
            r#"{ programs(filter: {text: "visa"}) { totalCount nodes { slug } } }"#,
            json!({}),
        )
        .await;
    assert!(
        data["programs"]["totalCount"].as_i64().unwrap() > 0,
        "{data}"
    );
    // A first page filtered by words counts its matches in its own read, a window: the page
    // reads every match anyway (`ProgramQuery::narrows_by_words`), so no second scan counts them.
    let page = app.statement_log.lock().unwrap()[log_start..]
        .iter()
        .find(|sql| sql.contains("COUNT(*) OVER ()") && sql.contains("LIKE"))
        .cloned()
        .expect("the page statement with its count");
    // Its parameters, in order: the pattern on the words (the generated column of the index;
    // a text without a line feed needs no other condition), the page's size. (The state is a
    // literal: `kb::visibility`.)
    let values = ["'%visa%'", "21"];
    assert!(
        page.contains("$2") && !page.contains("$3") && !page.contains("SELECT COUNT(*)"),
        "parameters: {page}"
    );
    let mut sql = page;
    for (n, value) in values.iter().enumerate().rev() {
        sql = sql.replace(&format!("${}", n + 1), value);
    }
    // The planner reads a table of a few dozen rows whole, index or not: inside a transaction
    // that is rolled back, the table gets a hundred programs that do not match for each that
    // does, as a real catalogue has, and fresh statistics.
    let txn = db.begin().await.unwrap();
    // Every column but the generated ones, which PostgreSQL computes.
    let columns = txn
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS c
             FROM information_schema.columns
             WHERE table_name = 'program' AND is_generated = 'NEVER'",
        ))
        .await
        .unwrap()
        .and_then(|row| row.try_get::<String>("", "c").ok())
        .unwrap();
    txn.execute_unprepared(&format!(
        "INSERT INTO program ({columns}) SELECT {columns} FROM (
           SELECT (jsonb_populate_record(NULL::program, to_jsonb(p)
             || jsonb_build_object('id', p.id + 100000 * g, 'slug', p.slug || '-' || g,
                  'name', 'Filler ' || g, 'sort_name', 'filler ' || g || ' ' || p.id,
                  'local_name', NULL, 'summary', 'Filler'))).*
           FROM program p, generate_series(1, 100) g) filler"
    ))
    .await
    .unwrap();
    txn.execute_unprepared("ANALYZE program").await.unwrap();
    let rows = txn
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            format!("EXPLAIN {sql}"),
        ))
        .await
        .unwrap();
    let plan: Vec<String> = rows
        .iter()
        .map(|row| row.try_get::<String>("", "QUERY PLAN").unwrap())
        .collect();
    txn.rollback().await.unwrap();
    let plan = plan.join("\n");
    assert!(
        plan.contains("idx_program_words_trgm"),
        "the text filter does not use its index:\n{plan}"
    );
});

// A comparison reads every compared program's sheet together: the statements do not grow with
// the number of programs. Five, besides the response cache's content version where the
// listener cannot vouch for it (SQLite): the programs by slug with their facts, their
// requirements, fees and events, and every citation of any of them with its source. The
// answer's `citations { source }` reads nothing more: those sources are already loaded.
backend_test!(
    compare_reads_its_sheets_together,
    seeded,
    |app| async move {
        const COMPARE: &str = r#"query($slugs: [String!]!) { compare(slugs: $slugs) {
      programs { slug } rows { attribute cells { value state lastVerifiedOn { text }
      citations { confidence source { title url } } } } } }"#;
        let count = |slugs: serde_json::Value| async move {
            let log_start = app.statement_log.lock().unwrap().len();
            let data = app.data(COMPARE, json!({ "slugs": slugs })).await;
            assert!(!data["compare"]["rows"].as_array().unwrap().is_empty());
            let log: Vec<String> = app.statement_log.lock().unwrap()[log_start..]
                .iter()
                .filter(|s| !s.contains("FROM \"revision\""))
                .cloned()
                .collect();
            log
        };
        let two = count(json!(["cn-k-visa", "us-h1b"])).await;
        let five = count(json!([
            "cn-k-visa",
            "us-h1b",
            "us-o1",
            "us-gold-card",
            "gb-global-talent"
        ]))
        .await;
        assert!(two.len() <= 5, "{} statements: {two:#?}", two.len());
        assert_eq!(two.len(), five.len(), "{five:#?}");
    }
);

// A page of changes reads its records with one statement per kind of record, and its
// predecessors in one, however many changes it holds (each change read its record alone).
backend_test!(
    a_page_of_changes_reads_its_records_together,
    seeded,
    |app| async move {
        const CHANGES: &str = r#"query($first: Int) { changes(since: "2000-01-01T00:00:00Z", first: $first) {
      nodes { title kind changes { field } record { id } } } }"#;
        let before = app.statements.load(Ordering::SeqCst);
        let data = app.data(CHANGES, json!({ "first": 60 })).await;
        let taken = app.statements.load(Ordering::SeqCst) - before;
        let nodes = data["changes"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), 60);
        assert!(
            nodes.iter().all(|n| n["record"]["id"].is_string()),
            "{nodes:#?}"
        );
        // The content version, the page, the predecessors, and a statement per kind of record
        // (eight at most).
        assert!(taken <= 11, "60 changes took {taken} statements");
    }
);

/// The statements of one query, besides the response cache's content version (read where the
/// listener cannot vouch for it: SQLite).
async fn statements_of(app: &crate::common::TestApp, query: &str) -> Vec<String> {
    let log_start = app.statement_log.lock().unwrap().len();
    let data = app.data(query, json!({})).await;
    assert!(data.is_object(), "{data}");
    app.statement_log.lock().unwrap()[log_start..]
        .iter()
        .filter(|s| !s.contains("FROM \"revision\""))
        .map(|s| s.chars().take(90).collect())
        .collect()
}

// The benchmark's list: a page of programs with its total, each program's requirements, its
// citations with their sources and the commentary about it with the people who said it. One
// statement per level of nesting and list: the page with its count, requirements, citations
// joined with their sources, and commentary links joined with the commentary and its person.
// The sources and people then come from what the joins brought (`DbLoader::came_along`).
backend_test!(
    a_page_costs_a_statement_per_nested_list,
    seeded_batching,
    |app| async move {
        const LIST: &str = r#"{ programs(first: 50) { totalCount nodes { slug name
            inForceOn { text } requirements { kind description mandatory }
            citations { field confidence source { title url publisher } }
            commentaries { body stance saidOn { text } person { name affiliation } } } } }"#;
        let log = statements_of(app, LIST).await;
        assert!(log.len() <= 4, "{} statements: {log:#?}", log.len());
    }
);

// The benchmark's detail: one program with everything, in two statements. The program; then
// its requirements, fees, facts, events, citations (with their sources) and commentary (with
// its people and sources) together (`kb::level`), with the citations of its requirements and
// fees, which the selection shows are wanted below (`loaders::expect_citations`). A fact's
// citations are the program's; every source and person came along with the rows that name
// them.
backend_test!(
    one_program_with_everything_is_bounded,
    seeded_batching,
    |app| async move {
        const DETAIL: &str = r#"{ program(slug: "cn-k-visa") { slug name summary
            requirements { kind description citations { confidence source { title url } } }
            fees { label amount { amount currency } current citations { source { title url } } }
            facts { field wording confidence citations { excerpt source { title url } } }
            citations { field confidence source { title url publisher } }
            commentaries { body stance kind saidOn { text } person { name affiliation } source { title url } }
            policyEvents { title kind date { text } } } }"#;
        let log = statements_of(app, DETAIL).await;
        assert!(log.len() <= 2, "{} statements: {log:#?}", log.len());
    }
);

// A detail that asks only for its records' citations, below its requirements, fees and events:
// they come with the lists (two statements), and as a page, read list by list, gives them.
backend_test!(
    citations_below_a_detail_come_with_its_lists,
    seeded_batching,
    |app| async move {
        const FIELDS: &str = r#"slug requirements { kind citations { excerpt source { title } } }
            fees { label cited lastVerifiedOn { text } } policyEvents { title cited }"#;
        let one = format!(r#"{{ program(slug: "cn-k-visa") {{ {FIELDS} }} }}"#);
        let log = statements_of(app, &one).await;
        assert!(log.len() <= 2, "{} statements: {log:#?}", log.len());
        let detail = app.data(&one, json!({})).await;
        let page = app
            .data(
                &format!(r#"{{ programs(first: 100) {{ nodes {{ {FIELDS} }} }} }}"#),
                json!({}),
            )
            .await;
        let node = page["programs"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["slug"] == "cn-k-visa")
            .unwrap()
            .clone();
        assert_eq!(detail["program"], node);
        let requirements = detail["program"]["requirements"].as_array().unwrap();
        assert!(
            requirements
                .iter()
                .any(|r| !r["citations"].as_array().unwrap().is_empty()),
            "the seed's K visa cites its requirements: {detail}"
        );
    }
);

// A program's lists are read in one statement when one program is asked for (`kb::level`),
// each in its own when a page is: the same rows in the same order either way, for every
// program of the seed that has lists to show.
backend_test!(
    lists_read_together_equal_lists_read_apart,
    seeded_batching,
    |app| async move {
        let page = app.data(EVERYTHING, json!({ "first": 50 })).await;
        let nodes = page["programs"]["nodes"].as_array().unwrap().clone();
        // The node's fields: between `nodes {` and the braces that close it, the connection
        // and the query.
        let fields = EVERYTHING
            .split_once("nodes {")
            .and_then(|(_, rest)| rest.rsplit_once("} } }"))
            .unwrap()
            .0;
        let one = format!(r#"query($slug: String!) {{ program(slug: $slug) {{ {fields} }} }}"#);
        let mut compared = 0;
        for node in &nodes {
            let alone = app.data(&one, json!({ "slug": node["slug"] })).await;
            assert_eq!(alone["program"], *node, "{}", node["slug"]);
            compared += usize::from(
                ["requirements", "citations", "commentaries"]
                    .iter()
                    .filter(|l| !node[**l].as_array().unwrap().is_empty())
                    .count()
                    >= 2,
            );
        }
        assert!(
            compared >= 3,
            "only {compared} programs with lists to compare"
        );
    }
);

// `changes` counts its total from the kept tally (and the rest of `since`'s own day on the
// index): its page must not count every public revision as well, as the lists of one entity's
// rows do (`total_rows`). At 10,000 programs that second count cost 23 ms on every page.
backend_test!(
    the_change_list_counts_from_its_tally_only,
    seeded,
    |app| async move {
        let log_start = app.statement_log.lock().unwrap().len();
        let data = app
            .data(
                r#"{ changes(since: "2000-01-01T00:00:00Z", first: 5) { totalCount edges { node { id } } } }"#,
                json!({}),
            )
            .await;
        assert!(
            data["changes"]["totalCount"].as_i64().unwrap() > 5,
            "{data}"
        );
        let log = app.statement_log.lock().unwrap()[log_start..].to_vec();
        assert!(
            log.iter().any(|s| s.contains("change_tally")),
            "the tally is read: {log:#?}"
        );
        assert!(
            !log.iter().any(|s| s.contains("total_rows")),
            "the page counted the whole list: {log:#?}"
        );
    }
);
