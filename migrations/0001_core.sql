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
    updated_at timestamptz NOT NULL DEFAULT now(),
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
