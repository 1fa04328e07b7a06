//! The documentation's examples run as written: the README's create mutations (as an editor)
//! and data/README's visa-kb/v1 document (imported).

use serde_json::{Value, json};

/// The body of the first fenced block of `lang` after `marker` in `text`, dedented.
fn block(text: &str, marker: &str, lang: &str) -> String {
    let after = &text[text.find(marker).expect("the marker")..];
    let fence = format!("```{lang}\n");
    let start = after.find(&fence).expect("the block") + fence.len();
    let body = &after[start..];
    let body = &body[..body.find("```").expect("the end of the block")];
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    body.lines()
        .map(|l| l.get(indent..).unwrap_or("").to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

backend_test!(the_readme_create_example_runs, empty, |app| async move {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let operations = block(&readme, "3. **Create**", "graphql");
    let (create_program, create_fee) = operations
        .split_once("\nmutation(")
        .expect("two operations");
    let create_fee = format!("mutation({create_fee}");
    let token = app.editor().await;
    let program = app.data_as(&token, create_program, json!({})).await;
    let id = program["createProgram"]["id"].clone();
    assert!(id.is_string(), "{program}");
    let fee = app
        .data_as(&token, &create_fee, json!({ "program": id }))
        .await;
    assert!(fee["createFee"]["id"].is_string(), "{fee}");
});

backend_test!(the_data_readme_document_imports, empty, |app| async move {
    let readme = std::fs::read_to_string("data/README.md").unwrap();
    let document = block(&readme, "## The visa-kb/v1 format", "json");
    let parsed: Value = serde_json::from_str(&document).unwrap();
    assert_eq!(parsed["format"], "visa-kb/v1");
    let db = app.db.connect().await;
    let report = api::import::import_json(&db, &document, None)
        .await
        .unwrap_or_else(|e| panic!("data/README's example does not import: {e}"));
    assert!(report.created > 0, "{report:?}");
});
