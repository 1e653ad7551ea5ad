//! Charts for channels that take a picture only by URL (Zalo's Bot API, the web chat): the chart
//! is drawn once, kept in the database under a key derived from the picture, and served at
//! `<DANVAN_PUBLIC_URL>/images/<key>.png` when the platform (or the page) fetches it.

use sha2::{Digest, Sha256};

use crate::chart::Plot;
use crate::store::Store;

/// Where serve answers for kept charts.
pub const ROUTE: &str = "/images/{file}";

/// Publishes charts under this service's public base URL.
#[derive(Clone)]
pub struct PublicImages {
    store: Store,
    base: url::Url,
}

impl std::fmt::Debug for PublicImages {
    // By hand because the store has no `Debug`; the base URL is the setting.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicImages")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl PublicImages {
    pub fn new(store: Store, base: url::Url) -> PublicImages {
        PublicImages { store, base }
    }

    /// The public URL of `plot`, drawn and kept first so that it can be fetched.
    pub async fn url(&self, plot: &Plot) -> anyhow::Result<url::Url> {
        let file = keep(&self.store, plot).await?;
        // join() replaces the last segment of a base without a trailing slash.
        let mut base = self.base.clone();
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        Ok(base.join(&format!("images/{file}"))?)
    }
}

/// Draws `plot` and keeps it; the file name it is served under, after `/images/`.
pub async fn keep(store: &Store, plot: &Plot) -> anyhow::Result<String> {
    let plot = plot.clone();
    let png = tokio::task::spawn_blocking(move || plot.png()).await??;
    let digest = Sha256::digest(&png);
    let key = super::hex(&digest[..16]);
    store.publish_image(&key, &png).await?;
    Ok(format!("{key}.png"))
}

/// The PNG of a kept chart, by the file name in its URL.
pub async fn png(store: &Store, file: &str) -> anyhow::Result<Option<Vec<u8>>> {
    match file.strip_suffix(".png") {
        Some(key) => store.public_image(key).await,
        None => Ok(None),
    }
}
