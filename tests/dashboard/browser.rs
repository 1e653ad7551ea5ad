//! The dashboard and the web chat in a real headless Chromium (Debian's `chromium` and
//! `chromium-driver`), driven through WebDriver: a committee admin signs in, writes and sends a
//! notice, a resident sees it arrive in the web chat and marks it read, the dashboard's read figure
//! changes, and the quarterly report opens. A screenshot of each step goes to the
//! folder the test prints. Without a browser the test says how to install one and passes, unless
//! `DANVAN_BROWSER_TESTS=required` (set by `.ci/run`), where a missing browser fails it.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use danvan::channels::Channel;
use danvan::channels::web::{WebChat, WebChatConfig};
use danvan::serve;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "chromedriver";
pub(crate) const WAIT: Duration = Duration::from_secs(20);

/// chromedriver, stopped when dropped.
pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver, or says why there is none (None: skip).
pub(crate) fn driver() -> Option<Driver> {
    let required = std::env::var("DANVAN_BROWSER_TESTS").is_ok_and(|v| v == "required");
    let missing = |why: String| {
        let help = "install Debian's `chromium` and `chromium-driver` (apt-get install chromium chromium-driver) to run the browser test";
        assert!(!required, "{why}; {help} (DANVAN_BROWSER_TESTS=required)");
        eprintln!("skipping the browser test: {why}; {help}");
        None
    };
    if !std::path::Path::new(CHROMIUM).exists() {
        return missing(format!("no {CHROMIUM}"));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    match Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => Some(Driver { child, port }),
        Err(e) => missing(format!("cannot start {CHROMEDRIVER}: {e}")),
    }
}

pub(crate) async fn connect(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            // Root in a container has no sandbox to drop into.
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }),
    );
    let url = format!("http://127.0.0.1:{}", driver.port);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return client,
            Err(e) if tokio::time::Instant::now() < deadline => {
                tracing::debug!(error = %e, "chromedriver not ready");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot reach chromedriver: {e}"),
        }
    }
}

/// Screenshots of the story, numbered in order.
pub(crate) struct Album {
    folder: PathBuf,
    taken: usize,
}

impl Album {
    /// A folder of its own per story: stories run at once.
    pub(crate) fn new(story: &str) -> Album {
        let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(story);
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        eprintln!("browser test screenshots: {}", folder.display());
        Album { folder, taken: 0 }
    }

    pub(crate) async fn take(&mut self, client: &Client, name: &str) {
        self.taken += 1;
        let png = client.screenshot().await.unwrap();
        std::fs::write(
            self.folder.join(format!("{:02}-{name}.png", self.taken)),
            png,
        )
        .unwrap();
    }
}

/// Waits until the page holds `text`, and returns it.
pub(crate) async fn until_text(client: &Client, text: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let html = client.source().await.unwrap();
        if html.contains(text) {
            return html;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{text:?} never appeared in {}: {html}",
            client.current_url().await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// A click that lands on another element is tried again: the page is still settling (a chart or a
/// font arriving moves what lies under the pointer), as a person would click once it stopped.
pub(crate) async fn click(client: &Client, css: &str) {
    use fantoccini::error::{CmdError, ErrorStatus};
    for _ in 0..50 {
        let element = client.find(Locator::Css(css)).await.unwrap();
        match element.click().await {
            Err(CmdError::Standard(e)) if e.error == ErrorStatus::ElementClickIntercepted => {
                tokio::time::sleep(Duration::from_millis(100)).await
            }
            done => return done.unwrap(),
        }
    }
    panic!("{css} stayed under another element for 5 s");
}

/// Presses the web chat's latest live button labelled `label`, once the chat shows it: the
/// label's words may be on the page (in a message, or an earlier message's button, inert now) a
/// moment before its button is.
pub(crate) async fn press(client: &Client, label: &str) {
    until_text(client, label).await;
    let xpath =
        format!("//main[@id='log']//button[normalize-space()='{label}' and not(@disabled)]");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let buttons = client.find_all(Locator::XPath(&xpath)).await.unwrap();
        if let Some(button) = buttons.last() {
            button.click().await.unwrap();
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no button {label:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Waits until the first image matching `css` has loaded and has a size (a picture, not a broken
/// link).
async fn until_drawn(client: &Client, css: &str) {
    let script = format!(
        "const img = document.querySelector({css:?}); return !!img && img.complete && img.naturalWidth > 0;"
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let drawn = client.execute(&script, vec![]).await.unwrap();
        if drawn.as_bool() == Some(true) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{css} is not drawn");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Types `text` into the web chat and sends it.
pub(crate) async fn say(client: &Client, text: &str) {
    fill(client, "#text", text).await;
    click(client, "#compose button[type=submit]").await;
}

#[tokio::test]
async fn a_notice_written_on_the_dashboard_is_read_in_the_web_chat_and_counted() {
    let Some(driver) = driver() else {
        return;
    };
    let (db, engine) = crate::common::demo_engine().await;
    let engine = Arc::new(engine);
    let web: Arc<dyn Channel> = WebChat::new(WebChatConfig::default(), engine.store().clone());
    let pages = danvan::dashboard::routes(
        engine.clone(),
        &Default::default(),
        std::slice::from_ref(&web),
    )
    .await
    .unwrap();
    let running = serve::start_with(
        engine.clone(),
        vec![web],
        2,
        "127.0.0.1:0".parse().unwrap(),
        pages,
    )
    .await
    .unwrap();
    let site = format!("http://{}", running.addr);
    let province = engine.units().by_code("33").unwrap().id;
    let password =
        danvan::app::logins::create(engine.store(), "tinh", province, chrono::Utc::now())
            .await
            .unwrap();
    let client = connect(&driver).await;
    let mut album = Album::new("screenshots");

    // A resident signs up in the web chat, typing the commune without diacritics.
    // A new visitor is greeted with the choice of language: no "/start", which would ask again.
    client.goto(&format!("{site}/chat")).await.unwrap();
    until_text(&client, "Bạn muốn dùng ngôn ngữ nào?").await;
    press(&client, "Tiếng Việt").await;
    press(&client, "Tôi đồng ý").await;
    until_text(&client, "xã").await;
    say(&client, "tien lu").await;
    press(&client, "Đúng").await;
    until_text(&client, "Bạn đã đăng ký tại").await;
    album.take(&client, "resident-signed-up").await;

    // The admin signs in, chooses a password, and writes a notice.
    client.goto(&format!("{site}/login")).await.unwrap();
    fill(&client, "input[name=name]", "tinh").await;
    fill(&client, "input[name=password]", &password).await;
    album.take(&client, "sign-in").await;
    click(&client, "#sign-in").await;
    until_text(&client, "id=\"set-password\"").await;
    fill(&client, "input[name=password]", "mat-khau-rieng-1").await;
    fill(&client, "input[name=repeated]", "mat-khau-rieng-1").await;
    click(&client, "#set-password").await;
    until_text(&client, "id=\"residents\"").await;
    album.take(&client, "overview").await;
    client.goto(&format!("{site}/notices/new")).await.unwrap();
    fill(&client, "input[name=title]", "Lịch tiếp dân tháng này").await;
    fill(
        &client,
        "textarea[name=body]",
        "Thứ Năm hằng tuần tại trụ sở **UBND xã**.",
    )
    .await;
    // Nothing is ticked in advance: the whole province is chosen.
    click(&client, "#unit-choices input[value='33']").await;
    // Urgent: sent at once whatever the hour (otherwise a notice written at night waits for 7 am).
    click(&client, "input[name=urgent]").await;
    click(&client, "#preview").await;
    until_text(&client, "id=\"notice-preview\"").await;
    album.take(&client, "notice-preview").await;
    click(&client, "#send").await;
    until_text(&client, "id=\"read-total\"").await;
    album.take(&client, "notice-sent").await;
    let status_page = client.current_url().await.unwrap();

    // The resident sees it arrive and marks it read.
    client.goto(&format!("{site}/chat")).await.unwrap();
    until_text(&client, "Lịch tiếp dân tháng này").await;
    press(&client, "✅ Đã đọc").await;
    until_text(&client, "Cảm ơn bạn đã đọc").await;
    album.take(&client, "resident-read-it").await;

    // Back on the dashboard, the read figure has changed.
    client.goto(status_page.as_str()).await.unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let read = client
            .find(Locator::Id("read-total"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if read == "1" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "read stays {read}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        client.refresh().await.unwrap();
    }
    album.take(&client, "read-counted").await;

    // The resident asks about the notice; the question is a ticket the dashboard lists under the
    // notice, and the answer written there reaches the chat, where the resident rates it.
    client.goto(&format!("{site}/chat")).await.unwrap();
    until_text(&client, "Cảm ơn bạn đã đọc").await;
    press(&client, "❓ Hỏi / góp ý").await;
    until_text(&client, "về thông báo này").await;
    say(&client, "Co can mang giay to gi khong a?").await;
    until_text(&client, "Co can mang giay to gi khong a?").await;
    press(&client, "Gửi").await;
    until_text(&client, "PA-0001").await;
    album.take(&client, "resident-asked").await;
    client.goto(status_page.as_str()).await.unwrap();
    until_text(&client, "Co can mang giay to gi khong a?").await;
    click(&client, "#tickets a").await;
    until_text(&client, "id=\"move-answer\"").await;
    fill(
        &client,
        "#move-answer textarea[name=text]",
        "Mang theo căn cước công dân là đủ.",
    )
    .await;
    album.take(&client, "ticket-answer").await;
    click(&client, "#move-answer button").await;
    until_text(&client, "id=\"ticket-done\"").await;
    client.goto(&format!("{site}/chat")).await.unwrap();
    until_text(&client, "Mang theo căn cước công dân là đủ.").await;
    press(&client, "👍 Hài lòng").await;
    until_text(&client, "Cảm ơn bạn đã đánh giá").await;
    album.take(&client, "resident-rated").await;
    press(&client, "Bỏ qua").await;
    until_text(&client, "Cảm ơn bạn!").await;

    // The quarterly report opens; a province without models yet says so in a sentence, with no
    // empty chart.
    client.goto(&format!("{site}/reports")).await.unwrap();
    let report = until_text(&client, "id=\"report-paragraph\"").await;
    assert!(report.contains("chưa có mô hình"), "{report}");
    assert!(!report.contains("class=\"bars\""), "no empty chart");
    album.take(&client, "quarterly-report").await;

    // The admin invites the resident to be a cadre of Tiên Lữ; as a cadre, they log an activity
    // from the web chat with a photo, which the dashboard then shows.
    client.goto(&format!("{site}/invites")).await.unwrap();
    until_text(&client, "id=\"make-invite\"").await;
    client
        .find(Locator::Css("select[name=unit]"))
        .await
        .unwrap()
        .select_by_value("12364")
        .await
        .unwrap();
    click(&client, "#make-invite").await;
    until_text(&client, "id=\"invite-code\"").await;
    let join = client
        .find(Locator::Id("invite-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    client.goto(&format!("{site}/chat")).await.unwrap();
    until_text(&client, "Cảm ơn bạn!").await;
    say(&client, &join).await;
    until_text(&client, "Bạn đã nhận vai trò").await;
    say(&client, "/log").await;
    press(&client, "Văn hóa – xã hội").await;
    press(&client, "Không thuộc mô hình nào").await;
    until_text(&client, "(3/7)").await;
    say(&client, "Thăm hỏi gia đình chính sách").await;
    press(&client, "Hôm nay").await;
    until_text(&client, "(5/7)").await;
    say(&client, "30").await;
    until_text(&client, "(6/7)").await;
    let photo = std::fs::canonicalize("assets/demo/photos/2-gift.jpg").unwrap();
    client
        .find(Locator::Id("photo"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    until_text(&client, "Đã nhận 1 ảnh").await;
    album.take(&client, "cadre-sent-a-photo").await;
    press(&client, "Xong").await;
    press(&client, "Bỏ qua").await;
    press(&client, "Lưu").await;
    until_text(&client, "Đã ghi hoạt động").await;
    let quarter =
        danvan::domain::report::Quarter::of(danvan::domain::vn_time::local_date(engine.now()));
    client
        .goto(&format!(
            "{site}/activities?unit=12364&quarter={}",
            quarter.code()
        ))
        .await
        .unwrap();
    until_text(&client, "Thăm hỏi gia đình chính sách").await;
    until_drawn(&client, "td.photos img").await;
    album.take(&client, "activity-photo").await;

    client.close().await.unwrap();
    running.stop().await.unwrap();
    drop(db);
}
