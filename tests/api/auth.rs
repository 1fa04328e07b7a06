//! Editor authentication end to end: tokens (missing, malformed, forged, `alg: none`, expired,
//! wrong audience, revoked), roles, login errors and throttling, the command line.

use crate::common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{TEST_JWT_SECRET, TEST_PASSWORD};
use entity::enums::Role;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

const ME: &str = "{ me { email role } }";
const CREATE_PROGRAM: &str = r#"mutation { createProgram(input: { slug: "zz-auth", name: "Auth test", country: "CN", category: TALENT, legalStatus: ANNOUNCED }) { id } }"#;
const LOGIN: &str = "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token expiresAt user { email role } } }";

fn claims(sub: &str, exp_offset: i64, aud: &str, tv: i32) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({ "sub": sub, "role": "editor", "iat": now, "exp": now + exp_offset,
            "iss": "visa-kb", "aud": aud, "tv": tv })
}

fn sign(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

/// The id (`sub`) inside one of our tokens.
fn subject(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["sub"].as_str().unwrap().to_owned()
}

async fn refused(app: &common::TestApp, authorization: &str) -> String {
    let (status, body) = app
        .post_to(&app.base, Some(authorization), ME, json!({}))
        .await;
    assert_eq!(status, 401, "{authorization}: {body:#}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    body["errors"][0]["message"].as_str().unwrap().to_owned()
}

backend_test!(
    bad_tokens_get_401_never_public_access,
    empty,
    |app| async move {
        let token = app.editor().await;
        let sub = subject(&token);
        let me = app.data_as(&token, ME, json!({})).await;
        assert_eq!(me["me"]["role"], "EDITOR");

        // No token: the public, who may read but not write.
        assert_eq!(app.data(ME, json!({})).await["me"], Value::Null);
        assert_eq!(
            app.error_code(CREATE_PROGRAM, json!({})).await,
            "UNAUTHENTICATED"
        );

        refused(app, "Token abc").await;
        refused(app, "Bearer ").await;
        refused(app, "Bearer not.a.jwt").await;
        let forged = sign(
            &claims(&sub, 3600, "visa-kb-api", 1),
            "some other key of 32 bytes or more!!",
        );
        assert!(
            refused(app, &format!("Bearer {forged}"))
                .await
                .contains("signature")
        );
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(claims(&sub, 3600, "visa-kb-api", 1).to_string())
        );
        refused(app, &format!("Bearer {unsigned}")).await;
        let expired = sign(&claims(&sub, -3600, "visa-kb-api", 1), TEST_JWT_SECRET);
        assert!(
            refused(app, &format!("Bearer {expired}"))
                .await
                .contains("expired")
        );
        let other_api = sign(&claims(&sub, 3600, "another-api", 1), TEST_JWT_SECRET);
        assert!(
            refused(app, &format!("Bearer {other_api}"))
                .await
                .contains("not for this API")
        );
        let hs512 = jsonwebtoken::encode(
            &Header::new(jsonwebtoken::Algorithm::HS512),
            &claims(&sub, 3600, "visa-kb-api", 1),
            &EncodingKey::from_secret(TEST_JWT_SECRET.as_bytes()),
        )
        .unwrap();
        refused(app, &format!("Bearer {hs512}")).await;
        // Not valid yet, or valid for longer than this server issues tokens for (TTL 1 h).
        let mut early = claims(&sub, 3600, "visa-kb-api", 1);
        early["nbf"] = json!(chrono::Utc::now().timestamp() + 600);
        assert!(
            refused(app, &format!("Bearer {}", sign(&early, TEST_JWT_SECRET)))
                .await
                .contains("not valid yet")
        );
        let forever = sign(
            &claims(&sub, 365 * 24 * 3600, "visa-kb-api", 1),
            TEST_JWT_SECRET,
        );
        assert!(
            refused(app, &format!("Bearer {forever}"))
                .await
                .contains("longer")
        );
        let mut future = claims(&sub, 3600, "visa-kb-api", 1);
        future["iat"] = json!(chrono::Utc::now().timestamp() + 3000);
        assert!(
            refused(app, &format!("Bearer {}", sign(&future, TEST_JWT_SECRET)))
                .await
                .contains("future")
        );
        // A well-signed token of an older token version (before a password change): revoked.
        let old = sign(&claims(&sub, 3600, "visa-kb-api", 0), TEST_JWT_SECRET);
        assert!(
            refused(app, &format!("Bearer {old}"))
                .await
                .contains("revoked")
        );

        // Disabling the account revokes the token it holds.
        let admin = app.admin().await;
        let users = app
            .data_as(&admin, "{ users { id email } }", json!({}))
            .await;
        let editor_id = users["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"].as_str().unwrap().starts_with("editor"))
            .unwrap()["id"]
            .clone();
        app.data_as(
            &admin,
            "mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { active } }",
            json!({ "id": editor_id }),
        )
        .await;
        assert!(
            refused(app, &format!("Bearer {token}"))
                .await
                .contains("revoked")
        );
    }
);

backend_test!(
    roles_are_checked_in_every_resolver,
    empty,
    |app| async move {
        let editor = app.editor().await;
        let admin = app.admin().await;
        let create_user = r#"mutation { createUser(input: { email: "new@example.org", displayName: "New", role: EDITOR, password: "a long enough password" }) { email role active } }"#;

        let error = app.error_as(&editor, create_user, json!({})).await;
        assert_eq!(error["extensions"]["code"], "FORBIDDEN");
        let error = app
            .error_as(&editor, "{ users { email } }", json!({}))
            .await;
        assert_eq!(error["extensions"]["code"], "FORBIDDEN");
        let error = app
            .error_as(
                &editor,
                "{ auditLog { edges { node { action } } } }",
                json!({}),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "FORBIDDEN");
        assert_eq!(
            app.error_code("{ users { email } }", json!({})).await,
            "UNAUTHENTICATED"
        );
        assert_eq!(
            app.error_code(
                r#"{ revisions(of: "UHJvZ3JhbTox") { version } }"#,
                json!({})
            )
            .await,
            "UNAUTHENTICATED"
        );

        // Admins manage accounts; emails are unique whatever their case.
        let created = app.data_as(&admin, create_user, json!({})).await;
        assert_eq!(
            created["createUser"],
            json!({ "email": "new@example.org", "role": "EDITOR", "active": true })
        );
        let error = app
            .error_as(
                &admin,
                &create_user.replace("new@example.org", "NEW@Example.org"),
                json!({}),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "CONFLICT");
        assert_eq!(error["extensions"]["field"], "email");
        let error = app
            .error_as(
                &admin,
                &create_user.replace("a long enough password", "short"),
                json!({}),
            )
            .await;
        assert_eq!(error["extensions"]["field"], "password");

        // Editors write content; the admin reads who did it.
        app.data_as(&editor, CREATE_PROGRAM, json!({})).await;
        let log = app
        .data_as(
            &admin,
            r#"{ auditLog(first: 50, filter: { action: "Program.create" }) { edges { node { action userId recordType requestId ip } } } }"#,
            json!({}),
        )
        .await;
        let entry = &log["auditLog"]["edges"][0]["node"];
        assert_eq!(entry["recordType"], "Program");
        assert!(
            entry["userId"].is_string()
                && entry["requestId"].is_string()
                && entry["ip"].is_string()
        );
    }
);

backend_test!(
    failed_logins_look_alike_and_are_throttled,
    empty,
    |app| async move {
        app.create_user("ada@example.org", Role::Editor).await;
        let wrong_password = app
            .graphql(
                LOGIN,
                json!({ "e": "ada@example.org", "p": "not the password" }),
            )
            .await;
        let unknown = app
            .graphql(
                LOGIN,
                json!({ "e": "nobody@example.org", "p": "not the password" }),
            )
            .await;
        assert_eq!(
            wrong_password["errors"][0]["extensions"]["code"],
            "UNAUTHENTICATED"
        );
        assert_eq!(
            wrong_password["errors"][0]["message"],
            unknown["errors"][0]["message"]
        );
        assert_eq!(
            wrong_password["errors"][0]["extensions"],
            unknown["errors"][0]["extensions"]
        );

        // Case does not matter; a success clears the account's failures.
        let ok = app
            .data(
                LOGIN,
                json!({ "e": " ADA@example.org", "p": TEST_PASSWORD }),
            )
            .await;
        assert_eq!(ok["login"]["user"]["email"], "ada@example.org");
        assert!(ok["login"]["expiresAt"].is_string());

        for _ in 0..5 {
            let body = app
                .graphql(LOGIN, json!({ "e": "ada@example.org", "p": "guess" }))
                .await;
            assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        }
        // Throttled, even with the right password.
        let body = app
            .graphql(LOGIN, json!({ "e": "ada@example.org", "p": TEST_PASSWORD }))
            .await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "TOO_MANY_REQUESTS",
            "{body:#}"
        );
        assert!(
            body["errors"][0]["extensions"]["retryAfterSeconds"]
                .as_i64()
                .unwrap()
                > 0
        );
    }
);

backend_test!(
    admins_manage_accounts_but_never_remove_the_last_admin,
    empty,
    |app| async move {
        let admin = app.admin().await;
        let editor = app.editor().await;
        let users = app
            .data_as(&admin, "{ users { id email role } me { id } }", json!({}))
            .await;
        let me = users["me"]["id"].clone();
        let editor_id = users["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["role"] == "EDITOR")
            .unwrap()["id"]
            .clone();
        let error = app
            .error_as(
                &admin,
                "mutation($id: ID!) { updateUser(id: $id, input: { active: false }) { id } }",
                json!({ "id": me }),
            )
            .await;
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT");
        // An admin sets a password: the account's old tokens stop working.
        app.data_as(&admin,
        "mutation($id: ID!) { setUserPassword(id: $id, newPassword: \"another long password\") { email } }",
        json!({ "id": editor_id }))
        .await;
        assert!(
            refused(app, &format!("Bearer {editor}"))
                .await
                .contains("revoked")
        );
        let error = app
            .error_as(
                &admin,
                "mutation($id: ID!) { setUserPassword(id: $id, newPassword: \"short\") { email } }",
                json!({ "id": editor_id }),
            )
            .await;
        assert_eq!(error["extensions"]["field"], "newPassword");
        // Promoting the editor lets the first admin step down.
        app.data_as(
            &admin,
            "mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { role } }",
            json!({ "id": editor_id }),
        )
        .await;
        let demoted = app
            .data_as(
                &admin,
                "mutation($id: ID!) { updateUser(id: $id, input: { role: EDITOR }) { role } }",
                json!({ "id": me }),
            )
            .await;
        assert_eq!(demoted["updateUser"]["role"], "EDITOR");
    }
);

backend_test!(
    password_change_revokes_old_tokens,
    empty,
    |app| async move {
        let token = app.editor().await;
        let change = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { email } }";
        let error = app
            .error_as(
                &token,
                change,
                json!({ "c": "wrong current pw", "n": "a brand new password" }),
            )
            .await;
        assert_eq!(error["extensions"]["field"], "currentPassword");
        app.data_as(
            &token,
            change,
            json!({ "c": TEST_PASSWORD, "n": "a brand new password" }),
        )
        .await;
        assert!(
            refused(app, &format!("Bearer {token}"))
                .await
                .contains("revoked")
        );
    }
);

/// `visa-kb user create` reads the password from stdin, never from an argument.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_creates_the_first_admin() {
    use std::io::Write;
    let db = common::TestDb::create(common::Backend::Sqlite)
        .await
        .unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "error")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run(
        &[
            "user",
            "create",
            "--email",
            "Root@Example.org",
            "--role",
            "admin",
        ],
        "short\n",
    );
    assert!(!out.status.success());
    let out = run(
        &[
            "user",
            "create",
            "--email",
            "Root@Example.org",
            "--role",
            "admin",
        ],
        &format!("{TEST_PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "list"], "");
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(
        listed.contains("root@example.org\tadmin\tactive"),
        "{listed}"
    );
    // The last admin cannot be disabled; an editor can.
    let out = run(&["user", "disable", "--email", "root@example.org"], "");
    assert!(!out.status.success());
    let out = run(
        &["user", "create", "--email", "ed@example.org"],
        &format!("{TEST_PASSWORD}\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["user", "disable", "--email", "ed@example.org"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&run(&["user", "list"], "").stdout).into_owned();
    assert!(listed.contains("disabled"), "{listed}");
    db.drop_db().await;
}
