//! The `liaison` command line, run as a user runs it: the real binary, a fresh data directory.

// Tests fail loudly on what they did not expect; the workspace bans these outside tests only.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use tempfile::TempDir;

fn liaison(dir: &TempDir, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
    command
        .args(args)
        .current_dir(dir.path())
        .env("LIAISON_DATA_DIR", dir.path().join("data"))
        .env("LIAISON_LOG__FILTER", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the liaison binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const PRODUCTION_SECRETS: [(&str, &str); 4] = [
    ("LIAISON_PROFILE", "production"),
    (
        "LIAISON_AUTH__JWT_SECRET",
        "a production secret that is long enough to use",
    ),
    (
        "LIAISON_STATIONS__SCENE_SECRET",
        "another production secret, also long enough",
    ),
    (
        "LIAISON_CASES__CONTACT_PHONE_KEY",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    ),
];

#[test]
fn openapi_prints_the_committed_document() {
    let dir = TempDir::new().unwrap();
    let output = liaison(&dir, &[], &["openapi"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi/openapi.json"
    ))
    .unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn production_refuses_the_built_in_jwt_secret_in_one_line() {
    let dir = TempDir::new().unwrap();
    let output = liaison(&dir, &[("LIAISON_PROFILE", "production")], &["serve"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("LIAISON_AUTH__JWT_SECRET"), "{message}");
    assert_eq!(message.trim().lines().count(), 1, "{message}");
}

#[test]
fn production_refuses_dev_login() {
    let dir = TempDir::new().unwrap();
    let mut env = PRODUCTION_SECRETS.to_vec();
    env.push(("LIAISON_AUTH__DEV_LOGIN", "true"));
    let output = liaison(&dir, &env, &["serve"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("LIAISON_AUTH__DEV_LOGIN"),
        "{}",
        stderr(&output)
    );
    let demo = liaison(&dir, &PRODUCTION_SECRETS, &["serve", "--demo"]);
    assert!(
        !demo.status.success(),
        "--demo turns dev login on, which production refuses"
    );
}

#[test]
fn a_wrong_database_url_fails_at_start_with_a_clear_message() {
    let dir = TempDir::new().unwrap();
    let output = liaison(
        &dir,
        &[("LIAISON_DATABASE__URL", "mysql://root:hunter2@localhost/x")],
        &["migrate"],
    );
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(message.contains("unsupported database URL"), "{message}");
    assert!(
        !message.contains("hunter2"),
        "the password never shows: {message}"
    );

    let unreachable = liaison(
        &dir,
        &[(
            "LIAISON_DATABASE__URL",
            "postgres://liaison:hunter2@127.0.0.1:1/liaison",
        )],
        &["migrate"],
    );
    assert!(!unreachable.status.success());
    let message = stderr(&unreachable);
    assert!(message.contains("cannot open database"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn migrate_creates_the_sqlite_database_under_the_data_dir() {
    let dir = TempDir::new().unwrap();
    let output = liaison(&dir, &[], &["migrate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("data/liaison.db").exists());
}

#[test]
fn admin_create_bootstraps_a_county_once_per_phone() {
    let dir = TempDir::new().unwrap();
    let args = [
        "admin",
        "create",
        "--phone",
        "13811112222",
        "--county",
        "西平县",
        "--code",
        "XP",
    ];
    let env = [("LIAISON_ADMIN_PASSWORD", "a strong password")];
    let first = liaison(&dir, &env, &args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(String::from_utf8_lossy(&first.stdout).contains("new county"));

    let again = liaison(&dir, &env, &args);
    assert!(!again.status.success());
    let message = stderr(&again);
    assert!(message.contains("138****2222"), "{message}");
    assert!(
        !message.contains("13811112222"),
        "the full phone never shows: {message}"
    );
}

#[test]
fn a_missing_config_file_is_named() {
    let dir = TempDir::new().unwrap();
    let output = liaison(&dir, &[], &["--config", "nowhere.toml", "migrate"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("nowhere.toml"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn worker_runs_alone_and_stops_on_sigterm() {
    let dir = TempDir::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_liaison"))
        .arg("worker")
        .current_dir(dir.path())
        .env("LIAISON_DATA_DIR", dir.path().join("data"))
        .env("LIAISON_LOG__FILTER", "info")
        .env("LIAISON_LOG__FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It opens and migrates the database like the server does.
    let db = dir.path().join("data/liaison.db");
    for _ in 0..100 {
        if db.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let sent = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(logs.contains("liaison worker is running"), "{logs}");
    assert!(logs.contains("liaison worker stopped"), "{logs}");
    assert!(db.exists());
}

#[test]
fn a_sigterm_during_start_up_stops_the_server_cleanly() {
    let dir = TempDir::new().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_liaison"))
        .arg("serve")
        .current_dir(dir.path())
        .env("LIAISON_DATA_DIR", dir.path().join("data"))
        .env("LIAISON_HTTP__ADDR", "127.0.0.1:0")
        .env("LIAISON_LOG__FILTER", "info")
        .env("LIAISON_LOG__FORMAT", "json")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The database file appears while migrations run: well before the server listens.
    let db = dir.path().join("data/liaison.db");
    for _ in 0..200 {
        if db.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the signal was held until the server could stop: {output:?}"
    );
    let logs = String::from_utf8_lossy(&output.stdout);
    assert!(logs.contains("liaison stopped"), "{logs}");
}
