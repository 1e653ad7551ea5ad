//! "1+10" on the dashboard: the commune's coverage, a household added and assigned from the page,
//! more than ten a cadre flagged, the report's sentence, and nothing of another commune's.

use reqwest::StatusCode;

use crate::common::{Person, TestClock, text_arg};
use crate::site::{Site, back_to};

const TIEN_LU: &str = "12364";
const AN_THI: &str = "12142";

#[tokio::test]
async fn the_commune_sees_its_coverage_and_assigns_households_to_cadres() {
    let clock = TestClock::at("2025-12-01 09:00");
    let site = Site::start_as(clock.shared(), &Default::default(), |_| vec![]).await;
    let mut busy = Person::on(&site.engine, "telegram", "7101");
    busy.sign_up("tien lu").await;
    busy.take_role(danvan::domain::access::Role::Cadre, TIEN_LU)
        .await;
    let mut codes = Vec::new();
    for n in 1..=11 {
        let added = busy.send(&format!("/hogiadinh them Hộ số {n}")).await;
        codes.push(text_arg(&added, "code"));
    }
    let mut lan = Person::on(&site.engine, "telegram", "7102");
    lan.sign_up("tien lu").await;
    lan.send(&format!("/ho {}", codes[0])).await;
    lan.tap("Đồng ý tham gia").await;
    busy.send("/hogiadinh").await;
    busy.tap("✅ Ghi thăm Hộ số 1").await;
    let mut new = Person::on(&site.engine, "telegram", "7103");
    new.sign_up("tien lu").await;
    new.take_role(danvan::domain::access::Role::Cadre, TIEN_LU)
        .await;

    let admin = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let (status, page) = admin.page("/households").await;
    assert_eq!(status, StatusCode::OK);
    let row = |label: &str| format!("<tr><td>{label}</td><td class=\"num");
    for (label, value) in [
        ("Số hộ", "11"),
        ("Người dân có cán bộ theo dõi", "1"),
        ("Cán bộ theo dõi hơn 10 hộ", "1"),
        ("Hộ không nhận được thông báo nào trong 30 ngày", "11"),
    ] {
        let at = page
            .find(&row(label))
            .unwrap_or_else(|| panic!("no {label}: {page}"));
        let shown = &page[at..at + page[at..].find("</tr>").unwrap()];
        assert!(shown.contains(&format!(">{value}</td>")), "{shown}");
    }
    assert!(
        page.contains("<tr><td>12/2025</td><td class=\"num\">1</td></tr>"),
        "{page}"
    );
    assert!(page.contains("11 — hơn 10 hộ"), "{page}");
    // The overview shows the same coverage.
    let (_, overview) = admin.page("/").await;
    let coverage = |page: &str| {
        page[page.find("<table id=\"coverage\">").expect("coverage")..]
            .split("</table>")
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(coverage(&overview), coverage(&page));
    // People have no names: the forms offer cadres by role, unit and a masked chat.
    let new_cadre = new_id(&site, "7103").await;
    let offered = page
        .split(&format!("<option value=\"{new_cadre}\">"))
        .nth(1)
        .and_then(|rest| rest.split("</option>").next())
        .unwrap_or_else(|| panic!("no choice of cadre {new_cadre}: {page}"));
    assert!(
        offered.starts_with("Cán bộ · ")
            && offered.ends_with(" · Telegram …7103 (đang theo dõi 0 hộ)"),
        "{offered}"
    );

    // A household at an address, added from the page without a cadre, then assigned to the new one.
    let added = admin
        .submit_from(
            "/households",
            "/households/add",
            &[
                ("unit", TIEN_LU),
                ("name", "Hộ bà Hoa"),
                ("village", "Xóm 3"),
                ("address", "số 12 ngõ 4"),
                ("cadre", ""),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    let code: String = added
        .split("/ho ")
        .nth(1)
        .expect("the code to give")
        .chars()
        .take(8)
        .collect();
    assert!(added.contains("Đã thêm Hộ bà Hoa"), "{added}");
    let assigned = admin
        .submit_from(
            "/households",
            "/households/assign",
            &[
                ("unit", TIEN_LU),
                ("household", &code),
                ("cadre", &new_id(&site, "7103").await.to_string()),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        assigned.contains("Đã giao Hộ bà Hoa cho cán bộ số")
            && assigned.contains("đang phụ trách 1 hộ."),
        "{assigned}"
    );
    // A twelfth to the busy cadre: allowed, and said.
    let busy_id = new_id(&site, "7101").await.to_string();
    let twelfth = admin
        .submit_from(
            "/households",
            "/households/assign",
            &[("unit", TIEN_LU), ("household", &code), ("cadre", &busy_id)],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        twelfth.contains("đang phụ trách 12 hộ — nhiều hơn 10 hộ của mô hình 1+10"),
        "{twelfth}"
    );
    // The cadre's phone lists it now.
    let listed = crate::common::render(&site.engine, &busy.send("/hogiadinh").await);
    assert!(listed.contains("Hộ bà Hoa"), "{listed}");

    // The household's page keeps who gave it to whom and when; erasing a cadre (Law 91) leaves
    // the change there, without them.
    let history = |page: &str| -> Vec<String> {
        let table = &page[page.find("<table id=\"assignments\">").expect("history")..];
        let table = &table[..table.find("</table>").unwrap()];
        table
            .split("<tr>")
            .skip(2)
            .map(|row| {
                row.replace("</td><td>", " | ")
                    .replace("<td>", "")
                    .replace("</td></tr>", "")
                    .trim()
                    .to_owned()
            })
            .collect()
    };
    let (status, page) = admin.page(&format!("/households/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        history(&page),
        [
            format!("1/12/2025 09:00 | Giao cho cán bộ số {busy_id} | Tài khoản xa-tien-lu"),
            format!("1/12/2025 09:00 | Giao cho cán bộ số {new_cadre} | Tài khoản xa-tien-lu"),
        ]
    );
    new.send("/forget").await;
    new.press("forget:yes").await;
    let (_, page) = admin.page(&format!("/households/{code}")).await;
    assert_eq!(
        history(&page)[1],
        "1/12/2025 09:00 | Giao cho một cán bộ (đã xoá dữ liệu) | Tài khoản xa-tien-lu"
    );

    // The quarterly report says it in one sentence.
    let (_, report) = admin.page("/reports?unit=12364&quarter=2025-Q4").await;
    assert!(
        report.contains("Mô hình “Dân vận khéo 1+10”: 1 cán bộ theo dõi 12 hộ (1 cán bộ theo dõi hơn 10 hộ), 1 người dân đã tham gia; 1 lượt thăm hộ trong quý."),
        "{report}"
    );

    // Another commune's admin sees none of it and assigns none of it.
    let an_thi = site.signed_in("xa-an-thi", AN_THI).await;
    assert_eq!(
        an_thi.get("/households?unit=12364").await.status(),
        StatusCode::NOT_FOUND
    );
    let refused = an_thi
        .submit_from(
            "/households",
            "/households/assign",
            &[("unit", AN_THI), ("household", &codes[1]), ("cadre", "")],
        )
        .await;
    assert!(
        back_to(refused, "/households")
            .await
            .contains("Không có hộ nào với mã này")
    );
}

/// The person behind a Telegram chat: the number staff know a cadre by.
async fn new_id(site: &Site, chat: &str) -> i64 {
    let pool = sqlx::PgPool::connect(&site._db.url).await.unwrap();
    sqlx::query_scalar("SELECT person_id FROM chats WHERE channel = 'telegram' AND address = $1")
        .bind(chat)
        .fetch_one(&pool)
        .await
        .unwrap()
}

/// The demo's history gives the province real-looking "1+10" numbers.
#[tokio::test]
async fn the_demo_shows_households_cadres_and_visits() {
    let clock = TestClock::at("2025-12-01 09:00");
    let site = Site::start_as(clock.shared(), &Default::default(), |_| vec![]).await;
    danvan::seed::demo_history_if_new(site.engine.store(), site.engine.now())
        .await
        .unwrap();
    let units = site.engine.units();
    let mut tx = site.engine.store().begin().await.unwrap();
    let view = danvan::app::households::overview(
        &mut tx,
        danvan::app::By::Operator,
        site.unit("33"),
        &units,
        site.engine.now(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let c = view.coverage;
    assert!(c.cadres > 50 && c.households >= 10 * c.cadres, "{c:?}");
    assert!(c.cadres_over > 0 && c.cadres_over < c.cadres, "{c:?}");
    assert!(c.accompanied > 500 && c.unreached > 0, "{c:?}");
    assert_eq!(c.visits.len(), 6, "six months of visits: {c:?}");
    let admin = site.signed_in("tinh", "33").await;
    let (status, page) = admin.page("/households").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"visits\""), "{page}");
}
