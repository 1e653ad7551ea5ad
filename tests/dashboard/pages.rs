//! Every page and permission, through HTTP as a browser sends it.

use danvan::domain::notice::Stage;
use danvan::domain::survey::SurveyFile;
use danvan::store::notices::NewNotice;
use reqwest::StatusCode;

use crate::site::{Browser, Site, back_to, sign_in_refused};

const PROVINCE: &str = "33";
const TIEN_LU: &str = "12364";
const AN_THI: &str = "12142";
const SURVEY: &str = include_str!("../../examples/survey.toml");

#[tokio::test]
async fn a_new_login_chooses_its_own_password_before_anything_else() {
    let site = Site::start().await;
    let one_time = danvan::app::logins::create(
        site.engine.store(),
        "xa-tien-lu",
        site.unit(TIEN_LU),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut browser = Browser::new(&site);
    assert_eq!(browser.get("/").await.url().path(), "/login");
    let signed_in = browser.sign_in("xa-tien-lu", &one_time).await;
    assert_eq!(signed_in.url().path(), "/password");
    assert_eq!(browser.get("/notices").await.url().path(), "/password");
    let short = browser
        .submit("/password", &[("password", "ngan"), ("repeated", "ngan")])
        .await;
    assert!(
        back_to(short, "/password")
            .await
            .contains("ít nhất 10 ký tự")
    );
    let same = browser
        .submit(
            "/password",
            &[("password", &one_time), ("repeated", &one_time)],
        )
        .await;
    back_to(same, "/password").await;
    let chosen = browser
        .submit(
            "/password",
            &[
                ("password", "mat-khau-rieng-1"),
                ("repeated", "mat-khau-rieng-1"),
            ],
        )
        .await;
    assert_eq!(chosen.url().path(), "/");
    let (status, overview) = browser.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(overview.contains("Xã Tiên Lữ, Tỉnh Hưng Yên"), "{overview}");
    // Signed out, the pages are closed again; the one-time password no longer works.
    let token = browser.token("/").await;
    browser.post("/logout", &token, &[]).await;
    assert_eq!(browser.get("/").await.url().path(), "/login");
    let again = browser.sign_in("xa-tien-lu", &one_time).await;
    assert!(sign_in_refused(again, "wrong").await.contains("không đúng"));
}

#[tokio::test]
async fn guessing_passwords_is_slowed_down_even_for_the_right_one() {
    let site = Site::start().await;
    let password = danvan::app::logins::create(
        site.engine.store(),
        "tinh",
        site.unit(PROVINCE),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let mut browser = Browser::new(&site);
    for _ in 0..5 {
        let wrong = browser.sign_in("tinh", "doan-bua-di").await;
        sign_in_refused(wrong, "wrong").await;
    }
    let limited = browser.sign_in("tinh", &password).await;
    let limited = sign_in_refused(limited, "slow-down").await;
    assert!(limited.contains("đợi một phút"));
    // The name typed is kept; the password never is.
    assert!(limited.contains("value=\"tinh\""), "{limited}");
    // The person named, at their own desk, is not kept out by whoever typed their name.
    let mut own_desk = Browser::from(&site, std::net::Ipv4Addr::new(127, 0, 0, 2));
    let signed_in = own_desk.sign_in("tinh", &password).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    assert_eq!(signed_in.url().path(), "/password");
}

#[tokio::test]
async fn a_password_change_asks_the_current_one_and_ends_every_other_session() {
    let site = Site::start().await;
    let desk = site.signed_in("tinh", PROVINCE).await;
    let mut laptop = Browser::new(&site);
    let signed_in = laptop.sign_in("tinh", "mat-khau-rieng-1").await;
    assert_eq!(signed_in.url().path(), "/");

    // A session left open is not enough to take the login.
    let wrong = desk
        .submit(
            "/password",
            &[
                ("current", "doan-bua-di"),
                ("password", "mat-khau-moi-2"),
                ("repeated", "mat-khau-moi-2"),
            ],
        )
        .await;
    assert!(
        back_to(wrong, "/password")
            .await
            .contains("Mật khẩu hiện tại không đúng")
    );
    let changed = desk
        .submit(
            "/password",
            &[
                ("current", "mat-khau-rieng-1"),
                ("password", "mat-khau-moi-2"),
                ("repeated", "mat-khau-moi-2"),
            ],
        )
        .await;
    assert_eq!(changed.url().path(), "/");
    // The desk goes on; the laptop's session has ended.
    assert_eq!(desk.page("/tickets").await.0, StatusCode::OK);
    assert_eq!(laptop.get("/tickets").await.url().path(), "/login");
    let again = laptop.sign_in("tinh", "mat-khau-moi-2").await;
    assert_eq!(again.url().path(), "/");
}

#[tokio::test]
async fn pages_and_exports_are_not_framed_by_other_sites_or_kept_in_caches() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    for path in ["/login", "/", "/tickets", "/reports/export/models"] {
        let answer = browser.get(path).await;
        let header = |name: &str| {
            answer
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(
            header("content-security-policy").as_deref(),
            Some("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{path}"
        );
    }
    // The stylesheet names no one: it may be kept.
    let css = browser.get("/assets/dashboard.css").await;
    assert_eq!(css.headers()["cache-control"], "public, max-age=3600");
}

#[tokio::test]
async fn a_name_postgresql_cannot_hold_is_just_a_wrong_name() {
    let site = Site::start().await;
    let mut browser = Browser::new(&site);
    for name in ["tinh\0", &"x".repeat(10_000)] {
        let refused = browser.sign_in(name, "mat-khau-bat-ky").await;
        assert!(
            sign_in_refused(refused, "wrong")
                .await
                .contains("không đúng"),
            "{name:.20}"
        );
    }
}

#[tokio::test]
async fn a_form_without_its_token_or_from_another_site_is_refused() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let forged = browser
        .post(
            "/invites",
            "bịa-đặt",
            &[
                ("role", "admin"),
                ("unit", PROVINCE),
                ("uses", "1"),
                ("days", "7"),
            ],
        )
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let token = browser.token("/invites").await;
    let cross = reqwest::Client::new()
        .post(site.url("/invites"))
        .header("origin", "https://evil.example")
        .form(&[
            ("csrf", token.as_str()),
            ("role", "admin"),
            ("unit", PROVINCE),
            ("uses", "1"),
            ("days", "7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let invites: i64 = sqlx::query_scalar("SELECT count(*) FROM invites")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(invites, 0);
}

/// A notice and a survey addressed to Tiên Lữ, and the links and forms that reach them.
async fn tien_lu_notice_and_survey(site: &Site) -> (i64, i64) {
    let store = site.engine.store();
    let notice = store
        .create_notice(&NewNotice::to_units(
            "Lịch tiêm phòng xã Tiên Lữ",
            "Sáng thứ Bảy tại trạm y tế.",
            vec![site.unit(TIEN_LU)],
        ))
        .await
        .unwrap();
    let file =
        SurveyFile::parse(&SURVEY.replace("units = [\"33\"]", &format!("units = [\"{TIEN_LU}\"]")))
            .unwrap();
    let mut tx = store.begin().await.unwrap();
    let units = [site.unit(TIEN_LU)];
    let survey = danvan::app::surveys::create(&mut tx, &file, &units, None, site.engine.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (notice, survey)
}

#[tokio::test]
async fn an_admin_of_one_commune_cannot_reach_anothers_notices_surveys_or_reports() {
    let site = Site::start().await;
    let (notice, survey) = tien_lu_notice_and_survey(&site).await;
    let tien_lu = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let an_thi = site.signed_in("xa-an-thi", AN_THI).await;
    let province = site.signed_in("tinh", PROVINCE).await;
    let links = [
        format!("/notices/{notice}"),
        format!("/surveys/{survey}"),
        format!("/surveys/{survey}/export.csv"),
        format!("/reports?unit={TIEN_LU}"),
        format!("/reports/report.docx?unit={TIEN_LU}"),
        format!("/reports/export/models.csv?unit={TIEN_LU}"),
        format!("/reports/export/activities.csv?unit={TIEN_LU}"),
        format!("/activities?unit={TIEN_LU}"),
        format!("/units?unit={TIEN_LU}"),
    ];
    for link in &links {
        assert_eq!(tien_lu.get(link).await.status(), StatusCode::OK, "{link}");
        assert_eq!(province.get(link).await.status(), StatusCode::OK, "{link}");
        assert_eq!(
            an_thi.get(link).await.status(),
            StatusCode::NOT_FOUND,
            "{link}"
        );
    }
    // Not listed either.
    for list in ["/notices", "/surveys", "/"] {
        let (_, html) = an_thi.page(list).await;
        assert!(!html.contains("Tiên Lữ"), "{list}: {html}");
        let (_, html) = tien_lu.page(list).await;
        assert!(
            html.contains("Lịch tiêm phòng xã Tiên Lữ") || list == "/surveys" || list == "/",
            "{list}"
        );
    }
    // Nor changed by a form.
    let forms: [(String, Vec<(&str, &str)>); 4] = [
        (format!("/notices/{notice}/cancel"), vec![]),
        (
            format!("/surveys/{survey}/action"),
            vec![("action", "open")],
        ),
        (
            "/invites".into(),
            vec![
                ("role", "admin"),
                ("unit", TIEN_LU),
                ("uses", "1"),
                ("days", "7"),
            ],
        ),
        (
            "/notices".into(),
            vec![
                ("title", "Giả mạo"),
                ("body", "Giả mạo"),
                ("unit", TIEN_LU),
                ("action", "send"),
            ],
        ),
    ];
    for (action, fields) in &forms {
        let response = an_thi.submit_from("/invites", action, fields).await;
        // Not found, or back to the form saying why.
        let refused = response.url().query().is_some_and(|q| q.contains("kept="));
        assert!(
            response.status() == StatusCode::NOT_FOUND || refused,
            "{action}: {} {}",
            response.status(),
            response.url()
        );
    }
    let store = site.engine.store();
    assert_eq!(
        store.notice_status(notice).await.unwrap().unwrap().stage,
        Stage::Draft
    );
    let mut tx = store.begin().await.unwrap();
    let still = tx.survey(survey).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(still.status.code(), "draft");
    let (notices, invites): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM notices), (SELECT count(*) FROM invites)")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!((notices, invites), (1, 0));
}

#[tokio::test]
async fn a_notice_is_previewed_as_residents_see_it_then_sent_and_followed() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let empty = browser
        .submit_from(
            "/notices/new",
            "/notices",
            &[
                ("title", ""),
                ("body", ""),
                ("unit", PROVINCE),
                ("action", "preview"),
            ],
        )
        .await;
    assert!(
        back_to(empty, "/notices/new")
            .await
            .contains("không được để trống")
    );
    let long = "dài ".repeat(1000);
    let too_long = browser
        .submit_from(
            "/notices/new",
            "/notices",
            &[
                ("title", "Tiêu đề"),
                ("body", &long),
                ("unit", PROVINCE),
                ("action", "preview"),
            ],
        )
        .await;
    assert!(back_to(too_long, "/notices/new").await.contains("dài dài"));
    let fields = [
        ("title", "Lịch tiếp dân tháng này"),
        ("body", "Thứ Năm hằng tuần, **tại trụ sở**."),
        ("directive", "Quy chế số 12-QC/TU"),
        ("unit", TIEN_LU),
        ("to_residents", "on"),
    ];
    let mut preview_fields = fields.to_vec();
    preview_fields.push(("action", "preview"));
    let preview = browser
        .submit_from("/notices/new", "/notices", &preview_fields)
        .await;
    let shown_at = preview.url().clone();
    let html = back_to(preview, "/notices/new").await;
    assert!(html.contains("id=\"notice-preview\""), "{html}");
    // A reload shows the same preview again; the compose page opened afresh is empty.
    let (_, again) = browser
        .page(&format!("/notices/new?{}", shown_at.query().unwrap()))
        .await;
    assert!(again.contains("id=\"notice-preview\""), "{again}");
    let (_, fresh) = browser.page("/notices/new").await;
    assert!(!fresh.contains("Lịch tiếp dân tháng này"), "{fresh}");
    assert!(
        html.contains("Lịch tiếp dân tháng này") && html.contains("Đã đọc"),
        "{html}"
    );
    assert!(html.contains("id=\"send\""));
    // Bold on Telegram and the web chat, plain on Zalo; what the admin typed is escaped.
    assert!(
        html.contains("Thứ Năm hằng tuần, <b>tại trụ sở</b>."),
        "{html}"
    );
    let plain = &html[html.find("id=\"notice-preview-plain\"").unwrap()..];
    assert!(plain.contains("Thứ Năm hằng tuần, tại trụ sở."), "{plain}");
    let mut send_fields = fields.to_vec();
    send_fields.push(("action", "send"));
    let sent = browser
        .submit_from("/notices/new", "/notices", &send_fields)
        .await;
    let path = sent.url().path().to_owned();
    let id: i64 = path.strip_prefix("/notices/").unwrap().parse().unwrap();
    let status = site
        .engine
        .store()
        .notice_status(id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.stage, Stage::Scheduled);
    let notice = site.engine.store().notice(id).await.unwrap().unwrap();
    assert_eq!(notice.directive, "Quy chế số 12-QC/TU");
    let (_, page) = browser.page(&path).await;
    assert!(
        page.contains("Đã hẹn giờ") && page.contains("id=\"reach\""),
        "{page}"
    );
    // A time gone by is refused, with the form kept.
    let mut past = fields.to_vec();
    past.extend([("send_at", "2020-01-01T08:00"), ("action", "send")]);
    let refused = browser.submit_from("/notices/new", "/notices", &past).await;
    assert!(
        back_to(refused, "/notices/new")
            .await
            .contains("Lịch tiếp dân tháng này")
    );
    let notices: i64 = sqlx::query_scalar("SELECT count(*) FROM notices")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(notices, 1, "sent once, whatever was reloaded");
}

#[tokio::test]
async fn a_survey_file_is_uploaded_opened_and_its_results_read_and_downloaded() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let token = browser.token("/surveys").await;
    let upload = |text: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .part(
                "file",
                reqwest::multipart::Part::text(text).file_name("survey.toml"),
            );
        (site.url("/surveys"), form)
    };
    let client = &browser;
    let (url, form) = upload("title = \"Thiếu câu hỏi\"");
    let wrong = client_post_multipart(client, &url, form).await;
    let wrong_at = wrong.url().clone();
    let wrong = back_to(wrong, "/surveys").await;
    assert!(wrong.contains("Tệp khảo sát có lỗi"), "{wrong}");
    // The file's fault in Vietnamese, not the parser's English.
    assert!(wrong.contains("không viết theo mẫu khảo sát"), "{wrong}");
    assert!(!wrong.contains("not a survey file"), "{wrong}");
    // A reload says it again; the list opened afresh does not.
    let (_, again) = browser
        .page(&format!("/surveys?{}", wrong_at.query().unwrap()))
        .await;
    assert!(again.contains("Tệp khảo sát có lỗi"));
    assert!(
        !browser
            .page("/surveys")
            .await
            .1
            .contains("Tệp khảo sát có lỗi")
    );
    let (url, form) = upload(SURVEY);
    let created = client_post_multipart(client, &url, form).await;
    let path = created.url().path().to_owned();
    assert!(path.starts_with("/surveys/"), "{path}");
    let opened = browser
        .submit_from(&path, &format!("{path}/action"), &[("action", "open")])
        .await;
    assert!(opened.text().await.unwrap().contains("Khảo sát đã mở"));
    // Opening it again is refused in Vietnamese, without the command line's English.
    let again = browser
        .submit_from(&path, &format!("{path}/action"), &[("action", "open")])
        .await;
    let again = back_to(again, &path).await;
    assert!(again.contains("Chỉ mở được khảo sát nháp"), "{again}");
    assert!(!again.contains("not a draft"), "{again}");
    let (status, results) = browser.page(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(results.contains("Đang mở"), "{results}");
    let chart = browser.get(&format!("{path}/chart/1")).await;
    assert_eq!(chart.headers()["content-type"], "image/png");
    let csv = browser.get(&format!("{path}/export.csv")).await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.text()
            .await
            .unwrap()
            .starts_with("\u{feff}response,unit_code")
    );
}

async fn client_post_multipart(
    browser: &Browser,
    url: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    browser.multipart(url, form).await
}

#[tokio::test]
async fn every_page_opens_in_vietnamese_and_in_english() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let pages = [
        "/",
        "/notices",
        "/notices/new",
        "/surveys",
        "/surveys/new",
        "/reports",
        "/activities",
        "/units",
        "/units/import",
        "/invites",
        "/tickets",
    ];
    for page in pages {
        let (status, html) = browser.page(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            html.contains("<html lang=\"vi\">") && html.contains("Đăng xuất"),
            "{page}"
        );
    }
    browser
        .submit_from("/", "/lang", &[("lang", "en"), ("back", "/units")])
        .await;
    for page in pages {
        let (status, html) = browser.page(page).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(
            html.contains("<html lang=\"en\">") && html.contains("Sign out"),
            "{page}"
        );
    }
}

#[tokio::test]
async fn an_invitation_is_made_for_a_unit_in_scope_and_a_reload_makes_no_other() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let made = browser
        .submit(
            "/invites",
            &[
                ("role", "cadre"),
                ("unit", TIEN_LU),
                ("uses", "3"),
                ("days", "7"),
            ],
        )
        .await;
    let made_at = made.url().clone();
    let html = back_to(made, "/invites").await;
    assert!(html.contains("id=\"invite-code\">/join "), "{html}");
    assert!(html.contains("Xã Tiên Lữ"), "{html}");
    let code = |html: &str| {
        let at = html.find("id=\"invite-code\">").unwrap();
        html[at..].split('<').next().unwrap().to_owned()
    };
    let (_, reloaded) = browser
        .page(&format!("/invites?{}", made_at.query().unwrap()))
        .await;
    assert_eq!(code(&reloaded), code(&html), "the same invitation");
    let invites: i64 = sqlx::query_scalar("SELECT count(*) FROM invites")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(invites, 1);
    assert!(!browser.page("/invites").await.1.contains("invite-code"));
    let too_long = browser
        .submit(
            "/invites",
            &[
                ("role", "cadre"),
                ("unit", TIEN_LU),
                ("uses", "3"),
                ("days", "365"),
            ],
        )
        .await;
    assert!(back_to(too_long, "/invites").await.contains("90"));
}

#[tokio::test]
async fn activity_photos_are_fetched_from_their_platform_for_admins_in_scope_only() {
    use danvan::channels::telegram::{Telegram, TelegramConfig};
    use danvan::channels::{Channel, Intake};
    use danvan::domain::access::Role;
    use danvan::message::InboundKind;
    use danvan_fake_telegram::FakeTelegram;

    let telegram = FakeTelegram::start().await;
    let jpeg = std::fs::read("assets/demo/photos/2-gift.jpg").unwrap();
    telegram.add_file("AgADgift", jpeg.clone());
    // A "photo" that is a web page must never be served as one.
    telegram.add_file("AgADpage", b"<html><script>alert(1)</script>".to_vec());
    let api_url = telegram.api_url();
    let site = Site::start_with(|_| {
        vec![Telegram::new(TelegramConfig {
            token: "123:TEST".into(),
            api_url: Some(api_url),
            intake: Intake::None,
            rate: None,
        }) as std::sync::Arc<dyn Channel>]
    })
    .await;

    // A cadre of Tiên Lữ logs an activity on Telegram with three photos.
    let mut cadre = crate::common::Person::on(&site.engine, "telegram", "5001");
    cadre.sign_up("tien lu").await;
    cadre.take_role(Role::Cadre, TIEN_LU).await;
    cadre.send("/log").await;
    cadre.send("van hoa").await;
    cadre.tap("Không thuộc mô hình nào").await;
    cadre.send("Thăm hỏi gia đình chính sách").await;
    cadre.tap("Hôm qua").await;
    cadre.send("30").await;
    for file in ["AgADgift", "AgADpage", "AgADgone"] {
        cadre
            .event(InboundKind::Photo {
                file_id: file.into(),
                caption: None,
            })
            .await;
    }
    cadre.tap("Xong").await;
    cadre
        .event(InboundKind::Location {
            latitude: 20.65,
            longitude: 106.05,
        })
        .await;
    assert_eq!(crate::common::ids(&cadre.tap("Lưu").await), ["log-saved"]);
    let (id, quarter): (i64, String) = sqlx::query_as(
        "SELECT id, to_char(held_on, 'YYYY-\"Q\"Q') FROM activities WHERE title = $1",
    )
    .bind("Thăm hỏi gia đình chính sách")
    .fetch_one(site.engine.store().pool())
    .await
    .unwrap();

    let tien_lu = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let (status, page) = tien_lu
        .page(&format!("/activities?unit={TIEN_LU}&quarter={quarter}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for n in 0..3 {
        assert!(
            page.contains(&format!("<img src=\"/activities/{id}/photos/{n}\"")),
            "{page}"
        );
    }
    let photo = tien_lu.get(&format!("/activities/{id}/photos/0")).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(photo.bytes().await.unwrap(), jpeg);
    // Not an image, gone from the platform, or no such photo: nothing is served.
    for n in 1..4 {
        let link = format!("/activities/{id}/photos/{n}");
        assert_eq!(
            tien_lu.get(&link).await.status(),
            StatusCode::NOT_FOUND,
            "{link}"
        );
    }
    assert_eq!(telegram.calls("getFile").len(), 3);

    // An admin of another commune gets the same answer as for no photo at all, and Telegram is
    // not even asked.
    let an_thi = site.signed_in("xa-an-thi", AN_THI).await;
    let link = format!("/activities/{id}/photos/0");
    assert_eq!(an_thi.get(&link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(telegram.calls("getFile").len(), 3);
    let province = site.signed_in("tinh", PROVINCE).await;
    assert_eq!(province.get(&link).await.status(), StatusCode::OK);
}

/// The value of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {page}"))
        + marker.len();
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_province_imports_the_national_list_after_seeing_its_changes_and_only_its_own() {
    let site = Site::start().await;
    let province = site.signed_in("tinh", PROVINCE).await;
    let commune = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let (_, tree) = province.page("/units").await;
    assert!(tree.contains("href=\"/units/import\""), "{tree}");
    let (_, tree) = commune.page("/units").await;
    assert!(!tree.contains("href=\"/units/import\""));
    assert_eq!(
        commune.get("/units/import").await.status(),
        StatusCode::NOT_FOUND
    );

    // Next year's national list: Tiên Lữ renamed, a new commune in Hưng Yên, a ward of Hà Nội
    // (not ours) renamed.
    let list = danvan::seed::UNIT_LIST_2026
        .replace("12364,Xã Tiên Lữ,", "12364,Xã Tiên Lữ Mới,")
        .replace(
            "01,Thành phố Hà Nội,Hanoi City,thành phố,\n",
            "01,Thành phố Hà Nội,Hanoi City,thành phố,\n99001,Xã Thử Nghiệm,Thu Nghiem Commune,xã,33\n",
        );
    let token = province.token("/units/import").await;
    let upload = |text: String, token: &str| {
        reqwest::multipart::Form::new()
            .text("csrf", token.to_owned())
            .part(
                "file",
                reqwest::multipart::Part::text(text).file_name("units.csv"),
            )
    };
    let bad = province
        .multipart(
            &site.url("/units/import"),
            upload("code,name\n1,A\n".into(), &token),
        )
        .await;
    assert!(
        back_to(bad, "/units/import")
            .await
            .contains("Không đọc được tệp danh sách")
    );
    let shown = province
        .multipart(&site.url("/units/import"), upload(list.clone(), &token))
        .await;
    let shown_at = shown.url().clone();
    let shown = back_to(shown, "/units/import").await;
    assert!(
        shown.contains("Tệp sẽ thêm 1 đơn vị, sửa 1 thông tin"),
        "{shown}"
    );
    assert!(shown.contains("Xã Thử Nghiệm"), "{shown}");
    assert!(
        shown.contains("Tên: Xã Tiên Lữ → Xã Tiên Lữ Mới"),
        "{shown}"
    );
    // Nothing has changed yet, and a reload lists the same changes again.
    let (_, reloaded) = province
        .page(&format!("/units/import?{}", shown_at.query().unwrap()))
        .await;
    assert!(reloaded.contains("Tên: Xã Tiên Lữ → Xã Tiên Lữ Mới"));
    assert_eq!(
        site.engine.units().by_code(TIEN_LU).unwrap().name,
        "Xã Tiên Lữ"
    );
    let digest = hidden(&shown, "digest");
    let csrf = hidden(&shown, "csrf");

    // A commune's admin cannot apply it, even with the form.
    let refused = commune
        .post(
            "/units/import/apply",
            &commune.token("/units").await,
            &[("list", &list), ("digest", &digest)],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    // A digest of other changes (another import in between) shows the list again.
    let stale = province
        .post(
            "/units/import/apply",
            &csrf,
            &[("list", &list), ("digest", "0")],
        )
        .await;
    assert!(
        back_to(stale, "/units/import")
            .await
            .contains("id=\"apply-import\"")
    );
    let applied = province
        .post(
            "/units/import/apply",
            &csrf,
            &[("list", &list), ("digest", &digest)],
        )
        .await;
    assert!(
        back_to(applied, "/units/import")
            .await
            .contains("Đã nạp: thêm 1 đơn vị")
    );
    let units = site.engine.units();
    assert_eq!(units.by_code(TIEN_LU).unwrap().name, "Xã Tiên Lữ Mới");
    assert_eq!(
        units
            .by_id(units.by_code("99001").unwrap().parent_id.unwrap())
            .unwrap()
            .code,
        PROVINCE
    );
    // Only Hưng Yên was imported: Hà Nội is not in this database and still is not.
    assert!(units.by_code("01").is_none());
    // The same list again changes nothing, and offers nothing to apply.
    let again = province
        .multipart(&site.url("/units/import"), upload(list, &csrf))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        again.contains("Tệp sẽ thêm 0 đơn vị, sửa 0 thông tin"),
        "{again}"
    );
    assert!(!again.contains("id=\"apply-import\""));
}

#[tokio::test]
async fn the_demo_history_shows_its_bundled_photos_through_the_web_chat() {
    use danvan::channels::Channel;
    use danvan::channels::web::{WebChat, WebChatConfig};

    let site = Site::start_with(|store| {
        vec![WebChat::new(WebChatConfig::default(), store.clone()) as std::sync::Arc<dyn Channel>]
    })
    .await;
    let store = site.engine.store();
    assert!(
        danvan::seed::demo_history_if_new(store, site.engine.now())
            .await
            .unwrap()
    );
    assert!(
        !danvan::seed::demo_history_if_new(store, site.engine.now())
            .await
            .unwrap(),
        "written once"
    );
    let province = site.signed_in("tinh", PROVINCE).await;
    // Residents' tickets in every state, in the province's queue.
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM tickets ORDER BY status")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        statuses,
        [
            "accepted",
            "answered",
            "closed",
            "needs_info",
            "received",
            "rejected"
        ]
    );
    let (_, queue) = province.page("/tickets?status=all").await;
    assert!(
        queue.contains("PA-0001") && queue.contains("PA-0008"),
        "{queue}"
    );
    // The overview's residents, from the kept counts, add up to the residents signed up.
    let signed_up: i64 = sqlx::query_scalar(
        "SELECT count(DISTINCT p.id) FROM people p JOIN chats c ON c.person_id = p.id",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(signed_up >= 3_000, "{signed_up}");
    let (_, overview) = province.page("/").await;
    let total = format!("{},{:03}", signed_up / 1000, signed_up % 1000).replace(',', ".");
    assert!(
        overview.contains(&format!(">{total}</th></tr>")),
        "{total}: {overview}"
    );
    let (status, page) = province.page(&format!("/activities?unit={PROVINCE}")).await;
    assert_eq!(status, StatusCode::OK);
    let start = page.find("<img src=\"/activities/").expect("a photo") + "<img src=\"".len();
    let link = page[start..].split('"').next().unwrap().to_owned();
    let photo = province.get(&link).await;
    assert_eq!(photo.status(), StatusCode::OK, "{link}");
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    // Every bundled photo is some activity's: sweeping unused photos keeps them all.
    let any_age = std::time::Duration::ZERO;
    assert_eq!(store.forget_unused_web_photos(any_age).await.unwrap(), 0);
    // A draft open for comment in Tiên Lữ, answered unevenly by part, with a meeting beside it.
    let (_, list) = province.page("/consultations").await;
    let start = list
        .find("href=\"/consultations/")
        .expect("the demo's draft")
        + "href=\"".len();
    let link = list[start..].split('"').next().unwrap().to_owned();
    let (status, page) = province.page(&format!("{link}?unit={TIEN_LU}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Tổng hợp được") && page.contains("Nhà văn hoá thôn Đông"),
        "{page}"
    );
    let id: i64 = link.rsplit('/').next().unwrap().parse().unwrap();
    let counts = store.consultation_counts(id).await.unwrap();
    assert_eq!(counts, store.recount_consultation(id).await.unwrap());
    let agree = |part: i16| {
        counts
            .parts
            .iter()
            .filter(|((p, _), _)| *p == part)
            .map(|(_, t)| (t.agree, t.opinions()))
            .fold((0, 0), |(a, n), (x, y)| (a + x, n + y))
    };
    let (first, last) = (agree(1), agree(5));
    assert!(
        first.0 * last.1 > last.0 * first.1,
        "the first part is agreed more than the last: {first:?} {last:?}"
    );
}

#[tokio::test]
async fn a_notice_goes_to_several_units_each_in_scope() {
    let site = Site::start().await;
    let province = site.signed_in("tinh", PROVINCE).await;
    let fields = [
        ("title", "Họp dân hai xã"),
        ("body", "Tối thứ Sáu."),
        ("unit", TIEN_LU),
        ("unit", AN_THI),
        ("to_residents", "on"),
    ];
    let mut send = fields.to_vec();
    send.push(("action", "send"));
    let sent = province
        .submit_from("/notices/new", "/notices", &send)
        .await;
    let id: i64 = sent
        .url()
        .path()
        .strip_prefix("/notices/")
        .unwrap()
        .parse()
        .unwrap();
    let mut units = site.engine.store().notice_units(id).await.unwrap().unwrap();
    units.sort();
    let mut expected = vec![site.unit(TIEN_LU), site.unit(AN_THI)];
    expected.sort();
    assert_eq!(units, expected);

    // A commune's admin may not add a neighbour, and no unit at all is no notice.
    let commune = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let refused = commune.submit_from("/notices/new", "/notices", &send).await;
    assert!(
        back_to(refused, "/notices/new")
            .await
            .contains("nằm ngoài phạm vi")
    );
    let none = commune
        .submit_from(
            "/notices/new",
            "/notices",
            &[("title", "A"), ("body", "B"), ("action", "send")],
        )
        .await;
    assert!(
        back_to(none, "/notices/new")
            .await
            .contains("ít nhất một đơn vị")
    );
}

#[tokio::test]
async fn a_survey_is_written_on_the_form_checked_as_a_file_and_created_as_a_draft() {
    let site = Site::start().await;
    let browser = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let (status, form) = browser.page("/surveys/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("name=\"q8_text\""), "{form}");
    let fields = [
        ("title", "Làm đường thôn Đông"),
        ("intro", "Ba câu hỏi ngắn."),
        ("unit", TIEN_LU),
        ("to_residents", "on"),
        ("anonymous", "on"),
        ("open_days", "14"),
        ("q1_text", "Bà con có đồng ý góp công làm đường?"),
        ("q1_kind", "yes_no"),
        ("q2_text", "Làm vào lúc nào?"),
        ("q2_kind", "single"),
        ("q2_options", "Sau vụ gặt\r\nTrước Tết\r\n"),
        ("q4_text", "Ý kiến khác"),
        ("q4_kind", "text"),
        ("q4_optional", "on"),
    ];
    // A choice question without options is refused with the file's reason, and the form kept.
    let mut wrong = fields.to_vec();
    wrong.retain(|(k, _)| *k != "q2_options");
    let refused = browser
        .submit_from("/surveys/new", "/surveys/new", &wrong)
        .await;
    let page = back_to(refused, "/surveys/new").await;
    assert!(page.contains("Tệp khảo sát có lỗi"), "{page}");
    assert!(page.contains("value=\"Làm vào lúc nào?\""), "{page}");
    // Another commune is out of this login's scope.
    let mut elsewhere = fields.to_vec();
    elsewhere.push(("unit", AN_THI));
    let refused = browser
        .submit_from("/surveys/new", "/surveys/new", &elsewhere)
        .await;
    back_to(refused, "/surveys/new").await;

    let created = browser
        .submit_from("/surveys/new", "/surveys/new", &fields)
        .await;
    let path = created.url().path().to_owned();
    let id: i64 = path.strip_prefix("/surveys/").unwrap().parse().unwrap();
    let mut tx = site.engine.store().begin().await.unwrap();
    let survey = tx.survey(id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    let file = &survey.file;
    assert_eq!(file.title, "Làm đường thôn Đông");
    assert_eq!(
        file.questions
            .iter()
            .map(|q| q.id.as_str())
            .collect::<Vec<_>>(),
        ["q1", "q2", "q3"]
    );
    assert_eq!(file.questions[1].options[1].label, "Trước Tết");
    assert!(file.questions[2].optional && file.anonymous);
}

#[tokio::test]
async fn a_residents_question_is_answered_on_its_page_and_another_commune_never_sees_it() {
    let site = Site::start().await;
    let mut resident = crate::common::Person::on(&site.engine, "telegram", "7001");
    resident.sign_up("tien lu").await;
    resident
        .send("Cho tôi hỏi khi nào xã tiêm phòng dại cho chó ạ?")
        .await;
    resident.press("tkd:kind:question").await;
    resident.press("tkd:send").await;
    let (id, number): (i64, i32) = sqlx::query_as("SELECT id, number FROM tickets")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    let code = danvan::domain::ticket::code(number);
    let page = format!("/tickets/{id}");

    // Tiên Lữ's admin finds it in the queue, by its code as typed too, and opens it.
    let tien_lu = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let queues = [
        "/tickets".to_owned(),
        format!("/tickets?q=pa+{number}"),
        format!("/tickets?q=%23{number}"),
        "/tickets?q=ti%C3%AAm+ph%C3%B2ng".to_owned(),
    ];
    for queue in &queues {
        let (status, html) = tien_lu.page(queue).await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        assert!(
            html.contains(&format!("<a href=\"{page}\">{code}</a>")),
            "{queue}: {html}"
        );
        assert!(
            html.contains("1 phản ánh, kiến nghị; 0 quá hạn."),
            "{queue}: {html}"
        );
    }
    let (_, html) = tien_lu.page("/tickets?q=PA-9999").await;
    assert!(!html.contains(&code), "{html}");
    let (status, html) = tien_lu.page(&page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("tiêm phòng dại cho chó"), "{html}");
    assert!(html.contains("data-status=\"received\""), "{html}");
    assert!(html.contains("Người dân #"), "not sent anonymously: {html}");
    for form in [
        "accept", "ask_more", "answer", "transfer", "reject", "close",
    ] {
        assert!(
            html.contains(&format!("action=\"{page}/{form}\"")),
            "{form}"
        );
    }
    assert!(!html.contains(&format!("action=\"{page}/reopen\"")));

    // An answer of nothing is refused in words, not with an error.
    let empty = tien_lu
        .submit_from(&page, &format!("{page}/answer"), &[("text", "  ")])
        .await;
    assert!(
        back_to(empty, &page)
            .await
            .contains("Cần ghi nội dung cho việc này."),
        "the refusal in Vietnamese"
    );
    let answer = "Thứ Bảy tuần này, 7 giờ sáng tại nhà văn hóa thôn.";
    let answered = tien_lu
        .submit_from(&page, &format!("{page}/answer"), &[("text", answer)])
        .await;
    assert_eq!(answered.status(), StatusCode::OK);
    assert_eq!(answered.url().path(), page);
    assert_eq!(answered.url().query(), Some("done=answer"));
    let html = answered.text().await.unwrap();
    assert!(html.contains("data-status=\"answered\""), "{html}");
    assert!(html.contains(answer), "{html}");
    assert!(html.contains(&format!("action=\"{page}/reopen\"")));
    assert!(html.contains("Đã cập nhật: Trả lời."), "{html}");
    assert!(html.contains("xa-tien-lu (trang quản trị)"), "{html}");
    // The resident is told in their chat.
    let told: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM deliveries WHERE address = '7001' AND strpos(message::text, $1) > 0",
    )
    .bind(answer)
    .fetch_one(site.engine.store().pool())
    .await
    .unwrap();
    assert_eq!(told, 1);
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(status, "answered");
    // Answered: out of the open queue, in the answered one.
    let (_, open) = tien_lu.page("/tickets").await;
    assert!(!open.contains(&code), "{open}");
    let (_, done) = tien_lu.page("/tickets?status=answered").await;
    assert!(done.contains(&code), "{done}");
    // The overview counts it for Tiên Lữ this quarter, answered on time.
    let (_, overview) = tien_lu.page("/").await;
    let figures = overview
        .split("id=\"ticket-figures\"")
        .nth(1)
        .expect("the ticket figures");
    let row = &figures[figures.find("<td>Xã Tiên Lữ</td>").expect("Tiên Lữ's row")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(
        row.matches("<td class=\"num\">").count(),
        6,
        "received, accepted on time, answered, on time, overdue, satisfied: {row}"
    );
    assert!(
        row.contains("<td class=\"num\">1</td>")
            && row.contains("(100%)")
            && row.contains("<td class=\"num\">0</td>"),
        "{row}"
    );
    // Answering twice is refused too.
    let again = tien_lu
        .submit_from(&page, &format!("{page}/answer"), &[("text", answer)])
        .await;
    back_to(again, &page).await;

    // An Thi's admin gets nothing: not the page, not in the queue, not by a form, not a count.
    let an_thi = site.signed_in("xa-an-thi", AN_THI).await;
    let (_, overview) = an_thi.page("/").await;
    assert!(!overview.contains("id=\"ticket-figures\""), "{overview}");
    assert_eq!(an_thi.get(&page).await.status(), StatusCode::NOT_FOUND);
    let queues = [
        "/tickets".to_owned(),
        "/tickets?status=all".to_owned(),
        format!("/tickets?status=all&q=pa+{number}"),
    ];
    for queue in &queues {
        let (status, html) = an_thi.page(queue).await;
        assert_eq!(status, StatusCode::OK, "{queue}");
        assert!(!html.contains(&code), "{queue}: {html}");
    }
    assert_eq!(
        an_thi
            .get(&format!("/tickets?unit={TIEN_LU}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let closed = an_thi
        .submit_from("/tickets", &format!("{page}/close"), &[])
        .await;
    assert_eq!(closed.status(), StatusCode::NOT_FOUND);
    let status: String = sqlx::query_scalar("SELECT status FROM tickets WHERE id = $1")
        .bind(id)
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(status, "answered");
}

#[tokio::test]
async fn a_tickets_photos_come_from_its_platform_and_an_anonymous_sender_stays_unnamed() {
    use danvan::channels::telegram::{Telegram, TelegramConfig};
    use danvan::channels::{Channel, Intake};
    use danvan::message::InboundKind;
    use danvan_fake_telegram::FakeTelegram;

    let telegram = FakeTelegram::start().await;
    let jpeg = std::fs::read("assets/demo/photos/2-gift.jpg").unwrap();
    telegram.add_file("AgADdog", jpeg.clone());
    let api_url = telegram.api_url();
    let site = Site::start_with(|_| {
        vec![Telegram::new(TelegramConfig {
            token: "123:TEST".into(),
            api_url: Some(api_url),
            intake: Intake::None,
            rate: None,
        }) as std::sync::Arc<dyn Channel>]
    })
    .await;
    let mut resident = crate::common::Person::on(&site.engine, "telegram", "7002");
    resident.sign_up("tien lu").await;
    resident
        .event(InboundKind::Photo {
            file_id: "AgADdog".into(),
            caption: Some("Chó thả rông cắn người ở đầu thôn".into()),
        })
        .await;
    resident.press("tkd:kind:report").await;
    resident.press("tkd:cat:trat_tu").await;
    resident.press("tkd:anon").await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM tickets")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();

    let tien_lu = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let (status, html) = tien_lu.page(&format!("/tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ẩn danh"), "{html}");
    assert!(!html.contains("Người dân #"), "{html}");
    assert!(html.contains("An ninh, trật tự"), "{html}");
    let link = format!("/tickets/{id}/photos/0");
    assert!(html.contains(&format!("<img src=\"{link}\"")), "{html}");
    let photo = tien_lu.get(&link).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(photo.bytes().await.unwrap(), jpeg);
    let missing = format!("/tickets/{id}/photos/1");
    assert_eq!(tien_lu.get(&missing).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(telegram.calls("getFile").len(), 1);

    // Another commune's admin gets no photo, and Telegram is not even asked.
    let an_thi = site.signed_in("xa-an-thi", AN_THI).await;
    assert_eq!(an_thi.get(&link).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(telegram.calls("getFile").len(), 1);
}

/// A draft pasted on the form, opened, answered in chat, a meeting entered; the results page, its
/// comments, the CSV and the public page agree, and another commune's admin sees none of it.
#[tokio::test]
async fn a_draft_is_pasted_opened_answered_and_its_results_read_with_meetings_apart() {
    let site = Site::start().await;
    let browser = site.signed_in("xa-tien-lu", TIEN_LU).await;
    let draft = include_str!("../../examples/consultation.md");
    let wrong = browser
        .submit_from(
            "/consultations",
            "/consultations",
            &[(
                "text",
                "+++\ntarget = { units = [\"12364\"] }\n+++\n# Chỉ có tên\nTóm tắt.",
            )],
        )
        .await;
    let wrong = back_to(wrong, "/consultations").await;
    assert!(wrong.contains("Dự thảo chưa có điều nào"));
    assert!(wrong.contains("# Chỉ có tên"), "the text kept: {wrong}");
    let created = browser
        .submit_from("/consultations", "/consultations", &[("text", draft)])
        .await;
    let path = created.url().path().to_owned();
    assert!(path.starts_with("/consultations/"), "{path}");
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let opened = browser
        .submit_from(&path, &format!("{path}/action"), &[("action", "open")])
        .await;
    assert!(opened.text().await.unwrap().contains("Đã mở lấy ý kiến"));

    let mut lan = crate::common::Person::on(&site.engine, "telegram", "7701");
    lan.sign_up("tien lu").await;
    lan.press(&format!("gy:{id}:3:d")).await;
    lan.send("cỗ cưới nên ít hơn").await;
    lan.press(&format!("gy:{id}:all")).await;
    let meeting = browser
        .submit_from(
            &path,
            &format!("{path}/meetings"),
            &[
                ("unit", TIEN_LU),
                ("held_on", "2026-05-20"),
                ("place", "Nhà văn hoá thôn Đông"),
                ("attendance", "86"),
                ("part", "3"),
                ("agree", "78"),
                ("disagree", "3"),
                ("other", "5"),
                ("summary", "Đề nghị ghi rõ mức xử lý."),
            ],
        )
        .await;
    let page = meeting.text().await.unwrap();
    assert!(page.contains("Đã ghi ý kiến của hội nghị"), "{page}");
    assert!(
        page.contains(
            "Tổng hợp được 5 ý kiến của 1 người, trong đó 80% tán thành, 20% không tán thành"
        ),
        "{page}"
    );
    assert!(
        page.contains("cỗ cưới nên ít hơn") && page.contains("78 / 3 / 5"),
        "{page}"
    );
    // The meeting's day as every page writes a date; its Word report linked from the page.
    assert!(page.contains("<td>20/5/2026</td>"), "{page}");
    assert!(page.contains("id=\"consult-docx\""), "{page}");
    let word = browser.get(&format!("{path}/results.docx")).await;
    assert_eq!(word.status(), StatusCode::OK);
    assert_eq!(&word.bytes().await.unwrap()[..2], b"PK", "a .docx is a zip");
    let crowded = browser
        .submit_from(
            &path,
            &format!("{path}/meetings"),
            &[
                ("unit", TIEN_LU),
                ("held_on", "2026-05-21"),
                ("place", "Thôn Tây"),
                ("attendance", "10"),
                ("part", "3"),
                ("agree", "11"),
            ],
        )
        .await;
    assert!(
        back_to(crowded, &path)
            .await
            .contains("id=\"consult-problem\"")
    );
    let csv = browser
        .get(&format!("{path}/export.csv"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.starts_with("\u{feff}source,part") && csv.contains("meeting,Điều 3"),
        "{csv}"
    );
    // The page the invitation links to is public.
    let public = reqwest::get(site.url(&format!("/du-thao/{id}")))
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let public = public.text().await.unwrap();
    assert!(
        public.contains("Quy định hiện hành: Không dùng loa sau 23 giờ."),
        "{public}"
    );

    let other = site.signed_in("xa-an-thi", AN_THI).await;
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other.get(&format!("{path}/results.docx")).await.status(),
        StatusCode::NOT_FOUND
    );
    let (_, list) = other.page("/consultations").await;
    assert!(!list.contains("Quy ước thôn Đông"), "{list}");
}

/// The text of the element with `id` (up to its next tag).
fn element(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} in {page}"))
        + marker.len();
    page[start..].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_units_page_the_preview_and_the_notice_list_say_what_the_other_pages_say() {
    let site = Site::start().await;
    let store = site.engine.store();
    store
        .add_demo_residents(PROVINCE, 40, site.engine.now())
        .await
        .unwrap();
    let province = site.signed_in("tinh", PROVINCE).await;

    // The province's residents are those of all its communes, as the overview counts them.
    let (_, units) = store.unit_directory().await.unwrap();
    let subtree = units.subtree(site.unit(PROVINCE));
    let residents: i64 = store
        .residents_by_channel(&subtree)
        .await
        .unwrap()
        .iter()
        .map(|r| r.people)
        .sum();
    assert!(residents >= 40);
    let (_, tree) = province.page("/units").await;
    assert!(
        tree.contains(&format!("<strong>{residents}</strong>")),
        "{residents} in {tree}"
    );

    // The preview counts the roles chosen: no one here is a cadre.
    let to = |role: &'static str| {
        [
            ("title", "Họp tổ dân phố"),
            ("body", "Tối thứ Bảy."),
            ("unit", PROVINCE),
            (role, "on"),
            ("action", "preview"),
        ]
    };
    let everyone = province
        .submit_from("/notices/new", "/notices", &to("to_residents"))
        .await;
    let everyone = element(&everyone.text().await.unwrap(), "recipients");
    let cadres = province
        .submit_from("/notices/new", "/notices", &to("to_cadres"))
        .await;
    let cadres = element(&cadres.text().await.unwrap(), "recipients");
    assert_eq!((everyone.as_str(), cadres.as_str()), ("40", "0"));

    // A notice sent to all: the list says what its page says, and both follow its counts.
    let sent = province
        .submit_from(
            "/notices/new",
            "/notices",
            &[
                ("title", "Họp tổ dân phố"),
                ("body", "Tối thứ Bảy."),
                ("unit", PROVINCE),
                ("to_residents", "on"),
                ("urgent", "on"),
                ("action", "send"),
            ],
        )
        .await;
    let page = sent.url().path().to_owned();
    store.fan_out_due(site.engine.now()).await.unwrap();
    let state = |html: &str| element(html, "notice-state");
    let (_, html) = province.page(&page).await;
    assert_eq!(state(&html), "Đang gửi");
    let (_, list) = province.page("/notices").await;
    assert!(list.contains("Đang gửi"), "{list}");
    for channel in ["zalo_oa", "telegram", "zalo_bot"] {
        let claimed = store.claim_deliveries(channel, 100, false).await.unwrap();
        let outcomes: Vec<_> = claimed
            .deliveries
            .iter()
            .map(|d| {
                let message_id = format!("m{}", d.id);
                (d.id, danvan::store::notices::Outcome::Sent { message_id })
            })
            .collect();
        store
            .record_deliveries(claimed.token, &outcomes)
            .await
            .unwrap();
    }
    let (_, html) = province.page(&page).await;
    assert_eq!(state(&html), "Đã gửi xong");
    let (_, list) = province.page("/notices").await;
    assert!(
        list.contains("Đã gửi xong") && !list.contains("Đang gửi"),
        "{list}"
    );
}

/// A form: its page, where it posts, and its fields.
type FormPost<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

#[tokio::test]
async fn every_form_answers_with_a_redirect_so_a_reload_never_sends_it_again() {
    let site = Site::start().await;
    let browser = site.signed_in("tinh", PROVINCE).await;
    let list = danvan::seed::UNIT_LIST_2026;
    // Forms that are taken and forms that are refused: each answers with a redirect to a page.
    let forms: [FormPost; 12] = [
        (
            "/notices/new",
            "/notices",
            vec![("title", ""), ("body", ""), ("action", "preview")],
        ),
        (
            "/notices/new",
            "/notices",
            vec![
                ("title", "A"),
                ("body", "B"),
                ("unit", TIEN_LU),
                ("action", "preview"),
            ],
        ),
        (
            "/notices/new",
            "/notices",
            vec![("title", "A"), ("body", "B"), ("action", "send")],
        ),
        (
            "/invites",
            "/invites",
            vec![
                ("role", "cadre"),
                ("unit", TIEN_LU),
                ("uses", "1"),
                ("days", "7"),
            ],
        ),
        (
            "/invites",
            "/invites",
            vec![
                ("role", "cadre"),
                ("unit", TIEN_LU),
                ("uses", "1"),
                ("days", "365"),
            ],
        ),
        ("/surveys/new", "/surveys/new", vec![("title", "")]),
        (
            "/consultations",
            "/consultations",
            vec![("text", "Không phải dự thảo")],
        ),
        (
            "/households",
            "/households/add",
            vec![("unit", TIEN_LU), ("name", "")],
        ),
        (
            "/households",
            "/households/assign",
            vec![("unit", TIEN_LU), ("household", "HD-0000"), ("cadre", "")],
        ),
        (
            "/units/import",
            "/units/import/apply",
            vec![("list", list), ("digest", "0")],
        ),
        (
            "/password",
            "/password",
            vec![
                ("current", "sai"),
                ("password", "ngan"),
                ("repeated", "ngan"),
            ],
        ),
        ("/", "/lang", vec![("lang", "en"), ("back", "/units")]),
    ];
    for (page, action, fields) in &forms {
        let token = browser.token(page).await;
        let answer = browser.answer(action, &token, fields).await;
        assert_eq!(
            answer.status(),
            StatusCode::SEE_OTHER,
            "{action} {fields:?}"
        );
        let to = answer.headers()["location"].to_str().unwrap().to_owned();
        assert_eq!(browser.page(&to).await.0, StatusCode::OK, "{action} → {to}");
    }
    // The invitation made once, whatever was reloaded.
    let invites: i64 = sqlx::query_scalar("SELECT count(*) FROM invites")
        .fetch_one(site.engine.store().pool())
        .await
        .unwrap();
    assert_eq!(invites, 1);
    // Signing in, refused, goes back to the form too, with no session made for it.
    let stranger = Browser::new(&site);
    let token = stranger.token("/login").await;
    let answer = stranger
        .answer(
            "/login",
            &token,
            &[("name", "tinh"), ("password", "sai-roi")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn every_written_answer_to_a_survey_is_read_page_by_page_below_the_csv() {
    let site = Site::start().await;
    danvan::seed::demo_history_if_new(site.engine.store(), site.engine.now())
        .await
        .unwrap();
    let browser = site.signed_in("tinh", PROVINCE).await;
    let (_, list) = browser.page("/surveys").await;
    let at = list.find("href=\"/surveys/").expect("a survey") + "href=\"".len();
    let first = list[at..].split('"').next().unwrap().to_owned();
    // The written answers' section of a page, and the pager's link to the next page
    // (<a href="…" rel="next">) in it.
    let section = |page: &str| {
        let start = page
            .find("id=\"comments-comment\"")
            .unwrap_or_else(|| panic!("the written answers: {page}"));
        page[start..start + page[start..].find("</section>").unwrap()].to_owned()
    };
    let next = |section: &str| {
        section.find("\" rel=\"next\"").map(|end| {
            let start = section[..end].rfind("href=\"").unwrap() + "href=\"".len();
            section[start..end]
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
    };
    let (_, page) = browser.page(&first).await;
    // The CSV of every answer is offered above them.
    assert!(page.find("/export.csv").unwrap() < page.find("id=\"comments-comment\"").unwrap());
    let one = section(&page);
    assert_eq!(one.matches("<li>").count(), 20, "a full first page: {one}");
    let said: usize = {
        let words = one.split(" câu trả lời bằng lời").next().unwrap();
        words
            .rsplit('>')
            .next()
            .unwrap()
            .replace('.', "")
            .parse()
            .unwrap()
    };
    assert!(said > 40, "the demo has more than two pages: {said}");
    // The next page follows on from the first, and the last holds what is left, with no next.
    let (_, page) = browser.page(&next(&one).expect("a second page")).await;
    let two = section(&page);
    assert_eq!(two.matches("<li>").count(), 20, "{two}");
    assert_ne!(one, two);
    let pages = said.div_ceil(20);
    let last = next(&two)
        .expect("a third page")
        .replace("page=3", &format!("page={pages}"));
    let (_, page) = browser.page(&last).await;
    let end = section(&page);
    assert_eq!(
        end.matches("<li>").count(),
        said - 20 * (pages - 1),
        "{end}"
    );
    assert_eq!(next(&end), None, "the last page has no next");
}

#[tokio::test]
async fn the_report_page_shows_each_unit_as_a_row_of_the_word_documents_table() {
    let clock = crate::common::TestClock::at("2025-12-01 09:00");
    let site = Site::start_as(clock.shared(), &Default::default(), |_| vec![]).await;
    let photos: [String; 6] = std::array::from_fn(|i| format!("photo-{i}"));
    site.engine
        .store()
        .add_demo_logs(PROVINCE, clock.now(), &photos)
        .await
        .unwrap();
    let browser = site.signed_in("tinh", PROVINCE).await;
    let (_, page) = browser
        .page(&format!("/reports?unit={PROVINCE}&quarter=2025-Q4"))
        .await;
    // The text says what the province did, in sentences; the units are rows of a table.
    let paragraph = element(&page, "report-paragraph");
    assert!(!paragraph.contains("Xã Tiên Lữ"), "{paragraph}");
    let start = page.find("id=\"report-units\"").expect("the units' table");
    let table = &page[start..start + page[start..].find("</table>").unwrap()];
    let rows: Vec<&str> = table
        .split("<tr><td>")
        .skip(1)
        .map(|row| row.split('<').next().unwrap())
        .collect();
    // The same rows, in the same order, as the Word document's table.
    let units = site.engine.units();
    let province = units.by_code(PROVINCE).unwrap();
    let mut tx = site.engine.store().begin().await.unwrap();
    let filed = danvan::app::reports::filed(
        &mut tx,
        province,
        danvan::domain::report::Quarter::parse("2025-Q4").unwrap(),
        danvan::message::Lang::Vi,
        clock.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let filed: Vec<&str> = filed
        .units
        .iter()
        .map(|(name, _, _)| name.as_str())
        .collect();
    assert_eq!(rows, filed);
    assert_eq!(rows.len(), units.children(province.id).len());
}

/// Reading the models chart: BEGIN, the sums of the kept counts, the sectors, COMMIT.
const MODELS_CHART_ROUND_TRIPS: u64 = 4;

#[tokio::test]
async fn the_overview_draws_the_reports_models_chart_from_its_kept_counts_alone() {
    let clock = crate::common::TestClock::at("2025-12-01 09:00");
    let site = Site::start_as(clock.shared(), &Default::default(), |_| vec![]).await;
    let store = site.engine.store();
    let photos: [String; 6] = std::array::from_fn(|i| format!("photo-{i}"));
    store
        .add_demo_logs(PROVINCE, clock.now(), &photos)
        .await
        .unwrap();
    let units = site.engine.units();
    let quarter = danvan::domain::report::Quarter::parse("2025-Q4").unwrap();
    let lang = danvan::message::Lang::Vi;
    for code in [PROVINCE, TIEN_LU] {
        let unit = units.by_code(code).unwrap();
        let before = store.round_trips();
        let mut tx = store.begin().await.unwrap();
        let chart = danvan::app::reports::models_chart(&mut tx, unit, quarter, lang)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let used = store.round_trips() - before;
        assert!(
            used <= MODELS_CHART_ROUND_TRIPS,
            "{code}: {used} round trips"
        );
        // The very chart the report draws first.
        let mut tx = store.begin().await.unwrap();
        let filed = danvan::app::reports::filed(&mut tx, unit, quarter, lang, clock.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let first = filed.charts.first().filter(|c| {
            c.chart
                .as_ref()
                .is_some_and(|c| c.title.id == "report-chart-sectors")
        });
        assert_eq!(chart.as_ref(), first, "{code}");
    }
    let browser = site.signed_in("tinh", PROVINCE).await;
    let (_, overview) = browser.page("/").await;
    assert!(overview.contains("class=\"bars\""), "{overview}");
}
