//! Photos people sent, fetched back from their platform when the dashboard shows them: danvan
//! keeps only the platform's id (or URL) for a photo, never a copy of it (see `Channel::photo`).

use std::time::Duration;

/// Largest photo fetched (Telegram lets bots download up to 20 MB; phone photos are far smaller).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// How long a platform may take to hand a photo over.
const FETCH_WAIT: Duration = Duration::from_secs(20);

/// A photo's bytes and their media type, read from the bytes themselves (never from the platform's
/// header, so that nothing but an image is ever served as one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

impl Picture {
    /// `bytes` as a picture, if they are a JPEG, PNG, WebP or GIF.
    pub fn read(bytes: Vec<u8>) -> Option<Picture> {
        let content_type = image_type(&bytes)?;
        Some(Picture {
            bytes,
            content_type,
        })
    }
}

/// The media type of an image by its leading bytes (its "magic number").
pub fn image_type(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n', ..] => Some("image/png"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        _ => None,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_images_are_pictures() {
        assert_eq!(
            image_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n\0\0"), Some("image/png"));
        assert_eq!(image_type(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(image_type(b"<html><script>"), None);
        assert_eq!(image_type(b""), None);
        assert!(Picture::read(b"<svg onload=alert(1)>".to_vec()).is_none());
    }
}
