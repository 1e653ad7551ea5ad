//! The demo's history, written set-based and dated relative to the clock's now: residents on the
//! chat platforms, notices they received and read, answers to a survey, a quarter and a half of
//! models and activities. What the demo does live goes through the real code instead.

use chrono::{DateTime, NaiveDate, Utc};

use super::Store;
use crate::domain::access::Role;
use crate::domain::dialogue::signup::CONSENT_VERSION;

/// Model names per sector, as committees name them.
const MODELS: [(&str, &str); 8] = [
    ("kt", "Tổ hợp tác trồng lúa chất lượng cao"),
    ("kt", "Dân vận khéo trong dồn điền, đổi thửa"),
    ("vhxh", "Câu lạc bộ dưỡng sinh người cao tuổi"),
    ("vhxh", "Tủ sách pháp luật ở nhà văn hóa thôn"),
    ("qpan", "Tổ tự quản an ninh trật tự khu dân cư"),
    ("qpan", "Camera an ninh do nhân dân đóng góp"),
    ("xdhtct", "Đối thoại định kỳ giữa chính quyền và nhân dân"),
    ("xdhtct", "Chi bộ gắn với khu dân cư kiểu mẫu"),
];
const ACTIVITIES: [(&str, &str); 6] = [
    ("kt", "Hướng dẫn bà con đăng ký mã số vùng trồng"),
    ("vhxh", "Thăm hỏi, tặng quà gia đình chính sách"),
    ("vhxh", "Ra quân vệ sinh môi trường, trồng cây xanh"),
    ("qpan", "Tuyên truyền phòng, chống lừa đảo qua mạng"),
    ("xdhtct", "Hội nghị lấy ý kiến nhân dân về dự thảo văn bản"),
    ("kt", "Vận động hiến đất mở rộng đường giao thông nông thôn"),
];

impl Store {
    /// Whether the demo history was written already (`danvan demo` run before keeps its data).
    pub async fn demo_seeded(&self) -> anyhow::Result<bool> {
        Ok(sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM settings WHERE name = 'demo_seeded') AS "seeded!""#
        )
        .fetch_one(&self.pool)
        .await?)
    }

    pub async fn mark_demo_seeded(&self) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO settings (name, value) VALUES ('demo_seeded', '') ON CONFLICT DO NOTHING"
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The demo personas' tokens as kept by the first run (`kind:token` lines), for the next runs.
    pub async fn demo_personas(&self) -> anyhow::Result<Option<String>> {
        let kept: Option<Vec<u8>> =
            sqlx::query_scalar!("SELECT value FROM settings WHERE name = 'demo_personas'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(kept.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    pub async fn keep_demo_personas(&self, lines: &str) -> anyhow::Result<()> {
        sqlx::query!(
            "INSERT INTO settings (name, value) VALUES ('demo_personas', $1)
             ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
            lines.as_bytes()
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// `count` consented residents over the communes of `province` (more in some than others), on
    /// the Zalo OA, Telegram and the Zalo bot, signed up over the last 90 days.
    pub async fn add_demo_residents(
        &self,
        province: &str,
        count: i64,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY code) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $1)),
                  made AS (
                      INSERT INTO people (language, unit_id, consent_version, consented_at, created_at)
                      SELECT CASE WHEN g % 25 = 0 THEN 'en' ELSE 'vi' END,
                             -- Squaring bunches residents into the first communes, as real uptake does.
                             a[1 + floor(cardinality(a) * power((g * 7919 % 1000) / 1000.0, 2))::int],
                             '2026-01', $3::timestamptz - make_interval(days => (g % 90)::int), $3::timestamptz - make_interval(days => (g % 90)::int)
                      FROM communes, generate_series(1, $2::bigint) AS g
                      RETURNING id, language, created_at)
             INSERT INTO chats (channel, address, person_id, language, state, can_push, last_seen_at)
             SELECT CASE WHEN id % 20 < 11 THEN 'zalo_oa' WHEN id % 20 < 17 THEN 'telegram' ELSE 'zalo_bot' END,
                    'demo-' || id, id, language, '{\"step\":\"idle\"}', true, created_at
             FROM made",
            province,
            count,
            now as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Residents of the demo province's communes who may send the demo's tickets: (person, unit).
    pub async fn demo_senders(
        &self,
        province: &str,
        count: i64,
    ) -> anyhow::Result<Vec<(i64, i64)>> {
        let rows = sqlx::query!(
            r#"SELECT p.id, p.unit_id AS "unit_id!" FROM people p
             JOIN chats c ON c.person_id = p.id AND c.address LIKE 'demo-%'
             WHERE p.unit_id IN (SELECT id FROM units
                                 WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             ORDER BY p.id LIMIT $2"#,
            province,
            count
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|r| (r.id, r.unit_id)).collect())
    }

    /// Drops the messages queued for the demo's made-up residents, whose chats no channel serves.
    pub async fn drop_demo_messages(&self) -> anyhow::Result<()> {
        sqlx::query!(
            "DELETE FROM deliveries WHERE notice_id IS NULL AND address LIKE 'demo-%'
               AND status = 'pending'"
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A person signed up on `channel`/`address` in `unit_id`, holding `role` there if any (the
    /// demo's personas, one browser playing each in turn).
    pub async fn add_demo_persona(
        &self,
        channel: &str,
        address: &str,
        unit_id: i64,
        role: Option<Role>,
    ) -> anyhow::Result<i64> {
        let mut tx = self.begin().await?;
        let person: i64 = sqlx::query_scalar!(
            r#"WITH person AS (
                 INSERT INTO people (language, unit_id, consent_version, consented_at)
                 VALUES ('vi', $3, $4, now()) RETURNING id)
             INSERT INTO chats (channel, address, person_id, language, state, can_push, last_seen_at)
             SELECT $1, $2, id, 'vi', '{"step":"idle"}', true, now() FROM person
             RETURNING person_id AS "person_id!""#,
            channel,
            address,
            unit_id,
            CONSENT_VERSION
        )
        .fetch_one(&mut *tx.inner)
        .await?;
        if let Some(role) = role {
            sqlx::query!(
                "INSERT INTO role_grants (person_id, role, unit_id) VALUES ($1, $2, $3)",
                person,
                role.as_str(),
                unit_id
            )
            .execute(&mut *tx.inner)
            .await?;
        }
        tx.commit().await?;
        Ok(person)
    }

    /// Notice `id`, already fanned out, as received `days_ago`: its deliveries sent then (a few
    /// failed, blocked or not deliverable), those sent on the Zalo OA reported delivered, and
    /// `read_share` of those sent read. Receipts come only for what was sent.
    pub async fn age_demo_notice(
        &self,
        id: i64,
        now: DateTime<Utc>,
        days_ago: i32,
        read_share: f64,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        let at = now - chrono::Duration::days(days_ago as i64);
        sqlx::query!(
            "UPDATE notices SET send_at = $2, created_at = $2, fanned_out_at = $2 WHERE id = $1",
            id,
            at as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        sqlx::query!(
            "WITH outcome AS (
                 SELECT id, CASE WHEN id % 97 = 0 THEN 'failed'
                                 WHEN id % 41 = 0 AND channel = 'zalo_oa' THEN 'undeliverable'
                                 WHEN id % 89 = 0 THEN 'blocked' ELSE 'sent' END AS status
                 FROM deliveries WHERE notice_id = $1)
             UPDATE deliveries d SET
                 status = o.status,
                 error = CASE o.status WHEN 'failed' THEN 'network timeout'
                                       WHEN 'undeliverable' THEN 'outside the 7-day window'
                                       WHEN 'blocked' THEN 'blocked by the person' END,
                 sent_at = CASE WHEN o.status = 'sent' THEN $2::timestamptz + make_interval(secs => (d.id % 3600)::int) END,
                 message_id = CASE WHEN o.status = 'sent' THEN 'demo-' || d.id END,
                 attempts = 1,
                 delivered_at = CASE WHEN o.status = 'sent' AND d.channel = 'zalo_oa'
                                     THEN $2::timestamptz + make_interval(secs => (d.id % 3600)::int + 5) END,
                 read_at = CASE WHEN o.status = 'sent' AND (d.id * 7919 % 1000) < $3::float8 * 1000
                                THEN $2::timestamptz + make_interval(mins => (d.id % 2000)::int) END
             FROM outcome o WHERE d.id = o.id",
            id,
            at as DateTime<Utc>,
            read_share
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Survey `id`, open: its invitations sent, and between 45% and 94% of those invited having
    /// answered, as each unit's rate has it (a few more started and stopped), with anonymous
    /// answers following from the response's number, tallied.
    pub async fn answer_demo_survey(
        &self,
        id: i64,
        province: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "UPDATE deliveries SET status = 'sent', sent_at = $1, message_id = 'demo-' || id, attempts = 1
             WHERE notice_id IS NULL AND status = 'pending' AND channel <> 'web'",
            now as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        let answered: i64 = sqlx::query_scalar!(
            r#"WITH done AS (UPDATE survey_invitations
                           SET started = (person_id * 7919) % 100 < 52 + (coalesce(unit_id, 0) * 37) % 50,
                               finished = (person_id * 7919) % 100 < 45 + (coalesce(unit_id, 0) * 37) % 50
                           WHERE survey_id = $1 RETURNING finished)
             SELECT count(*) FILTER (WHERE finished) AS "answered!" FROM done"#,
            id
        )
        .fetch_one(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        self.add_example_responses(id, province, answered).await
    }

    /// Opinions on the consultation's `parts` parts from two in three of the residents it asks,
    /// over the last days: most agree, less so with the later, stricter parts; some comment.
    pub async fn answer_demo_consultation(
        &self,
        id: i64,
        parts: usize,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "WITH RECURSIVE c AS (SELECT * FROM consultations WHERE id = $1),
             scope AS (SELECT u.id FROM units u, c WHERE u.id = ANY(c.unit_ids)
                       UNION SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id),
             who AS (SELECT p.id, p.unit_id FROM people p
                     WHERE p.unit_id IN (SELECT id FROM scope) AND p.id % 3 <> 0),
             counted AS (INSERT INTO consultation_people (consultation_id, person_id, unit_id)
                         SELECT $1, id, unit_id FROM who)
             INSERT INTO consultation_opinions
                 (consultation_id, person_id, part, unit_id, opinion, comment, channel, updated_at)
             SELECT $1, w.id, n, w.unit_id,
                    CASE WHEN (w.id * 37 + n * 11) % 100 < 92 - n * 6 THEN 'agree'
                         WHEN (w.id * 37 + n * 11) % 100 < 97 - n * 2 THEN 'disagree'
                         ELSE 'other' END,
                    CASE WHEN (w.id + n) % 7 = 0
                         THEN (ARRAY['Nên phổ biến rộng hơn ở các xóm.',
                                     'Đề nghị ghi rõ ai chịu trách nhiệm nhắc nhở.',
                                     'Mức này phù hợp với thôn mình.'])[1 + (w.id % 3)] END,
                    'telegram', $3::timestamptz - make_interval(hours => (w.id * 7 % 200)::int)
             FROM who w, generate_series(1, $2::int) n",
            id,
            parts as i32,
            now as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// "1+10" in every commune of `province` with the demo's residents: one resident in thirty
    /// a cadre there, each accompanying ten households (every seventh twelve, over the model's
    /// ten) in its village groups; two residents in five joined one of their commune's
    /// households; visits logged over the last five months to three households in four.
    pub async fn add_demo_households(
        &self,
        province: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let today = crate::domain::vn_time::local_date(now);
        let mut tx = self.begin().await?;
        sqlx::query!(
            "INSERT INTO role_grants (person_id, role, unit_id)
             SELECT p.id, 'cadre', p.unit_id FROM people p
             WHERE p.id % 30 = 0 AND EXISTS (SELECT 1 FROM chats c WHERE c.person_id = p.id
                                             AND c.address LIKE 'demo-%')
               AND p.unit_id IN (SELECT id FROM units
                                 WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             ON CONFLICT DO NOTHING",
            province
        )
        .execute(&mut *tx.inner)
        .await?;
        // Codes from 90000001 up; one drawn later in chat that is taken is drawn again.
        sqlx::query!(
            "WITH cadres AS (
                 SELECT g.person_id, g.unit_id FROM role_grants g JOIN chats c
                   ON c.person_id = g.person_id AND c.address LIKE 'demo-%' WHERE g.role = 'cadre'),
             made AS (
                 SELECT k.unit_id, k.person_id, n, 1 + k.person_id % 9 AS village,
                        row_number() OVER (ORDER BY k.person_id, n) AS r
                 FROM cadres k, generate_series(1, CASE WHEN k.person_id % 7 = 0 THEN 12 ELSE 10 END) n)
             INSERT INTO households (unit_id, cadre_id, name, join_code, village, address, place_key, created_at)
             SELECT unit_id, person_id,
                    'Hộ ' || (ARRAY['bà Lan', 'ông Minh', 'bà Hoa', 'ông Tư', 'bà Mai', 'ông Hùng',
                                    'bà Thu', 'ông Nam', 'bà Hạnh', 'ông Bình', 'bà Cúc', 'ông Sơn'])[n]
                         || ', thôn ' || village,
                    lpad((90000000 + r)::text, 8, '0'), 'Thôn ' || village, 'số ' || r,
                    'thon ' || village || '|so ' || r, $1::timestamptz - interval '150 days'
             FROM made",
            now as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        sqlx::query!(
            "WITH h AS (SELECT id, unit_id, row_number() OVER (PARTITION BY unit_id ORDER BY id) - 1 AS k,
                               count(*) OVER (PARTITION BY unit_id) AS n FROM households),
                  r AS (SELECT p.id, p.unit_id, row_number() OVER (PARTITION BY p.unit_id ORDER BY p.id) - 1 AS k
                        FROM people p JOIN chats c ON c.person_id = p.id AND c.address LIKE 'demo-%'
                        WHERE p.id % 5 < 2
                          AND NOT EXISTS (SELECT 1 FROM role_grants g WHERE g.person_id = p.id))
             INSERT INTO household_members (household_id, person_id, consented_at)
             SELECT h.id, r.id, $1::timestamptz - make_interval(days => (r.id % 90)::int)
             FROM r JOIN h ON h.unit_id = r.unit_id AND h.k = r.k % h.n",
            now as DateTime<Utc>
        )
        .execute(&mut *tx.inner)
        .await?;
        sqlx::query!(
            "INSERT INTO activities (unit_id, sector, title, held_on, created_by, household_id)
             SELECT h.unit_id, 'vhxh', 'Thăm hộ ' || h.name || ' (Dân vận khéo 1+10)',
                    $1::date - ((h.id * 13 + v * 29) % 150)::int, h.cadre_id, h.id
             FROM households h, generate_series(1, 1 + h.id % 3) v WHERE h.id % 4 <> 0",
            today as NaiveDate
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Models started over the last two years and activities over the last 120 days in every
    /// commune of `province` with residents, with the names committees give them; half the
    /// activities (six in turn, so every title) have the web chat photo of `photos` (by key, one
    /// per activity title) for their title.
    pub async fn add_demo_logs(
        &self,
        province: &str,
        now: DateTime<Utc>,
        photos: &[String; ACTIVITIES.len()],
    ) -> anyhow::Result<()> {
        let today = crate::domain::vn_time::local_date(now);
        let (model_sectors, model_names): (Vec<&str>, Vec<&str>) = MODELS.iter().copied().unzip();
        let (activity_sectors, activity_titles): (Vec<&str>, Vec<&str>) =
            ACTIVITIES.iter().copied().unzip();
        let mut tx = self.begin().await?;
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY code) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             INSERT INTO models (unit_id, sector, name, started_on, status)
             SELECT a[1 + (g * 13) % cardinality(a)], ($2::text[])[1 + g % 8], ($3::text[])[1 + g % 8],
                    $4::date - (g * 37 % 730), 'active'
             FROM communes, generate_series(1, 3 * cardinality((SELECT a FROM communes))) AS g",
            province,
            &model_sectors[..] as &[&str],
            &model_names[..] as &[&str],
            today as NaiveDate
        )
        .execute(&mut *tx.inner)
        .await?;
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY code) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             INSERT INTO activities (unit_id, sector, title, held_on, participants, photos,
                                     photos_channel)
             SELECT a[1 + (g * 7) % cardinality(a)], ($2::text[])[1 + g % 6], ($3::text[])[1 + g % 6],
                    $4::date - (g * 11 % 120), 15 + g * 17 % 120,
                    CASE WHEN (g / 6) % 2 = 0 THEN ARRAY[($5::text[])[1 + g % 6]] ELSE '{}' END,
                    CASE WHEN (g / 6) % 2 = 0 THEN 'web' END
             FROM communes, generate_series(1, 8 * cardinality((SELECT a FROM communes))) AS g",
            province,
            &activity_sectors[..] as &[&str],
            &activity_titles[..] as &[&str],
            today as NaiveDate,
            photos.as_slice()
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        sqlx::query!("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }
}

impl Store {
    /// `count` anonymous responses to the example survey (`examples/survey.toml`), each in the unit
    /// of an invitation (those finished first; over the communes of `province` when it has none),
    /// for benchmarks and the demo's history, set-based and uneven as real answers are: each
    /// commune leans its own way (agreeing 58% to 87%, rating a little higher or lower), ratings
    /// bunch at 4 and 5, ages in the middle years, a comment from one in ten; then the tallies.
    /// The invitations keep their own count, so no unit shows more responses than invitations.
    pub async fn add_example_responses(
        &self,
        survey: i64,
        province: &str,
        count: i64,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH invited AS (SELECT array_agg(unit_id ORDER BY finished DESC, person_id) AS a
                              FROM survey_invitations WHERE survey_id = $1 AND unit_id IS NOT NULL),
                  communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $2)),
                  places AS (SELECT COALESCE(i.a, c.a) AS a FROM invited i, communes c)
             INSERT INTO survey_responses (id, survey_id, pseudonym, unit_id, language, channel)
             SELECT md5(g::text)::uuid, $1, int8send(g), a[1 + (g - 1) % cardinality(a)], 'vi', 'telegram'
             FROM places, generate_series(1, $3::bigint) AS g",
            survey,
            province,
            count
        )
        .execute(&self.pool)
        .await?;
        // Without statistics the key checks of the answers below would scan the responses.
        sqlx::query!("ANALYZE survey_responses")
            .execute(&self.pool)
            .await?;
        sqlx::query!(
            "INSERT INTO survey_answers (response_id, survey_id, unit_id, question, choice, number, text)
             SELECT r.id, r.survey_id, r.unit_id, q.question, q.choice, q.number, q.text
             FROM (SELECT g, r.*,
                          (g * 7919) % 1000 < 580 + (r.unit_id * 13) % 300 AS agrees,
                          (g * 104729) % 1000 + (r.unit_id * 17) % 120 - 60 AS mood
                   FROM generate_series(1, $1::bigint) AS g
                        JOIN survey_responses r ON r.id = md5(g::text)::uuid) AS r,
                  LATERAL (VALUES
                      ('agree', CASE WHEN r.agrees THEN 'yes' ELSE 'no' END, NULL::bigint, NULL, true),
                      ('concerns', 'cost', NULL, NULL, NOT r.agrees AND (r.g * 31) % 10 < 7),
                      ('concerns', 'time', NULL, NULL, NOT r.agrees AND (r.g * 37) % 10 < 4),
                      ('concerns', 'access', NULL, NULL, NOT r.agrees AND (r.g * 43) % 10 < 3),
                      ('concerns', 'units', NULL, NULL, NOT r.agrees AND (r.g * 41) % 10 < 2),
                      ('rating', CASE WHEN r.mood < 40 THEN '1' WHEN r.mood < 120 THEN '2'
                                      WHEN r.mood < 300 THEN '3' WHEN r.mood < 680 THEN '4'
                                      ELSE '5' END, NULL, NULL, true),
                      ('age', NULL, 18 + (r.g * 13) % 26 + (r.g * 29) % 31, NULL, true),
                      ('comment', NULL, NULL,
                       (ARRAY['Cần giải thích rõ hơn cho bà con ở thôn xa.',
                              'Đồng ý, mong sớm triển khai.',
                              'Nên họp thôn để bà con góp ý trực tiếp.',
                              'Lo thủ tục đổi giấy tờ sau khi sáp nhập.',
                              'Đề nghị giữ tên gọi truyền thống của địa phương.',
                              'Cần hỗ trợ người cao tuổi khi làm thủ tục.',
                              'Thông tin rõ ràng, dễ hiểu.'])[1 + r.g % 7], r.g % 10 = 0))
                  AS q (question, choice, number, text, given)
             WHERE q.given",
            count
        )
        .execute(&self.pool)
        .await?;
        sqlx::query!("ANALYZE survey_answers")
            .execute(&self.pool)
            .await?;
        self.retally_survey(survey).await
    }
}
