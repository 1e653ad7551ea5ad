//! What tickets are timed by: their categories (each with its days to answer) and the days off
//! that `domain::work_time` skips when it counts a deadline.

use chrono::NaiveDate;

use crate::domain::ticket::Category;
use crate::domain::work_time::Calendar;
use crate::store::Tx;

impl Tx {
    pub async fn ticket_categories(&mut self) -> anyhow::Result<Vec<Category>> {
        let rows = sqlx::query!(
            "SELECT code, name, name_en, answer_days, urgent FROM ticket_categories ORDER BY position",
        )
        .fetch_all(&mut *self.inner)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Category {
                code: r.code,
                name: r.name,
                name_en: r.name_en,
                answer_days: r.answer_days.into(),
                urgent: r.urgent,
            })
            .collect())
    }

    /// The holidays deadlines skip.
    pub async fn work_calendar(&mut self) -> anyhow::Result<Calendar> {
        let yearly = sqlx::query!("SELECT month, day FROM yearly_holidays")
            .fetch_all(&mut *self.inner)
            .await?;
        let dates: Vec<NaiveDate> =
            sqlx::query_scalar!(r#"SELECT day AS "day: NaiveDate" FROM holidays"#)
                .fetch_all(&mut *self.inner)
                .await?;
        Ok(Calendar {
            yearly: yearly
                .into_iter()
                .map(|r| (r.month as u32, r.day as u32))
                .collect(),
            dates: dates.into_iter().collect(),
        })
    }

    /// Adds a day off (a lunar holiday, a swapped day); false when it was there already.
    pub async fn add_holiday(&mut self, day: NaiveDate, name: &str) -> anyhow::Result<bool> {
        Ok(sqlx::query!(
            "INSERT INTO holidays (day, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            day as NaiveDate,
            name
        )
        .execute(&mut *self.inner)
        .await?
        .rows_affected()
            == 1)
    }
}
