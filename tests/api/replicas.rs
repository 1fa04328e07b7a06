//! Several replicas starting together on one PostgreSQL database: migrations and the first-start
//! seed run once (advisory locks), and every replica serves the same data.

use crate::common;

use api::config::Settings;
use api::startup::Application;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn replicas_starting_together_migrate_and_seed_once() {
    let Some(db) = common::TestDb::create(common::Backend::Postgres).await else {
        eprintln!("TEST_DATABASE_URL is not set: PostgreSQL replica test not run");
        return;
    };
    let start = |url: String| async move {
        let mut settings = Settings::for_tests(&url);
        settings.seed = true;
        Application::build(settings)
            .await
            .expect("a replica starts")
    };
    let (a, b, c) = tokio::join!(
        start(db.url.clone()),
        start(db.url.clone()),
        start(db.url.clone())
    );
    let ports = [a.port(), b.port(), c.port()];
    for app in [a, b, c] {
        tokio::spawn(app.run_until_stopped());
    }
    let client = reqwest::Client::new();
    for port in ports {
        let body: serde_json::Value = client
            .post(format!("http://127.0.0.1:{port}/graphql"))
            .json(&json!({"query": "{ programs { totalCount } sources { totalCount } }"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            body["data"]["programs"]["totalCount"], 67,
            "seeded exactly once: {body}"
        );
    }
    db.drop_db().await;
}
