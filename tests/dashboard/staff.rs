//! Staff at work (#23), in headless Chromium: a link followed before signing in opens after it; a
//! notice is written to units found by typing, previewed on a page a reload shows again, its
//! page keeps what is on it while its figures change; a survey's forms come back to its page (a
//! reload shows it again), closing asks first; the quarterly report prints without the menu and
//! downloads as Word; a long list is paged; and every page, 390 px wide, has no horizontal
//! scroll. Screenshots go to the folder printed.

use std::time::Duration;

use fantoccini::Client;
use serde_json::json;

use crate::browser::{Album, WAIT, click, connect, driver, fill, until_text};
use crate::site::Site;

const PROVINCE: &str = "33";

/// What a script returns, as JSON.
async fn run(client: &Client, script: &str) -> serde_json::Value {
    client.execute(script, vec![]).await.unwrap()
}

async fn path(client: &Client) -> String {
    let url = client.current_url().await.unwrap();
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

#[tokio::test]
async fn staff_write_follow_and_file_without_losing_their_work() {
    let Some(driver) = driver() else {
        return;
    };
    let site = Site::start().await;
    // Hưng Yên with a history: residents, notices, an open survey, models and activities.
    danvan::seed::demo_history_if_new(site.engine.store(), site.engine.now())
        .await
        .unwrap();
    // The login's own password is chosen over HTTP; the browser signs in with it.
    drop(site.signed_in("tinh", PROVINCE).await);
    let client = connect(&driver).await;
    let mut album = Album::new("staff-at-work");
    let quarter =
        danvan::domain::report::Quarter::of(danvan::domain::vn_time::local_date(site.engine.now()))
            .previous();
    let activities = format!("/activities?unit={PROVINCE}&quarter={}", quarter.code());

    // A link followed before signing in opens once signed in, on a page naming the product.
    client.goto(&site.url(&activities)).await.unwrap();
    let sign_in = until_text(&client, "id=\"sign-in\"").await;
    assert!(sign_in.contains("Dân vận khéo"), "{sign_in}");
    assert!(sign_in.contains("English"), "a language switch");
    fill(&client, "input[name=name]", "tinh").await;
    fill(&client, "input[name=password]", "mat-khau-rieng-1").await;
    click(&client, "#sign-in").await;
    until_text(&client, "id=\"activities\"").await;
    assert_eq!(path(&client).await, activities);

    // A long list is paged, with dates as people write them.
    let html = until_text(&client, "rel=\"next\"").await;
    assert!(html.contains("Trang 1/"), "paged");
    assert!(
        !html.contains(&format!(">{}-", quarter.year)),
        "no ISO dates"
    );
    click(&client, "a[rel=next]").await;
    until_text(&client, "Trang 2/").await;
    album.take(&client, "activities-page-2").await;

    // A notice: nothing ticked in advance; a commune found by typing it without marks; the
    // preview says where it goes.
    client.goto(&site.url("/notices/new")).await.unwrap();
    until_text(&client, "id=\"unit-search\"").await;
    let ticked = run(
        &client,
        "return document.querySelectorAll('#unit-choices input:checked').length",
    )
    .await;
    assert_eq!(ticked, json!(0), "nothing ticked in advance");
    fill(&client, "#unit-search", "tien lu").await;
    let shown = run(
        &client,
        "return [...document.querySelectorAll('#unit-choices label')].filter(l => !l.hidden).map(l => l.textContent.trim())",
    )
    .await;
    assert_eq!(shown, json!(["Xã Tiên Lữ"]), "{shown}");
    click(&client, "#unit-choices label:not([hidden]) input").await;
    fill(&client, "input[name=title]", "Lịch tiếp dân tháng này").await;
    fill(
        &client,
        "textarea[name=body]",
        "Thứ Năm hằng tuần tại trụ sở UBND xã.",
    )
    .await;
    click(&client, "#preview").await;
    let preview = until_text(&client, "id=\"preview-units\"").await;
    assert!(
        preview.contains("Xã Tiên Lữ"),
        "the preview names its units"
    );
    album.take(&client, "notice-preview").await;
    // The preview is a page of its own: a reload shows it again, asks nothing and sends nothing.
    assert!(
        path(&client).await.starts_with("/notices/new?kept="),
        "{}",
        path(&client).await
    );
    client.refresh().await.unwrap();
    let reloaded = until_text(&client, "id=\"preview-units\"").await;
    assert!(reloaded.contains("Lịch tiếp dân tháng này"));
    click(&client, "#send").await;
    until_text(&client, "id=\"notice-live\"").await;
    let notice = path(&client).await;

    // While it goes out, its figures are fetched again in place: what is on the page stays.
    run(
        &client,
        "window.kept = 'typed'; document.getElementById('notice-live').dataset.old = 'yes'; return 1",
    )
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let fresh = run(
            &client,
            "return document.getElementById('notice-live').dataset.old === undefined",
        )
        .await;
        if fresh == json!(true) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never refreshed");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(run(&client, "return window.kept").await, json!("typed"));
    // Stopping it asks first; saying no stops nothing.
    click(&client, "#cancel-notice").await;
    client.dismiss_alert().await.unwrap();
    assert_eq!(path(&client).await, notice);
    assert!(
        client
            .source()
            .await
            .unwrap()
            .contains("id=\"cancel-notice\""),
        "still sending"
    );

    // A survey: a reminder says whom it reached, in green, and a reload shows the page again.
    client.goto(&site.url("/surveys")).await.unwrap();
    until_text(&client, "Hiến pháp").await;
    click(&client, "table a[href^='/surveys/']").await;
    until_text(&client, "id=\"remind-not-started\"").await;
    click(&client, "#remind-not-started").await;
    let done = until_text(&client, "id=\"survey-done\"").await;
    assert!(done.contains("chưa bắt đầu"), "whom it reached");
    let colour = run(
        &client,
        "return getComputedStyle(document.getElementById('survey-done')).color",
    )
    .await;
    assert_eq!(colour, json!("rgb(27, 94, 32)"), "success is green");
    album.take(&client, "survey-reminded").await;
    client.refresh().await.unwrap();
    until_text(&client, "id=\"survey-done\"").await;
    click(&client, "#close-survey").await;
    client.dismiss_alert().await.unwrap();
    until_text(&client, "id=\"close-survey\"").await;

    // The report prints without the menu and filters, and downloads as a Word document.
    client
        .goto(&site.url(&format!(
            "/reports?unit={PROVINCE}&quarter={}",
            quarter.code()
        )))
        .await
        .unwrap();
    until_text(&client, "id=\"report-docx\"").await;
    let hidden = run(
        &client,
        "return [...document.styleSheets].flatMap(s => [...s.cssRules]).filter(r => r.media && r.media.mediaText === 'print').map(r => r.cssText).join(' ')",
    )
    .await;
    let print_rules = hidden.as_str().unwrap();
    assert!(
        print_rules.contains("header") && print_rules.contains(".no-print"),
        "{print_rules}"
    );
    let pdf = client.print(Default::default()).await.unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    let word = client
        .execute_async(
            "const done = arguments[0];
             fetch(document.getElementById('report-docx').href)
               .then(r => r.arrayBuffer().then(b => done([r.headers.get('content-type'),
                 String.fromCharCode(...new Uint8Array(b).slice(0, 2)), b.byteLength])));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        word[0],
        json!("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    );
    assert_eq!(word[1], json!("PK"), "a .docx is a zip");
    assert!(word[2].as_u64().unwrap() > 10_000, "with its chart: {word}");
    album.take(&client, "report").await;

    // On a phone, 390 px wide: no page scrolls sideways.
    client.set_window_size(390, 844).await.unwrap();
    let survey = {
        client.goto(&site.url("/surveys")).await.unwrap();
        until_text(&client, "Hiến pháp").await;
        click(&client, "table a[href^='/surveys/']").await;
        until_text(&client, "id=\"remind-not-started\"").await;
        path(&client).await
    };
    let pages = [
        "/".to_owned(),
        "/notices".into(),
        "/notices/new".into(),
        notice,
        "/surveys".into(),
        survey,
        "/surveys/new".into(),
        "/consultations".into(),
        "/tickets".into(),
        activities,
        format!("/reports?unit={PROVINCE}&quarter={}", quarter.code()),
        "/units".into(),
        "/invites".into(),
        "/password".into(),
    ];
    for page in &pages {
        client.goto(&site.url(page)).await.unwrap();
        until_text(&client, "</main>").await;
        let widths = run(
            &client,
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]",
        )
        .await;
        album
            .take(
                &client,
                &format!("phone{}", page.replace(['/', '?', '&', '='], "-")),
            )
            .await;
        assert!(
            widths[0].as_u64() <= widths[1].as_u64(),
            "{page} scrolls sideways on a phone: {widths}"
        );
    }

    client.close().await.unwrap();
}
