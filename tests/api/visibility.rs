//! The visibility table: every record kind, in every editorial state of its own, under every
//! state of each record it hangs from, read through every public entry point. A record is
//! visible exactly when it is published (possibly with a pending edit, which stays unseen) and
//! everything it hangs from is visible: a requirement, fee or event its program; a commentary
//! its person and source; a citation its source and the record it supports.
//!
//! The expectation below is computed from that rule independently of the server's code.

use crate::common;

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The editorial states a record can be in, as readers' rule sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Draft,
    Published,
    /// Published, with an unpublished edit waiting.
    Pending,
    /// Published once, then archived.
    Archived,
}

const STATES: [State; 4] = [
    State::Draft,
    State::Published,
    State::Pending,
    State::Archived,
];

impl State {
    fn public(self) -> bool {
        matches!(self, State::Published | State::Pending)
    }

    fn tag(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Published => "published",
            State::Pending => "pending",
            State::Archived => "archived",
        }
    }
}

/// The text no reader may ever see: it is only in pending edits.
const UNPUBLISHED_EDIT: &str = "UNPUBLISHED-EDIT";

/// One record of the world, with what the rule says of it.
#[derive(Debug, Clone)]
struct Rec {
    kind: &'static str,
    id: String,
    version: i64,
    visible: bool,
    /// Readers saw it and it was withdrawn: its permalink is 410 (a program, source or person
    /// published, then archived).
    withdrawn: bool,
    /// A program's slug, a source's URL.
    key: String,
}

struct World {
    records: Vec<Rec>,
}

impl World {
    fn visible(&self, kind: &str) -> BTreeSet<String> {
        self.records
            .iter()
            .filter(|r| r.kind == kind && r.visible)
            .map(|r| r.id.clone())
            .collect()
    }

    fn all_visible(&self) -> BTreeSet<String> {
        self.records
            .iter()
            .filter(|r| r.visible)
            .map(|r| r.id.clone())
            .collect()
    }

    fn of_kind(&self, kind: &str) -> impl Iterator<Item = &Rec> {
        self.records.iter().filter(move |r| r.kind == kind)
    }
}

async fn mutate(app: &common::TestApp, token: &str, query: &str, vars: Value) -> Value {
    let data = app.data_as(token, query, vars).await;
    data.as_object().unwrap().values().next().unwrap().clone()
}

/// The field whose pending edit readers must never see, per kind.
fn edit_input(kind: &str) -> Value {
    let text = format!("{UNPUBLISHED_EDIT} quokka");
    match kind {
        "Program" => json!({ "name": text }),
        "Requirement" => json!({ "description": text }),
        "Fee" => json!({ "label": text }),
        "PolicyEvent" => json!({ "title": text }),
        "Source" => json!({ "title": text }),
        "Person" => json!({ "name": text }),
        "Commentary" => json!({ "body": text }),
        _ => json!({ "excerpt": text }),
    }
}

struct Builder<'a> {
    app: &'a common::TestApp,
    token: String,
    records: Vec<Rec>,
}

impl Builder<'_> {
    /// Creates a draft record (not visible until [`Builder::set`] says so).
    async fn create(&mut self, kind: &'static str, input: Value, key: &str) -> usize {
        let query = format!(
            "mutation($input: {kind}Input!) {{ create{kind}(input: $input) {{ id version }} }}"
        );
        let saved = mutate(self.app, &self.token, &query, json!({ "input": input })).await;
        self.records.push(Rec {
            kind,
            id: saved["id"].as_str().unwrap().to_owned(),
            version: saved["version"].as_i64().unwrap(),
            visible: false,
            withdrawn: false,
            key: key.to_owned(),
        });
        self.records.len() - 1
    }

    async fn transition(&mut self, at: usize, action: &str) {
        let query = format!(
            "mutation($id: ID!, $v: Int!) {{ {action}(id: $id, expectedVersion: $v) {{ version }} }}"
        );
        let rec = &self.records[at];
        let saved = mutate(
            self.app,
            &self.token,
            &query,
            json!({ "id": rec.id, "v": rec.version }),
        )
        .await;
        self.records[at].version = saved["version"].as_i64().unwrap();
    }

    /// Brings record `at` into `state` and records whether readers may see it, given whether
    /// everything it hangs from is visible.
    async fn set(&mut self, at: usize, state: State, parents_visible: bool) {
        match state {
            State::Draft => {}
            State::Published => self.transition(at, "publish").await,
            State::Pending => {
                self.transition(at, "publish").await;
                let kind = self.records[at].kind;
                let query = format!(
                    "mutation($id: ID!, $v: Int!, $input: {kind}Input!) {{ update{kind}(id: $id, expectedVersion: $v, input: $input) {{ version pendingDraft }} }}"
                );
                let rec = &self.records[at];
                let saved = mutate(
                    self.app,
                    &self.token,
                    &query,
                    json!({ "id": rec.id, "v": rec.version, "input": edit_input(kind) }),
                )
                .await;
                assert!(!saved["pendingDraft"].is_null(), "{kind}: no pending draft");
                self.records[at].version = saved["version"].as_i64().unwrap();
            }
            State::Archived => {
                self.transition(at, "publish").await;
                self.transition(at, "archive").await;
            }
        }
        self.records[at].visible = state.public() && parents_visible;
        self.records[at].withdrawn = state == State::Archived
            && matches!(self.records[at].kind, "Program" | "Source" | "Person");
    }
}

/// Builds the world: programs, sources and people in every state; children of every state
/// under programs of every state; commentary under people and sources of every state;
/// citations of every state, of sources of every state, supporting every record above.
async fn build(app: &common::TestApp) -> World {
    let mut b = Builder {
        app,
        token: app.editor().await,
        records: Vec::new(),
    };
    // Sources and people first: they hang from nothing.
    let mut sources = BTreeMap::new();
    let mut people = BTreeMap::new();
    for s in STATES {
        let url = format!("https://example.org/source-{}", s.tag());
        let at = b
            .create(
                "Source",
                json!({ "url": url, "title": format!("Quokka source {}", s.tag()), "kind": "OFFICIAL" }),
                &url,
            )
            .await;
        b.set(at, s, true).await;
        sources.insert(s.tag(), at);
        let at = b
            .create(
                "Person",
                json!({ "name": format!("Person {}", s.tag()) }),
                "",
            )
            .await;
        b.set(at, s, true).await;
        people.insert(s.tag(), at);
    }

    // Programs of every state, each with a requirement, fee and event of every state. The
    // children get their state first, the program last: a program archived after its
    // children were published is the case that leaked.
    let mut programs = BTreeMap::new();
    let mut children = Vec::new();
    for ps in STATES {
        let slug = format!("vis-{}", ps.tag());
        let program = b
            .create(
                "Program",
                json!({ "slug": slug, "name": format!("Quokka visa {}", ps.tag()),
                        "country": "NZ", "category": "TALENT", "legalStatus": "IN_FORCE",
                        "inForceOn": "2025-01", "summary": "A quokka programme" }),
                &slug,
            )
            .await;
        let pid = b.records[program].id.clone();
        for cs in STATES {
            let r = b
                .create(
                    "Requirement",
                    json!({ "programId": pid, "kind": "OTHER",
                            "description": format!("Quokka requirement {}", cs.tag()) }),
                    "",
                )
                .await;
            let f = b
                .create(
                    "Fee",
                    json!({ "programId": pid, "label": format!("Fee {}", cs.tag()),
                            "amount": "100", "currency": "NZD", "effectiveFrom": "2025-01-01" }),
                    "",
                )
                .await;
            let e = b
                .create(
                    "PolicyEvent",
                    json!({ "programId": pid, "occurredOn": "2025-01-15", "kind": "IN_FORCE",
                            "title": format!("Event {}", cs.tag()) }),
                    "",
                )
                .await;
            for at in [r, f, e] {
                b.set(at, cs, true).await;
                children.push((at, ps));
            }
        }
        b.set(program, ps, true).await;
        programs.insert(ps.tag(), program);
    }
    for (at, ps) in &children {
        let own = b.records[*at].visible;
        b.records[*at].visible = own && ps.public();
    }
    let visible_program = b.records[programs["published"]].id.clone();

    // Commentary: every own state; a published one under a person and a source of every state.
    let mut commentaries = Vec::new();
    let commentary = async |b: &mut Builder<'_>, own: State, person: &str, source: &str| {
        let input = json!({
            "personId": b.records[people[person]].id, "sourceId": b.records[sources[source]].id,
            "kind": "QUOTE", "stance": "NEUTRAL", "programIds": [visible_program],
            "body": format!("Quokka commentary {} by {person} in {source}", own.tag()) });
        let at = b.create("Commentary", input, "").await;
        let parents = b.records[people[person]].visible && b.records[sources[source]].visible;
        b.set(at, own, parents).await;
        at
    };
    for own in STATES {
        commentaries.push(commentary(&mut b, own, "published", "published").await);
    }
    for other in [State::Draft, State::Pending, State::Archived] {
        commentaries.push(commentary(&mut b, State::Published, other.tag(), "published").await);
        commentaries.push(commentary(&mut b, State::Published, "published", other.tag()).await);
    }

    // Citations: every own state and every source state on a visible program; then a
    // published citation of a published source on every other record that can be cited.
    let cite = async |b: &mut Builder<'_>, own: State, source: usize, target: usize| {
        let input = json!({ "sourceId": b.records[source].id, "supports": b.records[target].id,
                            "excerpt": format!("cited {}", own.tag()) });
        let at = b.create("Citation", input, "").await;
        let parents = b.records[source].visible && b.records[target].visible;
        b.set(at, own, parents).await;
    };
    let program_at = programs["published"];
    for own in STATES {
        cite(&mut b, own, sources["published"], program_at).await;
    }
    for s in [State::Draft, State::Pending, State::Archived] {
        cite(&mut b, State::Published, sources[s.tag()], program_at).await;
    }
    let targets: Vec<usize> = programs
        .values()
        .copied()
        .filter(|at| *at != program_at)
        .chain(children.iter().map(|(at, _)| *at))
        .chain(commentaries.iter().copied())
        .collect();
    for target in targets {
        cite(&mut b, State::Published, sources["published"], target).await;
    }
    World { records: b.records }
}

/// Every `id` anywhere in a JSON answer.
fn ids_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "id"
                    && let Some(id) = v.as_str()
                {
                    out.insert(id.to_owned());
                }
                ids_in(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids_in(v, out)),
        _ => {}
    }
}

fn node_ids(connection: &Value) -> BTreeSet<String> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

fn assert_no_unpublished_text(what: &str, body: &str) {
    assert!(
        !body.contains(UNPUBLISHED_EDIT),
        "{what} shows a pending edit to readers"
    );
}

/// Every record kind, read one by one: `node(id:)`, and `program(slug:)` with `citeAs`.
async fn check_lookups(app: &common::TestApp, world: &World) {
    for rec in &world.records {
        let data = app
            .data(
                "query($id: ID!) { node(id: $id) { id ... on Program { name citeAs }
                   ... on Requirement { description citeAs } ... on Fee { label citeAs }
                   ... on PolicyEvent { title citeAs } ... on Commentary { body citeAs }
                   ... on Source { title } ... on Person { name } ... on Citation { excerpt } } }",
                json!({ "id": rec.id }),
            )
            .await;
        assert_eq!(
            !data["node"].is_null(),
            rec.visible,
            "node(id) of {} {rec:?}",
            rec.kind
        );
        assert_no_unpublished_text("node(id)", &data.to_string());
        if rec.visible
            && let Some(cite) = data["node"]["citeAs"].as_str()
        {
            assert!(cite.starts_with("visa-kb, '"), "{cite}");
        }
    }
    for rec in world.of_kind("Program") {
        let body = app
            .graphql(
                "query($slug: String!) { program(slug: $slug) { id citeAs } }",
                json!({ "slug": rec.key }),
            )
            .await;
        if rec.visible {
            assert_eq!(body["data"]["program"]["id"], json!(rec.id), "{body}");
            assert!(
                body["data"]["program"]["citeAs"]
                    .as_str()
                    .unwrap()
                    .contains(&rec.key)
            );
        } else {
            assert_eq!(
                body["errors"][0]["extensions"]["code"], "NOT_FOUND",
                "{body}"
            );
        }
    }
}

/// `programs` with its count and every nested list, and the root lists with theirs.
async fn check_lists(app: &common::TestApp, world: &World) {
    let data = app
        .data(
            "{ programs(first: 100) { totalCount nodes { id
                 requirements { id citations { id source { id } } }
                 fees { id citations { id source { id } } }
                 policyEvents { id citations { id source { id } } }
                 citations { id source { id } }
                 facts { citations { id source { id } } }
                 commentaries { id person { id } source { id } citations { id } programs { id } } } }
               sources(first: 100) { totalCount nodes { id } }
               people(first: 100) { totalCount nodes { id } }
               commentaries(first: 100) { totalCount nodes { id } }
               policyEvents(first: 100) { totalCount nodes { id } } }",
            json!({}),
        )
        .await;
    assert_no_unpublished_text("the lists", &data.to_string());
    let programs = world.visible("Program");
    assert_eq!(node_ids(&data["programs"]), programs, "programs");
    assert_eq!(data["programs"]["totalCount"], json!(programs.len()));
    for (root, kind) in [
        ("sources", "Source"),
        ("people", "Person"),
        ("commentaries", "Commentary"),
        ("policyEvents", "PolicyEvent"),
    ] {
        let expected = world.visible(kind);
        assert_eq!(node_ids(&data[root]), expected, "{root}");
        assert_eq!(
            data[root]["totalCount"],
            json!(expected.len()),
            "{root} totalCount"
        );
    }
    // Nested: exactly the visible records appear, and nothing else.
    let mut seen = BTreeSet::new();
    ids_in(&data["programs"], &mut seen);
    for kind in [
        "Requirement",
        "Fee",
        "PolicyEvent",
        "Commentary",
        "Citation",
    ] {
        let nested: BTreeSet<String> = world
            .of_kind(kind)
            .filter(|r| seen.contains(&r.id))
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(nested, world.visible(kind), "nested {kind}");
    }
    let hidden: Vec<&Rec> = world
        .records
        .iter()
        .filter(|r| !r.visible && seen.contains(&r.id))
        .collect();
    assert!(
        hidden.is_empty(),
        "hidden records in nested lists: {hidden:?}"
    );
}

/// `search`, `timeline`, `changes` (every page) and `/feed.atom`.
async fn check_journalists(app: &common::TestApp, world: &World) {
    let found = app
        .data(
            r#"{ search(query: "quokka", first: 100) { totalCount edges { node { node {
                 ... on Program { id } ... on Requirement { id } ... on Commentary { id }
                 ... on Source { id } } } } } }"#,
            json!({}),
        )
        .await;
    assert_no_unpublished_text("search", &found.to_string());
    let mut hits = BTreeSet::new();
    ids_in(&found, &mut hits);
    let searchable: BTreeSet<String> = ["Program", "Requirement", "Commentary", "Source"]
        .iter()
        .flat_map(|k| world.visible(k))
        .collect();
    assert_eq!(hits, searchable, "search");
    assert_eq!(found["search"]["totalCount"], json!(searchable.len()));

    let timeline = app
        .data("{ timeline(first: 100) { nodes { id } } }", json!({}))
        .await;
    assert_eq!(
        node_ids(&timeline["timeline"]),
        world.visible("PolicyEvent")
    );

    let mut changed = BTreeSet::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data(
                r#"query($after: String) { changes(since: "2000-01-01T00:00:00Z", first: 100, after: $after) {
                     pageInfo { hasNextPage endCursor }
                     nodes { recordId title record { id } changes { after } } } }"#,
                json!({ "after": after }),
            )
            .await;
        assert_no_unpublished_text("changes", &page.to_string());
        for node in page["changes"]["nodes"].as_array().unwrap() {
            assert_eq!(
                node["record"]["id"], node["recordId"],
                "a change without its record: {node}"
            );
            changed.insert(node["recordId"].as_str().unwrap().to_owned());
        }
        if page["changes"]["pageInfo"]["hasNextPage"] != json!(true) {
            break;
        }
        after = page["changes"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    assert_eq!(changed, world.all_visible(), "changes");

    let feed = app.get_text("/feed.atom").await;
    assert_no_unpublished_text("the feed", &feed);
    let feed = atom_syndication::Feed::read_from(feed.as_bytes()).unwrap();
    assert!(!feed.entries().is_empty());
    let prefix = format!("{}/records/", app.base);
    for entry in feed.entries() {
        let link = &entry.links()[0].href;
        let id = link
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{link}"));
        assert!(world.all_visible().contains(id), "the feed links {link}");
        let status = app.client.get(link).send().await.unwrap().status();
        assert_eq!(status, 200, "the feed's link {link}");
    }
}

/// `compare`, `eligiblePrograms`, the exports and the permalinks.
async fn check_programs_views(app: &common::TestApp, world: &World) {
    let visible_urls: BTreeSet<String> = world
        .of_kind("Source")
        .filter(|r| r.visible)
        .map(|r| r.key.clone())
        .collect();
    let urls_in = |text: &str| -> BTreeSet<String> {
        text.split('"')
            .flat_map(|s| s.split([',', ' ', ';', '\n']))
            .filter(|s| s.starts_with("https://example.org/source-"))
            .map(str::to_owned)
            .collect()
    };
    let compare = app
        .data(
            r#"{ compare(slugs: ["vis-published", "vis-pending"]) { rows { cells { program
                 citations { source { url } } } } } }"#,
            json!({}),
        )
        .await;
    assert_no_unpublished_text("compare", &compare.to_string());
    assert!(urls_in(&compare.to_string()).is_subset(&visible_urls));
    for hidden in ["vis-draft", "vis-archived"] {
        let body = app
            .graphql(
                "query($s: [String!]!) { compare(slugs: $s) { rows { attribute } } }",
                json!({ "s": ["vis-published", hidden] }),
            )
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "NOT_FOUND",
            "{body}"
        );
    }

    let visible_slugs: BTreeSet<String> = world
        .of_kind("Program")
        .filter(|r| r.visible)
        .map(|r| r.key.clone())
        .collect();
    let eligible = app
        .data(
            "{ eligiblePrograms(profile: { age: 30 }, first: 100) { edges { node { program { slug } } } } }",
            json!({}),
        )
        .await;
    let slugs: BTreeSet<String> = eligible["eligiblePrograms"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["program"]["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs, visible_slugs, "eligiblePrograms");

    let json_export = app.get_json("/export/programs.json").await;
    assert_no_unpublished_text("the JSON export", &json_export.to_string());
    let slugs: BTreeSet<String> = json_export
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs, visible_slugs, "JSON export");
    assert!(urls_in(&json_export.to_string()).is_subset(&visible_urls));
    let csv_text = app.get_text("/export/programs.csv").await;
    assert_no_unpublished_text("the CSV export", &csv_text);
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let slug_col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "slug")
        .unwrap();
    let slugs: BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[slug_col].to_owned())
        .collect();
    assert_eq!(slugs, visible_slugs, "CSV export");
    assert!(urls_in(&csv_text).is_subset(&visible_urls));

    for rec in &world.records {
        let path = match rec.kind {
            "Program" => format!("/programs/{}", rec.key),
            _ => format!("/records/{}", rec.id),
        };
        for accept in ["application/ld+json", "text/html"] {
            let response = app
                .client
                .get(format!("{}{path}", app.base))
                .header("Accept", accept)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let body = response.text().await.unwrap();
            let expected = match (rec.visible, rec.withdrawn) {
                (true, _) => 200,
                (false, true) => 410,
                (false, false) => 404,
            };
            assert_eq!(status, expected, "{accept} permalink of {rec:?}: {body}");
            assert_no_unpublished_text("a permalink", &body);
            assert!(urls_in(&body).is_subset(&visible_urls), "{path}: {body}");
        }
    }
}

backend_test!(
    every_record_is_visible_exactly_when_the_rule_says,
    empty,
    |app| async move {
        let world = build(app).await;
        // The world has every case: hidden and visible records of every kind.
        for kind in [
            "Program",
            "Requirement",
            "Fee",
            "PolicyEvent",
            "Source",
            "Person",
            "Commentary",
            "Citation",
        ] {
            let (shown, hidden): (Vec<&Rec>, Vec<&Rec>) =
                world.of_kind(kind).partition(|r| r.visible);
            assert!(!shown.is_empty() && !hidden.is_empty(), "{kind}");
        }
        check_lookups(app, &world).await;
        check_lists(app, &world).await;
        check_journalists(app, &world).await;
        check_programs_views(app, &world).await;
    }
);

backend_test!(
    an_import_of_drafts_is_no_public_change_until_published,
    empty,
    |app| async move {
        let db = app.db.connect().await;
        let draft = json!({
            "format": "visa-kb/v1", "draft": true,
            "programs": [{"slug": "imported-draft", "name": "Imported draft", "country": "NZ",
                          "category": "talent", "legal_status": "in_force",
                          "fees": [{"label": "Fee", "amount": 1, "currency": "USD"}]}]
        });
        api::import::import_json(&db, &draft.to_string(), None)
            .await
            .unwrap();
        const CHANGES: &str = r#"{ changes(since: "2000-01-01T00:00:00Z", first: 100) {
            nodes { recordType kind record { id } } } }"#;
        let changes = app.data(CHANGES, json!({})).await;
        assert_eq!(changes["changes"]["nodes"], json!([]), "{changes}");

        // Published by an editor: each record is new once, with its record.
        let token = app.editor().await;
        for record_type in ["PROGRAM", "FEE"] {
            let records = app
                .data_as(
                    &token,
                    "query($t: RecordType!) { editorialRecords(recordType: $t) { id version } }",
                    json!({ "t": record_type }),
                )
                .await;
            for record in records["editorialRecords"].as_array().unwrap() {
                mutate(
                    app,
                    &token,
                    "mutation($id: ID!, $v: Int!) { publish(id: $id, expectedVersion: $v) { version } }",
                    json!({ "id": record["id"], "v": record["version"] }),
                )
                .await;
            }
        }
        let changes = app.data(CHANGES, json!({})).await;
        let mut kinds: Vec<(String, String)> = changes["changes"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                assert!(!n["record"].is_null(), "{n}");
                (
                    n["recordType"].as_str().unwrap().to_owned(),
                    n["kind"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        kinds.sort();
        assert_eq!(
            kinds,
            [
                ("Fee".to_owned(), "NEW".to_owned()),
                ("Program".to_owned(), "NEW".to_owned())
            ]
        );
    }
);

/// What readers see of the change list and search, walked in full: the records found by a
/// search for `word`, the records of every change since 2000, and, for both a `since` whose
/// day is over (whole days from the kept tally) and one earlier today (the rest of the day on
/// the index), whether `totalCount` is the number of changes walked, in all and per type.
async fn seen(app: &common::TestApp, word: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let found = app
        .data(
            "query($q: String!) { search(query: $q, first: 100) { totalCount edges { node { node {
                 ... on Program { id } ... on Requirement { id } ... on Commentary { id }
                 ... on Source { id } ... on Person { id } } } } } }",
            json!({ "q": word }),
        )
        .await;
    let mut hits = BTreeSet::new();
    ids_in(&found, &mut hits);
    assert_eq!(found["search"]["totalCount"], json!(hits.len()));

    let earlier_today = (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339();
    let mut changed = BTreeSet::new();
    for since in ["2000-01-01T00:00:00Z", earlier_today.as_str()] {
        for types in [
            json!(null),
            json!(["CITATION"]),
            json!(["COMMENTARY", "PROGRAM"]),
        ] {
            let page = app
                .data(
                    "query($since: DateTime!, $types: [RecordType!]) {
                       changes(since: $since, recordTypes: $types, first: 100) {
                         totalCount pageInfo { hasNextPage } nodes { recordId } } }",
                    json!({ "since": since, "types": types }),
                )
                .await;
            let nodes = page["changes"]["nodes"].as_array().unwrap();
            assert_eq!(page["changes"]["pageInfo"]["hasNextPage"], json!(false));
            assert_eq!(
                page["changes"]["totalCount"],
                json!(nodes.len()),
                "totalCount since {since} of {types}"
            );
            if types.is_null() {
                changed = nodes
                    .iter()
                    .map(|n| n["recordId"].as_str().unwrap().to_owned())
                    .collect();
            }
        }
    }
    (hits, changed)
}

backend_test!(
    withdrawing_a_parent_later_hides_what_hangs_from_it,
    empty,
    |app| async move {
        let mut b = Builder {
            app,
            token: app.editor().await,
            records: Vec::new(),
        };
        let source = b
            .create(
                "Source",
                json!({ "url": "https://example.org/wombat", "title": "Wombat gazette", "kind": "OFFICIAL" }),
                "",
            )
            .await;
        let person = b
            .create("Person", json!({ "name": "Wombat expert" }), "")
            .await;
        let program = b
            .create(
                "Program",
                json!({ "slug": "wombat-visa", "name": "Wombat visa", "country": "AU",
                        "category": "TALENT", "legalStatus": "IN_FORCE", "inForceOn": "2025-01" }),
                "",
            )
            .await;
        let pid = b.records[program].id.clone();
        let requirement = b
            .create(
                "Requirement",
                json!({ "programId": pid, "kind": "OTHER", "description": "Wombat requirement" }),
                "",
            )
            .await;
        let commentary = b
            .create(
                "Commentary",
                json!({ "personId": b.records[person].id, "sourceId": b.records[source].id,
                        "kind": "QUOTE", "stance": "NEUTRAL", "programIds": [pid],
                        "body": "Wombat commentary" }),
                "",
            )
            .await;
        let cite = async |b: &mut Builder<'_>, target: usize| {
            let input = json!({ "sourceId": b.records[source].id, "supports": b.records[target].id,
                                "excerpt": "wombat" });
            b.create("Citation", input, "").await
        };
        let of_commentary = cite(&mut b, commentary).await;
        let of_requirement = cite(&mut b, requirement).await;
        let all = [
            source,
            person,
            program,
            requirement,
            commentary,
            of_commentary,
            of_requirement,
        ];
        for at in all {
            b.transition(at, "publish").await;
        }
        let searchable = [source, person, program, requirement, commentary];
        let expect = |b: &Builder<'_>, hidden: &[usize]| {
            let shown = |ats: &[usize]| -> BTreeSet<String> {
                ats.iter()
                    .filter(|at| !hidden.contains(at))
                    .map(|at| b.records[*at].id.clone())
                    .collect()
            };
            (shown(&searchable), shown(&all))
        };
        assert_eq!(seen(app, "wombat").await, expect(&b, &[]));

        // The person is archived: what they said, and its citation, go with them.
        b.transition(person, "archive").await;
        assert_eq!(
            seen(app, "wombat").await,
            expect(&b, &[person, commentary, of_commentary])
        );
        // The program is withdrawn: its requirement and the requirement's citation too.
        b.transition(program, "unpublish").await;
        let withdrawn = [
            person,
            commentary,
            of_commentary,
            program,
            requirement,
            of_requirement,
        ];
        assert_eq!(seen(app, "wombat").await, expect(&b, &withdrawn));
        // Both come back, and so does everything hanging from them.
        b.transition(person, "restore").await;
        b.transition(person, "publish").await;
        b.transition(program, "publish").await;
        assert_eq!(seen(app, "wombat").await, expect(&b, &[]));
        // The source is archived: its citations and the commentary it reports go.
        b.transition(source, "archive").await;
        assert_eq!(
            seen(app, "wombat").await,
            expect(&b, &[source, commentary, of_commentary, of_requirement])
        );
    }
);

/// The change list, its count and a search, as a reader sees them at `base`.
async fn reader_view(client: &reqwest::Client, base: &str) -> Value {
    let body: Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": r#"{
            changes(since: "2000-01-01T00:00:00Z", first: 100) { totalCount nodes { id } }
            citations: changes(since: "2000-01-01T00:00:00Z", recordTypes: [CITATION]) { totalCount }
            search(query: "visa", first: 30) { totalCount nodes { score node { ... on Program { id } ... on Source { id } } } }
        }"# }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

backend_test!(
    a_database_from_before_gets_what_readers_see_at_start,
    seeded,
    |app| async move {
        let before = reader_view(&app.client, &app.base).await;
        assert!(before["changes"]["totalCount"].as_u64().unwrap() > 100);
        assert!(before["search"]["totalCount"].as_u64().unwrap() > 0);
        // What a database written before migration 12 holds: no answers kept on the
        // revisions, no tally, and the search index emptied by the migration.
        let db = app.db.connect().await;
        for statement in [
            "UPDATE revision SET visible = NULL",
            "DELETE FROM change_tally",
            "DELETE FROM search_term",
        ] {
            db.execute_unprepared(statement).await.unwrap();
        }
        db.close().await.unwrap();
        let upgraded =
            api::startup::Application::build(api::config::Settings::for_tests(&app.db.url))
                .await
                .expect("the upgraded server starts");
        let base = format!("http://127.0.0.1:{}", upgraded.port());
        let server = tokio::spawn(upgraded.run_until_stopped());
        assert_eq!(reader_view(&app.client, &base).await, before);
        server.abort();
    }
);
