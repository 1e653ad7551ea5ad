//! The `danvan` binary as a person runs it from the README.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

fn danvan() -> Command {
    Command::new(env!("CARGO_BIN_EXE_danvan"))
}

use common::danvan_ok as run_ok;

#[tokio::test]
async fn the_shell_signs_up_a_resident_with_numbered_buttons() {
    let db = common::test_db().await;
    let mut child = danvan()
        .args(["shell", "--as", "tester"])
        .env("DATABASE_URL", &db.url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("/start\n1\n1\ntiên lữ\n1\n/mydata\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("[1] Tiếng Việt   [2] English"), "{stdout}");
    assert!(
        stdout.contains("bot> Xã Tiên Lữ, Tỉnh Hưng Yên — đúng không?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("bot> Xong! Bạn đã đăng ký tại Xã Tiên Lữ, Tỉnh Hưng Yên."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Kênh liên lạc: dòng lệnh (tester)"),
        "{stdout}"
    );
}

#[test]
fn without_server_binaries_or_a_database_url_it_says_how_to_fix_it_in_one_line() {
    let empty = std::env::temp_dir().join(format!("danvan-no-pg-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let out = danvan()
        .arg("shell")
        .env_remove("DATABASE_URL")
        .env("DANVAN_PG_BIN", &empty)
        .env("DANVAN_DATA_DIR", empty.join("data"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("apt-get install postgresql") && stderr.contains("DATABASE_URL"),
        "{stderr}"
    );
}

#[tokio::test]
async fn serve_stops_at_once_when_no_unit_has_the_home_unit_code() {
    let db = common::test_db().await;
    let out = danvan()
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("DANVAN_LISTEN", "127.0.0.1:0")
        .env("DANVAN_HOME_UNIT", "99999")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("danvan: DANVAN_HOME_UNIT: no unit has the code 99999"),
        "{stderr}"
    );
}

#[test]
fn every_setting_read_from_the_environment_is_in_the_readme_configuration_table() {
    use clap::CommandFactory;
    fn settings(command: &clap::Command, into: &mut std::collections::BTreeSet<String>) {
        into.extend(
            command
                .get_arguments()
                .filter_map(|a| a.get_env())
                .map(|env| env.to_string_lossy().into_owned()),
        );
        command.get_subcommands().for_each(|c| settings(c, into));
    }
    let readme = include_str!("../README.md");
    let table = readme
        .split("\n## Configuration\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a configuration section");
    let mut all = std::collections::BTreeSet::new();
    settings(&danvan::cli::Cli::command(), &mut all);
    assert!(all.contains("DANVAN_HOME_UNIT"), "{all:?}");
    let missing: Vec<&String> = all
        .iter()
        .filter(|s| !table.contains(&format!("`{s}`")))
        .collect();
    assert!(missing.is_empty(), "not in the README: {missing:?}");
}

#[test]
fn units_import_prints_what_changed() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(common::test_db());
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let import = |file: &str| run_ok(&["units", "import", &format!("{data}/{file}")], &db.url);
    assert!(import("vn-admin-units-2025-07.csv").starts_with("3355 added, 0 changed fields"));
    let second = import("vn-admin-units-2026-07.csv");
    assert!(second.starts_with("0 added, "), "{second}");
    assert!(
        second.contains("00175 name: \"Phường Yên Hòa\" → \"Phường Yên Hoà\""),
        "{second}"
    );
}

#[test]
fn former_names_and_boundaries_import_and_lookup_shows_what_a_resident_gets() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(common::test_db());
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
    let import = |args: &[&str]| run_ok(args, &db.url);
    import(&[
        "units",
        "import",
        &format!("{data}/vn-admin-units-2026-07.csv"),
    ]);
    let former = import(&[
        "units",
        "import",
        &format!("{data}/vn-units-formed-from-2025.csv"),
    ]);
    assert!(
        former.starts_with("10444 former names linked to 3321 units"),
        "{former}"
    );
    let geo = import(&[
        "units",
        "import-geo",
        &format!("{data}/geo/hung-yen-communes-2026.geojson"),
    ]);
    assert_eq!(geo.lines().next(), Some("104 boundaries imported"));

    let lookup = import(&["units", "lookup", "dong kinh, hung yen"]);
    let lines: Vec<&str> = lookup.lines().collect();
    assert_eq!(lines[0], "confirm:");
    assert_eq!(
        lines[1],
        "1.000  12745 Xã Bắc Đông Quan, Tỉnh Hưng Yên  ← former Xã Đông Kinh"
    );
    assert_eq!(lines[2], "candidates:");
}

#[test]
fn invite_create_prints_a_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(common::test_db());
    runtime
        .block_on(danvan::seed::demo_if_empty(&db.store))
        .unwrap();
    let code = run_ok(
        &[
            "invite",
            "create",
            "--role",
            "cadre",
            "--unit",
            "12745",
            "--uses",
            "3",
            "--expires",
            "2099-01-01",
        ],
        &db.url,
    );
    assert_eq!(code.trim().len(), 9, "{code}");
    let unknown = danvan()
        .args(["invite", "create", "--role", "admin", "--unit", "99999"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(unknown.stderr).unwrap().trim(),
        "danvan: no unit with code 99999"
    );
}
