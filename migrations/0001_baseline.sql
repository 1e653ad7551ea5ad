-- The schema as of the December 2026 baseline (migrations 0001–0009 squashed before anything was
-- deployed). From here on, migrations are append-only: never edit one that has landed.

-- Administrative units: a tree of any depth, identified by official code.
CREATE TABLE units (
    id            bigserial PRIMARY KEY,
    code          text NOT NULL UNIQUE,
    name          text NOT NULL,
    name_en       text NOT NULL DEFAULT '',
    division_type text NOT NULL,
    parent_id     bigint REFERENCES units (id),
    -- Absent from an import that retired missing units; kept so people and history stay attached.
    retired_at    timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_parent ON units (parent_id);

-- Bumped by every import, so engines reload their in-memory directory.
CREATE TABLE unit_revision (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    revision bigint NOT NULL
);
INSERT INTO unit_revision (revision) VALUES (0);

CREATE TABLE unit_imports (
    id          bigserial PRIMARY KEY,
    source      text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    added       integer NOT NULL,
    changed     integer NOT NULL,
    missing     integer NOT NULL
);

CREATE TABLE unit_changes (
    import_id bigint NOT NULL REFERENCES unit_imports (id),
    unit_id   bigint NOT NULL REFERENCES units (id),
    field     text NOT NULL,
    old_value text NOT NULL,
    new_value text NOT NULL
);
CREATE INDEX unit_changes_unit ON unit_changes (unit_id);

-- A person exists only once they have consented.
CREATE TABLE people (
    id              bigserial PRIMARY KEY,
    language        text NOT NULL,
    unit_id         bigint REFERENCES units (id),
    consent_version text NOT NULL,
    consented_at    timestamptz NOT NULL,
    subscribed      boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_unit ON people (unit_id);

-- One row per chat on a channel: the conversation state, and once consented, its person.
CREATE TABLE chats (
    channel    text NOT NULL,
    address    text NOT NULL,
    person_id  bigint REFERENCES people (id) ON DELETE CASCADE,
    language   text NOT NULL,
    state      jsonb NOT NULL,
    -- Whether the chat's channel may message it unasked (notices, answers); the shell only replies.
    can_push   boolean NOT NULL DEFAULT false,
    -- Channels without buttons: the payloads of the latest message's choices, by number (from 1).
    numbered   jsonb NOT NULL DEFAULT '[]',
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Set when the platform tells us the person blocked the bot; nothing is sent there until they return.
    unreachable_at timestamptz,
    PRIMARY KEY (channel, address)
);
CREATE INDEX chats_person ON chats (person_id);

-- A refusal is recorded without anything that identifies who refused.
CREATE TABLE consent_refusals (
    id              bigserial PRIMARY KEY,
    channel         text NOT NULL,
    consent_version text NOT NULL,
    refused_at      timestamptz NOT NULL DEFAULT now()
);

-- Erasures on request, counted without identifying anyone.
CREATE TABLE erasures (
    id        bigserial PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invites (
    id         bigserial PRIMARY KEY,
    -- SHA-256 of the normalized code: a leaked table does not leak usable codes.
    code_hash  bytea NOT NULL UNIQUE,
    role       text NOT NULL CHECK (role IN ('cadre', 'admin')),
    unit_id    bigint NOT NULL REFERENCES units (id),
    uses_left  integer NOT NULL CHECK (uses_left >= 0),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL
);

CREATE TABLE role_grants (
    person_id  bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('cadre', 'admin')),
    unit_id    bigint NOT NULL REFERENCES units (id),
    invite_id  bigint REFERENCES invites (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, role, unit_id)
);

-- Each inbound event is handled once: its id is recorded in the transaction that handles it.
CREATE TABLE processed_events (
    channel      text NOT NULL,
    event_id     text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, event_id)
);

-- Raw platform updates, committed before the platform is told they arrived (durable intake).
CREATE TABLE inbox (
    id              bigserial PRIMARY KEY,  -- arrival order; update ids are not reliably monotonic
    channel         text NOT NULL,
    event_id        text NOT NULL,
    chat            text NOT NULL,          -- events of one chat are handled in arrival order
    payload         jsonb NOT NULL,         -- scrubbed once handled: only the dedup key remains
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    handled_at      timestamptz,
    UNIQUE (channel, event_id)
);
CREATE INDEX inbox_pending ON inbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX inbox_pending_chat ON inbox (channel, chat, id) WHERE status = 'pending';

-- Replies rendered for a channel, written in the transaction that produced them; deleted once sent.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL,
    address     text NOT NULL,
    payload     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
    lease_until timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_chat ON outbox (channel, address, id) WHERE status = 'pending';


-- Communes and wards before the July 2025 merger, linked to the current units they became part of.
-- A former unit split between new ones has a row for each.
CREATE TABLE former_units (
    unit_id  bigint NOT NULL REFERENCES units (id),
    name     text NOT NULL,
    -- The district it was in, when the official text names one to tell namesakes apart; '' if none.
    district text NOT NULL DEFAULT '',
    -- Only part of the former unit went into this one.
    partial  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (unit_id, name, district)
);

-- Unit boundaries as GeoJSON geometries (Polygon or MultiPolygon, longitude/latitude).
CREATE TABLE unit_boundaries (
    unit_id     bigint PRIMARY KEY REFERENCES units (id),
    geometry    jsonb NOT NULL,
    source      text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);

-- Button payloads too long for a platform's callback data (Telegram: 64 bytes), by the token sent instead.
-- The same payload always gets the same token, so a payload is stored once however often it is shown.
CREATE TABLE button_payloads (
    token      text PRIMARY KEY,
    payload    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Notices of new directives, sent by committees to the residents of their units.
CREATE TABLE notices (
    id           bigserial PRIMARY KEY,
    -- Per language: {"vi": {"title": …, "body": …}, "en": {…}}; Vietnamese is required, the others fall back to it.
    texts        jsonb NOT NULL,
    directive    text NOT NULL DEFAULT '',
    issuer       text NOT NULL DEFAULT '',
    link         text NOT NULL DEFAULT '',
    -- A photo or file sent with it: {"kind": "photo"|"document", "source": https URL or platform file id}.
    attachment   jsonb,
    -- Target: these units and everything below them; roles ('resident', 'cadre', 'admin') and languages, empty = all.
    unit_ids     bigint[] NOT NULL,
    roles        text[] NOT NULL DEFAULT '{}',
    languages    text[] NOT NULL DEFAULT '{}',
    send_at      timestamptz NOT NULL,
    -- Respect quiet hours (no sends at night) unless urgent.
    quiet_hours  boolean NOT NULL DEFAULT true,
    urgent       boolean NOT NULL DEFAULT false,
    status       text NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'scheduled', 'sending', 'cancelled')),
    created_by   bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    fanned_out_at timestamptz,
    cancelled_at timestamptz
);
CREATE INDEX notices_due ON notices (send_at) WHERE status = 'scheduled';

-- One row per recipient chat per notice, written by one set-based insert when the notice goes out.
-- No foreign keys to chats or people: erasing a person deletes their rows by person_id instead, and a
-- million-row fan-out does not pay for a million key checks.
-- The same rows carry single messages for one person (a resident's question to the cadres of their
-- unit, a cadre's answer back), so they go out through the same senders and rate limit.
CREATE TABLE deliveries (
    id              bigserial PRIMARY KEY,
    notice_id       bigint REFERENCES notices (id),
    message         jsonb,
    person_id       bigint NOT NULL,
    unit_id         bigint,
    channel         text NOT NULL,
    address         text NOT NULL,
    language        text NOT NULL,
    -- Copied from the notice at fan-out: false when it may not wait (urgent, or not holding for
    -- quiet hours), which also sends it first.
    may_wait        boolean NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'undeliverable', 'blocked', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT '-infinity',
    lease_until     timestamptz,
    message_id      text,
    error           text,
    sent_at         timestamptz,
    read_at         timestamptz,
    CHECK ((notice_id IS NULL) <> (message IS NULL))
);
CREATE INDEX deliveries_ready ON deliveries (channel, may_wait, id) WHERE status = 'pending';
CREATE INDEX deliveries_notice ON deliveries (notice_id, status);
CREATE INDEX deliveries_leased ON deliveries (lease_until) WHERE status = 'sending';
CREATE INDEX deliveries_person ON deliveries (person_id);

-- Questions and comments residents send back about a notice, and the answers of cadres or admins.
CREATE TABLE notice_questions (
    id          bigserial PRIMARY KEY,
    notice_id   bigint NOT NULL REFERENCES notices (id),
    person_id   bigint REFERENCES people (id) ON DELETE CASCADE,
    unit_id     bigint REFERENCES units (id),
    text        text NOT NULL,
    asked_at    timestamptz NOT NULL DEFAULT now(),
    answer      text,
    answered_by bigint REFERENCES people (id) ON DELETE SET NULL,
    answered_at timestamptz
);
CREATE INDEX notice_questions_notice ON notice_questions (notice_id);

-- Sectors of "Dân vận khéo" models and activities: data, not code. Aliases are folded forms people type.
CREATE TABLE sectors (
    code     text PRIMARY KEY,
    name     text NOT NULL,
    name_en  text NOT NULL,
    aliases  text[] NOT NULL DEFAULT '{}',
    position integer NOT NULL
);
INSERT INTO sectors (code, name, name_en, aliases, position) VALUES
    ('kt', 'Kinh tế', 'Economy', '{kt,kinh te}', 1),
    ('vhxh', 'Văn hóa – xã hội', 'Culture and society', '{vhxh,vh xh,van hoa,xa hoi,van hoa xa hoi}', 2),
    ('qpan', 'Quốc phòng – an ninh', 'Defence and security', '{qpan,qp an,quoc phong,an ninh,quoc phong an ninh}', 3),
    ('xdhtct', 'Xây dựng hệ thống chính trị', 'Building the political system',
     '{xdhtct,htct,he thong chinh tri,xay dung he thong chinh tri}', 4);

-- Activities cadres log: an event on a date in a unit, optionally part of a model.
CREATE TABLE activities (
    id            bigserial PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    sector        text NOT NULL REFERENCES sectors (code),
    title         text NOT NULL,
    held_on       date NOT NULL,
    participants  integer CHECK (participants >= 0),
    -- Platform file ids of the photos, full resolution, fetched on demand.
    photos        text[] NOT NULL DEFAULT '{}',
    latitude      double precision,
    longitude     double precision,
    created_by    bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Soft delete: reports skip it, the audit keeps who and when.
    deleted_at    timestamptz,
    beneficiaries integer CHECK (beneficiaries >= 0),
    note          text
);
CREATE INDEX activities_unit_date ON activities (unit_id, held_on) WHERE deleted_at IS NULL;
CREATE INDEX activities_author ON activities (created_by, id);

-- Who changed what in the logs.
CREATE TABLE log_audit (
    id        bigserial PRIMARY KEY,
    entity    text NOT NULL,
    entity_id bigint NOT NULL,
    person_id bigint REFERENCES people (id) ON DELETE SET NULL,
    action    text NOT NULL CHECK (action IN ('create', 'edit', 'delete')),
    before    jsonb,
    after     jsonb,
    at        timestamptz NOT NULL DEFAULT now()
);

-- "Dân vận khéo" models: initiatives registered once and kept up over time.
CREATE TABLE models (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    sector      text NOT NULL REFERENCES sectors (code),
    name        text NOT NULL,
    started_on  date NOT NULL,
    -- Set when the model stops; it counts as built and maintained until then.
    stopped_on  date,
    created_by  bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz,
    description text,
    lead_org    text,
    -- 'stopped' also sets stopped_on; a stopped model no longer counts from that day.
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'maintained', 'stopped'))
);
-- Which model an activity belongs to (activities come first above, so the link is added here).
ALTER TABLE activities ADD COLUMN model_id bigint REFERENCES models (id);
CREATE INDEX models_unit ON models (unit_id, started_on) WHERE deleted_at IS NULL;

CREATE INDEX activities_model ON activities (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX models_unit_sector ON models (unit_id, sector, id) WHERE deleted_at IS NULL;

-- Short surveys of residents' views. The definition (texts per language, questions, show_if) is the
-- committee's TOML as parsed; it cannot change once the survey opens (a new version replaces it).
CREATE TABLE surveys (
    id          bigserial PRIMARY KEY,
    replaces    bigint REFERENCES surveys (id),
    definition  jsonb NOT NULL,
    unit_ids    bigint[] NOT NULL,
    roles       text[] NOT NULL DEFAULT '{}',
    anonymous   boolean NOT NULL,
    sensitive   boolean NOT NULL,
    opens_at    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL CHECK (closes_at > opens_at),
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    opened_at   timestamptz,
    closed_at   timestamptz
);

-- Who was invited and how far they got: never what they answered.
CREATE TABLE survey_invitations (
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    person_id   bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    unit_id     bigint REFERENCES units (id),
    started     boolean NOT NULL DEFAULT false,
    finished    boolean NOT NULL DEFAULT false,
    reminded_at timestamptz,
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_invitations_unit ON survey_invitations (survey_id, unit_id);
CREATE INDEX survey_invitations_person ON survey_invitations (person_id);

-- Answers given so far, while a person answers; deleted when they submit, refuse, or the survey closes.
CREATE TABLE survey_progress (
    survey_id  bigint NOT NULL REFERENCES surveys (id),
    person_id  bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    draft      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_progress_person ON survey_progress (person_id);

-- The separate, explicit consent a sensitive survey asks for before its first question.
CREATE TABLE survey_consents (
    survey_id    bigint NOT NULL REFERENCES surveys (id),
    person_id    bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    consented_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_consents_person ON survey_consents (person_id);

-- Complete responses. `pseudonym` is HMAC-SHA256(key, survey id, person id): one response per person
-- without naming anyone. Only named surveys keep the person and the time; ids are random, so neither
-- order nor time ties an anonymous response to a chat.
CREATE TABLE survey_responses (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    survey_id    bigint NOT NULL REFERENCES surveys (id),
    pseudonym    bytea NOT NULL,
    person_id    bigint REFERENCES people (id) ON DELETE CASCADE,
    unit_id      bigint REFERENCES units (id),
    language     text NOT NULL,
    channel      text NOT NULL,
    submitted_at timestamptz,
    UNIQUE (survey_id, pseudonym)
);
CREATE INDEX survey_responses_person ON survey_responses (person_id) WHERE person_id IS NOT NULL;

-- Anonymous responses wait here, without the person, until a batch of them is stored together in
-- random order: the transaction that stores a response then holds nothing of the chat it came from.
CREATE TABLE survey_pending (
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    pseudonym   bytea NOT NULL,
    unit_id     bigint,
    language    text NOT NULL,
    channel     text NOT NULL,
    answers     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (survey_id, pseudonym)
);

-- One row per answered question, one per chosen option for a multiple choice; skipped ones have none.
-- The survey and unit are the response's, copied so free-text answers of a scope are found by index.
CREATE TABLE survey_answers (
    response_id uuid NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    survey_id   bigint NOT NULL,
    unit_id     bigint,
    question    text NOT NULL,
    choice      text,
    number      bigint,
    text        text
);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
CREATE INDEX survey_answers_texts ON survey_answers (survey_id, question) WHERE text IS NOT NULL;

-- Counts kept with every response (and taken back when a named one is erased), so results over a
-- million responses read a few thousand rows: per unit, question and choice ('' = answered the
-- question; a number answer counts under its value; question '*' counts responses).
CREATE TABLE survey_tallies (
    survey_id bigint NOT NULL REFERENCES surveys (id),
    unit_id   bigint NOT NULL,
    question  text NOT NULL,
    choice    text NOT NULL,
    count     bigint NOT NULL,
    PRIMARY KEY (survey_id, unit_id, question, choice)
);

-- The key of the pseudonyms when DANVAN_SURVEY_KEY is not set (better kept outside the database).
CREATE TABLE settings (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
