//! Bulk data for benchmarks, written set-based: signing a million people up one by one would
//! measure the sign-up, not what the benchmark is about.

use super::Store;

impl Store {
    /// `people` residents of province `province` (added here), each with `parts` opinions on
    /// consultation `id` (agreeing mostly, some comments), and the kept counts written once,
    /// set-based, as a squash would leave them.
    pub async fn add_bench_opinions(
        &self,
        id: i64,
        province: &str,
        people: i64,
        parts: i16,
    ) -> anyhow::Result<()> {
        let first = sqlx::query_scalar!(r#"SELECT COALESCE(max(id), 0) AS "first!" FROM people"#)
            .fetch_one(&self.pool)
            .await?;
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             INSERT INTO people (language, unit_id, consent_version, consented_at)
             SELECT 'vi', a[1 + g % cardinality(a)], '2026-01', now()
             FROM communes, generate_series(1, $2::bigint) AS g",
            province,
            people
        )
        .execute(&self.pool)
        .await?;
        let mut tx = self.pool.begin().await?;
        // Row triggers off for this transaction (the bench runs as superuser): the counts are
        // written below in one statement, as a squash would leave them.
        sqlx::query!("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "INSERT INTO consultation_people (consultation_id, person_id, unit_id)
             SELECT $1, id, unit_id FROM people WHERE id > $2",
            id,
            first
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO consultation_opinions
                 (consultation_id, person_id, part, unit_id, opinion, comment, channel, updated_at)
             SELECT $1, p.id, n, p.unit_id,
                    CASE WHEN (p.id + n) % 10 < 7 THEN 'agree'
                         WHEN (p.id + n) % 10 < 9 THEN 'disagree' ELSE 'other' END,
                    CASE WHEN (p.id + n) % 50 = 0 THEN 'Góp ý cho bench' END,
                    'telegram', now()
             FROM people p, generate_series(1, $3::int) n WHERE p.id > $2",
            id,
            first,
            i32::from(parts)
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO consultation_tallies
                 (consultation_id, part, unit_id, agree, disagree, other, comments, people)
             SELECT $1, part, unit_id, sum(agree), sum(disagree), sum(other), sum(comments),
                    sum(people)
             FROM (SELECT COALESCE(part, 0) AS part, COALESCE(unit_id, 0) AS unit_id,
                          count(*) FILTER (WHERE opinion = 'agree') AS agree,
                          count(*) FILTER (WHERE opinion = 'disagree') AS disagree,
                          count(*) FILTER (WHERE opinion = 'other') AS other,
                          count(comment) AS comments, 0 AS people
                   FROM consultation_opinions WHERE consultation_id = $1
                   GROUP BY GROUPING SETS ((part, COALESCE(unit_id, 0)), (COALESCE(unit_id, 0)))
                   UNION ALL
                   SELECT 0, COALESCE(unit_id, 0), 0, 0, 0, 0, count(*) FROM consultation_people
                   WHERE consultation_id = $1 GROUP BY 2) AS counted
             GROUP BY part, unit_id",
            id
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!("SELECT consultation_rollups_rebuild()")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        sqlx::query!("ANALYZE consultation_opinions, consultation_tallies")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `count` consented residents spread over the communes of province `province`, each with a
    /// Telegram chat whose id is `first_chat` + their person id; one in ten reads English.
    pub async fn add_bench_residents(
        &self,
        province: &str,
        count: i64,
        first_chat: i64,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units
                               WHERE parent_id = (SELECT id FROM units WHERE code = $1))
             INSERT INTO people (language, unit_id, consent_version, consented_at)
             SELECT CASE WHEN g % 10 = 0 THEN 'en' ELSE 'vi' END, a[1 + g % cardinality(a)], '2026-01', now()
             FROM communes, generate_series(1, $2::bigint) AS g",
            province,
            count
        )
        .execute(&self.pool)
        .await?;
        // The kept counts are added once, set-based: a million row triggers in one transaction
        // would each add a version of their commune's count row, and each walk the versions
        // before it. Triggers are off for this transaction only (the bench runs as superuser).
        let mut tx = self.pool.begin().await?;
        sqlx::query!("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
        sqlx::query!(
            "INSERT INTO chats (channel, address, person_id, language, state, can_push)
             SELECT 'telegram', ($1 + id)::text, id, language, '{\"step\":\"idle\"}', true FROM people",
            first_chat
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO resident_count_parts (unit_id, channel, part, people)
             SELECT p.unit_id, 'telegram', 0, count(*) FROM people p
             WHERE p.unit_id IS NOT NULL GROUP BY p.unit_id
             ON CONFLICT (unit_id, channel, part) DO UPDATE SET people = EXCLUDED.people"
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // What was loaded, not every table: an empty table analyzed as empty (the opinions of a
        // consultation not yet open) is planned as empty, a sequential scan, by every connection
        // that keeps the plan until autovacuum analyzes it again; one never analyzed is not.
        sqlx::query!("ANALYZE people, chats, resident_count_parts")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Copies every person's chat into a table without keys or indexes: the floor for writing as
    /// many rows as a fan-out does.
    pub async fn copy_people_and_chats(&self) -> anyhow::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query!(
            "CREATE TEMP TABLE copy ON COMMIT DROP AS
             SELECT p.id, p.unit_id, c.channel, c.address, c.language
             FROM people p JOIN chats c ON c.person_id = p.id"
        )
        .execute(&mut *tx.inner)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// `models` models and `activities` activities spread over every commune, sectors in turn,
    /// dated over 2024 and 2025; returns how long a plain count of all activities takes, the floor
    /// for reading them.
    pub async fn add_bench_logs(
        &self,
        models: i64,
        activities: i64,
    ) -> anyhow::Result<std::time::Duration> {
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units WHERE parent_id IS NOT NULL),
                  sectors AS (SELECT array_agg(code ORDER BY position) AS s FROM sectors)
             INSERT INTO models (unit_id, sector, name, started_on, stopped_on)
             SELECT a[1 + g % cardinality(a)], s[1 + g % cardinality(s)], 'Mô hình ' || g,
                    date '2024-01-01' + (g % 700)::int, CASE WHEN g % 10 = 0 THEN date '2025-06-01' END
             FROM communes, sectors, generate_series(1, $1::bigint) AS g",
            models
        )
        .execute(&self.pool)
        .await?;
        sqlx::query!(
            "WITH communes AS (SELECT array_agg(id ORDER BY id) AS a FROM units WHERE parent_id IS NOT NULL),
                  sectors AS (SELECT array_agg(code ORDER BY position) AS s FROM sectors)
             INSERT INTO activities (unit_id, sector, title, held_on, participants)
             SELECT a[1 + (g * 7) % cardinality(a)], s[1 + g % cardinality(s)], 'Hoạt động ' || g,
                    date '2024-01-01' + (g % 730)::int, 5 + g % 50
             FROM communes, sectors, generate_series(1, $1::bigint) AS g",
            activities
        )
        .execute(&self.pool)
        .await?;
        sqlx::query!("ANALYZE models").execute(&self.pool).await?;
        sqlx::query!("ANALYZE activities")
            .execute(&self.pool)
            .await?;
        let started = std::time::Instant::now();
        sqlx::query_scalar!("SELECT count(*) FROM activities")
            .fetch_one(&self.pool)
            .await?;
        Ok(started.elapsed())
    }
}

impl Store {
    /// `count` tickets over the communes of province `province`, received in the 90 days before
    /// `now`, one in four still open (some past due), the rest answered or closed, each with the
    /// event that received it.
    pub async fn add_bench_tickets(
        &self,
        province: &str,
        count: i64,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "WITH province AS (SELECT id FROM units WHERE code = $1),
                  communes AS (SELECT array_agg(u.id ORDER BY u.id) AS a FROM units u, province p
                               WHERE u.parent_id = p.id),
                  made AS (SELECT g, $3::timestamptz - make_interval(mins => (g * 7919 % 129600)::int) AS at
                           FROM generate_series(1, $2::bigint) AS g)
             INSERT INTO tickets (province_id, number, unit_id, kind, category, text, status,
                                  created_at, accept_due, answer_due, accepted_at, answered_at,
                                  closed_at, answer, satisfied)
             SELECT p.id, g, a[1 + g % cardinality(a)],
                    (ARRAY['question', 'report', 'suggestion'])[1 + g % 3],
                    CASE WHEN g % 3 = 1
                         THEN (ARRAY['moi_truong', 'trat_tu', 'ha_tang', 'an_sinh', 'khac'])[1 + g / 3 % 5] END,
                    'Phản ánh số ' || g || ': đường liên thôn xuống cấp, đề nghị xã kiểm tra, sửa chữa.',
                    s.status, at, at + interval '1 day', at + interval '3 days',
                    CASE WHEN s.status <> 'received' THEN at + interval '2 hours' END,
                    CASE WHEN s.status IN ('answered', 'closed') THEN at + interval '1 day' END,
                    CASE WHEN s.status = 'closed' THEN at + interval '2 days' END,
                    CASE WHEN s.status IN ('answered', 'closed') THEN 'Xã đã tiếp nhận và xử lý.' END,
                    CASE WHEN s.status = 'closed' THEN g % 5 <> 0 END
             FROM made, province p, communes,
                  -- Every commune has tickets in every state (g / communes runs through them).
                  LATERAL (SELECT CASE g / cardinality(a) % 8 WHEN 0 THEN 'received'
                                       WHEN 1 THEN 'accepted' WHEN 2 THEN 'answered'
                                       ELSE 'closed' END AS status) s",
            province,
            count,
            now as _
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO ticket_events (ticket_id, at, action, actor, unit_id)
             SELECT id, created_at, 'received', 'resident', unit_id FROM tickets"
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO ticket_counters (province_id, last)
             SELECT province_id, max(number) FROM tickets GROUP BY province_id
             ON CONFLICT (province_id) DO UPDATE SET last = EXCLUDED.last"
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query!("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }
}
