//! `POST /v2.0/oa/upload/image`: a PNG or JPEG in the multipart field `file` becomes an
//! `attachment_id` for a media message.

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::{FakeZaloOa, Refusal};

const PATH: &str = "/v2.0/oa/upload/image";
/// Zalo's documented limit for an uploaded image.
const MAX_BYTES: usize = 1024 * 1024;

pub(super) async fn image(
    State(fake): State<FakeZaloOa>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Json<Value> {
    let checked = fake.lock().check_token(&headers);
    let file = match checked {
        Ok(()) => read_file(multipart).await,
        Err(refusal) => Err(refusal),
    };
    let answer = {
        let mut s = fake.lock();
        let params = file.as_ref().map_or(Value::Null, Value::clone);
        let outcome = file.map(|_| {
            let attachment_id = crate::unique_hex(40);
            s.uploads.insert(attachment_id.clone());
            json!({"attachment_id": attachment_id})
        });
        s.reply(PATH, Some(params), outcome)
    };
    fake.changed.notify_waiters();
    Json(answer)
}

/// The `file` field, checked, as the call record describes it.
async fn read_file(multipart: Result<Multipart, MultipartRejection>) -> Result<Value, Refusal> {
    let mut multipart = multipart
        .map_err(|e| Refusal::invalid_parameter(format!("the body is not multipart: {e}")))?;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        Refusal::invalid_parameter(format!("the multipart body does not read: {e}"))
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some("file") {
            continue;
        }
        let filename = field.file_name().unwrap_or_default().to_owned();
        let bytes = field.bytes().await.map_err(unreadable)?;
        let kind = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "png"
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            "jpeg"
        } else {
            return Err(Refusal::invalid_parameter(
                "file is not a PNG or JPEG image",
            ));
        };
        if bytes.len() > MAX_BYTES {
            return Err(Refusal::invalid_parameter(format!(
                "file has {} bytes (at most {MAX_BYTES})",
                bytes.len()
            )));
        }
        return Ok(json!({"file": {"filename": filename, "type": kind, "size": bytes.len()}}));
    }
    Err(Refusal::invalid_parameter("no file field"))
}
