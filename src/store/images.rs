//! Charts kept for channels that fetch a picture from a public URL (Zalo's Bot API), by a key
//! derived from the chart itself: the same chart is stored once.

use serde_json::Value;

use super::Store;

impl Store {
    pub async fn publish_image(&self, key: &str, plot: &Value) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO public_images (key, plot) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(sqlx::types::Json(plot))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn public_image(&self, key: &str) -> anyhow::Result<Option<Value>> {
        let plot: Option<sqlx::types::Json<Value>> =
            sqlx::query_scalar("SELECT plot FROM public_images WHERE key = $1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        Ok(plot.map(|p| p.0))
    }
}
