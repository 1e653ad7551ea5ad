//! Chats, people, roles and invitations: what the engine reads and writes while handling one event.

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::{Store, Tx};
use crate::domain::access::{Grant, Role};
use crate::domain::dialogue::signup::{CONSENT_VERSION, PersonData};
use crate::domain::dialogue::staff::InviteRefused;
use crate::domain::dialogue::{Person, State};
use crate::domain::invite;
use crate::domain::vn_time::local_date;
use crate::message::Lang;

/// A chat as locked for handling one event.
#[derive(Debug)]
pub struct ChatRow {
    pub lang: Lang,
    pub state: State,
    pub person: Option<Person>,
    /// On channels without buttons, the payloads of the latest message's choices, by number.
    pub numbered: Vec<String>,
    /// Whether a notice no chat of the person's could take may be waiting for them: only then
    /// does the engine spend a statement on `take_missed_notices`, which decides which.
    pub may_have_missed: bool,
    /// When the person last wrote here, None when the chat is unreachable since (or never wrote).
    pub seen_at: Option<DateTime<Utc>>,
}

/// Everything kept about a person, as `/mydata` reads it in one query.
struct PersonDataRow {
    language: Lang,
    unit_id: Option<i64>,
    consent_version: String,
    consented_at: DateTime<Utc>,
    subscribed: bool,
    created_at: DateTime<Utc>,
    grants: Json<Vec<Grant>>,
    channels: Json<Vec<(String, String)>>,
    notices_received: i64,
    questions: Json<Vec<String>>,
    surveys: Json<(i64, i64, i64)>,
    consultations: Json<(i64, i64, i64)>,
    household: Option<String>,
    household_joined: Option<DateTime<Utc>>,
    accompanies: i64,
    assignments: Json<(i64, i64)>,
}

/// A chat with its person (`chat_people`), as the statements that lock a chat read it; every
/// column is null when there is no such chat, and the person's when it has no person.
pub(super) struct ChatColumns {
    pub language: Option<Lang>,
    pub state: Option<Json<State>>,
    pub numbered: Option<Json<Vec<String>>>,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub subscribed: Option<bool>,
    pub grants: Option<Json<Vec<Grant>>>,
    pub may_have_missed: Option<bool>,
    pub seen_at: Option<DateTime<Utc>>,
}

/// Puts a read chat's columns into the same struct, whatever record the statement's macro made.
macro_rules! chat_columns {
    ($r:expr) => {
        $crate::store::chats::ChatColumns {
            language: $r.language,
            state: $r.state,
            numbered: $r.numbered,
            person_id: $r.person_id,
            unit_id: $r.unit_id,
            subscribed: $r.subscribed,
            grants: $r.grants,
            may_have_missed: $r.may_have_missed,
            seen_at: $r.seen_at,
        }
    };
}
pub(super) use chat_columns;

impl ChatColumns {
    /// The chat, None when there is none.
    pub(super) fn chat(self) -> anyhow::Result<Option<ChatRow>> {
        let Some(lang) = self.language else {
            return Ok(None);
        };
        let missing = || anyhow::anyhow!("a chat read without its state");
        Ok(Some(ChatRow {
            lang,
            state: self.state.ok_or_else(missing)?.0,
            numbered: self.numbered.ok_or_else(missing)?.0,
            // Both come with the person: a chat without one has missed no notice.
            may_have_missed: self.may_have_missed.unwrap_or(false),
            seen_at: self.seen_at,
            person: match self.person_id {
                None => None,
                Some(id) => Some(Person {
                    id,
                    unit_id: self.unit_id,
                    subscribed: self.subscribed.ok_or_else(missing)?,
                    grants: self.grants.ok_or_else(missing)?.0,
                }),
            },
        }))
    }
}

impl Tx {
    /// Records that this event is being handled and locks its chat, in one round trip: `None`
    /// when the event was handled before (nothing is locked then); else the unit revision and the
    /// chat, `None` when it has never written.
    pub async fn claim_event(
        &mut self,
        channel: &str,
        event_id: &str,
        address: &str,
    ) -> anyhow::Result<Option<(i64, Option<ChatRow>)>> {
        // The chat is read as `lock_chat` and `claim_inbox` read it (keep them alike).
        let row = sqlx::query!(
            r#"WITH claimed AS (
                   INSERT INTO processed_events (channel, event_id) VALUES ($1, $3)
                   ON CONFLICT DO NOTHING RETURNING (SELECT revision FROM unit_revision) AS revision)
               SELECT claimed.revision AS "revision!", chat.language AS "language?: Lang",
                      chat.state AS "state?: Json<State>",
                      chat.numbered AS "numbered?: Json<Vec<String>>",
                      chat.person_id AS "person_id?", chat.unit_id AS "unit_id?",
                      chat.subscribed AS "subscribed?", chat.grants AS "grants?: Json<Vec<Grant>>",
                      chat.may_have_missed AS "may_have_missed?",
                      chat.seen_at AS "seen_at?: DateTime<Utc>"
               FROM claimed LEFT JOIN LATERAL (
                   SELECT c.language, c.state, c.numbered, c.person_id, p.unit_id, p.subscribed,
                          p.grants, p.may_have_missed,
                          CASE WHEN c.unreachable_at IS NULL THEN c.last_seen_at END AS seen_at
                   FROM chats c LEFT JOIN chat_people p ON p.person_id = c.person_id
                   WHERE c.channel = $1 AND c.address = $2
                   FOR UPDATE OF c) chat ON true"#,
            channel,
            address,
            event_id
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        Ok(Some((r.revision, chat_columns!(r).chat()?)))
    }

    /// Locks the chat's row for this transaction, so events of one chat are handled one at a time.
    pub async fn lock_chat(
        &mut self,
        channel: &str,
        address: &str,
    ) -> anyhow::Result<Option<ChatRow>> {
        // As `claim_event` and `claim_inbox` read the chat (keep them alike).
        let row = sqlx::query_as!(
            ChatColumns,
            r#"SELECT c.language AS "language?: Lang", c.state AS "state?: Json<State>",
                      c.numbered AS "numbered?: Json<Vec<String>>", c.person_id AS "person_id?",
                      p.unit_id AS "unit_id?", p.subscribed AS "subscribed?",
                      p.grants AS "grants?: Json<Vec<Grant>>", p.may_have_missed AS "may_have_missed?",
                      CASE WHEN c.unreachable_at IS NULL THEN c.last_seen_at END AS "seen_at?: DateTime<Utc>"
               FROM chats c LEFT JOIN chat_people p ON p.person_id = c.person_id
               WHERE c.channel = $1 AND c.address = $2
               FOR UPDATE OF c"#,
            channel,
            address
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        Ok(row.map(ChatColumns::chat).transpose()?.flatten())
    }

    /// Inserts a chat seen for the first time (or finds it, when another process just did);
    /// `can_push`: whether its channel may message it unasked.
    pub async fn open_chat(
        &mut self,
        channel: &str,
        address: &str,
        can_push: bool,
    ) -> anyhow::Result<ChatRow> {
        sqlx::query!(
            "INSERT INTO chats (channel, address, language, state, can_push) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            channel,
            address,
            Lang::default() as Lang,
            Json(State::New) as _,
            can_push
        )
        .execute(&mut *self.inner)
        .await?;
        self.lock_chat(channel, address)
            .await?
            .ok_or_else(|| anyhow::anyhow!("chat vanished while opening it"))
    }

    /// Saves the chat's language and step, and on channels without buttons the numbering of the
    /// choices just sent (`numbered`; None keeps it); the person was last seen here `seen_at`, so
    /// the chat is reachable again (not every platform says when a person unblocks or refollows).
    pub async fn save_chat(
        &mut self,
        channel: &str,
        address: &str,
        lang: Lang,
        state: &State,
        numbered: Option<&[String]>,
        seen_at: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH chat AS (
                 UPDATE chats SET language = $3, state = $4, numbered = COALESCE($5, numbered),
                                  updated_at = now(), last_seen_at = $6, unreachable_at = NULL
                 WHERE channel = $1 AND address = $2 RETURNING person_id)
             UPDATE people SET language = $3 FROM chat WHERE people.id = chat.person_id AND people.language <> $3",
            channel,
            address,
            lang as Lang,
            Json(state) as _,
            numbered.map(Json) as _,
            seen_at as _
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Consent given: the chat becomes a person's.
    pub async fn register(
        &mut self,
        channel: &str,
        address: &str,
        lang: Lang,
    ) -> anyhow::Result<i64> {
        let id = sqlx::query_scalar!(
            r#"WITH person AS (
                 INSERT INTO people (language, consent_version, consented_at) VALUES ($3, $4, now()) RETURNING id)
             UPDATE chats SET person_id = person.id FROM person
             WHERE channel = $1 AND address = $2 RETURNING person.id AS "id!""#,
            channel,
            address,
            lang as Lang,
            CONSENT_VERSION
        )
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(id)
    }

    /// Consent refused: the chat is forgotten; only an anonymous refusal remains.
    pub async fn decline(&mut self, channel: &str, address: &str) -> anyhow::Result<()> {
        sqlx::query!(
            "WITH gone AS (DELETE FROM chats WHERE channel = $1 AND address = $2)
             INSERT INTO consent_refusals (channel, consent_version) VALUES ($1, $3)",
            channel,
            address,
            CONSENT_VERSION
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn set_unit(&mut self, person_id: i64, unit_id: i64) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE people SET unit_id = $2 WHERE id = $1",
            person_id,
            unit_id
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn set_subscribed(&mut self, person_id: i64, subscribed: bool) -> anyhow::Result<()> {
        sqlx::query!(
            "UPDATE people SET subscribed = $2 WHERE id = $1",
            person_id,
            subscribed
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    /// Erases the person: their row, chats and roles go; an anonymous erasure count remains.
    pub async fn erase(&mut self, person_id: i64) -> anyhow::Result<()> {
        // Named survey responses go with the person; their counts go first.
        self.untally_person(person_id).await?;
        self.erase_tickets(person_id).await?;
        // Parked events still hold what the person wrote; handled ones are scrubbed, but some
        // ids name the person on the platform (a Zalo OA follow is `follow:<id>:<time>`, a web
        // chat event `<visitor>:<id>`). Pending ones (the event erasing them among them) stay to
        // be handled once. Replies that failed still say what was said to them.
        sqlx::query!(
            "WITH mine AS (SELECT channel, address FROM chats WHERE person_id = $1),
                  events AS (DELETE FROM inbox i USING mine m
                             WHERE i.channel = m.channel AND i.status <> 'pending'
                               AND (i.chat = m.address
                                    OR strpos(':' || i.event_id || ':', ':' || m.address || ':') > 0)),
                  replies AS (DELETE FROM outbox o USING mine m
                              WHERE o.channel = m.channel AND o.address = m.address
                                AND o.status = 'failed')
             -- The web chat's visitor may read the goodbye, then goes (`forget_erased_web_visitors`).
             UPDATE web_visitors SET forgotten_at = now()
             WHERE address IN (SELECT address FROM mine WHERE channel = 'web')",
            person_id
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "WITH deliveries AS (DELETE FROM deliveries WHERE person_id = $1),
                  gone AS (DELETE FROM people WHERE id = $1)
             INSERT INTO erasures DEFAULT VALUES",
            person_id
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(())
    }

    pub async fn person_data(&mut self, person_id: i64) -> anyhow::Result<PersonData> {
        let row = sqlx::query_as!(
            PersonDataRow,
            r#"SELECT p.language AS "language: Lang", p.unit_id, p.consent_version,
                    p.consented_at AS "consented_at: DateTime<Utc>", p.subscribed,
                    p.created_at AS "created_at: DateTime<Utc>",
                    COALESCE((SELECT json_agg(json_build_object('role', role, 'unit_id', unit_id) ORDER BY granted_at)
                              FROM role_grants WHERE person_id = p.id), '[]') AS "grants!: Json<Vec<Grant>>",
                    COALESCE((SELECT json_agg(json_build_array(channel, address) ORDER BY channel, address)
                              FROM chats WHERE person_id = p.id), '[]')
                        AS "channels!: Json<Vec<(String, String)>>",
                    -- A notice that went to one chat and then another is one notice.
                    (SELECT count(DISTINCT notice_id) FROM deliveries WHERE person_id = p.id)
                        AS "notices_received!",
                    -- What they wrote to the commune (questions about notices among it), with codes.
                    COALESCE((SELECT json_agg('PA-' || lpad(number::text, 4, '0') || ': ' || text
                                              ORDER BY created_at)
                              FROM tickets WHERE person_id = p.id), '[]')
                        AS "questions!: Json<Vec<String>>",
                    json_build_array(
                        (SELECT count(*) FROM survey_responses WHERE person_id = p.id),
                        (SELECT count(*) FROM survey_consents WHERE person_id = p.id),
                        (SELECT count(*) FROM survey_progress WHERE person_id = p.id))
                        AS "surveys!: Json<(i64, i64, i64)>",
                    json_build_array(
                        (SELECT count(*) FROM consultation_opinions WHERE person_id = p.id),
                        (SELECT count(*) FROM consultation_opinions
                         WHERE person_id = p.id AND comment IS NOT NULL),
                        (SELECT count(*) FROM consultation_profiles WHERE person_id = p.id))
                        AS "consultations!: Json<(i64, i64, i64)>",
                    -- 1+10: the household they joined, and those they accompany as a cadre.
                    h.name AS "household?",
                    m.consented_at AS "household_joined?: DateTime<Utc>",
                    (SELECT count(*) FROM households WHERE cadre_id = p.id) AS "accompanies!",
                    json_build_array(
                        (SELECT count(*) FROM household_assignments WHERE cadre_id = p.id),
                        (SELECT count(*) FROM household_assignments WHERE by_person_id = p.id))
                        AS "assignments!: Json<(i64, i64)>"
             FROM people p
             LEFT JOIN household_members m ON m.person_id = p.id
             LEFT JOIN households h ON h.id = m.household_id
             WHERE p.id = $1"#,
            person_id
        )
        .fetch_one(&mut *self.inner)
        .await?;
        Ok(PersonData {
            lang: row.language,
            unit_id: row.unit_id,
            consent_version: row.consent_version,
            consented_at: local_date(row.consented_at),
            subscribed: row.subscribed,
            created_at: local_date(row.created_at),
            grants: row.grants.0,
            channels: row.channels.0,
            notices_received: row.notices_received,
            questions: row.questions.0,
            surveys: row.surveys.0,
            consultations: row.consultations.0,
            household: row.household.zip(row.household_joined.map(local_date)),
            accompanies: row.accompanies,
            assignments: row.assignments.0,
        })
    }

    /// Stores a new invitation and returns its code (only its hash is kept).
    pub async fn create_invite(
        &mut self,
        grant: &Grant,
        uses: i32,
        expires_at: DateTime<Utc>,
        created_by: &str,
    ) -> anyhow::Result<String> {
        let code = invite::new_code();
        sqlx::query!(
            "INSERT INTO invites (code_hash, role, unit_id, uses_left, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            invite::code_hash(&code),
            grant.role.as_str(),
            grant.unit_id,
            uses,
            expires_at as _,
            created_by
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(code)
    }

    /// Uses one redemption of the code and grants its role.
    pub async fn redeem_invite(
        &mut self,
        person_id: i64,
        code: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<Grant, InviteRefused>> {
        let invite = sqlx::query!(
            r#"SELECT id, role, unit_id, uses_left, expires_at < $2 AS "expired!"
             FROM invites WHERE code_hash = $1 FOR UPDATE"#,
            invite::code_hash(code),
            now as _
        )
        .fetch_optional(&mut *self.inner)
        .await?;
        let Some(invite) = invite else {
            return Ok(Err(InviteRefused::Unknown));
        };
        if invite.expired {
            return Ok(Err(InviteRefused::Expired));
        }
        if invite.uses_left == 0 {
            return Ok(Err(InviteRefused::UsedUp));
        }
        let (invite_id, unit_id) = (invite.id, invite.unit_id);
        let role = Role::parse(&invite.role)
            .ok_or_else(|| anyhow::anyhow!("unknown role {} in invite {invite_id}", invite.role))?;
        sqlx::query!(
            "UPDATE invites SET uses_left = uses_left - 1 WHERE id = $1",
            invite_id
        )
        .execute(&mut *self.inner)
        .await?;
        sqlx::query!(
            "INSERT INTO role_grants (person_id, role, unit_id, invite_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            person_id,
            role.as_str(),
            unit_id,
            invite_id
        )
        .execute(&mut *self.inner)
        .await?;
        Ok(Ok(Grant { role, unit_id }))
    }
}

impl Store {
    /// Numbers the choices of messages pushed to chats that answer by typing numbers (a notice's
    /// "Đã đọc" is then "1"), as a conversation's replies do; a chat whose person has written since
    /// `sent_from` keeps the numbering of its newer reply.
    pub async fn number_pushed(
        &self,
        channel: &str,
        pushed: &[(String, Vec<String>)],
        sent_from: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        if pushed.is_empty() {
            return Ok(());
        }
        let addresses: Vec<&str> = pushed.iter().map(|(a, _)| a.as_str()).collect();
        let numbered: Vec<Json<&Vec<String>>> = pushed.iter().map(|(_, p)| Json(p)).collect();
        sqlx::query!(
            "UPDATE chats c SET numbered = n.payloads
             FROM unnest($2::text[], $3::jsonb[]) AS n (address, payloads)
             WHERE c.channel = $1 AND c.address = n.address
               AND (c.last_seen_at IS NULL OR c.last_seen_at < $4)",
            channel,
            &addresses as _,
            &numbered as _,
            sent_from as _
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
