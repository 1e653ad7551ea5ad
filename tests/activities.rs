//! Cadres logging activities with the one-message quick form, and `/mylogs` with soft delete.

mod common;

use common::{Person, button_labels, demo_engine, ids, render};

async fn cadre<'a>(
    engine: &'a danvan::engine::Engine,
    db: &common::TestDb,
    name: &str,
    unit: &str,
) -> Person<'a> {
    let mut p = Person::new(engine, name);
    p.sign_up("tien lu").await;
    sqlx::query(
        "INSERT INTO role_grants (person_id, role, unit_id)
         SELECT c.person_id, 'cadre', u.id FROM chats c, units u WHERE c.address = $1 AND u.code = $2",
    )
    .bind(name)
    .bind(unit)
    .execute(&sqlx::PgPool::connect(&db.url).await.unwrap())
    .await
    .unwrap();
    p
}

#[tokio::test]
async fn a_cadre_logs_with_the_quick_form_and_gets_named_errors() {
    let (db, engine) = demo_engine().await;
    let mut c = cadre(&engine, &db, "cadre", "12364").await;

    let saved = c
        .send("/log kt | Mô hình nuôi ong | 25 người | 12/4/2026")
        .await;
    assert_eq!(ids(&saved), ["log-saved"]);
    assert_eq!(
        render(&engine, &saved),
        "Đã ghi hoạt động “Mô hình nuôi ong” — Kinh tế, ngày 12/4/2026, 25 người, tại Xã Tiên Lữ, Tỉnh Hưng Yên. Xem và xoá: /mylogs "
    );
    // Without diacritics, another order, no count.
    let saved = c
        .send("/log hom qua | Ngay hoi dai doan ket | van hoa")
        .await;
    assert!(
        render(&engine, &saved).contains("Văn hóa – xã hội"),
        "{}",
        render(&engine, &saved)
    );

    let missing = c.send("/log Mô hình nuôi ong | 25 người").await;
    assert_eq!(ids(&missing), ["log-error-no-sector"]);
    assert!(render(&engine, &missing).contains("/log kt | Mô hình nuôi ong | 25 người | 12/4"));
    assert_eq!(
        ids(&c.send("/log kt | Nuôi ong | Trồng rau").await),
        ["log-error-two-titles"]
    );
    assert_eq!(
        ids(&c.send("/log kt | Nuôi ong | 31/4").await),
        ["log-error-date"]
    );
    assert_eq!(ids(&c.send("/log").await), ["log-usage"]);

    let mut resident = Person::new(&engine, "resident");
    resident.sign_up("tien lu").await;
    assert_eq!(
        ids(&resident.send("/log kt | Nuôi ong").await)[0],
        "not-allowed"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM activities")
        .fetch_one(&sqlx::PgPool::connect(&db.url).await.unwrap())
        .await
        .unwrap();
    assert_eq!(count, 2, "errors and refusals store nothing");
}

#[tokio::test]
async fn mylogs_lists_and_deletes_softly_with_an_audit_trail() {
    let (db, engine) = demo_engine().await;
    let mut c = cadre(&engine, &db, "cadre", "12364").await;
    c.send("/log kt | Nuôi ong | 12/4/2026").await;
    c.send("/log qpan | Tổ tự quản | 13/4/2026").await;
    let listed = c.send("/mylogs").await;
    assert_eq!(
        button_labels(&engine, &listed),
        ["🗑 Tổ tự quản (13/4/2026)", "🗑 Nuôi ong (12/4/2026)"]
    );
    let payload = listed.replies[0].buttons[1][0].payload.clone();

    // Someone else's log is not theirs to delete.
    let mut other = cadre(&engine, &db, "other", "12364").await;
    assert_eq!(ids(&other.press(&payload).await), ["button-expired"]);

    assert_eq!(ids(&c.tap("🗑 Nuôi ong (12/4/2026)").await), ["log-deleted"]);
    assert_eq!(
        ids(&c.press(&payload).await),
        ["button-expired"],
        "deleted once"
    );
    assert_eq!(
        button_labels(&engine, &c.send("/mylogs").await),
        ["🗑 Tổ tự quản (13/4/2026)"]
    );
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let audit: Vec<(String, bool, bool)> = sqlx::query_as(
        "SELECT action, before IS NOT NULL, after IS NOT NULL FROM log_audit ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        audit,
        [
            ("create".into(), false, true),
            ("create".into(), false, true),
            ("delete".into(), true, false)
        ]
    );
    let kept: i64 =
        sqlx::query_scalar("SELECT count(*) FROM activities WHERE deleted_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(kept, 1, "soft delete keeps the row");
}
