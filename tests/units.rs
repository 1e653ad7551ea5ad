//! Importing and re-importing the official unit lists.

mod common;

use common::{Person, render, test_db};
use danvan::domain::units::parse_unit_list;
use danvan::engine::Engine;

const LIST_2025: &str = include_str!("../data/vn-admin-units-2025-07.csv");
const LIST_2026: &str = include_str!("../data/vn-admin-units-2026-07.csv");

#[tokio::test]
async fn the_official_list_loads_as_a_tree_of_34_provinces_and_3321_communes() {
    let db = test_db().await;
    let report = db
        .store
        .import_units(
            &parse_unit_list(LIST_2026).unwrap(),
            "2026",
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(report.plan.added.len(), 3355);
    let (_, units) = db.store.units().await.unwrap();
    assert_eq!(units.iter().filter(|u| u.parent_id.is_none()).count(), 34);
    assert_eq!(units.iter().filter(|u| u.parent_id.is_some()).count(), 3321);
}

#[tokio::test]
async fn reimporting_a_newer_list_renames_by_code_and_keeps_people_attached() {
    let db = test_db().await;
    db.store
        .import_units(
            &parse_unit_list(LIST_2025).unwrap(),
            "2025",
            &Default::default(),
        )
        .await
        .unwrap();
    let engine = Engine::new(db.store.clone()).await.unwrap();
    let mut p = Person::new(&engine, "ha-noi");
    p.sign_up("Phường Yên Hòa, Hà Nội").await;
    let before = render(&engine, &p.send("/mydata").await);
    assert!(
        before.contains("Phường Yên Hòa, Thành phố Hà Nội"),
        "{before}"
    );

    let report = db
        .store
        .import_units(
            &parse_unit_list(LIST_2026).unwrap(),
            "2026",
            &Default::default(),
        )
        .await
        .unwrap();
    assert!(report.plan.added.is_empty());
    assert!(report.plan.missing.is_empty());
    let renamed = report
        .plan
        .changed
        .iter()
        .find(|c| c.code == "00175" && c.field == "name")
        .unwrap();
    assert_eq!(
        (renamed.old.as_str(), renamed.new.as_str()),
        ("Phường Yên Hòa", "Phường Yên Hoà")
    );
    assert!(
        report
            .plan
            .changed
            .iter()
            .any(|c| c.field == "division_type"),
        "types change too"
    );

    // The same person, the same unit row, the new name; the running engine notices the import.
    let after = render(&engine, &p.send("/mydata").await);
    assert!(
        after.contains("Phường Yên Hoà, Thành phố Hà Nội"),
        "{after}"
    );
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let (people, code): (i64, String) = sqlx::query_as(
        "SELECT count(*), min(u.code) FROM people p JOIN units u ON u.id = p.unit_id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((people, code.as_str()), (1, "00175"));
    let history: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM unit_changes c JOIN units u ON u.id = c.unit_id WHERE u.code = '00175' AND c.old_value = 'Phường Yên Hòa'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(history, 1, "the old name is kept in the history");

    let again = db
        .store
        .import_units(
            &parse_unit_list(LIST_2026).unwrap(),
            "2026 again",
            &Default::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        again.plan,
        Default::default(),
        "re-importing the same list changes nothing"
    );
}

#[tokio::test]
async fn units_missing_from_a_file_are_kept_unless_retirement_is_asked_for() {
    let db = test_db().await;
    let full = parse_unit_list(LIST_2026).unwrap();
    db.store
        .import_units(&full, "2026", &Default::default())
        .await
        .unwrap();
    let without_tien_lu: Vec<_> = full.iter().filter(|u| u.code != "12364").cloned().collect();

    let kept = db
        .store
        .import_units(&without_tien_lu, "partial", &Default::default())
        .await
        .unwrap();
    assert_eq!(kept.plan.missing, ["12364"]);
    let engine = Engine::new(db.store.clone()).await.unwrap();
    assert!(
        engine
            .units()
            .is_place(engine.units().by_code("12364").unwrap())
    );

    db.store
        .import_units(
            &without_tien_lu,
            "partial",
            &danvan::store::units::ImportOptions {
                retire_missing: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut p = Person::new(&engine, "p");
    p.consent().await;
    let out = p.send("tien lu hung yen").await;
    let text = render(&engine, &out);
    assert!(
        !text.contains("Tiên Lữ"),
        "a retired commune is no longer offered: {text}"
    );
}

#[test]
fn malformed_lists_are_refused_with_a_clear_reason() {
    assert!(
        parse_unit_list("a,b\n1,2\n")
            .unwrap_err()
            .to_string()
            .contains("no `code` column")
    );
    let duplicated = "code,name,name_en,division_type,parent_code\n1,A,A,tỉnh,\n1,B,B,tỉnh,\n";
    assert_eq!(
        parse_unit_list(duplicated).unwrap_err().to_string(),
        "code 1 appears twice"
    );
}
