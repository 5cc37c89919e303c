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

/// `seed` twice: the cases add up, numbers continue the day counters, and every row obeys the
/// rules a real case does (status against its timestamps and timeline, ratings only once
/// rated, search terms from the domain, an FTS index in step).
#[tokio::test]
async fn seed_raises_cases_that_obey_the_rules_and_can_run_again() {
    use liaison_domain::search::index_terms;
    use sea_orm::{ConnectionTrait, Database, Statement};

    let dir = TempDir::new().unwrap();
    for _ in 0..2 {
        let output = liaison(&dir, &[], &["seed", "--cases", "400"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let printed = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(printed.starts_with("seeded 400 cases"), "{printed}");
    }
    let url = format!("sqlite://{}/liaison.db", dir.path().join("data").display());
    let db = Database::connect(&url).await.unwrap();
    let count = |sql: &str| {
        let db = &db;
        let sql = sql.to_owned();
        async move {
            let row = db
                .query_one(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM cases").await, 800);
    assert_eq!(
        count("SELECT count(DISTINCT station_id) FROM cases").await,
        20
    );
    assert!(count("SELECT count(DISTINCT status) FROM cases").await >= 5);
    for broken in [
        // Every case starts with its submission, by its resident.
        "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e \
         WHERE e.case_id = c.id AND e.kind = 'submitted' AND e.actor_id = c.resident_id)",
        // Status against timestamps.
        "SELECT count(*) FROM cases WHERE status = 'submitted' AND first_response_at IS NOT NULL",
        "SELECT count(*) FROM cases WHERE status <> 'submitted' AND first_response_at IS NULL",
        "SELECT count(*) FROM cases WHERE status IN ('resolved', 'closed') AND resolved_at IS NULL",
        "SELECT count(*) FROM cases WHERE status IN ('closed', 'declined') AND closed_at IS NULL",
        "SELECT count(*) FROM cases WHERE status NOT IN ('closed', 'declined') \
         AND closed_at IS NOT NULL",
        "SELECT count(*) FROM cases WHERE status IN ('assigned', 'handled') \
         AND department_id IS NULL",
        // Ratings only on rated cases, and a closing rating is a satisfied one.
        "SELECT count(*) FROM cases c WHERE rating IS NOT NULL AND NOT EXISTS \
         (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.kind = 'rated')",
        "SELECT count(*) FROM cases WHERE status = 'closed' AND rating = 'unsatisfied' \
         AND reopen_count = 0",
        "SELECT count(*) FROM cases WHERE status IN ('submitted', 'declined') \
         AND rating IS NOT NULL",
        // Internal steps are marked internal.
        "SELECT count(*) FROM case_events WHERE kind IN ('overdue', 'escalated') AND NOT internal",
        // The next number of a day continues after the seeded ones.
        "SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_counters k \
         WHERE k.day = substr(c.number, 4, 8) AND k.seq >= CAST(substr(c.number, 13) AS INTEGER))",
    ] {
        assert_eq!(count(broken).await, 0, "{broken}");
    }
    let rows = db
        .query_all(Statement::from_string(
            db.get_database_backend(),
            "SELECT number, title, content, location, search_terms FROM cases",
        ))
        .await
        .unwrap();
    for row in rows {
        let text = |column: &str| row.try_get::<String>("", column).unwrap();
        let location: Option<String> = row.try_get("", "location").unwrap();
        assert_eq!(
            text("search_terms"),
            index_terms(
                &text("number"),
                &text("title"),
                &text("content"),
                location.as_deref()
            )
        );
    }
    db.execute_unprepared("INSERT INTO case_search(case_search) VALUES ('integrity-check')")
        .await
        .unwrap();
}
