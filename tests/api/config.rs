//! Configuration: a misspelt setting stops the start with its name instead of being ignored.

fn visa_kb(envs: &[(&str, &str)]) -> std::process::Output {
    visa_kb_with(&["migrate", "status"], envs)
}

fn visa_kb_with(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let path = std::env::temp_dir().join(format!(
        "visa_kb_config_{}_{}.db",
        std::process::id(),
        envs.len()
    ));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"));
    command
        .args(args)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", path.display()),
        )
        .env("RUST_LOG", "error");
    for (key, value) in envs {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    std::fs::remove_file(&path).ok();
    out
}

#[test]
fn an_unknown_setting_stops_the_start_with_its_name() {
    let misspelt = visa_kb(&[("VISA_KB_MAX_DEPT", "12")]);
    assert!(!misspelt.status.success());
    let stderr = String::from_utf8_lossy(&misspelt.stderr);
    assert!(stderr.contains("max_dept"), "{stderr}");

    let file = std::env::temp_dir().join(format!("visa_kb_config_{}.toml", std::process::id()));
    std::fs::write(&file, "max_dept = 12\n").unwrap();
    let in_file = visa_kb(&[("VISA_KB_CONFIG", file.to_str().unwrap())]);
    assert!(!in_file.status.success());
    assert!(String::from_utf8_lossy(&in_file.stderr).contains("max_dept"));

    std::fs::write(&file, "max_depth = 12\n").unwrap();
    let right = visa_kb(&[
        ("VISA_KB_CONFIG", file.to_str().unwrap()),
        ("VISA_KB_MAX_PAGE_SIZE", "50"),
    ]);
    assert!(right.status.success(), "{right:?}");
    std::fs::remove_file(&file).ok();
}

#[test]
fn logs_are_json_lines_without_colour_codes_unless_asked_otherwise() {
    // A configuration error is logged; stderr here is a pipe, not a terminal.
    let auto = visa_kb(&[("VISA_KB_WORKERS", "0")]);
    let stderr = String::from_utf8_lossy(&auto.stderr).into_owned();
    assert!(!stderr.contains('\u{1b}'), "no ANSI codes: {stderr}");
    let line = stderr.lines().next().unwrap_or_default();
    let event: serde_json::Value = serde_json::from_str(line).expect("a JSON log line");
    assert_eq!(event["level"], "ERROR", "{event}");
    assert!(
        event["fields"]["message"]
            .as_str()
            .unwrap()
            .contains("VISA_KB_WORKERS")
    );

    // Asked for text: text, still without colour codes in a pipe. (An import logs at info.)
    let file = std::env::temp_dir().join(format!("visa_kb_log_{}.json", std::process::id()));
    std::fs::write(&file, r#"{"format": "visa-kb/v1"}"#).unwrap();
    let pretty = visa_kb_with(
        &["import", file.to_str().unwrap()],
        &[("VISA_KB_LOG_FORMAT", "pretty"), ("RUST_LOG", "info")],
    );
    std::fs::remove_file(&file).ok();
    let stderr = String::from_utf8_lossy(&pretty.stderr).into_owned();
    assert!(
        stderr.contains("INFO") && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_err())
    );

    let bad = visa_kb(&[("VISA_KB_LOG_FORMAT", "xml")]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("VISA_KB_LOG_FORMAT"));
}

#[test]
fn each_request_gets_one_access_log_line() {
    use std::io::{BufRead, BufReader};
    let path = std::env::temp_dir().join(format!("visa_kb_access_{}.db", std::process::id()));
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", path.display()),
        )
        .env("VISA_KB_ADDR", "127.0.0.1:0")
        .env("VISA_KB_SEED", "false")
        .env("VISA_KB_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut next_event = || -> serde_json::Value {
        let line = lines.next().unwrap().unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    };
    let address = loop {
        let event = next_event();
        if let Some(address) = event["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let status = runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{address}/graphql"))
            .header("x-request-id", "test-request-1")
            .json(&serde_json::json!({ "query": "query Totals { programs { totalCount } }" }))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);
    let access = loop {
        let event = next_event();
        if event["target"] == "access" {
            break event;
        }
    };
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_file(&path).ok();
    let fields = &access["fields"];
    assert_eq!(fields["method"], "POST", "{access}");
    assert_eq!(fields["path"], "/graphql");
    assert_eq!(fields["status"], 200);
    assert_eq!(fields["operation"], "Totals");
    assert_eq!(fields["client"], "127.0.0.1");
    assert!(fields["duration_ms"].as_f64().unwrap() >= 0.0);
    assert_ne!(fields["request_id"], "-", "{access}");
}

#[test]
fn traces_go_to_the_otlp_collector_when_configured() {
    use std::io::{BufRead, BufReader, Read, Write};
    // A stand-in collector: answers every POST with 200 and reports its path and body.
    let collector = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", collector.local_addr().unwrap());
    let (sent, received) = std::sync::mpsc::channel::<(String, Vec<u8>)>();
    std::thread::spawn(move || {
        for stream in collector.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                if header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .unwrap();
            let path = request_line
                .split(' ')
                .nth(1)
                .unwrap_or_default()
                .to_owned();
            if sent.send((path, body)).is_err() {
                break;
            }
        }
    });

    let path = std::env::temp_dir().join(format!("visa_kb_otlp_{}.db", std::process::id()));
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}?mode=rwc", path.display()),
        )
        .env("VISA_KB_ADDR", "127.0.0.1:0")
        .env("VISA_KB_SEED", "false")
        .env("VISA_KB_LOG_FORMAT", "json")
        .env("VISA_KB_OTLP_ENDPOINT", &endpoint)
        // Export within 100 ms instead of the default 5 s.
        .env("OTEL_BSP_SCHEDULE_DELAY", "100")
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let address = loop {
        let line = lines.next().unwrap().unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        if let Some(address) = event["fields"]["address"].as_str() {
            break address.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        reqwest::Client::new()
            .post(format!("{address}/graphql"))
            .header("x-request-id", "traced-request-1")
            .json(&serde_json::json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap()
    });
    // OTLP protobuf: the strings are in the body as they are. Batches until the request's
    // span has come (or 10 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let mut exported = Vec::new();
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        let Ok((path, body)) = received.recv_timeout(left) else {
            break;
        };
        assert_eq!(path, "/v1/traces");
        exported.extend_from_slice(&body);
        if String::from_utf8_lossy(&exported).contains("/graphql") {
            break;
        }
    }
    server.kill().ok();
    server.wait().ok();
    std::fs::remove_file(&path).ok();
    let text = String::from_utf8_lossy(&exported);
    assert!(text.contains("visa-kb"), "the service name: {text}");
    assert!(text.contains("POST /graphql"), "the request's span: {text}");
    assert!(text.contains("request_id"), "with its request id: {text}");
    assert!(text.contains("/graphql"), "its route: {text}");
}
