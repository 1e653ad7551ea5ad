//! Cadres logging activities with the one-message quick form, and `/mylogs` with soft delete.

mod common;

use common::{Person, button_labels, demo_engine, ids, render};
use danvan::domain::access::Role;
use danvan::message::Lang;

async fn cadre<'a>(engine: &'a danvan::engine::Engine, name: &str, unit: &str) -> Person<'a> {
    let mut p = Person::new(engine, name);
    p.sign_up("tien lu").await;
    p.take_role(Role::Cadre, unit).await;
    p
}

#[tokio::test]
async fn a_cadre_logs_with_the_quick_form_and_gets_named_errors() {
    let (db, engine) = demo_engine().await;
    let mut c = cadre(&engine, "cadre", "12364").await;

    let saved = c
        .send("/log kt | Mô hình nuôi ong | 25 người | 12/4/2026")
        .await;
    assert_eq!(ids(&saved), ["log-saved"]);
    assert_eq!(
        render(&engine, &saved),
        "Đã ghi hoạt động “Mô hình nuôi ong” — Kinh tế, ngày 12/4/2026, 25 người, tại Xã Tiên Lữ, Tỉnh Hưng Yên. Xem, sửa, xoá: /mylogs "
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
    assert_eq!(ids(&c.send("/model").await), ["log-usage"]);

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
    let mut c = cadre(&engine, "cadre", "12364").await;
    c.send("/log kt | Nuôi ong | 12/4/2026").await;
    c.send("/log qpan | Tổ tự quản | 13/4/2026").await;
    let listed = c.send("/mylogs").await;
    assert_eq!(
        button_labels(&engine, &listed),
        [
            "✏️ Tổ tự quản (13/4/2026)",
            "🗑",
            "✏️ Nuôi ong (12/4/2026)",
            "🗑"
        ]
    );
    let payload = listed.replies[0].buttons[1][1].payload.clone();

    // Someone else's log is not theirs to delete.
    let mut other = cadre(&engine, "other", "12364").await;
    assert_eq!(ids(&other.press(&payload).await), ["button-expired"]);

    // Editing re-reads the quick form; a mistake asks again.
    assert_eq!(
        ids(&c.tap("✏️ Tổ tự quản (13/4/2026)").await),
        ["logedit-prompt"]
    );
    assert_eq!(
        ids(&c.send("qpan | Tổ tự quản | 99/4").await),
        ["log-error-date", "logedit-prompt"]
    );
    assert_eq!(
        ids(&c
            .send("qpan | Tổ an ninh tự quản | 30 người | 13/4/2026")
            .await),
        ["log-edited"]
    );

    assert_eq!(ids(&c.press(&payload).await), ["log-deleted"]);
    assert_eq!(
        ids(&c.press(&payload).await),
        ["button-expired"],
        "deleted once"
    );
    assert_eq!(
        button_labels(&engine, &c.send("/mylogs").await),
        ["✏️ Tổ an ninh tự quản (13/4/2026)", "🗑"]
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
            ("edit".into(), true, true),
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

#[tokio::test]
async fn the_quarterly_report_reads_like_the_official_one_from_known_data() {
    let (db, engine) = demo_engine().await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    known_data(&pool).await;

    let mut admin = Person::new(&engine, "admin");
    admin.sign_up("tien lu").await;
    admin.take_role(Role::Admin, "33").await;
    let report = admin.send("/report 1/2025").await;
    assert_eq!(
        ids(&report),
        ["report", "report-chart-sectors", "report-chart-units"]
    );
    let bars = |i: usize| {
        let chart = report.replies[i].chart.as_ref().expect("a chart");
        let plot = danvan::chart::Plot::new(chart, &danvan::i18n::Localizer::new(), Lang::Vi);
        assert!(plot.png().unwrap().starts_with(b"\x89PNG"));
        (plot.title, plot.bars)
    };
    let (title, by_sector) = bars(1);
    assert_eq!(
        title,
        "Mô hình “Dân vận khéo” theo lĩnh vực, toàn tỉnh, quý I/2025"
    );
    assert_eq!(
        by_sector,
        [
            ("Kinh tế".to_owned(), 761),
            ("Văn hóa – xã hội".to_owned(), 1284),
            ("Quốc phòng – an ninh".to_owned(), 692),
            ("Xây dựng hệ thống chính trị".to_owned(), 425)
        ]
    );
    let (title, by_unit) = bars(2);
    assert!(
        title.ends_with("(15 trong 104 đơn vị có mô hình, nhiều nhất trước)"),
        "{title}"
    );
    assert_eq!(by_unit.len(), 15);
    assert!(by_unit.windows(2).all(|w| w[0].1 >= w[1].1));
    let busiest: Vec<i64> = sqlx::query_scalar(
        "SELECT count(*) FROM models WHERE deleted_at IS NULL AND started_on <= '2025-03-31'
           AND (stopped_on IS NULL OR stopped_on > '2025-03-31')
         GROUP BY unit_id ORDER BY count(*) DESC LIMIT 15",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(by_unit.iter().map(|b| b.1).collect::<Vec<_>>(), busiest);
    let text = render(&engine, &report);
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Tính đến hết quý I/2025, toàn tỉnh đã xây dựng và duy trì 3.162 mô hình “Dân vận khéo”, trong đó: \
         761 mô hình lĩnh vực kinh tế; 1.284 mô hình lĩnh vực văn hóa – xã hội; 692 mô hình lĩnh vực quốc phòng – an ninh; \
         425 mô hình lĩnh vực xây dựng hệ thống chính trị."
    );
    assert_eq!(
        lines.next().unwrap(),
        "Mô hình: 3.162 (giảm 10 so với quý trước). Hoạt động trong quý: 100 (tăng 60 so với quý trước), với 1.000 lượt người tham gia."
    );
    // The ten stopped in February were economic models.
    assert_eq!(
        lines.next().unwrap(),
        "So với quý trước: lĩnh vực kinh tế giảm 10 mô hình; các lĩnh vực khác không đổi."
    );
    // Of the 104 communes and wards, the ten with the most models, then one line for the rest, in
    // one message on any channel; Tiên Lữ's activities are all in its line.
    let body = engine.localizer().render(&report.replies[0].body, Lang::Vi);
    let units: Vec<&str> = body.lines().filter(|l| l.starts_with("• ")).collect();
    assert_eq!(units.len(), 11, "{body}");
    assert!(body.encode_utf16().count() <= 2000, "{body}");
    let shown: Vec<i64> = units[..10]
        .iter()
        .map(|l| {
            l.split(": ")
                .nth(1)
                .unwrap()
                .split(' ')
                .next()
                .unwrap()
                .replace('.', "")
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(shown, busiest[..10]);
    let rest: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM models WHERE deleted_at IS NULL AND started_on <= '2025-03-31'
           AND (stopped_on IS NULL OR stopped_on > '2025-03-31')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let rest = rest - shown.iter().sum::<i64>();
    let tien_lu = units.iter().any(|l| l.starts_with("• Xã Tiên Lữ: "));
    let activities_rest = if tien_lu { 0 } else { 100 };
    assert_eq!(
        units[10],
        format!(
            "• 94 đơn vị khác: {} mô hình, {activities_rest} hoạt động",
            danvan::i18n::format_number(rest as f64, Lang::Vi)
        )
    );
    assert_eq!(ids(&admin.send("/report quý sau").await), ["report-usage"]);

    let mut en = Person::new(&engine, "en");
    en.sign_up("tien lu").await;
    en.send("/lang").await;
    en.press("lang:en").await;
    en.take_role(Role::Admin, "33").await;
    let english = render(&engine, &en.send("/report 2025-Q1").await);
    assert!(
        english.starts_with("By the end of Q1/2025, the whole province had built and maintained 3,162 “Skilled Mass Mobilization” models, of which: 761 in economy;"),
        "{english}"
    );
}

#[tokio::test]
async fn a_model_is_registered_with_the_same_quick_form() {
    let (_db, engine) = demo_engine().await;
    let mut c = cadre(&engine, "cadre", "12364").await;
    let saved = c.send("/model kt | Mô hình nuôi ong | 12/4/2026").await;
    assert_eq!(
        render(&engine, &saved),
        "Đã đăng ký mô hình “Mô hình nuôi ong” — Kinh tế, từ ngày 12/4/2026, tại Xã Tiên Lữ, Tỉnh Hưng Yên. "
    );
    let report = render(&engine, &c.send("/report 2/2026").await);
    assert!(
        report.starts_with("Tính đến hết quý II/2026, Xã Tiên Lữ đã xây dựng và duy trì 1 mô hình"),
        "{report}"
    );
}

/// 3,162 models kept up through Q1 2025, by sector as in the official example; plus 10 stopped in
/// February (counted at the end of 2024, not of Q1), 5 started in Q2 and 3 deleted (never counted).
/// 100 activities in Q1 in Xã Tiên Lữ (10 people each; all on 31 March), 40 in Q4 2024, 7 on 1 April.
async fn known_data(pool: &sqlx::PgPool) {
    sqlx::query(
        "WITH communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units
                           WHERE parent_id = (SELECT id FROM units WHERE code = '33'))
         INSERT INTO models (unit_id, sector, name, started_on, stopped_on, deleted_at)
         SELECT a[1 + g % cardinality(a)], s.code, 'Mô hình ' || g, s.started::date, s.stopped::date, s.deleted::timestamptz
         FROM communes,
              (VALUES ('kt', 761, '2024-06-01', NULL, NULL), ('vhxh', 1284, '2024-06-01', NULL, NULL),
                      ('qpan', 692, '2024-06-01', NULL, NULL), ('xdhtct', 425, '2024-06-01', NULL, NULL),
                      ('kt', 10, '2024-06-01', '2025-02-01', NULL), ('kt', 5, '2025-04-02', NULL, NULL),
                      ('kt', 3, '2024-06-01', NULL, '2025-01-05'))
                  AS s (code, n, started, stopped, deleted),
              generate_series(1, s.n) AS g",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO activities (unit_id, sector, title, held_on, participants)
         SELECT (SELECT id FROM units WHERE code = '12364'), 'vhxh', 'Hoạt động', d::date, 10
         FROM (SELECT '2025-03-31' AS d FROM generate_series(1, 100)
               UNION ALL SELECT '2024-11-15' FROM generate_series(1, 40)
               UNION ALL SELECT '2025-04-01' FROM generate_series(1, 7)) AS days",
    )
    .execute(pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_cli_prints_the_report_and_exports_csv_for_spreadsheets() {
    let (db, _engine) = demo_engine().await;
    known_data(&sqlx::PgPool::connect(&db.url).await.unwrap()).await;
    let report = common::danvan_ok(&["report", "--quarter", "2025-Q1", "--unit", "33"], &db.url);
    assert!(
        report
            .starts_with("Tính đến hết quý I/2025, toàn tỉnh đã xây dựng và duy trì 3.162 mô hình"),
        "{report}"
    );
    // The command line lists every commune and ward.
    assert_eq!(report.lines().filter(|l| l.starts_with("• ")).count(), 104);
    // A quarter before any model or activity: all units tie, so the list is in Vietnamese order.
    let empty = common::danvan_ok(&["report", "--quarter", "2024-Q1", "--unit", "33"], &db.url);
    let names: Vec<&str> = empty
        .lines()
        .filter_map(|l| l.strip_prefix("• ")?.split(':').next())
        .collect();
    assert_eq!(names.len(), 104);
    let at = |name: &str| names.iter().position(|n| *n == name).expect(name);
    let expected = [
        "Phường Đường Hào",
        "Phường Hồng Châu",
        "Xã Ái Quốc",
        "Xã Ân Thi",
        "Xã Đoàn Đào",
        "Xã Yên Mỹ",
    ];
    assert!(
        expected.windows(2).all(|w| at(w[0]) < at(w[1])),
        "{names:?}"
    );
    assert_eq!(names.last(), Some(&"Xã Yên Mỹ"), "{names:?}");
    let english = common::danvan_ok(
        &[
            "report",
            "--quarter",
            "Q1/2025",
            "--unit",
            "33",
            "--lang",
            "en",
        ],
        &db.url,
    );
    assert!(
        english.starts_with("By the end of Q1/2025, the whole province"),
        "{english}"
    );
    let activities = common::danvan_ok(
        &[
            "report",
            "--quarter",
            "2025-Q1",
            "--unit",
            "33",
            "--export",
            "activities",
        ],
        &db.url,
    );
    let mut lines = activities.lines();
    assert_eq!(
        lines.next(),
        Some("\u{feff}id,unit_code,unit,sector,title,held_on,participants,photos")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 100);
    assert!(
        rows[0].ends_with(",12364,Xã Tiên Lữ,Văn hóa – xã hội,Hoạt động,2025-03-31,10,0"),
        "{}",
        rows[0]
    );
    let models = common::danvan_ok(
        &[
            "report",
            "--quarter",
            "2025-Q1",
            "--unit",
            "33",
            "--export",
            "models",
        ],
        &db.url,
    );
    assert_eq!(
        models.lines().count(),
        1 + 3162 + 10 + 5,
        "every model not deleted"
    );
}

#[tokio::test]
async fn the_guided_flow_logs_with_buttons_photos_and_a_location() {
    use danvan::message::InboundKind;
    let (db, engine) = demo_engine().await;
    let mut c = cadre(&engine, "cadre", "12364").await;
    let asked = c.send("/log").await;
    assert_eq!(ids(&asked), ["logflow-sector"]);
    assert_eq!(
        button_labels(&engine, &asked)[..4],
        [
            "Kinh tế",
            "Văn hóa – xã hội",
            "Quốc phòng – an ninh",
            "Xây dựng hệ thống chính trị"
        ]
    );
    assert_eq!(ids(&c.send("van hoa").await), ["logflow-model"]);
    assert_eq!(
        ids(&c.tap("Không thuộc mô hình nào").await),
        ["logflow-title"]
    );
    assert_eq!(
        ids(&c.send("Ngày hội đại đoàn kết").await),
        ["logflow-date"]
    );
    assert_eq!(
        ids(&c.send("31/4").await),
        ["logflow-date-invalid", "logflow-date"]
    );
    assert_eq!(ids(&c.tap("Hôm qua").await), ["logflow-participants"]);
    assert_eq!(ids(&c.send("120 người").await), ["logflow-photos"]);
    for file in ["photo-a", "photo-b"] {
        c.event(InboundKind::Photo {
            file_id: file.into(),
            caption: None,
        })
        .await;
    }
    assert!(render(&engine, c.last.as_ref().unwrap()).starts_with("Đã nhận 2 ảnh."));
    let located = c.tap("Xong").await;
    assert_eq!(ids(&located), ["logflow-location"]);
    assert!(located.replies[0].location.is_some());
    let summary = c
        .event(InboundKind::Location {
            latitude: 20.65,
            longitude: 106.05,
        })
        .await;
    let text = render(&engine, &summary);
    assert!(
        text.contains(
            "• Hoạt động: Ngày hội đại đoàn kết\n• Mô hình: -\n• Lĩnh vực: Văn hóa – xã hội"
        ),
        "{text}"
    );
    assert!(
        text.contains("• Số người: 120\n• Ảnh: 2\n• Vị trí: có"),
        "{text}"
    );
    assert_eq!(ids(&c.tap("Lưu").await), ["log-saved"]);

    let saved: (String, Option<i32>, Vec<String>, Option<f64>) = sqlx::query_as(
        "SELECT sector, participants, photos, latitude FROM activities WHERE title = 'Ngày hội đại đoàn kết'",
    )
    .fetch_one(&sqlx::PgPool::connect(&db.url).await.unwrap())
    .await
    .unwrap();
    assert_eq!(
        saved,
        (
            "vhxh".into(),
            Some(120),
            vec!["photo-a".into(), "photo-b".into()],
            Some(20.65)
        )
    );
    // Cancel at any step saves nothing.
    c.send("/log").await;
    c.tap("Kinh tế").await;
    assert_eq!(ids(&c.tap("Huỷ").await), ["logflow-cancelled"]);
}

#[tokio::test]
async fn the_guided_flow_logs_under_a_model_or_registers_a_new_one() {
    let (db, engine) = demo_engine().await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut c = cadre(&engine, "cadre", "12364").await;
    c.send(
        "/model kt | Mô hình nuôi ong | 12/4/2026 | chủ trì: Hội Nông dân | mô tả: 20 hộ nuôi ong",
    )
    .await;
    let (model, lead, description): (i64, String, String) =
        sqlx::query_as("SELECT id, lead_org, description FROM models")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (lead.as_str(), description.as_str()),
        ("Hội Nông dân", "20 hộ nuôi ong")
    );

    c.send("/log").await;
    let asked = c.tap("Kinh tế").await;
    assert_eq!(ids(&asked), ["logflow-model"]);
    assert_eq!(
        button_labels(&engine, &asked),
        [
            "Mô hình nuôi ong",
            "Đăng ký mô hình mới",
            "Không thuộc mô hình nào",
            "Huỷ"
        ]
    );
    assert_eq!(ids(&c.tap("Mô hình nuôi ong").await), ["logflow-title"]);
    c.send("Tập huấn kỹ thuật nuôi ong").await;
    c.tap("Hôm nay").await;
    c.send("30").await;
    c.tap("Bỏ qua").await;
    let summary = render(&engine, &c.tap("Bỏ qua").await);
    assert!(summary.contains("• Mô hình: Mô hình nuôi ong"), "{summary}");
    assert_eq!(ids(&c.tap("Lưu").await), ["log-saved"]);
    let linked: Option<i64> = sqlx::query_scalar(
        "SELECT model_id FROM activities WHERE title = 'Tập huấn kỹ thuật nuôi ong'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(linked, Some(model));

    // A new model: its name and start date, then the summary.
    c.send("/log").await;
    c.send("qpan").await;
    assert_eq!(
        ids(&c.tap("Đăng ký mô hình mới").await),
        ["logflow-model-name"]
    );
    assert_eq!(ids(&c.send("Camera an ninh thôn").await), ["logflow-date"]);
    let summary = c.send("1/3/2026").await;
    assert_eq!(ids(&summary), ["logflow-model-summary"]);
    assert_eq!(ids(&c.tap("Lưu").await), ["log-model-saved"]);
    let started: chrono::NaiveDate =
        sqlx::query_scalar("SELECT started_on FROM models WHERE name = 'Camera an ninh thôn'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(started.to_string(), "2026-03-01");

    // An old button for a model that is gone saves nothing.
    c.send("/log").await;
    c.tap("Kinh tế").await;
    c.tap("Mô hình nuôi ong").await;
    sqlx::query("UPDATE models SET deleted_at = now() WHERE id = $1")
        .bind(model)
        .execute(&pool)
        .await
        .unwrap();
    c.send("Họp tổ").await;
    c.tap("Hôm nay").await;
    c.tap("Bỏ qua").await;
    c.tap("Bỏ qua").await;
    c.tap("Bỏ qua").await;
    assert_eq!(ids(&c.tap("Lưu").await), ["logflow-model-gone"]);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM activities WHERE title = 'Họp tổ'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_stopped_model_leaves_the_report_and_the_change_is_audited() {
    let (db, engine) = demo_engine().await;
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let mut c = cadre(&engine, "cadre", "12364").await;
    c.send("/model vhxh | Tủ sách cộng đồng | 1/1/2026").await;
    let listed = c.send("/models").await;
    assert!(render(&engine, &listed).contains("• Tủ sách cộng đồng — đang hoạt động"));
    assert_eq!(
        button_labels(&engine, &listed),
        ["Tủ sách cộng đồng: duy trì", "Tủ sách cộng đồng: dừng"]
    );
    assert_eq!(
        ids(&c.tap("Tủ sách cộng đồng: dừng").await),
        ["model-status-changed"]
    );
    let this_quarter = render(&engine, &c.send("/report").await);
    assert!(this_quarter.contains("duy trì 0 mô hình"), "{this_quarter}");
    let (action, before, after): (String, String, String) = sqlx::query_as(
        "SELECT action, before->>'status', after->>'status' FROM log_audit
         WHERE entity = 'model' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (action.as_str(), before.as_str(), after.as_str()),
        ("edit", "active", "stopped")
    );

    // Another unit's cadre cannot touch it, even with a copied button.
    let mut other = cadre(&engine, "other", "12361").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        ids(&other.press(&format!("modelstatus:{id}:active")).await),
        ["button-expired"]
    );
    let status: String = sqlx::query_scalar("SELECT status FROM models")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "stopped");
}
