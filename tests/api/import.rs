//! Import: transactional, idempotent, keeps fee history, drafts stay private; and the CLI.

use crate::common;

use api::import::{ImportError, import_json};
use base64::Engine;
use serde_json::json;

fn doc(programs: serde_json::Value) -> String {
    json!({"format": "visa-kb/v1", "programs": programs}).to_string()
}

fn program(slug: &str, fees: serde_json::Value) -> serde_json::Value {
    json!({"slug": slug, "name": "Test program", "country": "NZ", "category": "talent", "legal_status": "in_force", "fees": fees})
}

backend_test!(
    a_bad_record_changes_nothing_and_says_where,
    seeded,
    |app| async move {
        let db = app.db.connect().await;

        let before = total(app).await;
        let bad = doc(json!([
            program("first-ok", json!([])),
            program(
                "second-bad",
                json!([{"label": "Visa fee", "amount": 10, "currency": "dollars"}])
            ),
        ]));
        let err = import_json(&db, &bad, None).await.unwrap_err();
        match err {
            ImportError::Invalid { record, field, .. } => {
                assert_eq!(record, "programs[1] (second-bad)");
                assert_eq!(field, "fees[0].currency");
            }
            other => panic!("expected a validation error, got {other}"),
        }
        assert_eq!(
            total(app).await,
            before,
            "the first, valid program was rolled back too"
        );

        for (bad, expect) in [
            (
                doc(
                    json!([{"slug": "Bad Slug", "name": "x", "country": "NZ", "category": "talent", "legal_status": "in_force"}]),
                ),
                "slug",
            ),
            (
                doc(
                    json!([{"slug": "ok", "name": "x", "country": "QQ", "category": "talent", "legal_status": "in_force"}]),
                ),
                "country",
            ),
            (
                doc(json!([program(
                    "ok",
                    json!([{"label": "x", "amount": "1.00001", "currency": "USD"}])
                )])),
                "fees[0].amount",
            ),
            (
                doc(json!([program(
                    "ok",
                    json!([{"label": "x", "effective_from": "2025-02-30"}])
                )])),
                "fees[0].effective_from",
            ),
            (
                doc(json!([program(
                    "ok",
                    json!([{"label": "x", "effective_from": "2025-02-01", "effective_until": "2025-01-01"}])
                )])),
                "fees[0].effective_until",
            ),
        ] {
            match import_json(&db, &bad, None).await {
                Err(ImportError::Invalid { field, .. }) => assert_eq!(field, expect),
                other => panic!("expected an error on {expect}, got {other:?}"),
            }
        }
        // Text PostgreSQL cannot hold is the file's mistake, named, on both backends.
        let nul = doc(json!([{"slug": "ok", "name": "K\u{0}visa", "country": "NZ",
                              "category": "talent", "legal_status": "in_force"}]));
        match import_json(&db, &nul, None).await {
            Err(ImportError::Invalid { record, field, .. }) => {
                assert_eq!((record.as_str(), field.as_str()), ("programs[0]", "name"))
            }
            other => panic!("expected a NUL error, got {other:?}"),
        }
        assert!(matches!(
            import_json(&db, "{not json", None).await,
            Err(ImportError::Format(_))
        ));
        assert!(matches!(
            import_json(&db, r#"{"format": "other/v9"}"#, None).await,
            Err(ImportError::Format(_))
        ));
        let unknown_field = r#"{"format": "visa-kb/v1", "programs": [], "surprise": 1}"#;
        assert!(matches!(
            import_json(&db, unknown_field, None).await,
            Err(ImportError::Format(_))
        ));
        assert_eq!(total(app).await, before);
    }
);

backend_test!(
    importing_the_seed_again_changes_nothing,
    seeded,
    |app| async move {
        let db = app.db.connect().await;
        let research = include_str!("../../data/programs.research.json");
        let curation = include_str!("../../data/programs.research.curation.json");
        let report = import_json(&db, research, Some(curation)).await.unwrap();
        assert_eq!((report.created, report.updated), (0, 0), "{report:?}");
        let report = import_json(
            &db,
            include_str!("../../data/datasets/globenomad/visas.json"),
            None,
        )
        .await
        .unwrap();
        assert_eq!((report.created, report.updated), (0, 0), "{report:?}");
        let report = import_json(
            &db,
            include_str!("../../data/curated/source-article.visa-kb.json"),
            None,
        )
        .await
        .unwrap();
        assert_eq!((report.created, report.updated), (0, 0), "{report:?}");
    }
);

async fn total(app: &common::TestApp) -> u64 {
    app.data("{ programs { totalCount } }", json!({})).await["programs"]["totalCount"]
        .as_u64()
        .unwrap()
}

/// Whether `node(id:)` answers null for the global ID of `Type:id`.
async fn node_is_hidden(app: &common::TestApp, type_and_id: &str) -> bool {
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(type_and_id);
    let node = app
        .data(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    node["node"].is_null()
}

backend_test!(a_new_fee_closes_the_old_one, empty, |app| async move {
    let db = app.db.connect().await;
    let old = json!({"label": "Application fee", "amount": 100, "currency": "NZD", "effective_from": "2020-01-01"});
    import_json(
        &db,
        &doc(json!([program("fee-history", json!([old]))])),
        None,
    )
    .await
    .unwrap();
    let new = json!({"label": "Application fee", "amount": "150.50", "currency": "NZD", "effective_from": "2024-07-01"});
    import_json(
        &db,
        &doc(json!([program("fee-history", json!([new]))])),
        None,
    )
    .await
    .unwrap();
    let data = app
        .data(
            r#"{ program(slug: "fee-history") { all: fees { amount { amount } effectiveFrom effectiveUntil current }
                now: fees(current: true) { amount { amount } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        data["program"]["all"],
        json!([
            {"amount": {"amount": "100"}, "effectiveFrom": "2020-01-01", "effectiveUntil": "2024-06-30", "current": false},
            {"amount": {"amount": "150.5"}, "effectiveFrom": "2024-07-01", "effectiveUntil": null, "current": true},
        ])
    );
    assert_eq!(
        data["program"]["now"],
        json!([{"amount": {"amount": "150.5"}}])
    );
});

backend_test!(drafts_are_invisible_to_readers, seeded, |app| async move {
    let db = app.db.connect().await;
    let before = app.data("{ programs { totalCount } }", json!({})).await;
    let draft = json!({
        "format": "visa-kb/v1", "draft": true,
        "programs": [program("secret-draft", json!([{"label": "Fee", "amount": 1, "currency": "USD"}]))],
        "commentaries": [{"group": "Insiders", "kind": "quote", "body": "Not yet public", "stance": "neutral", "programs": ["secret-draft", "cn-k-visa"]}]
    });
    import_json(&db, &draft.to_string(), None).await.unwrap();
    assert_eq!(
        app.error_code(r#"{ program(slug: "secret-draft") { name } }"#, json!({}))
            .await,
        "NOT_FOUND"
    );
    let after = app.data("{ programs { totalCount } }", json!({})).await;
    assert_eq!(before, after, "counts do not include drafts");
    let text = app
        .data(
            r#"{ programs(filter: {text: "Test program"}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(text["programs"]["totalCount"], 0);
    let k = app
        .data(
            r#"{ program(slug: "cn-k-visa") { commentaries { body } } }"#,
            json!({}),
        )
        .await;
    assert!(
        !k.to_string().contains("Not yet public"),
        "draft commentary hidden from nested fields"
    );
    let all = app
        .data("{ commentaries(first: 100) { nodes { body } } }", json!({}))
        .await;
    assert!(!all.to_string().contains("Not yet public"));
    let export = app
        .get_json("/export/programs.json?text=Test%20program")
        .await;
    assert_eq!(export, json!([]), "exports leave drafts out");

    // Even a guessed global ID reveals nothing.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let row = entity::program::Entity::find()
        .filter(entity::program::Column::Slug.eq("secret-draft"))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(node_is_hidden(app, &format!("Program:{}", row.id)).await);
    let fee = entity::fee::Entity::find()
        .filter(entity::fee::Column::ProgramId.eq(row.id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(node_is_hidden(app, &format!("Fee:{}", fee.id)).await);
});

#[tokio::test]
async fn the_cli_imports_a_file_or_explains_why_not() {
    let db = common::TestDb::create(common::Backend::Sqlite)
        .await
        .unwrap();
    let dir = std::env::temp_dir();
    let good = dir.join(format!("visa-kb-good-{}.json", std::process::id()));
    let bad = dir.join(format!("visa-kb-bad-{}.json", std::process::id()));
    std::fs::write(&good, doc(json!([program("cli-import", json!([]))]))).unwrap();
    std::fs::write(
        &bad,
        doc(json!([program(
            "cli-bad",
            json!([{"label": "x", "currency": "ZZZ"}])
        )])),
    )
    .unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"))
            .args(["import", &file.display().to_string()])
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let ok = run(&good);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(report["programs"], 1);
    let failed = run(&bad);
    assert!(!failed.status.success());
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("programs[0] (cli-bad)")
            && stderr.contains("fees[0].currency")
            && stderr.contains("nothing was changed"),
        "{stderr}"
    );
    db.drop_db().await;
    let _ = std::fs::remove_file(good);
    let _ = std::fs::remove_file(bad);
}

#[test]
fn migrate_says_what_it_did_whatever_the_log_level() {
    let path = std::env::temp_dir().join(format!("visa_kb_migrate_{}.db", std::process::id()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let run = |action: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"))
            .args(["migrate", action])
            .env("DATABASE_URL", &url)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        assert!(out.status.success(), "{action}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run("status").lines().all(|l| l.starts_with("pending ")));
    let up = run("up");
    assert!(up.contains("applied m20261129_000001_core"), "{up}");
    let down = run("down");
    assert!(down.starts_with("rolled back "), "{down}");
    let last = down.trim().trim_start_matches("rolled back ");
    let status = run("status");
    assert!(status.contains(&format!("pending  {last}")), "{status}");
    assert_eq!(run("up").trim(), format!("applied {last}"));
    assert_eq!(run("up").trim(), "up to date: nothing to apply");
    std::fs::remove_file(&path).ok();
}
