//! One person, several chats: link codes, the limit on wrong ones, a chat joining a person, and
//! two people made one.

use chrono::{DateTime, Utc};

use super::Tx;
use crate::domain::invite::code_hash;
use crate::domain::link::{self, CODE_LIFETIME, CODES_PER_HOUR, WRONG_CODES, WRONG_CODES_OVERALL};
use crate::message::Lang;

/// New codes tried before giving up, should every one be live already (900 million to choose from).
const CODE_ATTEMPTS: usize = 20;

/// A link code as found, locked for its use.
pub struct LinkCode {
    pub person_id: i64,
    /// The chat that asked for it.
    pub channel: String,
    pub address: String,
    /// Its time is up, or it was used.
    pub spent: bool,
}

/// The person a chat belongs to after linking.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedPerson {
    pub unit_id: Option<i64>,
    pub lang: Lang,
}

struct PersonRow {
    id: i64,
    unit_id: Option<i64>,
    language: Lang,
}

impl From<PersonRow> for LinkedPerson {
    fn from(r: PersonRow) -> LinkedPerson {
        LinkedPerson {
            unit_id: r.unit_id,
            lang: r.language,
        }
    }
}

impl Tx {
    /// A new code for the person, asked for from this chat, and when it expires; None when they
    /// have asked for as many as an hour allows.
    pub async fn create_link_code(
        &mut self,
        person: i64,
        channel: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<(String, DateTime<Utc>)>> {
        // Codes from before the last hour count no more: they go.
        let recent = sqlx::query_scalar!(
            r#"WITH old AS (DELETE FROM link_codes
                          WHERE person_id = $1 AND created_at <= $2::timestamptz - interval '1 hour' RETURNING 1)
             SELECT count(*) AS "recent!" FROM link_codes
             WHERE person_id = $1 AND created_at > $2 - interval '1 hour'"#,
            person,
            now as _
        )
        .fetch_one(&mut *self.inner)
        .await?;
        if recent >= CODES_PER_HOUR {
            return Ok(None);
        }
        let expires = now + CODE_LIFETIME;
        for _ in 0..CODE_ATTEMPTS {
            let code = link::new_code();
            // A spent code's slot is taken over; a live one's is not.
            let stored = sqlx::query!(
                "INSERT INTO link_codes (code_hash, person_id, channel, address, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (code_hash) DO UPDATE SET person_id = EXCLUDED.person_id,
                     channel = EXCLUDED.channel, address = EXCLUDED.address,
                     created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, used_at = NULL
                 WHERE link_codes.expires_at <= $5 OR link_codes.used_at IS NOT NULL",
                code_hash(&code),
                person,
                channel,
                address,
                now as _,
                expires as _
            )
            .execute(&mut *self.inner)
            .await?
            .rows_affected();
            if stored == 1 {
                return Ok(Some((code, expires)));
            }
        }
        anyhow::bail!("no free link code in {CODE_ATTEMPTS} tries")
    }

    /// The code, locked until the transaction ends; None when there is no such code.
    pub async fn link_code(
        &mut self,
        code: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<LinkCode>> {
        Ok(sqlx::query_as!(
            LinkCode,
            r#"SELECT person_id, channel, address,
                      (expires_at <= $2 OR used_at IS NOT NULL) AS "spent!"
             FROM link_codes WHERE code_hash = $1 FOR UPDATE"#,
            code_hash(code),
            now as _
        )
        .fetch_optional(&mut *self.inner)
        .await?)
    }

    pub async fn spend_link_code(&mut self, code: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE link_codes SET used_at = $2 WHERE code_hash = $1",
            code_hash(code),
            now as _
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Whether the chat has sent [`WRONG_CODES`] wrong codes, each less than an hour after the
    /// last, the latest less than an hour ago.
    pub async fn link_tries_used_up(
        &mut self,
        channel: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        Ok(sqlx::query_scalar!(
            r#"SELECT link_failures >= $3 AND link_failed_at > $4::timestamptz - interval '1 hour' AS "used_up!"
             FROM chats WHERE channel = $1 AND address = $2"#,
            channel,
            address,
            WRONG_CODES,
            now as _
        )
        .fetch_optional(&mut *self.inner)
        .await?
        .unwrap_or(false))
    }

    /// Whether every chat together has sent [`WRONG_CODES_OVERALL`] wrong codes within a code's
    /// lifetime: then no code is checked until the oldest of them is older than that.
    pub async fn link_guessing(&mut self, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let since = now - CODE_LIFETIME;
        let recent = sqlx::query_scalar!(
            r#"SELECT count(*) AS "recent!" FROM (SELECT 1 FROM link_guesses WHERE at > $1 LIMIT $2) g"#,
            since as _,
            WRONG_CODES_OVERALL
        )
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(recent >= WRONG_CODES_OVERALL)
    }

    /// Counts a wrong code sent from the chat, and among all wrong codes (those older than an
    /// hour are dropped on the way).
    pub async fn count_wrong_link_code(
        &mut self,
        channel: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE chats SET link_failed_at = $3,
                    link_failures = CASE WHEN link_failed_at > $3::timestamptz - interval '1 hour'
                                         THEN link_failures + 1 ELSE 1 END
             WHERE channel = $1 AND address = $2",
            channel,
            address,
            now as _
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "WITH old AS (DELETE FROM link_guesses WHERE at < $1::timestamptz - interval '1 hour')
             INSERT INTO link_guesses (at) VALUES ($1)",
            now as _
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// A chat that has not signed up becomes the person's, in their language.
    pub async fn join_person(
        &mut self,
        channel: &str,
        address: &str,
        person: i64,
    ) -> anyhow::Result<LinkedPerson> {
        let row = sqlx::query_as!(
            PersonRow,
            r#"WITH p AS (SELECT id, unit_id, language FROM people WHERE id = $3),
             joined AS (UPDATE chats c SET person_id = p.id, language = p.language FROM p
                        WHERE c.channel = $1 AND c.address = $2)
             SELECT id AS "id!", unit_id, language AS "language!: Lang" FROM p"#,
            channel,
            address,
            person
        )
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(row.into())
    }

    /// Makes two people one. The newer sign-up stays, with its language and its unit (the older's
    /// if it chose none); everything of the older moves to it: chats, roles, notices received and
    /// sent, questions asked and answered, invitations issued, activities, models and their audit,
    /// survey invitations,
    /// consents, answers in progress and named responses (a survey both answered keeps the newer's
    /// response; anonymous responses stay untouched and are found through `person_aliases`).
    /// Consent refusals and erasures name nobody; inbox and outbox rows follow chats, not people.
    pub async fn merge_people(&mut self, a: i64, b: i64) -> anyhow::Result<LinkedPerson> {
        let mut both = sqlx::query_as!(
            PersonRow,
            r#"SELECT id, unit_id, language AS "language: Lang" FROM people WHERE id IN ($1, $2)
             ORDER BY created_at DESC, id DESC FOR UPDATE"#,
            a,
            b
        )
        .fetch_all(&mut *self.inner)
        .await?;
        anyhow::ensure!(both.len() == 2, "merging people {a} and {b}: one is gone");
        let gone = both.pop().expect("two people");
        let mut kept = both.pop().expect("two people");
        kept.unit_id = kept.unit_id.or(gone.unit_id);
        self.merge_survey_records(kept.id, gone.id).await?;
        self.merge_consultation_records(kept.id, gone.id).await?;
        self.merge_household_records(kept.id, gone.id).await?;
        self.move_tickets(gone.id, kept.id).await?;
        sqlx::query!(
            "WITH aliases AS (INSERT INTO person_aliases (person_id, former_id)
                         SELECT $1::bigint, $2::bigint UNION SELECT $1, former_id FROM person_aliases WHERE person_id = $2),
             grants AS (INSERT INTO role_grants (person_id, role, unit_id, invite_id, granted_at)
                        SELECT $1, role, unit_id, invite_id, granted_at FROM role_grants WHERE person_id = $2
                        ON CONFLICT DO NOTHING),
             received AS (
                 -- A notice still waiting for both goes once.
                 UPDATE deliveries d SET person_id = $1,
                        status = CASE WHEN d.status = 'pending' AND d.notice_id IN
                                          (SELECT notice_id FROM deliveries k WHERE k.person_id = $1)
                                      THEN 'cancelled' ELSE d.status END
                 WHERE d.person_id = $2),
             written AS (UPDATE notices SET created_by = $1 WHERE created_by = $2),
             logged AS (UPDATE activities SET created_by = $1 WHERE created_by = $2),
             models AS (UPDATE models SET created_by = $1 WHERE created_by = $2),
             audit AS (UPDATE log_audit SET person_id = $1 WHERE person_id = $2),
             issued AS (UPDATE invites SET created_by = 'person:' || $1
                        WHERE created_by = 'person:' || $2)
             UPDATE chats SET person_id = $1, language = $3 WHERE person_id IN ($1, $2)",
            kept.id,
            gone.id,
            kept.language as Lang
        )
        .execute(&mut *self.inner)
        .await?;
        // After the chats moved, in a statement of its own: the residents' counts move the kept
        // person's channels, all of them now, to the unit (see migration 0041).
        sqlx::query!(
            "UPDATE people SET unit_id = $2 WHERE id = $1 AND unit_id IS DISTINCT FROM $2",
            kept.id,
            kept.unit_id
        )
        .execute(&mut *self.inner)
        .await?;
        // What was not moved goes with the older person: roles and consents both had, link codes.
        sqlx::query!("DELETE FROM people WHERE id = $1", gone.id)
            .execute(&mut *self.inner)
            .await?;
        Ok(kept.into())
    }
}
