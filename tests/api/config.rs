//! Configuration: a misspelt setting stops the start with its name instead of being ignored.

fn visa_kb(envs: &[(&str, &str)]) -> std::process::Output {
    let path = std::env::temp_dir().join(format!(
        "visa_kb_config_{}_{}.db",
        std::process::id(),
        envs.len()
    ));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_visa-kb"));
    command
        .args(["migrate", "status"])
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
