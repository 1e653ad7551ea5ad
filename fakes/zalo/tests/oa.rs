//! The fake OA API answers as Zalo's does and refuses what it refuses.

mod common;

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use danvan_fake_zalo::oa::events::user_id;
use danvan_fake_zalo::oa::signature;
use danvan_fake_zalo::{FakeZaloOa, OaFailure, OaKeys};
use serde_json::{Value, json};

const CS: &str = "/v3.0/oa/message/cs";

async fn refresh(oa: &FakeZaloOa, refresh_token: &str, secret: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{}/v4/oa/access_token", oa.url))
        .header("secret_key", secret)
        .form(&[
            ("refresh_token", refresh_token),
            ("app_id", &oa.keys().app_id),
            ("grant_type", "refresh_token"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// A fake with a fresh access token.
async fn started() -> (FakeZaloOa, String) {
    let oa = FakeZaloOa::start(OaKeys::example()).await;
    let answer = refresh(&oa, "test_refresh_token", "test_app_secret").await;
    let token = answer["access_token"].as_str().unwrap().to_owned();
    (oa, token)
}

async fn send(oa: &FakeZaloOa, path: &str, token: &str, user: Value, message: Value) -> Value {
    reqwest::Client::new()
        .post(format!("{}{path}", oa.url))
        .header("access_token", token)
        .json(&json!({"recipient": {"user_id": user}, "message": message}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn buttons(count: usize) -> Value {
    let buttons: Vec<Value> = (1..=count)
        .map(|n| json!({"title": n.to_string(), "type": "oa.query.show", "payload": format!("#{n}")}))
        .collect();
    json!({"text": "Chọn một", "attachment": {"type": "template", "payload": {"buttons": buttons}}})
}

#[tokio::test]
async fn a_refresh_token_works_once_and_a_new_access_token_retires_the_old_one() {
    let oa = FakeZaloOa::start(OaKeys::example()).await;
    let wrong = refresh(&oa, "test_refresh_token", "not_the_secret").await;
    assert_eq!(wrong["error"], -14002);
    assert_eq!(wrong["error_name"], "invalid_client");

    let first = refresh(&oa, "test_refresh_token", "test_app_secret").await;
    assert_eq!(first["expires_in"], "90000");
    let next = first["refresh_token"].as_str().unwrap();
    assert_eq!(oa.current_refresh_token(), next);
    let reused = refresh(&oa, "test_refresh_token", "test_app_secret").await;
    assert_eq!(
        reused,
        json!({"error": -14014, "error_name": "invalid_grant", "error_description": "Invalid refresh token"})
    );

    oa.set_expires_in(60);
    let second = refresh(&oa, next, "test_app_secret").await;
    assert_eq!(second["expires_in"], "60");
    assert_eq!(oa.refreshes(), 2);
    assert_eq!(oa.spent_refresh_tokens(), ["test_refresh_token", next]);

    let user = user_id(1);
    oa.add_follower(&user);
    let old = first["access_token"].as_str().unwrap();
    let answer = send(&oa, CS, old, json!(user), json!({"text": "Chào"})).await;
    assert_eq!(
        answer,
        json!({"error": -216, "message": "Access token is invalid"})
    );
    let new = second["access_token"].as_str().unwrap();
    assert_eq!(
        send(&oa, CS, new, json!(user), json!({"text": "Chào"})).await["error"],
        0
    );
    oa.expire_access_token();
    let answer = send(&oa, CS, new, json!(user), json!({"text": "Chào"})).await;
    assert_eq!(
        answer,
        json!({"error": -220, "message": "Access token has expired"})
    );
}

#[tokio::test]
async fn a_bearer_authorization_header_is_not_an_access_token() {
    let (oa, token) = started().await;
    oa.add_follower(&user_id(1));
    let answer: Value = reqwest::Client::new()
        .post(format!("{}{CS}", oa.url))
        .bearer_auth(&token)
        .json(&json!({"recipient": {"user_id": user_id(1)}, "message": {"text": "Chào"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"], -216);
    assert!(oa.rejections()[0].contains("Authorization"));
}

#[tokio::test]
async fn messages_go_to_followers_within_zalos_limits() {
    let (oa, token) = started().await;
    let user = user_id(7);
    let text = json!({"text": "Chào"});
    assert_eq!(
        send(&oa, CS, &token, json!(user), text.clone()).await["error"],
        -213
    );

    oa.add_follower(&user);
    let numeric = json!(user.parse::<u64>().unwrap());
    assert_eq!(
        send(&oa, CS, &token, numeric, text.clone()).await["error"],
        -201
    );
    let long = json!({"text": "đ".repeat(2001)});
    assert_eq!(
        send(&oa, CS, &token, json!(user), long).await["error"],
        -201
    );
    assert_eq!(
        send(&oa, CS, &token, json!(user), buttons(6)).await["error"],
        -201
    );

    let answer = send(&oa, CS, &token, json!(user), text).await;
    assert_eq!(answer["error"], 0);
    assert_eq!(answer["message"], "Success");
    assert_eq!(answer["data"]["user_id"], json!(user));
    let id = answer["data"]["message_id"].as_str().unwrap();
    assert!(id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        send(&oa, CS, &token, json!(user), buttons(5)).await["error"],
        0
    );

    assert_eq!(oa.texts_to(&user), ["Chào", "Chọn một"]);
    let pressed: Vec<(String, String)> =
        (1..=5).map(|n| (n.to_string(), format!("#{n}"))).collect();
    assert_eq!(oa.buttons_to(&user), [vec![], pressed]);
    assert_eq!(oa.rejections().len(), 4, "{:?}", oa.rejections());
    assert_eq!(oa.calls(CS).len(), 6);
}

#[tokio::test]
async fn consultation_needs_an_interaction_in_the_last_seven_days() {
    let (oa, token) = started().await;
    let user = user_id(2);
    oa.add_follower(&user);
    oa.set_last_interaction(&user, Utc::now() - TimeDelta::days(8));
    let text = json!({"text": "Nhắc lịch họp"});
    let answer = send(&oa, CS, &token, json!(user), text.clone()).await;
    assert_eq!(
        answer,
        json!({"error": -230, "message": "User has not interacted with the OA in the last 7 days"})
    );
    let transaction = "/v3.0/oa/message/transaction";
    assert_eq!(
        send(&oa, transaction, &token, json!(user), text.clone()).await["error"],
        0
    );

    oa.fail_next(OaFailure {
        error: -234,
        message: "Not allowed to send at this time".into(),
        user: None,
        after: 0,
    });
    assert_eq!(
        send(&oa, transaction, &token, json!(user), text).await["error"],
        -234
    );
}

#[tokio::test]
async fn an_uploaded_image_can_be_sent() {
    let (oa, token) = started().await;
    let upload = |bytes: &[u8]| {
        let mut body = b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"chart.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n--XYZ--\r\n");
        reqwest::Client::new()
            .post(format!("{}/v2.0/oa/upload/image", oa.url))
            .header("access_token", &token)
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body(body)
    };
    let answer: Value = upload(b"GIF89a")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"], -201);
    let answer: Value = upload(b"\x89PNG\r\n\x1a\n....")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["error"], 0);
    let id = answer["data"]["attachment_id"].as_str().unwrap();

    let user = user_id(3);
    oa.add_follower(&user);
    let media = |id: &str| {
        json!({"attachment": {"type": "template", "payload": {"template_type": "media",
            "elements": [{"media_type": "image", "attachment_id": id}]}}})
    };
    assert_eq!(
        send(&oa, CS, &token, json!(user), media("made-up")).await["error"],
        -201
    );
    assert_eq!(
        send(&oa, CS, &token, json!(user), media(id)).await["error"],
        0
    );
    assert_eq!(oa.images_to(&user), [id]);
}

#[tokio::test]
async fn events_reach_the_webhook_signed_and_make_the_sender_a_follower() {
    let (oa, token) = started().await;
    let (url, inbox) = common::webhook().await;
    let user = user_id(4);
    let body = oa.events().user_send_text(&user, "Xin chào");
    let (status, took) = oa.send_event(&url, &body).await;
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(2));

    let event: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(event["sender"]["id"], json!(user));
    assert_eq!(event["recipient"]["id"], oa.oa_id());
    assert!(event["timestamp"].is_string());
    {
        let inbox = inbox.lock().unwrap();
        assert_eq!(inbox[0].body, body.as_bytes());
        let mac = signature(
            &oa.keys().app_id,
            body.as_bytes(),
            event["timestamp"].as_str().unwrap(),
            "test_oa_secret_key",
        );
        assert_eq!(
            inbox[0].headers["x-zevent-signature"],
            format!("mac={mac}").as_str()
        );
    }
    assert_eq!(
        send(&oa, CS, &token, json!(user), json!({"text": "Chào"})).await["error"],
        0
    );

    // Forged or absent signatures change nothing in the fake.
    let stranger = user_id(5);
    let forged = oa.events().user_send_text(&stranger, "x");
    oa.send_event_with(&url, &forged, None).await;
    assert_eq!(
        send(&oa, CS, &token, json!(stranger), json!({"text": "Chào"})).await["error"],
        -213
    );
    assert!(
        inbox.lock().unwrap()[1]
            .headers
            .get("x-zevent-signature")
            .is_none()
    );

    // An old follow makes a follower whose consultation window has closed.
    let old = oa
        .events()
        .at(Utc::now() - TimeDelta::days(10))
        .follow(&stranger);
    assert!(old.contains(r#""follower":{"id":""#));
    oa.send_event(&url, &old).await;
    assert_eq!(
        send(&oa, CS, &token, json!(stranger), json!({"text": "Chào"})).await["error"],
        -230
    );
    oa.send_event(&url, &oa.events().unfollow(&stranger)).await;
    assert_eq!(
        send(&oa, CS, &token, json!(stranger), json!({"text": "Chào"})).await["error"],
        -213
    );
}
