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
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
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
