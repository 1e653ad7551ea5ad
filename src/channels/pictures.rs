//! Photos people sent, fetched back from their platform when the dashboard shows them: danvan
//! keeps only the platform's id (or URL) for a photo, never a copy of it (see `Channel::photo`).

use std::time::Duration;

use crate::message::Picture;

/// Largest photo fetched (Telegram lets bots download up to 20 MB; phone photos are far smaller).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// How long a platform may take to hand a photo over.
const FETCH_WAIT: Duration = Duration::from_secs(20);

/// Downloads the picture at `url` (Zalo gives a photo as its URL), at most [`MAX_BYTES`];
/// Ok(None) when it is no web address, the platform no longer has it, or it is not an image.
pub async fn fetch(client: &reqwest::Client, url: &str) -> anyhow::Result<Option<Picture>> {
    let Ok(url) = url::Url::parse(url) else {
        return Ok(None);
    };
    if !matches!(url.scheme(), "https" | "http") {
        return Ok(None);
    }
    let mut response = client.get(url).timeout(FETCH_WAIT).send().await?;
    let status = response.status();
    if status.is_client_error() {
        return Ok(None);
    }
    anyhow::ensure!(status.is_success(), "the platform answered {status}");
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Ok(None);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Picture::read(bytes))
}
