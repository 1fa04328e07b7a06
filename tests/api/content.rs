//! The content test: the seeded knowledge base read back through the API and checked against
//! what it was made from, the research file (`data/programs.research.json`) and the article
//! (`data/source-article.txt`). Confidences equal the research's; every researched citation
//! is present; no structured value stands without a research fact or an article sentence; an
//! unknown is never shown as a value; no date is more precise than its source.

use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn research() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/programs.research.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The article, with its lines joined and typographic quotes kept.
fn article() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/source-article.txt");
    std::fs::read_to_string(path).unwrap().replace('\n', " ")
}

const ARTICLE_TITLE: &str = "China has officially rolled out its new K visa";

fn is_article(source: &Value) -> bool {
    source["url"].is_null()
        && source["title"]
            .as_str()
            .is_some_and(|t| t.starts_with(ARTICLE_TITLE))
}

/// Whether `excerpt` is the article's own words (ignoring the final punctuation, which a quote
/// ends differently when it stands alone).
fn in_article(article: &str, excerpt: &str) -> bool {
    let core = excerpt.trim().trim_end_matches(['.', ',', '…']);
    !core.is_empty() && article.contains(core)
}

/// The research's confidence as the API spells it.
fn confidence(fact: &Value) -> Value {
    match fact["confidence"].as_str() {
        Some("stored_official") => json!("OFFICIAL"),
        Some("stored_secondary") => json!("SECONDARY"),
        Some("memory") => json!("UNVERIFIED"),
        _ => Value::Null,
    }
}

fn is_unknown(fact: &Value) -> bool {
    fact["value"].is_null() || fact["confidence"] == "unknown"
}

/// Research keys behind each program fact field, and behind each structured value.
const FACT_FIELDS: [(&str, &str); 11] = [
    ("name", "official_name"),
    ("administering_authority", "administering_authority"),
    ("legal_status", "status"),
    ("legal_basis", "legal_basis"),
    ("in_force_on", "launch_or_effective_date"),
    ("validity", "validity"),
    ("max_stay", "stay_length"),
    ("entries", "entries"),
    ("employer_sponsorship", "employer_sponsorship_required"),
    ("work_authorization", "work_authorization"),
    ("pr_path", "path_to_permanent_residence"),
];
const VALUES: [(&str, &str); 8] = [
    ("status", "status"),
    ("inForceOn", "launch_or_effective_date"),
    ("employerSponsorship", "employer_sponsorship_required"),
    ("workAuthorization", "work_authorization"),
    ("prPath", "path_to_permanent_residence"),
    ("validity", "validity"),
    ("maxStay", "stay_length"),
    ("entries", "entries"),
];
const REQUIREMENTS: [(&str, &str); 6] = [
    ("EDUCATION", "education"),
    ("FIELD_OF_STUDY", "field"),
    ("EXPERIENCE", "experience"),
    ("INCOME", "salary"),
    ("AGE", "age"),
    ("OTHER", "other"),
];

const CITES: &str = "citations { confidence excerpt source { url title kind } }";

fn program_query() -> String {
    format!(
        r#"query($slug: String!) {{ program(slug: $slug) {{
          facts {{ field confidence {CITES} }}
          values {{ attribute value state {CITES} }}
          requirements {{ kind description note confidence {CITES} }}
          fees {{ label confidence {CITES} }}
          policyEvents {{ {CITES} }}
          commentaries {{ kind body {CITES} source {{ url title }} }}
        }} }}"#
    )
}

/// The URLs of the research sources `refs` points at.
fn urls(program: &Value, refs: &Value) -> BTreeSet<String> {
    refs.as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| program["sources"][i.as_u64().unwrap() as usize]["url"].as_str())
        .map(str::to_owned)
        .collect()
}

fn cited_urls(citations: &Value) -> BTreeSet<String> {
    citations
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["source"]["url"].as_str())
        .map(str::to_owned)
        .collect()
}

/// The most a kind of source can confirm (`kb::confidence`).
fn ceiling(kind: &str) -> u8 {
    match kind {
        "OFFICIAL" | "LEGAL_TEXT" => 2,
        "SOCIAL_MEDIA" => 0,
        _ => 1,
    }
}

fn rank(confidence: &Value) -> Option<u8> {
    match confidence.as_str()? {
        "OFFICIAL" => Some(2),
        "SECONDARY" => Some(1),
        _ => Some(0),
    }
}

/// Every citation claims no more than its source can confirm; a citation of a source the
/// research gives for this fact (`researched`) has the fact's confidence (`claimed`), capped by
/// the source. (A citation the curation adds, such as the article's sentence, has its source's.)
fn check_citation_confidence(
    what: &str,
    claimed: &Value,
    researched: &BTreeSet<String>,
    citations: &Value,
) {
    for c in citations.as_array().into_iter().flatten() {
        let kind = c["source"]["kind"].as_str().unwrap();
        let got = rank(&c["confidence"]);
        assert!(
            got.is_none_or(|g| g <= ceiling(kind)),
            "{what}: overclaims: {c:#}"
        );
        if c["source"]["url"]
            .as_str()
            .is_some_and(|u| researched.contains(u))
        {
            assert_eq!(
                got,
                rank(claimed).map(|f| f.min(ceiling(kind))),
                "{what}: {c:#}"
            );
        }
    }
}

backend_test!(
    the_api_says_what_the_research_says,
    seeded,
    |app| async move {
        let article = article();
        let query = program_query();
        let (mut facts_checked, mut article_citations) = (0, 0);
        let research = research();
        assert_eq!(research.len(), 22, "the research file's programs");
        for r in research {
            let slug = r["id"].as_str().unwrap();
            let data = app.data(&query, json!({ "slug": slug })).await;
            let p = &data["program"];
            assert!(p.is_object(), "{slug} is published");
            let facts: BTreeMap<&str, &Value> = p["facts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f["field"].as_str().unwrap(), f))
                .collect();

            // Confidences equal the research's; every researched source is cited, each
            // citation no stronger than its fact and its source.
            let mut researched: Vec<(String, &Value)> = FACT_FIELDS
                .iter()
                .map(|(field, key)| ((*field).to_owned(), &r[*key]))
                .collect();
            for (i, note) in r["notes"].as_array().into_iter().flatten().enumerate() {
                researched.push((format!("notes.{i}"), note));
            }
            for (field, fact) in researched {
                let what = format!("{slug} {field}");
                let Some(api) = facts.get(field.as_str()) else {
                    assert!(
                        fact["value"].is_null() && fact["note"].is_null(),
                        "{what}: researched but not in the API"
                    );
                    continue;
                };
                assert_eq!(api["confidence"], confidence(fact), "{what}");
                facts_checked += 1;
                let want = urls(&r, &fact["refs"]);
                let got = cited_urls(&api["citations"]);
                assert!(
                    want.is_subset(&got),
                    "{what}: cites {got:?}, research {want:?}"
                );
                check_citation_confidence(&what, &api["confidence"], &want, &api["citations"]);
            }
            for (kind, key) in REQUIREMENTS {
                let fact = &r["eligibility"][key];
                if fact.is_null() {
                    continue;
                }
                let what = format!("{slug} requirement {key}");
                let rows: Vec<&Value> = p["requirements"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|q| q["kind"] == kind)
                    .collect();
                let want = urls(&r, &fact["refs"]);
                for q in &rows {
                    assert_eq!(q["confidence"], confidence(fact), "{what}");
                    check_citation_confidence(&what, &q["confidence"], &want, &q["citations"]);
                    if is_unknown(fact) {
                        assert!(
                            q["description"].is_null(),
                            "{what}: an unknown shown: {q:#}"
                        );
                    }
                }
                let got: BTreeSet<String> = rows
                    .iter()
                    .flat_map(|q| cited_urls(&q["citations"]))
                    .collect();
                assert!(
                    want.is_subset(&got),
                    "{what}: cites {got:?}, research {want:?}"
                );
            }
            let fee_urls: BTreeSet<String> = p["fees"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|f| cited_urls(&f["citations"]))
                .collect();
            for fee in r["fees"].as_array().into_iter().flatten() {
                let want = urls(&r, &fee["refs"]);
                assert!(
                    want.is_subset(&fee_urls),
                    "{slug} fee {}: {want:?}",
                    fee["item"]
                );
            }
            for f in p["fees"].as_array().unwrap() {
                let want = r["fees"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|fee| fee["item"] == f["label"])
                    .map(|fee| urls(&r, &fee["refs"]))
                    .unwrap_or_default();
                check_citation_confidence(
                    &format!("{slug} fee {}", f["label"]),
                    &f["confidence"],
                    &want,
                    &f["citations"],
                );
            }

            // No structured value without a research fact or an article sentence behind it,
            // and no unknown shown as a value.
            for (attribute, key) in VALUES {
                let what = format!("{slug} {attribute}");
                let v = p["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| v["attribute"] == attribute)
                    .unwrap_or_else(|| panic!("{what}: no value"));
                let from_article = v["citations"].as_array().unwrap().iter().any(|c| {
                    is_article(&c["source"])
                        && c["excerpt"]
                            .as_str()
                            .is_some_and(|e| in_article(&article, e))
                });
                let fact = &r[key];
                let state = v["state"].as_str().unwrap();
                if matches!(state, "KNOWN" | "UNVERIFIED") {
                    assert!(
                        !is_unknown(fact) || from_article,
                        "{what} is {state} `{}` with nothing behind it",
                        v["value"]
                    );
                }
                if is_unknown(fact) && !from_article {
                    assert!(
                        matches!(state, "UNKNOWN" | "UNCONFIRMED"),
                        "{what}: the research does not know, the API says {v:#}"
                    );
                }
                if state == "KNOWN" {
                    assert!(
                        v["citations"].as_array().unwrap().iter().any(|c| {
                            matches!(c["confidence"].as_str(), Some("OFFICIAL" | "SECONDARY"))
                        }),
                        "{what}: KNOWN without an official or secondary citation"
                    );
                }
                if state == "UNKNOWN" {
                    assert!(v["value"].is_null(), "{what}: {v:#}");
                }
            }

            // The article is quoted word for word wherever it is cited.
            let mut all = Vec::new();
            for list in [
                "facts",
                "values",
                "requirements",
                "fees",
                "policyEvents",
                "commentaries",
            ] {
                for row in p[list].as_array().unwrap() {
                    all.extend(row["citations"].as_array().unwrap().iter().cloned());
                }
            }
            for c in all.iter().filter(|c| is_article(&c["source"])) {
                article_citations += 1;
                let excerpt = c["excerpt"].as_str().unwrap_or_default();
                assert!(
                    in_article(&article, excerpt),
                    "{slug}: not the article's words: {c:#}"
                );
            }
            for c in p["commentaries"].as_array().unwrap() {
                if c["kind"] == "QUOTE" && is_article(&c["source"]) {
                    let body = c["body"].as_str().unwrap();
                    assert!(in_article(&article, body), "{slug}: misquoted: {body}");
                }
            }
        }
        // The checks ran on the whole research, and the article is cited.
        assert!(facts_checked > 200, "{facts_checked} facts checked");
        assert!(
            article_citations >= 5,
            "{article_citations} citations of the article"
        );
    }
);

const SOURCES: &str = r#"query($after: String) { sources(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor } nodes { url title publishedOn { text } publishedNote } } }"#;

backend_test!(
    no_date_is_more_precise_than_its_source,
    seeded,
    |app| async move {
        let mut published: BTreeMap<String, String> = BTreeMap::new();
        for r in research() {
            for s in r["sources"].as_array().into_iter().flatten() {
                if let (Some(url), Some(p)) = (s["url"].as_str(), s["published"].as_str()) {
                    published.insert(url.to_owned(), p.trim().to_owned());
                }
            }
        }
        let mut after = Value::Null;
        let mut checked = 0;
        loop {
            let page = app.data(SOURCES, json!({ "after": after })).await;
            let page = &page["sources"];
            for s in page["nodes"].as_array().unwrap() {
                let Some(researched) = s["url"].as_str().and_then(|u| published.get(u)) else {
                    continue;
                };
                checked += 1;
                match s["publishedOn"]["text"].as_str() {
                    // Only what the research wrote, never a day or month it does not give.
                    Some(text) => assert!(
                        researched.starts_with(text)
                            && !researched[text.len()..].starts_with(|c: char| c.is_ascii_digit()),
                        "{}: `{researched}` became {text}",
                        s["url"]
                    ),
                    // An undated source keeps the research's words.
                    None => assert!(
                        !researched.starts_with(|c: char| c.is_ascii_digit())
                            || s["publishedNote"].is_string(),
                        "{}: `{researched}` was dropped",
                        s["url"]
                    ),
                }
            }
            if page["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = page["pageInfo"]["endCursor"].clone();
        }
        assert!(
            checked >= 100,
            "the research's sources were found ({checked})"
        );
    }
);
