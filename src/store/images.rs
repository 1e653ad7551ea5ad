//! Charts kept, drawn, for channels that fetch a picture from a public URL (Zalo's Bot API), by a
//! key derived from the picture: the same chart is stored once.

use super::Store;

impl Store {
    pub async fn publish_image(&self, key: &str, png: &[u8]) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO public_images (key, png) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
            key,
            png
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn public_image(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar!("SELECT png FROM public_images WHERE key = $1", key)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}
