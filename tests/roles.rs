//! Roles, invitations and the permission check, for every command × role, through the engine.

mod common;

use common::{Person, demo_engine, ids};
use danvan::domain::access::{Grant, Role};
use danvan::engine::Engine;

async fn invite(engine: &Engine, role: Role, unit: &str, uses: i32, days: i64) -> String {
    let unit_id = engine.units().by_code(unit).unwrap().id;
    let mut tx = engine.store().begin().await.unwrap();
    let code = tx
        .create_invite(
            &Grant { role, unit_id },
            uses,
            chrono::Utc::now() + chrono::Duration::days(days),
            "test",
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    code
}

/// Tiên Lữ and Bắc Đông Quan are communes of Hưng Yên (33).
const COMMUNE: &str = "12364";
const OTHER_COMMUNE: &str = "12745";
const PROVINCE: &str = "33";

#[tokio::test]
async fn every_command_for_every_role() {
    let (_db, engine) = demo_engine().await;
    let mut stranger = Person::new(&engine, "stranger");
    stranger.send("/start").await;
    let mut resident = Person::new(&engine, "resident");
    resident.sign_up("tien lu").await;
    let mut cadre = Person::new(&engine, "cadre");
    cadre.sign_up("tien lu").await;
    let code = invite(&engine, Role::Cadre, COMMUNE, 1, 7).await;
    assert_eq!(
        ids(&cadre.send(&format!("/join {code}")).await),
        ["join-ok"]
    );
    let mut commune_admin = Person::new(&engine, "commune-admin");
    commune_admin.sign_up("tien lu").await;
    let code = invite(&engine, Role::Admin, COMMUNE, 1, 7).await;
    commune_admin.send(&format!("/join {code}")).await;
    let mut province_admin = Person::new(&engine, "province-admin");
    province_admin.sign_up("bac dong quan").await;
    let code = invite(&engine, Role::Admin, PROVINCE, 1, 7).await;
    province_admin.send(&format!("/join {code}")).await;

    let invite_here = format!("/invite cadre {COMMUNE}");
    let invite_there = format!("/invite cadre {OTHER_COMMUNE}");
    let invite_province = format!("/invite admin {PROVINCE}");
    // (command, stranger, resident, cadre, commune admin, province admin): the first reply's id.
    let table: Vec<(&str, [&str; 5])> = vec![
        (
            "/mydata",
            ["need-signup", "mydata", "mydata", "mydata", "mydata"],
        ),
        (
            "/unit",
            [
                "need-signup",
                "unit-ask-or-share",
                "unit-ask-or-share",
                "unit-ask-or-share",
                "unit-ask-or-share",
            ],
        ),
        (
            "/stop",
            ["need-signup", "stopped", "stopped", "stopped", "stopped"],
        ),
        (
            "/start",
            [
                "greeting",
                "welcome-back",
                "welcome-back",
                "welcome-back",
                "welcome-back",
            ],
        ),
        (
            "/forget",
            [
                "need-signup",
                "forget-confirm",
                "forget-confirm",
                "forget-confirm",
                "forget-confirm",
            ],
        ),
        (
            "/join NOPE-NOPE",
            [
                "need-signup",
                "join-unknown",
                "join-unknown",
                "join-unknown",
                "join-unknown",
            ],
        ),
        (
            "/invite",
            [
                "invite-usage",
                "invite-usage",
                "invite-usage",
                "invite-usage",
                "invite-usage",
            ],
        ),
        (
            &invite_here,
            [
                "need-signup",
                "not-allowed",
                "not-allowed",
                "invite-created",
                "invite-created",
            ],
        ),
        (
            &invite_there,
            [
                "need-signup",
                "not-allowed",
                "not-allowed",
                "not-allowed",
                "invite-created",
            ],
        ),
        (
            &invite_province,
            [
                "need-signup",
                "not-allowed",
                "not-allowed",
                "not-allowed",
                "invite-created",
            ],
        ),
        ("/help", ["help-signup", "help", "help", "help", "help"]),
    ];
    let people = [
        &mut stranger,
        &mut resident,
        &mut cadre,
        &mut commune_admin,
        &mut province_admin,
    ];
    let names = [
        "stranger",
        "resident",
        "cadre",
        "commune admin",
        "province admin",
    ];
    for (i, person) in people.into_iter().enumerate() {
        for (command, expected) in &table {
            let out = person.send(command).await;
            assert_eq!(ids(&out)[0], expected[i], "{command} as {}", names[i]);
            // Leave pending confirmations so the next command starts clean.
            if ids(&out)[0] == "forget-confirm" {
                person.press("forget:no").await;
            }
            if ids(&out)[0] == "unit-ask-or-share" {
                person.press("cmd:menu").await;
            }
        }
    }
}

#[tokio::test]
async fn an_admin_without_a_unit_code_invites_to_their_own_unit() {
    let (_db, engine) = demo_engine().await;
    let mut admin = Person::new(&engine, "admin");
    admin.sign_up("tien lu").await;
    let code = invite(&engine, Role::Admin, COMMUNE, 1, 7).await;
    admin.send(&format!("/join {code}")).await;
    let created = admin.send("/invite can bo").await;
    assert_eq!(ids(&created), ["invite-created"]);
    let text = common::render(&engine, &created);
    assert!(
        text.starts_with("Mã mời cán bộ tại Xã Tiên Lữ, Tỉnh Hưng Yên: "),
        "{text}"
    );

    // The code it printed works once, for someone else.
    let new_code = text
        .split(": ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let mut cadre = Person::new(&engine, "new-cadre");
    cadre.sign_up("tien lu").await;
    assert_eq!(
        ids(&cadre
            .send(&format!("/join {}", new_code.to_lowercase()))
            .await),
        ["join-ok"]
    );
    let mut late = Person::new(&engine, "late");
    late.sign_up("tien lu").await;
    assert_eq!(
        ids(&late.send(&format!("/join {new_code}")).await),
        ["join-used-up"]
    );
}

#[tokio::test]
async fn invitations_expire_and_unknown_codes_are_refused() {
    let (_db, engine) = demo_engine().await;
    let mut p = Person::new(&engine, "p");
    p.sign_up("tien lu").await;
    let expired = invite(&engine, Role::Cadre, COMMUNE, 5, -1).await;
    assert_eq!(
        ids(&p.send(&format!("/join {expired}")).await),
        ["join-expired"]
    );
    assert_eq!(ids(&p.send("/join").await), ["join-usage"]);
    let data = common::render(&engine, &p.send("/mydata").await);
    assert!(data.contains("Vai trò: người dân"), "{data}");

    let good = invite(&engine, Role::Cadre, COMMUNE, 5, 1).await;
    p.send(&format!("/join {good}")).await;
    let data = common::render(&engine, &p.send("/mydata").await);
    assert!(
        data.contains("Vai trò: cán bộ — Xã Tiên Lữ, Tỉnh Hưng Yên"),
        "{data}"
    );
}
